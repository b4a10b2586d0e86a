// The PTX abstract syntax tree. The parser keeps instructions generic (opcode, modifiers in
// order, operands) so that the grammar covers the whole ISA; meaning is given to modifiers by
// compiler/lower. Everything carries the source location it came from, for diagnostics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cuport::ptx {

struct SourceLoc {
  uint32_t line = 0;   // 1-based; 0 = unknown
  uint32_t column = 0; // 1-based
};

enum class StateSpace { None, Reg, Sreg, Const, Global, Local, Param, Shared, Tex };

enum class ScalarType {
  None,
  Pred,
  B8,
  B16,
  B32,
  B64,
  B128,
  U8,
  U16,
  U32,
  U64,
  S8,
  S16,
  S32,
  S64,
  F16,
  F16x2,
  BF16,
  BF16x2,
  F32,
  F64,
  TF32,
  E4M3x2,
  E5M2x2,
  TexRef,
  SamplerRef,
  SurfRef,
};

// Parses "u32", "f16x2", ... (without the dot); None when the word is not a type.
ScalarType scalarTypeFromName(std::string_view name);
const char *scalarTypeName(ScalarType type);
uint32_t scalarTypeBits(ScalarType type); // Pred = 1; opaque types = 64
bool isFloatType(ScalarType type);        // F16, BF16, F32, F64, TF32 and the x2 forms
bool isSignedIntType(ScalarType type);

enum class Linkage { None, Visible, Extern, Weak, Common };

// One element of a flattened variable initializer: `{1, 2.0, sym+4, generic(sym)}`.
struct InitElement {
  enum class Kind { Int, Float, Symbol } kind = Kind::Int;
  uint64_t intValue = 0; // Int: the bits (two's complement for negatives)
  double floatValue =
      0; // Float: decimal literals; hex float literals 0fXXXXXXXX arrive as Int bits
  bool floatIsHexBits = false;
  std::string symbol;          // Symbol: address of a variable or function
  int64_t offset = 0;          // Symbol: plus this many bytes
  bool genericAddress = false; // Symbol written as generic(sym)
};

// One `name = value` of an opaque variable's initializer:
// `.global .samplerref s = { filter_mode = linear, addr_mode_0 = wrap };`.
struct OpaqueField {
  SourceLoc loc;
  std::string name;  // filter_mode, addr_mode_0, force_unnormalized_coords, ...
  std::string value; // the word or integer as written: linear, clamp_to_edge, 1, ...
};

// `.global .align 4 .b8 gv[16] = {...};`, `.reg .b32 %r<6>;`, `.param .u64 p`, `.shared ...`.
struct VariableDecl {
  SourceLoc loc;
  StateSpace space = StateSpace::None;
  Linkage linkage = Linkage::None;
  ScalarType type = ScalarType::None;
  uint32_t vectorWidth = 1;      // .v2 / .v4 / .v8
  std::optional<uint32_t> align; // .align N
  std::string name;
  std::vector<uint64_t> arrayDims;            // [] is 0 (size from the initializer or extern)
  std::optional<uint32_t> parameterizedCount; // %r<6> declares %r0 .. %r5
  bool hasInitializer = false;
  std::vector<InitElement> initializer;  // flattened in row-major order
  std::vector<OpaqueField> opaqueFields; // .texref / .samplerref / .surfref initializers
  // Kernel parameter attributes: `.param .u64 .ptr .global .align 8 p`.
  bool isPointer = false;
  StateSpace pointerSpace = StateSpace::None;
  std::optional<uint32_t> pointerAlign;
  // `.global .attribute(.managed) ...`: a __managed__ variable (unified memory).
  bool isManaged = false;
};

struct Operand {
  enum class Kind {
    Register, // %r1, %tid (with component), p (a named .reg), also special registers
    IntImm,   // 42, -1, 0xFF, 1U
    FloatImm, // 0f3F800000 (f32 bits), 0d3FF0000000000000 (f64 bits), 1.5
    Symbol,   // a variable, function or label name used as a value or branch target
    Address,  // [base + offset]; base is a Register, a Symbol or absent (absolute)
    Vector,   // {%r1, %r2, _, %r4}
    List,     // (a, b, c) in call syntax
    Sink,     // _
  } kind = Kind::Register;

