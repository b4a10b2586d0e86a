// wmma.load, wmma.store and wmma.mma (sm_70..sm_90 shapes). The ISA leaves the fragment layout
// unspecified, so cuport chooses one (docs/execution-model.md): with E = rows * cols / 32, lane l
// holds elements l * E .. l * E + E - 1 of the matrix in row-major order, whatever the .row/.col
// layout of memory. A lane's fragment is thus a function of its lane id and memory, and
// wmma.load / wmma.store are per-lane loads and stores; only wmma.mma exchanges data between
// lanes (a cuport.mma.sync collective with CUPORT_MMA_WMMA). Fragments with more element slots
// than E (f16 A and B: always eight .f16x2 registers) repeat the E elements. The sub-byte shapes
// (m8n8k32 .s4/.u4, m8n8k128 .b1) pack 8 or 32 elements a register the same way; in memory their
// element i (counted along the row or column as for wider types, the stride in elements) is at
// bit offset i * bits, low-order bits of a byte first.
#include "backends/warp_operations.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/matrix_fragments.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <map>

namespace cuport::lower {
namespace {

struct WmmaShape {
  uint32_t m, n, k, code;
};

std::optional<WmmaShape> wmmaShape(const std::string &name) {
  static const std::map<std::string, WmmaShape> kShapes = {
      {"m16n16k16", {16, 16, 16, CUPORT_MMA_M16N16K16}},
      {"m32n8k16", {32, 8, 16, CUPORT_MMA_M32N8K16}},
      {"m8n32k16", {8, 32, 16, CUPORT_MMA_M8N32K16}},
      {"m16n16k8", {16, 16, 8, CUPORT_MMA_M16N16K8}},
      {"m8n8k4", {8, 8, 4, CUPORT_MMA_M8N8K4}},
      {"m8n8k32", {8, 8, 32, CUPORT_MMA_M8N8K32}},
      {"m8n8k128", {8, 8, 128, CUPORT_MMA_M8N8K128}},
  };
  auto found = kShapes.find(name);
  if (found == kShapes.end())
    return std::nullopt;
  return found->second;
}

std::optional<uint32_t> wmmaType(const std::string &name) {
  static const std::map<std::string, uint32_t> kTypes = {
      {"f16", CUPORT_MMA_F16}, {"bf16", CUPORT_MMA_BF16}, {"tf32", CUPORT_MMA_TF32},
      {"f32", CUPORT_MMA_F32}, {"f64", CUPORT_MMA_F64},   {"s8", CUPORT_MMA_S8},
      {"u8", CUPORT_MMA_U8},   {"s32", CUPORT_MMA_S32},   {"s4", CUPORT_MMA_S4},
      {"u4", CUPORT_MMA_U4},   {"b1", CUPORT_MMA_B1},
  };
  auto found = kTypes.find(name);
  if (found == kTypes.end())
    return std::nullopt;
  return found->second;
}

enum class Matrix { A, B, C };

bool isSubByte(const WmmaShape &shape) {
  return shape.code == CUPORT_MMA_M8N8K32 || shape.code == CUPORT_MMA_M8N8K128;
}

// Whether the ISA has `type` for matrix `matrix` of `shape` (sm_70..sm_90).
bool validType(const WmmaShape &shape, Matrix matrix, uint32_t type) {
  bool multiplicand = matrix != Matrix::C;
  switch (shape.code) {
  case CUPORT_MMA_M8N8K32:
    return multiplicand ? type == CUPORT_MMA_S4 || type == CUPORT_MMA_U4 : type == CUPORT_MMA_S32;
  case CUPORT_MMA_M8N8K128:
    return type == (multiplicand ? CUPORT_MMA_B1 : CUPORT_MMA_S32);
  case CUPORT_MMA_M16N16K8:
    return type == (multiplicand ? CUPORT_MMA_TF32 : CUPORT_MMA_F32);
  case CUPORT_MMA_M8N8K4:
    return type == CUPORT_MMA_F64;
  default:
    if (multiplicand)
      return type == CUPORT_MMA_F16 || type == CUPORT_MMA_BF16 || type == CUPORT_MMA_S8 ||
             type == CUPORT_MMA_U8;
    return type == CUPORT_MMA_F16 || type == CUPORT_MMA_F32 || type == CUPORT_MMA_S32;
  }
}

uint32_t elementBits(uint32_t type) {
  switch (type) {
  case CUPORT_MMA_F16:
  case CUPORT_MMA_BF16:
    return 16;
  case CUPORT_MMA_S8:
  case CUPORT_MMA_U8:
    return 8;
  case CUPORT_MMA_S4:
  case CUPORT_MMA_U4:
    return 4;
  case CUPORT_MMA_B1:
    return 1;
  case CUPORT_MMA_F64:
    return 64;
  default:
    return 32;
  }
}

// A matrix operand of a wmma shape: its size, element type and fragment registers.
struct WmmaMatrix {
  uint32_t rows, cols, type;

