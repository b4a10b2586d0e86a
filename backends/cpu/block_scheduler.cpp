#include "backends/cpu/block_scheduler.h"

#include "backends/cpu/mbarrier.h"
#include "backends/cpu/warp_collectives.h"
#include "backends/warp_operations.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <thread>

namespace cuport::cpu {

bool BlockScheduler::run(CoroutineKernelFn entry, const void *params, ThreadContext *threads,
                         void **frames, uint32_t count) {
  entry_ = entry;
  params_ = params;
  threads_ = threads;
  frames_ = frames;
  count_ = count;
  warps_ = (count + kLanesPerWarp - 1) / kLanesPerWarp;
  done_ = 0;
  error_.clear();
  state_.assign(count, State::Fresh);
  present_.assign(warps_, ~0u);
  if (count % kLanesPerWarp != 0)
    present_.back() = (1u << (count % kLanesPerWarp)) - 1;
  exited_.assign(warps_, 0);
  barriers_.fill(Barrier{});
  arrived_lanes_.assign(size_t(kBarriers) * warps_, 0);
  warp_arrived_.assign(size_t(kBarriers) * warps_, 0);
  events_ = idle_signature_ = yield_signature_ = 0;
  idle_passes_ = yield_idle_passes_ = 0;
  yielded_ = 0;
  cluster_phase_ = 0;
  cluster_missing_ = count;
  cluster_arrived_.assign(count, 0);
  cluster_pending_.assign(count, 0);
  cluster_arrival_phase_.assign(count, 0);

  for (;;) {
    bool progress = false;
    for (uint32_t warp = 0; warp < warps_; ++warp) {
      uint32_t first = warp * kLanesPerWarp;
      uint32_t end = std::min(count_, first + kLanesPerWarp);
      // Until the warp has no runnable lane and no complete collective: barriers released by
      // the warp's own lanes and collectives make earlier lanes runnable again.
      for (bool again = true; again;) {
        again = false;
        for (uint32_t thread = first; thread < end; ++thread) {
          while (state_[thread] == State::Fresh || state_[thread] == State::Ready) {
            if (!runLane(thread))
              return false;
            again = true;
          }
        }
        bool resolved = false;
        if (!resolveWarp(warp, resolved))
          return false;
        again |= resolved | resolveMbarrierWaits(warp);
        progress |= again;
      }
    }
    if (done_ == count_)
      return true;
    if (yielded_ != 0) {
      if (!resumeYields())
        return fail(deadlockMessage());
      continue;
    }
    if (!progress && !releaseMbarrierWaits())
      return fail(deadlockMessage());
  }
}

bool BlockScheduler::runLane(uint32_t thread) {
  ThreadContext &context = threads_[thread];
  context.request.kind = kSuspendNone;
  if (state_[thread] == State::Fresh) {
    state_[thread] = State::Ready;
    frames_[thread] = entry_(params_, &context);
  } else {
    auto resume = *static_cast<CoroutineResumeFn *>(frames_[thread]);
    resume(frames_[thread]);
  }
  if (context.done) {
    state_[thread] = State::Done;
    ++done_;
    ++events_;
    laneExited(thread);
    return true;
  }
  uint32_t kind = context.request.kind;
  if (kind == kSuspendMbarrierWait)
    return waitAtMbarrier(thread);
  if (kind == kSuspendBarArrive)
    return arrive(thread); // the thread goes on at once
  if (kind == kSuspendClusterArrive)
    return clusterArrive(thread);
  state_[thread] = State::Waiting;
  if (kind == kSuspendYield) {
    ++yielded_;
    return true;
  }
  if (kind == kSuspendClusterWait)
    return clusterWait(thread);
  if (kind == kSuspendBarSync || kind == kSuspendBarRed)
    return arrive(thread);
  if (kind != kSuspendActiveMask && !(context.request.mask & (1u << context.lane_id))) {
    // Undefined in PTX; on a GPU it hangs or reads garbage.
    char text[160];
    std::snprintf(text, sizeof text,
                  "thread [%u,%u,%u] (lane %u) executes %s with membermask 0x%08x, which does "
                  "not include its own lane",
                  context.tid[0], context.tid[1], context.tid[2], context.lane_id,
                  suspendKindName(kind), context.request.mask);
    return fail(text);
  }
  return true;
}

bool BlockScheduler::arrive(uint32_t thread) {
  const SuspendRequest &request = threads_[thread].request;
  uint32_t id = request.barrier;
  if (id >= kBarriers)
    return fail(std::string(suspendKindName(request.kind)) + " on barrier " + std::to_string(id) +
                ": barrier ids are 0..15");
  int32_t count = request.count;
  if (count != -1 && (count <= 0 || count % int32_t(kLanesPerWarp) != 0))
    return fail(std::string(suspendKindName(request.kind)) + " on barrier " + std::to_string(id) +
                " with a thread count of " + std::to_string(count) +
                ": the count must be a positive multiple of the warp size (32)");
  Barrier &barrier = barriers_[id];
  if (!barrier.active) {
    barrier = Barrier{};
    barrier.active = true;
    barrier.expected = count;
    barrier.reduction = request.op;
  } else if (barrier.expected != count) {
    return fail("barrier " + std::to_string(id) + " is used with thread counts " +
                std::to_string(barrier.expected) + " and " + std::to_string(count) +
                " at the same time (-1: the whole block)");
  }
  if (request.kind == kSuspendBarRed) {
    bool predicate = request.operand[0] != 0;
    barrier.popc += predicate;
    barrier.all &= predicate;
    barrier.any |= predicate;
  }
  uint32_t warp = thread / kLanesPerWarp;
  ++events_;
  arrived_lanes_[size_t(id) * warps_ + warp] |= 1u << (thread % kLanesPerWarp);
  updateWarp(id, warp);
  updateBarrier(id);
  return true;
}

static std::string threadName(const ThreadContext &context) {
  return "thread [" + std::to_string(context.tid[0]) + "," + std::to_string(context.tid[1]) + "," +
         std::to_string(context.tid[2]) + "]";
}

// The ISA requires barrier.cluster.wait between two arrivals of a thread, and an arrival before
// each wait.
bool BlockScheduler::clusterArrive(uint32_t thread) {
  if (cluster_pending_[thread])
    return fail(threadName(threads_[thread]) +
                " executes barrier.cluster.arrive twice without barrier.cluster.wait");
  cluster_pending_[thread] = 1;
  cluster_arrived_[thread] = 1;
  cluster_arrival_phase_[thread] = cluster_phase_;
  --cluster_missing_;
  ++events_;
  updateCluster();
  return true;
}

bool BlockScheduler::clusterWait(uint32_t thread) {
  if (!cluster_pending_[thread])
    return fail(threadName(threads_[thread]) +
                " executes barrier.cluster.wait without barrier.cluster.arrive before it");
  if (cluster_arrival_phase_[thread] != cluster_phase_) {
    cluster_pending_[thread] = 0;
    state_[thread] = State::Ready;
  }
  return true;
}

void BlockScheduler::updateCluster() {
  if (cluster_missing_ != 0)
    return;
  ++cluster_phase_;
  ++events_;
  std::fill(cluster_arrived_.begin(), cluster_arrived_.end(), uint8_t{0});
  cluster_missing_ = count_ - done_;
  for (uint32_t thread = 0; thread < count_; ++thread)
    if (state_[thread] == State::Waiting && threads_[thread].request.kind == kSuspendClusterWait) {
      cluster_pending_[thread] = 0;
      state_[thread] = State::Ready;
    }
}

void BlockScheduler::laneExited(uint32_t thread) {
  if (!cluster_arrived_[thread]) {
    --cluster_missing_;
    updateCluster();
  }
  uint32_t warp = thread / kLanesPerWarp;
  exited_[warp] |= 1u << (thread % kLanesPerWarp);
  for (uint32_t id = 0; id < kBarriers; ++id) {
    if (!barriers_[id].active)
      continue;
    updateWarp(id, warp);
    updateBarrier(id);
  }
}

// A warp arrives as a unit: once every lane of it that has not exited has arrived.
void BlockScheduler::updateWarp(uint32_t barrier, uint32_t warp) {
  size_t slot = size_t(barrier) * warps_ + warp;
  uint32_t arrived = arrived_lanes_[slot];
  if (warp_arrived_[slot] || arrived == 0 || (arrived | exited_[warp]) != present_[warp])
    return;
  warp_arrived_[slot] = 1;
  ++barriers_[barrier].warps_arrived;
}

void BlockScheduler::updateBarrier(uint32_t id) {
  Barrier &barrier = barriers_[id];
  if (!barrier.active)
    return;
  if (barrier.expected < 0) {
    for (uint32_t warp = 0; warp < warps_; ++warp)
      if (!warp_arrived_[size_t(id) * warps_ + warp] && exited_[warp] != present_[warp])
        return;
  } else if (barrier.warps_arrived * kLanesPerWarp < uint32_t(barrier.expected)) {
    return;
  }
  uint64_t reduced = barrier.reduction == CUPORT_BAR_RED_POPC  ? barrier.popc
                     : barrier.reduction == CUPORT_BAR_RED_AND ? uint64_t(barrier.all)
                                                               : uint64_t(barrier.any);
  for (uint32_t thread = 0; thread < count_; ++thread) {
    SuspendRequest &request = threads_[thread].request;
    if (state_[thread] != State::Waiting || request.barrier != id ||
        (request.kind != kSuspendBarSync && request.kind != kSuspendBarRed))
      continue;
    request.result[0] = reduced;
    state_[thread] = State::Ready;
  }
  barrier = Barrier{};
  std::fill_n(arrived_lanes_.begin() + size_t(id) * warps_, warps_, 0u);
  std::fill_n(warp_arrived_.begin() + size_t(id) * warps_, warps_, uint8_t{0});
}

bool BlockScheduler::resolveWarp(uint32_t warp, bool &resolved) {
  ThreadContext *lanes[kLanesPerWarp] = {};
  uint32_t waiting = 0;
  uint32_t first = warp * kLanesPerWarp;
  for (uint32_t lane = 0; lane < kLanesPerWarp && first + lane < count_; ++lane) {
    lanes[lane] = &threads_[first + lane];
    if (state_[first + lane] == State::Waiting && isWarpCollective(lanes[lane]->request.kind))
      waiting |= 1u << lane;
  }
  uint32_t live = present_[warp] & ~exited_[warp];
  for (uint32_t rest = waiting; rest != 0;) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    const SuspendRequest &request = lanes[lane]->request;
    uint32_t group = 0;
    for (uint32_t other = lane; other < kLanesPerWarp; ++other) {
      if (!(rest & (1u << other)))
        continue;
      const SuspendRequest &candidate = lanes[other]->request;
      bool same = request.kind == kSuspendActiveMask
                      ? candidate.kind == kSuspendActiveMask && candidate.site == request.site
                      : candidate.kind == request.kind && candidate.op == request.op &&
                            candidate.mask == request.mask;
      if (same)
        group |= 1u << other;
    }
    rest &= ~group;
    if (request.kind != kSuspendActiveMask && group != (request.mask & live))
      continue; // some lanes of the membermask have not got there yet
    if (std::string error = resolveWarpCollective(request.kind, request.op, group, lanes);
        !error.empty())
      return fail(threadName(*lanes[lane]) + ": " + error);
    ++events_;
    for (uint32_t members = group; members != 0; members &= members - 1)
      state_[first + uint32_t(std::countr_zero(members))] = State::Ready;
    resolved = true;
  }
  return true;
}

