#include "compiler/ptx/lexer.h"

#include <charconv>
#include <cstdio>

namespace cuport::ptx {

namespace {

bool isLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isHexDigit(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// PTX ISA "Identifiers": followsym is [a-zA-Z0-9_$].
bool isFollowSym(char c) {
  return isLetter(c) || isDigit(c) || c == '_' || c == '$';
}

uint32_t digitValue(char c) {
  if (isDigit(c))
    return static_cast<uint32_t>(c - '0');
  if (c >= 'a' && c <= 'f')
    return static_cast<uint32_t>(c - 'a' + 10);
  return static_cast<uint32_t>(c - 'A' + 10);
}

// Accumulates digits in `base`; false on overflow of 64 bits.
bool accumulate(std::string_view digits, uint32_t base, uint64_t &value) {
  value = 0;
  for (char c : digits) {
    uint64_t digit = digitValue(c);
    if (value > (UINT64_MAX - digit) / base)
      return false;
    value = value * base + digit;
  }
  return true;
}

std::string printable(char c) {
  if (c >= 0x20 && c < 0x7f)
    return std::string("'") + c + "'";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%02x", static_cast<unsigned char>(c));
  return buffer;
}

} // namespace

void Lexer::advance(size_t count) {
  for (size_t i = 0; i < count && pos_ < text_.size(); ++i) {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }
}

bool Lexer::skipTrivia(std::string &error, SourceLoc &where) {
  while (!atEnd()) {
    char c = peekChar();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      advance();
    } else if (c == '/' && peekChar(1) == '/') {
      while (!atEnd() && peekChar() != '\n')
        advance();
    } else if (c == '/' && peekChar(1) == '*') {
      where = {line_, column_};
      advance(2);
      while (!atEnd() && !(peekChar() == '*' && peekChar(1) == '/'))
        advance();
      if (atEnd()) {
        error = "unterminated block comment";
        return false;
      }
      advance(2);
    } else {
      return true;
    }
  }
  return true;
}

Token Lexer::invalid(Token token, size_t start, std::string message) {
  token.kind = TokenKind::Invalid;
  token.text = text_.substr(start, pos_ - start);
  token.error = std::move(message);
  return token;
}

Token Lexer::next() {
  Token token;
  std::string error;
  SourceLoc commentStart;
  if (!skipTrivia(error, commentStart)) {
    token.loc = commentStart;
    token.kind = TokenKind::Invalid;
    token.error = std::move(error);
    return token;
  }
  token.loc = {line_, column_};
  size_t start = pos_;
  if (atEnd()) {
    token.kind = TokenKind::End;
    return token;
  }
  char c = peekChar();

  auto single = [&](TokenKind kind) {
    advance();
    token.kind = kind;
    token.text = text_.substr(start, 1);
    return token;
  };
  switch (c) {
  case ';':
    return single(TokenKind::Semicolon);
  case ',':
    return single(TokenKind::Comma);
  case ':':
    return single(TokenKind::Colon);
  case '{':
    return single(TokenKind::LeftBrace);
  case '}':
    return single(TokenKind::RightBrace);
  case '[':
    return single(TokenKind::LeftBracket);
  case ']':
    return single(TokenKind::RightBracket);
  case '(':
    return single(TokenKind::LeftParen);
  case ')':
    return single(TokenKind::RightParen);
  case '<':
    return single(TokenKind::Less);
  case '>':
    return single(TokenKind::Greater);
  case '+':
    return single(TokenKind::Plus);
  case '-':
    return single(TokenKind::Minus);
  case '@':
    return single(TokenKind::At);
  case '!':
    return single(TokenKind::Bang);
  case '|':
    return single(TokenKind::Pipe);
  case '=':
    return single(TokenKind::Equals);
  case '"':
    return lexString(token, start);
  default:
    break;
  }

  if (isDigit(c))
    return lexNumber(token, start);

  if (c == '.') {
    // A directive or modifier: .global, .f32, .shared::cta, .L2::cache_hint.
    advance();
    if (!isFollowSym(peekChar()))
      return invalid(token, start, "expected a name after '.'");
    while (isFollowSym(peekChar()))
      advance();
    while (peekChar() == ':' && peekChar(1) == ':' && isFollowSym(peekChar(2))) {
      advance(2);
      while (isFollowSym(peekChar()))
        advance();
    }
    token.kind = TokenKind::DotWord;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }

  if (isLetter(c) || c == '_' || c == '$' || c == '%') {
    // [a-zA-Z]{followsym}* | [_$%]{followsym}+ ; a lone '_' is the sink operand.
    advance();
    while (isFollowSym(peekChar()))
      advance();
    if ((c == '%' || c == '$') && pos_ - start == 1)
      return invalid(token, start, std::string("expected a name after '") + c + "'");
    token.kind = TokenKind::Identifier;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }

  advance();
  return invalid(token, start, "unexpected character " + printable(c));
}

Token Lexer::lexNumber(Token token, size_t start) {
  char first = peekChar();
  char second = peekChar(1);

  auto finishInteger = [&](size_t digitsStart, size_t digitsEnd, uint32_t base) {
    if (digitsEnd == digitsStart)
      return invalid(token, start, "missing digits in integer literal");
    if (peekChar() == 'U') {
      token.isUnsigned = true;
      advance();
    }
    if (isFollowSym(peekChar()) || peekChar() == '.') {
      while (isFollowSym(peekChar()))
        advance();
      return invalid(token, start,
                     "malformed number '" + std::string(text_.substr(start, pos_ - start)) + "'");
    }
    if (!accumulate(text_.substr(digitsStart, digitsEnd - digitsStart), base, token.intValue))
      return invalid(token, start, "integer literal does not fit in 64 bits");
    token.kind = TokenKind::Integer;
    token.text = text_.substr(start, pos_ - start);
    return token;
  };

  if (first == '0' && (second == 'x' || second == 'X')) {
    advance(2);
    size_t digits = pos_;
    while (isHexDigit(peekChar()))
      advance();
    return finishInteger(digits, pos_, 16);
  }
  if (first == '0' && (second == 'b' || second == 'B') &&
      (peekChar(2) == '0' || peekChar(2) == '1')) {
    advance(2);
    size_t digits = pos_;
    while (peekChar() == '0' || peekChar() == '1')
      advance();
    return finishInteger(digits, pos_, 2);
  }
  if (first == '0' && (second == 'f' || second == 'F' || second == 'd' || second == 'D')) {
    // Hex float bits: 0f + exactly 8 hex digits (f32), 0d + exactly 16 (f64).
    uint32_t width = (second == 'f' || second == 'F') ? 32 : 64;
    advance(2);
    size_t digits = pos_;
    while (isHexDigit(peekChar()))
      advance();
    size_t count = pos_ - digits;
    if (count != width / 4 || isFollowSym(peekChar())) {
      while (isFollowSym(peekChar()))
        advance();
      return invalid(token, start,
                     "malformed hex float literal '" +
                         std::string(text_.substr(start, pos_ - start)) + "' (0" + second +
                         " takes exactly " + std::to_string(width / 4) + " hex digits)");
    }
    accumulate(text_.substr(digits, count), 16, token.intValue);
    token.kind = TokenKind::HexFloat;
    token.bitsWidth = width;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }

  while (isDigit(peekChar()))
    advance();
  size_t integerEnd = pos_;
  bool isFloat = false;
  if (peekChar() == '.' && !isLetter(peekChar(1)) && peekChar(1) != '_' && peekChar(1) != '$') {
    isFloat = true;
    advance();
    while (isDigit(peekChar()))
      advance();
  }
  if ((peekChar() == 'e' || peekChar() == 'E') &&
      (isDigit(peekChar(1)) ||
       ((peekChar(1) == '+' || peekChar(1) == '-') && isDigit(peekChar(2))))) {
    isFloat = true;
    advance(2);
    while (isDigit(peekChar()))
      advance();
  }
  if (isFloat) {
    if (isFollowSym(peekChar())) {
      while (isFollowSym(peekChar()))
        advance();
      return invalid(token, start,
                     "malformed number '" + std::string(text_.substr(start, pos_ - start)) + "'");
    }
    const char *begin = text_.data() + start;
    const char *end = text_.data() + pos_;
    auto [ptr, ec] = std::from_chars(begin, end, token.floatValue);
    if (ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range))
      return invalid(token, start, "malformed floating-point literal");
    token.kind = TokenKind::Float;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }
  if (first == '0' && integerEnd - start > 1) {
    for (size_t i = start + 1; i < integerEnd; ++i)
      if (text_[i] > '7')
        return invalid(token, start,
                       "invalid digit in octal literal '" +
                           std::string(text_.substr(start, integerEnd - start)) + "'");
    return finishInteger(start + 1, integerEnd, 8);
  }
  return finishInteger(start, integerEnd, 10);
}

