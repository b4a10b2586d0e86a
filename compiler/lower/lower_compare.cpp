// Comparison and selection: setp, set, selp, slct, on integer, f32/f64 and half-precision
// (f16, bf16 and their packed pairs) operands.
#include "compiler/lower/float_semantics.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace cuport::lower {
namespace {

using llvm::CmpInst;
using llvm::Value;

std::optional<CmpInst::Predicate> integerPredicate(const std::string &op, bool isSignedType) {
  static const std::map<std::string, std::pair<CmpInst::Predicate, CmpInst::Predicate>> kOps{
      {"eq", {CmpInst::ICMP_EQ, CmpInst::ICMP_EQ}},
      {"ne", {CmpInst::ICMP_NE, CmpInst::ICMP_NE}},
      {"lt", {CmpInst::ICMP_SLT, CmpInst::ICMP_ULT}},
      {"le", {CmpInst::ICMP_SLE, CmpInst::ICMP_ULE}},
      {"gt", {CmpInst::ICMP_SGT, CmpInst::ICMP_UGT}},
      {"ge", {CmpInst::ICMP_SGE, CmpInst::ICMP_UGE}},
      {"lo", {CmpInst::ICMP_ULT, CmpInst::ICMP_ULT}},
      {"ls", {CmpInst::ICMP_ULE, CmpInst::ICMP_ULE}},
      {"hi", {CmpInst::ICMP_UGT, CmpInst::ICMP_UGT}},
      {"hs", {CmpInst::ICMP_UGE, CmpInst::ICMP_UGE}},
  };
  auto it = kOps.find(op);
  if (it == kOps.end())
    return std::nullopt;
  return isSignedType ? it->second.first : it->second.second;
}

std::optional<CmpInst::Predicate> floatPredicate(const std::string &op) {
  static const std::map<std::string, CmpInst::Predicate> kOps{
      {"eq", CmpInst::FCMP_OEQ},  {"ne", CmpInst::FCMP_ONE},  {"lt", CmpInst::FCMP_OLT},
      {"le", CmpInst::FCMP_OLE},  {"gt", CmpInst::FCMP_OGT},  {"ge", CmpInst::FCMP_OGE},
      {"equ", CmpInst::FCMP_UEQ}, {"neu", CmpInst::FCMP_UNE}, {"ltu", CmpInst::FCMP_ULT},
      {"leu", CmpInst::FCMP_ULE}, {"gtu", CmpInst::FCMP_UGT}, {"geu", CmpInst::FCMP_UGE},
      {"num", CmpInst::FCMP_ORD}, {"nan", CmpInst::FCMP_UNO},
  };
  auto it = kOps.find(op);
  if (it == kOps.end())
    return std::nullopt;
  return it->second;
}

bool isHalf(ptx::ScalarType type) {
  return type == ptx::ScalarType::F16 || type == ptx::ScalarType::BF16 || isFloatPair(type);
}
bool isBfloat(ptx::ScalarType type) {
  return type == ptx::ScalarType::BF16 || type == ptx::ScalarType::BF16x2;
}

// A half-precision element (16 bits) as an exact f32. With .ftz a subnormal f16 becomes a zero of
// its sign first.
Value *widenHalf(llvm::IRBuilder<> &b, Value *bits, bool bfloat, bool ftz) {
  if (ftz) {
    Value *subnormal = b.CreateICmpEQ(b.CreateAnd(bits, 0x7c00), b.getInt16(0));
    bits = b.CreateSelect(subnormal, b.CreateAnd(bits, 0x8000), bits);
  }
  if (bfloat) // bf16 is the upper half of an f32
    return b.CreateBitCast(b.CreateShl(b.CreateZExt(bits, b.getInt32Ty()), 16), b.getFloatTy());
  return b.CreateFPExt(b.CreateBitCast(bits, b.getHalfTy()), b.getFloatTy());
}

// The parts setp and set share: a CmpOp b per element (one, or two for the packed half-precision
// pairs, the low half first), and the optional combination with c.
struct Comparison {
  std::vector<Value *> compares;
  std::optional<std::string> boolOp;
  Value *combineWith = nullptr; // c
};

std::optional<Comparison> compare(FunctionLowering &fl, const ptx::Instruction &inst,
                                  Modifiers &mods, ptx::ScalarType type, size_t firstSource) {
  auto &b = fl.builder();
  auto op = mods.takeOneOf({"eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ",
                            "neu", "ltu", "leu", "gtu", "geu", "num", "nan"});
  Comparison result;
  result.boolOp = mods.takeOneOf({"and", "or", "xor"});
  bool ftz = mods.take("ftz");
  // .ftz applies to f32 and f16 operands; bf16 has no subnormal flushing.
  bool ftzAllowed = type == ptx::ScalarType::F32 || type == ptx::ScalarType::F16 ||
                    type == ptx::ScalarType::F16x2;
  if (!op || !mods.allTaken() || (ftz && !ftzAllowed)) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  size_t operands = firstSource + 2 + (result.boolOp ? 1 : 0);
  if (!fl.expectOperands(inst, operands))
    return std::nullopt;
  if (isHalf(type)) {
    auto predicate = floatPredicate(*op);
    if (!predicate) {
      fl.unsupported(inst);
      return std::nullopt;
    }
    bool pair = isFloatPair(type);
    llvm::Type *registerType = b.getIntNTy(pair ? 32 : 16);
    Value *lhs = fl.read(inst.operands[firstSource], registerType);
    Value *rhs = fl.read(inst.operands[firstSource + 1], registerType);
    if (!lhs || !rhs)
      return std::nullopt;
    for (unsigned lane = 0; lane < (pair ? 2u : 1u); ++lane) {
      auto element = [&](Value *reg) {
        Value *bits = pair ? b.CreateTrunc(b.CreateLShr(reg, 16 * lane), b.getInt16Ty()) : reg;
        return widenHalf(b, bits, isBfloat(type), ftz);
      };
      result.compares.push_back(b.CreateFCmp(*predicate, element(lhs), element(rhs)));
    }
  } else {
    llvm::Type *llvmType = llvmTypeOf(fl.context(), type);
    Value *lhs = fl.read(inst.operands[firstSource], llvmType);
    Value *rhs = fl.read(inst.operands[firstSource + 1], llvmType);
    if (!lhs || !rhs)
      return std::nullopt;
    if (type == ptx::ScalarType::F32 || type == ptx::ScalarType::F64) {
      auto predicate = floatPredicate(*op);
      if (!predicate) {
        fl.unsupported(inst);
        return std::nullopt;
      }
      if (ftz) {
        lhs = flushDenormal(b, lhs);
        rhs = flushDenormal(b, rhs);
      }
      result.compares.push_back(b.CreateFCmp(*predicate, lhs, rhs));
    } else {
      auto predicate = isFloat(type) ? std::nullopt : integerPredicate(*op, isSigned(type));
      // The bit-size types compare for equality only; lo/ls/hi/hs are for unsigned operands.
      bool orderedOnBits = isBits(type) && *op != "eq" && *op != "ne";
      bool unsignedOpOnSigned =
          isSigned(type) && (*op == "lo" || *op == "ls" || *op == "hi" || *op == "hs");
      if (!predicate || orderedOnBits || unsignedOpOnSigned || bitsOf(type) < 16 ||
          bitsOf(type) > 64) {
        fl.unsupported(inst);
        return std::nullopt;
      }
      result.compares.push_back(b.CreateICmp(*predicate, lhs, rhs));
    }
  }
  if (result.boolOp) {
    result.combineWith = fl.readPredicate(inst.operands[firstSource + 2]);
    if (!result.combineWith)
      return std::nullopt;
  }
  return result;
}

Value *combine(llvm::IRBuilder<> &b, const Comparison &comparison, Value *value) {
  if (!comparison.boolOp)
    return value;
  if (*comparison.boolOp == "and")
    return b.CreateAnd(value, comparison.combineWith);
  if (*comparison.boolOp == "or")
    return b.CreateOr(value, comparison.combineWith);
  return b.CreateXor(value, comparison.combineWith);
}

// setp.CmpOp{.BoolOp}.type p{|q}, a, b{, c}: q is the complement (a CmpOp b negated, then combined)
// for the scalar types; the packed pairs write p from the low halves and q from the high halves,
// and the scalar half types write p only.
bool lowerSetp(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto type = mods.takeType();
  if (!type || (inst.pairedDestination && isHalf(*type) && !isFloatPair(*type)))
    return fl.unsupported(inst);
  auto comparison = compare(fl, inst, mods, *type, 1);
  if (!comparison)
    return false;
  auto &b = fl.builder();
  const auto &compares = comparison->compares;
  bool ok = fl.write(inst.operands[0], combine(b, *comparison, compares[0]));
  if (inst.pairedDestination) {
    Value *second = compares.size() == 2 ? compares[1] : b.CreateNot(compares[0]);
    ok &= fl.write(*inst.pairedDestination, combine(b, *comparison, second));
  }
  return ok;
}

// Whether set accepts this destination and source type pair (PTX ISA 9.7.7.1 and 9.7.9.1): .u32,
// .s32 and .f32 from the integer and f32/f64 types, .f16 and .bf16 from those and the halves,
// .u16/.s16/.u32/.s32 from a scalar half, .u32/.s32 or the pair type itself from a pair.
bool setTypesAllowed(ptx::ScalarType destination, ptx::ScalarType source) {
  using ptx::ScalarType;
  bool integerDestination = destination == ScalarType::U32 || destination == ScalarType::S32;
  bool shortDestination = destination == ScalarType::U16 || destination == ScalarType::S16;
  if (isFloatPair(source))
    return integerDestination || destination == source;
  if (source == ScalarType::F16 || source == ScalarType::BF16)
    return integerDestination || shortDestination || destination == ScalarType::BF16 ||
           (destination == ScalarType::F16 && source == ScalarType::F16);
  return integerDestination || destination == ScalarType::F32 || destination == ScalarType::F16 ||
         destination == ScalarType::BF16;
}

// set.CmpOp{.BoolOp}.dtype.stype d, a, b{, c}: d is all ones (integer types) or 1.0 (float types)
// where the combined comparison holds, else 0; from a pair each 16-bit half of d holds its
// element's result (0xffff for the integer types).
bool lowerSet(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto destinationType = mods.takeType();
  auto sourceType = mods.takeType();
  if (!destinationType || !sourceType || !setTypesAllowed(*destinationType, *sourceType) ||
      (isBfloat(*destinationType) && std::ranges::count(inst.modifiers, "ftz")))
    return fl.unsupported(inst);
  auto comparison = compare(fl, inst, mods, *sourceType, 1);
  if (!comparison)
    return false;
  auto &b = fl.builder();
  // The value written where the comparison holds, in the destination's (or element's) width.
  auto trueBits = [&](unsigned bits) -> Value * {
    switch (*destinationType) {
    case ptx::ScalarType::F32:
      return llvm::ConstantFP::get(b.getFloatTy(), 1.0);
    case ptx::ScalarType::F16:
    case ptx::ScalarType::F16x2:
      return b.getInt16(0x3c00);
    case ptx::ScalarType::BF16:
    case ptx::ScalarType::BF16x2:
      return b.getInt16(0x3f80);
    default:
      return b.getInt(llvm::APInt::getAllOnes(bits));
    }
  };
  const auto &compares = comparison->compares;
  if (compares.size() == 1) {
    Value *holds = trueBits(bitsOf(*destinationType));
    Value *truth = combine(b, *comparison, compares[0]);
    return fl.write(inst.operands[0],
                    b.CreateSelect(truth, holds, llvm::Constant::getNullValue(holds->getType())));
  }
  Value *result = b.getInt32(0);
  for (unsigned lane = 0; lane < 2; ++lane) {
    Value *truth = combine(b, *comparison, compares[lane]);
    Value *element = b.CreateSelect(truth, trueBits(16), b.getInt16(0));
    result = b.CreateOr(result, b.CreateShl(b.CreateZExt(element, b.getInt32Ty()), 16 * lane));
  }
  return fl.write(inst.operands[0], result);
}

bool lowerSelp(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto type = mods.takeType();
  // The ISA's selp and slct types are the integer, bit-size, f32 and f64 ones: no halves.
  if (!type || !mods.allTaken() || *type == ptx::ScalarType::Pred || bitsOf(*type) < 16 ||
      bitsOf(*type) > 64 || isHalf(*type))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  llvm::Type *llvmType = llvmTypeOf(fl.context(), *type);
  Value *a = fl.read(inst.operands[1], llvmType);
  Value *b = fl.read(inst.operands[2], llvmType);
  Value *c = fl.readPredicate(inst.operands[3]);
  if (!a || !b || !c)
    return false;
  return fl.write(inst.operands[0], fl.builder().CreateSelect(c, a, b));
}

// slct.dtype.s32 d, a, b, c and slct{.ftz}.dtype.f32: a when c >= 0, else b. A NaN c is not
// >= 0; -0.0 is.
bool lowerSlct(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  bool ftz = mods.take("ftz");
  auto type = mods.takeType();
  auto selectorType = mods.takeType();
  if (!type || !selectorType || !mods.allTaken() || *type == ptx::ScalarType::Pred ||
      bitsOf(*type) < 16 || bitsOf(*type) > 64 || isHalf(*type) ||
      (*selectorType != ptx::ScalarType::S32 && *selectorType != ptx::ScalarType::F32) ||
      (ftz && *selectorType != ptx::ScalarType::F32))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  auto &b = fl.builder();
  llvm::Type *llvmType = llvmTypeOf(fl.context(), *type);
  Value *a = fl.read(inst.operands[1], llvmType);
  Value *other = fl.read(inst.operands[2], llvmType);
  Value *c = fl.read(inst.operands[3], llvmTypeOf(fl.context(), *selectorType));
  if (!a || !other || !c)
    return false;
  Value *choose = nullptr;
  if (*selectorType == ptx::ScalarType::S32) {
    choose = b.CreateICmpSGE(c, b.getInt32(0));
  } else {
    if (ftz)
      c = flushDenormal(b, c);
    choose = b.CreateFCmpOGE(c, llvm::ConstantFP::get(b.getFloatTy(), 0.0));
  }
  return fl.write(inst.operands[0], b.CreateSelect(choose, a, other));
}

} // namespace

LoweringResult lowerCompareInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "setp")
    return lowerSetp(fl, inst);
  if (inst.opcode == "set")
    return lowerSet(fl, inst);
  if (inst.opcode == "selp")
    return lowerSelp(fl, inst);
  if (inst.opcode == "slct")
    return lowerSlct(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
