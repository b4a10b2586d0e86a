// Recursive-descent parser for PTX ISA 9.0 text. Instructions are parsed generically (opcode,
// modifiers, operands) so that every instruction of the ISA parses; declarations and directives
// follow the grammar of the PTX ISA chapters "Directives" and "State Spaces, Types, and Variables".
//
// Errors unwind through an internal exception that never leaves parseModule(); the first error
// stops the parse (a half-built module is of no use to the lowering).
#include "compiler/ptx/parser.h"

#include "compiler/ptx/lexer.h"

#include <deque>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace cuport::ptx {

namespace {

struct ParseError {
  SourceLoc loc;
  std::string message;
};

// Deeper nesting than this is rejected instead of risking the stack on hostile input.
constexpr uint32_t kMaxNesting = 256;
// `.file N`: indices above this are rejected rather than allocating a huge table.
constexpr uint64_t kMaxFileIndex = 1u << 16;

StateSpace stateSpaceFromWord(std::string_view word) {
  if (word == "reg")
    return StateSpace::Reg;
  if (word == "sreg")
    return StateSpace::Sreg;
  if (word == "const")
    return StateSpace::Const;
  if (word == "global")
    return StateSpace::Global;
  if (word == "local")
    return StateSpace::Local;
  if (word == "param")
    return StateSpace::Param;
  if (word == "shared")
    return StateSpace::Shared;
  if (word == "tex")
    return StateSpace::Tex;
  return StateSpace::None;
}

Linkage linkageFromWord(std::string_view word) {
  if (word == "visible")
    return Linkage::Visible;
  if (word == "extern")
    return Linkage::Extern;
  if (word == "weak")
    return Linkage::Weak;
  if (word == "common")
    return Linkage::Common;
  return Linkage::None;
}

bool isPerformanceDirective(std::string_view word) {
  return word == "maxntid" || word == "reqntid" || word == "minnctapersm" ||
         word == "maxnctapersm" || word == "maxnreg" || word == "noreturn" ||
         word == "maxclusterrank" || word == "reqnctapercluster" || word == "explicitcluster" ||
         word == "blocksareclusters";
}

int componentIndex(std::string_view word) {
  if (word == "x" || word == "r")
    return 0;
  if (word == "y" || word == "g")
    return 1;
  if (word == "z" || word == "b")
    return 2;
  if (word == "w" || word == "a")
    return 3;
  return -1;
}

// A video instruction's operand selector or destination mask: .b followed by one to four byte
// indices 0..7, or .h followed by one or two half-word indices 0..3.
bool isVideoSelector(std::string_view word) {
  if (word.size() < 2 || (word[0] != 'b' && word[0] != 'h'))
    return false;
  char highest = word[0] == 'b' ? '7' : '3';
  if (word.size() - 1 > (word[0] == 'b' ? 4u : 2u))
    return false;
  for (char c : word.substr(1))
    if (c < '0' || c > highest)
      return false;
  return true;
}

bool isVideoOpcode(std::string_view opcode) {
  for (std::string_view scalar :
       {"vadd", "vsub", "vabsdiff", "vmin", "vmax", "vshl", "vshr", "vmad", "vset"})
    if (opcode == scalar)
      return true;
  if (opcode.size() < 2 || (opcode.back() != '2' && opcode.back() != '4'))
    return false;
  std::string_view simd = opcode.substr(0, opcode.size() - 1);
  for (std::string_view name : {"vadd", "vsub", "vavrg", "vabsdiff", "vmin", "vmax", "vset"})
    if (simd == name)
      return true;
  return false;
}

// The contents of a string literal, with backslash escapes resolved.
std::string stringContents(std::string_view quoted) {
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '\\' && i + 2 < quoted.size()) {
      char escaped = quoted[++i];
      switch (escaped) {
      case 'n':
        c = '\n';
        break;
      case 't':
        c = '\t';
        break;
      default:
        c = escaped;
        break;
      }
    }
    out += c;
  }
  return out;
}

// Names declared with .reg in the enclosing scopes, so that `p` in `@p bra L;` is known to be a
// register rather than a symbol. Names starting with '%' are always registers.
class RegisterScopes {
public:
  void push() { scopes_.emplace_back(); }
  void pop() { scopes_.pop_back(); }
  void declare(const VariableDecl &decl) {
    if (scopes_.empty())
      return;
    if (decl.parameterizedCount)
      scopes_.back().prefixes[decl.name] = *decl.parameterizedCount;
    else
      scopes_.back().names.insert(decl.name);
  }
  bool isRegister(std::string_view name) const {
    if (!name.empty() && name[0] == '%')
      return true;
    size_t digits = name.size();
    while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
      --digits;
    std::string full(name);
    std::string prefix(name.substr(0, digits));
    for (const Scope &scope : scopes_) {
      if (scope.names.count(full))
        return true;
      if (digits < name.size() && name.size() - digits <= 9) {
        auto it = scope.prefixes.find(prefix);
        if (it != scope.prefixes.end() && std::stoul(std::string(name.substr(digits))) < it->second)
          return true;
      }
    }
    return false;
  }

private:
  struct Scope {
    std::unordered_set<std::string> names;
    std::unordered_map<std::string, uint32_t> prefixes;
  };
  std::vector<Scope> scopes_;
};

