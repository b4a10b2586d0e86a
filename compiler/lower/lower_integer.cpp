// Integer arithmetic, logic, shifts and bit manipulation.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Intrinsics.h>

#include <algorithm>
#include <set>
#include <string>

namespace cuport::lower {
namespace {

using llvm::Value;

// The arithmetic opcodes that integer and floating-point share; the type decides the family.
bool isSharedArithmetic(const std::string &opcode) {
  static const std::set<std::string> kShared{"add", "sub", "mul", "mad", "div",
                                             "abs", "neg", "min", "max", "rem"};
  return kShared.count(opcode) != 0;
}

std::optional<ptx::ScalarType> lastType(const ptx::Instruction &inst) {
  std::optional<ptx::ScalarType> type;
  for (const std::string &modifier : inst.modifiers)
    if (auto t = typeFromModifier(modifier))
      type = t;
  return type;
}

class IntegerLowering {
public:
  IntegerLowering(FunctionLowering &fl, const ptx::Instruction &inst)
      : fl_(fl), b_(fl.builder()), inst_(inst), mods_(inst.modifiers) {}

  bool lower();

private:
  Value *in(size_t i, llvm::Type *type) { return fl_.read(inst_.operands[i], type, extend_); }
  // bfe and bfind take only .s32/.u32/.s64/.u64.
  bool isSignedOrUnsigned32Or64() const {
    unsigned width = type_->getIntegerBitWidth();
    return (isSigned(ptxType_) || isUnsigned(ptxType_)) && (width == 32 || width == 64);
  }
  Value *inU32(size_t i) { return fl_.read(inst_.operands[i], b_.getInt32Ty()); }
  bool out(Value *value) { return value && fl_.write(inst_.operands[0], value, extend_); }
  bool done() { return mods_.allTaken() || fl_.unsupported(inst_); }
  bool count(size_t n) { return fl_.expectOperands(inst_, n); }
  llvm::IntegerType *wider(llvm::Type *type) {
    return b_.getIntNTy(type->getIntegerBitWidth() * 2);
  }
  Value *extendWide(Value *v, llvm::Type *to) {
    return signed_ ? b_.CreateSExt(v, to) : b_.CreateZExt(v, to);
  }
  Value *constant(llvm::Type *type, uint64_t value) { return llvm::ConstantInt::get(type, value); }

  bool addSub();
  bool carryArithmetic();
  bool mulMad();
  bool multiply24();
  bool sumOfAbsoluteDifference();
  bool divRem();
  bool unary();
  bool minMax();
  bool packedMinMax(bool isSigned);
  bool packedAdd();
  bool logic();
  bool shift();
  bool bitCount();
  bool bitFieldExtract();
  bool bitFieldInsert();
  bool permute();
  bool lop3();
  bool funnelShift();
  bool bitFind();
  bool findNthSet();
  bool bitMask();
  bool signOrZeroExtend();
  bool dotProduct();

