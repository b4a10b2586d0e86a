// Streams: cuStreamCreate / CreateWithPriority / Destroy, synchronization, queries, waits on
// events, host functions, callbacks and the property queries. Entry points taking a stream have
// a _ptsz twin, in which handle 0 is the per-thread default stream.
#include "runtime/driver/api.h"
#include "runtime/driver/context.h"
#include "runtime/driver/stream_access.h"

#include "runtime/core/error_state.h"
#include "runtime/core/stream_operations.h"
#include "runtime/core/stream_set.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

// The _ptsz names cuda.h declares only under CUDA_API_PER_THREAD_DEFAULT_STREAM.
#pragma GCC visibility push(default)
extern "C" {
CUresult cuStreamQuery_ptsz(CUstream hStream);
CUresult cuStreamSynchronize_ptsz(CUstream hStream);
CUresult cuStreamWaitEvent_ptsz(CUstream hStream, CUevent hEvent, unsigned int Flags);
CUresult cuStreamAddCallback_ptsz(CUstream hStream, CUstreamCallback callback, void *userData,
                                  unsigned int flags);
CUresult cuLaunchHostFunc_ptsz(CUstream hStream, CUhostFn fn, void *userData);
CUresult cuStreamGetPriority_ptsz(CUstream hStream, int *priority);
CUresult cuStreamGetFlags_ptsz(CUstream hStream, unsigned int *flags);
CUresult cuStreamGetId_ptsz(CUstream hStream, unsigned long long *streamId);
}
#pragma GCC visibility pop

namespace {

CUresult createStream(CUstream *handle, unsigned flags, int priority) {
  if (!handle)
    return CUDA_ERROR_INVALID_VALUE;
  if (flags & ~unsigned{CU_STREAM_NON_BLOCKING}) {
    CUPORT_ERROR("stream flags 0x%x: only CU_STREAM_DEFAULT and CU_STREAM_NON_BLOCKING exist",
                 flags);
    return CUDA_ERROR_INVALID_VALUE;
  }
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
    return fromRuntime(stuck);
  *handle = device->streams().create(flags, priority);
  return CUDA_SUCCESS;
}

CUresult synchronize(const char *entry, CUstream handle, bool perThreadDefault) {
  CUresult result = withStream(handle, perThreadDefault, core::synchronizeStream);
  return finishCall(entry, result, "hStream=%p", static_cast<void *>(handle));
}

CUresult query(const char *entry, CUstream handle, bool perThreadDefault) {
  CUresult result = withStream(handle, perThreadDefault, core::queryStream);
  return finishCall(entry, result, "hStream=%p", static_cast<void *>(handle));
}

CUresult waitEvent(const char *entry, CUstream handle, CUevent event, unsigned flags,
                   bool perThreadDefault) {
  CUresult result =
      withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
        return core::waitEvent(device, stream, event, flags);
      });
  return finishCall(entry, result, "hStream=%p hEvent=%p Flags=0x%x", static_cast<void *>(handle),
                    static_cast<void *>(event), flags);
}

CUresult launchHostFunc(const char *entry, CUstream handle, CUhostFn fn, void *userData,
                        bool perThreadDefault) {
  CUresult result =
      withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
        return core::launchHostFunction(device, stream, fn, userData);
      });
  return finishCall(entry, result, "hStream=%p fn=%p userData=%p", static_cast<void *>(handle),
                    reinterpret_cast<void *>(fn), userData);
}

CUresult addCallback(const char *entry, CUstream handle, CUstreamCallback callback, void *userData,
                     unsigned flags, bool perThreadDefault) {
  CUresult result =
      withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
        // Flags are reserved for future use and must be 0.
        if (!callback || flags != 0)
          return cudaErrorInvalidValue;
        return core::addStreamCallback(device, stream,
                                       [callback, handle, userData](cudaError_t status) {
                                         callback(handle, fromRuntime(status), userData);
                                       });
      });
  return finishCall(entry, result, "hStream=%p callback=%p userData=%p flags=0x%x",
                    static_cast<void *>(handle), reinterpret_cast<void *>(callback), userData,
                    flags);
}

template <typename Value, typename Read>
CUresult readProperty(const char *entry, CUstream handle, Value *out, bool perThreadDefault,
                      Read read) {
  CUresult result = out ? withStream(handle, perThreadDefault,
                                     [&](core::Device &, core::Stream &stream) {
                                       *out = read(stream);
                                       return cudaSuccess;
                                     })
                        : CUDA_ERROR_INVALID_VALUE;
  return finishCall(entry, result, "hStream=%p", static_cast<void *>(handle));
}

