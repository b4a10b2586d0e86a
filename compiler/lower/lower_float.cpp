// Floating-point arithmetic on f32 and f64.
#include "compiler/lower/float_semantics.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Intrinsics.h>

#include <set>
#include <string>

namespace cuport::lower {
namespace {

using llvm::Value;

class FloatLowering {
public:
  FloatLowering(FunctionLowering &fl, const ptx::Instruction &inst)
      : fl_(fl), b_(fl.builder()), inst_(inst), mods_(inst.modifiers) {}

  bool lower();

private:
  Value *in(size_t i) {
    Value *value = fl_.read(inst_.operands[i], type_);
    return value && ftz_ ? flushDenormal(b_, value) : value;
  }
  bool out(Value *value) {
    if (!value)
      return false;
    if (ftz_)
      value = flushDenormal(b_, value);
    if (sat_)
      value = saturate(b_, value);
    return fl_.write(inst_.operands[0], value);
  }
  llvm::RoundingMode rounding() const {
    return rounding_.value_or(llvm::RoundingMode::NearestTiesToEven);
  }
  Value *canonicalNaN() {
    return llvm::ConstantFP::getNaN(type_, false, type_->isFloatTy() ? 0x3fffff : ~0ull >> 13);
  }

  bool arithmetic();
  bool fusedMultiplyAdd();
  bool divide();
  bool minMax();
  bool approximate();
  bool upperWordApproximation();
  Value *refinedReciprocalSqrt(Value *a);
  bool copySign();
  bool testClass();

  FunctionLowering &fl_;
  llvm::IRBuilder<> &b_;
  const ptx::Instruction &inst_;
  Modifiers mods_;
  llvm::Type *type_ = nullptr;
  bool isF32_ = false;
  bool ftz_ = false, sat_ = false, approx_ = false, full_ = false;
  std::optional<llvm::RoundingMode> rounding_;
};

bool FloatLowering::lower() {
  const std::string &op = inst_.opcode;
  auto type = mods_.takeType();
  if (!type || (*type != ptx::ScalarType::F32 && *type != ptx::ScalarType::F64))
    return fl_.unsupported(inst_);
  isF32_ = *type == ptx::ScalarType::F32;
  type_ = llvmTypeOf(fl_.context(), *type);
  ftz_ = mods_.take("ftz");
  sat_ = mods_.take("sat");
  approx_ = mods_.take("approx");
  full_ = mods_.take("full");
  rounding_ = takeRounding(mods_);
  // .ftz and .sat exist for f32 only, and .ftz on the f64 reciprocal approximations and on
  // rcp.rnd.f64 (ptxas assembles rcp.rnd.ftz.f64, which flushes like its f32 form).
  bool f64Ftz = !isF32_ && (op == "rcp" || (op == "rsqrt" && approx_));
  if ((ftz_ && !isF32_ && !f64Ftz) || (sat_ && !isF32_))
    return fl_.unsupported(inst_);

  if (op == "add" || op == "sub" || op == "mul" || op == "abs" || op == "neg")
    return arithmetic();
  if (op == "fma" || op == "mad")
    return fusedMultiplyAdd();
  if (op == "div")
    return divide();
  if (op == "min" || op == "max")
    return minMax();
  if (op == "copysign")
    return copySign();
  if (op == "testp")
    return testClass();
  return approximate();
}

bool FloatLowering::arithmetic() {
  const std::string &op = inst_.opcode;
  bool unary = op == "abs" || op == "neg";
  if (approx_ || full_ || (unary && (rounding_ || sat_)) || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, unary ? 2 : 3))
    return false;
  Value *a = in(1);
  if (!a)
    return false;
  if (op == "abs") {
    Value *magnitude = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, a);
    // abs.f64 passes a NaN through unchanged, sign included.
    if (!isF32_)
      magnitude = b_.CreateSelect(b_.CreateFCmpUNO(a, a), a, magnitude);
    return out(magnitude);
  }
  if (op == "neg")
    return out(b_.CreateFNeg(a));
  Value *b = in(2);
  if (!b)
    return false;
  unsigned opcode = op == "add"   ? llvm::Instruction::FAdd
                    : op == "sub" ? llvm::Instruction::FSub
                                  : llvm::Instruction::FMul;
  return out(roundedBinary(b_, opcode, a, b, rounding()));
}

