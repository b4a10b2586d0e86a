// Contexts: the primary context (retain, release, reset, state, flags), created contexts, the
// per-thread context stack and what a context answers (device, flags, limits, priorities).
#include "runtime/driver/context.h"

#include "runtime/core/limits.h"
#include "runtime/core/memory.h"
#include "runtime/core/stream_set.h"
#include "runtime/driver/driver_module.h"
#include "support/log.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <vector>

// The _v2 / _v3 entry points cuda.h declares only for its own internal build.
extern "C" {
CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev);
CUresult cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams,
                        unsigned int flags, CUdevice dev);
}

namespace cuport::driver {
namespace {

// The context ABI version NVIDIA's driver reports for every context since CUDA 3.2.
constexpr unsigned kContextApiVersion = 3020;

struct Contexts {
  std::mutex mutex;
  Context primary{true, CU_CTX_SCHED_AUTO, 1};
  unsigned long long contextsMade = 1;
  unsigned primaryRetains = 0;
  std::set<const Context *> made; // every context ever created, destroyed ones included
};

Contexts &contexts() {
  static Contexts *instance = new Contexts(); // never destroyed: calls may come at exit
  return *instance;
}

thread_local std::vector<Context *> contextStack;

bool validFlags(unsigned flags) {
  if ((flags & ~static_cast<unsigned>(CU_CTX_FLAGS_MASK)) != 0)
    return false;
  switch (flags & CU_CTX_SCHED_MASK) {
  case CU_CTX_SCHED_AUTO:
  case CU_CTX_SCHED_SPIN:
  case CU_CTX_SCHED_YIELD:
  case CU_CTX_SCHED_BLOCKING_SYNC:
    return true;
  default:
    return false; // more than one scheduling policy
  }
}

// The device for calls naming a device ordinal: CUDA_ERROR_INVALID_DEVICE for any but 0.
CUresult deviceOrdinal(CUdevice ordinal, core::Device *&device) {
  if (CUresult result = initializedDevice(device); result != CUDA_SUCCESS)
    return result;
  return ordinal == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult createContext(CUcontext *pctx, unsigned flags, CUdevice dev) {
  core::Device *device = nullptr;
  if (CUresult result = deviceOrdinal(dev, device); result != CUDA_SUCCESS)
    return result;
  if (!pctx)
    return CUDA_ERROR_INVALID_VALUE;
  if (!validFlags(flags)) {
    CUPORT_ERROR("cuCtxCreate: flags %#x have unknown bits or more than one scheduling policy",
                 flags);
    return CUDA_ERROR_INVALID_VALUE;
  }
  Context *context = nullptr;
  {
    Contexts &all = contexts();
    std::lock_guard lock(all.mutex);
    context = new Context(false, flags, ++all.contextsMade);
    all.made.insert(context);
  }
  contextStack.push_back(context);
  *pctx = handleOf(context);
  return CUDA_SUCCESS;
}

// The context a call names, or the current one when `handle` is null.
CUresult namedOrCurrent(CUcontext handle, Context *&context) {
  core::Device *device = nullptr;
  if (handle)
    return liveContext(handle, context);
  return requireContext(device, &context);
}

} // namespace

Context *currentContext() {
  if (!contextStack.empty())
    return contextStack.back();
  core::Device *device = core::existingDevice();
  return device && device->runtimeApiUsed() ? &contexts().primary : nullptr;
}

CUresult requireContext(core::Device *&device, Context **context) {
  if (CUresult result = initializedDevice(device); result != CUDA_SUCCESS)
    return result;
  Context *current = currentContext();
  if (!current)
    return CUDA_ERROR_INVALID_CONTEXT;
  if (current->destroyed.load())
    return CUDA_ERROR_CONTEXT_IS_DESTROYED;
  if (context)
    *context = current;
  return CUDA_SUCCESS;
}

CUresult liveContext(CUcontext handle, Context *&context) {
  core::Device *device = nullptr;
  if (CUresult result = initializedDevice(device); result != CUDA_SUCCESS)
    return result;
  auto *candidate = reinterpret_cast<Context *>(handle);
  Contexts &all = contexts();
  {
    std::lock_guard lock(all.mutex);
    if (candidate != &all.primary && !all.made.count(candidate))
      return CUDA_ERROR_INVALID_CONTEXT;
  }
  if (candidate->destroyed.load())
    return CUDA_ERROR_CONTEXT_IS_DESTROYED;
  context = candidate;
  return CUDA_SUCCESS;
}

} // namespace cuport::driver

using namespace cuport;
using namespace cuport::driver;

extern "C" {

CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !pctx)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    Contexts &all = contexts();
    std::lock_guard lock(all.mutex);
    ++all.primaryRetains;
    *pctx = handleOf(&all.primary);
  }
  return finishCall("cuDevicePrimaryCtxRetain", result, "dev=%d", dev);
}