// mbarrier.test_wait / try_wait: true at once when the phase has completed, else the thread waits
// until it does (or until nothing else can run, see releaseMbarrierWaits).
bool BlockScheduler::waitAtMbarrier(uint32_t thread) {
  ThreadContext &context = threads_[thread];
  uint64_t offset =
      context.request.operand[0] - reinterpret_cast<uint64_t>(context.block->shared_base);
  if (offset >= context.block->total_smem_size || offset % 8 != 0) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "thread [%u,%u,%u] waits on an mbarrier object at 0x%llx, which is not an "
                  "aligned 64-bit word of the block's shared memory",
                  context.tid[0], context.tid[1], context.tid[2],
                  static_cast<unsigned long long>(context.request.operand[0]));
    return fail(text);
  }
  if (mbarrierWaitComplete(thread)) {
    context.request.result[0] = 1;
    ++events_;
  } else {
    state_[thread] = State::Waiting;
  }
  return true;
}

bool BlockScheduler::mbarrierWaitComplete(uint32_t thread) const {
  const SuspendRequest &request = threads_[thread].request;
  return mbarrierPhaseComplete(*reinterpret_cast<const uint64_t *>(request.operand[0]), request.op,
                               request.operand[1]);
}

// The warp's lanes whose mbarrier phase has completed (by arrivals of lanes that ran since they
// began to wait) go on with true.
bool BlockScheduler::resolveMbarrierWaits(uint32_t warp) {
  bool resolved = false;
  uint32_t first = warp * kLanesPerWarp;
  uint32_t end = std::min(count_, first + kLanesPerWarp);
  for (uint32_t thread = first; thread < end; ++thread) {
    if (state_[thread] != State::Waiting || threads_[thread].request.kind != kSuspendMbarrierWait ||
        !mbarrierWaitComplete(thread))
      continue;
    threads_[thread].request.result[0] = 1;
    state_[thread] = State::Ready;
    ++events_;
    resolved = true;
  }
  return resolved;
}

