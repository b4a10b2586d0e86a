// Loads and stores in every state space: ld, ldu, st (scalar and .v2/.v4/.v8), prefetch.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Instructions.h>

namespace cuport::lower {
namespace {

using llvm::Value;

// Cache operators and eviction priorities only steer caches: they do not change what a load or
// store means, so they are accepted and have no IR.
void takeCacheHints(Modifiers &mods) {
  while (mods.takeOneOf({"ca", "cg", "cs", "lu", "cv", "wb", "wt", "L1::evict_normal",
                         "L1::evict_unchanged", "L1::evict_first", "L1::evict_last",
                         "L1::no_allocate", "L2::evict_normal", "L2::evict_first", "L2::evict_last",
                         "L2::64B", "L2::128B", "L2::256B"}))
    ;
}

struct AccessKind {
  bool isVolatile = false;
  llvm::AtomicOrdering ordering = llvm::AtomicOrdering::NotAtomic;
};

// .weak (the default), .volatile, .relaxed.scope, .acquire.scope / .release.scope.
std::optional<AccessKind> takeAccessKind(Modifiers &mods, bool isLoad) {
  AccessKind kind;
  mods.take("weak");
  if (mods.take("volatile"))
    kind.isVolatile = true;
  auto semantics = mods.takeOneOf({"relaxed", "acquire", "release"});
  auto scope = mods.takeOneOf({"cta", "cluster", "gpu", "sys"});
  if (semantics.has_value() != scope.has_value())
    return std::nullopt;
  if (semantics) {
    if ((*semantics == "acquire" && !isLoad) || (*semantics == "release" && isLoad))
      return std::nullopt;
    // Scopes narrower than the system only weaken the guarantee; system scope is always right.
    kind.ordering = *semantics == "relaxed"   ? llvm::AtomicOrdering::Monotonic
                    : *semantics == "acquire" ? llvm::AtomicOrdering::Acquire
                                              : llvm::AtomicOrdering::Release;
  }
  return kind;
}

struct Access {
  ptx::StateSpace space = ptx::StateSpace::None;
  AccessKind kind;
  uint32_t width = 1;
  ptx::ScalarType type = ptx::ScalarType::None;
};

std::optional<Access> parseAccess(FunctionLowering &fl, const ptx::Instruction &inst, bool isLoad) {
  Modifiers mods(inst.modifiers);
  Access access;
  access.space = mods.takeStateSpace();
  bool nonCoherent = isLoad && mods.take("nc"); // read-only data: any load sees it
  if (nonCoherent && access.space != ptx::StateSpace::Global) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  auto kind = takeAccessKind(mods, isLoad);
  takeCacheHints(mods);
  access.width = mods.takeVectorWidth();
  auto type = mods.takeType();
  if (!kind || !type || !mods.allTaken() || *type == ptx::ScalarType::Pred || bitsOf(*type) > 128 ||
      (kind->ordering != llvm::AtomicOrdering::NotAtomic && access.width > 1)) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  access.kind = *kind;
  access.type = *type;
  if (inst.opcode == "ldu" && access.space != ptx::StateSpace::Global &&
      access.space != ptx::StateSpace::None) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  return access;
}

bool lowerLoad(FunctionLowering &fl, const ptx::Instruction &inst) {
  auto access = parseAccess(fl, inst, /*isLoad=*/true);
  if (!access || !fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  Value *pointer = fl.address(inst.operands[1], *addressSpaceOf(access->space));
  if (!pointer)
    return false;
  llvm::Type *elementType = llvmTypeOf(fl.context(), access->type);
  uint32_t elementSize = byteSizeOf(access->type);
  Extend extend = isSigned(access->type) ? Extend::Sign : Extend::Zero;
  const ptx::Operand &destination = inst.operands[0];
  if (access->width == 1) {
    auto *load = b.CreateAlignedLoad(elementType, pointer, llvm::Align(elementSize),
                                     access->kind.isVolatile);
    if (access->kind.ordering != llvm::AtomicOrdering::NotAtomic)
      load->setAtomic(access->kind.ordering);
    return fl.write(destination, load, extend);
  }
  if (destination.kind != ptx::Operand::Kind::Vector ||
      destination.elements.size() != access->width)
    return fl.error(destination.loc, "vector load needs " + std::to_string(access->width) +
                                         " destination registers");
  auto *vectorType = llvm::FixedVectorType::get(elementType, access->width);
  auto *load = b.CreateAlignedLoad(vectorType, pointer, llvm::Align(elementSize * access->width),
                                   access->kind.isVolatile);
  bool ok = true;
  for (uint32_t i = 0; i < access->width; ++i)
    if (destination.elements[i].kind != ptx::Operand::Kind::Sink)
      ok &= fl.write(destination.elements[i], b.CreateExtractElement(load, i), extend);
  return ok;
}

bool lowerStore(FunctionLowering &fl, const ptx::Instruction &inst) {
  auto access = parseAccess(fl, inst, /*isLoad=*/false);
  if (!access || !fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  Value *pointer = fl.address(inst.operands[0], *addressSpaceOf(access->space));
  if (!pointer)
    return false;
  llvm::Type *elementType = llvmTypeOf(fl.context(), access->type);
  uint32_t elementSize = byteSizeOf(access->type);
  const ptx::Operand &source = inst.operands[1];
  if (access->width == 1) {
    Value *value = fl.read(source, elementType);
    if (!value)
      return false;
    auto *store =
        b.CreateAlignedStore(value, pointer, llvm::Align(elementSize), access->kind.isVolatile);
    if (access->kind.ordering != llvm::AtomicOrdering::NotAtomic)
      store->setAtomic(access->kind.ordering);
    return true;
  }
  if (source.kind != ptx::Operand::Kind::Vector || source.elements.size() != access->width)
    return fl.error(source.loc,
                    "vector store needs " + std::to_string(access->width) + " source registers");
  auto *vectorType = llvm::FixedVectorType::get(elementType, access->width);
  Value *vector = llvm::PoisonValue::get(vectorType);
  for (uint32_t i = 0; i < access->width; ++i) {
    Value *element = fl.read(source.elements[i], elementType);
    if (!element)
      return false;
    vector = b.CreateInsertElement(vector, element, i);
  }
  b.CreateAlignedStore(vector, pointer, llvm::Align(elementSize * access->width),
                       access->kind.isVolatile);
  return true;
}

bool lowerPrefetch(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.takeStateSpace();
  mods.takeOneOf({"L1", "L2", "L2::evict_last", "L2::evict_normal"});
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  // A prefetch only warms caches: nothing to emit.
  return true;
}

} // namespace

LoweringResult lowerMemoryInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "ld" || inst.opcode == "ldu")
    return lowerLoad(fl, inst);
  if (inst.opcode == "st")
    return lowerStore(fl, inst);
  if (inst.opcode == "prefetch" || inst.opcode == "prefetchu")
    return lowerPrefetch(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
