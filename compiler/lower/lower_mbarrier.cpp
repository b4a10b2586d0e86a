// mbarrier objects (sm_80; the transaction counts of sm_90): mbarrier.init, .inval, .arrive,
// .arrive_drop, .expect_tx, .complete_tx, .test_wait, .try_wait, .pending_count and
// cp.async.mbarrier.arrive, as the cuport.mbarrier.* intrinsics of docs/kernel-ir.md. The object's
// 64-bit word belongs to the backend, which also decides how a waiting thread waits.
//
// Memory-ordering qualifiers (.release, .acquire, .relaxed) and scopes (.cta, .cluster) need no IR
// of their own: a cluster is one CTA, and every thread of a CTA runs on one host thread. For the
// same reason the remote forms (arrive, arrive_drop, expect_tx and complete_tx on a
// .shared::cluster address) reach the CTA's own object: the only shared::cluster addresses are
// those of this CTA (a .shared::cta address, or mapa of rank 0).
#include "backends/warp_operations.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

namespace cuport::lower {
namespace {

using llvm::Value;

// The object's address as a generic pointer; the state space is .shared{::cta} or none (generic).
Value *objectPointer(FunctionLowering &fl, const ptx::Operand &operand, bool shared) {
  auto &b = fl.builder();
  Value *pointer = fl.address(operand, shared ? kShared : kGeneric);
  if (!pointer || !shared)
    return pointer;
  return b.CreateAddrSpaceCast(pointer, b.getPtrTy(kGeneric));
}

// Takes the optional memory-ordering qualifier, scope and state space every form allows;
// `semantics` lists the qualifiers this form accepts, `remote` whether it takes .shared::cluster
// (which then sets `cluster` too).
void takeQualifiers(Modifiers &mods, std::initializer_list<std::string_view> semantics,
                    bool &shared, bool remote = false, bool *cluster = nullptr) {
  if (semantics.size() != 0)
    mods.takeOneOf(semantics);
  mods.takeOneOf({"cta", "cluster"});
  shared = mods.takeOneOf({"shared", "shared::cta"}).has_value();
  if (remote && !shared && mods.take("shared::cluster")) {
    shared = true;
    *cluster = true;
  }
}

// mbarrier.init{.shared{::cta}}.b64 [addr], count; mbarrier.inval{.shared{::cta}}.b64 [addr].
bool lowerInitOrInval(FunctionLowering &fl, const ptx::Instruction &inst, bool init) {
  Modifiers mods(inst.modifiers);
  mods.take(init ? "init" : "inval");
  bool shared = mods.takeOneOf({"shared", "shared::cta"}).has_value();
  if (!mods.take("b64") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, init ? 2 : 1))
    return false;
  auto &b = fl.builder();
  Value *pointer = objectPointer(fl, inst.operands[0], shared);
  if (!pointer)
    return false;
  if (!init) {
    b.CreateCall(declareMbarrierInval(fl.module()), {pointer});
    return true;
  }
  Value *count = fl.read(inst.operands[1], b.getInt32Ty());
  if (!count)
    return false;
  b.CreateCall(declareMbarrierInit(fl.module()), {pointer, count});
  return true;
}

// mbarrier.arrive{.expect_tx | .noComplete}{.sem}{.scope}{.space}.b64 state, [addr]{, count};
// arrive_drop likewise. With .expect_tx the third operand is the transaction count and one
// thread arrives; with .noComplete the count is required.
bool lowerArrive(FunctionLowering &fl, const ptx::Instruction &inst, bool drop) {
  Modifiers mods(inst.modifiers);
  mods.take(drop ? "arrive_drop" : "arrive");
  bool expectTx = mods.take("expect_tx");
  bool noComplete = !expectTx && mods.take("noComplete");
  bool shared = false, remote = false;
  takeQualifiers(mods, {"release", "relaxed"}, shared, true, &remote);
  // A remote arrival returns no state, and cannot be .noComplete.
  if (!mods.take("b64") || !mods.allTaken() || (remote && noComplete))
    return fl.unsupported(inst);
  size_t count = inst.operands.size();
  if ((expectTx || noComplete) ? count != 3 : count != 2 && count != 3)
    return fl.expectOperands(inst, 3);
  if (remote && inst.operands[0].kind != ptx::Operand::Kind::Sink)
    return fl.error(inst.operands[0].loc,
                    "mbarrier arrive on a .shared::cluster object needs the sink '_' as its state");
  auto &b = fl.builder();
  Value *pointer = objectPointer(fl, inst.operands[1], shared);
  if (!pointer)
    return false;
  Value *arrivals = b.getInt32(1);
  Value *transactions = b.getInt32(0);
  if (count == 3) {
    Value *third = fl.read(inst.operands[2], b.getInt32Ty());
    if (!third)
      return false;
    (expectTx ? transactions : arrivals) = third;
  }
  uint32_t flags =
      (drop ? CUPORT_MBARRIER_DROP : 0) | (noComplete ? CUPORT_MBARRIER_NO_COMPLETE : 0);
  Value *state = b.CreateCall(declareMbarrierArrive(fl.module()),
                              {pointer, arrivals, transactions, b.getInt32(flags)});
  return fl.write(inst.operands[0], state);
}

// mbarrier.expect_tx / .complete_tx{.relaxed}{.scope}{.space}.b64 [addr], txCount.
bool lowerTransactions(FunctionLowering &fl, const ptx::Instruction &inst, bool expect) {
  Modifiers mods(inst.modifiers);
  mods.take(expect ? "expect_tx" : "complete_tx");
  bool shared = false, remote = false;
  takeQualifiers(mods, {"relaxed"}, shared, true, &remote);
  if (!mods.take("b64") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  Value *pointer = objectPointer(fl, inst.operands[0], shared);
  Value *transactions = fl.read(inst.operands[1], b.getInt32Ty());
  if (!pointer || !transactions)
    return false;
  Value *delta = expect ? transactions : b.CreateNeg(transactions);
  b.CreateCall(declareMbarrierTx(fl.module()), {pointer, delta});
  return true;
}

// mbarrier.test_wait{.parity}{.sem}{.scope}{.space}.b64 waitComplete, [addr], state | parity;
// mbarrier.try_wait likewise, with an optional suspendTimeHint (a hint: the backend decides how
// long a thread waits).
bool lowerWait(FunctionLowering &fl, const ptx::Instruction &inst, bool tryWait) {
  Modifiers mods(inst.modifiers);
  mods.take(tryWait ? "try_wait" : "test_wait");
  bool parity = mods.take("parity");
  bool shared = false;
  takeQualifiers(mods, {"acquire", "relaxed"}, shared);
  if (!mods.take("b64") || !mods.allTaken())
    return fl.unsupported(inst);
  size_t count = inst.operands.size();
  if (count != 3 && !(tryWait && count == 4))
    return fl.expectOperands(inst, 3);
  auto &b = fl.builder();
  Value *pointer = objectPointer(fl, inst.operands[1], shared);
  Value *phase = fl.read(inst.operands[2], parity ? b.getInt32Ty() : b.getInt64Ty());
  if (!pointer || !phase || (count == 4 && !fl.read(inst.operands[3], b.getInt32Ty())))
    return false;
  if (parity)
    phase = b.CreateZExt(phase, b.getInt64Ty());
  uint32_t variant =
      (parity ? CUPORT_MBARRIER_WAIT_PARITY : 0) | (tryWait ? CUPORT_MBARRIER_WAIT_TRY : 0);
  Value *complete =
      b.CreateCall(declareMbarrierWait(fl.module()), {b.getInt32(variant), pointer, phase});
  return fl.write(inst.operands[0], complete);
}

// mbarrier.pending_count.b64 count, state.
bool lowerPendingCount(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("pending_count");
  if (!mods.take("b64") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  Value *state = fl.read(inst.operands[1], b.getInt64Ty());
  if (!state)
    return false;
  return fl.write(inst.operands[0],
                  b.CreateCall(declareMbarrierPendingCount(fl.module()), {state}));
}

// cp.async.mbarrier.arrive{.noinc}{.shared{::cta}}.b64 [addr]: an arrival once the thread's
// earlier cp.async copies are done. Those copies completed when they were issued
// (lower_memory.cpp), so the arrival happens now. Without .noinc the pending count is first raised
// by one, which the arrival takes back: the phase is unchanged and there is nothing to emit.
bool lowerAsyncCopyArrive(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("async");
  mods.take("mbarrier");
  mods.take("arrive");
  bool noIncrement = mods.take("noinc");
  bool shared = mods.takeOneOf({"shared", "shared::cta"}).has_value();
  if (!mods.take("b64") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  Value *pointer = objectPointer(fl, inst.operands[0], shared);
  if (!pointer)
    return false;
  if (!noIncrement)
    return true;
  auto &b = fl.builder();
  b.CreateCall(declareMbarrierArrive(fl.module()),
               {pointer, b.getInt32(1), b.getInt32(0), b.getInt32(0)});
  return true;
}

} // namespace

LoweringResult lowerMbarrierInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "cp" && inst.modifiers.size() > 2 && inst.modifiers[0] == "async" &&
      inst.modifiers[1] == "mbarrier" && inst.modifiers[2] == "arrive")
    return lowerAsyncCopyArrive(fl, inst);
  if (inst.opcode != "mbarrier")
    return std::nullopt;
  const std::string &form = inst.modifiers.empty() ? std::string() : inst.modifiers.front();
  if (form == "init" || form == "inval")
    return lowerInitOrInval(fl, inst, form == "init");
  if (form == "arrive" || form == "arrive_drop")
    return lowerArrive(fl, inst, form == "arrive_drop");
  if (form == "expect_tx" || form == "complete_tx")
    return lowerTransactions(fl, inst, form == "expect_tx");
  if (form == "test_wait" || form == "try_wait")
    return lowerWait(fl, inst, form == "try_wait");
  if (form == "pending_count")
    return lowerPendingCount(fl, inst);
  return fl.unsupported(inst);
}

} // namespace cuport::lower
