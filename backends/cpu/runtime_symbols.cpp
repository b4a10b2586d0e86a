// The functions kernel code calls into the executor. They run on a worker thread, inside a block.
#include "backends/cpu/runtime_symbols.h"

#include "backends/cpu/bulk_copy.h"
#include "backends/cpu/const_windows.h"
#include "backends/cpu/context.h"
#include "backends/cpu/device_heap.h"
#include "backends/cpu/directed_rounding.h"
#include "backends/cpu/mbarrier.h"
#include "backends/cpu/printf_fifo.h"
#include "backends/cpu/texture_lod.h"
#include "backends/cpu/texture_sampling.h"
#include "backends/cpu/worker.h"
#include "backends/warp_operations.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <sys/uio.h>
#include <unistd.h>

namespace cuport::cpu {
namespace {

// Marks the calling worker as inside a host library call for the scope (see
// Worker::in_library_call).
class LibraryCall {
public:
  LibraryCall() : worker(Worker::current()) {
    if (worker)
      worker->in_library_call = 1;
  }
  ~LibraryCall() {
    if (worker)
      worker->in_library_call = 0;
  }
  LibraryCall(const LibraryCall &) = delete;
  LibraryCall &operator=(const LibraryCall &) = delete;

private:
  Worker *worker;
};

// siglongjmp skips destructors: every string is moved into the worker (or already destroyed)
// when the jump happens, so nothing leaks.
[[noreturn]] void failThread(const ThreadContext *thread, cuport_status status, std::string what) {
  Worker *worker = Worker::current();
  if (!worker) {
    std::fprintf(stderr, "cuport: %s outside a kernel launch\n", what.c_str());
    std::abort();
  }
  worker->in_library_call = 1; // the block ends here anyway: no cancellation mid-allocation
  what.insert(0, ": ");
  what.insert(0, worker->describeLocation(thread));
  worker->abortKernel(status, std::move(what));
}

std::string deviceString(uint64_t address) {
  if (address == 0)
    return "<null>";
  return std::string(reinterpret_cast<const char *>(address));
}

extern "C" {

[[noreturn]] void cuport_cpu_trap(ThreadContext *thread) {
  failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, "trap instruction executed");
}

[[noreturn]] void cuport_cpu_brkpt(ThreadContext *thread) {
  failThread(thread, CUPORT_ERROR_LAUNCH_FAILED,
             "brkpt instruction executed (no debugger to stop in)");
}

// CUDA prints "file:line: function: block: [x,y,z], thread: [x,y,z] Assertion `msg` failed."
[[noreturn]] void cuport_cpu_assert_fail(uint64_t message, uint64_t file, uint32_t line,
                                         uint64_t function, uint64_t /*char_size*/,
                                         ThreadContext *thread) {
  Worker *worker = Worker::current();
  if (worker)
    worker->in_library_call = 1; // the block ends here anyway: no cancellation mid-allocation
  std::string text = deviceString(file) + ":" + std::to_string(line) + ": " +
                     deviceString(function) + ": " +
                     (worker ? worker->describeLocation(thread) : std::string("?")) +
                     " Assertion `" + deviceString(message) + "` failed.";
  std::fprintf(stderr, "%s\n", text.c_str());
  if (!worker)
    std::abort();
  worker->abortKernel(CUPORT_ERROR_ASSERT, std::move(text));
}

// The ramp of every coroutine thread calls this first: the thread's run-time allocations start
// over here too.
void *cuport_cpu_coroutine_frame(ThreadContext *thread, uint64_t size) {
  thread->dynamic_top = 0;
  if (thread->frame_capacity < size) {
    LibraryCall call;
    std::free(thread->frame);
    uint64_t rounded = (size + 63) & ~uint64_t{63};
    thread->frame = std::aligned_alloc(64, rounded);
    thread->frame_capacity = thread->frame ? rounded : 0;
    if (!thread->frame)
      failThread(thread, CUPORT_ERROR_OUT_OF_MEMORY, "cannot allocate a barrier frame");
  }
  return thread->frame;
}

void *cuport_cpu_dynamic_alloca(ThreadContext *thread, uint64_t size, uint64_t alignment) {
  if (!thread->dynamic_stack) {
    LibraryCall call;
    thread->dynamic_stack = static_cast<char *>(std::malloc(kDynamicStackBytes));
    if (!thread->dynamic_stack)
      failThread(thread, CUPORT_ERROR_OUT_OF_MEMORY, "cannot allocate a thread's alloca stack");
  }
  uint64_t base = reinterpret_cast<uint64_t>(thread->dynamic_stack);
  uint64_t start = (base + thread->dynamic_top + alignment - 1) & ~(alignment - 1);
  if (start - base > kDynamicStackBytes || size > kDynamicStackBytes - (start - base))
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED,
               "alloca of " + std::to_string(size) + " bytes (aligned to " +
                   std::to_string(alignment) + ") exceeds the " +
                   std::to_string(kDynamicStackBytes) +
                   " bytes a thread of a kernel with barriers or warp collectives has for them (" +
                   std::to_string(thread->dynamic_top) + " in use)");
  thread->dynamic_top = start - base + size;
  return reinterpret_cast<void *>(start);
}

void *cuport_cpu_dynamic_stacksave(ThreadContext *thread) {
  return thread->dynamic_stack + thread->dynamic_top;
}

void cuport_cpu_dynamic_stackrestore(ThreadContext *thread, void *saved) {
  // An address stacksave did not give (undefined in PTX) leaves the allocations as they are.
  uint64_t top = static_cast<char *>(saved) - thread->dynamic_stack;
  if (thread->dynamic_stack && top <= thread->dynamic_top)
    thread->dynamic_top = top;
}

uint32_t cuport_cpu_is_const_address(uint64_t address) {
  LibraryCall call; // takes the registry's lock: no cancellation inside
  return const_windows::contains(address) ? 1 : 0;
}

uint64_t cuport_cpu_global_timer() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return uint64_t(now.tv_sec) * 1000000000u + uint64_t(now.tv_nsec);
}

