// Half-precision arithmetic: f16 and bf16, scalar and packed pairs (f16x2, bf16x2, one 32-bit
// register with the first element in the low half). Each element is computed exactly in a wider
// format and rounded once to nearest even: a + b, a - b and a * b in f32 (24 bits >= 2p + 2, so
// the double rounding is harmless), fma through round-to-odd (see roundedToOdd). Forms and
// modifiers follow PTX ISA 9.0 (9.7.4); whatever it does not define is rejected.
#include "compiler/lower/float_semantics.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Intrinsics.h>

#include <functional>
#include <string>

namespace cuport::lower {
namespace {

using llvm::Value;

// The OOB-NaN that tensor copies write for out-of-bounds elements (PTX ISA 5.5.3.3), which
// `fma.oob` turns into a +0.0 result. The ISA names it without giving its encoding; 0x7ff7 (a NaN
// in both f16 and bf16, not the canonical 0x7fff) is the 16-bit pattern reported for Hopper's
// tensor copies.
constexpr uint16_t kOobNaN = 0x7ff7;

class HalfLowering {
public:
  HalfLowering(FunctionLowering &fl, const ptx::Instruction &inst, ptx::ScalarType type)
      : fl_(fl), b_(fl.builder()), inst_(inst), mods_(inst.modifiers),
        bfloat_(type == ptx::ScalarType::BF16 || type == ptx::ScalarType::BF16x2),
        pair_(type == ptx::ScalarType::F16x2 || type == ptx::ScalarType::BF16x2),
        element_(bfloat_ ? b_.getBFloatTy() : b_.getHalfTy()) {}

  bool lower();

private:
  using Elementwise = std::function<Value *(const std::vector<Value *> &)>;
  // Reads operands 1..arity, applies `compute` per element and writes operand 0.
  bool apply(size_t arity, const Elementwise &compute);
  Value *canonicalNaN() { return b_.CreateBitCast(b_.getInt16(0x7fff), element_); }
  Value *widen(Value *value) { return b_.CreateFPExt(value, b_.getFloatTy()); }
  // Rounds an f32 to the element type, to nearest even.
  Value *narrow(Value *value) {
    return bfloat_ ? truncateToBfloat(b_, value) : b_.CreateFPTrunc(value, element_);
  }
  Value *fusedMultiplyAdd(Value *a, Value *x, Value *c, llvm::RoundingMode rounding);
  Value *minMax(Value *a, Value *b, bool isMin, bool propagateNaN, bool xorsign);
  // Sign-bit operations in integer arithmetic: LLVM may widen a bfloat fabs/fneg through a
  // conversion that flushes subnormals.
  Value *signBits(Value *value, uint16_t mask, bool flip) {
    Value *bits = b_.CreateBitCast(value, b_.getInt16Ty());
    bits = flip ? b_.CreateXor(bits, mask) : b_.CreateAnd(bits, mask);
    return b_.CreateBitCast(bits, element_);
  }
  Value *flush(Value *value) { return ftz_ ? flushDenormal(b_, value) : value; }

