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
  // %is_explicit_cluster: 1 when the launch or the kernel named cluster dimensions.
  uint32_t explicit_cluster;
  // The worker thread's stack, which holds the kernel's local memory (allocas) while it runs:
  // isspacep.local tests against it (and the thread's coroutine frame).
  const char *stack_base;
  uint64_t stack_size;
  // The launch's kernel parameter buffer: isspacep.param tests against it.
  const char *params;
  uint64_t params_size;
};

// What a suspended thread of a coroutine kernel waits for: kernel code writes the request just
// before it suspends at a barrier or a warp collective, the block scheduler reads it, and for a
// warp collective writes the lane's results back before it resumes the thread. Every warp
// collective goes through these per-lane slots, so a new one (mma, ldmatrix) is a new kind and a
// function over the 32 lanes' requests (warp_collectives.cpp), not a new scheduling mechanism.
// `op` holds the variant, coded as in backends/warp_operations.h.
enum SuspendKind : uint32_t {
  kSuspendNone = 0,
  kSuspendBarSync,       // bar.sync / barrier.sync: barrier, count
  kSuspendBarArrive,     // bar.arrive: barrier, count; the thread does not wait
  kSuspendBarRed,        // bar.red: op, barrier, count, operand[0] = predicate
  kSuspendWarpSync,      // bar.warp.sync: mask
  kSuspendShuffle,       // shfl.sync: op , mask, operand = a, b, c
  kSuspendVote,          // vote.sync: op mask, operand[0] = predicate (negation applied)
  kSuspendMatch,         // match.sync: op mask, operand[0] = value
  kSuspendReduce,        // redux.sync: op mask, operand[0] = value
  kSuspendElect,         // elect.sync: mask
  kSuspendActiveMask,    // activemask: site
  kSuspendMma,           // mma.sync: op, mask, operand[0] = address of the lane's fragment buffer
  kSuspendLdmatrix,      // ldmatrix: op, mask, operand[0] = address of the lane's row
  kSuspendMovmatrix,     // movmatrix: mask, operand[0] = the lane's .b16x2 fragment
  kSuspendStmatrix,      // stmatrix: op, mask, operand = row address, registers 0|1, registers 2|3
  kSuspendMbarrierWait,  // mbarrier.test_wait / try_wait: op = variant, operand = object, phase
  kSuspendClusterArrive, // barrier.cluster.arrive: the thread does not wait
  kSuspendClusterWait,   // barrier.cluster.wait: until the phase of the thread's arrival completes
  kSuspendYield,         // a spin-wait's iteration: operand = polled address, kYield* flags
};

// kSuspendYield's operand[1]: the polled word's width in bytes (0: address unknown), and whether
// the loop only polls (writes no memory, and only polled values decide its exits), so that an
// unchanged word means the loop cannot end.
inline constexpr uint64_t kYieldWidthMask = 0xff;
inline constexpr uint64_t kYieldPurePoll = 0x100;

struct SuspendRequest {
  uint32_t kind; // SuspendKind
  uint32_t op;
  uint32_t mask;    // warp collectives: the membermask
  uint32_t barrier; // barriers: the id (0..15)
  int32_t count;    // barriers: the thread count, -1 for the whole block
  uint32_t site;    // which suspension point of the kernel (activemask groups by it)
  uint64_t operand[3];
  uint64_t result[2];
};

// Per thread. Kernel code gets a pointer to one of these as its last argument.
struct ThreadContext {
  const BlockContext *block;
  uint32_t tid[3];
  uint32_t lane_id;
  uint32_t warp_id;
  uint32_t done; // set by kernel code when the thread returns (coroutine kernels only)
  SuspendRequest request;
  // Storage for the thread's coroutine frame (barrier kernels), reused across blocks.
  void *frame;
  uint64_t frame_capacity;
  // A coroutine kernel's run-time allocations (PTX alloca), which cannot live in its fixed-size
  // frame: kDynamicStackBytes allocated at the first one, reused across blocks; `dynamic_top` is
  // the bytes in use, reset when the thread starts (stacksave / stackrestore read and set it).
  char *dynamic_stack;
  uint64_t dynamic_top;
};

// The run-time allocations one thread of a coroutine kernel may hold at once: more than CUDA's
// default cudaLimitStackSize (1 KiB), the bound a GPU thread's allocas usually live within.
inline constexpr uint64_t kDynamicStackBytes = 64 * 1024;

// The executor's per-thread entry points as the compiled code exposes them.
using PlainKernelFn = void (*)(const void *params, ThreadContext *ctx);
// Coroutine kernels (with barriers or warp collectives) are switched-resume coroutines: the ramp
// runs the thread to its first suspension point (or to its end) and returns the frame; frame[0] is
// the resume function (LLVM's switch ABI).
using CoroutineKernelFn = void *(*)(const void *params, ThreadContext *ctx);
using CoroutineResumeFn = void (*)(void *frame);

namespace context_offsets {
inline constexpr uint64_t block = offsetof(ThreadContext, block);
inline constexpr uint64_t tid = offsetof(ThreadContext, tid);
inline constexpr uint64_t lane_id = offsetof(ThreadContext, lane_id);
inline constexpr uint64_t warp_id = offsetof(ThreadContext, warp_id);
inline constexpr uint64_t done = offsetof(ThreadContext, done);
inline constexpr uint64_t request_kind = offsetof(ThreadContext, request.kind);
inline constexpr uint64_t request_op = offsetof(ThreadContext, request.op);
inline constexpr uint64_t request_mask = offsetof(ThreadContext, request.mask);
inline constexpr uint64_t request_barrier = offsetof(ThreadContext, request.barrier);
inline constexpr uint64_t request_count = offsetof(ThreadContext, request.count);
inline constexpr uint64_t request_site = offsetof(ThreadContext, request.site);
inline constexpr uint64_t request_operand = offsetof(ThreadContext, request.operand);
inline constexpr uint64_t request_result = offsetof(ThreadContext, request.result);
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
inline constexpr uint64_t explicit_cluster = offsetof(BlockContext, explicit_cluster);
inline constexpr uint64_t stack_base = offsetof(BlockContext, stack_base);
inline constexpr uint64_t stack_size = offsetof(BlockContext, stack_size);
inline constexpr uint64_t params = offsetof(BlockContext, params);
inline constexpr uint64_t params_size = offsetof(BlockContext, params_size);
inline constexpr uint64_t frame = offsetof(ThreadContext, frame);
inline constexpr uint64_t frame_capacity = offsetof(ThreadContext, frame_capacity);
inline constexpr uint64_t dynamic_stack = offsetof(ThreadContext, dynamic_stack);
} // namespace context_offsets

} // namespace cuport::cpu
