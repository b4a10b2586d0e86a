// Loads and stores in every state space: ld, ldu, st (scalar and .v2/.v4/.v8), prefetch, and the
// asynchronous copies cp.async with their commit and wait groups.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Instructions.h>
#include <llvm/IR/Intrinsics.h>

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
  bool cachePolicy = false; // .L2::cache_hint: a trailing 64-bit cache-policy operand
};

std::optional<Access> parseAccess(FunctionLowering &fl, const ptx::Instruction &inst, bool isLoad) {
  Modifiers mods(inst.modifiers);
  Access access;
  // A cluster is one CTA (docs/execution-model.md): its shared window is the CTA's.
  access.space = mods.take("shared::cluster") ? ptx::StateSpace::Shared : mods.takeStateSpace();
  bool nonCoherent = isLoad && mods.take("nc"); // read-only data: any load sees it
  if (nonCoherent && access.space != ptx::StateSpace::Global) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  // .mmio.relaxed.sys: a strong access to global memory that must happen exactly once, which
  // every access on the CPU backend is.
  bool mmio = mods.take("mmio");
  auto named = [&](std::string_view name) {
    return std::find(inst.modifiers.begin(), inst.modifiers.end(), name) != inst.modifiers.end();
  };
  if (mmio &&
      (!named("relaxed") || !named("sys") ||
       (access.space != ptx::StateSpace::Global && access.space != ptx::StateSpace::None))) {
    fl.unsupported(inst);
    return std::nullopt;
  }
  auto kind = takeAccessKind(mods, isLoad);
  takeCacheHints(mods);
  access.cachePolicy = mods.take("L2::cache_hint");
  access.width = mods.takeVectorWidth();
  auto type = mods.takeType();
  // The ISA's ld/st types are the bit-size, integer, f32 and f64 ones (half-precision values move
  // as .b16/.b32), at most 128 bits to an access before sm_100.
  if (!kind || !type || !mods.allTaken() || *type == ptx::ScalarType::Pred || isFloatPair(*type) ||
      (isFloat(*type) && bitsOf(*type) == 16) || bitsOf(*type) * access.width > 128) {
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

// A .relaxed/.acquire/.release vector access is single-copy atomic per element only (PTX ISA
// memory consistency model), so it becomes one atomic access per element with the access's
// ordering.
Value *elementPointer(llvm::IRBuilder<> &b, llvm::Type *elementType, Value *pointer, uint32_t i) {
  return i == 0 ? pointer : b.CreateConstInBoundsGEP1_32(elementType, pointer, i);
}

bool lowerLoad(FunctionLowering &fl, const ptx::Instruction &inst) {
  auto access = parseAccess(fl, inst, /*isLoad=*/true);
  if (!access || !fl.expectOperands(inst, access->cachePolicy ? 3 : 2))
    return false;
  auto &b = fl.builder();
  // The policy only steers the L2 cache; it is read so that a bad operand is still diagnosed.
  if (access->cachePolicy && !fl.read(inst.operands[2], b.getInt64Ty()))
    return false;
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
  if (access->kind.ordering != llvm::AtomicOrdering::NotAtomic) {
    bool ok = true;
    for (uint32_t i = 0; i < access->width; ++i) {
      auto *load = b.CreateAlignedLoad(elementType, elementPointer(b, elementType, pointer, i),
                                       llvm::Align(elementSize), access->kind.isVolatile);
      load->setAtomic(access->kind.ordering);
      if (destination.elements[i].kind != ptx::Operand::Kind::Sink)
        ok &= fl.write(destination.elements[i], load, extend);
    }
    return ok;
  }
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
  if (!access || !fl.expectOperands(inst, access->cachePolicy ? 3 : 2))
    return false;
  auto &b = fl.builder();
  if (access->cachePolicy && !fl.read(inst.operands[2], b.getInt64Ty()))
    return false;
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
  if (access->kind.ordering != llvm::AtomicOrdering::NotAtomic) {
    std::vector<Value *> elements;
    for (uint32_t i = 0; i < access->width; ++i) {
      elements.push_back(fl.read(source.elements[i], elementType));
      if (!elements.back())
        return false;
    }
    for (uint32_t i = 0; i < access->width; ++i) {
      auto *store = b.CreateAlignedStore(elements[i], elementPointer(b, elementType, pointer, i),
                                         llvm::Align(elementSize), access->kind.isVolatile);
      store->setAtomic(access->kind.ordering);
    }
    return true;
  }
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
  ptx::StateSpace space = mods.takeStateSpace();
  if (mods.take("tensormap")) {
    // prefetch{.const,.param}.tensormap [a] (sm_90): a tensor map, generic, const or param.
    bool tensorMapSpace = space == ptx::StateSpace::None || space == ptx::StateSpace::Const ||
                          space == ptx::StateSpace::Param;
    if (inst.opcode != "prefetch" || !tensorMapSpace)
      return fl.unsupported(inst);
  } else {
    mods.takeOneOf({"L1", "L2", "L2::evict_last", "L2::evict_normal"});
  }
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  // A prefetch only warms caches: nothing to emit.
  return true;
}

// applypriority.global.L2::evict_normal [a], 128 and discard.global.L2 [a], 128 (sm_80): cache
// effects on the 128-byte line at a. The CPU's caches need neither: applypriority only steers
// eviction, and discard leaves the line's contents unspecified, which keeping them satisfies.
bool lowerCacheLineControl(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("global");
  bool level = inst.opcode == "discard" ? mods.take("L2") : mods.take("L2::evict_normal");
  if (!level || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  const ptx::Operand &size = inst.operands[1];
  if (size.kind != ptx::Operand::Kind::IntImm || size.intValue != 128)
    return fl.error(size.loc, "'" + inst.opcode + "' needs the size 128 (one L2 cache line)");
  return true;
}

bool isPredicate(FunctionLowering &fl, const ptx::Operand &operand) {
  if (operand.kind != ptx::Operand::Kind::Register)
    return false;
  ScopeEntry *entry = fl.lookup(operand.name);
  return entry && entry->kind == ScopeEntry::Kind::Register && entry->type &&
         entry->type->isIntegerTy(1);
}

// cp.async.{ca,cg}.shared{::cta}.global [dst], [src], cp-size{, src-size | ignore-src}{, policy}.
// PTX lets the copy happen at any point between the instruction and the wait_group that covers
// it; the CPU backend copies at once, so every later wait finds it complete. Bytes past src-size
// (or all of them when ignore-src is true) are zero-filled.
bool lowerAsyncCopy(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("async");
  bool allowsAnySize = mods.take("ca");
  if (!allowsAnySize && !mods.take("cg"))
    return fl.unsupported(inst);
  ptx::StateSpace destinationSpace = mods.takeStateSpace();
  ptx::StateSpace sourceSpace = mods.takeStateSpace();
  bool cacheHint = mods.take("L2::cache_hint");
  mods.takeOneOf({"L2::64B", "L2::128B", "L2::256B"}); // prefetch sizes: a cache hint
  if (!mods.allTaken() || destinationSpace != ptx::StateSpace::Shared ||
      sourceSpace != ptx::StateSpace::Global)
    return fl.unsupported(inst);
  size_t count = inst.operands.size();
  if (count < 3 || count > 5 || (count == 5 && !cacheHint) || (count == 3 && cacheHint))
    return fl.expectOperands(inst, cacheHint ? 4 : 3);
  const ptx::Operand &size = inst.operands[2];
  uint64_t copySize = size.kind == ptx::Operand::Kind::IntImm ? size.intValue : 0;
  if ((allowsAnySize && copySize != 4 && copySize != 8 && copySize != 16) ||
      (!allowsAnySize && copySize != 16))
    return fl.error(size.loc, allowsAnySize ? "cp.async.ca copies 4, 8 or 16 bytes"
                                            : "cp.async.cg copies 16 bytes");
  auto &b = fl.builder();
  Value *destination = fl.address(inst.operands[0], kShared);
  Value *source = fl.address(inst.operands[1], kGlobal);
  if (!destination || !source)
    return false;
  if (cacheHint && !fl.read(inst.operands.back(), b.getInt64Ty()))
    return false;
  Value *copied = b.getInt64(copySize);
  bool hasSourceSize = count == (cacheHint ? 5u : 4u);
  if (hasSourceSize) {
    const ptx::Operand &extra = inst.operands[3];
    if (isPredicate(fl, extra)) {
      Value *ignore = fl.readPredicate(extra);
      if (!ignore)
        return false;
      copied = b.CreateSelect(ignore, b.getInt64(0), copied);
    } else {
      Value *sourceSize = fl.read(extra, b.getInt32Ty());
      if (!sourceSize)
        return false;
      // A src-size beyond cp-size is undefined in PTX; copying cp-size bytes is one outcome.
      copied = b.CreateZExt(b.CreateBinaryIntrinsic(llvm::Intrinsic::umin, sourceSize,
                                                    b.getInt32(uint32_t(copySize))),
                            b.getInt64Ty());
    }
  }
  b.CreateMemCpy(destination, llvm::MaybeAlign(1), source, llvm::MaybeAlign(1), copied);
  if (hasSourceSize) {
    Value *rest = b.CreateGEP(b.getInt8Ty(), destination, copied);
    b.CreateMemSet(rest, b.getInt8(0), b.CreateSub(b.getInt64(copySize), copied),
                   llvm::MaybeAlign(1));
  }
  return true;
}

// cp.async.commit_group, cp.async.wait_group N, cp.async.wait_all: every copy completed when it
// was issued, so a group is complete as soon as it exists.
bool lowerAsyncCopyGroup(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("async");
  auto kind = mods.takeOneOf({"commit_group", "wait_group", "wait_all"});
  if (!kind || !mods.allTaken())
    return fl.unsupported(inst);
  if (*kind != "wait_group")
    return fl.expectOperands(inst, 0);
  if (!fl.expectOperands(inst, 1))
    return false;
  if (inst.operands[0].kind != ptx::Operand::Kind::IntImm)
    return fl.error(inst.operands[0].loc, "cp.async.wait_group needs an immediate group count");
  return true;
}

// isspacep.space p, a: whether generic address a lies in the state space's window. Shared, local,
// const and param (the kernel's parameters: .param::entry) are intrinsics the backend answers;
// global is every address in none of shared, local and const (the ISA counts kernel parameters
// as global too). A cluster is one CTA (docs/execution-model.md), so .shared::cluster is the
// CTA's shared window.
bool lowerIsSpace(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto space = mods.takeOneOf({"shared", "shared::cta", "shared::cluster", "local", "const",
                               "param", "param::entry", "global"});
  if (!space || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  Value *address = fl.read(inst.operands[1], b.getInt64Ty());
  if (!address)
    return false;
  auto query = [&](std::string_view name) {
    return b.CreateCall(declareIsSpaceAddress(fl.module(), name), {address});
  };
  Value *inside;
  if (space->starts_with("shared"))
    inside = query("shared");
  else if (space->starts_with("param"))
    inside = query("param");
  else if (*space == "global")
    inside = b.CreateNot(b.CreateOr(b.CreateOr(query("shared"), query("local")), query("const")));
  else
    inside = query(*space);
  return fl.write(inst.operands[0], inside);
}

// createpolicy.{fractional,range,cvt}.L2... .b64 d, ...: a cache-eviction policy, an opaque
// value that only .L2::cache_hint operands read. There is no L2 policy to encode on the CPU, so
// every policy is the same value.
bool lowerCreatePolicy(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto form = mods.takeOneOf({"fractional", "range", "cvt"});
  if (!form)
    return fl.unsupported(inst);
  if (*form == "cvt") { // createpolicy.cvt.L2.b64 d, access-property
    if (!mods.take("L2"))
      return fl.unsupported(inst);
  } else { // a primary priority, then optionally a secondary one
    if (*form == "range")
      mods.take("global");
    if (!mods.takeOneOf(
            {"L2::evict_last", "L2::evict_normal", "L2::evict_first", "L2::evict_unchanged"}))
      return fl.unsupported(inst);
    mods.takeOneOf({"L2::evict_first", "L2::evict_unchanged"});
  }
  if (!mods.take("b64") || !mods.allTaken() || inst.operands.empty())
    return fl.unsupported(inst);
  size_t count = inst.operands.size();
  bool countOk = *form == "fractional" ? count <= 2 : *form == "range" ? count == 4 : count == 2;
  if (!countOk)
    return fl.error(inst.loc, "'createpolicy." + *form + "' has the wrong number of operands");
  return fl.write(inst.operands[0], fl.builder().getInt64(0));
}

} // namespace

LoweringResult lowerMemoryInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "ld" || inst.opcode == "ldu")
    return lowerLoad(fl, inst);
  if (inst.opcode == "st")
    return lowerStore(fl, inst);
  if (inst.opcode == "prefetch" || inst.opcode == "prefetchu")
    return lowerPrefetch(fl, inst);
  if (inst.opcode == "applypriority" || inst.opcode == "discard")
    return lowerCacheLineControl(fl, inst);
  if (inst.opcode == "isspacep")
    return lowerIsSpace(fl, inst);
  if (inst.opcode == "createpolicy")
    return lowerCreatePolicy(fl, inst);
  if (inst.opcode == "cp" && !inst.modifiers.empty() && inst.modifiers[0] == "async") {
    const std::string &form = inst.modifiers.size() > 1 ? inst.modifiers[1] : std::string();
    if (form == "commit_group" || form == "wait_group" || form == "wait_all")
      return lowerAsyncCopyGroup(fl, inst);
    if (form == "ca" || form == "cg")
      return lowerAsyncCopy(fl, inst);
    return fl.unsupported(inst); // cp.async.bulk, ...
  }
  return std::nullopt;
}

} // namespace cuport::lower