  FunctionLowering &fl_;
  llvm::IRBuilder<> &b_;
  const ptx::Instruction &inst_;
  Modifiers mods_;
  ptx::ScalarType ptxType_ = ptx::ScalarType::None;
  llvm::Type *type_ = nullptr;
  bool signed_ = false;
  Extend extend_ = Extend::Zero;
};

bool IntegerLowering::lower() {
  const std::string &op = inst_.opcode;
  if (op == "min" || op == "max" || op == "add") {
    // The packed .u16x2/.s16x2 forms (sm_90) are not scalar types.
    if (mods_.take("u16x2"))
      return op == "add" ? packedAdd() : packedMinMax(false);
    if (mods_.take("s16x2"))
      return op == "add" ? packedAdd() : packedMinMax(true);
  }
  auto type = mods_.takeType();
  if (!type || isFloat(*type) || *type == ptx::ScalarType::B128 || bitsOf(*type) == 0 ||
      (bitsOf(*type) == 1 && op != "and" && op != "or" && op != "xor" && op != "not"))
    return fl_.unsupported(inst_);
  // The ISA's arithmetic takes the signed and unsigned types; not, cnot and brev the bit-size
  // ones (brev from 32 bits); no integer instruction takes a packed half-precision pair.
  static const std::set<std::string> kArithmetic = {"add",  "sub",   "mul",   "mad", "addc", "subc",
                                                    "madc", "mul24", "mad24", "sad", "div",  "rem",
                                                    "abs",  "neg",   "min",   "max"};
  bool bitwiseUnary = op == "not" || op == "cnot" || op == "brev";
  if (isFloatPair(*type) || (kArithmetic.contains(op) && isBits(*type)) ||
      (bitwiseUnary && !isBits(*type) && *type != ptx::ScalarType::Pred) ||
      (op == "brev" && bitsOf(*type) < 32))
    return fl_.unsupported(inst_);
  ptxType_ = *type;
  type_ = llvmTypeOf(fl_.context(), ptxType_);
  if (!type_->isIntegerTy())
    return fl_.unsupported(inst_);
  signed_ = isSigned(ptxType_);
  extend_ = signed_ ? Extend::Sign : Extend::Zero;

  if (op == "addc" || op == "subc" || op == "madc" ||
      ((op == "add" || op == "sub" || op == "mad") &&
       std::find(inst_.modifiers.begin(), inst_.modifiers.end(), "cc") != inst_.modifiers.end()))
    return carryArithmetic();
  if (op == "add" || op == "sub")
    return addSub();
  if (op == "mul" || op == "mad")
    return mulMad();
  if (op == "mul24" || op == "mad24")
    return multiply24();
  if (op == "sad")
    return sumOfAbsoluteDifference();
  if (op == "div" || op == "rem")
    return divRem();
  if (op == "abs" || op == "neg" || op == "not" || op == "cnot" || op == "brev")
    return unary();
  if (op == "min" || op == "max")
    return minMax();
  if (op == "and" || op == "or" || op == "xor")
    return logic();
  if (op == "shl" || op == "shr")
    return shift();
  if (op == "popc" || op == "clz")
    return bitCount();
  if (op == "bfe")
    return bitFieldExtract();
  if (op == "bfi")
    return bitFieldInsert();
  if (op == "prmt")
    return permute();
  if (op == "lop3")
    return lop3();
  if (op == "shf")
    return funnelShift();
  if (op == "bfind")
    return bitFind();
  if (op == "fns")
    return findNthSet();
  if (op == "bmsk")
    return bitMask();
  if (op == "szext")
    return signOrZeroExtend();
  if (op == "dp4a" || op == "dp2a")
    return dotProduct();
  return fl_.unsupported(inst_);
}

bool IntegerLowering::addSub() {
  bool saturate = mods_.take("sat");
  if (saturate && ptxType_ != ptx::ScalarType::S32)
    return fl_.unsupported(inst_);
  if (!done() || !count(3))
    return false;
  Value *a = in(1, type_), *b = in(2, type_);
  if (!a || !b)
    return false;
  bool add = inst_.opcode == "add";
  if (saturate)
    return out(b_.CreateBinaryIntrinsic(add ? llvm::Intrinsic::sadd_sat : llvm::Intrinsic::ssub_sat,
                                        a, b));
  return out(add ? b_.CreateAdd(a, b) : b_.CreateSub(a, b));
}

// Extended-precision arithmetic through the carry flag: add.cc, addc{.cc}, sub.cc, subc{.cc},
// mad{.lo,.hi}.cc, madc{.lo,.hi}{.cc}. For subtraction the flag holds the borrow.
bool IntegerLowering::carryArithmetic() {
  const std::string &op = inst_.opcode;
  bool carryIn = op.back() == 'c';
  bool carryOut = mods_.take("cc");
  bool multiply = op == "mad" || op == "madc";
  std::optional<std::string> half;
  if (multiply)
    half = mods_.takeOneOf({"lo", "hi"});
  unsigned width = type_->getIntegerBitWidth();
  if ((multiply && !half) || (width != 32 && width != 64) ||
      (!isSigned(ptxType_) && !isUnsigned(ptxType_)))
    return fl_.unsupported(inst_);
  if (!done())
    return false;
  if (!count(multiply ? 4 : 3))
    return false;
  Value *a = in(1, type_), *b = in(2, type_);
  Value *c = multiply ? in(3, type_) : nullptr;
  if (!a || !b || (multiply && !c))
    return false;
  llvm::IntegerType *wide = wider(type_);
  llvm::AllocaInst *flag = fl_.carryFlag();
  Value *in =
      carryIn ? b_.CreateZExt(b_.CreateLoad(b_.getInt1Ty(), flag), wide) : constant(wide, 0);
  Value *result = nullptr;
  if (op == "sub" || op == "subc") {
    result = b_.CreateSub(b_.CreateSub(b_.CreateZExt(a, wide), b_.CreateZExt(b, wide)), in);
  } else {
    Value *lhs = a, *rhs = b;
    if (multiply) {
      Value *product = b_.CreateMul(b_.CreateZExt(a, wide), b_.CreateZExt(b, wide));
      if (signed_)
        product = b_.CreateMul(b_.CreateSExt(a, wide), b_.CreateSExt(b, wide));
      lhs = *half == "lo" ? b_.CreateTrunc(product, type_)
                          : b_.CreateTrunc(b_.CreateLShr(product, width), type_);
      rhs = c;
    }
    result = b_.CreateAdd(b_.CreateAdd(b_.CreateZExt(lhs, wide), b_.CreateZExt(rhs, wide)), in);
  }
  if (carryOut)
    b_.CreateStore(b_.CreateICmpNE(b_.CreateLShr(result, width), constant(wide, 0)), flag);
  return out(b_.CreateTrunc(result, type_));
}

bool IntegerLowering::mulMad() {
  auto mode = mods_.takeOneOf({"lo", "hi", "wide"});
  bool mad = inst_.opcode == "mad";
  // Only mad.hi.sat.s32 saturates: the sum of the high half and c, clamped to 32 bits.
  bool saturate = mods_.take("sat");
  if (!mode || !done() || (saturate && (!mad || *mode != "hi" || ptxType_ != ptx::ScalarType::S32)))
    return fl_.unsupported(inst_);
  if (!count(mad ? 4 : 3))
    return false;
  if (*mode == "wide" && type_->getIntegerBitWidth() > 32)
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = in(2, type_);
  if (!a || !b)
    return false;
  Value *result = nullptr;
  if (*mode == "lo") {
    result = b_.CreateMul(a, b);
  } else {
    llvm::IntegerType *wide = wider(type_);
    Value *product = b_.CreateMul(extendWide(a, wide), extendWide(b, wide));
    if (*mode == "hi")
      result = b_.CreateTrunc(b_.CreateLShr(product, type_->getIntegerBitWidth()), type_);
    else
      result = product;
  }
  if (mad) {
    Value *c = in(3, result->getType());
    if (!c)
      return false;
    result = saturate ? b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_sat, result, c)
                      : b_.CreateAdd(result, c);
  }
  return out(result);
}

// mul24/mad24: the 48-bit product of the operands' low 24 bits (sign-extended for .s32); .lo keeps
// bits 31..0, .hi bits 47..16. mad24.hi.sat.s32 clamps the sum with c to 32 bits.
bool IntegerLowering::multiply24() {
  auto mode = mods_.takeOneOf({"lo", "hi"});
  bool mad = inst_.opcode == "mad24";
  bool saturate = mods_.take("sat");
  if (!mode || !done() || (ptxType_ != ptx::ScalarType::S32 && ptxType_ != ptx::ScalarType::U32) ||
      (saturate && (!mad || *mode != "hi" || ptxType_ != ptx::ScalarType::S32)))
    return fl_.unsupported(inst_);
  if (!count(mad ? 4 : 3))
    return false;
  Value *a = in(1, type_), *b = in(2, type_);
  Value *c = mad ? in(3, type_) : nullptr;
  if (!a || !b || (mad && !c))
    return false;
  auto *i24 = b_.getIntNTy(24), *i64 = b_.getInt64Ty();
  auto operand = [&](Value *value) {
    Value *low = b_.CreateTrunc(value, i24);
    return signed_ ? b_.CreateSExt(low, i64) : b_.CreateZExt(low, i64);
  };
  Value *product = b_.CreateMul(operand(a), operand(b));
  Value *result = b_.CreateTrunc(*mode == "hi" ? b_.CreateLShr(product, 16) : product, type_);
  if (mad)
    result = saturate ? b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_sat, result, c)
                      : b_.CreateAdd(result, c);
  return out(result);
}

