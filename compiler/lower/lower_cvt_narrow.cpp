// cvt to and from the packed and narrow formats: f16x2 / bf16x2 packed from two f32, the scalar
// f16 / bf16 forms with .relu / .satfinite, tf32 (an f32 pattern with 10 fraction bits), and the
// 8-bit floats e4m3 / e5m2 in pairs (e4m3x2, e5m2x2), from f32 pairs or f16x2 and back to f16x2.
#include "compiler/lower/float_semantics.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Intrinsics.h>

#include <cmath>

namespace cuport::lower {
namespace {

using llvm::Value;
using ptx::ScalarType;

// An 8-bit float: e4m3 (bias 7, no infinities, 0x7f NaN, largest 448) or e5m2 (bias 15, largest
// finite 57344).
struct ByteFormat {
  int exponentBits, mantissaBits, bias, maxExponent;
  float largest;
};
constexpr ByteFormat kE4M3{4, 3, 7, 8, 448.0f};
constexpr ByteFormat kE5M2{5, 2, 15, 15, 57344.0f};

class NarrowConversion {
public:
  NarrowConversion(FunctionLowering &fl, const ptx::Instruction &inst)
      : fl_(fl), b_(fl.builder()), inst_(inst), mods_(inst.modifiers) {}
  bool lower();

private:
  Value *f32(size_t i) { return fl_.read(inst_.operands[i], b_.getFloatTy()); }
  // Negative (-0.0 included) to +0.0 and NaN to `canonical`, when .relu is given.
  Value *relu(Value *value, Value *canonical) {
    if (!relu_)
      return value;
    llvm::Type *intType = b_.getIntNTy(value->getType()->getPrimitiveSizeInBits());
    Value *negative =
        b_.CreateICmpSLT(b_.CreateBitCast(value, intType), llvm::ConstantInt::get(intType, 0));
    Value *clamped = b_.CreateSelect(negative, llvm::ConstantFP::get(value->getType(), 0.0), value);
    return b_.CreateSelect(b_.CreateFCmpUNO(value, value), canonical, clamped);
  }
  // f32 to f16 or bf16 in the instruction's rounding; .satfinite keeps overflow at the largest
  // finite value, .relu clamps. Returns the i16 pattern.
  Value *toHalf(Value *value, bool bfloat);
  // f32 (exact value) to an 8-bit float, rounded to nearest even with .satfinite.
  Value *toByte(Value *value, const ByteFormat &format);
  // An 8-bit float pattern (i8) to f16 (exact).
  Value *fromByte(Value *byte, const ByteFormat &format);
  Value *toTf32(Value *value);