// The descriptor a texture, sampler or surface handle points to; traps on anything else (a
// destroyed object, a reference never bound, a texture used as a surface or the other way round).
const cuport_texture_descriptor &objectDescriptor(const ThreadContext *thread, uint64_t handle,
                                                  uint32_t magic) {
  const auto *descriptor = reinterpret_cast<const cuport_texture_descriptor *>(handle);
  if (!descriptor || descriptor->magic != magic) {
    // A fixed buffer: failThread does not return, so no temporary string may be left behind.
    const char *kind = magic == CUPORT_TEXTURE_MAGIC   ? "texture"
                       : magic == CUPORT_SAMPLER_MAGIC ? "sampler"
                                                       : "surface";
    char message[128];
    std::snprintf(message, sizeof message, "handle 0x%llx is not a live %s object",
                  static_cast<unsigned long long>(handle), kind);
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, message);
  }
  return *descriptor;
}

void failIf(const ThreadContext *thread, const char *failure) {
  if (failure)
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, failure);
}

void cuport_cpu_tex(uint64_t handle, uint32_t op, const uint32_t *coordinates, uint32_t *result,
                    ThreadContext *thread) {
  failIf(thread, sampleTexture(objectDescriptor(thread, handle, CUPORT_TEXTURE_MAGIC), op,
                               coordinates, result));
}

void cuport_cpu_tld4(uint64_t handle, uint32_t op, const uint32_t *coordinates, uint32_t *result,
                     ThreadContext *thread) {
  failIf(thread, gatherTexture(objectDescriptor(thread, handle, CUPORT_TEXTURE_MAGIC), op,
                               coordinates, result));
}

void cuport_cpu_suld(uint64_t handle, uint32_t op, const uint32_t *coordinates, void *data,
                     ThreadContext *thread) {
  if (!surfaceLoad(objectDescriptor(thread, handle, CUPORT_SURFACE_MAGIC), op, coordinates, data))
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, "suld.trap: surface load out of range");
}

void cuport_cpu_sust(uint64_t handle, uint32_t op, const uint32_t *coordinates, const void *data,
                     ThreadContext *thread) {
  if (!surfaceStore(objectDescriptor(thread, handle, CUPORT_SURFACE_MAGIC), op, coordinates, data))
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, "sust.trap: surface store out of range");
}