// sad: c + |a - b|, the difference exact (signed or unsigned by the type), the sum wrapping.
bool IntegerLowering::sumOfAbsoluteDifference() {
  if (!done() || !count(4) || (!isSigned(ptxType_) && !isUnsigned(ptxType_)))
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = in(2, type_), *c = in(3, type_);
  if (!a || !b || !c)
    return false;
  Value *less = signed_ ? b_.CreateICmpSLT(a, b) : b_.CreateICmpULT(a, b);
  Value *difference = b_.CreateSelect(less, b_.CreateSub(b, a), b_.CreateSub(a, b));
  return out(b_.CreateAdd(difference, c));
}

bool IntegerLowering::divRem() {
  if (!done() || !count(3))
    return false;
  Value *a = in(1, type_), *b = in(2, type_);
  if (!a || !b)
    return false;
  // PTX leaves x/0 unspecified; LLVM makes it undefined behaviour, so guard it: x/0 gives all
  // ones (what the hardware returns for unsigned), x%0 gives x, and MIN/-1 wraps to MIN.
  Value *zero = constant(type_, 0);
  Value *isZero = b_.CreateICmpEQ(b, zero);
  Value *safe = b_.CreateSelect(isZero, constant(type_, 1), b);
  if (signed_) {
    Value *overflow = b_.CreateAnd(
        b_.CreateICmpEQ(a, llvm::ConstantInt::get(
                               type_, llvm::APInt::getSignedMinValue(type_->getIntegerBitWidth()))),
        b_.CreateICmpEQ(b, llvm::ConstantInt::getAllOnesValue(type_)));
    safe = b_.CreateSelect(overflow, constant(type_, 1), safe);
    if (inst_.opcode == "div")
      return out(b_.CreateSelect(isZero, llvm::ConstantInt::getAllOnesValue(type_),
                                 b_.CreateSDiv(a, safe)));
    Value *rem = b_.CreateSelect(overflow, zero, b_.CreateSRem(a, safe));
    return out(b_.CreateSelect(isZero, a, rem));
  }
  if (inst_.opcode == "div")
    return out(
        b_.CreateSelect(isZero, llvm::ConstantInt::getAllOnesValue(type_), b_.CreateUDiv(a, safe)));
  return out(b_.CreateSelect(isZero, a, b_.CreateURem(a, safe)));
}

