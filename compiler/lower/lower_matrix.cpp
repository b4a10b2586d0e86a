// Warp-level matrix instructions (docs/kernel-ir.md): ldmatrix -> cuport.ldmatrix.sync, movmatrix
// -> cuport.movmatrix.sync, mma.sync.aligned (sm_80 shapes) -> cuport.mma.sync. For mma each
// lane stores its A, B and C registers into a fragment buffer in its frame, the backend computes D
// over the warp's fragments and writes the lane's D registers back into the buffer. Forms not
// listed here (m8n8k4 with f16, sparse mma.sp, sub-byte and fp8 types, m16n8k4 tf32 and the sm_90
// f64 shapes; ldmatrix's m16n16 / b8 forms, stmatrix, wmma) are rejected.
#include "backends/warp_operations.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <map>

namespace cuport::lower {
namespace {

struct MmaForm {
  uint32_t shape, a, b, c, d;
  bool satfinite;
};

std::optional<uint32_t> mmaType(const std::string &name) {
  static const std::map<std::string, uint32_t> kTypes = {
      {"f16", CUPORT_MMA_F16}, {"bf16", CUPORT_MMA_BF16}, {"tf32", CUPORT_MMA_TF32},
      {"f32", CUPORT_MMA_F32}, {"f64", CUPORT_MMA_F64},   {"s8", CUPORT_MMA_S8},
      {"u8", CUPORT_MMA_U8},   {"s32", CUPORT_MMA_S32},
  };
  auto found = kTypes.find(name);
  if (found == kTypes.end())
    return std::nullopt;
  return found->second;
}

// mma.sync.aligned.shape.row.col{.satfinite}.dtype.atype.btype.ctype, in that order.
std::optional<MmaForm> parseMmaForm(const std::vector<std::string> &mods) {
  size_t next = 0;
  auto take = [&](const char *name) {
    if (next < mods.size() && mods[next] == name) {
      ++next;
      return true;
    }
    return false;
  };
  if (!take("sync") || !take("aligned") || next >= mods.size())
    return std::nullopt;
  MmaForm form{};
  const std::string &shape = mods[next++];
  if (shape == "m16n8k16")
    form.shape = CUPORT_MMA_M16N8K16;
  else if (shape == "m16n8k8")
    form.shape = CUPORT_MMA_M16N8K8;
  else if (shape == "m8n8k4")
    form.shape = CUPORT_MMA_M8N8K4;
  else if (shape == "m16n8k32")
    form.shape = CUPORT_MMA_M16N8K32;
  else
    return std::nullopt;
  if (!take("row") || !take("col"))
    return std::nullopt;
  form.satfinite = take("satfinite");
  if (mods.size() != next + 4)
    return std::nullopt;
  auto d = mmaType(mods[next]), a = mmaType(mods[next + 1]), b = mmaType(mods[next + 2]),
       c = mmaType(mods[next + 3]);
  if (!d || !a || !b || !c)
    return std::nullopt;
  form.d = *d, form.a = *a, form.b = *b, form.c = *c;
  bool halfAccumulators = (form.d == CUPORT_MMA_F16 || form.d == CUPORT_MMA_F32) &&
                          (form.c == CUPORT_MMA_F16 || form.c == CUPORT_MMA_F32);
  bool bytes = (form.a == CUPORT_MMA_S8 || form.a == CUPORT_MMA_U8) &&
               (form.b == CUPORT_MMA_S8 || form.b == CUPORT_MMA_U8);
  bool valid = false;
  switch (form.shape) {
  case CUPORT_MMA_M16N8K16:
  case CUPORT_MMA_M16N8K8:
    if (form.a == CUPORT_MMA_F16 && form.b == CUPORT_MMA_F16)
      valid = halfAccumulators;
    else if (form.a == CUPORT_MMA_BF16 || form.a == CUPORT_MMA_TF32)
      valid = form.b == form.a && form.c == CUPORT_MMA_F32 && form.d == CUPORT_MMA_F32 &&
              (form.a == CUPORT_MMA_BF16 || form.shape == CUPORT_MMA_M16N8K8);
    else
      valid = bytes && form.shape == CUPORT_MMA_M16N8K16 && form.c == CUPORT_MMA_S32 &&
              form.d == CUPORT_MMA_S32;
    break;
  case CUPORT_MMA_M8N8K4:
    valid = form.a == CUPORT_MMA_F64 && form.b == CUPORT_MMA_F64 && form.c == CUPORT_MMA_F64 &&
            form.d == CUPORT_MMA_F64;
    break;
  default: // m16n8k32
    valid = bytes && form.c == CUPORT_MMA_S32 && form.d == CUPORT_MMA_S32;
    break;
  }
  if (!valid || (form.satfinite && !bytes))
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
    return 8;
  case CUPORT_MMA_F64:
    return 64;
  default:
    return 32;
  }
}

// How many registers a lane's fragment of a rows x cols matrix of `type` takes.
size_t fragmentRegisters(uint32_t rows, uint32_t cols, uint32_t type) {
  uint32_t elements = rows * cols / 32;
  uint32_t bits = elementBits(type);
  return bits == 64 ? elements : elements * bits / 32;
}

// The registers of a fragment operand: `{a, b, ...}` or, for one register, the register itself.
std::vector<ptx::Operand> fragmentRegistersOf(const ptx::Operand &operand) {
  if (operand.kind == ptx::Operand::Kind::Vector)
    return operand.elements;
  return {operand};
}

bool lowerMma(FunctionLowering &fl, const ptx::Instruction &inst) {
  std::optional<MmaForm> form = parseMmaForm(inst.modifiers);
  if (!form)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  uint32_t m = form->shape == CUPORT_MMA_M8N8K4 ? 8 : 16, n = 8;
  uint32_t k = form->shape == CUPORT_MMA_M16N8K16  ? 16
               : form->shape == CUPORT_MMA_M16N8K8 ? 8
               : form->shape == CUPORT_MMA_M8N8K4  ? 4
                                                   : 32;
  struct Fragment {
    const ptx::Operand &operand;
    size_t registers;
    uint32_t slot;
    uint32_t type;
  };
  const Fragment fragments[] = {
      {inst.operands[0], fragmentRegisters(m, n, form->d), CUPORT_MMA_SLOT_D, form->d},
      {inst.operands[1], fragmentRegisters(m, k, form->a), CUPORT_MMA_SLOT_A, form->a},
      {inst.operands[2], fragmentRegisters(k, n, form->b), CUPORT_MMA_SLOT_B, form->b},
      {inst.operands[3], fragmentRegisters(m, n, form->c), CUPORT_MMA_SLOT_C, form->c},
  };
  for (const Fragment &fragment : fragments)
    if (fragmentRegistersOf(fragment.operand).size() != fragment.registers)
      return fl.error(fragment.operand.loc, "'mma' expects a fragment of " +
                                                std::to_string(fragment.registers) +
                                                " registers here");
  auto &b = fl.builder();
  llvm::Type *slotType = b.getInt64Ty();
  llvm::AllocaInst *buffer =
      fl.createEntryAlloca(llvm::ArrayType::get(slotType, CUPORT_MMA_SLOTS), 8, "mma.fragments");
  for (const Fragment &fragment : fragments) {
    if (fragment.slot == CUPORT_MMA_SLOT_D)
      continue;
    llvm::Type *registerType = fragment.type == CUPORT_MMA_F64 ? b.getInt64Ty() : b.getInt32Ty();
    std::vector<ptx::Operand> registers = fragmentRegistersOf(fragment.operand);
    for (size_t i = 0; i < registers.size(); ++i) {
      llvm::Value *value = fl.read(registers[i], registerType);
      if (!value)
        return false;
      b.CreateStore(b.CreateZExt(value, slotType),
                    b.CreateConstInBoundsGEP2_32(buffer->getAllocatedType(), buffer, 0,
                                                 unsigned(fragment.slot + i)));
    }
  }
  uint32_t variant = form->shape | form->a << 4 | form->b << 8 | form->c << 12 | form->d << 16 |
                     (form->satfinite ? CUPORT_MMA_SATFINITE : 0);
  b.CreateCall(declareMmaSync(fl.module()), {b.getInt32(variant), buffer, b.getInt32(-1)});
  llvm::Type *dType = form->d == CUPORT_MMA_F64 ? b.getInt64Ty() : b.getInt32Ty();
  std::vector<ptx::Operand> results = fragmentRegistersOf(inst.operands[0]);
  bool ok = true;
  for (size_t i = 0; i < results.size(); ++i) {
    llvm::Value *slot =
        b.CreateLoad(slotType, b.CreateConstInBoundsGEP2_32(buffer->getAllocatedType(), buffer, 0,
                                                            unsigned(CUPORT_MMA_SLOT_D + i)));
    ok &= fl.write(results[i], b.CreateTrunc(slot, dType));
  }
  return ok;
}

// ldmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}{.shared{::cta}}.b16 d, [a]
bool lowerLdmatrix(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.take("sync") || !mods.take("aligned") || !mods.take("m8n8"))
    return fl.unsupported(inst);
  auto count = mods.takeOneOf({"x1", "x2", "x4"});
  bool transpose = mods.take("trans");
  bool shared = mods.takeOneOf({"shared", "shared::cta"}).has_value();
  if (!count || !mods.take("b16") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  uint32_t matrices = uint32_t((*count)[1] - '0');
  std::vector<ptx::Operand> results = fragmentRegistersOf(inst.operands[0]);
  if (results.size() != matrices)
    return fl.error(inst.operands[0].loc, "'ldmatrix' expects " + std::to_string(matrices) +
                                              " destination registers here");
  auto &b = fl.builder();
  llvm::Value *address = fl.address(inst.operands[1], shared ? kShared : kGeneric);
  if (!address)
    return false;
  if (shared)
    address = b.CreateAddrSpaceCast(address, llvm::PointerType::get(fl.context(), kGeneric));
  uint32_t variant = matrices | (transpose ? CUPORT_LDMATRIX_TRANS : 0);
  llvm::Value *loaded = b.CreateCall(declareLdmatrixSync(fl.module()),
                                     {b.getInt32(variant), address, b.getInt32(-1)});
  bool ok = true;
  for (uint32_t i = 0; i < matrices; ++i) {
    llvm::Value *pair = b.CreateExtractValue(loaded, {i / 2});
    ok &= fl.write(results[i], b.CreateTrunc(b.CreateLShr(pair, 32 * (i % 2)), b.getInt32Ty()));
  }
  return ok;
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
  return std::nullopt;
}

} // namespace cuport::lower