void cuport_cpu_sured(uint64_t handle, uint32_t op, const uint32_t *coordinates,
                      const void *operand, ThreadContext *thread) {
  if (const char *failure = surfaceReduce(objectDescriptor(thread, handle, CUPORT_SURFACE_MAGIC),
                                          op, coordinates, operand))
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, failure);
}

uint64_t cuport_cpu_tex_sampler(uint64_t texture, uint64_t sampler,
                                cuport_texture_descriptor *scratch, ThreadContext *thread) {
  *scratch = objectDescriptor(thread, texture, CUPORT_TEXTURE_MAGIC);
  const cuport_texture_descriptor &state = objectDescriptor(thread, sampler, CUPORT_SAMPLER_MAGIC);
  for (int i = 0; i < 3; ++i)
    scratch->address_mode[i] = state.address_mode[i];
  scratch->linear_filter = state.linear_filter;
  // force_unnormalized_coords overrides the texture's normalized_coords.
  scratch->normalized_coords = scratch->normalized_coords && state.normalized_coords;
  return reinterpret_cast<uint64_t>(scratch);
}

int32_t cuport_cpu_txq(uint64_t handle, uint32_t query, ThreadContext *thread) {
  const auto *descriptor = reinterpret_cast<const cuport_texture_descriptor *>(handle);
  uint32_t magic = !descriptor ? CUPORT_TEXTURE_MAGIC : descriptor->magic;
  if (magic != CUPORT_SURFACE_MAGIC && magic != CUPORT_SAMPLER_MAGIC)
    magic = CUPORT_TEXTURE_MAGIC;
  return queryTexture(objectDescriptor(thread, handle, magic), query);
}

int32_t cuport_cpu_txq_level(uint64_t handle, uint32_t query, int32_t lod, ThreadContext *thread) {
  return queryTextureLevel(objectDescriptor(thread, handle, CUPORT_TEXTURE_MAGIC), query, lod);
}

// istypep: whether `handle` is the address of a live descriptor of the kind asked. Any 64-bit value
// may arrive, so the magic is read with process_vm_readv, which reports an unreadable address
// instead of faulting. Samplers are the .samplerref variables of independent texture mode.
int32_t cuport_cpu_istypep(uint64_t handle, uint32_t kind, ThreadContext *) {
  if (handle == 0 || handle % alignof(cuport_texture_descriptor) != 0)
    return 0;
  uint32_t magic = 0;
  iovec local{&magic, sizeof magic};
  iovec remote{reinterpret_cast<void *>(handle), sizeof magic};
  if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != ssize_t(sizeof magic))
    return 0;
  return magic == (kind == CUPORT_ISTYPEP_TEXREF       ? CUPORT_TEXTURE_MAGIC
                   : kind == CUPORT_ISTYPEP_SAMPLERREF ? CUPORT_SAMPLER_MAGIC
                                                       : CUPORT_SURFACE_MAGIC);
}

// The mbarrier object at `address`, which must be an aligned word in the block's shared memory.
uint64_t &sharedObject(const ThreadContext *thread, uint64_t *address) {
  uint64_t base = reinterpret_cast<uint64_t>(thread->block->shared_base);
  uint64_t offset = reinterpret_cast<uint64_t>(address) - base;
  if (offset >= thread->block->total_smem_size || offset % 8 != 0) {
    char message[128];
    std::snprintf(message, sizeof message,
                  "mbarrier object at 0x%llx is not an aligned 64-bit word of the block's shared "
                  "memory",
                  static_cast<unsigned long long>(reinterpret_cast<uint64_t>(address)));
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, message);
  }
  return *address;
}

void cuport_cpu_mbarrier_init(uint64_t *address, uint32_t count, ThreadContext *thread) {
  failIf(thread, mbarrierInit(sharedObject(thread, address), count));
}

void cuport_cpu_mbarrier_inval(uint64_t *address, ThreadContext *thread) {
  sharedObject(thread, address) = 0;
}

uint64_t cuport_cpu_mbarrier_arrive(uint64_t *address, uint32_t count, int32_t transactions,
                                    uint32_t flags, ThreadContext *thread) {
  uint64_t state = 0;
  failIf(thread, mbarrierArrive(sharedObject(thread, address), count, transactions, flags, state));
  return state;
}

