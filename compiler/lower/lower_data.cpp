// Data movement and conversion: mov (incl. vector pack/unpack, special registers and symbol
// addresses), cvt between all integer and floating-point types (packed and narrow formats in
// lower_cvt_narrow.cpp, cvt.pack in lower_cvt_pack.cpp), cvta.
#include "compiler/lower/float_semantics.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Intrinsics.h>

namespace cuport::lower {
namespace {

using llvm::Value;

bool lowerMov(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto type = mods.takeType();
  // The ISA's mov types are .pred and the 16-, 32-, 64- (and 128-) bit ones: no 8-bit types and
  // no packed half-precision pairs.
  if (!type || !mods.allTaken() || (isFloat(*type) && bitsOf(*type) < 32) || bitsOf(*type) == 8 ||
      isFloatPair(*type))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  Value *value = fl.read(inst.operands[1], llvmTypeOf(fl.context(), *type));
  return value && fl.write(inst.operands[0], value, isSigned(*type) ? Extend::Sign : Extend::Zero);
}

// Integer conversion with optional saturation to the destination range.
Value *convertInteger(llvm::IRBuilder<> &b, Value *value, ptx::ScalarType from, ptx::ScalarType to,
                      bool saturate) {
  llvm::Type *toType = b.getIntNTy(bitsOf(to));
  if (saturate) {
    auto *wide = b.getIntNTy(128);
    Value *extended = isSigned(from) ? b.CreateSExt(value, wide) : b.CreateZExt(value, wide);
    unsigned bits = bitsOf(to);
    llvm::APInt low =
        isSigned(to) ? llvm::APInt::getSignedMinValue(bits).sext(128) : llvm::APInt::getZero(128);
    llvm::APInt high = isSigned(to) ? llvm::APInt::getSignedMaxValue(bits).sext(128)
                                    : llvm::APInt::getMaxValue(bits).zext(128);
    extended =
        b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, extended, llvm::ConstantInt::get(wide, low));
    extended = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, extended,
                                       llvm::ConstantInt::get(wide, high));
    return b.CreateTrunc(extended, toType);
  }
  return isSigned(from) ? b.CreateSExtOrTrunc(value, toType) : b.CreateZExtOrTrunc(value, toType);
}

bool lowerCvt(FunctionLowering &fl, const ptx::Instruction &inst) {
  auto &b = fl.builder();
  Modifiers mods(inst.modifiers);
  auto to = mods.takeType();
  auto from = mods.takeType();
  auto integerRounding = takeIntegerRounding(mods);
  auto rounding = takeRounding(mods);
  bool ftz = mods.take("ftz");
  bool saturating = mods.take("sat");
  if (!to || !from || !mods.allTaken() || (integerRounding && rounding))
    return fl.unsupported(inst);
  auto supported = [](ptx::ScalarType t) {
    return t != ptx::ScalarType::Pred && t != ptx::ScalarType::B128 &&
           (isFloat(t) || isSigned(t) || isUnsigned(t) || isBits(t));
  };
  if (!supported(*to) || !supported(*from))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  bool fromFloat = isFloat(*from), toFloat = isFloat(*to);
  // .ftz applies to f32 operands and results only.
  if (ftz && *from != ptx::ScalarType::F32 && *to != ptx::ScalarType::F32)
    return fl.unsupported(inst);
  // .sat clamps f16, f32 and f64 results to [0, 1]; the ISA has no form with a bf16 operand.
  bool bfloat = *to == ptx::ScalarType::BF16 || *from == ptx::ScalarType::BF16;
  if (saturating && bfloat)
    return fl.unsupported(inst);
  // bf16 converts from and to the 16-bit and wider integers only.
  if (bfloat && (bitsOf(*to) == 8 || bitsOf(*from) == 8))
    return fl.unsupported(inst);
  llvm::Type *fromType = llvmTypeOf(fl.context(), *from);
  llvm::Type *toType = llvmTypeOf(fl.context(), *to);
  Value *value = fl.read(inst.operands[1], fromType, isSigned(*from) ? Extend::Sign : Extend::Zero);
  if (!value)
    return false;
  if (ftz && *from == ptx::ScalarType::F32)
    value = flushDenormal(b, value);

  // bf16 goes through f32 (exact) wherever the host has no direct bf16 operation.
  bool fromBfloat = *from == ptx::ScalarType::BF16;
  if (fromBfloat && (!toFloat || integerRounding || *to == ptx::ScalarType::F16)) {
    value = b.CreateFPExt(value, b.getFloatTy());
    fromType = b.getFloatTy();
  }

  Value *result = nullptr;
  if (!fromFloat && !toFloat) {
    // .sat only where the source's range exceeds the destination's.
    bool canOverflow = bitsOf(*to) < bitsOf(*from) || (isSigned(*from) && !isSigned(*to)) ||
                       (bitsOf(*to) == bitsOf(*from) && isSigned(*to) != isSigned(*from));
    if (integerRounding || rounding || ftz || (saturating && !canOverflow))
      return fl.unsupported(inst);
    result = convertInteger(b, value, *from, *to, saturating);
  } else if (fromFloat && !toFloat) {
    // Float to integer: round as asked, then saturate (NaN gives 0), as PTX always does.
    if (!integerRounding || rounding)
      return fl.unsupported(inst);
    value = roundToIntegral(b, value, *integerRounding);
    result =
        b.CreateIntrinsic(isSigned(*to) ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                          {toType, fromType}, {value});
  } else if (!fromFloat && toFloat) {
    // The ISA requires a rounding modifier on every integer-to-float conversion.
    if (integerRounding || !rounding)
      return fl.unsupported(inst);
    result = roundedCast(b, isSigned(*from) ? llvm::Instruction::SIToFP : llvm::Instruction::UIToFP,
                         value, toType, *rounding);
  } else if (*from == *to) {
    // Same type: nothing, or rounding to an integral value (.rni and friends).
    if (rounding)
      return fl.unsupported(inst);
    result = integerRounding ? roundToIntegral(b, value, *integerRounding) : value;
    if (fromBfloat && integerRounding) // exact: an integral value near a bf16 fits in bf16
      result = truncateToBfloat(b, result);
  } else if (bitsOf(*from) < bitsOf(*to) && !(fromBfloat && *to == ptx::ScalarType::F16)) {
    // Widening is exact; the ISA accepts (and ignores) a rounding modifier on bf16 sources.
    if (integerRounding || (rounding && !fromBfloat))
      return fl.unsupported(inst);
    result = value->getType() == toType ? value : b.CreateFPExt(value, toType);
  } else {
    // Narrowing, or between f16 and bf16 (whose ranges and precisions differ both ways).
    bool betweenHalves = bitsOf(*from) == 16 && bitsOf(*to) == 16;
    if (integerRounding || (!rounding && !betweenHalves))
      return fl.unsupported(inst);
    if (betweenHalves && !fromBfloat) // f16 widens exactly to f32, which then rounds once
      value = b.CreateFPExt(value, b.getFloatTy());
    result = roundedCast(b, llvm::Instruction::FPTrunc, value, toType,
                         rounding.value_or(llvm::RoundingMode::NearestTiesToEven));
  }
  if (toFloat) {
    if (ftz && *to == ptx::ScalarType::F32)
      result = flushDenormal(b, result);
    if (saturating)
      result = saturate(b, result);
  }
  // Float-to-integer conversions saturate anyway, so .sat changes nothing there.
  return fl.write(inst.operands[0], result, isSigned(*to) ? Extend::Sign : Extend::Zero);
}

