// Module-scope directives, variables, initializers and function headers.
#include "test_support.h"

#include <cstring>

namespace cuport::ptx {
namespace {

using test::parseOk;

TEST(ParserModule, HeaderDirectives) {
  Module m = parseOk(".version 8.5\n.target sm_90a, texmode_independent, debug\n"
                     ".address_size 32\n");
  EXPECT_EQ(m.versionMajor, 8u);
  EXPECT_EQ(m.versionMinor, 5u);
  ASSERT_EQ(m.targets.size(), 3u);
  EXPECT_EQ(m.targets[0], "sm_90a");
  EXPECT_EQ(m.targets[1], "texmode_independent");
  EXPECT_EQ(m.targets[2], "debug");
  EXPECT_EQ(m.addressSize, 32u);
  EXPECT_TRUE(m.globals.empty());
  EXPECT_TRUE(m.functions.empty());
}

TEST(ParserModule, EmptyInputIsAnEmptyModule) {
  Module m = parseOk("  // nothing here\n");
  EXPECT_EQ(m.addressSize, 64u);
  EXPECT_TRUE(m.targets.empty());
}

TEST(ParserModule, FileLocSectionAndPragma) {
  Module m =
      parseOk(".version 9.0\n.target sm_80\n"
              ".file 1 \"/src/a.cu\"\n"
              ".file 3 \"b.cu\", 1700000000, 1234\n"
              ".loc 1 2 3\n"
              ".pragma \"nounroll\";\n"
              ".section .debug_str\n{\n$L__info_string0:\n.b8 95,90,0\n.b64 $L__func_begin0\n}\n"
              ".section .debug_loc { }\n"
              ".global .u32 after;\n");
  ASSERT_EQ(m.files.size(), 4u);
  EXPECT_EQ(m.files[1], "/src/a.cu");
  EXPECT_EQ(m.files[2], "");
  EXPECT_EQ(m.files[3], "b.cu");
  ASSERT_EQ(m.globals.size(), 1u);
  EXPECT_EQ(m.globals[0].name, "after");
  EXPECT_EQ(m.globals[0].loc.line, 14u);
}

TEST(ParserModule, SectionContentsAreNotTokenized) {
  // '#' and '@' are not valid PTX tokens in these positions; a debug section must still skip.
  Module m = parseOk(".section .debug_info { # weird @@ \"}\" { nested } }\n.global .b8 x;");
  ASSERT_EQ(m.globals.size(), 1u);
  EXPECT_EQ(m.globals[0].name, "x");
}

TEST(ParserModule, GlobalVariableAttributes) {
  Module m = parseOk(".visible .global .align 16 .v4 .f32 vec;\n"
                     ".extern .shared .align 4 .b8 dyn[];\n"
                     ".weak .const .s64 w;\n"
                     ".common .global .u8 c;\n"
                     ".global .align 8 .b8 grid[2][3][4];\n"
                     ".global .texref t;\n"
                     ".global .u32 a, b[2];\n");
  ASSERT_EQ(m.globals.size(), 8u);
  const VariableDecl &vec = m.globals[0];
  EXPECT_EQ(vec.space, StateSpace::Global);
  EXPECT_EQ(vec.linkage, Linkage::Visible);
  EXPECT_EQ(vec.type, ScalarType::F32);
  EXPECT_EQ(vec.vectorWidth, 4u);
  EXPECT_EQ(vec.align, 16u);
  EXPECT_EQ(vec.name, "vec");
  EXPECT_TRUE(vec.arrayDims.empty());
  EXPECT_FALSE(vec.hasInitializer);
  EXPECT_EQ(vec.loc.line, 1u);
  EXPECT_EQ(vec.loc.column, 37u);

  const VariableDecl &dyn = m.globals[1];
  EXPECT_EQ(dyn.space, StateSpace::Shared);
  EXPECT_EQ(dyn.linkage, Linkage::Extern);
  EXPECT_EQ(dyn.type, ScalarType::B8);
  ASSERT_EQ(dyn.arrayDims.size(), 1u);
  EXPECT_EQ(dyn.arrayDims[0], 0u);

  EXPECT_EQ(m.globals[2].space, StateSpace::Const);
  EXPECT_EQ(m.globals[2].linkage, Linkage::Weak);
  EXPECT_EQ(m.globals[2].type, ScalarType::S64);
  EXPECT_EQ(m.globals[3].linkage, Linkage::Common);
  EXPECT_EQ(m.globals[4].arrayDims, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(m.globals[5].type, ScalarType::TexRef);
  EXPECT_EQ(m.globals[6].name, "a");
  EXPECT_EQ(m.globals[6].type, ScalarType::U32);
  EXPECT_EQ(m.globals[7].name, "b");
  EXPECT_EQ(m.globals[7].type, ScalarType::U32);
  EXPECT_EQ(m.globals[7].arrayDims, (std::vector<uint64_t>{2}));
}

TEST(ParserModule, ScalarInitializers) {
  Module m = parseOk(".global .f64 d = 0d4000000000000000;\n"
                     ".global .f32 f = 0f3F800000;\n"
                     ".global .f32 g = -0f3F800000;\n"
                     ".global .s32 n = -5;\n"
                     ".global .f32 dec = -2.5;\n"
                     ".global .u64 big = 0xFFFFFFFFFFFFFFFF;\n");
  ASSERT_EQ(m.globals.size(), 6u);
  const InitElement &d = m.globals[0].initializer.at(0);
  EXPECT_TRUE(m.globals[0].hasInitializer);
  EXPECT_EQ(d.kind, InitElement::Kind::Int);
  EXPECT_TRUE(d.floatIsHexBits);
  EXPECT_EQ(d.intValue, 0x4000000000000000ull);
  EXPECT_EQ(m.globals[1].initializer.at(0).intValue, 0x3F800000u);
  // -1.0f: the sign bit of the f32 pattern flips.
  EXPECT_EQ(m.globals[2].initializer.at(0).intValue, 0xBF800000u);
  const InitElement &n = m.globals[3].initializer.at(0);
  EXPECT_EQ(n.kind, InitElement::Kind::Int);
  EXPECT_FALSE(n.floatIsHexBits);
  EXPECT_EQ(static_cast<int64_t>(n.intValue), -5);
  const InitElement &dec = m.globals[4].initializer.at(0);
  EXPECT_EQ(dec.kind, InitElement::Kind::Float);
  EXPECT_DOUBLE_EQ(dec.floatValue, -2.5);
  EXPECT_EQ(m.globals[5].initializer.at(0).intValue, UINT64_MAX);
}

TEST(ParserModule, NestedBraceInitializersFlattenRowMajor) {
  Module m = parseOk(".global .s32 t[2][3] = {{1, 2, 3}, {-4, 5, -6}};\n"
                     ".global .b8 e[4] = {};\n");
  ASSERT_EQ(m.globals.size(), 2u);
  const std::vector<InitElement> &init = m.globals[0].initializer;
  ASSERT_EQ(init.size(), 6u);
  const int64_t expected[] = {1, 2, 3, -4, 5, -6};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(init[i].kind, InitElement::Kind::Int);
    EXPECT_EQ(static_cast<int64_t>(init[i].intValue), expected[i]) << i;
  }
  EXPECT_TRUE(m.globals[1].hasInitializer);
  EXPECT_TRUE(m.globals[1].initializer.empty());
}

TEST(ParserModule, SymbolInitializers) {
  Module m = parseOk(".global .u32 counter[4];\n"
                     ".global .u64 p[5] = {counter, counter+8, generic(counter), "
                     "generic(counter)+8, counter-4};\n"
                     ".global .u64 q = generic(counter)+8;\n");
  ASSERT_EQ(m.globals.size(), 3u);
  const std::vector<InitElement> &p = m.globals[1].initializer;
  ASSERT_EQ(p.size(), 5u);
  for (const InitElement &e : p) {
    EXPECT_EQ(e.kind, InitElement::Kind::Symbol);
    EXPECT_EQ(e.symbol, "counter");
  }
  EXPECT_EQ(p[0].offset, 0);
  EXPECT_FALSE(p[0].genericAddress);
  EXPECT_EQ(p[1].offset, 8);
  EXPECT_FALSE(p[1].genericAddress);
  EXPECT_EQ(p[2].offset, 0);
  EXPECT_TRUE(p[2].genericAddress);
  EXPECT_EQ(p[3].offset, 8);
  EXPECT_TRUE(p[3].genericAddress);
  EXPECT_EQ(p[4].offset, -4);
  const InitElement &q = m.globals[2].initializer.at(0);
  EXPECT_TRUE(q.genericAddress);
  EXPECT_EQ(q.offset, 8);
}

TEST(ParserModule, KernelHeaderAndParams) {
  Module m = parseOk(".visible .entry k(\n"
                     "  .param .u64 .ptr .global .align 8 out,\n"
                     "  .param .align 8 .b8 s[16],\n"
                     "  .param .u64 .ptr .align 4 generic,\n"
                     "  .param .f32 x\n"
                     ")\n"
                     ".maxntid 256, 1, 1\n.minnctapersm 2\n.maxnreg 64\n"
                     "{\n  ret;\n}\n");
  ASSERT_EQ(m.functions.size(), 1u);
  const Function &f = m.functions[0];
  EXPECT_TRUE(f.isKernel);
  EXPECT_EQ(f.linkage, Linkage::Visible);
  EXPECT_EQ(f.name, "k");
  EXPECT_TRUE(f.hasBody);
  EXPECT_EQ(f.loc.line, 1u);
  EXPECT_EQ(f.loc.column, 1u);
  ASSERT_EQ(f.params.size(), 4u);
  const VariableDecl &out = f.params[0];
  EXPECT_EQ(out.space, StateSpace::Param);
  EXPECT_EQ(out.type, ScalarType::U64);
  EXPECT_TRUE(out.isPointer);
  EXPECT_EQ(out.pointerSpace, StateSpace::Global);
  EXPECT_EQ(out.pointerAlign, 8u);
  EXPECT_FALSE(out.align.has_value());
  EXPECT_EQ(out.name, "out");
  const VariableDecl &s = f.params[1];
  EXPECT_FALSE(s.isPointer);
  EXPECT_EQ(s.align, 8u);
  EXPECT_EQ(s.type, ScalarType::B8);
  EXPECT_EQ(s.arrayDims, (std::vector<uint64_t>{16}));
  const VariableDecl &g = f.params[2];
  EXPECT_TRUE(g.isPointer);
  EXPECT_EQ(g.pointerSpace, StateSpace::None);
  EXPECT_EQ(g.pointerAlign, 4u);
  EXPECT_EQ(f.params[3].type, ScalarType::F32);
  ASSERT_EQ(f.performanceDirectives.size(), 3u);
  EXPECT_EQ(f.performanceDirectives[0].name, "maxntid");
  EXPECT_EQ(f.performanceDirectives[0].arguments, (std::vector<std::string>{"256", "1", "1"}));
  EXPECT_EQ(f.performanceDirectives[0].loc.line, 7u);
  EXPECT_EQ(f.performanceDirectives[1].name, "minnctapersm");
  EXPECT_EQ(f.performanceDirectives[1].arguments, (std::vector<std::string>{"2"}));
  EXPECT_EQ(f.performanceDirectives[2].name, "maxnreg");
  ASSERT_EQ(f.body.size(), 1u);
  EXPECT_EQ(f.body[0].instruction.opcode, "ret");
}

TEST(ParserModule, ClusterDirectivesAndNoreturn) {
  Module m = parseOk(".entry c() .explicitcluster .reqnctapercluster 2, 1, 1 .maxclusterrank 8 "
                     ".reqntid 128 { }\n"
                     ".func f() .noreturn { trap; }\n");
  ASSERT_EQ(m.functions.size(), 2u);
  const Function &c = m.functions[0];
  EXPECT_EQ(c.linkage, Linkage::None);
  EXPECT_TRUE(c.params.empty());
  ASSERT_EQ(c.performanceDirectives.size(), 4u);
  EXPECT_EQ(c.performanceDirectives[0].name, "explicitcluster");
  EXPECT_TRUE(c.performanceDirectives[0].arguments.empty());
  EXPECT_EQ(c.performanceDirectives[1].name, "reqnctapercluster");
  EXPECT_EQ(c.performanceDirectives[1].arguments, (std::vector<std::string>{"2", "1", "1"}));
  EXPECT_EQ(c.performanceDirectives[2].name, "maxclusterrank");
  EXPECT_EQ(c.performanceDirectives[3].name, "reqntid");
  EXPECT_TRUE(c.hasBody);
  EXPECT_TRUE(c.body.empty());
  const Function &f = m.functions[1];
  EXPECT_FALSE(f.isKernel);
  ASSERT_EQ(f.performanceDirectives.size(), 1u);
  EXPECT_EQ(f.performanceDirectives[0].name, "noreturn");
}

TEST(ParserModule, FuncWithReturnsRegParamsAndPrototype) {
  Module m =
      parseOk(".extern .func (.param .b32 func_retval0) vprintf(.param .b64 a, .param .b64 b);\n"
              ".func (.param .align 4 .b8 ret[12]) f(.reg .b32 x, .param .b64 y)\n"
              "{\n  add.s32 x, x, 1;\n  ret;\n}\n"
              ".weak .func w;\n");
  ASSERT_EQ(m.functions.size(), 3u);
  const Function &v = m.functions[0];
  EXPECT_FALSE(v.isKernel);
  EXPECT_FALSE(v.hasBody);
  EXPECT_EQ(v.linkage, Linkage::Extern);
  EXPECT_EQ(v.name, "vprintf");
  ASSERT_EQ(v.returns.size(), 1u);
  EXPECT_EQ(v.returns[0].name, "func_retval0");
  EXPECT_EQ(v.returns[0].type, ScalarType::B32);
  EXPECT_EQ(v.returns[0].space, StateSpace::Param);
  ASSERT_EQ(v.params.size(), 2u);
  EXPECT_EQ(v.params[1].name, "b");

  const Function &f = m.functions[1];
  ASSERT_EQ(f.returns.size(), 1u);
  EXPECT_EQ(f.returns[0].align, 4u);
  EXPECT_EQ(f.returns[0].arrayDims, (std::vector<uint64_t>{12}));
  ASSERT_EQ(f.params.size(), 2u);
  EXPECT_EQ(f.params[0].space, StateSpace::Reg);
  EXPECT_EQ(f.params[0].name, "x");
  EXPECT_EQ(f.params[1].space, StateSpace::Param);
  // `x` is a .reg parameter, so the body uses it as a register, not a symbol.
  ASSERT_EQ(f.body.size(), 2u);
  const Instruction &add = f.body[0].instruction;
  ASSERT_EQ(add.operands.size(), 3u);
  EXPECT_EQ(add.operands[0].kind, Operand::Kind::Register);
  EXPECT_EQ(add.operands[0].name, "x");
  EXPECT_EQ(add.operands[2].kind, Operand::Kind::IntImm);

  const Function &w = m.functions[2];
  EXPECT_EQ(w.linkage, Linkage::Weak);
  EXPECT_TRUE(w.params.empty());
  EXPECT_FALSE(w.hasBody);
}

} // namespace
} // namespace cuport::ptx