class Parser {
public:
  explicit Parser(std::string_view text) : lexer_(text) { current_ = lexFresh(); }

  Module parseModule();

private:
  // --- token stream ---------------------------------------------------------------------
  Token lexFresh() {
    Token token = lexer_.next();
    if (token.kind == TokenKind::Invalid)
      throw ParseError{token.loc, token.error};
    return token;
  }
  const Token &peek() {
    if (ahead_.empty())
      ahead_.push_back(lexer_.next()); // an Invalid token is reported once it becomes current
    return ahead_.front();
  }
  void advance() {
    if (ahead_.empty()) {
      current_ = lexFresh();
      return;
    }
    current_ = std::move(ahead_.front());
    ahead_.pop_front();
    if (current_.kind == TokenKind::Invalid)
      throw ParseError{current_.loc, current_.error};
  }
  bool is(TokenKind kind) const { return current_.kind == kind; }
  bool isDot(std::string_view word) const {
    return current_.kind == TokenKind::DotWord && current_.text.substr(1) == word;
  }
  std::string_view dotWord() const { return current_.text.substr(1); }
  bool accept(TokenKind kind) {
    if (!is(kind))
      return false;
    advance();
    return true;
  }
  [[noreturn]] void fail(SourceLoc loc, std::string message) {
    throw ParseError{loc, std::move(message)};
  }
  [[noreturn]] void failExpected(std::string_view what) {
    fail(current_.loc, "expected " + std::string(what) + ", found " + describeToken(current_));
  }
  Token expect(TokenKind kind, std::string_view what) {
    if (!is(kind))
      failExpected(what);
    Token token = current_;
    advance();
    return token;
  }
  uint64_t expectInteger(std::string_view what) {
    return expect(TokenKind::Integer, what).intValue;
  }
  uint32_t expectInteger32(std::string_view what) {
    SourceLoc loc = current_.loc;
    uint64_t value = expectInteger(what);
    if (value > UINT32_MAX)
      fail(loc, std::string(what) + " " + std::to_string(value) + " is out of range");
    return static_cast<uint32_t>(value);
  }
  // An integer with an optional leading '-', as two's complement.
  int64_t expectSignedInteger(std::string_view what) {
    bool negative = accept(TokenKind::Minus);
    uint64_t value = expectInteger(what);
    return static_cast<int64_t>(negative ? ~value + 1 : value);
  }

  // --- module level ---------------------------------------------------------------------
  void parseVersion(Module &module);
  void parseTarget(Module &module);
  void parseFileDirective(Module &module);
  void skipSection();
  std::vector<std::string> parseDirectiveList(TokenKind element, std::string_view what);
  std::vector<std::string> parseDirectiveOnLine(uint32_t line);
  void parseModuleDeclaration(Module &module);

  // --- declarations ---------------------------------------------------------------------
  void parseDeclarationAttributes(VariableDecl &decl);
  void parseDeclarator(VariableDecl &decl, bool allowInitializer);
  std::vector<VariableDecl> parseVariableDecls(Linkage linkage, bool allowInitializer);
  VariableDecl parseParameter(bool allowReg);
  std::vector<VariableDecl> parseParameterList(bool allowReg);
  void parseInitializer(VariableDecl &decl, uint32_t depth);
  void parseOpaqueFields(VariableDecl &decl);
  InitElement parseInitElement();

  // --- functions ------------------------------------------------------------------------
  Function parseFunction(Linkage linkage, SourceLoc start);
  void parseBlockContents(std::vector<Statement> &out, Function &function, SourceLoc open,
                          uint32_t depth);
  void parseStatement(std::vector<Statement> &out, Function &function, uint32_t depth);
  CallPrototype parseCallPrototype(std::string label, SourceLoc loc);
  Instruction parseInstruction();
  void checkVideoOperandSyntax(const Instruction &instruction);
  bool startsOperand() const {
    switch (current_.kind) {
    case TokenKind::Identifier:
    case TokenKind::Integer:
    case TokenKind::Float:
    case TokenKind::HexFloat:
    case TokenKind::Minus:
    case TokenKind::Bang:
    case TokenKind::LeftBrace:
    case TokenKind::LeftParen:
    case TokenKind::LeftBracket:
      return true;
    default:
      return false;
    }
  }
  Operand parseOperand(uint32_t depth);
  Operand parseAddress(uint32_t depth);
  void parseOperandList(Operand &aggregate, TokenKind close, std::string_view closeWhat,
                        uint32_t depth);