bool FloatLowering::fusedMultiplyAdd() {
  // Both need a rounding mode: mad without one exists only for sm_1x targets (ptxas refuses it
  // for later ones), where it is not fused.
  if (approx_ || full_ || !rounding_ || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, 4))
    return false;
  Value *a = in(1), *b = in(2), *c = in(3);
  if (!a || !b || !c)
    return false;
  return out(roundedFma(b_, a, b, c, rounding()));
}

bool FloatLowering::divide() {
  int forms = int(approx_) + int(full_) + int(rounding_.has_value());
  if (forms != 1 || sat_ || (!isF32_ && !rounding_) || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, 3))
    return false;
  Value *a = in(1), *b = in(2);
  if (!a || !b)
    return false;
  // .approx and .full promise at most 2 ulp error; the correctly rounded quotient meets that.
  Value *quotient = roundedBinary(b_, llvm::Instruction::FDiv, a, b, rounding());
  if (!approx_)
    return out(quotient);
  // .approx is a * (1/b): for 2^126 < |b| < 2^128 the reciprocal underflows to zero, so the
  // result is a zero signed as a * b, or NaN for an infinite a.
  Value *magnitude = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, b);
  Value *vanishing =
      b_.CreateAnd(b_.CreateFCmpOGT(magnitude, llvm::ConstantFP::get(type_, 0x1p126)),
                   b_.CreateFCmpOLT(magnitude, llvm::ConstantFP::getInfinity(type_)));
  Value *zero =
      b_.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, llvm::ConstantFP::get(type_, 0.0), b);
  return out(b_.CreateSelect(vanishing, b_.CreateFMul(a, zero), quotient));
}

bool FloatLowering::minMax() {
  bool propagateNaN = mods_.take("NaN");
  if (propagateNaN && !isF32_)
    return fl_.unsupported(inst_);
  // .xorsign.abs (f32 only): compare magnitudes; the result takes the XOR of the input signs.
  bool xorsign = mods_.take("xorsign");
  if (xorsign != mods_.take("abs") || (xorsign && !isF32_))
    return fl_.unsupported(inst_);
  if (approx_ || full_ || sat_ || rounding_ || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, 3))
    return false;
  Value *a = in(1), *b = in(2);
  if (!a || !b)
    return false;
  llvm::Type *intType = b_.getIntNTy(type_->getPrimitiveSizeInBits());
  Value *signBit =
      llvm::ConstantInt::get(intType, llvm::APInt::getSignMask(intType->getIntegerBitWidth()));
  Value *resultSign = nullptr;
  if (xorsign) {
    resultSign = b_.CreateAnd(
        b_.CreateXor(b_.CreateBitCast(a, intType), b_.CreateBitCast(b, intType)), signBit);
    a = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, a);
    b = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, b);
  }
  bool min = inst_.opcode == "min";
  // Ordered comparison with -0 below +0; a NaN input yields the other input (both NaN, or
  // any NaN with .NaN: the canonical NaN).
  Value *aFirst = min ? b_.CreateFCmpOLT(a, b) : b_.CreateFCmpOGT(a, b);
  Value *bFirst = min ? b_.CreateFCmpOLT(b, a) : b_.CreateFCmpOGT(b, a);
  Value *aNegative =
      b_.CreateICmpSLT(b_.CreateBitCast(a, b_.getIntNTy(type_->getPrimitiveSizeInBits())),
                       llvm::ConstantInt::get(b_.getIntNTy(type_->getPrimitiveSizeInBits()), 0));
  Value *tie = min ? b_.CreateSelect(aNegative, a, b) : b_.CreateSelect(aNegative, b, a);
  Value *result = b_.CreateSelect(aFirst, a, b_.CreateSelect(bFirst, b, tie));
  Value *aNaN = b_.CreateFCmpUNO(a, a), *bNaN = b_.CreateFCmpUNO(b, b);
  if (propagateNaN) {
    result = b_.CreateSelect(b_.CreateOr(aNaN, bNaN), canonicalNaN(), result);
  } else {
    result = b_.CreateSelect(aNaN, b, b_.CreateSelect(bNaN, a, result));
    result = b_.CreateSelect(b_.CreateAnd(aNaN, bNaN), canonicalNaN(), result);
  }
  if (xorsign) {
    Value *magnitude = b_.CreateBitCast(result, intType);
    Value *signed_ = b_.CreateBitCast(b_.CreateOr(magnitude, resultSign), type_);
    result = b_.CreateSelect(b_.CreateFCmpUNO(result, result), result, signed_);
  }
  return out(result);
}

