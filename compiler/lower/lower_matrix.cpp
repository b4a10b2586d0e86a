// Warp-level matrix instructions (docs/kernel-ir.md): ldmatrix -> cuport.ldmatrix.sync,
// stmatrix -> cuport.stmatrix.sync, movmatrix -> cuport.movmatrix.sync, mma.sync.aligned and
// mma.sp{::ordered_metadata}.sync.aligned -> cuport.mma.sync. For mma each lane stores its A, B
// and C registers (and mma.sp's metadata) into a fragment buffer in its frame, the backend
// computes D over the warp's fragments and writes the lane's D registers back into the buffer.
// Forms not listed here (ldmatrix's and stmatrix's b8 forms, the sm_100+ / sm_120a mma forms) are
// rejected; wmma is lower_wmma.cpp's.
#include "backends/warp_operations.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/matrix_fragments.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <algorithm>
#include <map>

namespace cuport::lower {
namespace {

struct MmaShape {
  const char *name;
  uint32_t code, m, n, k;
};

constexpr MmaShape kMmaShapes[] = {
    {"m16n8k16", CUPORT_MMA_M16N8K16, 16, 8, 16},
    {"m16n8k8", CUPORT_MMA_M16N8K8, 16, 8, 8},
    {"m8n8k4", CUPORT_MMA_M8N8K4, 8, 8, 4},
    {"m16n8k32", CUPORT_MMA_M16N8K32, 16, 8, 32},
    {"m16n8k4", CUPORT_MMA_M16N8K4, 16, 8, 4},
    {"m8n8k16", CUPORT_MMA_M8N8K16, 8, 8, 16},
    {"m8n8k32", CUPORT_MMA_M8N8K32, 8, 8, 32},
    {"m16n8k64", CUPORT_MMA_M16N8K64, 16, 8, 64},
    {"m8n8k128", CUPORT_MMA_M8N8K128, 8, 8, 128},
    {"m16n8k128", CUPORT_MMA_M16N8K128, 16, 8, 128},
    {"m16n8k256", CUPORT_MMA_M16N8K256, 16, 8, 256},
};

struct MmaForm {
  MmaShape shape;
  uint32_t a, b, c, d;
  bool satfinite, andPopc;
  bool aColumnMajor, bRowMajor; // m8n8k4 .f16: .col A, .row B (every other form is .row.col)
  bool sparse, orderedMetadata; // mma.sp, mma.sp::ordered_metadata
};

std::optional<uint32_t> mmaType(const std::string &name) {
  static const std::map<std::string, uint32_t> kTypes = {
      {"f16", CUPORT_MMA_F16},   {"bf16", CUPORT_MMA_BF16}, {"tf32", CUPORT_MMA_TF32},
      {"f32", CUPORT_MMA_F32},   {"f64", CUPORT_MMA_F64},   {"s8", CUPORT_MMA_S8},
      {"u8", CUPORT_MMA_U8},     {"s32", CUPORT_MMA_S32},   {"e4m3", CUPORT_MMA_E4M3},
      {"e5m2", CUPORT_MMA_E5M2}, {"s4", CUPORT_MMA_S4},     {"u4", CUPORT_MMA_U4},
      {"b1", CUPORT_MMA_B1},
  };
  auto found = kTypes.find(name);
  if (found == kTypes.end())
    return std::nullopt;
  return found->second;
}

bool isOneOf(uint32_t type, std::initializer_list<uint32_t> types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

// Whether the ISA defines mma.sync for these shape and types (sm_75..sm_90). The ISA lists .f16
// and .f32 for C and D alike, but ptxas takes C and D of one type, and for m8n8k4 .f16 also an
// .f32 D from an .f16 C.
bool validMmaForm(const MmaForm &form) {
  auto shapeIs = [&](std::initializer_list<uint32_t> shapes) {
    return isOneOf(form.shape.code, shapes);
  };
  bool quadPairs = form.shape.code == CUPORT_MMA_M8N8K4 && form.a == CUPORT_MMA_F16;
  bool floatAccumulators =
      isOneOf(form.c, {CUPORT_MMA_F16, CUPORT_MMA_F32}) &&
      (form.d == form.c || (quadPairs && form.d == CUPORT_MMA_F32 && form.c == CUPORT_MMA_F16));
  bool f32Accumulators = form.c == CUPORT_MMA_F32 && form.d == CUPORT_MMA_F32;
  bool s32Accumulators = form.c == CUPORT_MMA_S32 && form.d == CUPORT_MMA_S32;
  auto both = [&](std::initializer_list<uint32_t> types) {
    return isOneOf(form.a, types) && isOneOf(form.b, types);
  };
  if (form.a == CUPORT_MMA_F16 && form.b == CUPORT_MMA_F16)
    return shapeIs({CUPORT_MMA_M16N8K16, CUPORT_MMA_M16N8K8, CUPORT_MMA_M8N8K4}) &&
           floatAccumulators;
  if (form.a == CUPORT_MMA_BF16 && form.b == CUPORT_MMA_BF16)
    return shapeIs({CUPORT_MMA_M16N8K16, CUPORT_MMA_M16N8K8}) && f32Accumulators;
  if (form.a == CUPORT_MMA_TF32 && form.b == CUPORT_MMA_TF32)
    return shapeIs({CUPORT_MMA_M16N8K8, CUPORT_MMA_M16N8K4}) && f32Accumulators;
  if (form.a == CUPORT_MMA_F64 && form.b == CUPORT_MMA_F64)
    return shapeIs(
               {CUPORT_MMA_M8N8K4, CUPORT_MMA_M16N8K4, CUPORT_MMA_M16N8K8, CUPORT_MMA_M16N8K16}) &&
           form.c == CUPORT_MMA_F64 && form.d == CUPORT_MMA_F64;
  if (both({CUPORT_MMA_E4M3, CUPORT_MMA_E5M2}))
    return shapeIs({CUPORT_MMA_M16N8K32, CUPORT_MMA_M16N8K16}) && floatAccumulators;
  if (both({CUPORT_MMA_S8, CUPORT_MMA_U8}))
    return shapeIs({CUPORT_MMA_M8N8K16, CUPORT_MMA_M16N8K16, CUPORT_MMA_M16N8K32}) &&
           s32Accumulators;
  if (both({CUPORT_MMA_S4, CUPORT_MMA_U4}))
    return shapeIs({CUPORT_MMA_M8N8K32, CUPORT_MMA_M16N8K32, CUPORT_MMA_M16N8K64}) &&
           s32Accumulators;
  if (both({CUPORT_MMA_B1}))
    return shapeIs({CUPORT_MMA_M8N8K128, CUPORT_MMA_M16N8K128, CUPORT_MMA_M16N8K256}) &&
           s32Accumulators;
  return false;
}

// Whether the ISA defines mma.sp{::ordered_metadata} for these shape and types (sm_80; .e4m3 /
// .e5m2 sm_89). ptxas takes only C and D of the same type.
bool validSparseForm(const MmaForm &form) {
  auto shapeIs = [&](std::initializer_list<uint32_t> shapes) {
    return isOneOf(form.shape.code, shapes);
  };
  bool f32Accumulators = form.c == CUPORT_MMA_F32 && form.d == CUPORT_MMA_F32;
  bool s32Accumulators = form.c == CUPORT_MMA_S32 && form.d == CUPORT_MMA_S32;
  auto both = [&](std::initializer_list<uint32_t> types) {
    return isOneOf(form.a, types) && isOneOf(form.b, types);
  };
  if (form.a == CUPORT_MMA_F16 && form.b == CUPORT_MMA_F16)
    return shapeIs({CUPORT_MMA_M16N8K16, CUPORT_MMA_M16N8K32}) && form.c == form.d &&
           isOneOf(form.d, {CUPORT_MMA_F16, CUPORT_MMA_F32});
  if (form.a == CUPORT_MMA_BF16 && form.b == CUPORT_MMA_BF16)
    return shapeIs({CUPORT_MMA_M16N8K16, CUPORT_MMA_M16N8K32}) && f32Accumulators;
  if (form.a == CUPORT_MMA_TF32 && form.b == CUPORT_MMA_TF32)
    return shapeIs({CUPORT_MMA_M16N8K8, CUPORT_MMA_M16N8K16}) && f32Accumulators;
  if (both({CUPORT_MMA_E4M3, CUPORT_MMA_E5M2}))
    return shapeIs({CUPORT_MMA_M16N8K64}) && f32Accumulators;
  if (both({CUPORT_MMA_S8, CUPORT_MMA_U8}))
    return shapeIs({CUPORT_MMA_M16N8K32, CUPORT_MMA_M16N8K64}) && s32Accumulators;
  if (both({CUPORT_MMA_S4, CUPORT_MMA_U4}))
    return shapeIs({CUPORT_MMA_M16N8K64, CUPORT_MMA_M16N8K128}) && s32Accumulators;
  return false;
}

// mma{.sp{::ordered_metadata}}.sync.aligned.shape.alayout.blayout{.satfinite}.dtype.atype.btype
// .ctype{.bitOp.popc}, in that order; the layouts are .row.col but for m8n8k4 .f16, which takes
// either of each; .satfinite on the s8/u8/s4/u4 forms, .xor.popc or .and.popc on (and only on)
// .b1.
std::optional<MmaForm> parseMmaForm(const std::vector<std::string> &mods) {
  size_t next = 0;
  auto take = [&](const char *name) {
    if (next < mods.size() && mods[next] == name) {
      ++next;
      return true;
    }
    return false;
  };
  MmaForm form{};
  form.orderedMetadata = take("sp::ordered_metadata");
  form.sparse = form.orderedMetadata || take("sp");
  if (!take("sync") || !take("aligned") || next >= mods.size())
    return std::nullopt;
  const std::string &shape = mods[next++];
  auto found = std::find_if(std::begin(kMmaShapes), std::end(kMmaShapes),
                            [&](const MmaShape &known) { return shape == known.name; });
  if (found == std::end(kMmaShapes))
    return std::nullopt;
  form.shape = *found;
  form.aColumnMajor = take("col");
  if (!form.aColumnMajor && !take("row"))
    return std::nullopt;
  form.bRowMajor = take("row");
  if (!form.bRowMajor && !take("col"))
    return std::nullopt;
  form.satfinite = take("satfinite");
  if (mods.size() < next + 4)
    return std::nullopt;
  auto d = mmaType(mods[next]), a = mmaType(mods[next + 1]), b = mmaType(mods[next + 2]),
       c = mmaType(mods[next + 3]);
  if (!d || !a || !b || !c)
    return std::nullopt;
  form.d = *d, form.a = *a, form.b = *b, form.c = *c;
  next += 4;
  bool bitOp = false;
  if (take("and"))
    bitOp = form.andPopc = true;
  else
    bitOp = take("xor");
  if (bitOp && !take("popc"))
    return std::nullopt;
  bool valid = form.sparse ? validSparseForm(form) : validMmaForm(form);
  if (next != mods.size() || !valid || bitOp != (form.a == CUPORT_MMA_B1))
    return std::nullopt;
  bool quadPairs = form.shape.code == CUPORT_MMA_M8N8K4 && form.a == CUPORT_MMA_F16;
  if ((form.aColumnMajor || form.bRowMajor) && !quadPairs)
    return std::nullopt;
  if (form.satfinite &&
      !isOneOf(form.a, {CUPORT_MMA_S8, CUPORT_MMA_U8, CUPORT_MMA_S4, CUPORT_MMA_U4}))
    return std::nullopt;
  return form;
}

uint32_t elementBits(uint32_t type) {
  switch (type) {
  case CUPORT_MMA_F16:
  case CUPORT_MMA_BF16:
    return 16;
  case CUPORT_MMA_S8:
  case CUPORT_MMA_U8:
  case CUPORT_MMA_E4M3:
  case CUPORT_MMA_E5M2:
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

// How many registers a lane's fragment of a rows x cols matrix of `type` takes, the matrix spread
// over `lanes` lanes (8 for m8n8k4 .f16's quad pairs, else the warp).
size_t fragmentRegisters(uint32_t rows, uint32_t cols, uint32_t type, uint32_t lanes = 32) {
  uint32_t elements = rows * cols / lanes;
  uint32_t bits = elementBits(type);
  return bits == 64 ? elements : elements * bits / 32;
}

// mma.sp: how many lanes of each group of four hold the group's metadata, one 4-bit field per
// chunk of A's rows groupID and groupID + 8 (chunks of 4 elements, 2 for .tf32, 8 for .s4/.u4).
uint32_t metadataLanes(const MmaForm &form) {
  uint32_t chunk = form.a == CUPORT_MMA_TF32                         ? 2
                   : isOneOf(form.a, {CUPORT_MMA_S4, CUPORT_MMA_U4}) ? 8
                                                                     : 4;
  return 2 * (form.shape.k / chunk) * 4 / 32;
}

} // namespace

std::vector<ptx::Operand> fragmentRegistersOf(const ptx::Operand &operand) {
  if (operand.kind == ptx::Operand::Kind::Vector)
    return operand.elements;
  return {operand};
}

bool emitMmaSync(FunctionLowering &fl, const std::string &name, uint32_t variant,
                 const MmaFragment &d, const MmaFragment &a, const MmaFragment &b,
                 const MmaFragment &c, const ptx::Operand *metadata) {
  for (const MmaFragment *fragment : {&d, &a, &b, &c})
    if (fragmentRegistersOf(fragment->operand).size() != fragment->registers)
      return fl.error(fragment->operand.loc, "'" + name + "' expects a fragment of " +
                                                 std::to_string(fragment->registers) +
                                                 " registers here");
  auto &builder = fl.builder();
  llvm::Type *slotType = builder.getInt64Ty();
  llvm::AllocaInst *buffer =
      fl.createEntryAlloca(llvm::ArrayType::get(slotType, CUPORT_MMA_SLOTS), 8, "mma.fragments");
  auto slotAt = [&](uint32_t slot) {
    return builder.CreateConstInBoundsGEP2_32(buffer->getAllocatedType(), buffer, 0, slot);
  };
  for (const MmaFragment *fragment : {&a, &b, &c}) {
    llvm::Type *registerType = fragment->wide ? builder.getInt64Ty() : builder.getInt32Ty();
    std::vector<ptx::Operand> registers = fragmentRegistersOf(fragment->operand);
    for (size_t i = 0; i < registers.size(); ++i) {
      llvm::Value *value = fl.read(registers[i], registerType);
      if (!value)
        return false;
      builder.CreateStore(builder.CreateZExt(value, slotType),
                          slotAt(unsigned(fragment->slot + i)));
    }
  }
  if (metadata) {
    llvm::Value *value = fl.read(*metadata, builder.getInt32Ty());
    if (!value)
      return false;
    builder.CreateStore(builder.CreateZExt(value, slotType), slotAt(CUPORT_MMA_SLOT_E));
  }
  builder.CreateCall(declareMmaSync(fl.module()),
                     {builder.getInt32(variant), buffer, builder.getInt32(-1)});
  llvm::Type *dType = d.wide ? builder.getInt64Ty() : builder.getInt32Ty();
  std::vector<ptx::Operand> results = fragmentRegistersOf(d.operand);
  bool ok = true;
  for (size_t i = 0; i < results.size(); ++i) {
    llvm::Value *slot = builder.CreateLoad(slotType, slotAt(unsigned(d.slot + i)));
    ok &= fl.write(results[i], builder.CreateTrunc(slot, dType));
  }
  return ok;
}

namespace {

bool lowerMma(FunctionLowering &fl, const ptx::Instruction &inst) {
  std::optional<MmaForm> form = parseMmaForm(inst.modifiers);
  if (!form)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, form->sparse ? 6 : 4))
    return false;
  uint32_t m = form->shape.m, n = form->shape.n, k = form->shape.k;
  uint32_t variant = form->shape.code | form->a << 4 | form->b << 8 | form->c << 12 |
                     form->d << 16 | (form->satfinite ? CUPORT_MMA_SATFINITE : 0) |
                     (form->andPopc ? CUPORT_MMA_AND_POPC : 0) |
                     (form->aColumnMajor ? CUPORT_MMA_A_COLUMN_MAJOR : 0) |
                     (form->bRowMajor ? CUPORT_MMA_B_ROW_MAJOR : 0);
  // m8n8k4 .f16 spreads each of its four products over a quad pair (eight lanes).
  uint32_t lanes = form->shape.code == CUPORT_MMA_M8N8K4 && form->a == CUPORT_MMA_F16 ? 8 : 32;
  // mma.sp's A operand holds the non-zero half of each row.
  uint32_t storedK = form->sparse ? k / 2 : k;
  const ptx::Operand *metadata = nullptr;
  if (form->sparse) {
    metadata = &inst.operands[4];
    if (metadata->kind != ptx::Operand::Kind::Register)
      return fl.error(metadata->loc, "'mma.sp' expects the metadata in a register");
    // The sparsity selector picks which of each group's four lanes hold its metadata: any one
    // lane, one of the two pairs, or (with four metadata lanes) all four.
    const ptx::Operand &selector = inst.operands[5];
    uint32_t selectors = 4 / metadataLanes(*form);
    if (selector.kind != ptx::Operand::Kind::IntImm || selector.intValue >= selectors)
      return fl.error(selector.loc, "'mma.sp' expects a sparsity selector constant below " +
                                        std::to_string(selectors) + " for this shape");
    variant |= CUPORT_MMA_SPARSE | (form->orderedMetadata ? CUPORT_MMA_ORDERED_METADATA : 0) |
               uint32_t(selector.intValue) << CUPORT_MMA_SELECTOR_SHIFT;
  }
  auto fragment = [&](size_t operand, uint32_t rows, uint32_t cols, uint32_t type, uint32_t slot) {
    return MmaFragment{inst.operands[operand], fragmentRegisters(rows, cols, type, lanes), slot,
                       type == CUPORT_MMA_F64};
  };
  return emitMmaSync(fl, form->sparse ? "mma.sp" : "mma", variant,
                     fragment(0, m, n, form->d, CUPORT_MMA_SLOT_D),
                     fragment(1, m, storedK, form->a, CUPORT_MMA_SLOT_A),
                     fragment(2, k, n, form->b, CUPORT_MMA_SLOT_B),
                     fragment(3, m, n, form->c, CUPORT_MMA_SLOT_C), metadata);
}

// What ldmatrix and stmatrix (.sync.aligned.m8n8.{x1,x2,x4}{.trans}{.shared{::cta}}.b16) share:
// the fragment registers, one per matrix, the cuport.ldmatrix / stmatrix variant and the generic
// address of the rows.
struct MatrixAccess {
  std::vector<ptx::Operand> registers;
  uint32_t variant;
  llvm::Value *address;
};

// Parses `inst` (rows address in operand `addressOperand`, fragment in `registerOperand`; `role`
// names the registers in diagnostics); nullopt after a diagnostic.
std::optional<MatrixAccess> parseMatrixAccess(FunctionLowering &fl, const ptx::Instruction &inst,
                                              size_t addressOperand, size_t registerOperand,
                                              const char *role) {
  Modifiers mods(inst.modifiers);
  auto count = mods.take("sync") && mods.take("aligned") && mods.take("m8n8")
                   ? mods.takeOneOf({"x1", "x2", "x4"})
                   : std::nullopt;
  bool transpose = mods.take("trans");
  bool shared = mods.takeOneOf({"shared", "shared::cta"}).has_value();
  if (!count || !mods.take("b16") || !mods.allTaken()) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  if (!fl.expectOperands(inst, 2))
    return std::nullopt;
  uint32_t matrices = uint32_t((*count)[1] - '0');
  // A vector of registers, one element for .x1 too (ptxas refuses a bare register).
  const ptx::Operand &fragment = inst.operands[registerOperand];
  MatrixAccess access{fragmentRegistersOf(fragment),
                      matrices | (transpose ? CUPORT_LDMATRIX_TRANS : 0), nullptr};
  if (fragment.kind != ptx::Operand::Kind::Vector || access.registers.size() != matrices) {
    fl.error(fragment.loc, "'" + inst.opcode + "' expects a vector of " + std::to_string(matrices) +
                               " " + role + " registers here");
    return std::nullopt;
  }
  access.address = fl.address(inst.operands[addressOperand], shared ? kShared : kGeneric);
  if (!access.address)
    return std::nullopt;
  if (shared)
    access.address = fl.builder().CreateAddrSpaceCast(
        access.address, llvm::PointerType::get(fl.context(), kGeneric));
  return access;
}

// ldmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}{.shared{::cta}}.b16 d, [a]
bool lowerLdmatrix(FunctionLowering &fl, const ptx::Instruction &inst) {
  std::optional<MatrixAccess> access = parseMatrixAccess(fl, inst, 1, 0, "destination");
  if (!access)
    return false;
  auto &b = fl.builder();
  llvm::Value *loaded =
      b.CreateCall(declareLdmatrixSync(fl.module()),
                   {b.getInt32(access->variant), access->address, b.getInt32(-1)});
  bool ok = true;
  for (uint32_t i = 0; i < access->registers.size(); ++i) {
    llvm::Value *pair = b.CreateExtractValue(loaded, {i / 2});
    ok &= fl.write(access->registers[i],
                   b.CreateTrunc(b.CreateLShr(pair, 32 * (i % 2)), b.getInt32Ty()));
  }
  return ok;
}

// stmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}{.shared{::cta}}.b16 [a], r (sm_90)
bool lowerStmatrix(FunctionLowering &fl, const ptx::Instruction &inst) {
  std::optional<MatrixAccess> access = parseMatrixAccess(fl, inst, 0, 1, "source");
  if (!access)
    return false;
  auto &b = fl.builder();
  llvm::Value *pairs[2] = {b.getInt64(0), b.getInt64(0)};
  for (uint32_t i = 0; i < access->registers.size(); ++i) {
    llvm::Value *value = fl.read(access->registers[i], b.getInt32Ty());
    if (!value)
      return false;
    pairs[i / 2] =
        b.CreateOr(pairs[i / 2], b.CreateShl(b.CreateZExt(value, b.getInt64Ty()), 32 * (i % 2)));
  }
  b.CreateCall(declareStmatrixSync(fl.module()),
               {b.getInt32(access->variant), access->address, pairs[0], pairs[1], b.getInt32(-1)});
  return true;
}

// movmatrix.sync.aligned.m8n8.trans.b16 d, a
bool lowerMovmatrix(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.take("sync") || !mods.take("aligned") || !mods.take("m8n8") || !mods.take("trans") ||
      !mods.take("b16") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  llvm::Value *fragment = fl.read(inst.operands[1], b.getInt32Ty());
  if (!fragment)
    return false;
  return fl.write(inst.operands[0],
                  b.CreateCall(declareMovmatrixSync(fl.module()), {fragment, b.getInt32(-1)}));
}

} // namespace

LoweringResult lowerMatrixInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "mma")
    return lowerMma(fl, inst);
  if (inst.opcode == "ldmatrix")
    return lowerLdmatrix(fl, inst);
  if (inst.opcode == "movmatrix")
    return lowerMovmatrix(fl, inst);
  if (inst.opcode == "stmatrix")
    return lowerStmatrix(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
