// Bulk asynchronous copies of sm_90 (the non-tensor forms): cp.async.bulk, cp.reduce.async.bulk,
// cp.async.bulk.prefetch.L2, cp.async.bulk.commit_group / wait_group, and the asynchronous
// stores and reductions st.async / red.async, as the cuport.bulk.* intrinsics of
// docs/kernel-ir.md. The backend copies at issue time and then signals the completion mechanism
// (the mbarrier's complete_tx); bulk groups are then complete as soon as they exist.
//
// A cluster is one CTA (docs/execution-model.md): the .shared::cluster window is the CTA's own,
// so a .shared::cluster operand is a shared address, and a multicast reaches CTA 0 only.
#include "backends/warp_operations.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Instructions.h>

#include <algorithm>
#include <array>

namespace cuport::lower {
namespace {

using llvm::Value;
using ST = ptx::ScalarType;

constexpr std::string_view kCompleteTx = "mbarrier::complete_tx::bytes";

// An operand's address as a generic pointer; `shared` says it is a .shared{::cta,::cluster}
// address, else it is `space` (global or generic).
Value *genericPointer(FunctionLowering &fl, const ptx::Operand &operand, bool shared,
                      unsigned space = kGeneric) {
  auto &b = fl.builder();
  Value *pointer = fl.address(operand, shared ? kShared : space);
  if (!pointer || (!shared && space == kGeneric))
    return pointer;
  return b.CreateAddrSpaceCast(pointer, b.getPtrTy(kGeneric));
}

bool isSharedSpace(const std::string &name) {
  return name == "shared::cluster" || name == "shared::cta";
}

// The i32 size operand. An immediate that is not a multiple of 16 is refused here, as ptxas
// refuses it; a register's value is checked by the backend when the copy runs.
Value *readSize(FunctionLowering &fl, const ptx::Instruction &inst, const ptx::Operand &operand) {
  if (operand.kind == ptx::Operand::Kind::IntImm && operand.intValue % 16 != 0) {
    std::string name = inst.modifiers[0] == "reduce" ? "cp.reduce.async.bulk" : "cp.async.bulk";
    fl.error(operand.loc, "'" + name + "' size " + std::to_string(operand.intValue) +
                              " is not a multiple of 16");
    return nullptr;
  }
  return fl.read(operand, fl.builder().getInt32Ty());
}

// cp.async.bulk.dst.src.completion{.multicast::cluster}{.L2::cache_hint} [dst], [src], size
//   {, [mbar]}{, ctaMask}{, policy}:
//   .shared::cluster.global.mbarrier::complete_tx::bytes (with multicast and cache hint),
//   .shared::cta.global.mbarrier::complete_tx::bytes (PTX 8.6, with cache hint),
//   .shared::cluster.shared::cta.mbarrier::complete_tx::bytes,
//   .global.shared::cta.bulk_group (with cache hint).
bool lowerBulkCopy(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.modifiers.size() < 5)
    return fl.unsupported(inst);
  const std::string &destination = inst.modifiers[2], &source = inst.modifiers[3];
  Modifiers mods(inst.modifiers);
  mods.take("async");
  mods.take("bulk");
  mods.take(destination);
  mods.take(source);
  bool toShared = isSharedSpace(destination) && source == "global";
  bool sharedToCluster = destination == "shared::cluster" && source == "shared::cta";
  bool toGlobal = destination == "global" && source == "shared::cta";
  if (!toShared && !sharedToCluster && !toGlobal)
    return fl.unsupported(inst);
  bool mbarrier = !toGlobal;
  if (!mods.take(mbarrier ? kCompleteTx : "bulk_group"))
    return fl.unsupported(inst);
  bool multicast =
      destination == "shared::cluster" && source == "global" && mods.take("multicast::cluster");
  bool cacheHint = !sharedToCluster && mods.take("L2::cache_hint");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  size_t operands = 3 + (mbarrier ? 1 : 0) + (multicast ? 1 : 0) + (cacheHint ? 1 : 0);
  if (!fl.expectOperands(inst, operands))
    return false;
  auto &b = fl.builder();
  Value *dst = genericPointer(fl, inst.operands[0], !toGlobal, kGlobal);
  Value *src = genericPointer(fl, inst.operands[1], toGlobal || sharedToCluster, kGlobal);
  Value *size = readSize(fl, inst, inst.operands[2]);
  if (!dst || !src || !size)
    return false;
  Value *object = llvm::ConstantPointerNull::get(b.getPtrTy(kGeneric));
  size_t next = 3;
  if (mbarrier && !(object = genericPointer(fl, inst.operands[next++], true)))
    return false;
  Value *ctaMask = b.getInt32(1);
  if (multicast) {
    Value *mask = fl.read(inst.operands[next++], b.getInt16Ty());
    if (!mask)
      return false;
    ctaMask = b.CreateZExt(mask, b.getInt32Ty());
  }
  // The cache policy only steers the L2 cache; it is read so that a bad operand is diagnosed.
  if (cacheHint && !fl.read(inst.operands[next], b.getInt64Ty()))
    return false;
  uint32_t variant = (toGlobal ? CUPORT_BULK_SRC_SHARED : CUPORT_BULK_DST_SHARED) |
                     (sharedToCluster ? CUPORT_BULK_SRC_SHARED : 0);
  b.CreateCall(declareBulkCopy(fl.module()),
               {b.getInt32(variant), dst, src, size, object, ctaMask});
  return true;
}

// cp.async.bulk.prefetch.L2.global{.L2::cache_hint} [src], size{, policy}: only warms the L2,
// but its operands obey the copies' alignment rules, which the backend checks.
bool lowerBulkPrefetch(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("async");
  mods.take("bulk");
  mods.take("prefetch");
  if (!mods.take("L2") || !mods.take("global"))
    return fl.unsupported(inst);
  bool cacheHint = mods.take("L2::cache_hint");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, cacheHint ? 3 : 2))
    return false;
  auto &b = fl.builder();
  Value *src = genericPointer(fl, inst.operands[0], false, kGlobal);
  Value *size = readSize(fl, inst, inst.operands[1]);
  if (!src || !size || (cacheHint && !fl.read(inst.operands[2], b.getInt64Ty())))
    return false;
  Value *none = llvm::ConstantPointerNull::get(b.getPtrTy(kGeneric));
  b.CreateCall(declareBulkCopy(fl.module()),
               {b.getInt32(CUPORT_BULK_PREFETCH), none, src, size, none, b.getInt32(1)});
  return true;
}