Token Lexer::lexString(Token token, size_t start) {
  advance(); // opening quote
  while (!atEnd()) {
    char c = peekChar();
    if (c == '"') {
      advance();
      token.kind = TokenKind::String;
      token.text = text_.substr(start, pos_ - start);
      return token;
    }
    if (c == '\n')
      break;
    if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n')
      advance();
    advance();
  }
  return invalid(token, start, "unterminated string literal");
}

bool Lexer::skipBracedGroup(std::string &error, SourceLoc &where) {
  if (!skipTrivia(error, where))
    return false;
  where = {line_, column_};
  if (peekChar() != '{') {
    error = "expected '{'";
    return false;
  }
  SourceLoc open = where;
  uint32_t depth = 0;
  while (!atEnd()) {
    if (!skipTrivia(error, where))
      return false;
    if (atEnd())
      break;
    char c = peekChar();
    if (c == '"') {
      Token string;
      string.loc = {line_, column_};
      string = lexString(string, pos_);
      if (string.kind == TokenKind::Invalid) {
        error = string.error;
        where = string.loc;
        return false;
      }
      continue;
    }
    advance();
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0)
        return true;
    }
  }
  error = "unterminated '{' (opened here)";
  where = open;
  return false;
}

std::string describeToken(const Token &token) {
  if (token.kind == TokenKind::End)
    return "end of input";
  std::string_view text = token.text;
  constexpr size_t kMaxShown = 40;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown)
    shown += "...";
  return "'" + shown + "'";
}

} // namespace cuport::ptx
