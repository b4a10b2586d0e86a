// cvt.pack (sm_72): two s32 values saturated to a narrow integer type and packed, b in the low
// bits and a above it; the four-operand forms fill the remaining bits from the low bits of c.
//   cvt.pack.sat.{u16,s16}.s32                d, a, b;
//   cvt.pack.sat.{u2,s2,u4,s4,u8,s8}.s32.b32  d, a, b, c;
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"

#include <llvm/IR/Intrinsics.h>

#include <string>

namespace cuport::lower {

bool isPackConversion(const ptx::Instruction &inst) {
  return inst.opcode == "cvt" && !inst.modifiers.empty() && inst.modifiers[0] == "pack";
}

bool lowerPackConversion(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("pack");
  bool saturating = mods.take("sat");
  auto narrow = mods.takeOneOf({"u2", "s2", "u4", "s4", "u8", "s8", "u16", "s16"});
  bool sourcesS32 = mods.take("s32");
  bool withC = mods.take("b32");
  if (!saturating || !narrow || !sourcesS32 || !mods.allTaken())
    return fl.unsupported(inst);
  unsigned bits = unsigned(std::stoul(narrow->substr(1)));
  bool isSignedType = (*narrow)[0] == 's';
  // The 16-bit forms fill d with a and b; the narrower ones need c for the rest.
  if (withC != (bits < 16))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, withC ? 4 : 3))
    return false;

  auto &b = fl.builder();
  llvm::Type *i32 = b.getInt32Ty();
  int32_t low = isSignedType ? -(int32_t(1) << (bits - 1)) : 0;
  int32_t high = isSignedType ? (int32_t(1) << (bits - 1)) - 1 : (int32_t(1) << bits) - 1;
  uint32_t mask = (uint32_t(1) << bits) - 1;
  auto saturate = [&](llvm::Value *value) {
    value = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, value, b.getInt32(uint32_t(low)));
    value = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, value, b.getInt32(uint32_t(high)));
    return b.CreateAnd(value, mask);
  };
  llvm::Value *a = fl.read(inst.operands[1], i32);
  llvm::Value *bValue = fl.read(inst.operands[2], i32);
  if (!a || !bValue)
    return false;
  llvm::Value *packed = b.CreateOr(b.CreateShl(saturate(a), bits), saturate(bValue));
  if (withC) {
    llvm::Value *c = fl.read(inst.operands[3], i32);
    if (!c)
      return false;
    packed = b.CreateOr(packed, b.CreateShl(c, 2 * bits));
  }
  return fl.write(inst.operands[0], packed);
}

} // namespace cuport::lower