// cp.async.bulk.commit_group and cp.async.bulk.wait_group{.read} N: every bulk copy completed
// (its reads and its writes) when it was issued, so every group is complete.
bool lowerBulkGroup(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("async");
  mods.take("bulk");
  auto kind = mods.takeOneOf({"commit_group", "wait_group"});
  if (kind == "wait_group")
    mods.take("read");
  if (!kind || !mods.allTaken())
    return fl.unsupported(inst);
  if (*kind == "commit_group")
    return fl.expectOperands(inst, 0);
  if (!fl.expectOperands(inst, 1))
    return false;
  if (inst.operands[0].kind != ptx::Operand::Kind::IntImm)
    return fl.error(inst.operands[0].loc,
                    "cp.async.bulk.wait_group needs an immediate group count");
  return true;
}

// The element types each reduction allows, after the ISA's table for cp.reduce.async.bulk: into
// .shared::cluster the integer forms only, into .global also 64-bit min/max and the floats.
std::optional<uint32_t> reductionType(const std::string &op, ST type, bool toGlobal, bool noftz) {
  auto code = [](ST t) -> uint32_t {
    switch (t) {
    case ST::S32:
      return CUPORT_BULK_S32;
    case ST::B64:
    case ST::U64:
      return CUPORT_BULK_U64;
    case ST::S64:
      return CUPORT_BULK_S64;
    case ST::F32:
      return CUPORT_BULK_F32;
    case ST::F64:
      return CUPORT_BULK_F64;
    case ST::F16:
      return CUPORT_BULK_F16;
    case ST::BF16:
      return CUPORT_BULK_BF16;
    default:
      return CUPORT_BULK_U32;
    }
  };
  auto among = [&](std::initializer_list<ST> types) {
    return std::find(types.begin(), types.end(), type) != types.end();
  };
  bool half = type == ST::F16 || type == ST::BF16;
  if (noftz != (op == "add" && half))
    return std::nullopt; // half-precision adds exist only as .add.noftz, into global memory
  bool ok = false;
  if (op == "and" || op == "or" || op == "xor")
    ok = type == ST::B32 || (type == ST::B64 && toGlobal);
  else if (op == "inc" || op == "dec")
    ok = type == ST::U32;
  else if (op == "add")
    ok = among({ST::U32, ST::S32, ST::U64}) ||
         (toGlobal && among({ST::F32, ST::F64, ST::F16, ST::BF16}));
  else if (op == "min" || op == "max")
    ok = among({ST::U32, ST::S32}) || (toGlobal && among({ST::U64, ST::S64, ST::F16, ST::BF16}));
  if (!ok)
    return std::nullopt;
  return code(type);
}