  FunctionLowering &fl_;
  llvm::IRBuilder<> &b_;
  const ptx::Instruction &inst_;
  Modifiers mods_;
  std::optional<llvm::RoundingMode> rounding_;
  bool rna_ = false, relu_ = false, satfinite_ = false;
};

Value *NarrowConversion::toHalf(Value *value, bool bfloat) {
  llvm::Type *element = bfloat ? b_.getBFloatTy() : b_.getHalfTy();
  Value *result = roundedCast(b_, llvm::Instruction::FPTrunc, value, element,
                              rounding_.value_or(llvm::RoundingMode::NearestTiesToEven));
  if (satfinite_) { // an infinity from a finite input becomes the largest finite value
    Value *bits = b_.CreateBitCast(result, b_.getInt16Ty());
    Value *largest = b_.CreateOr(b_.CreateAnd(bits, 0x8000), b_.getInt16(bfloat ? 0x7f7f : 0x7bff));
    Value *infinite = b_.createIsFPClass(result, llvm::fcInf);
    result = b_.CreateSelect(infinite, b_.CreateBitCast(largest, element), result);
  }
  result = relu(result, b_.CreateBitCast(b_.getInt16(0x7fff), element));
  return b_.CreateBitCast(result, b_.getInt16Ty());
}

Value *NarrowConversion::toByte(Value *value, const ByteFormat &format) {
  llvm::Type *f32Type = b_.getFloatTy(), *i32 = b_.getInt32Ty();
  int minExponent = 1 - format.bias;
  // The quantum 2^q of the value's binade (the subnormal one below the normal range); scaling
  // by powers of two is exact, so roundeven gives the correctly rounded multiple of 2^q.
  Value *bits = b_.CreateBitCast(value, i32);
  Value *exponent = b_.CreateSub(b_.CreateAnd(b_.CreateLShr(bits, 23), 0xff), b_.getInt32(127));
  exponent = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, exponent, b_.getInt32(minExponent));
  exponent =
      b_.CreateBinaryIntrinsic(llvm::Intrinsic::smin, exponent, b_.getInt32(format.maxExponent));
  Value *quantum = b_.CreateSub(exponent, b_.getInt32(format.mantissaBits));
  auto powerOfTwo = [&](Value *power) { // 2^power for power in the normal f32 range
    return b_.CreateBitCast(b_.CreateShl(b_.CreateAdd(power, b_.getInt32(127)), 23), f32Type);
  };
  Value *scaled = b_.CreateFMul(value, powerOfTwo(b_.CreateNeg(quantum)));
  Value *rounded = b_.CreateFMul(b_.CreateUnaryIntrinsic(llvm::Intrinsic::roundeven, scaled),
                                 powerOfTwo(quantum));
  // .satfinite: overflow and infinities become the largest finite value.
  Value *magnitude = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, rounded);
  magnitude = b_.CreateBinaryIntrinsic(llvm::Intrinsic::minnum, magnitude,
                                       llvm::ConstantFP::get(f32Type, format.largest));
  // Encode: normal values from the f32 fields, subnormals as a count of the smallest quantum.
  Value *magnitudeBits = b_.CreateBitCast(magnitude, i32);
  Value *fieldExponent =
      b_.CreateSub(b_.CreateLShr(magnitudeBits, 23), b_.getInt32(127 - format.bias));
  Value *normal = b_.CreateOr(b_.CreateShl(fieldExponent, format.mantissaBits),
                              b_.CreateAnd(b_.CreateLShr(magnitudeBits, 23 - format.mantissaBits),
                                           (1 << format.mantissaBits) - 1));
  Value *subnormal = b_.CreateFPToUI(
      b_.CreateFMul(magnitude, llvm::ConstantFP::get(
                                   f32Type, std::ldexp(1.0, format.mantissaBits - minExponent))),
      i32);
  Value *isNormal =
      b_.CreateFCmpOGE(magnitude, llvm::ConstantFP::get(f32Type, std::ldexp(1.0, minExponent)));
  Value *encoded = b_.CreateSelect(isNormal, normal, subnormal);
  Value *sign = b_.CreateAnd(b_.CreateLShr(bits, 24), 0x80);
  encoded = b_.CreateOr(encoded, sign);
  if (relu_) // negative (and -0.0) to +0.0
    encoded = b_.CreateSelect(b_.CreateICmpNE(sign, b_.getInt32(0)), b_.getInt32(0), encoded);
  Value *isNaN = b_.CreateFCmpUNO(value, value);
  encoded = b_.CreateSelect(isNaN, b_.getInt32(0x7f), encoded);
  return b_.CreateTrunc(encoded, b_.getInt8Ty());
}