bool lowerCvta(FunctionLowering &fl, const ptx::Instruction &inst) {
  auto &b = fl.builder();
  Modifiers mods(inst.modifiers);
  bool toSpace = mods.take("to");
  // A cluster is one CTA (docs/execution-model.md): its shared window is the CTA's.
  ptx::StateSpace space =
      mods.take("shared::cluster") ? ptx::StateSpace::Shared : mods.takeStateSpace();
  auto type = mods.takeType();
  if (space == ptx::StateSpace::None || !type || !mods.allTaken() ||
      (*type != ptx::ScalarType::U32 && *type != ptx::ScalarType::U64 &&
       *type != ptx::ScalarType::B32 && *type != ptx::ScalarType::B64))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  unsigned spaceNumber = *addressSpaceOf(space);
  unsigned from = toSpace ? kGeneric : spaceNumber;
  unsigned to = toSpace ? spaceNumber : kGeneric;
  llvm::Type *intType = b.getIntNTy(bitsOf(*type));
  const ptx::Operand &source = inst.operands[1];
  Value *pointer = nullptr;
  ScopeEntry *entry = source.kind == ptx::Operand::Kind::IntImm ? nullptr : fl.lookup(source.name);
  bool isSymbol =
      (source.kind == ptx::Operand::Kind::Symbol || source.kind == ptx::Operand::Kind::Register) &&
      (entry ? entry->kind == ScopeEntry::Kind::Memory
             : fl.moduleLowering().symbol(source.name) != nullptr);
  if (isSymbol) {
    // `cvta.shared.u64 %rd, sdata`: cast the variable itself.
    pointer = fl.symbolPointer(source.name, source.loc);
    if (!pointer)
      return false;
    if (pointer->getType()->getPointerAddressSpace() != from)
      return fl.error(source.loc, "'" + source.name + "' is not in the state space cvta names");
  } else {
    Value *value = fl.read(source, intType);
    if (!value)
      return false;
    pointer = b.CreateIntToPtr(value, llvm::PointerType::get(fl.context(), from));
  }
  Value *cast = b.CreateAddrSpaceCast(pointer, llvm::PointerType::get(fl.context(), to));
  return fl.write(inst.operands[0], b.CreatePtrToInt(cast, intType));
}

} // namespace

LoweringResult lowerDataInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "mov")
    return lowerMov(fl, inst);
  if (isPackConversion(inst))
    return lowerPackConversion(fl, inst);
  if (inst.opcode == "cvt")
    return isNarrowConversion(inst) ? lowerNarrowConversion(fl, inst) : lowerCvt(fl, inst);
  if (inst.opcode == "cvta")
    return lowerCvta(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