void cuport_cpu_mbarrier_tx(uint64_t *address, int32_t delta, ThreadContext *thread) {
  failIf(thread, mbarrierTransactions(sharedObject(thread, address), delta));
}

uint32_t cuport_cpu_mbarrier_pending_count(uint64_t state, ThreadContext *) {
  return mbarrierPendingCount(state);
}

// Fails the grid unless [address, address + size) lies in the block's shared memory.
void requireSharedRange(const ThreadContext *thread, const char *instruction, const char *operand,
                        const void *address, uint32_t size) {
  uint64_t offset =
      reinterpret_cast<uint64_t>(address) - reinterpret_cast<uint64_t>(thread->block->shared_base);
  uint64_t window = thread->block->total_smem_size;
  if (offset <= window && size <= window - offset)
    return;
  char message[192];
  std::snprintf(message, sizeof message, "%s: %s [0x%llx, +%u) is not in the block's shared memory",
                instruction, operand,
                static_cast<unsigned long long>(reinterpret_cast<uint64_t>(address)), size);
  failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, message);
}

// The checks every bulk operation makes before it touches memory.
void checkBulkOperands(const ThreadContext *thread, const char *instruction, uint32_t spaces,
                       const void *destination, const void *source, uint32_t size) {
  char message[160];
  uint64_t to = reinterpret_cast<uint64_t>(destination);
  if (const char *failure =
          bulkOperandError(instruction, to, reinterpret_cast<uint64_t>(source), size, message))
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, failure);
  if (spaces & CUPORT_BULK_DST_SHARED)
    requireSharedRange(thread, instruction, "destination", destination, size);
  if (spaces & CUPORT_BULK_SRC_SHARED)
    requireSharedRange(thread, instruction, "source", source, size);
}

// The completion of a bulk operation into shared memory: complete_tx of its bytes.
void completeBulkTransactions(ThreadContext *thread, uint64_t *mbarrier, uint32_t size) {
  if (size > uint32_t(INT32_MAX))
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, "bulk copy larger than an mbarrier can count");
  failIf(thread, mbarrierTransactions(sharedObject(thread, mbarrier), -int32_t(size)));
}

// cp.async.bulk and cp.async.bulk.prefetch.L2: the copy happens now, then its completion. A
// multicast reaches the CTAs of ctaMask; a cluster is one CTA, so only bit 0 names one.
void cuport_cpu_bulk_copy(uint32_t variant, void *destination, const void *source, uint32_t size,
                          uint64_t *mbarrier, uint32_t ctaMask, ThreadContext *thread) {
  bool prefetch = variant & CUPORT_BULK_PREFETCH;
  const char *instruction = prefetch ? "cp.async.bulk.prefetch" : "cp.async.bulk";
  checkBulkOperands(thread, instruction, variant, prefetch ? nullptr : destination, source, size);
  if (prefetch)
    return;
  if (ctaMask & ~1u) {
    char message[160];
    std::snprintf(message, sizeof message,
                  "cp.async.bulk.multicast::cluster: ctaMask 0x%x names CTAs the cluster does not "
                  "have (a cluster is one CTA)",
                  ctaMask);
    failThread(thread, CUPORT_ERROR_LAUNCH_FAILED, message);
  }
  if (ctaMask == 0)
    return; // a multicast to no CTA writes nothing and signals no mbarrier
  std::memmove(destination, source, size);
  if (mbarrier)
    completeBulkTransactions(thread, mbarrier, size);
}

// cp.reduce.async.bulk: the element-wise reduction happens now, then its completion.
void cuport_cpu_bulk_reduce(uint32_t code, void *destination, const void *source, uint32_t size,
                            uint64_t *mbarrier, ThreadContext *thread) {
  checkBulkOperands(thread, "cp.reduce.async.bulk", code | CUPORT_BULK_SRC_SHARED, destination,
                    source, size);
  bulkReduce((code >> CUPORT_BULK_OP_SHIFT) & 0xff, code >> CUPORT_BULK_TYPE_SHIFT, destination,
             source, size);
  if (mbarrier)
    completeBulkTransactions(thread, mbarrier, size);
}