// No thread can run: test_wait and try_wait may then return false (the ISA lets try_wait give up
// after a time of its own choosing, and test_wait never waits), so the program can do whatever
// it does between its polls. When passes of false results change nothing (no event, no mbarrier
// word the waits look at), the block is deadlocked.
bool BlockScheduler::releaseMbarrierWaits() {
  constexpr uint32_t kIdlePasses = 8;
  uint64_t signature = events_;
  bool waiting = false;
  for (uint32_t thread = 0; thread < count_; ++thread) {
    const SuspendRequest &request = threads_[thread].request;
    if (state_[thread] != State::Waiting || request.kind != kSuspendMbarrierWait)
      continue;
    waiting = true;
    signature = signature * 0x9e3779b97f4a7c15u +
                *reinterpret_cast<const uint64_t *>(request.operand[0]) + thread;
  }
  if (!waiting)
    return false;
  idle_passes_ = signature == idle_signature_ ? idle_passes_ + 1 : 0;
  idle_signature_ = signature;
  if (idle_passes_ >= kIdlePasses)
    return false;
  for (uint32_t thread = 0; thread < count_; ++thread) {
    SuspendRequest &request = threads_[thread].request;
    if (state_[thread] != State::Waiting || request.kind != kSuspendMbarrierWait)
      continue;
    request.result[0] = 0;
    state_[thread] = State::Ready;
  }
  return true;
}