// cp.reduce.async.bulk.dst.src.completion{.L2::cache_hint}.op{.noftz}.type [dst], [src], size
//   {, [mbar] | , policy}: .shared::cluster.shared::cta.mbarrier::complete_tx::bytes or
//   .global.shared::cta.bulk_group.
bool lowerBulkReduce(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.modifiers.size() < 7)
    return fl.unsupported(inst);
  const std::string &destination = inst.modifiers[3], &source = inst.modifiers[4];
  Modifiers mods(inst.modifiers);
  mods.take("reduce");
  mods.take("async");
  mods.take("bulk");
  mods.take(destination);
  mods.take(source);
  bool toGlobal = destination == "global";
  if ((!toGlobal && destination != "shared::cluster") || source != "shared::cta" ||
      !mods.take(toGlobal ? "bulk_group" : kCompleteTx))
    return fl.unsupported(inst);
  bool cacheHint = toGlobal && mods.take("L2::cache_hint");
  auto op = mods.takeOneOf({"and", "or", "xor", "add", "inc", "dec", "min", "max"});
  bool noftz = mods.take("noftz");
  auto type = mods.takeType();
  if (!op || !type || !mods.allTaken())
    return fl.unsupported(inst);
  auto typeCode = reductionType(*op, *type, toGlobal, noftz);
  if (!typeCode)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, toGlobal ? (cacheHint ? 4 : 3) : 4))
    return false;
  auto &b = fl.builder();
  Value *dst = genericPointer(fl, inst.operands[0], !toGlobal, kGlobal);
  Value *src = genericPointer(fl, inst.operands[1], true);
  Value *size = readSize(fl, inst, inst.operands[2]);
  if (!dst || !src || !size)
    return false;
  Value *object = llvm::ConstantPointerNull::get(b.getPtrTy(kGeneric));
  if (!toGlobal && !(object = genericPointer(fl, inst.operands[3], true)))
    return false;
  if (cacheHint && !fl.read(inst.operands[3], b.getInt64Ty()))
    return false;
  static constexpr std::array<std::string_view, 8> kOps{"and", "or",  "xor", "add",
                                                        "inc", "dec", "min", "max"};
  uint32_t opCode = uint32_t(std::find(kOps.begin(), kOps.end(), *op) - kOps.begin());
  uint32_t code = (toGlobal ? 0 : CUPORT_BULK_DST_SHARED) | opCode << CUPORT_BULK_OP_SHIFT |
                  *typeCode << CUPORT_BULK_TYPE_SHIFT;
  b.CreateCall(declareBulkReduce(fl.module()), {b.getInt32(code), dst, src, size, object});
  return true;
}

// The completion of st.async / red.async: complete_tx of the bytes written on the mbarrier.
void completeTransactions(FunctionLowering &fl, Value *object, uint32_t bytes) {
  auto &b = fl.builder();
  b.CreateCall(declareMbarrierTx(fl.module()), {object, b.getInt32(-int32_t(bytes))});
}

// st.async{.weak}{.shared::cluster}.mbarrier::complete_tx::bytes{.v2,.v4}.type [a], b, [mbar]:
// the store, then complete_tx of its size on the mbarrier. Without a state space both addresses
// are generic.
bool lowerAsyncStore(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("async");
  mods.take("weak");
  bool shared = mods.take("shared::cluster");
  if (!mods.take(kCompleteTx))
    return fl.unsupported(inst);
  uint32_t width = mods.takeVectorWidth();
  auto type = mods.takeType();
  bool typeOk =
      type && (*type == ST::B32 || *type == ST::U32 || *type == ST::S32 || *type == ST::F32 ||
               *type == ST::B64 || *type == ST::U64 || *type == ST::S64 || *type == ST::F64);
  if (!typeOk || !mods.allTaken() || width > 4 || bitsOf(*type) * width > 128)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 3))
    return false;
  auto &b = fl.builder();
  Value *pointer = genericPointer(fl, inst.operands[0], shared);
  Value *object = genericPointer(fl, inst.operands[2], shared);
  if (!pointer || !object)
    return false;
  llvm::Type *elementType = llvmTypeOf(fl.context(), *type);
  uint32_t elementSize = byteSizeOf(*type);
  const ptx::Operand &source = inst.operands[1];
  Value *value;
  if (width == 1) {
    value = fl.read(source, elementType);
  } else {
    if (source.kind != ptx::Operand::Kind::Vector || source.elements.size() != width)
      return fl.error(source.loc,
                      "vector store needs " + std::to_string(width) + " source registers");
    value = llvm::PoisonValue::get(llvm::FixedVectorType::get(elementType, width));
    for (uint32_t i = 0; i < width && value; ++i) {
      Value *element = fl.read(source.elements[i], elementType);
      value = element ? b.CreateInsertElement(value, element, i) : nullptr;
    }
  }
  if (!value)
    return false;
  b.CreateAlignedStore(value, pointer, llvm::Align(elementSize * width));
  completeTransactions(fl, object, elementSize * width);
  return true;
}