bool IntegerLowering::unary() {
  const std::string &op = inst_.opcode;
  if (!done() || !count(2))
    return false;
  if ((op == "abs" || op == "neg") && !signed_)
    return fl_.unsupported(inst_);
  if (op == "brev" && !isBits(ptxType_))
    return fl_.unsupported(inst_);
  Value *a = in(1, type_);
  if (!a)
    return false;
  if (op == "abs")
    return out(b_.CreateBinaryIntrinsic(llvm::Intrinsic::abs, a, b_.getFalse()));
  if (op == "neg")
    return out(b_.CreateNeg(a));
  if (op == "not")
    return out(b_.CreateNot(a));
  if (op == "cnot")
    return out(b_.CreateZExt(b_.CreateICmpEQ(a, constant(type_, 0)), type_));
  return out(b_.CreateUnaryIntrinsic(llvm::Intrinsic::bitreverse, a));
}

bool IntegerLowering::minMax() {
  // .relu (sm_90) clamps a negative result to zero; the ISA has it for .s32 (and .s16x2).
  bool relu = mods_.take("relu");
  if (relu && ptxType_ != ptx::ScalarType::S32)
    return fl_.unsupported(inst_);
  if (!done() || !count(3))
    return false;
  Value *a = in(1, type_), *b = in(2, type_);
  if (!a || !b)
    return false;
  bool min = inst_.opcode == "min";
  llvm::Intrinsic::ID id = signed_ ? (min ? llvm::Intrinsic::smin : llvm::Intrinsic::smax)
                                   : (min ? llvm::Intrinsic::umin : llvm::Intrinsic::umax);
  Value *result = b_.CreateBinaryIntrinsic(id, a, b);
  if (relu)
    result = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, result, constant(type_, 0));
  return out(result);
}

// min/max.{u16x2,s16x2}: each 16-bit half on its own; .relu only for .s16x2.
bool IntegerLowering::packedMinMax(bool isSigned) {
  bool relu = mods_.take("relu");
  if ((relu && !isSigned) || !mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!count(3))
    return false;
  Value *a = inU32(1), *b = inU32(2);
  if (!a || !b)
    return false;
  bool min = inst_.opcode == "min";
  llvm::Intrinsic::ID id = isSigned ? (min ? llvm::Intrinsic::smin : llvm::Intrinsic::smax)
                                    : (min ? llvm::Intrinsic::umin : llvm::Intrinsic::umax);
  auto *vector = llvm::FixedVectorType::get(b_.getInt16Ty(), 2);
  Value *result =
      b_.CreateBinaryIntrinsic(id, b_.CreateBitCast(a, vector), b_.CreateBitCast(b, vector));
  if (relu)
    result = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, result,
                                      llvm::Constant::getNullValue(vector));
  return fl_.write(inst_.operands[0], b_.CreateBitCast(result, b_.getInt32Ty()));
}

// add.{u16x2,s16x2}: each 16-bit half wraps on its own (no .sat, no carry); signed and unsigned
// addition give the same bits.
bool IntegerLowering::packedAdd() {
  if (!mods_.allTaken())
    return fl_.unsupported(inst_);
  if (!count(3))
    return false;
  Value *a = inU32(1), *b = inU32(2);
  if (!a || !b)
    return false;
  auto *vector = llvm::FixedVectorType::get(b_.getInt16Ty(), 2);
  Value *sum = b_.CreateAdd(b_.CreateBitCast(a, vector), b_.CreateBitCast(b, vector));
  return fl_.write(inst_.operands[0], b_.CreateBitCast(sum, b_.getInt32Ty()));
}

bool IntegerLowering::logic() {
  if (!done() || !count(3))
    return false;
  if (!isBits(ptxType_) && ptxType_ != ptx::ScalarType::Pred)
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = in(2, type_);
  if (!a || !b)
    return false;
  const std::string &op = inst_.opcode;
  return out(op == "and"  ? b_.CreateAnd(a, b)
             : op == "or" ? b_.CreateOr(a, b)
                          : b_.CreateXor(a, b));
}

bool IntegerLowering::shift() {
  if (!done() || !count(3))
    return false;
  bool left = inst_.opcode == "shl";
  if (left && !isBits(ptxType_))
    return fl_.unsupported(inst_);
  unsigned width = type_->getIntegerBitWidth();
  Value *a = in(1, type_);
  Value *amount = inU32(2); // always .u32, whatever the shifted type
  if (!a || !amount)
    return false;
  // PTX clamps shift amounts >= the width; LLVM would produce poison.
  Value *tooFar = b_.CreateICmpUGE(amount, b_.getInt32(width));
  if (!left && signed_) {
    Value *clamped =
        b_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, amount, b_.getInt32(width - 1));
    return out(b_.CreateAShr(a, b_.CreateZExtOrTrunc(clamped, type_)));
  }
  Value *safe = b_.CreateSelect(tooFar, b_.getInt32(0), amount);
  safe = b_.CreateZExtOrTrunc(safe, type_);
  Value *shifted = left ? b_.CreateShl(a, safe) : b_.CreateLShr(a, safe);
  return out(b_.CreateSelect(tooFar, constant(type_, 0), shifted));
}

