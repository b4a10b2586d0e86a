#include "compiler/ptx/lexer.h"

#include <gtest/gtest.h>

#include <vector>

namespace cuport::ptx {
namespace {

std::vector<Token> lexAll(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  for (;;) {
    Token token = lexer.next();
    tokens.push_back(token);
    if (token.kind == TokenKind::End || token.kind == TokenKind::Invalid)
      return tokens;
  }
}

Token lexOne(std::string_view text) {
  std::vector<Token> tokens = lexAll(text);
  EXPECT_GE(tokens.size(), 1u);
  return tokens.front();
}

TEST(Lexer, InstructionWithLocations) {
  std::vector<Token> t = lexAll("  ld.global.nc.v4.f32 {%f1, _}, [%rd1+-8];\n@!%p1 bra $L__BB0_2;");
  ASSERT_EQ(t.size(), 25u);
  EXPECT_EQ(t[0].kind, TokenKind::Identifier);
  EXPECT_EQ(t[0].text, "ld");
  EXPECT_EQ(t[0].loc.line, 1u);
  EXPECT_EQ(t[0].loc.column, 3u);
  EXPECT_EQ(t[1].kind, TokenKind::DotWord);
  EXPECT_EQ(t[1].text, ".global");
  EXPECT_EQ(t[1].loc.column, 5u);
  EXPECT_EQ(t[4].text, ".f32");
  EXPECT_EQ(t[5].kind, TokenKind::LeftBrace);
  EXPECT_EQ(t[6].text, "%f1");
  EXPECT_EQ(t[7].kind, TokenKind::Comma);
  EXPECT_EQ(t[8].kind, TokenKind::Identifier);
  EXPECT_EQ(t[8].text, "_");
  EXPECT_EQ(t[9].kind, TokenKind::RightBrace);
  EXPECT_EQ(t[10].kind, TokenKind::Comma);
  EXPECT_EQ(t[11].kind, TokenKind::LeftBracket);
  EXPECT_EQ(t[12].text, "%rd1");
  EXPECT_EQ(t[13].kind, TokenKind::Plus);
  EXPECT_EQ(t[14].kind, TokenKind::Minus);
  EXPECT_EQ(t[15].kind, TokenKind::Integer);
  EXPECT_EQ(t[15].intValue, 8u);
  EXPECT_EQ(t[16].kind, TokenKind::RightBracket);
  EXPECT_EQ(t[17].kind, TokenKind::Semicolon);
  EXPECT_EQ(t[18].kind, TokenKind::At);
  EXPECT_EQ(t[18].loc.line, 2u);
  EXPECT_EQ(t[18].loc.column, 1u);
  EXPECT_EQ(t[19].kind, TokenKind::Bang);
  EXPECT_EQ(t[20].text, "%p1");
  EXPECT_EQ(t[20].loc.column, 3u);
  EXPECT_EQ(t[21].text, "bra");
  EXPECT_EQ(t[22].text, "$L__BB0_2");
  EXPECT_EQ(t[22].loc.column, 11u);
  EXPECT_EQ(t[23].kind, TokenKind::Semicolon);
  EXPECT_EQ(t[24].kind, TokenKind::End);
}

TEST(Lexer, ModifiersKeepDoubleColon) {
  std::vector<Token> t = lexAll("cp.async.bulk.shared::cluster.global.L2::cache_hint .L2::128B");
  ASSERT_GE(t.size(), 7u);
  EXPECT_EQ(t[3].text, ".shared::cluster");
  EXPECT_EQ(t[5].text, ".L2::cache_hint");
  EXPECT_EQ(t[6].text, ".L2::128B");
  EXPECT_EQ(t[7].kind, TokenKind::End);
}

TEST(Lexer, SingleColonIsSeparate) {
  std::vector<Token> t = lexAll("proto: .callprototype");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].text, "proto");
  EXPECT_EQ(t[1].kind, TokenKind::Colon);
  EXPECT_EQ(t[2].text, ".callprototype");
}

TEST(Lexer, IdentifierRules) {
  // [a-zA-Z]{followsym}* | [_$%]{followsym}+ with followsym = [a-zA-Z0-9_$]
  for (std::string_view name : {"a", "abc_9$", "%r12", "%tid", "$str$1", "_Z3fooPi",
                                "__local_depot0", "$L__BB0_2", "%SPL"}) {
    Token token = lexOne(name);
    EXPECT_EQ(token.kind, TokenKind::Identifier) << name;
    EXPECT_EQ(token.text, name);
  }
  // A register component is a separate dot word.
  std::vector<Token> t = lexAll("%tid.x");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "%tid");
  EXPECT_EQ(t[1].text, ".x");
}

TEST(Lexer, IntegerLiterals) {
  struct Case {
    const char *text;
    uint64_t value;
    bool isUnsigned;
  } cases[] = {
      {"0", 0, false},
      {"42", 42, false},
      {"42U", 42, true},
      {"0x2A", 42, false},
      {"0X2aU", 42, true},
      {"052", 42, false},
      {"0b101010", 42, false},
      {"0B1U", 1, true},
      {"18446744073709551615", UINT64_MAX, false},
      {"0xFFFFFFFFFFFFFFFF", UINT64_MAX, false},
  };
  for (const Case &c : cases) {
    Token token = lexOne(c.text);
    EXPECT_EQ(token.kind, TokenKind::Integer) << c.text << ": " << token.error;
    EXPECT_EQ(token.intValue, c.value) << c.text;
    EXPECT_EQ(token.isUnsigned, c.isUnsigned) << c.text;
    EXPECT_EQ(token.text, c.text);
  }
}