// The shared-memory word a spin-wait polls in a loop that writes nothing, null when it polls
// something else (global memory, which other blocks and the host write) or writes memory.
const void *BlockScheduler::polledSharedWord(uint32_t thread) const {
  const ThreadContext &context = threads_[thread];
  uint64_t width = context.request.operand[1] & kYieldWidthMask;
  uint64_t offset =
      context.request.operand[0] - reinterpret_cast<uint64_t>(context.block->shared_base);
  if (!(context.request.operand[1] & kYieldPurePoll) || width == 0 ||
      offset >= context.block->total_smem_size || context.block->total_smem_size - offset < width)
    return nullptr;
  return context.block->shared_base + offset;
}

// Threads that yielded in a spin-wait run again once the block's other threads have had their
// turn (a pass). When passes change nothing (no event, no polled shared word), the spin-waits can
// only end through something else: mbarrier waits give up (false); if there are none and every
// spin-wait polls the block's own shared memory in a loop that writes nothing, the block is
// deadlocked (false). Waits on other memory go on, letting other host threads run.
bool BlockScheduler::resumeYields() {
  constexpr uint32_t kIdlePasses = 8;
  uint64_t signature = events_;
  bool only_shared_polls = true;
  for (uint32_t thread = 0; thread < count_; ++thread) {
    if (state_[thread] != State::Waiting || threads_[thread].request.kind != kSuspendYield)
      continue;
    uint64_t word = 0;
    if (const void *polled = polledSharedWord(thread))
      std::memcpy(&word, polled, threads_[thread].request.operand[1] & kYieldWidthMask);
    else
      only_shared_polls = false;
    signature = signature * 0x9e3779b97f4a7c15u + word + thread;
  }
  yield_idle_passes_ = signature == yield_signature_ ? yield_idle_passes_ + 1 : 0;
  yield_signature_ = signature;
  if (yield_idle_passes_ >= kIdlePasses && !releaseMbarrierWaits()) {
    if (only_shared_polls)
      return false;
    std::this_thread::yield();
  }
  for (uint32_t thread = 0; thread < count_; ++thread)
    if (state_[thread] == State::Waiting && threads_[thread].request.kind == kSuspendYield)
      state_[thread] = State::Ready;
  yielded_ = 0;
  return true;
}