bool FloatLowering::approximate() {
  const std::string &op = inst_.opcode;
  if (sat_ || full_ || !mods_.allTaken())
    return fl_.unsupported(inst_);
  // sqrt and rcp come correctly rounded (.rn ...) or approximate; the rest only approximate.
  bool roundable = op == "sqrt" || op == "rcp";
  if (roundable ? (approx_ == rounding_.has_value()) : (!approx_ || rounding_))
    return fl_.unsupported(inst_);
  // f64 has sqrt.rnd, rcp.rnd{.ftz}, rcp.approx.ftz and rsqrt.approx{.ftz}; tanh has no .ftz.
  bool f64Form = op == "rsqrt" || (roundable && rounding_) || (op == "rcp" && ftz_);
  if ((!isF32_ && !f64Form) || (op == "tanh" && ftz_))
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, 2))
    return false;
  if (!isF32_ && ftz_ && approx_)
    return upperWordApproximation();
  Value *a = in(1);
  if (!a)
    return false;
  llvm::Constant *one = llvm::ConstantFP::get(type_, 1.0);
  if (op == "sqrt")
    return out(roundedSqrt(b_, a, rounding()));
  if (op == "rcp")
    return out(roundedBinary(b_, llvm::Instruction::FDiv, one, a, rounding()));
  if (op == "rsqrt")
    return out(isF32_ ? b_.CreateFDiv(one, b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, a))
                      : refinedReciprocalSqrt(a));
  llvm::Intrinsic::ID id = llvm::Intrinsic::not_intrinsic;
  if (op == "ex2")
    id = llvm::Intrinsic::exp2;
  else if (op == "lg2")
    id = llvm::Intrinsic::log2;
  else if (op == "sin")
    id = llvm::Intrinsic::sin;
  else if (op == "cos")
    id = llvm::Intrinsic::cos;
  else if (op == "tanh")
    id = llvm::Intrinsic::tanh;
  else
    return fl_.unsupported(inst_);
  return out(b_.CreateUnaryIntrinsic(id, a));
}

// rcp.approx.ftz.f64 and rsqrt.approx.ftz.f64 read only the upper word of a (sign, exponent and
// 20 fraction bits), flush subnormals, and give a result whose lower 32 bits are zero (the
// correctly rounded value truncated to the upper word); a NaN result is 0x7fffffff00000000.
bool FloatLowering::upperWordApproximation() {
  Value *raw = fl_.read(inst_.operands[1], type_);
  if (!raw)
    return false;
  llvm::Type *i64 = b_.getInt64Ty();
  Value *upperMask = b_.getInt64(0xffffffff00000000ull);
  Value *a = b_.CreateBitCast(b_.CreateAnd(b_.CreateBitCast(raw, i64), upperMask), type_);
  a = flushDenormal(b_, a);
  llvm::Constant *one = llvm::ConstantFP::get(type_, 1.0);
  Value *result = inst_.opcode == "rcp"
                      ? b_.CreateFDiv(one, a)
                      : b_.CreateFDiv(one, b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, a));
  result = flushDenormal(b_, result);
  Value *bits = b_.CreateAnd(b_.CreateBitCast(result, i64), upperMask);
  bits =
      b_.CreateSelect(b_.CreateFCmpUNO(result, result), b_.getInt64(0x7fffffff00000000ull), bits);
  return fl_.write(inst_.operands[0], b_.CreateBitCast(bits, type_));
}