  FunctionLowering &fl_;
  llvm::IRBuilder<> &b_;
  const ptx::Instruction &inst_;
  Modifiers mods_;
  bool bfloat_, pair_;
  llvm::Type *element_;
  bool ftz_ = false;
};

bool HalfLowering::apply(size_t arity, const Elementwise &compute) {
  if (!fl_.expectOperands(inst_, arity + 1))
    return false;
  llvm::Type *registerType = b_.getIntNTy(pair_ ? 32 : 16);
  std::vector<Value *> registers;
  for (size_t i = 1; i <= arity; ++i) {
    Value *value = fl_.read(inst_.operands[i], registerType);
    if (!value)
      return false;
    registers.push_back(value);
  }
  Value *result = nullptr;
  for (unsigned lane = 0; lane < (pair_ ? 2u : 1u); ++lane) {
    std::vector<Value *> elements;
    for (Value *reg : registers) {
      Value *bits = pair_ ? b_.CreateTrunc(b_.CreateLShr(reg, 16 * lane), b_.getInt16Ty()) : reg;
      elements.push_back(flush(b_.CreateBitCast(bits, element_)));
    }
    Value *bits = b_.CreateBitCast(flush(compute(elements)), b_.getInt16Ty());
    if (!pair_) {
      result = bits;
      break;
    }
    Value *placed = b_.CreateShl(b_.CreateZExt(bits, b_.getInt32Ty()), 16 * lane);
    result = result ? b_.CreateOr(result, placed) : placed;
  }
  return fl_.write(inst_.operands[0], result);
}

Value *HalfLowering::fusedMultiplyAdd(Value *a, Value *x, Value *c, llvm::RoundingMode rounding) {
  // The product of two half-precision values is exact in f64; the sum's rounding error comes
  // from TwoSum, and an inexact sum with an even last bit moves one step toward the exact value
  // (round to odd). Rounding to odd again into f32 and then in the instruction's rounding into
  // the element type gives the correctly rounded fma (each step keeps at least p + 2 bits, which
  // round to odd needs for any rounding direction).
  llvm::Type *f64 = b_.getDoubleTy();
  Value *product = b_.CreateFMul(b_.CreateFPExt(a, f64), b_.CreateFPExt(x, f64));
  Value *addend = b_.CreateFPExt(c, f64);
  Value *sum = b_.CreateFAdd(product, addend);
  Value *addendPart = b_.CreateFSub(sum, product);
  Value *productPart = b_.CreateFSub(sum, addendPart);
  Value *error =
      b_.CreateFAdd(b_.CreateFSub(product, productPart), b_.CreateFSub(addend, addendPart));
  Value *bits = b_.CreateBitCast(sum, b_.getInt64Ty());
  Value *even = b_.CreateICmpEQ(b_.CreateAnd(bits, 1), b_.getInt64(0));
  Value *inexact = b_.CreateFCmpONE(error, llvm::ConstantFP::get(f64, 0.0));
  // Toward the exact value: magnitude up when the error has the sum's sign.
  Value *sameSign = b_.CreateICmpEQ(b_.CreateLShr(bits, 63),
                                    b_.CreateLShr(b_.CreateBitCast(error, b_.getInt64Ty()), 63));
  Value *odd = b_.CreateSelect(sameSign, b_.CreateAdd(bits, b_.getInt64(1)),
                               b_.CreateSub(bits, b_.getInt64(1)));
  Value *oddSum = b_.CreateBitCast(b_.CreateSelect(b_.CreateAnd(even, inexact), odd, bits), f64);
  if (rounding == llvm::RoundingMode::TowardNegative) {
    // An exact zero sum rounded down is -0.0 unless both terms are +0.0 (the f64 sum, rounded to
    // nearest, made it +0.0).
    Value *signs = b_.CreateAnd(b_.CreateOr(b_.CreateBitCast(product, b_.getInt64Ty()),
                                            b_.CreateBitCast(addend, b_.getInt64Ty())),
                                b_.getInt64(1ull << 63));
    oddSum = b_.CreateSelect(b_.CreateFCmpOEQ(sum, llvm::ConstantFP::get(f64, 0.0)),
                             b_.CreateBitCast(signs, f64), oddSum);
  }
  Value *single = roundToOddSingle(b_, oddSum);
  if (rounding == llvm::RoundingMode::NearestTiesToEven)
    return narrow(single);
  // Directed rounding (bf16 only); a NaN keeps the quieted payload the nearest-even path gives.
  Value *directed = roundedCast(b_, llvm::Instruction::FPTrunc, single, element_, rounding);
  return b_.CreateSelect(b_.CreateFCmpUNO(single, single), narrow(single), directed);
}

Value *HalfLowering::minMax(Value *a, Value *b, bool isMin, bool propagateNaN, bool xorsign) {
  llvm::Type *i16 = b_.getInt16Ty();
  Value *sign = nullptr;
  if (xorsign) {
    sign = b_.CreateAnd(b_.CreateXor(b_.CreateBitCast(a, i16), b_.CreateBitCast(b, i16)), 0x8000);
    a = signBits(a, 0x7fff, false);
    b = signBits(b, 0x7fff, false);
  }
  Value *fa = widen(a), *fb = widen(b);
  Value *aFirst = isMin ? b_.CreateFCmpOLT(fa, fb) : b_.CreateFCmpOGT(fa, fb);
  Value *bFirst = isMin ? b_.CreateFCmpOLT(fb, fa) : b_.CreateFCmpOGT(fb, fa);
  // Equal values: only zeros differ, and -0.0 is the smaller.
  Value *aNegative = b_.CreateICmpSLT(b_.CreateBitCast(a, i16), b_.getInt16(0));
  Value *tie = isMin ? b_.CreateSelect(aNegative, a, b) : b_.CreateSelect(aNegative, b, a);
  Value *result = b_.CreateSelect(aFirst, a, b_.CreateSelect(bFirst, b, tie));
  Value *aNaN = b_.CreateFCmpUNO(fa, fa), *bNaN = b_.CreateFCmpUNO(fb, fb);
  if (propagateNaN) {
    result = b_.CreateSelect(b_.CreateOr(aNaN, bNaN), canonicalNaN(), result);
  } else {
    result = b_.CreateSelect(aNaN, b, b_.CreateSelect(bNaN, a, result));
    result = b_.CreateSelect(b_.CreateAnd(aNaN, bNaN), canonicalNaN(), result);
  }
  if (xorsign) { // a NaN result keeps its bits
    Value *withSign = b_.CreateBitCast(b_.CreateOr(b_.CreateBitCast(result, i16), sign), element_);
    Value *wide = widen(result);
    result = b_.CreateSelect(b_.CreateFCmpUNO(wide, wide), result, withSign);
  }
  return result;
}

bool HalfLowering::lower() {
  const std::string &op = inst_.opcode;
  mods_.takeType();
  ftz_ = mods_.take("ftz");
  bool sat = mods_.take("sat");
  bool relu = mods_.take("relu");
  auto rounding = takeRounding(mods_);
  // bf16 has neither .ftz (but on ex2.approx) nor .sat; .rn is the only rounding (optional but
  // on fma), except that ptxas also assembles bf16 fma with .rz, .rm and .rp (sm_80; the ISA's
  // syntax lists only .rn); .relu only on fma, and not with .sat.
  bool directed = rounding && *rounding != llvm::RoundingMode::NearestTiesToEven;
  if ((bfloat_ && ((ftz_ && op != "ex2") || sat)) || (directed && (!bfloat_ || op != "fma")) ||
      (relu && (op != "fma" || sat)))
    return fl_.unsupported(inst_);
  auto finish = [&](Value *value) {
    if (sat)
      value = narrow(saturate(b_, widen(value)));
    if (relu) { // negative results (-0.0 included) become +0.0, NaN the canonical NaN
      Value *wide = widen(value);
      Value *negative = b_.CreateICmpSLT(b_.CreateBitCast(value, b_.getInt16Ty()), b_.getInt16(0));
      Value *clamped = b_.CreateSelect(negative, llvm::ConstantFP::get(element_, 0.0), value);
      value = b_.CreateSelect(b_.CreateFCmpUNO(wide, wide), canonicalNaN(), clamped);
    }
    return value;
  };

  if (op == "add" || op == "sub" || op == "mul") {
    if (!mods_.allTaken())
      return fl_.unsupported(inst_);
    auto opcode = op == "add"   ? llvm::Instruction::FAdd
                  : op == "sub" ? llvm::Instruction::FSub
                                : llvm::Instruction::FMul;
    return apply(2, [&](const std::vector<Value *> &v) {
      return finish(narrow(b_.CreateBinOp(opcode, widen(v[0]), widen(v[1]))));
    });
  }
  if (op == "fma") {
    // .oob (sm_90): +0.0 when any operand is the OOB-NaN; it takes .relu, or .sat on f16, but
    // not .ftz.
    bool oob = mods_.take("oob");
    if (!rounding || (oob && ftz_) || !mods_.allTaken())
      return fl_.unsupported(inst_);
    return apply(3, [&](const std::vector<Value *> &v) {
      Value *result = finish(fusedMultiplyAdd(v[0], v[1], v[2], *rounding));
      if (!oob)
        return result;
      Value *outOfBounds = b_.getFalse();
      for (Value *operand : v)
        outOfBounds =
            b_.CreateOr(outOfBounds, b_.CreateICmpEQ(b_.CreateBitCast(operand, b_.getInt16Ty()),
                                                     b_.getInt16(kOobNaN)));
      return b_.CreateSelect(outOfBounds, llvm::ConstantFP::get(element_, 0.0), result);
    });
  }
  if (op == "neg" || op == "abs") {
    if (rounding || sat || !mods_.allTaken())
      return fl_.unsupported(inst_);
    return apply(1, [&](const std::vector<Value *> &v) {
      return op == "neg" ? signBits(v[0], 0x8000, true) : signBits(v[0], 0x7fff, false);
    });
  }
  if (op == "min" || op == "max") {
    bool propagateNaN = mods_.take("NaN");
    bool xorsign = mods_.take("xorsign");
    if (xorsign != mods_.take("abs") || rounding || sat || !mods_.allTaken())
      return fl_.unsupported(inst_);
    return apply(2, [&](const std::vector<Value *> &v) {
      return minMax(v[0], v[1], op == "min", propagateNaN, xorsign);
    });
  }
  if (op == "ex2" || op == "tanh") {
    // ex2.approx.f16 / .ftz.bf16 and tanh.approx: computed in f32, rounded once.
    bool approx = mods_.take("approx");
    if (!approx || rounding || sat || (op == "tanh" && ftz_) || (op == "ex2" && bfloat_ != ftz_) ||
        !mods_.allTaken())
      return fl_.unsupported(inst_);
    auto id = op == "ex2" ? llvm::Intrinsic::exp2 : llvm::Intrinsic::tanh;
    return apply(1, [&](const std::vector<Value *> &v) {
      return narrow(b_.CreateUnaryIntrinsic(id, widen(v[0])));
    });
  }
  return fl_.unsupported(inst_);
}

} // namespace

LoweringResult lowerHalfInstruction(FunctionLowering &fl, const ptx::Instruction &inst,
                                    ptx::ScalarType type) {
  return HalfLowering(fl, inst, type).lower();
}

} // namespace cuport::lower