bool IntegerLowering::bitCount() {
  if (!done() || !count(2))
    return false;
  if (ptxType_ != ptx::ScalarType::B32 && ptxType_ != ptx::ScalarType::B64)
    return fl_.unsupported(inst_);
  Value *a = in(1, type_);
  if (!a)
    return false;
  Value *result = inst_.opcode == "popc"
                      ? b_.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, a)
                      : b_.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, a, b_.getFalse());
  return fl_.write(inst_.operands[0], b_.CreateZExtOrTrunc(result, b_.getInt32Ty()));
}

bool IntegerLowering::bitFieldExtract() {
  if (!done() || !count(4))
    return false;
  if (!isSignedOrUnsigned32Or64())
    return fl_.unsupported(inst_);
  unsigned width = type_->getIntegerBitWidth();
  Value *a = in(1, type_);
  Value *pos = inU32(2), *len = inU32(3);
  if (!a || !pos || !len)
    return false;
  auto *i32 = b_.getInt32Ty();
  pos = b_.CreateAnd(pos, 0xff);
  len = b_.CreateAnd(len, 0xff);
  Value *msb = b_.getInt32(width - 1);
  Value *posBeyond = b_.CreateICmpUGT(pos, msb);
  Value *available =
      b_.CreateSelect(posBeyond, b_.getInt32(0), b_.CreateSub(b_.getInt32(width), pos));
  Value *fieldLength = b_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, len, available);
  Value *shifted = b_.CreateSelect(
      posBeyond, constant(type_, 0),
      b_.CreateLShr(a,
                    b_.CreateZExtOrTrunc(b_.CreateSelect(posBeyond, b_.getInt32(0), pos), type_)));
  Value *fullField = b_.CreateICmpUGE(fieldLength, b_.getInt32(width));
  Value *safeLength = b_.CreateSelect(fullField, b_.getInt32(0), fieldLength);
  Value *mask = b_.CreateSelect(
      fullField, llvm::ConstantInt::getAllOnesValue(type_),
      b_.CreateSub(b_.CreateShl(constant(type_, 1), b_.CreateZExtOrTrunc(safeLength, type_)),
                   constant(type_, 1)));
  Value *field = b_.CreateAnd(shifted, mask);
  if (!signed_)
    return out(field);
  // The sign bit is a[min(pos + len - 1, msb)], or 0 when len is 0.
  Value *lastBit = b_.CreateBinaryIntrinsic(
      llvm::Intrinsic::umin, b_.CreateSub(b_.CreateAdd(pos, len), b_.getInt32(1)), msb);
  lastBit = b_.CreateSelect(b_.CreateICmpEQ(len, b_.getInt32(0)), b_.getInt32(0), lastBit);
  Value *signBit =
      b_.CreateTrunc(b_.CreateLShr(a, b_.CreateZExtOrTrunc(lastBit, type_)), b_.getInt1Ty());
  signBit = b_.CreateAnd(signBit, b_.CreateICmpNE(len, llvm::ConstantInt::get(i32, 0)));
  return out(b_.CreateSelect(signBit, b_.CreateOr(field, b_.CreateNot(mask)), field));
}

bool IntegerLowering::bitFieldInsert() {
  if (!done() || !count(5))
    return false;
  if (ptxType_ != ptx::ScalarType::B32 && ptxType_ != ptx::ScalarType::B64)
    return fl_.unsupported(inst_);
  unsigned width = type_->getIntegerBitWidth();
  Value *field = in(1, type_), *base = in(2, type_);
  Value *pos = inU32(3), *len = inU32(4);
  if (!field || !base || !pos || !len)
    return false;
  pos = b_.CreateAnd(pos, 0xff);
  len = b_.CreateAnd(len, 0xff);
  Value *posBeyond = b_.CreateICmpUGT(pos, b_.getInt32(width - 1));
  Value *safePos = b_.CreateSelect(posBeyond, b_.getInt32(0), pos);
  Value *fieldLength = b_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, len,
                                                b_.CreateSub(b_.getInt32(width), safePos));
  Value *fullField = b_.CreateICmpUGE(fieldLength, b_.getInt32(width));
  Value *safeLength = b_.CreateSelect(fullField, b_.getInt32(0), fieldLength);
  Value *lowMask = b_.CreateSelect(
      fullField, llvm::ConstantInt::getAllOnesValue(type_),
      b_.CreateSub(b_.CreateShl(constant(type_, 1), b_.CreateZExtOrTrunc(safeLength, type_)),
                   constant(type_, 1)));
  Value *shiftAmount = b_.CreateZExtOrTrunc(safePos, type_);
  Value *mask = b_.CreateShl(lowMask, shiftAmount);
  Value *inserted = b_.CreateOr(b_.CreateAnd(base, b_.CreateNot(mask)),
                                b_.CreateAnd(b_.CreateShl(field, shiftAmount), mask));
  return out(b_.CreateSelect(posBeyond, base, inserted));
}