CUresult cuDevicePrimaryCtxRelease(CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  bool lastRelease = false;
  if (result == CUDA_SUCCESS) {
    Contexts &all = contexts();
    std::lock_guard lock(all.mutex);
    if (all.primaryRetains == 0)
      result = CUDA_ERROR_INVALID_CONTEXT; // released more often than retained
    else
      lastRelease = --all.primaryRetains == 0 && !device->runtimeApiUsed();
  }
  // An inactive primary context keeps no modules; the device's memory stays (it is shared by
  // every context of the one device).
  if (lastRelease) {
    (void)core::synchronizeDevice(*device);
    unloadContextModules(contexts().primary);
  }
  return finishCall("cuDevicePrimaryCtxRelease_v2", result, "dev=%d", dev);
}

CUresult cuDevicePrimaryCtxReset(CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  // What cudaDeviceReset does: waits for the device, frees every allocation, destroys every stream
  // and event, clears the sticky error, restores the limits; and the primary context's modules are
  // unloaded, their handles invalid from now on.
  if (result == CUDA_SUCCESS) {
    unloadContextModules(contexts().primary);
    device->reset();
    core::resetLimits(*device);
  }
  return finishCall("cuDevicePrimaryCtxReset_v2", result, "dev=%d", dev);
}

CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && (!flags || !active))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    Contexts &all = contexts();
    std::lock_guard lock(all.mutex);
    *flags = all.primary.flags.load();
    *active = all.primaryRetains > 0 || device->runtimeApiUsed() ? 1 : 0;
  }
  return finishCall("cuDevicePrimaryCtxGetState", result, "dev=%d -> flags=%#x active=%d", dev,
                    result == CUDA_SUCCESS ? *flags : 0, result == CUDA_SUCCESS ? *active : 0);
}

CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !validFlags(flags))
    result = CUDA_ERROR_INVALID_VALUE;
  // Waiting threads always block on a condition variable, which every scheduling policy allows:
  // the flags are kept for cuDevicePrimaryCtxGetState and cuCtxGetFlags.
  if (result == CUDA_SUCCESS)
    contexts().primary.flags.store(flags);
  return finishCall("cuDevicePrimaryCtxSetFlags_v2", result, "dev=%d flags=%#x", dev, flags);
}

CUresult cuCtxCreate(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags,
                     CUdevice dev) {
  CUresult result = CUDA_SUCCESS;
  if (ctxCreateParams &&
      (ctxCreateParams->numExecAffinityParams > 0 || ctxCreateParams->cigParams)) {
    CUPORT_ERROR("cuCtxCreate: execution affinity and CUDA-in-graphics contexts are not supported "
                 "on this device");
    result = ctxCreateParams->cigParams ? CUDA_ERROR_NOT_SUPPORTED
                                        : CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY;
  }
  if (result == CUDA_SUCCESS)
    result = createContext(pctx, flags, dev);
  return finishCall("cuCtxCreate_v4", result, "flags=%#x dev=%d -> %p", flags, dev,
                    result == CUDA_SUCCESS ? static_cast<void *>(*pctx) : nullptr);
}

CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev) {
  CUresult result = createContext(pctx, flags, dev);
  return finishCall("cuCtxCreate_v2", result, "flags=%#x dev=%d -> %p", flags, dev,
                    result == CUDA_SUCCESS ? static_cast<void *>(*pctx) : nullptr);
}

CUresult cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams,
                        unsigned int flags, CUdevice dev) {
  CUresult result = CUDA_SUCCESS;
  if (numParams < 0 || (numParams > 0 && !paramsArray))
    result = CUDA_ERROR_INVALID_VALUE;
  else if (numParams > 0) {
    CUPORT_ERROR("cuCtxCreate_v3: execution affinity is not supported on this device");
    result = CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY;
  }
  if (result == CUDA_SUCCESS)
    result = createContext(pctx, flags, dev);
  return finishCall("cuCtxCreate_v3", result, "numParams=%d flags=%#x dev=%d", numParams, flags,
                    dev);
}

