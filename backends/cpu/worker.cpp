#include "backends/cpu/worker.h"

#include "backends/cpu/device_limits.h"
#include "backends/cpu/fault_guard.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <pthread.h>

namespace cuport::cpu {
namespace {

thread_local Worker *current_worker = nullptr;

const char *signalName(int signal) {
  switch (signal) {
  case SIGSEGV:
    return "SIGSEGV";
  case SIGBUS:
    return "SIGBUS";
  case SIGFPE:
    return "SIGFPE";
  case SIGILL:
    return "SIGILL";
  default:
    return "signal";
  }
}

} // namespace

void Grid::fail(cuport_status failure, std::string text) {
  std::lock_guard lock(error_mutex);
  if (status == CUPORT_OK) {
    status = failure;
    message = std::move(text);
  }
  failed.store(true, std::memory_order_relaxed);
}

Worker::Worker(unsigned index) : index_(index) {}

Worker::~Worker() {
  for (ThreadContext &thread : threads_) {
    std::free(thread.frame);
    std::free(thread.dynamic_stack);
  }
}

Worker *Worker::current() {
  return current_worker;
}

void Worker::attachToThread() {
  current_worker = this;
  signal_stack_ = enableAlternateSignalStack();
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
    void *base = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attributes, &base, &size) == 0) {
      stack_base_ = static_cast<const char *>(base);
      stack_size_ = size;
    }
    pthread_attr_destroy(&attributes);
  }
}

void Worker::detachFromThread() {
  disableAlternateSignalStack(signal_stack_);
  signal_stack_ = nullptr;
  current_worker = nullptr;
}

void Worker::abortKernel(cuport_status status, std::string message) {
  abort_status_ = status;
  abort_message_ = std::move(message);
  leaveKernel();
}

void Worker::leaveKernel() {
  in_kernel = 0;
  siglongjmp(recovery_, 1);
}

std::string Worker::describeLocation(const ThreadContext *thread) const {
  char text[256];
  if (thread)
    std::snprintf(text, sizeof text, "block: [%u,%u,%u], thread: [%u,%u,%u]", block_.ctaid[0],
                  block_.ctaid[1], block_.ctaid[2], thread->tid[0], thread->tid[1], thread->tid[2]);
  else
    std::snprintf(text, sizeof text, "block: [%u,%u,%u]", block_.ctaid[0], block_.ctaid[1],
                  block_.ctaid[2]);
  return text;
}

void Worker::recordFault(Grid &grid) {
  std::string kernel = grid.kernel->name;
  if (cancel_requested) {
    cancel_requested = 0;
    grid.fail(CUPORT_ERROR_LAUNCH_FAILED, "kernel '" + kernel + "', " + describeLocation(nullptr) +
                                              ": stopped because another block of the "
                                              "cooperative grid failed");
  } else if (fault_signal != 0) {
    char text[256];
    bool memory = fault_signal == SIGSEGV || fault_signal == SIGBUS;
    if (memory)
      std::snprintf(text, sizeof text, "illegal address %p accessed (%s)",
                    static_cast<void *>(fault_address), signalName(fault_signal));
    else if (fault_signal == SIGFPE)
      std::snprintf(text, sizeof text,
                    "arithmetic exception (SIGFPE, e.g. integer division by "
                    "zero)");
    else
      std::snprintf(text, sizeof text, "illegal instruction (%s, unreachable code reached)",
                    signalName(fault_signal));
    grid.fail(memory ? CUPORT_ERROR_ILLEGAL_ADDRESS : CUPORT_ERROR_LAUNCH_FAILED,
              "kernel '" + kernel + "', " + describeLocation(nullptr) + ": " + text);
    fault_signal = 0;
    fault_address = nullptr;
  } else {
    grid.fail(abort_status_, "kernel '" + kernel + "': " + abort_message_);
    abort_status_ = CUPORT_OK;
    abort_message_.clear();
  }
}