// The byte each result byte takes in prmt's special modes, by the selector's two low bits.
// Indexed [mode][selector][result byte].
constexpr uint8_t kPermuteModeBytes[6][4][4] = {
    {{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 6}}, // f4e: forward 4 extract
    {{0, 7, 6, 5}, {1, 0, 7, 6}, {2, 1, 0, 7}, {3, 2, 1, 0}}, // b4e: backward 4 extract
    {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}, // rc8: replicate 8
    {{0, 1, 2, 3}, {1, 1, 2, 3}, {2, 2, 2, 3}, {3, 3, 3, 3}}, // ecl: edge clamp left
    {{0, 0, 0, 0}, {0, 1, 1, 1}, {0, 1, 2, 2}, {0, 1, 2, 3}}, // ecr: edge clamp right
    {{0, 1, 0, 1}, {2, 3, 2, 3}, {0, 1, 0, 1}, {2, 3, 2, 3}}, // rc16: replicate 16
};

bool IntegerLowering::permute() {
  static const std::vector<std::string> kModes = {"f4e", "b4e", "rc8", "ecl", "ecr", "rc16"};
  auto mode = mods_.takeOneOf({"f4e", "b4e", "rc8", "ecl", "ecr", "rc16"});
  if (!done() || !count(4))
    return false;
  if (ptxType_ != ptx::ScalarType::B32)
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = in(2, type_), *selector = in(3, type_);
  if (!a || !b || !selector)
    return false;
  auto *i64 = b_.getInt64Ty();
  Value *bytes = b_.CreateOr(b_.CreateShl(b_.CreateZExt(b, i64), 32), b_.CreateZExt(a, i64));
  auto byteAt = [&](Value *index) {
    return b_.CreateTrunc(
        b_.CreateLShr(bytes, b_.CreateZExt(b_.CreateMul(index, b_.getInt32(8)), i64)),
        b_.getInt8Ty());
  };
  Value *result = b_.getInt32(0);
  if (mode) {
    // The result byte's source, looked up in the mode's table by the selector's two low bits:
    // each table row packed as four 3-bit indices.
    size_t modeIndex = std::find(kModes.begin(), kModes.end(), *mode) - kModes.begin();
    Value *control = b_.CreateAnd(selector, 3);
    for (unsigned i = 0; i < 4; ++i) {
      uint32_t packed = 0;
      for (unsigned row = 0; row < 4; ++row)
        packed |= uint32_t(kPermuteModeBytes[modeIndex][row][i]) << (3 * row);
      Value *index = b_.CreateAnd(
          b_.CreateLShr(b_.getInt32(packed), b_.CreateMul(control, b_.getInt32(3))), 7);
      result =
          b_.CreateOr(result, b_.CreateShl(b_.CreateZExt(byteAt(index), b_.getInt32Ty()), 8 * i));
    }
    return out(result);
  }
  for (unsigned i = 0; i < 4; ++i) {
    Value *nibble = b_.CreateAnd(b_.CreateLShr(selector, 4 * i), 0xf);
    Value *byte = byteAt(b_.CreateAnd(nibble, 7));
    Value *replicateSign = b_.CreateICmpNE(b_.CreateAnd(nibble, 8), b_.getInt32(0));
    byte = b_.CreateSelect(replicateSign, b_.CreateAShr(byte, 7), byte);
    result = b_.CreateOr(result, b_.CreateShl(b_.CreateZExt(byte, b_.getInt32Ty()), 8 * i));
  }
  return out(result);
}

// lop3.b32 d, a, b, c, immLut; and (PTX 8.2) lop3.BoolOp.b32 d|p, a, b, c, immLut, q with
// p = (d != 0) BoolOp q, .BoolOp being .and or .or.
bool IntegerLowering::lop3() {
  auto boolOp = mods_.takeOneOf({"and", "or"});
  if (!done())
    return false;
  if (boolOp.has_value() != inst_.pairedDestination.has_value())
    return fl_.unsupported(inst_);
  if (!count(boolOp ? 6 : 5))
    return false;
  if (ptxType_ != ptx::ScalarType::B32 || inst_.operands[4].kind != ptx::Operand::Kind::IntImm)
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = in(2, type_), *c = in(3, type_);
  if (!a || !b || !c)
    return false;
  uint64_t table = inst_.operands[4].intValue & 0xff;
  // Bit i of the table is the result for a = i>>2 & 1, b = i>>1 & 1, c = i & 1.
  Value *result = b_.getInt32(0);
  for (unsigned i = 0; i < 8; ++i) {
    if (!((table >> i) & 1))
      continue;
    Value *term =
        b_.CreateAnd(b_.CreateAnd(i & 4 ? a : b_.CreateNot(a), i & 2 ? b : b_.CreateNot(b)),
                     i & 1 ? c : b_.CreateNot(c));
    result = b_.CreateOr(result, term);
  }
  if (boolOp) {
    Value *q = fl_.readPredicate(inst_.operands[5]);
    if (!q)
      return false;
    Value *nonzero = b_.CreateICmpNE(result, b_.getInt32(0));
    Value *p = *boolOp == "and" ? b_.CreateAnd(nonzero, q) : b_.CreateOr(nonzero, q);
    if (!fl_.write(*inst_.pairedDestination, p))
      return false;
  }
  return out(result);
}