Value *NarrowConversion::fromByte(Value *byte, const ByteFormat &format) {
  llvm::Type *f32Type = b_.getFloatTy(), *i32 = b_.getInt32Ty();
  Value *bits = b_.CreateZExt(byte, i32);
  Value *field =
      b_.CreateAnd(b_.CreateLShr(bits, format.mantissaBits), (1 << format.exponentBits) - 1);
  Value *mantissa = b_.CreateAnd(bits, (1 << format.mantissaBits) - 1);
  // Subnormal: mantissa * 2^(minExponent - mantissaBits); normal: implicit bit added.
  Value *significand = b_.CreateSelect(b_.CreateICmpEQ(field, b_.getInt32(0)), mantissa,
                                       b_.CreateOr(mantissa, 1 << format.mantissaBits));
  Value *scale =
      b_.CreateSub(b_.CreateBinaryIntrinsic(llvm::Intrinsic::umax, field, b_.getInt32(1)),
                   b_.getInt32(format.bias + format.mantissaBits));
  Value *power = b_.CreateBitCast(b_.CreateShl(b_.CreateAdd(scale, b_.getInt32(127)), 23), f32Type);
  Value *magnitude = b_.CreateFMul(b_.CreateUIToFP(significand, f32Type), power);
  Value *value = b_.CreateSelect(b_.CreateICmpNE(b_.CreateAnd(bits, 0x80), b_.getInt32(0)),
                                 b_.CreateFNeg(magnitude), magnitude);
  // Specials: e4m3 has only NaN (S.1111.111); e5m2 has infinities and NaNs (exponent all ones).
  Value *allOnes = b_.getInt32((1 << format.exponentBits) - 1);
  Value *nan = format.exponentBits == 4
                   ? b_.CreateICmpEQ(b_.CreateAnd(bits, 0x7f), b_.getInt32(0x7f))
                   : b_.CreateAnd(b_.CreateICmpEQ(field, allOnes),
                                  b_.CreateICmpNE(mantissa, b_.getInt32(0)));
  Value *half = b_.CreateFPTrunc(value, b_.getHalfTy()); // exact: every value fits in f16
  if (format.exponentBits == 5) {
    Value *infinite =
        b_.CreateAnd(b_.CreateICmpEQ(field, allOnes), b_.CreateICmpEQ(mantissa, b_.getInt32(0)));
    Value *inf = b_.CreateSelect(b_.CreateICmpNE(b_.CreateAnd(bits, 0x80), b_.getInt32(0)),
                                 llvm::ConstantFP::getInfinity(b_.getHalfTy(), true),
                                 llvm::ConstantFP::getInfinity(b_.getHalfTy(), false));
    half = b_.CreateSelect(infinite, inf, half);
  }
  Value *canonical = b_.CreateBitCast(b_.getInt16(0x7fff), b_.getHalfTy());
  half = b_.CreateSelect(nan, canonical, half);
  return b_.CreateBitCast(relu(half, canonical), b_.getInt16Ty());
}

Value *NarrowConversion::toTf32(Value *value) {
  // tf32 keeps the f32 layout with the low 13 fraction bits zero.
  Value *bits = b_.CreateBitCast(value, b_.getInt32Ty());
  Value *rounded;
  if (rna_)
    rounded = b_.CreateAdd(bits, b_.getInt32(0x1000));
  else if (rounding_ == llvm::RoundingMode::TowardZero)
    rounded = bits;
  else // .rn: ties to even
    rounded = b_.CreateAdd(
        bits, b_.CreateAdd(b_.getInt32(0xfff), b_.CreateAnd(b_.CreateLShr(bits, 13), 1)));
  rounded = b_.CreateAnd(rounded, 0xffffe000);
  Value *result = b_.CreateBitCast(rounded, b_.getFloatTy());
  if (satfinite_) { // overflow and infinities to the largest tf32 value, sign kept
    Value *largest = b_.CreateBitCast(
        b_.CreateOr(b_.CreateAnd(bits, 0x80000000), b_.getInt32(0x7f7fe000)), b_.getFloatTy());
    result = b_.CreateSelect(b_.createIsFPClass(result, llvm::fcInf), largest, result);
  }
  Value *canonical = b_.CreateBitCast(b_.getInt32(0x7fffffff), b_.getFloatTy());
  result = b_.CreateSelect(b_.CreateFCmpUNO(value, value), canonical, result);
  return b_.CreateBitCast(relu(result, canonical), b_.getInt32Ty());
}