// red.async.relaxed.cluster{.shared::cluster}.mbarrier::complete_tx::bytes.op.type [a], b, [mbar]:
// .inc/.dec .u32, .min/.max .u32/.s32, .and/.or/.xor .b32, .add .u32/.s32/.u64 (and .s64, which
// ptxas accepts: the same two's-complement sum). The update, then complete_tx of its size.
bool lowerAsyncReduction(FunctionLowering &fl, const ptx::Instruction &inst) {
  using llvm::AtomicRMWInst;
  Modifiers mods(inst.modifiers);
  mods.take("async");
  bool ordered = mods.take("relaxed") && mods.take("cluster");
  bool shared = mods.take("shared::cluster");
  auto op = mods.takeOneOf({"and", "or", "xor", "add", "inc", "dec", "min", "max"});
  auto type = mods.takeType();
  if (!ordered || !mods.take(kCompleteTx) || !op || !type || !mods.allTaken())
    return fl.unsupported(inst);
  AtomicRMWInst::BinOp binOp = AtomicRMWInst::BAD_BINOP;
  bool typeOk = false;
  if (*op == "and" || *op == "or" || *op == "xor") {
    typeOk = *type == ST::B32;
    binOp = *op == "and"  ? AtomicRMWInst::And
            : *op == "or" ? AtomicRMWInst::Or
                          : AtomicRMWInst::Xor;
  } else if (*op == "inc" || *op == "dec") {
    // PTX: inc gives (old >= b) ? 0 : old + 1; dec gives (old == 0 || old > b) ? b : old - 1,
    // exactly LLVM's uinc_wrap / udec_wrap.
    typeOk = *type == ST::U32;
    binOp = *op == "inc" ? AtomicRMWInst::UIncWrap : AtomicRMWInst::UDecWrap;
  } else if (*op == "add") {
    typeOk = *type == ST::U32 || *type == ST::S32 || *type == ST::U64 || *type == ST::S64;
    binOp = AtomicRMWInst::Add;
  } else {
    typeOk = *type == ST::U32 || *type == ST::S32;
    bool isMin = *op == "min";
    binOp = *type == ST::S32 ? (isMin ? AtomicRMWInst::Min : AtomicRMWInst::Max)
                             : (isMin ? AtomicRMWInst::UMin : AtomicRMWInst::UMax);
  }
  if (!typeOk)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 3))
    return false;
  auto &b = fl.builder();
  Value *pointer = genericPointer(fl, inst.operands[0], shared);
  Value *operand = fl.read(inst.operands[1], llvmTypeOf(fl.context(), *type));
  Value *object = genericPointer(fl, inst.operands[2], shared);
  if (!pointer || !operand || !object)
    return false;
  uint32_t bytes = byteSizeOf(*type);
  b.CreateAtomicRMW(binOp, pointer, operand, llvm::Align(bytes), llvm::AtomicOrdering::Monotonic);
  completeTransactions(fl, object, bytes);
  return true;
}

} // namespace

LoweringResult lowerBulkCopyInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  const std::vector<std::string> &mods = inst.modifiers;
  if ((inst.opcode == "st" || inst.opcode == "red") && !mods.empty() && mods[0] == "async")
    return inst.opcode == "st" ? lowerAsyncStore(fl, inst) : lowerAsyncReduction(fl, inst);
  if (inst.opcode != "cp")
    return std::nullopt;
  // The .tensor forms are sm_90a features, out of scope.
  if (mods.size() > 2 && mods[0] == "reduce" && mods[1] == "async" && mods[2] == "bulk")
    return mods.size() > 3 && mods[3] == "tensor" ? fl.unsupported(inst)
                                                  : lowerBulkReduce(fl, inst);
  if (mods.size() < 3 || mods[0] != "async" || mods[1] != "bulk")
    return std::nullopt;
  const std::string &form = mods[2];
  if (form == "tensor" || (form == "prefetch" && mods.size() > 3 && mods[3] == "tensor"))
    return fl.unsupported(inst);
  if (form == "commit_group" || form == "wait_group")
    return lowerBulkGroup(fl, inst);
  if (form == "prefetch")
    return lowerBulkPrefetch(fl, inst);
  return lowerBulkCopy(fl, inst);
}

} // namespace cuport::lower
