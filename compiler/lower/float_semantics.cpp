#include "compiler/lower/float_semantics.h"

#include <llvm/IR/Intrinsics.h>

namespace cuport::lower {

std::optional<llvm::RoundingMode> takeRounding(Modifiers &modifiers) {
  auto mode = modifiers.takeOneOf({"rn", "rz", "rm", "rp"});
  if (!mode)
    return std::nullopt;
  if (*mode == "rn")
    return llvm::RoundingMode::NearestTiesToEven;
  if (*mode == "rz")
    return llvm::RoundingMode::TowardZero;
  if (*mode == "rm")
    return llvm::RoundingMode::TowardNegative;
  return llvm::RoundingMode::TowardPositive;
}

std::optional<llvm::RoundingMode> takeIntegerRounding(Modifiers &modifiers) {
  auto mode = modifiers.takeOneOf({"rni", "rzi", "rmi", "rpi"});
  if (!mode)
    return std::nullopt;
  if (*mode == "rni")
    return llvm::RoundingMode::NearestTiesToEven;
  if (*mode == "rzi")
    return llvm::RoundingMode::TowardZero;
  if (*mode == "rmi")
    return llvm::RoundingMode::TowardNegative;
  return llvm::RoundingMode::TowardPositive;
}

llvm::Value *flushDenormal(llvm::IRBuilder<> &b, llvm::Value *value) {
  llvm::Type *type = value->getType();
  llvm::Value *isSubnormal = b.createIsFPClass(value, llvm::fcSubnormal);
  llvm::Value *signedZero =
      b.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, llvm::ConstantFP::get(type, 0.0), value);
  return b.CreateSelect(isSubnormal, signedZero, value);
}

llvm::Value *saturate(llvm::IRBuilder<> &b, llvm::Value *value) {
  llvm::Type *type = value->getType();
  // maxnum(NaN, 0) is 0, so NaN saturates to +0.
  llvm::Value *low =
      b.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, value, llvm::ConstantFP::get(type, 0.0));
  // -0 stays -0 under maxnum's freedom; PTX clamps it to +0.0 as well.
  low = b.CreateSelect(b.CreateFCmpOEQ(low, llvm::ConstantFP::get(type, 0.0)),
                       llvm::ConstantFP::get(type, 0.0), low);
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::minnum, low, llvm::ConstantFP::get(type, 1.0));
}

llvm::Value *roundToIntegral(llvm::IRBuilder<> &b, llvm::Value *value, llvm::RoundingMode mode) {
  llvm::Intrinsic::ID id = llvm::Intrinsic::roundeven;
  if (mode == llvm::RoundingMode::TowardZero)
    id = llvm::Intrinsic::trunc;
  else if (mode == llvm::RoundingMode::TowardNegative)
    id = llvm::Intrinsic::floor;
  else if (mode == llvm::RoundingMode::TowardPositive)
    id = llvm::Intrinsic::ceil;
  return b.CreateUnaryIntrinsic(id, value);
}

llvm::Value *roundedBinary(llvm::IRBuilder<> &b, unsigned opcode, llvm::Value *lhs,
                           llvm::Value *rhs, llvm::RoundingMode mode) {
  if (mode == llvm::RoundingMode::NearestTiesToEven)
    return b.CreateBinOp(static_cast<llvm::Instruction::BinaryOps>(opcode), lhs, rhs);
  llvm::Intrinsic::ID id = llvm::Intrinsic::experimental_constrained_fadd;
  if (opcode == llvm::Instruction::FSub)
    id = llvm::Intrinsic::experimental_constrained_fsub;
  else if (opcode == llvm::Instruction::FMul)
    id = llvm::Intrinsic::experimental_constrained_fmul;
  else if (opcode == llvm::Instruction::FDiv)
    id = llvm::Intrinsic::experimental_constrained_fdiv;
  return b.CreateConstrainedFPBinOp(id, lhs, rhs, nullptr, "", nullptr, mode, llvm::fp::ebIgnore);
}