bool NarrowConversion::lower() {
  auto to = mods_.takeType();
  auto from = mods_.takeType();
  rna_ = mods_.take("rna");
  rounding_ = takeRounding(mods_);
  relu_ = mods_.take("relu");
  satfinite_ = mods_.take("satfinite");
  if (!to || !from || !mods_.allTaken())
    return fl_.unsupported(inst_);
  bool roundsNearOrZero = !rna_ && (rounding_ == llvm::RoundingMode::NearestTiesToEven ||
                                    rounding_ == llvm::RoundingMode::TowardZero);
  auto pack = [&](Value *high, Value *low, unsigned bits) {
    llvm::Type *wide = b_.getIntNTy(2 * bits);
    return b_.CreateOr(b_.CreateShl(b_.CreateZExt(high, wide), bits), b_.CreateZExt(low, wide));
  };

  if ((*to == ScalarType::F16x2 || *to == ScalarType::BF16x2) && *from == ScalarType::F32) {
    // cvt.frnd2{.relu}{.satfinite}.f16x2.f32 d, a, b: a in the upper half, b in the lower.
    if (!roundsNearOrZero || !fl_.expectOperands(inst_, 3))
      return roundsNearOrZero ? false : fl_.unsupported(inst_);
    Value *a = f32(1), *b = f32(2);
    if (!a || !b)
      return false;
    bool bfloat = *to == ScalarType::BF16x2;
    return fl_.write(inst_.operands[0], pack(toHalf(a, bfloat), toHalf(b, bfloat), 16));
  }
  if ((*to == ScalarType::F16 || *to == ScalarType::BF16) && *from == ScalarType::F32) {
    if (!roundsNearOrZero || !fl_.expectOperands(inst_, 2))
      return roundsNearOrZero ? false : fl_.unsupported(inst_);
    Value *a = f32(1);
    return a && fl_.write(inst_.operands[0], toHalf(a, *to == ScalarType::BF16));
  }
  if (*to == ScalarType::TF32 && *from == ScalarType::F32) {
    // .rna (sm_80), .rn / .rz (sm_90); .relu only with .rn / .rz.
    if ((rna_ == rounding_.has_value()) || (rounding_ && !roundsNearOrZero) || (rna_ && relu_) ||
        !fl_.expectOperands(inst_, 2))
      return fl_.unsupported(inst_);
    Value *a = f32(1);
    return a && fl_.write(inst_.operands[0], toTf32(a));
  }
  bool toBytes = *to == ScalarType::E4M3x2 || *to == ScalarType::E5M2x2;
  if (toBytes && (*from == ScalarType::F32 || *from == ScalarType::F16x2)) {
    // .rn.satfinite is required; a pair of f32 packs a high, b low; an f16x2 keeps its order.
    if (rounding_ != llvm::RoundingMode::NearestTiesToEven || !satfinite_ || rna_)
      return fl_.unsupported(inst_);
    const ByteFormat &format = *to == ScalarType::E4M3x2 ? kE4M3 : kE5M2;
    Value *high, *low;
    if (*from == ScalarType::F32) {
      if (!fl_.expectOperands(inst_, 3))
        return false;
      high = f32(1);
      low = f32(2);
    } else {
      if (!fl_.expectOperands(inst_, 2))
        return false;
      Value *pair = fl_.read(inst_.operands[1], b_.getInt32Ty());
      if (!pair)
        return false;
      auto lane = [&](unsigned shift) {
        Value *bits = b_.CreateTrunc(b_.CreateLShr(pair, shift), b_.getInt16Ty());
        return b_.CreateFPExt(b_.CreateBitCast(bits, b_.getHalfTy()), b_.getFloatTy());
      };
      high = lane(16);
      low = lane(0);
    }
    if (!high || !low)
      return false;
    return fl_.write(inst_.operands[0], pack(toByte(high, format), toByte(low, format), 8));
  }
  bool fromBytes = *from == ScalarType::E4M3x2 || *from == ScalarType::E5M2x2;
  if (fromBytes && *to == ScalarType::F16x2) {
    if (rounding_ != llvm::RoundingMode::NearestTiesToEven || satfinite_ || rna_ ||
        !fl_.expectOperands(inst_, 2))
      return fl_.unsupported(inst_);
    const ByteFormat &format = *from == ScalarType::E4M3x2 ? kE4M3 : kE5M2;
    Value *pair = fl_.read(inst_.operands[1], b_.getInt16Ty());
    if (!pair)
      return false;
    Value *high = fromByte(b_.CreateTrunc(b_.CreateLShr(pair, 8), b_.getInt8Ty()), format);
    Value *low = fromByte(b_.CreateTrunc(pair, b_.getInt8Ty()), format);
    return fl_.write(inst_.operands[0], pack(high, low, 16));
  }
  return fl_.unsupported(inst_);
}

} // namespace

bool isNarrowConversion(const ptx::Instruction &inst) {
  bool narrowType = false, narrowModifier = false;
  for (const std::string &modifier : inst.modifiers) {
    auto type = typeFromModifier(modifier);
    if (type && (isFloatPair(*type) || *type == ScalarType::TF32 || *type == ScalarType::E4M3x2 ||
                 *type == ScalarType::E5M2x2))
      narrowType = true;
    if (modifier == "relu" || modifier == "satfinite" || modifier == "rna")
      narrowModifier = true;
  }
  return narrowType || narrowModifier;
}

bool lowerNarrowConversion(FunctionLowering &fl, const ptx::Instruction &inst) {
  return NarrowConversion(fl, inst).lower();
}

} // namespace cuport::lower
