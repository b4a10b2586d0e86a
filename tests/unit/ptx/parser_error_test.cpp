// Every syntax error names what was expected and what was found, at the exact line and column.
#include "test_support.h"

namespace cuport::ptx {
namespace {

using test::inKernel;
using test::parseError;

TEST(ParserErrors, MissingSemicolonAfterInstruction) {
  // Line 3, column 17 is where `ld` starts.
  EXPECT_EQ(
      parseError(".entry k() {\n  add.s32 %r1, %r2, %r3\n                ld.u32 %r1, [%rd1];\n}"),
      "3:17: expected ';' after instruction, found 'ld'");
}

TEST(ParserErrors, MissingCommaBetweenOperands) {
  EXPECT_EQ(parseError(".entry k() {\n  add.s32 %r1 %r2, %r3;\n}"),
            "2:15: expected ';' after instruction, found '%r2'");
}

TEST(ParserErrors, UnterminatedBody) {
  EXPECT_EQ(parseError(".entry k()\n{\n  ret;\n"),
            "4:1: expected '}' to close the '{' at 2:1, found end of input");
}

TEST(ParserErrors, BadOperand) {
  EXPECT_EQ(parseError(".entry k() {\n  mov.u32 %r1, ;\n}"),
            "2:16: expected an operand, found ';'");
  EXPECT_EQ(parseError(".entry k() {\n  mov.u32 %r1, -%r2;\n}"),
            "2:16: operand negation '-%r2' is only allowed in vmad, not in 'mov'");
  EXPECT_EQ(parseError(".entry k() {\n  mov.u32 %r1, -x;\n}"),
            "2:17: expected a number after '-', found 'x'");
  EXPECT_EQ(parseError(".entry k() {\n  add.u32 %r1, %r2.b0, %r3;\n}"),
            "2:16: operand selector '.b0' on %r2 is only allowed in video instructions, not in "
            "'add'");
  EXPECT_EQ(parseError(".entry k() {\n  vadd.u32.u32.u32 %r1, %r2.b8, %r3;\n}"),
            "2:28: unknown register component '.b8'");
  EXPECT_EQ(parseError(".entry k() {\n  mov.u32 %r1, %tid.q;\n}"),
            "2:20: unknown register component '.q'");
  EXPECT_EQ(parseError(".entry k() {\n  ld.u32 %r1, [%rd1+];\n}"),
            "2:21: expected an offset after '+', found ']'");
  EXPECT_EQ(parseError(".entry k() {\n  ld.u32 %r1, [%rd1;\n}"),
            "2:20: expected ']' after address, found ';'");
  EXPECT_EQ(parseError(".entry k() {\n  st.v2.u32 [%rd1], {%r1, %r2;\n}"),
            "2:30: expected ',' or '}' in vector operand, found ';'");
  EXPECT_EQ(parseError(".entry k() {\n  st.v2.u32 [%rd1], {};\n}"), "2:21: empty vector operand");
}

TEST(ParserErrors, Guards) {
  EXPECT_EQ(parseError(".entry k() {\n  @ bra L;\n}"),
            "2:5: expected a predicate register after '@', found 'bra'");
  EXPECT_EQ(parseError(".entry k() {\n  .reg .pred p;\n  @q bra L;\n}"),
            "3:4: expected a predicate register after '@', found 'q'");
  EXPECT_EQ(parseError(".entry k() {\n  @%p1 ;\n}"),
            "2:8: expected an instruction opcode, found ';'");
}

TEST(ParserErrors, ModuleLevel) {
  EXPECT_EQ(parseError(".version 9\n"),
            "1:10: expected a version number 'major.minor' after '.version', found '9'");
  EXPECT_EQ(parseError(".version 9.0\n.address_size 48\n"),
            "2:15: address size must be 32 or 64, found 48");
  EXPECT_EQ(parseError(".target\n"),
            "2:1: expected a target name after '.target', found end of input");
  EXPECT_EQ(parseError("add.s32 %r1, %r2, %r3;"),
            "1:1: expected a directive at module scope, found 'add'");
  EXPECT_EQ(
      parseError(".visible .u32 x;"),
      "1:10: expected '.entry', '.func' or a variable declaration after linkage, found '.u32'");
  EXPECT_EQ(parseError(".bogus 1;"), "1:1: expected a directive at module scope, found '.bogus'");
  EXPECT_EQ(parseError(".alias a, b;"), "1:1: unsupported directive '.alias'");
  EXPECT_EQ(parseError(".file 99999999 \"x\""), "1:7: file index 99999999 is too large");
}

TEST(ParserErrors, Declarations) {
  EXPECT_EQ(parseError(".global x;"), "1:9: expected a type in variable declaration, found 'x'");
  EXPECT_EQ(parseError(".global .u32 .f32 x;"), "1:14: second type '.f32' in variable declaration");
  EXPECT_EQ(parseError(".global .align 3 .u32 x;"),
            "1:9: alignment must be a power of two, found 3");
  EXPECT_EQ(parseError(".global .u32 x[4;"), "1:17: expected ']' after array size, found ';'");
  EXPECT_EQ(parseError(".global .u32 x = {1, 2"),
            "1:23: expected ',' or '}' in initializer, found end of input");
  EXPECT_EQ(parseError(".global .u32 x = {1, ;"), "1:22: expected an initializer value, found ';'");
  EXPECT_EQ(parseError(".global .u32 x\n.global .u32 y;"),
            "2:1: expected ';' after variable declaration, found '.global'");
  EXPECT_EQ(parseError(".global .attribute(.unified(1, 2)) .u32 x;"),
            "1:20: unsupported variable attribute '.unified' (only '.managed' is supported)");
  EXPECT_EQ(parseError(".global .attribute .managed .u32 x;"),
            "1:20: expected '(' after '.attribute', found '.managed'");
  EXPECT_EQ(parseError(inKernel(".reg .b32 %r<4> = 1;")), "6:17: initializer not allowed here");
  EXPECT_EQ(parseError(".global .u32 .ptr p;"),
            "1:14: '.ptr' is only allowed on '.param' declarations");
}

TEST(ParserErrors, FunctionHeaders) {
  EXPECT_EQ(parseError(".entry (.param .b32 r) k() {}"),
            "1:8: expected a kernel name after '.entry', found '('");
  EXPECT_EQ(parseError(".entry k(.reg .b32 r) {}"),
            "1:10: expected '.param' parameter, found '.reg'");
  EXPECT_EQ(parseError(".func f(.param .b32 a .param .b32 b) {}"),
            "1:23: expected ',' or ')' in parameter list, found '.param'");
  EXPECT_EQ(parseError(".entry k() .maxntid 1, {}"),
            "1:24: expected an integer argument of '.maxntid', found '{'");
  EXPECT_EQ(parseError(".entry k() ret;"),
            "1:12: expected '{' or ';' after the header of 'k', found 'ret'");
}

TEST(ParserErrors, BodyDirectives) {
  EXPECT_EQ(parseError(inKernel(".maxnreg 4;")),
            "6:1: unsupported directive '.maxnreg' in function body");
  EXPECT_EQ(parseError(inKernel(".callprototype _ ();")),
            "6:1: '.callprototype' must follow a label");
  EXPECT_EQ(parseError(inKernel(".pragma \"nounroll\"\nret;")),
            "7:1: expected ';' after directive, found 'ret'");
  EXPECT_EQ(parseError(inKernel(".pragma nounroll;")),
            "6:9: expected a string after '.pragma', found 'nounroll'");
  EXPECT_EQ(parseError(inKernel("L: .branchtargets A, 3;")),
            "6:22: expected a label in '.branchtargets', found '3'");
  EXPECT_EQ(parseError(inKernel("p: .callprototype (.param .b32 _) x ();")),
            "6:35: expected '_' in '.callprototype', found 'x'");
  EXPECT_EQ(parseError(inKernel("]")),
            "6:1: expected an instruction, label, declaration or '}', found ']'");
}

TEST(ParserErrors, LexicalErrorsSurfaceWithLocation) {
  EXPECT_EQ(parseError(inKernel("  mov.f32 %f1, 0f3F80;")),
            "6:16: malformed hex float literal '0f3F80' (0f takes exactly 8 hex digits)");
  EXPECT_EQ(parseError(inKernel("  mov.u32 %r1, 1 # 2;")), "6:18: unexpected character '#'");
  EXPECT_EQ(parseError(".pragma \"open"), "1:9: unterminated string literal");
  EXPECT_EQ(parseError("/* open"), "1:1: unterminated block comment");
  EXPECT_EQ(parseError(".section .debug_info { .b8 1"), "1:22: unterminated '{' (opened here)");
  EXPECT_EQ(parseError(".section .debug_info .b8 1"),
            "1:22: expected '{' after section name '.debug_info'");
}

TEST(ParserErrors, DiagnosticFormatUsesTheFileName) {
  ParseResult result = parseModule(".entry k() {\n  ret\n}");
  ASSERT_FALSE(result.module.has_value());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].format("k.ptx"),
            "k.ptx:3:1: expected ';' after instruction, found '}'");
}

TEST(ParserErrors, DeepNestingIsRejectedNotACrash) {
  std::string blocks = ".entry k() " + std::string(100000, '{');
  EXPECT_EQ(parseError(blocks), "1:269: blocks nested too deeply");
  std::string init = ".global .u32 x = " + std::string(100000, '{');
  EXPECT_EQ(parseError(init), "1:274: initializer nested too deeply");
}

} // namespace
} // namespace cuport::ptx