  uint32_t elements() const { return rows * cols / 32; } // distinct elements per lane
  uint32_t bits() const { return elementBits(type); }
  uint32_t perRegister() const { return bits() == 64 ? 1 : 32 / bits(); }
  // The ISA's register counts: f16 multiplicands always take eight .f16x2 registers.
  uint32_t registers(Matrix matrix) const {
    if (type == CUPORT_MMA_F16 && matrix != Matrix::C)
      return 8;
    return (elements() + perRegister() - 1) / perRegister();
  }
  bool wide() const { return bits() == 64; }
};

WmmaMatrix matrixOf(const WmmaShape &shape, Matrix matrix, uint32_t type) {
  switch (matrix) {
  case Matrix::A:
    return {shape.m, shape.k, type};
  case Matrix::B:
    return {shape.k, shape.n, type};
  default:
    return {shape.m, shape.n, type};
  }
}

// The parts shared by wmma.load and wmma.store: .layout.shape{.ss}.type after `sync.aligned`.
struct WmmaAccess {
  Matrix matrix;
  bool rowMajor;
  WmmaShape shape;
  unsigned space;
  WmmaMatrix layout;
};

std::optional<WmmaAccess> parseAccess(Modifiers &mods, Matrix matrix) {
  if (!mods.take("sync") || !mods.take("aligned"))
    return std::nullopt;
  auto order = mods.takeOneOf({"row", "col"});
  if (!order)
    return std::nullopt;
  std::optional<WmmaShape> shape;
  for (const char *name :
       {"m16n16k16", "m32n8k16", "m8n32k16", "m16n16k8", "m8n8k4", "m8n8k32", "m8n8k128"})
    if (mods.take(name))
      shape = wmmaShape(name);
  if (!shape)
    return std::nullopt;
  unsigned space = kGeneric;
  if (mods.take("global"))
    space = kGlobal;
  else if (mods.takeOneOf({"shared", "shared::cta"}))
    space = kShared;
  auto typeName =
      mods.takeOneOf({"f16", "bf16", "tf32", "f32", "f64", "s8", "u8", "s32", "s4", "u4", "b1"});
  if (!typeName || !mods.allTaken())
    return std::nullopt;
  uint32_t type = *wmmaType(*typeName);
  if (!validType(*shape, matrix, type))
    return std::nullopt;
  bool rowMajor = *order == "row";
  // The sub-byte shapes have A in rows and B in columns only (C and D take either layout).
  if (isSubByte(*shape) && matrix != Matrix::C && rowMajor != (matrix == Matrix::A))
    return std::nullopt;
  return WmmaAccess{matrix, rowMajor, *shape, space, matrixOf(*shape, matrix, type)};
}

// The memory position, in elements from the matrix's base, of element `index` (row-major, 0 ..
// rows * cols - 1), stored with `stride` elements between rows (.row) or columns (.col).
llvm::Value *elementOffset(FunctionLowering &fl, const WmmaAccess &access, llvm::Value *stride,
                           llvm::Value *index) {
  auto &b = fl.builder();
  llvm::Value *row = b.CreateUDiv(index, b.getInt64(access.layout.cols));
  llvm::Value *col = b.CreateURem(index, b.getInt64(access.layout.cols));
  return access.rowMajor ? b.CreateAdd(b.CreateMul(row, stride), col)
                         : b.CreateAdd(b.CreateMul(col, stride), row);
}

// The generic address of a byte-sized (or wider) element at `offset` elements from `base`.
llvm::Value *elementAddress(FunctionLowering &fl, const WmmaAccess &access, llvm::Value *base,
                            llvm::Value *offset) {
  auto &b = fl.builder();
  return b.CreateGEP(b.getInt8Ty(), base,
                     b.CreateMul(offset, b.getInt64(access.layout.bits() / 8)));
}

// Loads the element at `offset` elements from `base` as an integer of its width; a 4-bit or
// 1-bit element is extracted from the byte that holds it (low-order bits first).
llvm::Value *loadElement(FunctionLowering &fl, const WmmaAccess &access, llvm::Value *base,
                         llvm::Value *offset) {
  auto &b = fl.builder();
  uint32_t bits = access.layout.bits();
  if (bits >= 8)
    return b.CreateAlignedLoad(b.getIntNTy(bits), elementAddress(fl, access, base, offset),
                               llvm::Align(bits / 8));
  llvm::Value *bitOffset = b.CreateMul(offset, b.getInt64(bits));
  llvm::Value *byte = b.CreateAlignedLoad(
      b.getInt8Ty(), b.CreateGEP(b.getInt8Ty(), base, b.CreateLShr(bitOffset, 3)), llvm::Align(1));
  llvm::Value *shift = b.CreateTrunc(b.CreateAnd(bitOffset, 7), b.getInt8Ty());
  return b.CreateTrunc(b.CreateLShr(byte, shift), b.getIntNTy(bits));
}

// The matrix's base as a generic pointer, the stride (the operand, or the leading dimension
// when it is absent) and the index of the lane's first element.
struct WmmaAddressing {
  llvm::Value *base, *stride, *first;
};

std::optional<WmmaAddressing> addressing(FunctionLowering &fl, const WmmaAccess &access,
                                         const ptx::Operand &address,
                                         const ptx::Operand *strideOperand) {
  auto &b = fl.builder();
  llvm::Value *base = fl.address(address, access.space);
  if (!base)
    return std::nullopt;
  if (access.space != kGeneric)
    base = b.CreateAddrSpaceCast(base, llvm::PointerType::get(fl.context(), kGeneric));
  llvm::Value *stride = b.getInt64(access.rowMajor ? access.layout.cols : access.layout.rows);
  if (strideOperand) {
    llvm::Value *value = fl.read(*strideOperand, b.getInt32Ty());
    if (!value)
      return std::nullopt;
    stride = b.CreateZExt(value, b.getInt64Ty());
  }
  auto laneId = specialRegister("%laneid", -1);
  llvm::Value *lane =
      b.CreateZExt(b.CreateCall(declareSpecialRegister(fl.module(), *laneId)), b.getInt64Ty());
  return WmmaAddressing{base, stride, b.CreateMul(lane, b.getInt64(access.layout.elements()))};
}

std::string fragmentSizeMessage(const char *name, uint32_t registers) {
  return std::string("'") + name + "' expects a fragment of " + std::to_string(registers) +
         " registers here";
}

// wmma.load.{a,b,c}.sync.aligned.layout.shape{.ss}.type r, [p]{, stride}
bool lowerWmmaLoad(FunctionLowering &fl, const ptx::Instruction &inst, Modifiers &mods) {
  auto which = mods.takeOneOf({"a", "b", "c"});
  if (!which)
    return fl.unsupported(inst);
  Matrix matrix = *which == "a" ? Matrix::A : *which == "b" ? Matrix::B : Matrix::C;
  std::optional<WmmaAccess> access = parseAccess(mods, matrix);
  if (!access)
    return fl.unsupported(inst);
  if (inst.operands.size() != 2 && !fl.expectOperands(inst, 3))
    return false;
  std::vector<ptx::Operand> registers = fragmentRegistersOf(inst.operands[0]);
  const WmmaMatrix &layout = access->layout;
  if (registers.size() != layout.registers(matrix))
    return fl.error(inst.operands[0].loc,
                    fragmentSizeMessage("wmma.load", layout.registers(matrix)));
  std::optional<WmmaAddressing> at = addressing(
      fl, *access, inst.operands[1], inst.operands.size() == 3 ? &inst.operands[2] : nullptr);
  if (!at)
    return false;
  auto &b = fl.builder();
  std::vector<llvm::Value *> elements;
  for (uint32_t e = 0; e < layout.elements(); ++e) {
    llvm::Value *offset =
        elementOffset(fl, *access, at->stride, b.CreateAdd(at->first, b.getInt64(e)));
    elements.push_back(loadElement(fl, *access, at->base, offset));
  }
  llvm::Type *registerType = layout.wide() ? b.getInt64Ty() : b.getInt32Ty();
  bool ok = true;
  for (uint32_t r = 0; r < registers.size(); ++r) {
    llvm::Value *value = llvm::ConstantInt::get(registerType, 0);
    for (uint32_t part = 0; part < layout.perRegister(); ++part) {
      llvm::Value *element = elements[(r * layout.perRegister() + part) % layout.elements()];
      value =
          b.CreateOr(value, b.CreateShl(b.CreateZExt(element, registerType), layout.bits() * part));
    }
    ok &= fl.write(registers[r], value);
  }
  return ok;
}

// wmma.store.d.sync.aligned.layout.shape{.ss}.type [p], r{, stride}
bool lowerWmmaStore(FunctionLowering &fl, const ptx::Instruction &inst, Modifiers &mods) {
  if (!mods.take("d"))
    return fl.unsupported(inst);
  std::optional<WmmaAccess> access = parseAccess(mods, Matrix::C);
  if (!access)
    return fl.unsupported(inst);
  if (inst.operands.size() != 2 && !fl.expectOperands(inst, 3))
    return false;
  std::vector<ptx::Operand> registers = fragmentRegistersOf(inst.operands[1]);
  const WmmaMatrix &layout = access->layout;
  if (registers.size() != layout.registers(Matrix::C))
    return fl.error(inst.operands[1].loc,
                    fragmentSizeMessage("wmma.store", layout.registers(Matrix::C)));
  std::optional<WmmaAddressing> at = addressing(
      fl, *access, inst.operands[0], inst.operands.size() == 3 ? &inst.operands[2] : nullptr);
  if (!at)
    return false;
  auto &b = fl.builder();
  llvm::Type *registerType = layout.wide() ? b.getInt64Ty() : b.getInt32Ty();
  llvm::Type *elementType = b.getIntNTy(layout.bits());
  std::vector<llvm::Value *> values;
  for (const ptx::Operand &reg : registers) {
    values.push_back(fl.read(reg, registerType));
    if (!values.back())
      return false;
  }
  for (uint32_t e = 0; e < layout.elements(); ++e) {
    llvm::Value *value = values[e / layout.perRegister()];
    llvm::Value *element =
        b.CreateTrunc(b.CreateLShr(value, layout.bits() * (e % layout.perRegister())), elementType);
    llvm::Value *offset =
        elementOffset(fl, *access, at->stride, b.CreateAdd(at->first, b.getInt64(e)));
    b.CreateAlignedStore(element, elementAddress(fl, *access, at->base, offset),
                         llvm::Align(layout.bits() / 8));
  }
  return true;
}

// wmma.mma{.op.popc}.sync.aligned.alayout.blayout.shape.dtype.ctype (f16 multiplicands), or
// .shape.dtype.atype.btype.ctype{.satfinite} (s8/u8, s4/u4), .xor.popc / .and.popc (b1), {.rnd}
// (f64, before the types or after them, as ptxas takes it); bf16 and tf32 take f32 C and D. The
// layouts name how A and B were loaded; cuport's fragments do not depend on them.
bool lowerWmmaMma(FunctionLowering &fl, const ptx::Instruction &inst) {
  std::vector<std::string> mods(inst.modifiers.begin() + 1, inst.modifiers.end());
  // The .b1 form's operation: the ISA writes it before .sync; ptxas takes it anywhere.
  std::optional<bool> andPopc;
  for (size_t i = 0; i + 1 < mods.size(); ++i)
    if ((mods[i] == "xor" || mods[i] == "and") && mods[i + 1] == "popc") {
      andPopc = mods[i] == "and";
      mods.erase(mods.begin() + long(i), mods.begin() + long(i) + 2);
      break;
    }
  auto isLayout = [](const std::string &name) { return name == "row" || name == "col"; };
  if (mods.size() < 7 || mods[0] != "sync" || mods[1] != "aligned" || !isLayout(mods[2]) ||
      !isLayout(mods[3]))
    return fl.unsupported(inst);
  bool rowA = mods[2] == "row", rowB = mods[3] == "row";
  std::optional<WmmaShape> shape = wmmaShape(mods[4]);
  std::vector<std::string> rest(mods.begin() + 5, mods.end());
  static const std::map<std::string, uint32_t> kRoundings = {
      {"rn", CUPORT_MMA_RN}, {"rz", CUPORT_MMA_RZ}, {"rm", CUPORT_MMA_RM}, {"rp", CUPORT_MMA_RP}};
  std::optional<uint32_t> rounding;
  bool satfinite = false;
  if (auto found = kRoundings.find(rest.front()); found != kRoundings.end()) {
    rounding = found->second;
    rest.erase(rest.begin());
  }
  if (auto found = kRoundings.find(rest.back()); !rounding && found != kRoundings.end()) {
    rounding = found->second;
    rest.pop_back();
  } else if (rest.back() == "satfinite") {
    satfinite = true;
    rest.pop_back();
  }
  std::vector<uint32_t> types;
  for (const std::string &name : rest) {
    std::optional<uint32_t> type = wmmaType(name);
    if (!type)
      return fl.unsupported(inst);
    types.push_back(*type);
  }
  if (!shape || (types.size() != 2 && types.size() != 4))
    return fl.unsupported(inst);
  uint32_t d = types[0], c = types.back();
  uint32_t a = types.size() == 2 ? uint32_t(CUPORT_MMA_F16) : types[1];
  uint32_t b = types.size() == 2 ? uint32_t(CUPORT_MMA_F16) : types[2];
  bool bytes = a == CUPORT_MMA_S8 || a == CUPORT_MMA_U8;
  bool nibbles = a == CUPORT_MMA_S4 || a == CUPORT_MMA_U4;
  bool s32 = c == CUPORT_MMA_S32 && d == CUPORT_MMA_S32;
  bool valid = false;
  if (types.size() == 2)
    valid = (d == CUPORT_MMA_F16 || d == CUPORT_MMA_F32) &&
            (c == CUPORT_MMA_F16 || c == CUPORT_MMA_F32);
  else if (bytes || nibbles || a == CUPORT_MMA_B1) // one type: ptxas refuses s8 with u8 (s4, u4)
    valid = b == a && s32;
  else if (a == CUPORT_MMA_F64)
    valid = b == a && c == a && d == a;
  else if (a == CUPORT_MMA_BF16 || a == CUPORT_MMA_TF32)
    valid = b == a && c == CUPORT_MMA_F32 && d == CUPORT_MMA_F32;
  valid = valid && validType(*shape, Matrix::A, a) && validType(*shape, Matrix::B, b) &&
          validType(*shape, Matrix::C, c) && validType(*shape, Matrix::C, d);
  // The sub-byte shapes multiply a row-major A by a column-major B only; .b1 needs its operation
  // and nothing else has one; .satfinite is the integer forms' only, a rounding the f64 form's.
  if (isSubByte(*shape) && (!rowA || rowB))
    valid = false;
  if (!valid || andPopc.has_value() != (a == CUPORT_MMA_B1) || (satfinite && !bytes && !nibbles) ||
      (rounding && a != CUPORT_MMA_F64))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  uint32_t variant = shape->code | a << 4 | b << 8 | c << 12 | d << 16 | CUPORT_MMA_WMMA |
                     (satfinite ? CUPORT_MMA_SATFINITE : 0) |
                     (andPopc.value_or(false) ? CUPORT_MMA_AND_POPC : 0) |
                     rounding.value_or(CUPORT_MMA_RN) << CUPORT_MMA_ROUNDING_SHIFT;
  auto fragment = [&](size_t operand, Matrix matrix, uint32_t type, uint32_t slot) {
    WmmaMatrix layout = matrixOf(*shape, matrix, type);
    return MmaFragment{inst.operands[operand], layout.registers(matrix), slot, layout.wide()};
  };
  return emitMmaSync(fl, "wmma.mma", variant, fragment(0, Matrix::C, d, CUPORT_MMA_SLOT_D),
                     fragment(1, Matrix::A, a, CUPORT_MMA_SLOT_A),
                     fragment(2, Matrix::B, b, CUPORT_MMA_SLOT_B),
                     fragment(3, Matrix::C, c, CUPORT_MMA_SLOT_C));
}

} // namespace

LoweringResult lowerWmmaInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode != "wmma")
    return std::nullopt;
  if (!inst.modifiers.empty() && inst.modifiers[0] == "mma")
    return lowerWmmaMma(fl, inst);
  Modifiers mods(inst.modifiers);
  if (mods.take("load"))
    return lowerWmmaLoad(fl, inst, mods);
  if (mods.take("store"))
    return lowerWmmaStore(fl, inst, mods);
  return fl.unsupported(inst);
}

} // namespace cuport::lower
