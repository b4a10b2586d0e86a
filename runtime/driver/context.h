// The driver API's contexts on cuport's one device. Every context shares the device's memory,
// streams and events (there is one address space); what a context owns is its modules: those
// loaded while it was current, unloaded by cuCtxDestroy (or, for the primary context, by
// cuDevicePrimaryCtxReset). CUcontext is a Context *; a destroyed context stays allocated, marked
// destroyed, so that a stale handle is diagnosed instead of read after it is freed.
#pragma once

#include "runtime/driver/api.h"

#include <atomic>

namespace cuport::driver {

struct Context {
  Context(bool isPrimary, unsigned createFlags, unsigned long long contextId)
      : primary(isPrimary), id(contextId), flags(createFlags) {}

  const bool primary;
  const unsigned long long id; // cuCtxGetId: unique in the process
  std::atomic<unsigned> flags; // CU_CTX_* as created (or cuCtxSetFlags / PrimaryCtxSetFlags)
  std::atomic<bool> destroyed{false};
  // Preferences for GPU hardware this device does not have, validated and kept for the getters.
  std::atomic<int> cacheConfig{CU_FUNC_CACHE_PREFER_NONE};
  std::atomic<int> sharedMemConfig{CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE};
};

inline CUcontext handleOf(Context *context) {
  return reinterpret_cast<CUcontext>(context);
}

// The calling thread's current context: the top of its context stack, or the primary context
// when the stack is empty and the runtime API is in use (as NVIDIA's libcudart makes it current).
// nullptr when there is none.
Context *currentContext();

// The device and the current context, for calls that need one: CUDA_ERROR_NOT_INITIALIZED before
// cuInit, CUDA_ERROR_INVALID_CONTEXT without a current context, CUDA_ERROR_CONTEXT_IS_DESTROYED
// when the current one was destroyed.
CUresult requireContext(core::Device *&device, Context **context = nullptr);

// `handle` as a context this library made: CUDA_ERROR_INVALID_CONTEXT for any other value,
// CUDA_ERROR_CONTEXT_IS_DESTROYED for a destroyed one.
CUresult liveContext(CUcontext handle, Context *&context);

} // namespace cuport::driver