TEST(Lexer, FloatLiterals) {
  Token f = lexOne("0f3F800000");
  EXPECT_EQ(f.kind, TokenKind::HexFloat);
  EXPECT_EQ(f.intValue, 0x3F800000u);
  EXPECT_EQ(f.bitsWidth, 32u);
  Token d = lexOne("0d3FF0000000000000");
  EXPECT_EQ(d.kind, TokenKind::HexFloat);
  EXPECT_EQ(d.intValue, 0x3FF0000000000000ull);
  EXPECT_EQ(d.bitsWidth, 64u);
  Token upper = lexOne("0FBF800000");
  EXPECT_EQ(upper.kind, TokenKind::HexFloat);
  EXPECT_EQ(upper.intValue, 0xBF800000u);

  Token decimal = lexOne("1.5");
  EXPECT_EQ(decimal.kind, TokenKind::Float);
  EXPECT_DOUBLE_EQ(decimal.floatValue, 1.5);
  Token exponent = lexOne("2.5e-3");
  EXPECT_EQ(exponent.kind, TokenKind::Float);
  EXPECT_DOUBLE_EQ(exponent.floatValue, 0.0025);
  Token noFraction = lexOne("3e2");
  EXPECT_EQ(noFraction.kind, TokenKind::Float);
  EXPECT_DOUBLE_EQ(noFraction.floatValue, 300.0);
  Token version = lexOne("9.0");
  EXPECT_EQ(version.kind, TokenKind::Float);
  EXPECT_EQ(version.text, "9.0");
}

TEST(Lexer, CommentsAreSkippedAndLinesCounted) {
  std::vector<Token> t = lexAll("// line comment ; {\n/* block\n comment */ add /**/; // tail");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "add");
  EXPECT_EQ(t[0].loc.line, 3u);
  EXPECT_EQ(t[0].loc.column, 13u);
  EXPECT_EQ(t[1].kind, TokenKind::Semicolon);
  EXPECT_EQ(t[1].loc.column, 21u);
  EXPECT_EQ(t[2].kind, TokenKind::End);
}

TEST(Lexer, Strings) {
  Token s = lexOne(R"("nounroll")");
  EXPECT_EQ(s.kind, TokenKind::String);
  EXPECT_EQ(s.text, "\"nounroll\"");
  Token escaped = lexOne(R"("a\"b")");
  EXPECT_EQ(escaped.kind, TokenKind::String);
  EXPECT_EQ(escaped.text, R"("a\"b")");
}

TEST(Lexer, Errors) {
  struct Case {
    const char *text;
    const char *error;
    uint32_t column;
  } cases[] = {
      {"  \"abc", "unterminated string literal", 3},
      {"x /* never closed", "unterminated block comment", 3},
      {"#", "unexpected character '#'", 1},
      {"a \x01", "unexpected character 0x01", 3},
      {"0f3F80", "malformed hex float literal '0f3F80' (0f takes exactly 8 hex digits)", 1},
      {"0d3FF0", "malformed hex float literal '0d3FF0' (0d takes exactly 16 hex digits)", 1},
      {"18446744073709551616", "integer literal does not fit in 64 bits", 1},
      {"0x", "missing digits in integer literal", 1},
      {"089", "invalid digit in octal literal '089'", 1},
      {"12abc", "malformed number '12abc'", 1},
      {"%", "expected a name after '%'", 1},
      {" . x", "expected a name after '.'", 2},
  };
  for (const Case &c : cases) {
    std::vector<Token> t = lexAll(c.text);
    ASSERT_FALSE(t.empty());
    const Token &last = t.back();
    EXPECT_EQ(last.kind, TokenKind::Invalid) << c.text;
    EXPECT_EQ(last.error, c.error) << c.text;
    EXPECT_EQ(last.loc.column, c.column) << c.text;
  }
}

TEST(Lexer, SkipBracedGroupHonoursNestingStringsAndComments) {
  Lexer lexer(".section .debug_str { a { \"}\" } // }\n /* } */ b } tail");
  EXPECT_EQ(lexer.next().text, ".section");
  EXPECT_EQ(lexer.next().text, ".debug_str");
  std::string error;
  SourceLoc where;
  ASSERT_TRUE(lexer.skipBracedGroup(error, where)) << error;
  Token after = lexer.next();
  EXPECT_EQ(after.text, "tail");
  EXPECT_EQ(after.loc.line, 2u);
}

TEST(Lexer, SkipBracedGroupUnterminated) {
  Lexer lexer("\n  { { }");
  std::string error;
  SourceLoc where;
  EXPECT_FALSE(lexer.skipBracedGroup(error, where));
  EXPECT_EQ(error, "unterminated '{' (opened here)");
  EXPECT_EQ(where.line, 2u);
  EXPECT_EQ(where.column, 3u);
}

TEST(Lexer, DescribeToken) {
  Token end;
  EXPECT_EQ(describeToken(end), "end of input");
  EXPECT_EQ(describeToken(lexOne("ld")), "'ld'");
}

} // namespace
} // namespace cuport::ptx