bool BlockScheduler::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

std::string BlockScheduler::describeWait(uint32_t thread) const {
  const ThreadContext &context = threads_[thread];
  const SuspendRequest &request = context.request;
  char text[256];
  if (request.kind == kSuspendMbarrierWait) {
    uint64_t offset = request.operand[0] - reinterpret_cast<uint64_t>(context.block->shared_base);
    std::snprintf(text, sizeof text,
                  "thread [%u,%u,%u] (warp %u, lane %u) waits at %s on the mbarrier at shared "
                  "offset %llu for its phase of parity %u to complete",
                  context.tid[0], context.tid[1], context.tid[2], context.warp_id, context.lane_id,
                  request.op & CUPORT_MBARRIER_WAIT_TRY ? "mbarrier.try_wait"
                                                        : "mbarrier.test_wait",
                  static_cast<unsigned long long>(offset),
                  mbarrierWaitedParity(request.op, request.operand[1]));
  } else if (request.kind == kSuspendYield) {
    const void *polled = polledSharedWord(thread);
    uint64_t offset = polled ? static_cast<const char *>(polled) - context.block->shared_base : 0;
    std::snprintf(text, sizeof text,
                  "thread [%u,%u,%u] (warp %u, lane %u) spins until the shared word at offset "
                  "%llu changes",
                  context.tid[0], context.tid[1], context.tid[2], context.warp_id, context.lane_id,
                  static_cast<unsigned long long>(offset));
  } else if (request.kind == kSuspendClusterWait) {
    std::snprintf(text, sizeof text, "thread [%u,%u,%u] (warp %u, lane %u) waits at %s",
                  context.tid[0], context.tid[1], context.tid[2], context.warp_id, context.lane_id,
                  suspendKindName(request.kind));
  } else if (isWarpCollective(request.kind))
    std::snprintf(text, sizeof text,
                  "thread [%u,%u,%u] (warp %u, lane %u) waits at %s (mask 0x%08x)", context.tid[0],
                  context.tid[1], context.tid[2], context.warp_id, context.lane_id,
                  suspendKindName(request.kind), request.mask);
  else
    std::snprintf(text, sizeof text,
                  "thread [%u,%u,%u] (warp %u, lane %u) waits at %s on barrier %u (count %d)",
                  context.tid[0], context.tid[1], context.tid[2], context.warp_id, context.lane_id,
                  suspendKindName(request.kind), request.barrier, request.count);
  return text;
}

std::string BlockScheduler::deadlockMessage() const {
  std::string message = "deadlock: no thread of the block can go on (" +
                        std::to_string(count_ - done_) + " of " + std::to_string(count_) +
                        " threads wait";
  uint32_t shown = 0;
  for (uint32_t thread = 0; thread < count_ && shown < 3; ++thread) {
    if (state_[thread] != State::Waiting)
      continue;
    message += shown++ == 0 ? "; " : ", ";
    message += describeWait(thread);
  }
  return message + ")";
}

} // namespace cuport::cpu
