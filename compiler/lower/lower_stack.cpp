// Stack manipulation (PTX 7.3): alloca, stacksave, stackrestore, as LLVM dynamic allocas and
// llvm.stacksave / llvm.stackrestore. Allocations are local memory: the default address space
// seen through addrspace(5), as `.local` variables are (docs/kernel-ir.md). Local addresses on the
// CPU backend are 64-bit host stack addresses, so the .u32 forms are refused.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"

#include <llvm/IR/Constants.h>

namespace cuport::lower {
namespace {

constexpr unsigned kLocalAddressSpace = 5;
// The ISA's default alignment, also the least an alloca gets; and the largest it allows.
constexpr uint64_t kDefaultAlignment = 8;
constexpr uint64_t kLargestAlignment = uint64_t{1} << 23;

// The .u64 type every form carries; false after diagnosing another.
bool takeAddressType(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto type = mods.takeOneOf({"u32", "u64"});
  if (!type || !mods.allTaken())
    return fl.unsupported(inst);
  if (*type == "u32")
    return fl.error(inst.loc, "unsupported instruction '" + inst.opcode +
                                  ".u32': 32-bit local addresses cannot hold the host stack "
                                  "addresses that local memory has here");
  return true;
}

// alloca.u64 ptr, size{, immAlign}: size bytes of the function's stack frame, aligned to
// max(immAlign, 8), freed when the function returns or by stackrestore.
bool lowerAlloca(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (!takeAddressType(fl, inst))
    return false;
  if (inst.operands.size() != 2 && inst.operands.size() != 3)
    return fl.error(inst.loc, "'alloca' takes ptr, size and an optional alignment");
  auto &b = fl.builder();
  uint64_t alignment = kDefaultAlignment;
  if (inst.operands.size() == 3) {
    auto *immediate =
        llvm::dyn_cast_or_null<llvm::ConstantInt>(fl.read(inst.operands[2], b.getInt32Ty()));
    if (!immediate)
      return fl.error(inst.operands[2].loc,
                      "the alignment of 'alloca' must be an integer constant");
    uint64_t asked = immediate->getZExtValue();
    if (asked == 0 || (asked & (asked - 1)) != 0 || asked > kLargestAlignment)
      return fl.error(inst.operands[2].loc,
                      "the alignment of 'alloca' must be a power of 2 no larger than 2^23");
    alignment = std::max(asked, kDefaultAlignment);
  }
  llvm::Value *size = fl.read(inst.operands[1], b.getInt64Ty());
  if (!size)
    return false;
  auto *allocation = b.CreateAlloca(b.getInt8Ty(), size, "alloca");
  allocation->setAlignment(llvm::Align(alignment));
  llvm::Value *local =
      b.CreateAddrSpaceCast(allocation, llvm::PointerType::get(b.getContext(), kLocalAddressSpace));
  return fl.write(inst.operands[0], b.CreatePtrToInt(local, b.getInt64Ty()));
}

// stacksave.u64 d: the stack pointer, as a local address.
bool lowerStackSave(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (!takeAddressType(fl, inst) || !fl.expectOperands(inst, 1))
    return false;
  auto &b = fl.builder();
  llvm::Value *local = b.CreateAddrSpaceCast(
      b.CreateStackSave(), llvm::PointerType::get(b.getContext(), kLocalAddressSpace));
  return fl.write(inst.operands[0], b.CreatePtrToInt(local, b.getInt64Ty()));
}

// stackrestore.u64 a: sets the stack pointer back to what stacksave gave, which frees every
// alloca made since.
bool lowerStackRestore(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (!takeAddressType(fl, inst) || !fl.expectOperands(inst, 1))
    return false;
  auto &b = fl.builder();
  llvm::Value *saved = fl.read(inst.operands[0], b.getInt64Ty());
  if (!saved)
    return false;
  b.CreateStackRestore(b.CreateIntToPtr(saved, b.getPtrTy()));
  return true;
}

} // namespace

LoweringResult lowerStackInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "alloca")
    return lowerAlloca(fl, inst);
  if (inst.opcode == "stacksave")
    return lowerStackSave(fl, inst);
  if (inst.opcode == "stackrestore")
    return lowerStackRestore(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
