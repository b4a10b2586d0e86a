// Function bodies: declarations, blocks, labels, directives, instructions and operands.
#include "test_support.h"

namespace cuport::ptx {
namespace {

using test::kernelBody;
using test::parseOk;

// By value: the body it comes from is a temporary.
Instruction onlyInstruction(const std::vector<Statement> &body) {
  if (body.size() != 1 || body[0].kind != Statement::Kind::Instruction) {
    ADD_FAILURE() << "expected exactly one instruction, got " << body.size() << " statements";
    return {};
  }
  return body[0].instruction;
}

TEST(ParserBody, RegisterDeclarations) {
  std::vector<Statement> body = kernelBody(".reg .b32 %r<6>;\n.reg .pred p, q;\n.reg .v2 .f32 %v;");
  ASSERT_EQ(body.size(), 4u);
  for (const Statement &s : body)
    EXPECT_EQ(s.kind, Statement::Kind::Variable);
  const VariableDecl &r = body[0].variable;
  EXPECT_EQ(r.space, StateSpace::Reg);
  EXPECT_EQ(r.type, ScalarType::B32);
  EXPECT_EQ(r.name, "%r");
  EXPECT_EQ(r.parameterizedCount, 6u);
  EXPECT_EQ(r.loc.line, 6u);
  EXPECT_EQ(r.loc.column, 11u);
  EXPECT_EQ(body[1].variable.name, "p");
  EXPECT_EQ(body[1].variable.type, ScalarType::Pred);
  EXPECT_FALSE(body[1].variable.parameterizedCount.has_value());
  EXPECT_EQ(body[2].variable.name, "q");
  EXPECT_EQ(body[2].variable.type, ScalarType::Pred);
  EXPECT_EQ(body[2].variable.loc.column, 15u);
  EXPECT_EQ(body[3].variable.vectorWidth, 2u);
}

TEST(ParserBody, OtherSpacesInBody) {
  std::vector<Statement> body = kernelBody(".local .align 8 .b8 __local_depot0[24];\n"
                                           ".shared .align 4 .f32 tile[16][16];\n"
                                           ".param .b64 param0;\n"
                                           ".const .u32 c = 7;");
  ASSERT_EQ(body.size(), 4u);
  EXPECT_EQ(body[0].variable.space, StateSpace::Local);
  EXPECT_EQ(body[0].variable.align, 8u);
  EXPECT_EQ(body[0].variable.arrayDims, (std::vector<uint64_t>{24}));
  EXPECT_EQ(body[1].variable.space, StateSpace::Shared);
  EXPECT_EQ(body[1].variable.arrayDims, (std::vector<uint64_t>{16, 16}));
  EXPECT_EQ(body[2].variable.space, StateSpace::Param);
  EXPECT_EQ(body[3].variable.space, StateSpace::Const);
  ASSERT_EQ(body[3].variable.initializer.size(), 1u);
  EXPECT_EQ(body[3].variable.initializer[0].intValue, 7u);
}

TEST(ParserBody, ModifiersInOrder) {
  const Instruction ld =
      onlyInstruction(kernelBody("ld.global.nc.v4.f32 {%f1, %f2, _, %f4}, [%rd1];"));
  EXPECT_EQ(ld.opcode, "ld");
  EXPECT_EQ(ld.modifiers, (std::vector<std::string>{"global", "nc", "v4", "f32"}));
  EXPECT_FALSE(ld.guard.has_value());
  EXPECT_EQ(ld.loc.line, 6u);
  EXPECT_EQ(ld.loc.column, 1u);
  ASSERT_EQ(ld.operands.size(), 2u);
  const Operand &vec = ld.operands[0];
  EXPECT_EQ(vec.kind, Operand::Kind::Vector);
  ASSERT_EQ(vec.elements.size(), 4u);
  EXPECT_EQ(vec.elements[0].kind, Operand::Kind::Register);
  EXPECT_EQ(vec.elements[0].name, "%f1");
  EXPECT_EQ(vec.elements[2].kind, Operand::Kind::Sink);
  EXPECT_EQ(vec.elements[3].name, "%f4");
  EXPECT_EQ(vec.elements[3].loc.column, 35u);

  const Instruction cp = onlyInstruction(
      kernelBody("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.L2::cache_hint "
                 "[%r1], [%rd1], %r2, [%r3], %rd4;"));
  EXPECT_EQ(cp.opcode, "cp");
  EXPECT_EQ(cp.modifiers,
            (std::vector<std::string>{"async", "bulk", "shared::cluster", "global",
                                      "mbarrier::complete_tx::bytes", "L2::cache_hint"}));
  EXPECT_EQ(cp.operands.size(), 5u);

  const Instruction bar = onlyInstruction(kernelBody("bar.sync 0;"));
  EXPECT_EQ(bar.opcode, "bar");
  EXPECT_EQ(bar.modifiers, (std::vector<std::string>{"sync"}));
  ASSERT_EQ(bar.operands.size(), 1u);
  EXPECT_EQ(bar.operands[0].kind, Operand::Kind::IntImm);

  const Instruction ret = onlyInstruction(kernelBody("ret;"));
  EXPECT_EQ(ret.opcode, "ret");
  EXPECT_TRUE(ret.modifiers.empty());
  EXPECT_TRUE(ret.operands.empty());
}

TEST(ParserBody, RegisterComponents) {
  const Instruction mov = onlyInstruction(kernelBody("mov.u32 %r1, %tid.x;"));
  ASSERT_EQ(mov.operands.size(), 2u);
  EXPECT_EQ(mov.operands[0].component, -1);
  EXPECT_EQ(mov.operands[1].kind, Operand::Kind::Register);
  EXPECT_EQ(mov.operands[1].name, "%tid");
  EXPECT_EQ(mov.operands[1].component, 0);
  const Instruction add = onlyInstruction(kernelBody("add.f32 %f1, %r1.y, %v.z;"));
  EXPECT_EQ(add.operands[1].component, 1);
  EXPECT_EQ(add.operands[2].component, 2);
  const Instruction rgba = onlyInstruction(kernelBody("mov.b32 %r1, %c.w;"));
  EXPECT_EQ(rgba.operands[1].component, 3);
  const Instruction a = onlyInstruction(kernelBody("mov.b32 %r1, %c.a;"));
  EXPECT_EQ(a.operands[1].component, 3);
}

// Video instructions' byte/half selectors, SIMD selectors, destination masks and vmad's negation.
TEST(ParserBody, VideoSelectorsAndNegation) {
  const Instruction vadd =
      onlyInstruction(kernelBody("vadd.s32.u32.s32.sat %r1.h0, %r2.b3, %r3.h1, %r4;"));
  ASSERT_EQ(vadd.operands.size(), 4u);
  EXPECT_EQ(vadd.operands[0].videoSelector, "h0");
  EXPECT_EQ(vadd.operands[1].videoSelector, "b3");
  EXPECT_EQ(vadd.operands[2].videoSelector, "h1");
  EXPECT_EQ(vadd.operands[3].videoSelector, "");
  EXPECT_EQ(vadd.operands[1].component, -1);
  const Instruction simd =
      onlyInstruction(kernelBody("vmax4.u32.u32.u32 %r1.b310, %r2.b7610, %r3.b0, %r4;"));
  EXPECT_EQ(simd.operands[0].videoSelector, "b310");
  EXPECT_EQ(simd.operands[1].videoSelector, "b7610");
  const Instruction vmad = onlyInstruction(kernelBody("vmad.s32.s32.s32 %r1, -%r2.h1, %r3, -%r4;"));
  EXPECT_TRUE(vmad.operands[1].minus);
  EXPECT_EQ(vmad.operands[1].name, "%r2");
  EXPECT_EQ(vmad.operands[1].videoSelector, "h1");
  EXPECT_FALSE(vmad.operands[2].minus);
  EXPECT_TRUE(vmad.operands[3].minus);
  // .b alone stays the colour component.
  EXPECT_EQ(onlyInstruction(kernelBody("mov.b32 %r1, %c.b;")).operands[1].component, 2);
}

TEST(ParserBody, Immediates) {
  const Instruction i = onlyInstruction(
      kernelBody("foo %r1, 42, -1, 0xFF, 7U, 0f3F800000, 0d3FF0000000000000, 1.5, -0.25;"));
  ASSERT_EQ(i.operands.size(), 9u);
  EXPECT_EQ(i.operands[1].kind, Operand::Kind::IntImm);
  EXPECT_EQ(i.operands[1].intValue, 42u);
  EXPECT_FALSE(i.operands[1].intIsUnsigned);
  EXPECT_EQ(i.operands[2].intValue, UINT64_MAX); // -1 in two's complement
  EXPECT_EQ(i.operands[3].intValue, 255u);
  EXPECT_EQ(i.operands[4].intValue, 7u);
  EXPECT_TRUE(i.operands[4].intIsUnsigned);
  EXPECT_EQ(i.operands[5].kind, Operand::Kind::FloatImm);
  EXPECT_EQ(i.operands[5].floatBits, 0x3F800000u);
  EXPECT_EQ(i.operands[5].floatBitsWidth, 32u);
  EXPECT_EQ(i.operands[6].floatBits, 0x3FF0000000000000ull);
  EXPECT_EQ(i.operands[6].floatBitsWidth, 64u);
  EXPECT_EQ(i.operands[7].kind, Operand::Kind::FloatImm);
  EXPECT_EQ(i.operands[7].floatBitsWidth, 0u);
  EXPECT_DOUBLE_EQ(i.operands[7].floatValue, 1.5);
  EXPECT_DOUBLE_EQ(i.operands[8].floatValue, -0.25);
}

// WARP_SZ is a predefined constant, so it reads as an immediate wherever an operand may be one.
TEST(ParserBody, WarpSizeConstantIsImmediate32) {
  const Instruction i = onlyInstruction(kernelBody("add.s32 %r1, WARP_SZ, %r2;"));
  ASSERT_EQ(i.operands.size(), 3u);
  EXPECT_EQ(i.operands[1].kind, Operand::Kind::IntImm);
  EXPECT_EQ(i.operands[1].intValue, 32u);
  EXPECT_EQ(i.operands[2].kind, Operand::Kind::Register);
}

TEST(ParserBody, Addresses) {
  const Instruction i =
      onlyInstruction(kernelBody("foo [%rd1], [%rd1+8], [%rd1+-8], [%rd1-16], [sym], [sym+4], "
                                 "[0x100], [p];"));
  ASSERT_EQ(i.operands.size(), 8u);
  for (const Operand &op : i.operands)
    EXPECT_EQ(op.kind, Operand::Kind::Address);
  EXPECT_EQ(i.operands[0].name, "%rd1");
  EXPECT_TRUE(i.operands[0].addressBaseIsRegister);
  EXPECT_EQ(i.operands[0].offset, 0);
  EXPECT_EQ(i.operands[1].offset, 8);
  EXPECT_EQ(i.operands[2].offset, -8);
  EXPECT_EQ(i.operands[3].offset, -16);
  EXPECT_EQ(i.operands[4].name, "sym");
  EXPECT_FALSE(i.operands[4].addressBaseIsRegister);
  EXPECT_EQ(i.operands[5].name, "sym");
  EXPECT_EQ(i.operands[5].offset, 4);
  EXPECT_EQ(i.operands[6].name, "");
  EXPECT_FALSE(i.operands[6].addressBaseIsRegister);
  EXPECT_EQ(i.operands[6].offset, 0x100);
  // `p` is not declared as a register here, so it is a symbol.
  EXPECT_FALSE(i.operands[7].addressBaseIsRegister);
}

TEST(ParserBody, NamedRegistersAreRegistersInTheirScope) {
  std::vector<Statement> body =
      kernelBody(".reg .b64 ptr;\n.reg .b32 r<3>;\nld.u32 r2, [ptr];\n"
                 "{ .reg .pred inner; @inner bra L; }\nmov.u32 r3, inner;");
  ASSERT_EQ(body.size(), 5u);
  const Instruction &ld = body[2].instruction;
  EXPECT_EQ(ld.operands[0].kind, Operand::Kind::Register); // r2 < r<3>
  EXPECT_TRUE(ld.operands[1].addressBaseIsRegister);
  const Instruction &mov = body[4].instruction;
  EXPECT_EQ(mov.operands[0].kind, Operand::Kind::Symbol); // r3 is outside r<3>
  EXPECT_EQ(mov.operands[1].kind, Operand::Kind::Symbol); // `inner` went out of scope
}

TEST(ParserBody, GuardsAndNegatedPredicates) {
  std::vector<Statement> body =
      kernelBody("@%p1 bra $L__BB0_2;\n@!%p2 bra.uni $L__BB0_3;\nselp.b32 %r1, 1, 0, !%p3;");
  ASSERT_EQ(body.size(), 3u);
  const Instruction &b1 = body[0].instruction;
  ASSERT_TRUE(b1.guard.has_value());
  EXPECT_EQ(b1.guard->predicate, "%p1");
  EXPECT_FALSE(b1.guard->negated);
  EXPECT_EQ(b1.opcode, "bra");
  ASSERT_EQ(b1.operands.size(), 1u);
  EXPECT_EQ(b1.operands[0].kind, Operand::Kind::Symbol);
  EXPECT_EQ(b1.operands[0].name, "$L__BB0_2");
  const Instruction &b2 = body[1].instruction;
  ASSERT_TRUE(b2.guard.has_value());
  EXPECT_EQ(b2.guard->predicate, "%p2");
  EXPECT_TRUE(b2.guard->negated);
  EXPECT_EQ(b2.modifiers, (std::vector<std::string>{"uni"}));
  const Operand &neg = body[2].instruction.operands[3];
  EXPECT_EQ(neg.kind, Operand::Kind::Register);
  EXPECT_EQ(neg.name, "%p3");
  EXPECT_TRUE(neg.negated);
  EXPECT_EQ(neg.loc.column, 21u);
}

TEST(ParserBody, PairedDestinationAndSinks) {
  const Instruction setp = onlyInstruction(kernelBody("setp.lt.s32 %p1|%p2, %r1, %r2;"));
  ASSERT_EQ(setp.operands.size(), 3u);
  EXPECT_EQ(setp.operands[0].name, "%p1");
  ASSERT_TRUE(setp.pairedDestination.has_value());
  EXPECT_EQ(setp.pairedDestination->kind, Operand::Kind::Register);
  EXPECT_EQ(setp.pairedDestination->name, "%p2");
  EXPECT_EQ(setp.operands[1].name, "%r1");
  const Instruction sink = onlyInstruction(kernelBody("shfl.sync.down.b32 %r1|_, %r2, 1, 31, -1;"));
  ASSERT_TRUE(sink.pairedDestination.has_value());
  EXPECT_EQ(sink.pairedDestination->kind, Operand::Kind::Sink);
  EXPECT_EQ(sink.operands.size(), 5u);
  const Instruction plain = onlyInstruction(kernelBody("atom.global.add.u32 _, [%rd1], 1;"));
  EXPECT_FALSE(plain.pairedDestination.has_value());
  EXPECT_EQ(plain.operands[0].kind, Operand::Kind::Sink);
}

TEST(ParserBody, CallSyntax) {
  std::vector<Statement> body =
      kernelBody("call.uni (retval0), \nvprintf, \n(\nparam0, \nparam1\n);\n"
                 "call (r), %rd5, (p0), prototype_0;\n"
                 "call.uni done, ();\n");
  ASSERT_EQ(body.size(), 3u);
  const Instruction &direct = body[0].instruction;
  EXPECT_EQ(direct.opcode, "call");
  EXPECT_EQ(direct.modifiers, (std::vector<std::string>{"uni"}));
  ASSERT_EQ(direct.operands.size(), 3u);
  EXPECT_EQ(direct.operands[0].kind, Operand::Kind::List);
  ASSERT_EQ(direct.operands[0].elements.size(), 1u);
  EXPECT_EQ(direct.operands[0].elements[0].kind, Operand::Kind::Symbol);
  EXPECT_EQ(direct.operands[0].elements[0].name, "retval0");
  EXPECT_EQ(direct.operands[1].kind, Operand::Kind::Symbol);
  EXPECT_EQ(direct.operands[1].name, "vprintf");
  EXPECT_EQ(direct.operands[1].loc.line, 7u);
  EXPECT_EQ(direct.operands[2].kind, Operand::Kind::List);
  ASSERT_EQ(direct.operands[2].elements.size(), 2u);
  EXPECT_EQ(direct.operands[2].elements[1].name, "param1");

  const Instruction &indirect = body[1].instruction;
  ASSERT_EQ(indirect.operands.size(), 4u);
  EXPECT_EQ(indirect.operands[0].kind, Operand::Kind::List);
  EXPECT_EQ(indirect.operands[1].kind, Operand::Kind::Register);
  EXPECT_EQ(indirect.operands[1].name, "%rd5");
  EXPECT_EQ(indirect.operands[2].kind, Operand::Kind::List);
  EXPECT_EQ(indirect.operands[3].kind, Operand::Kind::Symbol);
  EXPECT_EQ(indirect.operands[3].name, "prototype_0");

  const Instruction &noArgs = body[2].instruction;
  ASSERT_EQ(noArgs.operands.size(), 2u);
  EXPECT_EQ(noArgs.operands[1].kind, Operand::Kind::List);
  EXPECT_TRUE(noArgs.operands[1].elements.empty());
}

TEST(ParserBody, CallPrototypes) {
  Module m = parseOk(test::inKernel(
      "{\n.param .b32 retval0;\n"
      "prototype_0 : .callprototype (.param .b32 _) _ (.param .b64 _, .param .align 8 .b8 _[16]);\n"
      "call (retval0), %rd1, (param0), prototype_0;\n}\n"
      "prototype_1: .callprototype _ ();\n"));
  ASSERT_EQ(m.functions.size(), 1u);
  const Function &f = m.functions[0];
  ASSERT_EQ(f.prototypes.size(), 2u);
  const CallPrototype &p0 = f.prototypes[0];
  EXPECT_EQ(p0.label, "prototype_0");
  EXPECT_EQ(p0.loc.line, 8u);
  ASSERT_EQ(p0.returns.size(), 1u);
  EXPECT_EQ(p0.returns[0].type, ScalarType::B32);
  EXPECT_EQ(p0.returns[0].name, "_");
  ASSERT_EQ(p0.params.size(), 2u);
  EXPECT_EQ(p0.params[0].type, ScalarType::B64);
  EXPECT_EQ(p0.params[1].align, 8u);
  EXPECT_EQ(p0.params[1].arrayDims, (std::vector<uint64_t>{16}));
  const CallPrototype &p1 = f.prototypes[1];
  EXPECT_EQ(p1.label, "prototype_1");
  EXPECT_TRUE(p1.returns.empty());
  EXPECT_TRUE(p1.params.empty());
  // The prototype is not a statement; the block keeps the declaration and the call.
  ASSERT_EQ(f.body.size(), 1u);
  ASSERT_EQ(f.body[0].kind, Statement::Kind::Block);
  EXPECT_EQ(f.body[0].block.statements.size(), 2u);
}

TEST(ParserBody, LabelsBlocksAndDirectives) {
  std::vector<Statement> body =
      kernelBody("$L__BB0_2:\n"
                 "  .loc 1 5 3\n"
                 "  .pragma \"nounroll\";\n"
                 "  { // callseq 0, 0\n"
                 "    .reg .b32 temp_param_reg;\n"
                 "    { ret; }\n"
                 "  } // callseq 0\n"
                 "$L__BTT0_1: .branchtargets $L__BB0_2, $L__BB0_3;\n"
                 "  .loc 1 7 2, function_name $L__info_string0, inlined_at 1 9 4\n"
                 "  exit;");
  ASSERT_EQ(body.size(), 8u);
  EXPECT_EQ(body[0].kind, Statement::Kind::Label);
  EXPECT_EQ(body[0].label.name, "$L__BB0_2");
  EXPECT_EQ(body[0].label.loc.line, 6u);
  EXPECT_EQ(body[1].kind, Statement::Kind::Directive);
  EXPECT_EQ(body[1].directive.name, "loc");
  EXPECT_EQ(body[1].directive.arguments, (std::vector<std::string>{"1", "5", "3"}));
  EXPECT_EQ(body[1].directive.loc.column, 3u);
  EXPECT_EQ(body[2].kind, Statement::Kind::Directive);
  EXPECT_EQ(body[2].directive.name, "pragma");
  EXPECT_EQ(body[2].directive.arguments, (std::vector<std::string>{"nounroll"}));
  ASSERT_EQ(body[3].kind, Statement::Kind::Block);
  EXPECT_EQ(body[3].block.loc.line, 9u);
  ASSERT_EQ(body[3].block.statements.size(), 2u);
  EXPECT_EQ(body[3].block.statements[0].kind, Statement::Kind::Variable);
  ASSERT_EQ(body[3].block.statements[1].kind, Statement::Kind::Block);
  EXPECT_EQ(body[3].block.statements[1].block.statements.at(0).instruction.opcode, "ret");
  EXPECT_EQ(body[4].kind, Statement::Kind::Label);
  EXPECT_EQ(body[4].label.name, "$L__BTT0_1");
  EXPECT_EQ(body[5].kind, Statement::Kind::Directive);
  EXPECT_EQ(body[5].directive.name, "branchtargets");
  EXPECT_EQ(body[5].directive.arguments, (std::vector<std::string>{"$L__BB0_2", "$L__BB0_3"}));
  EXPECT_EQ(body[6].kind, Statement::Kind::Directive);
  EXPECT_EQ(body[6].directive.arguments,
            (std::vector<std::string>{"1", "7", "2", "function_name", "$L__info_string0",
                                      "inlined_at", "1", "9", "4"}));
  EXPECT_EQ(body[7].instruction.opcode, "exit");
  // The trailing `exit;` is on the next line, so it is not part of the .loc.
  const Module m = parseOk(test::inKernel(".loc 1 7 2\nexit;"));
  ASSERT_EQ(m.functions.at(0).body.size(), 2u);
  EXPECT_EQ(m.functions[0].body[1].instruction.opcode, "exit");
}

TEST(ParserBody, BrxIdxAndTextureOperands) {
  std::vector<Statement> body =
      kernelBody("brx.idx %r1, $L__BTT0_1;\n"
                 "tex.2d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [tex_ref, {%f5, %f6}];\n"
                 "mov.u64 %rd1, sym+16;");
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body[0].instruction.operands[1].kind, Operand::Kind::Symbol);
  const Operand &address = body[1].instruction.operands[1];
  EXPECT_EQ(address.kind, Operand::Kind::Address);
  EXPECT_EQ(address.name, "tex_ref");
  ASSERT_EQ(address.elements.size(), 1u);
  EXPECT_EQ(address.elements[0].kind, Operand::Kind::Vector);
  EXPECT_EQ(address.elements[0].elements.size(), 2u);
  const Operand &symbol = body[2].instruction.operands[1];
  EXPECT_EQ(symbol.kind, Operand::Kind::Symbol);
  EXPECT_EQ(symbol.name, "sym");
  EXPECT_EQ(symbol.offset, 16);
}

} // namespace
} // namespace cuport::ptx