void Worker::prepare(const Grid &grid) {
  const LaunchGeometry &geometry = grid.geometry;
  uint32_t threads = geometry.block[0] * geometry.block[1] * geometry.block[2];
  if (threads_.size() < threads)
    threads_.resize(threads, ThreadContext{});
  frames_.resize(std::max<size_t>(frames_.size(), threads));
  for (ThreadContext &thread : threads_)
    thread.block = &block_;

  uint64_t total = grid.kernel->dynamic_shared_offset + geometry.dynamic_shared_bytes;
  shared_ready_ = shared_arena_.reserve(total);

  block_.nctaid[0] = geometry.grid[0];
  block_.nctaid[1] = geometry.grid[1];
  block_.nctaid[2] = geometry.grid[2];
  block_.ntid[0] = geometry.block[0];
  block_.ntid[1] = geometry.block[1];
  block_.ntid[2] = geometry.block[2];
  block_.nwarps = (threads + limits::kWarpSize - 1) / limits::kWarpSize;
  block_.dynamic_smem_size = geometry.dynamic_shared_bytes;
  block_.total_smem_size = static_cast<uint32_t>(total);
  block_.sm_id = index_;
  block_.num_sms = grid.num_workers;
  block_.shared_base = shared_arena_.base();
  block_.grid_id = grid.grid_id;
  block_.grid_workspace = grid.workspace;
  block_.explicit_cluster = geometry.explicit_cluster ? 1 : 0;
  block_.stack_base = stack_base_;
  block_.stack_size = stack_size_;
  block_.params = static_cast<const char *>(geometry.params);
  block_.params_size = geometry.params_size;
}

void Worker::runGrid(Grid &grid) {
  grid_ = &grid;
  cancel_requested = 0;
  prepare(grid);
  if (!shared_ready_) {
    grid.fail(CUPORT_ERROR_OUT_OF_MEMORY, "cannot allocate the shared-memory arena");
    return;
  }
  // Kernel code leaves through siglongjmp to here (fault, trap, assert). Nothing below keeps
  // state in locals across the jump.
  if (sigsetjmp(recovery_, 1) != 0) {
    in_kernel = 0;
    in_library_call = 0;
    recordFault(grid);
    return;
  }
  for (;;) {
    if (grid.failed.load(std::memory_order_relaxed))
      return;
    uint64_t block = grid.next_block.fetch_add(1, std::memory_order_relaxed);
    if (block >= grid.total_blocks)
      return;
    runBlock(grid, block);
  }
}

void Worker::runBlock(const Grid &grid, uint64_t linear_block) {
  const LaunchGeometry &geometry = grid.geometry;
  block_.ctaid[0] = static_cast<uint32_t>(linear_block % geometry.grid[0]);
  block_.ctaid[1] = static_cast<uint32_t>(linear_block / geometry.grid[0] % geometry.grid[1]);
  block_.ctaid[2] = static_cast<uint32_t>(linear_block / geometry.grid[0] / geometry.grid[1]);
  uint32_t threads = geometry.block[0] * geometry.block[1] * geometry.block[2];
  in_kernel = 1;
  if (grid.kernel->is_coroutine)
    runCoroutineBlock(*grid.kernel, geometry.params, threads);
  else
    runPlainBlock(*grid.kernel, geometry.params, threads);
  in_kernel = 0;
}

namespace {

// Walks thread indices in linear order (x fastest) without a division per thread.
struct ThreadIndex {
  uint32_t x = 0, y = 0, z = 0;
  void advance(const uint32_t *dims) {
    if (++x == dims[0]) {
      x = 0;
      if (++y == dims[1]) {
        y = 0;
        ++z;
      }
    }
  }
};

void setThread(ThreadContext &thread, const ThreadIndex &index, uint32_t warp, uint32_t lane) {
  thread.tid[0] = index.x;
  thread.tid[1] = index.y;
  thread.tid[2] = index.z;
  thread.warp_id = warp;
  thread.lane_id = lane;
  thread.done = 0;
}

} // namespace

void Worker::runPlainBlock(const KernelEntry &kernel, const void *params, uint32_t threads) {
  auto entry = reinterpret_cast<PlainKernelFn>(kernel.entry);
  ThreadContext &thread = threads_[0]; // threads never wait for each other: one context suffices
  ThreadIndex index;
  for (uint32_t warp = 0; warp < block_.nwarps; ++warp) {
    uint32_t lanes = std::min(limits::kWarpSize, threads - warp * limits::kWarpSize);
    for (uint32_t lane = 0; lane < lanes; ++lane) {
      setThread(thread, index, warp, lane);
      entry(params, &thread);
      index.advance(block_.ntid);
    }
  }
}

void Worker::runCoroutineBlock(const KernelEntry &kernel, const void *params, uint32_t threads) {
  ThreadIndex index;
  for (uint32_t linear = 0; linear < threads; ++linear) {
    setThread(threads_[linear], index, linear / limits::kWarpSize, linear % limits::kWarpSize);
    index.advance(block_.ntid);
  }
  if (!scheduler_.run(reinterpret_cast<CoroutineKernelFn>(kernel.entry), params, threads_.data(),
                      frames_.data(), threads))
    abortKernel(CUPORT_ERROR_LAUNCH_FAILED, describeLocation(nullptr) + ": " + scheduler_.error());
}

} // namespace cuport::cpu