  SourceLoc loc;
  std::string name;     // Register / Symbol: the name; Address: the base name or empty
  int component = -1;   // Register: .x=0 .y=1 .z=2 .w=3 (also .r .g .b .a); -1 none
  bool negated = false; // !%p
  // Register in a video instruction: a byte/half selector (%r1.b0, %r1.h1), a SIMD selector
  // (%r1.b3210, %r1.h10) or a destination mask / data-merge selector (%r0.h0); empty when none.
  std::string videoSelector;
  bool minus = false;                 // -%r1: vmad's operand negation
  bool addressBaseIsRegister = false; // Address: base is a register (else a symbol)
  uint64_t intValue = 0;              // IntImm: the bits
  bool intIsUnsigned = false;         // IntImm written with a U suffix
  double floatValue = 0;              // FloatImm written in decimal
  uint64_t floatBits = 0;             // FloatImm written as 0f / 0d: the bits
  uint32_t floatBitsWidth = 0;        // 32 for 0f, 64 for 0d, 0 for a decimal literal
  int64_t offset = 0; // Address: the immediate offset (may be negative); also Symbol `sym+8`
  std::vector<Operand> elements; // Vector / List; Address: texture coordinates `[tex, {%f1, %f2}]`
};

struct Guard {
  std::string predicate; // %p1
  bool negated = false;  // @!%p1
};

struct Instruction {
  SourceLoc loc;
  std::optional<Guard> guard;
  std::string opcode;                 // "ld", "mad", "bar", ...
  std::vector<std::string> modifiers; // "ld.global.v4.f32" -> {"global", "v4", "f32"}
  std::vector<Operand> operands;      // destination(s) first, in source order
  // The second destination of `setp.lt.s32 %p|%q, a, b` (operands[0] holds %p).
  std::optional<Operand> pairedDestination;
};

struct Label {
  SourceLoc loc;
  std::string name;
};

// Directives the lowering does not act on but may want to see (.pragma "nounroll", .loc, ...).
struct Directive {
  SourceLoc loc;
  std::string name;                   // "pragma", "loc", "maxntid", ...
  std::vector<std::string> arguments; // raw tokens
};

struct Statement;

// A `{ ... }` block: declarations inside it are scoped to it (nvcc emits one per call).
struct Block {
  SourceLoc loc;
  std::vector<Statement> statements;
};

struct Statement {
  enum class Kind { Instruction, Label, Variable, Block, Directive } kind = Kind::Instruction;
  Instruction instruction;
  Label label;
  VariableDecl variable;
  Block block;
  Directive directive;
};

// `.callprototype` declarations used by indirect calls: `proto: .callprototype (.param .b32 _) _
// (...);`
struct CallPrototype {
  SourceLoc loc;
  std::string label;
  std::vector<VariableDecl> returns;
  std::vector<VariableDecl> params;
};

struct Function {
  SourceLoc loc;
  bool isKernel = false; // .entry (else .func)
  Linkage linkage = Linkage::None;
  std::string name;
  std::vector<VariableDecl> returns; // .func only
  std::vector<VariableDecl> params;
  // Performance-tuning directives: maxntid, reqntid, minnctapersm, maxnreg, maxclusterrank,
  // noreturn, ... with their numeric arguments.
  std::vector<Directive> performanceDirectives;
  bool hasBody = false; // false for a prototype (`.extern .func vprintf(...)`)
  std::vector<Statement> body;
  std::vector<CallPrototype> prototypes; // declared inside the body
};

struct Module {
  uint32_t versionMajor = 0, versionMinor = 0;
  std::vector<std::string> targets; // "sm_75", "texmode_independent", ...
  uint32_t addressSize = 64;
  std::vector<VariableDecl> globals; // module-scope variables in source order
  std::vector<Function> functions;   // in source order (prototypes included)
  std::vector<std::string> files;    // .file N "name": index N at files[N] (debug info only)
};

} // namespace cuport::ptx