llvm::Value *roundedFma(llvm::IRBuilder<> &b, llvm::Value *a, llvm::Value *x, llvm::Value *c,
                        llvm::RoundingMode mode) {
  if (mode == llvm::RoundingMode::NearestTiesToEven)
    return b.CreateIntrinsic(llvm::Intrinsic::fma, {a->getType()}, {a, x, c});
  return b.CreateConstrainedFPCall(
      llvm::Intrinsic::getDeclaration(b.GetInsertBlock()->getModule(),
                                      llvm::Intrinsic::experimental_constrained_fma,
                                      {a->getType()}),
      {a, x, c}, "", mode, llvm::fp::ebIgnore);
}

llvm::Value *roundedSqrt(llvm::IRBuilder<> &b, llvm::Value *value, llvm::RoundingMode mode) {
  if (mode == llvm::RoundingMode::NearestTiesToEven)
    return b.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, value);
  return b.CreateConstrainedFPCall(
      llvm::Intrinsic::getDeclaration(b.GetInsertBlock()->getModule(),
                                      llvm::Intrinsic::experimental_constrained_sqrt,
                                      {value->getType()}),
      {value}, "", mode, llvm::fp::ebIgnore);
}

llvm::Value *roundToOddSingle(llvm::IRBuilder<> &b, llvm::Value *value) {
  // An inexact f32 whose last bit is even moves one step toward the exact value.
  llvm::Type *i32 = b.getInt32Ty();
  llvm::Value *single = b.CreateFPTrunc(value, b.getFloatTy());
  llvm::Value *bits = b.CreateBitCast(single, i32);
  llvm::Value *back = b.CreateFPExt(single, b.getDoubleTy());
  llvm::Value *inexact = b.CreateFCmpONE(back, value);
  llvm::Value *even = b.CreateICmpEQ(b.CreateAnd(bits, 1), b.getInt32(0));
  llvm::Value *overshot = b.CreateFCmpOGT(b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, back),
                                          b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, value));
  llvm::Value *odd =
      b.CreateSelect(overshot, b.CreateSub(bits, b.getInt32(1)), b.CreateAdd(bits, b.getInt32(1)));
  return b.CreateBitCast(b.CreateSelect(b.CreateAnd(inexact, even), odd, bits), b.getFloatTy());
}

llvm::Value *truncateToBfloat(llvm::IRBuilder<> &b, llvm::Value *value) {
  llvm::Type *i32 = b.getInt32Ty();
  if (value->getType()->isDoubleTy())
    value = roundToOddSingle(b, value); // f32 keeps the 8 + 2 bits the second rounding needs
  llvm::Value *bits = b.CreateBitCast(value, i32);
  llvm::Value *lsb = b.CreateAnd(b.CreateLShr(bits, 16), 1);
  llvm::Value *rounded = b.CreateLShr(b.CreateAdd(bits, b.CreateAdd(lsb, b.getInt32(0x7fff))), 16);
  llvm::Value *quietNaN = b.CreateOr(b.CreateLShr(bits, 16), 0x40);
  llvm::Value *isNaN = b.CreateFCmpUNO(value, value);
  llvm::Value *result = b.CreateTrunc(b.CreateSelect(isNaN, quietNaN, rounded), b.getInt16Ty());
  return b.CreateBitCast(result, b.getBFloatTy());
}

llvm::Value *roundedCast(llvm::IRBuilder<> &b, unsigned opcode, llvm::Value *value, llvm::Type *to,
                         llvm::RoundingMode mode) {
  // Integers to bf16 go through the backend's exact conversion even when rounding to nearest.
  bool integerToBfloat = to->isBFloatTy() && opcode != llvm::Instruction::FPTrunc;
  if (mode == llvm::RoundingMode::NearestTiesToEven && !integerToBfloat) {
    if (opcode == llvm::Instruction::FPTrunc && to->isBFloatTy())
      return truncateToBfloat(b, value);
    return b.CreateCast(static_cast<llvm::Instruction::CastOps>(opcode), value, to);
  }
  llvm::Intrinsic::ID id = llvm::Intrinsic::experimental_constrained_fptrunc;
  if (opcode == llvm::Instruction::SIToFP)
    id = llvm::Intrinsic::experimental_constrained_sitofp;
  else if (opcode == llvm::Instruction::UIToFP)
    id = llvm::Intrinsic::experimental_constrained_uitofp;
  return b.CreateConstrainedFPCast(id, value, to, nullptr, "", nullptr, mode, llvm::fp::ebIgnore);
}

} // namespace cuport::lower