CUresult cuCtxDestroy(CUcontext ctx) {
  Context *context = nullptr;
  CUresult result = liveContext(ctx, context);
  if (result == CUDA_SUCCESS && context->primary) {
    CUPORT_ERROR("cuCtxDestroy: the primary context is released with cuDevicePrimaryCtxRelease");
    result = CUDA_ERROR_INVALID_CONTEXT;
  }
  if (result == CUDA_SUCCESS) {
    core::Device *device = nullptr;
    (void)initializedDevice(device);
    // The context's work finishes before its modules go.
    (void)core::synchronizeDevice(*device);
    unloadContextModules(*context);
    context->destroyed.store(true);
    std::erase(contextStack, context);
  }
  return finishCall("cuCtxDestroy_v2", result, "ctx=%p", static_cast<void *>(ctx));
}

CUresult cuCtxPushCurrent(CUcontext ctx) {
  Context *context = nullptr;
  CUresult result = liveContext(ctx, context);
  if (result == CUDA_SUCCESS)
    contextStack.push_back(context);
  return finishCall("cuCtxPushCurrent_v2", result, "ctx=%p", static_cast<void *>(ctx));
}

CUresult cuCtxPopCurrent(CUcontext *pctx) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && contextStack.empty())
    result = CUDA_ERROR_INVALID_CONTEXT;
  Context *popped = nullptr;
  if (result == CUDA_SUCCESS) {
    popped = contextStack.back();
    contextStack.pop_back();
    if (pctx)
      *pctx = handleOf(popped);
  }
  return finishCall("cuCtxPopCurrent_v2", result, "-> %p", static_cast<void *>(popped));
}

CUresult cuCtxSetCurrent(CUcontext ctx) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = ctx ? liveContext(ctx, context) : initializedDevice(device);
  // Replaces the top of the stack; null pops it.
  if (result == CUDA_SUCCESS) {
    if (!contextStack.empty())
      contextStack.pop_back();
    if (context)
      contextStack.push_back(context);
  }
  return finishCall("cuCtxSetCurrent", result, "ctx=%p", static_cast<void *>(ctx));
}

CUresult cuCtxGetCurrent(CUcontext *pctx) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !pctx)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *pctx = handleOf(currentContext());
  return finishCall("cuCtxGetCurrent", result, "-> %p",
                    result == CUDA_SUCCESS ? static_cast<void *>(*pctx) : nullptr);
}

CUresult cuCtxGetDevice(CUdevice *device) {
  core::Device *present = nullptr;
  CUresult result = requireContext(present);
  if (result == CUDA_SUCCESS && !device)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *device = 0;
  return finishCall("cuCtxGetDevice", result, "%s", "");
}

CUresult cuCtxGetDevice_v2(CUdevice *device, CUcontext ctx) {
  Context *context = nullptr;
  CUresult result = namedOrCurrent(ctx, context);
  if (result == CUDA_SUCCESS && !device)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *device = 0;
  return finishCall("cuCtxGetDevice_v2", result, "ctx=%p", static_cast<void *>(ctx));
}

CUresult cuCtxSynchronize(void) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::synchronizeDevice(*device));
  if (device)
    device->flushPrintf();
  return finishCall("cuCtxSynchronize", result, "%s", "");
}

CUresult cuCtxSynchronize_v2(CUcontext ctx) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = namedOrCurrent(ctx, context);
  if (result == CUDA_SUCCESS)
    result = initializedDevice(device);
  if (result == CUDA_SUCCESS) {
    result = fromRuntime(core::synchronizeDevice(*device));
    device->flushPrintf();
  }
  return finishCall("cuCtxSynchronize_v2", result, "ctx=%p", static_cast<void *>(ctx));
}

CUresult cuCtxGetApiVersion(CUcontext ctx, unsigned int *version) {
  Context *context = nullptr;
  CUresult result = namedOrCurrent(ctx, context);
  if (result == CUDA_SUCCESS && !version)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *version = kContextApiVersion;
  return finishCall("cuCtxGetApiVersion", result, "ctx=%p", static_cast<void *>(ctx));
}

CUresult cuCtxGetFlags(unsigned int *flags) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = requireContext(device, &context);
  if (result == CUDA_SUCCESS && !flags)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *flags = context->flags.load();
  return finishCall("cuCtxGetFlags", result, "-> %#x", result == CUDA_SUCCESS ? *flags : 0);
}

CUresult cuCtxSetFlags(unsigned int flags) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = requireContext(device, &context);
  if (result == CUDA_SUCCESS && !validFlags(flags))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    context->flags.store(flags);
  return finishCall("cuCtxSetFlags", result, "flags=%#x", flags);
}

CUresult cuCtxSetLimit(CUlimit limit, size_t value) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  // CUlimit and cudaLimit number the limits alike; the device has one set of them.
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::setLimit(*device, static_cast<cudaLimit>(limit), value));
  return finishCall("cuCtxSetLimit", result, "limit=%d value=%zu", static_cast<int>(limit), value);
}