bool IntegerLowering::funnelShift() {
  auto direction = mods_.takeOneOf({"l", "r"});
  auto mode = mods_.takeOneOf({"wrap", "clamp"});
  if (!direction || !mode || !done() || ptxType_ != ptx::ScalarType::B32)
    return fl_.unsupported(inst_);
  if (!count(4))
    return false;
  Value *a = in(1, type_), *b = in(2, type_), *amount = inU32(3);
  if (!a || !b || !amount)
    return false;
  bool left = *direction == "l";
  if (*mode == "wrap") {
    amount = b_.CreateAnd(amount, 31);
    return out(b_.CreateIntrinsic(left ? llvm::Intrinsic::fshl : llvm::Intrinsic::fshr, {type_},
                                  {b, a, amount}));
  }
  Value *full = b_.CreateICmpUGE(amount, b_.getInt32(32));
  Value *shifted = b_.CreateIntrinsic(left ? llvm::Intrinsic::fshl : llvm::Intrinsic::fshr, {type_},
                                      {b, a, amount});
  return out(b_.CreateSelect(full, left ? a : b, shifted));
}

bool IntegerLowering::bitFind() {
  bool shiftAmount = mods_.take("shiftamt");
  if (!done() || !count(2))
    return false;
  if (!isSignedOrUnsigned32Or64())
    return fl_.unsupported(inst_);
  unsigned width = type_->getIntegerBitWidth();
  Value *a = in(1, type_);
  if (!a)
    return false;
  // For negative signed values the most significant non-sign bit is the msb of ~a.
  if (signed_)
    a = b_.CreateSelect(b_.CreateICmpSLT(a, constant(type_, 0)), b_.CreateNot(a), a);
  Value *leading = b_.CreateTrunc(b_.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, a, b_.getFalse()),
                                  b_.getInt32Ty());
  Value *none = b_.CreateICmpEQ(a, constant(type_, 0));
  Value *result = shiftAmount ? leading : b_.CreateSub(b_.getInt32(width - 1), leading);
  return fl_.write(inst_.operands[0], b_.CreateSelect(none, b_.getInt32(0xffffffffu), result));
}

// fns.b32 d, mask, base, offset: the position of the offset-th set bit of mask counting up from
// bit base (down for a negative offset; offset 0 tests bit base itself), or 0xffffffff.
bool IntegerLowering::findNthSet() {
  if (!done() || !count(4) || ptxType_ != ptx::ScalarType::B32)
    return fl_.unsupported(inst_);
  Value *mask = in(1, type_), *base = inU32(2), *offset = inU32(3);
  if (!mask || !base || !offset)
    return false;
  // Walk the 32 candidate positions, counting set bits in the walk's direction.
  Value *found = b_.getInt32(0xffffffffu);
  Value *negative = b_.CreateICmpSLT(offset, b_.getInt32(0));
  Value *wanted = b_.CreateSelect(negative, b_.CreateNeg(offset), offset);
  Value *zeroOffset = b_.CreateICmpEQ(offset, b_.getInt32(0));
  wanted = b_.CreateSelect(zeroOffset, b_.getInt32(1), wanted);
  Value *seen = b_.getInt32(0);
  Value *baseInside = b_.CreateICmpULT(base, b_.getInt32(32));
  for (int step = 0; step < 32; ++step) {
    Value *position = b_.CreateSelect(negative, b_.CreateSub(base, b_.getInt32(step)),
                                      b_.CreateAdd(base, b_.getInt32(step)));
    // Once outside 0..31 the walk stops (the ISA's loop), and it starts only from a valid base.
    Value *inside = b_.CreateAnd(b_.CreateICmpULT(position, b_.getInt32(32)), baseInside);
    if (step > 0) // offset 0 looks at bit base only
      inside = b_.CreateAnd(inside, b_.CreateNot(zeroOffset));
    Value *bit = b_.CreateTrunc(
        b_.CreateLShr(mask, b_.CreateSelect(inside, position, b_.getInt32(0))), b_.getInt1Ty());
    Value *counts = b_.CreateAnd(inside, bit);
    seen = b_.CreateAdd(seen, b_.CreateZExt(counts, b_.getInt32Ty()));
    Value *hit = b_.CreateAnd(counts, b_.CreateICmpEQ(seen, wanted));
    hit = b_.CreateAnd(hit, b_.CreateICmpEQ(found, b_.getInt32(0xffffffffu)));
    found = b_.CreateSelect(hit, position, found);
  }
  return out(found);
}

// bmsk.{clamp,wrap}.b32 d, a, b: a mask of b bits starting at bit a (PTX ISA's pseudocode).
bool IntegerLowering::bitMask() {
  auto mode = mods_.takeOneOf({"clamp", "wrap"});
  if (!mode || !done() || !count(3) || ptxType_ != ptx::ScalarType::B32)
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = in(2, type_);
  if (!a || !b)
    return false;
  Value *ones = b_.getInt32(0xffffffffu), *zero = b_.getInt32(0);
  Value *a1 = b_.CreateAnd(a, 31), *b1 = b_.CreateAnd(b, 31);
  Value *sum = b_.CreateAdd(a1, b1);
  Value *overflow = b_.CreateICmpUGE(sum, b_.getInt32(32));
  Value *mask0 = b_.CreateShl(ones, a1);
  Value *mask1 = b_.CreateShl(ones, b_.CreateAnd(sum, 31));
  if (*mode == "clamp") {
    Value *positionOverflow = b_.CreateICmpUGE(a, b_.getInt32(32));
    mask0 = b_.CreateSelect(positionOverflow, zero, mask0);
    overflow =
        b_.CreateOr(overflow, b_.CreateOr(positionOverflow, b_.CreateICmpUGE(b, b_.getInt32(32))));
  }
  mask1 = b_.CreateSelect(overflow, zero, b_.CreateSelect(b_.CreateICmpEQ(b1, zero), ones, mask1));
  return out(b_.CreateAnd(mask0, b_.CreateNot(mask1)));
}

