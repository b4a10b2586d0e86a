// The state that JIT-compiled kernel code reads through its hidden context parameter. Shared by the
// lowering passes (which emit loads at these offsets) and the executor (which fills them in), so
// the two can never disagree on the layout.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cuport::cpu {

// Per block: written by the executor before the block's first thread runs.
struct BlockContext {
  uint32_t ctaid[3];
  uint32_t nctaid[3];
  uint32_t ntid[3];
  uint32_t nwarps;
  uint32_t dynamic_smem_size;
  uint32_t total_smem_size;
  uint32_t sm_id; // the worker running the block
  uint32_t num_sms;
  char *shared_base; // the block's shared window; never null, even with no shared memory
  uint64_t grid_id;
  // A cooperative grid's barrier workspace (cooperative_groups reads it through %envreg1:2),
  // zeroed for each launch; 0 in other grids, where grid.sync() traps as on a GPU.
  uint64_t grid_workspace;
};

// Per thread. Kernel code gets a pointer to one of these as its last argument.
struct ThreadContext {
  const BlockContext *block;
  uint32_t tid[3];
  uint32_t lane_id;
  uint32_t warp_id;
  uint32_t done; // set by kernel code when the thread returns (barrier kernels only)
  // Storage for the thread's coroutine frame (barrier kernels), reused across blocks.
  void *frame;
  uint64_t frame_capacity;
};

// The executor's per-thread entry points as the compiled code exposes them.
using PlainKernelFn = void (*)(const void *params, ThreadContext *ctx);
// Barrier kernels are switched-resume coroutines: the ramp runs the thread to its first barrier
// (or to its end) and returns the frame; frame[0] is the resume function (LLVM's switch ABI).
using CoroutineKernelFn = void *(*)(const void *params, ThreadContext *ctx);
using CoroutineResumeFn = void (*)(void *frame);

namespace context_offsets {
inline constexpr uint64_t block = offsetof(ThreadContext, block);
inline constexpr uint64_t tid = offsetof(ThreadContext, tid);
inline constexpr uint64_t lane_id = offsetof(ThreadContext, lane_id);
inline constexpr uint64_t warp_id = offsetof(ThreadContext, warp_id);
inline constexpr uint64_t done = offsetof(ThreadContext, done);
inline constexpr uint64_t ctaid = offsetof(BlockContext, ctaid);
inline constexpr uint64_t nctaid = offsetof(BlockContext, nctaid);
inline constexpr uint64_t ntid = offsetof(BlockContext, ntid);
inline constexpr uint64_t nwarps = offsetof(BlockContext, nwarps);
inline constexpr uint64_t dynamic_smem_size = offsetof(BlockContext, dynamic_smem_size);
inline constexpr uint64_t total_smem_size = offsetof(BlockContext, total_smem_size);
inline constexpr uint64_t sm_id = offsetof(BlockContext, sm_id);
inline constexpr uint64_t num_sms = offsetof(BlockContext, num_sms);
inline constexpr uint64_t shared_base = offsetof(BlockContext, shared_base);
inline constexpr uint64_t grid_id = offsetof(BlockContext, grid_id);
inline constexpr uint64_t grid_workspace = offsetof(BlockContext, grid_workspace);
} // namespace context_offsets

} // namespace cuport::cpu
