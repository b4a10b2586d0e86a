// Splits PTX text into tokens on demand. The lexer never reads past the text it was given and
// never throws: malformed input becomes an Invalid token carrying the reason.
#pragma once

#include "compiler/ptx/ast.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace cuport::ptx {

enum class TokenKind {
  End,        // end of input
  Invalid,    // a lexical error; `error` says why
  Identifier, // ld, %r1, $L__BB0_2, _, sm_90a
  DotWord,    // .global, .f32, .shared::cta, .L2::128B (text includes the dot)
  Integer,    // 42, 0x2A, 052, 0b101010, 42U
  Float,      // 1.5, 1e-3 (decimal)
  HexFloat,   // 0f3F800000, 0d3FF0000000000000
  String,     // "nounroll" (text includes the quotes)
  Semicolon,
  Comma,
  Colon,
  LeftBrace,
  RightBrace,
  LeftBracket,
  RightBracket,
  LeftParen,
  RightParen,
  Less,
  Greater,
  Plus,
  Minus,
  At,
  Bang,
  Pipe,
  Equals,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text; // the exact source text
  SourceLoc loc;
  uint64_t intValue = 0;   // Integer: the value; HexFloat: the bits
  bool isUnsigned = false; // Integer: written with a U suffix
  double floatValue = 0;   // Float
  uint32_t bitsWidth = 0;  // HexFloat: 32 (0f) or 64 (0d)
  std::string error;       // Invalid: what is wrong
};

class Lexer {
public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next();

  // Skips a `{ ... }` group as raw text, honouring nesting, comments and strings, without
  // tokenizing it (used for debug sections, whose contents are not PTX instructions). Returns
  // false with `error` and `where` set when the group is missing or unterminated.
  bool skipBracedGroup(std::string &error, SourceLoc &where);

private:
  char peekChar(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  void advance(size_t count = 1);
  // Skips whitespace and comments; returns false with `error` set on an unterminated comment.
  bool skipTrivia(std::string &error, SourceLoc &where);
  Token lexNumber(Token token, size_t start);
  Token lexString(Token token, size_t start);
  Token invalid(Token token, size_t start, std::string message);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

// Quotes a token for a diagnostic: 'ld', '.f32', end of input.
std::string describeToken(const Token &token);

} // namespace cuport::ptx
