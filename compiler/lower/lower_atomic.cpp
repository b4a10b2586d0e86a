// Atomic read-modify-write: atom (returns the old value) and red (does not), on global, shared
// and generic addresses.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Instructions.h>

namespace cuport::lower {
namespace {

using llvm::AtomicRMWInst;
using llvm::Value;
using ptx::ScalarType;

bool oneOf(ScalarType type, std::initializer_list<ScalarType> types) {
  for (ScalarType t : types)
    if (t == type)
      return true;
  return false;
}

bool lowerAtomic(FunctionLowering &fl, const ptx::Instruction &inst) {
  bool returnsOld = inst.opcode == "atom";
  Modifiers mods(inst.modifiers);
  auto semantics = mods.takeOneOf({"relaxed", "acquire", "release", "acq_rel"});
  // Scopes narrower than the system only weaken the guarantee; system scope is always right.
  mods.takeOneOf({"cta", "cluster", "gpu", "sys"});
  ptx::StateSpace space = mods.takeStateSpace();
  auto op = mods.takeOneOf({"and", "or", "xor", "cas", "exch", "add", "inc", "dec", "min", "max"});
  auto type = mods.takeType();
  if (!op || !type || !mods.allTaken() ||
      (space != ptx::StateSpace::None && space != ptx::StateSpace::Global &&
       space != ptx::StateSpace::Shared) ||
      (!returnsOld && (*op == "cas" || *op == "exch")))
    return fl.unsupported(inst);

  bool typeOk = false;
  AtomicRMWInst::BinOp binOp = AtomicRMWInst::BAD_BINOP;
  const std::string &o = *op;
  using ST = ScalarType;
  if (o == "and" || o == "or" || o == "xor") {
    typeOk = oneOf(*type, {ST::B32, ST::B64});
    binOp = o == "and" ? AtomicRMWInst::And : o == "or" ? AtomicRMWInst::Or : AtomicRMWInst::Xor;
  } else if (o == "cas") {
    typeOk = oneOf(*type, {ST::B16, ST::B32, ST::B64});
  } else if (o == "exch") {
    typeOk = oneOf(*type, {ST::B32, ST::B64});
    binOp = AtomicRMWInst::Xchg;
  } else if (o == "add") {
    typeOk = oneOf(*type, {ST::U32, ST::S32, ST::U64, ST::F32, ST::F64});
    binOp = isFloat(*type) ? AtomicRMWInst::FAdd : AtomicRMWInst::Add;
  } else if (o == "inc" || o == "dec") {
    // PTX: inc gives (old >= b) ? 0 : old + 1; dec gives (old == 0 || old > b) ? b : old - 1,
    // exactly LLVM's uinc_wrap / udec_wrap.
    typeOk = *type == ST::U32;
    binOp = o == "inc" ? AtomicRMWInst::UIncWrap : AtomicRMWInst::UDecWrap;
  } else {
    typeOk = oneOf(*type, {ST::U32, ST::S32, ST::U64, ST::S64});
    bool isMin = o == "min";
    binOp = isSigned(*type) ? (isMin ? AtomicRMWInst::Min : AtomicRMWInst::Max)
                            : (isMin ? AtomicRMWInst::UMin : AtomicRMWInst::UMax);
  }
  if (!typeOk)
    return fl.unsupported(inst);

  size_t first = returnsOld ? 1 : 0;
  if (!fl.expectOperands(inst, first + (o == "cas" ? 3 : 2)))
    return false;
  llvm::AtomicOrdering ordering = llvm::AtomicOrdering::Monotonic;
  if (semantics == "acquire")
    ordering = llvm::AtomicOrdering::Acquire;
  else if (semantics == "release")
    ordering = llvm::AtomicOrdering::Release;
  else if (semantics == "acq_rel")
    ordering = llvm::AtomicOrdering::AcquireRelease;

  auto &b = fl.builder();
  llvm::Type *valueType = llvmTypeOf(fl.context(), *type);
  Value *pointer = fl.address(inst.operands[first], *addressSpaceOf(space));
  Value *operand = fl.read(inst.operands[first + 1], valueType);
  if (!pointer || !operand)
    return false;
  llvm::Align align(byteSizeOf(*type));
  Value *old = nullptr;
  if (o == "cas") {
    Value *replacement = fl.read(inst.operands[first + 2], valueType);
    if (!replacement)
      return false;
    llvm::AtomicOrdering failure = ordering == llvm::AtomicOrdering::Acquire ||
                                           ordering == llvm::AtomicOrdering::AcquireRelease
                                       ? llvm::AtomicOrdering::Acquire
                                       : llvm::AtomicOrdering::Monotonic;
    auto *exchange = b.CreateAtomicCmpXchg(pointer, operand, replacement, align, ordering, failure);
    old = b.CreateExtractValue(exchange, 0);
  } else {
    old = b.CreateAtomicRMW(binOp, pointer, operand, align, ordering);
  }
  if (!returnsOld)
    return true;
  return fl.write(inst.operands[0], old, isSigned(*type) ? Extend::Sign : Extend::Zero);
}

} // namespace

LoweringResult lowerAtomicInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "atom" || inst.opcode == "red")
    return lowerAtomic(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