  Lexer lexer_;
  Token current_;
  std::deque<Token> ahead_;
  RegisterScopes registers_;
};

// ===== module level ==========================================================================

Module Parser::parseModule() {
  Module module;
  while (!is(TokenKind::End)) {
    if (!is(TokenKind::DotWord))
      failExpected("a directive at module scope");
    std::string_view word = dotWord();
    if (word == "version") {
      parseVersion(module);
    } else if (word == "target") {
      parseTarget(module);
    } else if (word == "address_size") {
      advance();
      SourceLoc loc = current_.loc;
      uint64_t size = expectInteger("an address size after '.address_size'");
      if (size != 32 && size != 64)
        fail(loc, "address size must be 32 or 64, found " + std::to_string(size));
      module.addressSize = static_cast<uint32_t>(size);
    } else if (word == "file") {
      parseFileDirective(module);
    } else if (word == "loc") {
      uint32_t line = current_.loc.line;
      advance();
      parseDirectiveOnLine(line);
    } else if (word == "section") {
      skipSection();
    } else if (word == "pragma") {
      advance();
      parseDirectiveList(TokenKind::String, "a string after '.pragma'");
    } else {
      parseModuleDeclaration(module);
    }
  }
  return module;
}

void Parser::parseVersion(Module &module) {
  advance();
  SourceLoc loc = current_.loc;
  if (!is(TokenKind::Float))
    failExpected("a version number 'major.minor' after '.version'");
  std::string_view text = current_.text;
  size_t dot = text.find('.');
  uint64_t major = 0, minor = 0;
  bool ok = dot != std::string_view::npos && dot > 0 && dot + 1 < text.size() && dot < 6 &&
            text.size() - dot - 1 < 6;
  for (size_t i = 0; ok && i < text.size(); ++i) {
    if (i == dot)
      continue;
    if (text[i] < '0' || text[i] > '9') {
      ok = false;
      break;
    }
    uint64_t &part = i < dot ? major : minor;
    part = part * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (!ok)
    fail(loc, "expected a version number 'major.minor' after '.version', found " +
                  describeToken(current_));
  module.versionMajor = static_cast<uint32_t>(major);
  module.versionMinor = static_cast<uint32_t>(minor);
  advance();
}

void Parser::parseTarget(Module &module) {
  advance();
  do {
    module.targets.emplace_back(
        expect(TokenKind::Identifier, "a target name after '.target'").text);
  } while (accept(TokenKind::Comma));
}

void Parser::parseFileDirective(Module &module) {
  advance();
  SourceLoc loc = current_.loc;
  uint64_t index = expectInteger("a file index after '.file'");
  if (index > kMaxFileIndex)
    fail(loc, "file index " + std::to_string(index) + " is too large");
  std::string name = stringContents(expect(TokenKind::String, "a file name string").text);
  // Optional modification time and size: `.file 1 "a.cu", 1700000000, 1234`.
  while (accept(TokenKind::Comma))
    expectInteger("an integer in '.file'");
  if (module.files.size() <= index)
    module.files.resize(index + 1);
  module.files[index] = std::move(name);
}

void Parser::skipSection() {
  SourceLoc loc = current_.loc;
  advance();
  if (!is(TokenKind::DotWord) && !is(TokenKind::Identifier))
    failExpected("a section name after '.section'");
  if (!ahead_.empty())
    fail(loc, "internal error: lookahead pending before a section body");
  // The body is debug data (bytes, labels, strings); skip it as raw text.
  std::string error;
  SourceLoc where;
  if (!lexer_.skipBracedGroup(error, where)) {
    if (error == "expected '{'")
      fail(where, "expected '{' after section name '" + std::string(current_.text) + "'");
    fail(where, error);
  }
  current_ = lexFresh();
}

// `.pragma "a", "b";` (strings) and `.branchtargets L1, L2;` (labels).
std::vector<std::string> Parser::parseDirectiveList(TokenKind element, std::string_view what) {
  std::vector<std::string> arguments;
  do {
    Token token = expect(element, what);
    arguments.push_back(element == TokenKind::String ? stringContents(token.text)
                                                     : std::string(token.text));
  } while (accept(TokenKind::Comma));
  expect(TokenKind::Semicolon, "';' after directive");
  return arguments;
}

// `.loc` and `.file` end at the end of their line rather than at a ';'.
std::vector<std::string> Parser::parseDirectiveOnLine(uint32_t line) {
  std::vector<std::string> arguments;
  while (current_.loc.line == line && !is(TokenKind::End) && !is(TokenKind::LeftBrace) &&
         !is(TokenKind::RightBrace)) {
    if (accept(TokenKind::Semicolon))
      break;
    if (is(TokenKind::String))
      arguments.push_back(stringContents(current_.text));
    else if (!is(TokenKind::Comma))
      arguments.emplace_back(current_.text);
    advance();
  }
  return arguments;
}

void Parser::parseModuleDeclaration(Module &module) {
  SourceLoc start = current_.loc;
  Linkage linkage = Linkage::None;
  if (is(TokenKind::DotWord) && linkageFromWord(dotWord()) != Linkage::None) {
    linkage = linkageFromWord(dotWord());
    advance();
  }
  if (isDot("entry") || isDot("func")) {
    module.functions.push_back(parseFunction(linkage, start));
    return;
  }
  if (is(TokenKind::DotWord)) {
    StateSpace space = stateSpaceFromWord(dotWord());
    if (space == StateSpace::Global || space == StateSpace::Const || space == StateSpace::Shared ||
        space == StateSpace::Local || space == StateSpace::Tex) {
      for (VariableDecl &decl : parseVariableDecls(linkage, /*allowInitializer=*/true))
        module.globals.push_back(std::move(decl));
      return;
    }
    if (isDot("alias"))
      fail(current_.loc, "unsupported directive '.alias'");
  }
  if (linkage != Linkage::None)
    failExpected("'.entry', '.func' or a variable declaration after linkage");
  failExpected("a directive at module scope");
}

// ===== declarations ==========================================================================

void Parser::parseDeclarationAttributes(VariableDecl &decl) {
  bool afterPtr = false;
  while (is(TokenKind::DotWord)) {
    std::string_view word = dotWord();
    SourceLoc loc = current_.loc;
    if (word == "align") {
      advance();
      uint32_t align = expectInteger32("an alignment after '.align'");
      if (align == 0 || (align & (align - 1)) != 0)
        fail(loc, "alignment must be a power of two, found " + std::to_string(align));
      (afterPtr ? decl.pointerAlign : decl.align) = align;
      continue;
    }
    if (word == "v2" || word == "v4" || word == "v8") {
      decl.vectorWidth = static_cast<uint32_t>(word[1] - '0');
    } else if (word == "ptr") {
      if (decl.space != StateSpace::Param)
        fail(loc, "'.ptr' is only allowed on '.param' declarations");
      decl.isPointer = true;
      afterPtr = true;
    } else if (afterPtr && stateSpaceFromWord(word) != StateSpace::None) {
      decl.pointerSpace = stateSpaceFromWord(word);
    } else if (ScalarType type = scalarTypeFromName(word); type != ScalarType::None) {
      if (decl.type != ScalarType::None)
        fail(loc, "second type " + describeToken(current_) + " in variable declaration");
      decl.type = type;
    } else if (word == "attribute") {
      advance();
      expect(TokenKind::LeftParen, "'(' after '.attribute'");
      if (!isDot("managed"))
        fail(current_.loc, "unsupported variable attribute " + describeToken(current_) +
                               " (only '.managed' is supported)");
      decl.isManaged = true;
      advance();
      expect(TokenKind::RightParen, "')' after '.attribute(.managed'");
      continue;
    } else {
      fail(loc, "unexpected " + describeToken(current_) + " in variable declaration");
    }
    advance();
  }
  if (decl.type == ScalarType::None)
    failExpected("a type in variable declaration");
}

void Parser::parseDeclarator(VariableDecl &decl, bool allowInitializer) {
  decl.loc = current_.loc;
  decl.name = std::string(expect(TokenKind::Identifier, "a variable name").text);
  if (accept(TokenKind::Less)) {
    decl.parameterizedCount = expectInteger32("a register count after '<'");
    expect(TokenKind::Greater, "'>' after register count");
  }
  while (accept(TokenKind::LeftBracket)) {
    if (accept(TokenKind::RightBracket)) {
      decl.arrayDims.push_back(0);
      continue;
    }
    decl.arrayDims.push_back(expectInteger("an array size"));
    expect(TokenKind::RightBracket, "']' after array size");
  }
  if (is(TokenKind::Equals)) {
    if (!allowInitializer)
      fail(current_.loc, "initializer not allowed here");
    advance();
    decl.hasInitializer = true;
    if (decl.type == ScalarType::TexRef || decl.type == ScalarType::SamplerRef ||
        decl.type == ScalarType::SurfRef)
      parseOpaqueFields(decl);
    else
      parseInitializer(decl, 0);
  }
}

// `{ field = value, ... }`: values are words (nearest, clamp_to_border, ...) or integers.
void Parser::parseOpaqueFields(VariableDecl &decl) {
  expect(TokenKind::LeftBrace, "'{' before the fields of '" + decl.name + "'");
  if (accept(TokenKind::RightBrace))
    return;
  do {
    OpaqueField field;
    field.loc = current_.loc;
    field.name = std::string(expect(TokenKind::Identifier, "a field name").text);
    expect(TokenKind::Equals, "'=' after field '" + field.name + "'");
    if (!is(TokenKind::Identifier) && !is(TokenKind::Integer))
      failExpected("a value for field '" + field.name + "'");
    field.value = std::string(current_.text);
    advance();
    decl.opaqueFields.push_back(std::move(field));
  } while (accept(TokenKind::Comma));
  expect(TokenKind::RightBrace, "',' or '}' after the fields of '" + decl.name + "'");
}

std::vector<VariableDecl> Parser::parseVariableDecls(Linkage linkage, bool allowInitializer) {
  VariableDecl base;
  base.space = stateSpaceFromWord(dotWord());
  base.linkage = linkage;
  advance();
  parseDeclarationAttributes(base);
  std::vector<VariableDecl> decls;
  do {
    VariableDecl decl = base;
    parseDeclarator(decl, allowInitializer);
    decls.push_back(std::move(decl));
  } while (accept(TokenKind::Comma));
  expect(TokenKind::Semicolon, "';' after variable declaration");
  return decls;
}

VariableDecl Parser::parseParameter(bool allowReg) {
  if (!isDot("param") && !(allowReg && isDot("reg")))
    failExpected(allowReg ? "'.param' or '.reg' parameter" : "'.param' parameter");
  VariableDecl decl;
  decl.space = stateSpaceFromWord(dotWord());
  advance();
  parseDeclarationAttributes(decl);
  parseDeclarator(decl, /*allowInitializer=*/false);
  return decl;
}

std::vector<VariableDecl> Parser::parseParameterList(bool allowReg) {
  expect(TokenKind::LeftParen, "'('");
  std::vector<VariableDecl> params;
  if (accept(TokenKind::RightParen))
    return params;
  do {
    params.push_back(parseParameter(allowReg));
  } while (accept(TokenKind::Comma));
  expect(TokenKind::RightParen, "',' or ')' in parameter list");
  return params;
}

void Parser::parseInitializer(VariableDecl &decl, uint32_t depth) {
  if (!is(TokenKind::LeftBrace)) {
    decl.initializer.push_back(parseInitElement());
    return;
  }
  if (depth >= kMaxNesting)
    fail(current_.loc, "initializer nested too deeply");
  advance();
  if (accept(TokenKind::RightBrace))
    return;
  do {
    parseInitializer(decl, depth + 1);
  } while (accept(TokenKind::Comma));
  expect(TokenKind::RightBrace, "',' or '}' in initializer");
}

InitElement Parser::parseInitElement() {
  InitElement element;
  bool negative = accept(TokenKind::Minus);
  if (is(TokenKind::Integer)) {
    element.kind = InitElement::Kind::Int;
    element.intValue = negative ? ~current_.intValue + 1 : current_.intValue;
  } else if (is(TokenKind::HexFloat)) {
    element.kind = InitElement::Kind::Int;
    element.floatIsHexBits = true;
    element.intValue = current_.intValue;
    if (negative) // flip the sign bit of the f32 / f64 pattern
      element.intValue ^= uint64_t{1} << (current_.bitsWidth - 1);
  } else if (is(TokenKind::Float)) {
    element.kind = InitElement::Kind::Float;
    element.floatValue = negative ? -current_.floatValue : current_.floatValue;
  } else if (is(TokenKind::Identifier) && !negative) {
    element.kind = InitElement::Kind::Symbol;
    if (current_.text == "generic" && peek().kind == TokenKind::LeftParen) {
      advance();
      advance();
      element.genericAddress = true;
      element.symbol = std::string(expect(TokenKind::Identifier, "a symbol in 'generic()'").text);
      if (!is(TokenKind::RightParen))
        failExpected("')' after 'generic(" + element.symbol + "'");
    } else {
      element.symbol = std::string(current_.text);
    }
    advance();
    if (accept(TokenKind::Plus))
      element.offset = expectSignedInteger("an offset after '+'");
    else if (accept(TokenKind::Minus))
      element.offset = -static_cast<int64_t>(expectInteger("an offset after '-'"));
    return element;
  } else {
    failExpected(negative ? "a number after '-'" : "an initializer value");
  }
  advance();
  return element;
}

// ===== functions =============================================================================

Function Parser::parseFunction(Linkage linkage, SourceLoc start) {
  Function function;
  function.loc = start;
  function.linkage = linkage;
  function.isKernel = isDot("entry");
  advance();
  registers_.push();
  if (!function.isKernel && is(TokenKind::LeftParen))
    function.returns = parseParameterList(/*allowReg=*/true);
  function.name =
      std::string(expect(TokenKind::Identifier,
                         function.isKernel ? "a kernel name after '.entry'" : "a function name")
                      .text);
  if (is(TokenKind::LeftParen))
    function.params = parseParameterList(/*allowReg=*/!function.isKernel);
  for (const VariableDecl &param : function.params)
    if (param.space == StateSpace::Reg)
      registers_.declare(param);
  for (const VariableDecl &ret : function.returns)
    if (ret.space == StateSpace::Reg)
      registers_.declare(ret);

  while (is(TokenKind::DotWord) && isPerformanceDirective(dotWord())) {
    Directive directive;
    directive.loc = current_.loc;
    directive.name = std::string(dotWord());
    advance();
    if (is(TokenKind::Integer)) {
      do {
        directive.arguments.emplace_back(
            expect(TokenKind::Integer, "an integer argument of '." + directive.name + "'").text);
      } while (accept(TokenKind::Comma));
    }
    function.performanceDirectives.push_back(std::move(directive));
  }

  if (accept(TokenKind::Semicolon)) {
    function.hasBody = false;
  } else if (is(TokenKind::LeftBrace)) {
    SourceLoc open = current_.loc;
    advance();
    function.hasBody = true;
    parseBlockContents(function.body, function, open, 0);
  } else {
    failExpected("'{' or ';' after the header of '" + function.name + "'");
  }
  registers_.pop();
  return function;
}

void Parser::parseBlockContents(std::vector<Statement> &out, Function &function, SourceLoc open,
                                uint32_t depth) {
  while (!accept(TokenKind::RightBrace)) {
    if (is(TokenKind::End))
      failExpected("'}' to close the '{' at " + std::to_string(open.line) + ":" +
                   std::to_string(open.column));
    parseStatement(out, function, depth);
  }
}

void Parser::parseStatement(std::vector<Statement> &out, Function &function, uint32_t depth) {
  if (is(TokenKind::LeftBrace)) {
    if (depth >= kMaxNesting)
      fail(current_.loc, "blocks nested too deeply");
    Statement statement;
    statement.kind = Statement::Kind::Block;
    statement.block.loc = current_.loc;
    advance();
    registers_.push();
    parseBlockContents(statement.block.statements, function, statement.block.loc, depth + 1);
    registers_.pop();
    out.push_back(std::move(statement));
    return;
  }

  if (is(TokenKind::DotWord)) {
    std::string_view word = dotWord();
    if (stateSpaceFromWord(word) != StateSpace::None && word != "sreg") {
      bool isReg = word == "reg";
      for (VariableDecl &decl : parseVariableDecls(Linkage::None, /*allowInitializer=*/!isReg)) {
        if (isReg)
          registers_.declare(decl);
        Statement statement;
        statement.kind = Statement::Kind::Variable;
        statement.variable = std::move(decl);
        out.push_back(std::move(statement));
      }
      return;
    }
    Statement statement;
    statement.kind = Statement::Kind::Directive;
    statement.directive.loc = current_.loc;
    statement.directive.name = std::string(word);
    if (word == "loc" || word == "file") {
      uint32_t line = current_.loc.line;
      advance();
      statement.directive.arguments = parseDirectiveOnLine(line);
    } else if (word == "pragma") {
      advance();
      statement.directive.arguments =
          parseDirectiveList(TokenKind::String, "a string after '.pragma'");
    } else if (word == "branchtargets") {
      advance();
      statement.directive.arguments =
          parseDirectiveList(TokenKind::Identifier, "a label in '.branchtargets'");
    } else if (word == "calltargets") {
      advance();
      statement.directive.arguments =
          parseDirectiveList(TokenKind::Identifier, "a function in '.calltargets'");
    } else if (word == "callprototype") {
      fail(current_.loc, "'.callprototype' must follow a label");
    } else {
      fail(current_.loc, "unsupported directive " + describeToken(current_) + " in function body");
    }
    out.push_back(std::move(statement));
    return;
  }

  if (is(TokenKind::Identifier) && peek().kind == TokenKind::Colon) {
    SourceLoc loc = current_.loc;
    std::string name(current_.text);
    advance();
    advance();
    if (isDot("callprototype")) {
      function.prototypes.push_back(parseCallPrototype(std::move(name), loc));
      return;
    }
    Statement statement;
    statement.kind = Statement::Kind::Label;
    statement.label.loc = loc;
    statement.label.name = std::move(name);
    out.push_back(std::move(statement));
    return;
  }

  if (is(TokenKind::Identifier) || is(TokenKind::At)) {
    Statement statement;
    statement.kind = Statement::Kind::Instruction;
    statement.instruction = parseInstruction();
    out.push_back(std::move(statement));
    return;
  }
  failExpected("an instruction, label, declaration or '}'");
}

// `proto: .callprototype (.param .b32 _) _ (.param .b64 _, .param .b32 _);`
CallPrototype Parser::parseCallPrototype(std::string label, SourceLoc loc) {
  CallPrototype prototype;
  prototype.loc = loc;
  prototype.label = std::move(label);
  advance();
  if (is(TokenKind::LeftParen))
    prototype.returns = parseParameterList(/*allowReg=*/true);
  if (!is(TokenKind::Identifier) || current_.text != "_")
    failExpected("'_' in '.callprototype'");
  advance();
  if (is(TokenKind::LeftParen))
    prototype.params = parseParameterList(/*allowReg=*/true);
  if (isDot("noreturn"))
    advance();
  expect(TokenKind::Semicolon, "';' after '.callprototype'");
  return prototype;
}

Instruction Parser::parseInstruction() {
  Instruction instruction;
  instruction.loc = current_.loc;
  if (accept(TokenKind::At)) {
    Guard guard;
    guard.negated = accept(TokenKind::Bang);
    if (!is(TokenKind::Identifier) || !registers_.isRegister(current_.text))
      failExpected("a predicate register after '@'");
    guard.predicate = std::string(current_.text);
    advance();
    instruction.guard = std::move(guard);
  }
  instruction.opcode = std::string(expect(TokenKind::Identifier, "an instruction opcode").text);
  while (is(TokenKind::DotWord)) {
    instruction.modifiers.emplace_back(dotWord());
    advance();
  }
  if (startsOperand()) {
    instruction.operands.push_back(parseOperand(0));
    if (accept(TokenKind::Pipe))
      instruction.pairedDestination = parseOperand(0);
    while (accept(TokenKind::Comma))
      instruction.operands.push_back(parseOperand(0));
  }
  expect(TokenKind::Semicolon, "';' after instruction");
  checkVideoOperandSyntax(instruction);
  return instruction;
}

// Selectors and operand negation are video syntax: anywhere else they would be silently ignored.
void Parser::checkVideoOperandSyntax(const Instruction &instruction) {
  bool video = isVideoOpcode(instruction.opcode);
  auto check = [&](const Operand &operand, auto &self) -> void {
    if (!operand.videoSelector.empty() && !video)
      fail(operand.loc, "operand selector '." + operand.videoSelector + "' on " + operand.name +
                            " is only allowed in video instructions, not in '" +
                            instruction.opcode + "'");
    if (operand.minus && instruction.opcode != "vmad")
      fail(operand.loc, "operand negation '-" + operand.name +
                            "' is only allowed in vmad, not in '" + instruction.opcode + "'");
    for (const Operand &element : operand.elements)
      self(element, self);
  };
  for (const Operand &operand : instruction.operands)
    check(operand, check);
  if (instruction.pairedDestination)
    check(*instruction.pairedDestination, check);
}

Operand Parser::parseOperand(uint32_t depth) {
  Operand operand;
  operand.loc = current_.loc;
  if (depth > 4)
    fail(current_.loc, "operand nested too deeply");

  if (accept(TokenKind::Bang)) {
    if (!is(TokenKind::Identifier) || current_.text == "_")
      failExpected("a predicate after '!'");
    SourceLoc bang = operand.loc;
    operand = parseOperand(depth + 1);
    operand.loc = bang;
    operand.negated = true;
    return operand;
  }

  bool negative = false;
  if (accept(TokenKind::Minus)) {
    negative = true;
    // -%r1: vmad negates a register operand (checked against the opcode once it is parsed).
    if (is(TokenKind::Identifier) && registers_.isRegister(current_.text)) {
      SourceLoc minus = operand.loc;
      operand = parseOperand(depth + 1);
      operand.loc = minus;
      operand.minus = true;
      return operand;
    }
    if (!is(TokenKind::Integer) && !is(TokenKind::Float) && !is(TokenKind::HexFloat))
      failExpected("a number after '-'");
  }
  switch (current_.kind) {
  case TokenKind::Integer:
    operand.kind = Operand::Kind::IntImm;
    operand.intValue = negative ? ~current_.intValue + 1 : current_.intValue;
    operand.intIsUnsigned = current_.isUnsigned;
    advance();
    return operand;
  case TokenKind::HexFloat:
    operand.kind = Operand::Kind::FloatImm;
    operand.floatBits = current_.intValue;
    if (negative)
      operand.floatBits ^= uint64_t{1} << (current_.bitsWidth - 1);
    operand.floatBitsWidth = current_.bitsWidth;
    advance();
    return operand;
  case TokenKind::Float:
    operand.kind = Operand::Kind::FloatImm;
    operand.floatValue = negative ? -current_.floatValue : current_.floatValue;
    advance();
    return operand;
  case TokenKind::Identifier: {
    operand.name = std::string(current_.text);
    advance();
    if (operand.name == "_") {
      operand.kind = Operand::Kind::Sink;
      return operand;
    }
    if (registers_.isRegister(operand.name)) {
      operand.kind = Operand::Kind::Register;
      if (is(TokenKind::DotWord)) {
        operand.component = componentIndex(dotWord());
        if (operand.component < 0) {
          if (!isVideoSelector(dotWord()))
            fail(current_.loc, "unknown register component " + describeToken(current_));
          operand.videoSelector = std::string(dotWord());
        }
        advance();
      }
      return operand;
    }
    // WARP_SZ is PTX's predefined "warp size in threads" constant; nvcc emits it for warpSize.
    // cuport's devices all run 32-thread warps, so it is the immediate 32 wherever it appears.
    if (operand.name == "WARP_SZ") {
      operand.kind = Operand::Kind::IntImm;
      operand.intValue = 32;
      operand.name.clear();
      return operand;
    }
    operand.kind = Operand::Kind::Symbol;
    // `sym+8` as a value (mov.u64 %rd, sym+8): the offset goes in `offset`.
    if (accept(TokenKind::Plus))
      operand.offset = expectSignedInteger("an offset after '+'");
    else if (accept(TokenKind::Minus))
      operand.offset = -static_cast<int64_t>(expectInteger("an offset after '-'"));
    return operand;
  }
  case TokenKind::LeftBrace:
    operand.kind = Operand::Kind::Vector;
    advance();
    parseOperandList(operand, TokenKind::RightBrace, "',' or '}' in vector operand", depth);
    if (operand.elements.empty())
      fail(operand.loc, "empty vector operand");
    return operand;
  case TokenKind::LeftParen:
    operand.kind = Operand::Kind::List;
    advance();
    parseOperandList(operand, TokenKind::RightParen, "',' or ')' in operand list", depth);
    return operand;
  case TokenKind::LeftBracket:
    return parseAddress(depth);
  default:
    failExpected("an operand");
  }
}

void Parser::parseOperandList(Operand &aggregate, TokenKind close, std::string_view closeWhat,
                              uint32_t depth) {
  if (accept(close))
    return;
  do {
    aggregate.elements.push_back(parseOperand(depth + 1));
  } while (accept(TokenKind::Comma));
  expect(close, closeWhat);
}

// [%rd1], [%rd1+8], [%rd1+-8], [%rd1-8], [sym], [sym+4], [0x100], [tex, {%f1, %f2}]
Operand Parser::parseAddress(uint32_t depth) {
  Operand operand;
  operand.kind = Operand::Kind::Address;
  operand.loc = current_.loc;
  advance();
  if (is(TokenKind::Identifier)) {
    operand.name = std::string(current_.text);
    operand.addressBaseIsRegister = registers_.isRegister(operand.name);
    advance();
    if (accept(TokenKind::Plus))
      operand.offset = expectSignedInteger("an offset after '+'");
    else if (accept(TokenKind::Minus))
      operand.offset = -static_cast<int64_t>(expectInteger("an offset after '-'"));
  } else if (is(TokenKind::Integer) || is(TokenKind::Minus)) {
    operand.offset = expectSignedInteger("an address");
  } else {
    failExpected("a register, symbol or integer address after '['");
  }
  // Texture and surface instructions put coordinates inside the brackets.
  while (accept(TokenKind::Comma))
    operand.elements.push_back(parseOperand(depth + 1));
  expect(TokenKind::RightBracket, "']' after address");
  return operand;
}

} // namespace

ParseResult parseModule(std::string_view text) {
  ParseResult result;
  try {
    Parser parser(text);
    result.module = parser.parseModule();
  } catch (const ParseError &error) {
    result.module.reset();
    result.diagnostics.push_back(Diagnostic{error.loc, error.message});
  } catch (const std::bad_alloc &) {
    result.module.reset();
    result.diagnostics.push_back(Diagnostic{{}, "out of memory while parsing PTX"});
  }
  return result;
}

} // namespace cuport::ptx
