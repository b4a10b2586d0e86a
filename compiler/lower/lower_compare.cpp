// Comparison and selection: setp, set, selp, slct.
#include "compiler/lower/float_semantics.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <map>
#include <string>

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

// The parts setp and set share: the comparison of a and b, and the optional combination with c.
struct Comparison {
  Value *compare = nullptr; // a CmpOp b
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
  if (!op || !mods.allTaken() || (ftz && type != ptx::ScalarType::F32)) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  size_t operands = firstSource + 2 + (result.boolOp ? 1 : 0);
  if (!fl.expectOperands(inst, operands))
    return std::nullopt;
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
    result.compare = b.CreateFCmp(*predicate, lhs, rhs);
  } else {
    auto predicate = isFloat(type) ? std::nullopt : integerPredicate(*op, isSigned(type));
    if (!predicate || bitsOf(type) < 16 || bitsOf(type) > 64) {
      fl.unsupported(inst);
      return std::nullopt;
    }
    result.compare = b.CreateICmp(*predicate, lhs, rhs);
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

bool lowerSetp(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto type = mods.takeType();
  if (!type)
    return fl.unsupported(inst);
  auto comparison = compare(fl, inst, mods, *type, 1);
  if (!comparison)
    return false;
  auto &b = fl.builder();
  bool ok = fl.write(inst.operands[0], combine(b, *comparison, comparison->compare));
  if (inst.pairedDestination)
    ok &= fl.write(*inst.pairedDestination,
                   combine(b, *comparison, b.CreateNot(comparison->compare)));
  return ok;
}

bool lowerSet(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto destinationType = mods.takeType();
  auto sourceType = mods.takeType();
  if (!destinationType || !sourceType ||
      (*destinationType != ptx::ScalarType::U32 && *destinationType != ptx::ScalarType::S32 &&
       *destinationType != ptx::ScalarType::F32))
    return fl.unsupported(inst);
  auto comparison = compare(fl, inst, mods, *sourceType, 1);
  if (!comparison)
    return false;
  auto &b = fl.builder();
  Value *truth = combine(b, *comparison, comparison->compare);
  Value *result = *destinationType == ptx::ScalarType::F32
                      ? b.CreateSelect(truth, llvm::ConstantFP::get(b.getFloatTy(), 1.0),
                                       llvm::ConstantFP::get(b.getFloatTy(), 0.0))
                      : b.CreateSelect(truth, b.getInt32(0xffffffffu), b.getInt32(0));
  return fl.write(inst.operands[0], result);
}

bool lowerSelp(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto type = mods.takeType();
  if (!type || !mods.allTaken() || *type == ptx::ScalarType::Pred || bitsOf(*type) < 16 ||
      bitsOf(*type) > 64)
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
      bitsOf(*type) < 16 || bitsOf(*type) > 64 ||
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