// PTX's malloc/free: the device heap, limited by cudaLimitMallocHeapSize.
void *cuport_cpu_device_malloc(uint64_t bytes) {
  LibraryCall call;
  return deviceHeap().allocate(bytes);
}

void cuport_cpu_device_free(void *pointer) {
  LibraryCall call;
  deviceHeap().release(pointer);
}

// CUDA's device printf: the record goes to the FIFO the host prints at synchronization points.
int32_t cuport_cpu_vprintf(uint64_t format, uint64_t arguments) {
  LibraryCall call;
  return printfFifo().append(reinterpret_cast<const char *>(format),
                             reinterpret_cast<const uint8_t *>(arguments));
}

} // extern "C"

} // namespace

namespace runtime_symbols {

std::vector<std::pair<std::string_view, void *>> table() {
  return {
      {trap, reinterpret_cast<void *>(&cuport_cpu_trap)},
      {breakpoint, reinterpret_cast<void *>(&cuport_cpu_brkpt)},
      {assert_fail, reinterpret_cast<void *>(&cuport_cpu_assert_fail)},
      {coroutine_frame, reinterpret_cast<void *>(&cuport_cpu_coroutine_frame)},
      {dynamic_alloca, reinterpret_cast<void *>(&cuport_cpu_dynamic_alloca)},
      {dynamic_stack_save, reinterpret_cast<void *>(&cuport_cpu_dynamic_stacksave)},
      {dynamic_stack_restore, reinterpret_cast<void *>(&cuport_cpu_dynamic_stackrestore)},
      {is_const_address, reinterpret_cast<void *>(&cuport_cpu_is_const_address)},
      {global_timer, reinterpret_cast<void *>(&cuport_cpu_global_timer)},
      {texture_sample, reinterpret_cast<void *>(&cuport_cpu_tex)},
      {texture_gather, reinterpret_cast<void *>(&cuport_cpu_tld4)},
      {surface_load, reinterpret_cast<void *>(&cuport_cpu_suld)},
      {surface_store, reinterpret_cast<void *>(&cuport_cpu_sust)},
      {surface_reduce, reinterpret_cast<void *>(&cuport_cpu_sured)},
      {texture_query, reinterpret_cast<void *>(&cuport_cpu_txq)},
      {texture_level_query, reinterpret_cast<void *>(&cuport_cpu_txq_level)},
      {object_type_test, reinterpret_cast<void *>(&cuport_cpu_istypep)},
      {texture_bind_sampler, reinterpret_cast<void *>(&cuport_cpu_tex_sampler)},
      {mbarrier_init, reinterpret_cast<void *>(&cuport_cpu_mbarrier_init)},
      {mbarrier_inval, reinterpret_cast<void *>(&cuport_cpu_mbarrier_inval)},
      {mbarrier_arrive, reinterpret_cast<void *>(&cuport_cpu_mbarrier_arrive)},
      {mbarrier_transactions, reinterpret_cast<void *>(&cuport_cpu_mbarrier_tx)},
      {mbarrier_pending_count, reinterpret_cast<void *>(&cuport_cpu_mbarrier_pending_count)},
      {bulk_copy, reinterpret_cast<void *>(&cuport_cpu_bulk_copy)},
      {bulk_reduce, reinterpret_cast<void *>(&cuport_cpu_bulk_reduce)},
      {rounded_f32, reinterpret_cast<void *>(&cuport_cpu_rounded_f32)},
      {rounded_f64, reinterpret_cast<void *>(&cuport_cpu_rounded_f64)},
      {rounded_convert, reinterpret_cast<void *>(&cuport_cpu_rounded_convert)},
      {device_malloc, reinterpret_cast<void *>(&cuport_cpu_device_malloc)},
      {device_free, reinterpret_cast<void *>(&cuport_cpu_device_free)},
      {device_printf, reinterpret_cast<void *>(&cuport_cpu_vprintf)},
  };
}

bool isProvided(std::string_view name) {
  for (const auto &[symbol, address] : table())
    if (symbol == name)
      return true;
  return false;
}

} // namespace runtime_symbols
} // namespace cuport::cpu
