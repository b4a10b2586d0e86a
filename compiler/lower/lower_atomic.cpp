// Atomic read-modify-write: atom (returns the old value) and red (does not), on global, shared
// and generic addresses; scalar and (sm_90) vector forms.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/IR/Instructions.h>

namespace cuport::lower {
namespace {

using llvm::AtomicRMWInst;
using llvm::Value;
using ptx::ScalarType;
using ST = ScalarType;

bool oneOf(ScalarType type, std::initializer_list<ScalarType> types) {
  for (ScalarType t : types)
    if (t == type)
      return true;
  return false;
}

bool isHalfPrecision(ScalarType type) {
  return oneOf(type, {ST::F16, ST::BF16, ST::F16x2, ST::BF16x2});
}

// A read-modify-write no atomicrmw expresses: load, compute, compare-and-swap until no other
// thread changed the value in between. Returns the value the swap replaced.
Value *compareExchangeLoop(FunctionLowering &fl, Value *pointer, llvm::IntegerType *type,
                           llvm::Align align, llvm::AtomicOrdering ordering,
                           llvm::function_ref<Value *(Value *)> update) {
  auto &b = fl.builder();
  auto *initial = b.CreateAlignedLoad(type, pointer, align);
  initial->setAtomic(llvm::AtomicOrdering::Monotonic);
  llvm::BasicBlock *entry = b.GetInsertBlock();
  llvm::BasicBlock *loop = fl.newBlock("atom.loop");
  llvm::BasicBlock *done = fl.newBlock("atom.done");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  llvm::PHINode *old = b.CreatePHI(type, 2, "atom.old");
  old->addIncoming(initial, entry);
  Value *replacement = update(old);
  llvm::AtomicOrdering failure =
      ordering == llvm::AtomicOrdering::Acquire || ordering == llvm::AtomicOrdering::AcquireRelease
          ? llvm::AtomicOrdering::Acquire
          : llvm::AtomicOrdering::Monotonic;
  auto *exchange = b.CreateAtomicCmpXchg(pointer, old, replacement, align, ordering, failure);
  Value *seen = b.CreateExtractValue(exchange, 0);
  old->addIncoming(seen, b.GetInsertBlock());
  b.CreateCondBr(b.CreateExtractValue(exchange, 1), done, loop);
  b.SetInsertPoint(done);
  return seen;
}

// The canonical NaN PTX's half-precision arithmetic produces.
constexpr uint16_t kCanonicalHalfNaN = 0x7fff;

// a + b for f16 or bf16 bit patterns (i16), rounded to nearest even without flushing subnormals
// (.noftz). Computed in f32: its 24-bit significand holds the exact sum closely enough that
// rounding twice gives the correctly rounded half result (24 >= 2 * 11 + 2).
Value *addHalf(llvm::IRBuilder<> &b, Value *lhs, Value *rhs, bool isBfloat) {
  llvm::Type *f32 = b.getFloatTy();
  auto widen = [&](Value *bits) -> Value * {
    if (isBfloat) // bf16 is the top half of an f32
      return b.CreateBitCast(b.CreateShl(b.CreateZExt(bits, b.getInt32Ty()), 16), f32);
    return b.CreateFPExt(b.CreateBitCast(bits, b.getHalfTy()), f32);
  };
  Value *sum = b.CreateFAdd(widen(lhs), widen(rhs));
  Value *narrowed;
  if (isBfloat) {
    // Round to nearest even on the 16 bits that go away.
    Value *bits = b.CreateBitCast(sum, b.getInt32Ty());
    Value *odd = b.CreateAnd(b.CreateLShr(bits, 16), 1);
    Value *rounded = b.CreateAdd(bits, b.CreateAdd(b.getInt32(0x7fff), odd));
    narrowed = b.CreateTrunc(b.CreateLShr(rounded, 16), b.getInt16Ty());
  } else {
    narrowed = b.CreateBitCast(b.CreateFPTrunc(sum, b.getHalfTy()), b.getInt16Ty());
  }
  Value *isNaN = b.CreateFCmpUNO(sum, sum);
  return b.CreateSelect(isNaN, b.getInt16(kCanonicalHalfNaN), narrowed);
}

// atom.add.noftz on f16 / bf16 (i16) or f16x2 / bf16x2 (i32, two halves added independently).
Value *atomicAddHalf(FunctionLowering &fl, Value *pointer, Value *operand, ScalarType type,
                     llvm::AtomicOrdering ordering) {
  auto &b = fl.builder();
  bool isBfloat = type == ST::BF16 || type == ST::BF16x2;
  bool isPair = type == ST::F16x2 || type == ST::BF16x2;
  auto *intType = isPair ? b.getInt32Ty() : b.getInt16Ty();
  return compareExchangeLoop(
      fl, pointer, intType, llvm::Align(isPair ? 4 : 2), ordering, [&](Value *old) -> Value * {
        if (!isPair)
          return addHalf(b, old, operand, isBfloat);
        auto half = [&](Value *pair, unsigned index) {
          return b.CreateTrunc(b.CreateLShr(pair, index * 16), b.getInt16Ty());
        };
        Value *low = addHalf(b, half(old, 0), half(operand, 0), isBfloat);
        Value *high = addHalf(b, half(old, 1), half(operand, 1), isBfloat);
        return b.CreateOr(b.CreateZExt(low, b.getInt32Ty()),
                          b.CreateShl(b.CreateZExt(high, b.getInt32Ty()), 16));
      });
}

struct AtomicOperation {
  std::string op;
  ScalarType type = ST::None;
  AtomicRMWInst::BinOp binOp = AtomicRMWInst::BAD_BINOP;
  bool halfAdd = false; // add.noftz on a half-precision type: a compare-and-swap loop
};

// Which operations PTX defines on which types; nullopt for a combination it does not.
std::optional<AtomicOperation> classify(const std::string &o, ScalarType type, bool noftz) {
  AtomicOperation op{o, type};
  bool typeOk = false;
  if (noftz && !(o == "add" && isHalfPrecision(type)))
    return std::nullopt;
  if (o == "and" || o == "or" || o == "xor") {
    typeOk = oneOf(type, {ST::B32, ST::B64});
    op.binOp = o == "and" ? AtomicRMWInst::And : o == "or" ? AtomicRMWInst::Or : AtomicRMWInst::Xor;
  } else if (o == "cas") {
    typeOk = oneOf(type, {ST::B16, ST::B32, ST::B64, ST::B128}); // b128: sm_90
  } else if (o == "exch") {
    typeOk = oneOf(type, {ST::B32, ST::B64, ST::B128});
    op.binOp = AtomicRMWInst::Xchg;
  } else if (o == "add") {
    if (isHalfPrecision(type)) {
      // Half-precision atomic adds exist only as .noftz.
      typeOk = noftz;
      op.halfAdd = true;
    } else {
      typeOk = oneOf(type, {ST::U32, ST::S32, ST::U64, ST::F32, ST::F64});
      op.binOp = isFloat(type) ? AtomicRMWInst::FAdd : AtomicRMWInst::Add;
    }
  } else if (o == "inc" || o == "dec") {
    // PTX: inc gives (old >= b) ? 0 : old + 1; dec gives (old == 0 || old > b) ? b : old - 1,
    // exactly LLVM's uinc_wrap / udec_wrap.
    typeOk = type == ST::U32;
    op.binOp = o == "inc" ? AtomicRMWInst::UIncWrap : AtomicRMWInst::UDecWrap;
  } else {
    typeOk = oneOf(type, {ST::U32, ST::S32, ST::U64, ST::S64});
    bool isMin = o == "min";
    op.binOp = isSigned(type) ? (isMin ? AtomicRMWInst::Min : AtomicRMWInst::Max)
                              : (isMin ? AtomicRMWInst::UMin : AtomicRMWInst::UMax);
  }
  if (!typeOk)
    return std::nullopt;
  return op;
}

// One atomic update of the element at `pointer`; returns the old value.
Value *emitAtomic(FunctionLowering &fl, const AtomicOperation &op, Value *pointer, Value *operand,
                  Value *replacement, llvm::AtomicOrdering ordering) {
  auto &b = fl.builder();
  llvm::Align align(byteSizeOf(op.type));
  if (op.halfAdd)
    return atomicAddHalf(fl, pointer, operand, op.type, ordering);
  if (op.op == "cas") {
    llvm::AtomicOrdering failure = ordering == llvm::AtomicOrdering::Acquire ||
                                           ordering == llvm::AtomicOrdering::AcquireRelease
                                       ? llvm::AtomicOrdering::Acquire
                                       : llvm::AtomicOrdering::Monotonic;
    auto *exchange = b.CreateAtomicCmpXchg(pointer, operand, replacement, align, ordering, failure);
    return b.CreateExtractValue(exchange, 0);
  }
  return b.CreateAtomicRMW(op.binOp, pointer, operand, align, ordering);
}

bool lowerAtomic(FunctionLowering &fl, const ptx::Instruction &inst) {
  bool returnsOld = inst.opcode == "atom";
  Modifiers mods(inst.modifiers);
  auto semantics = mods.takeOneOf({"relaxed", "acquire", "release", "acq_rel"});
  // Scopes narrower than the system only weaken the guarantee; system scope is always right.
  mods.takeOneOf({"cta", "cluster", "gpu", "sys"});
  // A cluster is one CTA (docs/execution-model.md): its shared window is the CTA's.
  ptx::StateSpace space =
      mods.take("shared::cluster") ? ptx::StateSpace::Shared : mods.takeStateSpace();
  auto opName =
      mods.takeOneOf({"and", "or", "xor", "cas", "exch", "add", "inc", "dec", "min", "max"});
  bool noftz = mods.take("noftz");
  // An L2 eviction-policy hint: it steers the cache only, but brings an operand of its own.
  bool cacheHint = mods.take("L2::cache_hint");
  uint32_t width = mods.takeVectorWidth();
  auto type = mods.takeType();
  if (!opName || !type || !mods.allTaken() ||
      (space != ptx::StateSpace::None && space != ptx::StateSpace::Global &&
       space != ptx::StateSpace::Shared) ||
      (!returnsOld && (*opName == "cas" || *opName == "exch")) ||
      // red has no load half to acquire with: .relaxed and .release only.
      (!returnsOld && (semantics == "acquire" || semantics == "acq_rel")))
    return fl.unsupported(inst);
  std::optional<AtomicOperation> op = classify(*opName, *type, noftz);
  // Vector atomics (sm_90) are global-only: .v2/.v4 f32 add; .v2/.v4/.v8 f16 / bf16 and
  // .v2/.v4 f16x2 / bf16x2 add.noftz. Each element is updated atomically on its own.
  if (op && width > 1) {
    bool vectorOk = space != ptx::StateSpace::Shared && op->op == "add" &&
                    ((*type == ST::F32 && width <= 4) ||
                     ((*type == ST::F16 || *type == ST::BF16) && width <= 8) ||
                     ((*type == ST::F16x2 || *type == ST::BF16x2) && width <= 4));
    if (!vectorOk)
      op.reset();
  }
  if (!op)
    return fl.unsupported(inst);

  size_t first = returnsOld ? 1 : 0;
  size_t valueOperands = op->op == "cas" ? 2 : 1;
  if (!fl.expectOperands(inst, first + 1 + valueOperands + (cacheHint ? 1 : 0)))
    return false;
  llvm::AtomicOrdering ordering = llvm::AtomicOrdering::Monotonic;
  if (semantics == "acquire")
    ordering = llvm::AtomicOrdering::Acquire;
  else if (semantics == "release")
    ordering = llvm::AtomicOrdering::Release;
  else if (semantics == "acq_rel")
    ordering = llvm::AtomicOrdering::AcquireRelease;

  auto &b = fl.builder();
  if (cacheHint && !fl.read(inst.operands.back(), b.getInt64Ty()))
    return false;
  llvm::Type *valueType = isHalfPrecision(*type)
                              ? llvm::IntegerType::get(fl.context(), bitsOf(*type))
                              : llvmTypeOf(fl.context(), *type);
  Value *pointer = fl.address(inst.operands[first], *addressSpaceOf(space));
  if (!pointer)
    return false;
  Extend extend = isSigned(*type) ? Extend::Sign : Extend::Zero;

  if (width == 1) {
    Value *operand = fl.read(inst.operands[first + 1], valueType);
    Value *replacement = op->op == "cas" ? fl.read(inst.operands[first + 2], valueType) : nullptr;
    if (!operand || (op->op == "cas" && !replacement))
      return false;
    Value *old = emitAtomic(fl, *op, pointer, operand, replacement, ordering);
    return !returnsOld || fl.write(inst.operands[0], old, extend);
  }

  const ptx::Operand &source = inst.operands[first + 1];
  if (source.kind != ptx::Operand::Kind::Vector || source.elements.size() != width)
    return fl.error(source.loc, "vector atomic needs " + std::to_string(width) + " operands");
  if (returnsOld && (inst.operands[0].kind != ptx::Operand::Kind::Vector ||
                     inst.operands[0].elements.size() != width))
    return fl.error(inst.operands[0].loc,
                    "vector atomic needs " + std::to_string(width) + " destinations");
  bool ok = true;
  for (uint32_t i = 0; i < width; ++i) {
    Value *operand = fl.read(source.elements[i], valueType);
    if (!operand)
      return false;
    Value *element = b.CreateConstGEP1_64(valueType, pointer, i);
    Value *old = emitAtomic(fl, *op, element, operand, nullptr, ordering);
    if (returnsOld && inst.operands[0].elements[i].kind != ptx::Operand::Kind::Sink)
      ok &= fl.write(inst.operands[0].elements[i], old, extend);
  }
  return ok;
}

} // namespace

LoweringResult lowerAtomicInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "atom" || inst.opcode == "red")
    return lowerAtomic(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