unsigned flagsOf(core::Stream &stream) {
  return stream.flags();
}
int priorityOf(core::Stream &stream) {
  return stream.priority();
}
unsigned long long idOf(core::Stream &stream) {
  return stream.id();
}

} // namespace

extern "C" {

CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags) {
  CUresult result = createStream(phStream, Flags, core::kLeastStreamPriority);
  return finishCall("cuStreamCreate", result, "Flags=0x%x -> %p", Flags,
                    result == CUDA_SUCCESS ? static_cast<void *>(*phStream) : nullptr);
}

CUresult cuStreamCreateWithPriority(CUstream *phStream, unsigned int flags, int priority) {
  // The priority is clamped into [kGreatestStreamPriority, kLeastStreamPriority], as CUDA does.
  CUresult result = createStream(phStream, flags, priority);
  return finishCall("cuStreamCreateWithPriority", result, "flags=0x%x priority=%d -> %p", flags,
                    priority, result == CUDA_SUCCESS ? static_cast<void *>(*phStream) : nullptr);
}

CUresult cuStreamDestroy(CUstream hStream) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && !device->streams().destroy(hStream)) {
    CUPORT_ERROR("cuStreamDestroy(%p): not a stream cuStreamCreate returned, or destroyed already",
                 static_cast<void *>(hStream));
    result = CUDA_ERROR_INVALID_HANDLE;
  }
  return finishCall("cuStreamDestroy_v2", result, "hStream=%p", static_cast<void *>(hStream));
}

CUresult cuStreamSynchronize(CUstream hStream) {
  return synchronize("cuStreamSynchronize", hStream, kLegacy);
}
CUresult cuStreamSynchronize_ptsz(CUstream hStream) {
  return synchronize("cuStreamSynchronize_ptsz", hStream, kPerThread);
}

CUresult cuStreamQuery(CUstream hStream) {
  return query("cuStreamQuery", hStream, kLegacy);
}
CUresult cuStreamQuery_ptsz(CUstream hStream) {
  return query("cuStreamQuery_ptsz", hStream, kPerThread);
}

CUresult cuStreamWaitEvent(CUstream hStream, CUevent hEvent, unsigned int Flags) {
  return waitEvent("cuStreamWaitEvent", hStream, hEvent, Flags, kLegacy);
}
CUresult cuStreamWaitEvent_ptsz(CUstream hStream, CUevent hEvent, unsigned int Flags) {
  return waitEvent("cuStreamWaitEvent_ptsz", hStream, hEvent, Flags, kPerThread);
}

CUresult cuLaunchHostFunc(CUstream hStream, CUhostFn fn, void *userData) {
  return launchHostFunc("cuLaunchHostFunc", hStream, fn, userData, kLegacy);
}
CUresult cuLaunchHostFunc_ptsz(CUstream hStream, CUhostFn fn, void *userData) {
  return launchHostFunc("cuLaunchHostFunc_ptsz", hStream, fn, userData, kPerThread);
}

CUresult cuStreamAddCallback(CUstream hStream, CUstreamCallback callback, void *userData,
                             unsigned int flags) {
  return addCallback("cuStreamAddCallback", hStream, callback, userData, flags, kLegacy);
}
CUresult cuStreamAddCallback_ptsz(CUstream hStream, CUstreamCallback callback, void *userData,
                                  unsigned int flags) {
  return addCallback("cuStreamAddCallback_ptsz", hStream, callback, userData, flags, kPerThread);
}

CUresult cuStreamGetPriority(CUstream hStream, int *priority) {
  return readProperty("cuStreamGetPriority", hStream, priority, kLegacy, priorityOf);
}
CUresult cuStreamGetPriority_ptsz(CUstream hStream, int *priority) {
  return readProperty("cuStreamGetPriority_ptsz", hStream, priority, kPerThread, priorityOf);
}

CUresult cuStreamGetFlags(CUstream hStream, unsigned int *flags) {
  return readProperty("cuStreamGetFlags", hStream, flags, kLegacy, flagsOf);
}
CUresult cuStreamGetFlags_ptsz(CUstream hStream, unsigned int *flags) {
  return readProperty("cuStreamGetFlags_ptsz", hStream, flags, kPerThread, flagsOf);
}

CUresult cuStreamGetId(CUstream hStream, unsigned long long *streamId) {
  return readProperty("cuStreamGetId", hStream, streamId, kLegacy, idOf);
}
CUresult cuStreamGetId_ptsz(CUstream hStream, unsigned long long *streamId) {
  return readProperty("cuStreamGetId_ptsz", hStream, streamId, kPerThread, idOf);
}

} // extern "C"