// rsqrt.approx.f64 (CUDA's rsqrt() for doubles, documented within 1 ulp): 1/sqrt(a) rounded
// twice can miss by more, so one Newton step, its residual 1 - a*y*y taken through fma, corrects
// it. Operands beyond 2^-+600 are scaled by 2^-+600 first (the result back by 2^+-300, exactly),
// so that y*y neither overflows nor underflows.
Value *FloatLowering::refinedReciprocalSqrt(Value *a) {
  auto constant = [&](double value) { return llvm::ConstantFP::get(type_, value); };
  auto fma = [&](Value *x, Value *y, Value *z) {
    return b_.CreateIntrinsic(llvm::Intrinsic::fma, {type_}, {x, y, z});
  };
  auto sqrt = [&](Value *x) { return b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x); };
  Value *one = constant(1.0);
  Value *small = b_.CreateFCmpOLT(a, constant(0x1p-600));
  Value *big = b_.CreateFCmpOGT(a, constant(0x1p600));
  Value *scale =
      b_.CreateSelect(small, constant(0x1p600), b_.CreateSelect(big, constant(0x1p-600), one));
  Value *unscale =
      b_.CreateSelect(small, constant(0x1p300), b_.CreateSelect(big, constant(0x1p-300), one));
  Value *x = b_.CreateFMul(a, scale);
  Value *y = b_.CreateFDiv(one, sqrt(x));
  Value *square = b_.CreateFMul(y, y);
  Value *squareLow = fma(y, y, b_.CreateFNeg(square)); // y*y - square, exactly
  Value *residual = fma(b_.CreateFNeg(x), square, one);
  residual = fma(b_.CreateFNeg(x), squareLow, residual);
  Value *refined = fma(b_.CreateFMul(y, constant(0.5)), residual, y);
  // Zeros, infinities, negative numbers and NaN keep the plain quotient's special results.
  Value *ordinary = b_.CreateAnd(b_.CreateFCmpOGT(a, constant(0.0)),
                                 b_.CreateFCmpOLT(a, llvm::ConstantFP::getInfinity(type_)));
  return b_.CreateSelect(ordinary, b_.CreateFMul(refined, unscale), b_.CreateFDiv(one, sqrt(a)));
}

bool FloatLowering::copySign() {
  if (ftz_ || sat_ || approx_ || full_ || rounding_ || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, 3))
    return false;
  Value *sign = in(1), *magnitude = in(2);
  if (!sign || !magnitude)
    return false;
  return out(b_.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, magnitude, sign));
}

bool FloatLowering::testClass() {
  auto test =
      mods_.takeOneOf({"finite", "infinite", "number", "notanumber", "normal", "subnormal"});
  if (!test || sat_ || approx_ || full_ || rounding_ || ftz_ || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!fl_.expectOperands(inst_, 2))
    return false;
  Value *a = fl_.read(inst_.operands[1], type_);
  if (!a)
    return false;
  llvm::FPClassTest mask = llvm::fcFinite;
  if (*test == "infinite")
    mask = llvm::fcInf;
  else if (*test == "number")
    mask = ~llvm::fcNan & llvm::fcAllFlags;
  else if (*test == "notanumber")
    mask = llvm::fcNan;
  else if (*test == "normal")
    mask = llvm::fcNormal | llvm::fcZero; // the ISA counts both zeros as normal numbers
  else if (*test == "subnormal")
    mask = llvm::fcSubnormal;
  return fl_.write(inst_.operands[0], b_.createIsFPClass(a, mask));
}

std::optional<ptx::ScalarType> lastType(const ptx::Instruction &inst) {
  std::optional<ptx::ScalarType> type;
  for (const std::string &modifier : inst.modifiers)
    if (auto t = typeFromModifier(modifier))
      type = t;
  return type;
}

} // namespace

LoweringResult lowerFloatInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  static const std::set<std::string> kShared{"add", "sub", "mul", "mad", "div",
                                             "abs", "neg", "min", "max"};
  static const std::set<std::string> kFloatOnly{"fma", "sqrt", "rsqrt", "rcp",      "ex2",  "lg2",
                                                "sin", "cos",  "tanh",  "copysign", "testp"};
  static const std::set<std::string> kHalf{"add", "sub", "mul", "fma", "neg",
                                           "abs", "min", "max", "ex2", "tanh"};
  if (kHalf.count(inst.opcode)) {
    auto type = lastType(inst);
    if (type &&
        (*type == ptx::ScalarType::F16 || *type == ptx::ScalarType::BF16 || isFloatPair(*type)))
      return lowerHalfInstruction(fl, inst, *type);
  }
  if (kShared.count(inst.opcode)) {
    auto type = lastType(inst);
    if (!type || !isFloat(*type))
      return std::nullopt;
  } else if (!kFloatOnly.count(inst.opcode)) {
    return std::nullopt;
  }
  return FloatLowering(fl, inst).lower();
}

} // namespace cuport::lower
