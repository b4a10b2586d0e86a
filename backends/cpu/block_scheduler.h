// Runs the threads of one block of a coroutine kernel (a kernel with barriers or warp collectives,
// see barrier_coroutine.cpp): warp after warp, every runnable lane runs to its next suspension
// point; a warp collective completes when every non-exited lane of its membermask waits at one
// with the same kind, variant and membermask; a barrier releases when its warps have arrived; an
// mbarrier wait returns true once its phase has completed, false when nothing else can run; a
// spin-wait's iteration (yield) runs again after the other threads have had their turn.
// docs/execution-model.md describes the rules.
#pragma once

#include "backends/cpu/context.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cuport::cpu {

class BlockScheduler {
public:
  // Runs every thread of the block (threads[i], i = linear thread index, geometry already set) to
  // its end. False, with error(), when the block cannot finish: a deadlock (no thread can make
  // progress) or a barrier used against the PTX rules.
  bool run(CoroutineKernelFn entry, const void *params, ThreadContext *threads, void **frames,
           uint32_t count);
  const std::string &error() const { return error_; }

private:
  enum class State : uint8_t { Fresh, Ready, Waiting, Done };
  static constexpr uint32_t kBarriers = 16;
  struct Barrier {
    bool active = false;
    int32_t expected = -1; // thread count, -1 for the whole block
    uint32_t warps_arrived = 0;
    uint32_t reduction = 0; // cuport_barrier_reduction of the bar.red arrivals
    uint32_t popc = 0;
    bool all = true, any = false;
  };

  bool runLane(uint32_t thread);
  bool arrive(uint32_t thread);
  bool clusterArrive(uint32_t thread);
  bool clusterWait(uint32_t thread);
  void updateCluster();
  void laneExited(uint32_t thread);
  void updateWarp(uint32_t barrier, uint32_t warp);
  void updateBarrier(uint32_t barrier);
  bool resolveWarp(uint32_t warp, bool &resolved);
  bool waitAtMbarrier(uint32_t thread);
  bool mbarrierWaitComplete(uint32_t thread) const;
  bool resolveMbarrierWaits(uint32_t warp);
  bool releaseMbarrierWaits();
  const void *polledSharedWord(uint32_t thread) const;
  bool resumeYields();
  bool fail(std::string message);
  std::string describeWait(uint32_t thread) const;
  std::string deadlockMessage() const;

  CoroutineKernelFn entry_ = nullptr;
  const void *params_ = nullptr;
  ThreadContext *threads_ = nullptr;
  void **frames_ = nullptr;
  uint32_t count_ = 0;
  uint32_t warps_ = 0;
  uint32_t done_ = 0;
  std::vector<State> state_;
  std::vector<uint32_t> present_; // per warp: its lanes (all 32 but in a partial last warp)
  std::vector<uint32_t> exited_;  // per warp: lanes that have returned
  std::array<Barrier, kBarriers> barriers_;
  std::vector<uint32_t> arrived_lanes_; // [barrier * warps_ + warp]
  std::vector<uint8_t> warp_arrived_;   // [barrier * warps_ + warp]
  // Progress a pass of forced mbarrier wait results (false) cannot fake: threads ending, arriving
  // at barriers, completing collectives, or seeing an mbarrier phase complete.
  uint64_t events_ = 0;
  uint64_t idle_signature_ = 0; // events_ and the waited mbarrier words at the last forced pass
  uint32_t idle_passes_ = 0;    // forced passes in a row after which nothing had changed
  // Spin-waits (kSuspendYield): threads that yielded in this pass, and passes in a row after which
  // neither events_ nor the polled shared words had changed.
  uint32_t yielded_ = 0;
  uint64_t yield_signature_ = 0;
  uint32_t yield_idle_passes_ = 0;
  // The cluster barrier (barrier.cluster; a cluster is one CTA), per thread: a phase completes
  // when every thread that has not exited has arrived; a waiting thread goes on once the phase of
  // its arrival has completed.
  uint32_t cluster_phase_ = 0;           // phases completed
  uint32_t cluster_missing_ = 0;         // threads that have not exited nor arrived in this phase
  std::vector<uint8_t> cluster_arrived_; // per thread: arrived in this phase
  std::vector<uint8_t> cluster_pending_; // per thread: arrived and not yet waited
  std::vector<uint32_t> cluster_arrival_phase_; // per thread: the phase of its last arrival
  std::string error_;
};

} // namespace cuport::cpu
