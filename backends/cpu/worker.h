// One thread of the executor's pool and the grid it works on (internal to the executor).
#pragma once

#include "backends/cpu/block_scheduler.h"
#include "backends/cpu/context.h"
#include "backends/cpu/executor.h"
#include "backends/cpu/shared_arena.h"

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cuport::cpu {

struct Grid {
  const KernelEntry *kernel = nullptr;
  LaunchGeometry geometry{};
  uint64_t total_blocks = 0;
  uint64_t grid_id = 0;
  uint32_t num_workers = 0;
  uint64_t workspace = 0; // the cooperative barrier workspace, or 0
  std::atomic<uint64_t> next_block{0};
  std::atomic<bool> failed{false};

  std::mutex error_mutex;
  cuport_status status = CUPORT_OK;
  std::string message;

  // The first failure wins; the other workers stop taking blocks.
  void fail(cuport_status failure, std::string text);
};

class Worker {
public:
  explicit Worker(unsigned index);
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;

  // The worker running on the calling thread, or null.
  static Worker *current();
  // Called on the worker's own thread before it runs any kernel.
  void attachToThread();
  void detachFromThread();

  void runGrid(Grid &grid);

  // Leaves kernel code for the block loop of runGrid, failing the grid. Only valid while the
  // worker runs kernel code.
  [[noreturn]] void abortKernel(cuport_status status, std::string message);
  // Async-signal-safe part of it: jumps back to the block loop.
  [[noreturn]] void leaveKernel();
  std::string describeLocation(const ThreadContext *thread) const;

  // Written by the fault handler (async-signal-safe fields only).
  volatile std::sig_atomic_t in_kernel = 0;
  volatile int fault_signal = 0;
  void *volatile fault_address = nullptr;
  // Set by the executor (before it sends kCancelSignal) to stop the block this worker runs.
  volatile std::sig_atomic_t cancel_requested = 0;
  // Set while kernel code is inside a host library call (malloc, free) that may hold locks: a
  // cancellation then waits for the executor's next request instead of jumping out of it.
  volatile std::sig_atomic_t in_library_call = 0;

  std::thread thread;

private:
  void prepare(const Grid &grid);
  void runBlock(const Grid &grid, uint64_t linear_block);
  void runPlainBlock(const KernelEntry &kernel, const void *params, uint32_t threads);
  void runCoroutineBlock(const KernelEntry &kernel, const void *params, uint32_t threads);
  void recordFault(Grid &grid);

  unsigned index_;
  sigjmp_buf recovery_;
  Grid *grid_ = nullptr;
  cuport_status abort_status_ = CUPORT_OK;
  std::string abort_message_;

  BlockContext block_{};
  std::vector<ThreadContext> threads_;
  std::vector<void *> frames_;
  BlockScheduler scheduler_;
  SharedArena shared_arena_;
  bool shared_ready_ = false;
  void *signal_stack_ = nullptr;
  const char *stack_base_ = nullptr; // this worker thread's stack (isspacep.local)
  uint64_t stack_size_ = 0;
};

} // namespace cuport::cpu