CUresult cuCtxGetLimit(size_t *pvalue, CUlimit limit) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && !pvalue)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::getLimit(static_cast<cudaLimit>(limit), *pvalue));
  return finishCall("cuCtxGetLimit", result, "limit=%d -> %zu", static_cast<int>(limit),
                    result == CUDA_SUCCESS ? *pvalue : 0);
}

CUresult cuCtxGetStreamPriorityRange(int *leastPriority, int *greatestPriority) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS) {
    if (leastPriority)
      *leastPriority = core::kLeastStreamPriority;
    if (greatestPriority)
      *greatestPriority = core::kGreatestStreamPriority;
  }
  return finishCall("cuCtxGetStreamPriorityRange", result, "%s", "");
}

CUresult cuCtxGetId(CUcontext ctx, unsigned long long *ctxId) {
  Context *context = nullptr;
  CUresult result = namedOrCurrent(ctx, context);
  if (result == CUDA_SUCCESS && !ctxId)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *ctxId = context->id;
  return finishCall("cuCtxGetId", result, "ctx=%p", static_cast<void *>(ctx));
}

// The L1/shared split and the shared-memory bank size are GPU hardware choices this device does
// not have: validated and kept per context, so that the getters report what was set.
CUresult cuCtxSetCacheConfig(CUfunc_cache config) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = requireContext(device, &context);
  if (result == CUDA_SUCCESS &&
      (config < CU_FUNC_CACHE_PREFER_NONE || config > CU_FUNC_CACHE_PREFER_EQUAL))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    context->cacheConfig.store(config);
  return finishCall("cuCtxSetCacheConfig", result, "config=%d", static_cast<int>(config));
}

CUresult cuCtxGetCacheConfig(CUfunc_cache *pconfig) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = requireContext(device, &context);
  if (result == CUDA_SUCCESS && !pconfig)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *pconfig = static_cast<CUfunc_cache>(context->cacheConfig.load());
  return finishCall("cuCtxGetCacheConfig", result, "%s", "");
}

CUresult cuCtxSetSharedMemConfig(CUsharedconfig config) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = requireContext(device, &context);
  if (result == CUDA_SUCCESS && (config < CU_SHARED_MEM_CONFIG_DEFAULT_BANK_SIZE ||
                                 config > CU_SHARED_MEM_CONFIG_EIGHT_BYTE_BANK_SIZE))
    result = CUDA_ERROR_INVALID_VALUE;
  // The default bank size is four bytes, as on every GPU since compute capability 5.0.
  if (result == CUDA_SUCCESS)
    context->sharedMemConfig.store(config == CU_SHARED_MEM_CONFIG_DEFAULT_BANK_SIZE
                                       ? CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE
                                       : config);
  return finishCall("cuCtxSetSharedMemConfig", result, "config=%d", static_cast<int>(config));
}

CUresult cuCtxGetSharedMemConfig(CUsharedconfig *pConfig) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  CUresult result = requireContext(device, &context);
  if (result == CUDA_SUCCESS && !pConfig)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *pConfig = static_cast<CUsharedconfig>(context->sharedMemConfig.load());
  return finishCall("cuCtxGetSharedMemConfig", result, "%s", "");
}

// No L2 lines are ever persisting (CU_LIMIT_PERSISTING_L2_CACHE_SIZE is 0): none to reset.
CUresult cuCtxResetPersistingL2Cache(void) {
  core::Device *device = nullptr;
  return finishCall("cuCtxResetPersistingL2Cache", requireContext(device), "%s", "");
}

} // extern "C"

// The primary-context calls of CUDA 7 to 10, which cuda.h now maps to their _v2 names. They act as
// the _v2 forms, except that the old cuDevicePrimaryCtxSetFlags refuses to change the flags of an
// active primary context.
#undef cuDevicePrimaryCtxRelease
#undef cuDevicePrimaryCtxReset
#undef cuDevicePrimaryCtxSetFlags
extern "C" {
CUresult cuDevicePrimaryCtxRelease(CUdevice dev) {
  return cuDevicePrimaryCtxRelease_v2(dev);
}
CUresult cuDevicePrimaryCtxReset(CUdevice dev) {
  return cuDevicePrimaryCtxReset_v2(dev);
}
CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags) {
  unsigned current = 0;
  int active = 0;
  if (CUresult result = cuDevicePrimaryCtxGetState(dev, &current, &active); result != CUDA_SUCCESS)
    return result;
  if (active)
    return finishCall("cuDevicePrimaryCtxSetFlags", CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE,
                      "dev=%d flags=%#x", dev, flags);
  return cuDevicePrimaryCtxSetFlags_v2(dev, flags);
}
}