// szext.{clamp,wrap}.{s32,u32} d, a, b: the low b bits of a, sign- or zero-extended.
bool IntegerLowering::signOrZeroExtend() {
  auto mode = mods_.takeOneOf({"clamp", "wrap"});
  if (!mode || !done() || !count(3) ||
      (ptxType_ != ptx::ScalarType::S32 && ptxType_ != ptx::ScalarType::U32))
    return fl_.unsupported(inst_);
  Value *a = in(1, type_), *b = inU32(2);
  if (!a || !b)
    return false;
  Value *zero = b_.getInt32(0);
  Value *b1 = b_.CreateAnd(b, 31);
  Value *tooLarge =
      *mode == "clamp" ? b_.CreateICmpUGE(b, b_.getInt32(32)) : static_cast<Value *>(b_.getFalse());
  Value *mask = b_.CreateSelect(tooLarge, zero, b_.CreateShl(b_.getInt32(0xffffffffu), b1));
  Value *sign = b_.getFalse();
  if (signed_) {
    Value *signPosition = b_.CreateAnd(b_.CreateSub(b1, b_.getInt32(1)), 31);
    sign = b_.CreateTrunc(b_.CreateLShr(a, signPosition), b_.getInt1Ty());
    sign = b_.CreateAnd(sign, b_.CreateAnd(b_.CreateICmpNE(b1, zero), b_.CreateNot(tooLarge)));
  }
  return out(b_.CreateOr(b_.CreateAnd(a, b_.CreateNot(mask)), b_.CreateSelect(sign, mask, zero)));
}

// dp4a.atype.btype d, a, b, c: c plus the dot product of a's and b's four bytes; dp2a.{lo,hi}:
// c plus the dot product of a's two 16-bit halves with b's bytes 0-1 (.lo) or 2-3 (.hi).
bool IntegerLowering::dotProduct() {
  bool fourWay = inst_.opcode == "dp4a";
  std::optional<std::string> half;
  if (!fourWay)
    half = mods_.takeOneOf({"lo", "hi"});
  auto bType = mods_.takeType(); // the first type was taken by lower() as ptxType_
  if ((!fourWay && !half) || !bType || !done() || !count(4))
    return fl_.unsupported(inst_);
  auto isWord = [](ptx::ScalarType type) {
    return type == ptx::ScalarType::U32 || type == ptx::ScalarType::S32;
  };
  if (!isWord(ptxType_) || !isWord(*bType))
    return fl_.unsupported(inst_);
  auto *i32 = b_.getInt32Ty();
  Value *a = inU32(1), *b = inU32(2), *c = inU32(3);
  if (!a || !b || !c)
    return false;
  auto element = [&](Value *word, unsigned bits, unsigned index, bool isSigned) {
    Value *part = b_.CreateTrunc(b_.CreateLShr(word, bits * index), b_.getIntNTy(bits));
    return isSigned ? b_.CreateSExt(part, i32) : b_.CreateZExt(part, i32);
  };
  bool aSigned = isSigned(ptxType_), bSigned = isSigned(*bType);
  Value *sum = c;
  for (unsigned i = 0; i < (fourWay ? 4u : 2u); ++i) {
    Value *x = element(a, fourWay ? 8 : 16, i, aSigned);
    Value *y = element(b, 8, (!fourWay && *half == "hi" ? 2 : 0) + i, bSigned);
    sum = b_.CreateAdd(sum, b_.CreateMul(x, y));
  }
  return fl_.write(inst_.operands[0], sum);
}

} // namespace

LoweringResult lowerIntegerInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  static const std::set<std::string> kOpcodes{
      "add",   "sub", "mul",  "mad",  "div",   "rem",   "abs",  "neg",  "min",  "max",
      "and",   "or",  "xor",  "not",  "cnot",  "shl",   "shr",  "popc", "clz",  "brev",
      "bfe",   "bfi", "prmt", "lop3", "shf",   "bfind", "addc", "subc", "madc", "mul24",
      "mad24", "sad", "fns",  "bmsk", "szext", "dp4a",  "dp2a"};
  if (!kOpcodes.count(inst.opcode))
    return std::nullopt;
  if (isSharedArithmetic(inst.opcode)) {
    auto type = lastType(inst);
    if (type && (isFloat(*type) || isFloatPair(*type)))
      return std::nullopt;
  }
  return IntegerLowering(fl, inst).lower();
}

} // namespace cuport::lower
