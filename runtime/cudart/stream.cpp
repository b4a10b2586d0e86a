// Streams: creation with flags and priorities, destruction, queries, synchronization, waits on
// events, host functions and callbacks. Each entry point taking a stream has a _ptsz twin that
// nvcc's --default-stream per-thread selects, in which handle 0 means the per-thread stream.
#include "runtime/cudart/api.h"

#include "runtime/core/error_state.h"
#include "runtime/core/launch.h"
#include "runtime/core/stream_operations.h"
#include "support/log.h"

#include <memory>

using namespace cuport;

namespace {

using cudart::kLegacy;
using cudart::kPerThread;
using cudart::withStream;

cudaError_t createStream(cudaStream_t *handle, unsigned flags, int priority) {
  if (!handle)
    return cudaErrorInvalidValue;
  if (flags & ~unsigned{cudaStreamNonBlocking}) {
    CUPORT_ERROR("stream flags 0x%x: only cudaStreamDefault and cudaStreamNonBlocking exist",
                 flags);
    return cudaErrorInvalidValue;
  }
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
    return stuck;
  *handle = device->streams().create(flags, priority);
  return cudaSuccess;
}

cudaError_t synchronize(const char *entry, cudaStream_t handle, bool perThreadDefault) {
  cudaError_t result = withStream(handle, perThreadDefault, core::synchronizeStream);
  return core::finishCall(entry, result, "stream=%p", static_cast<void *>(handle));
}

cudaError_t query(const char *entry, cudaStream_t handle, bool perThreadDefault) {
  cudaError_t result = withStream(handle, perThreadDefault, core::queryStream);
  // cudaErrorNotReady is an answer, not a failure: it does not become the last error.
  if (result == cudaErrorNotReady) {
    core::traceCall(entry, "stream=%p -> cudaErrorNotReady", static_cast<void *>(handle));
    return result;
  }
  return core::finishCall(entry, result, "stream=%p", static_cast<void *>(handle));
}

cudaError_t waitEvent(const char *entry, cudaStream_t handle, cudaEvent_t event, unsigned flags,
                      bool perThreadDefault) {
  cudaError_t result =
      withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
        return core::waitEvent(device, stream, event, flags);
      });
  return core::finishCall(entry, result, "stream=%p event=%p flags=0x%x",
                          static_cast<void *>(handle), static_cast<void *>(event), flags);
}

cudaError_t launchHostFunc(const char *entry, cudaStream_t handle, cudaHostFn_t fn, void *userData,
                           bool perThreadDefault) {
  cudaError_t result =
      withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
        return core::launchHostFunction(device, stream, fn, userData);
      });
  return core::finishCall(entry, result, "stream=%p fn=%p userData=%p", static_cast<void *>(handle),
                          reinterpret_cast<void *>(fn), userData);
}

cudaError_t addCallback(const char *entry, cudaStream_t handle, cudaStreamCallback_t callback,
                        void *userData, unsigned flags, bool perThreadDefault) {
  cudaError_t result =
      withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
        if (!callback || flags != 0)
          return cudaErrorInvalidValue;
        return core::addStreamCallback(device, stream,
                                       [callback, handle, userData](cudaError_t status) {
                                         callback(handle, status, userData);
                                       });
      });
  return core::finishCall(entry, result, "stream=%p callback=%p userData=%p flags=0x%x",
                          static_cast<void *>(handle), reinterpret_cast<void *>(callback), userData,
                          flags);
}

template <typename Value, typename Read>
cudaError_t readProperty(const char *entry, cudaStream_t handle, Value *out, bool perThreadDefault,
                         Read read) {
  cudaError_t result = out ? withStream(handle, perThreadDefault,
                                        [&](core::Device &, core::Stream &stream) {
                                          *out = read(stream);
                                          return cudaSuccess;
                                        })
                           : cudaErrorInvalidValue;
  return core::finishCall(entry, result, "stream=%p", static_cast<void *>(handle));
}

} // namespace

extern "C" {

cudaError_t cudaStreamCreate(cudaStream_t *pStream) {
  cudaError_t result = createStream(pStream, cudaStreamDefault, core::kLeastStreamPriority);
  return core::finishCall("cudaStreamCreate", result, "-> %p",
                          result == cudaSuccess ? static_cast<void *>(*pStream) : nullptr);
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags) {
  cudaError_t result = createStream(pStream, flags, core::kLeastStreamPriority);
  return core::finishCall("cudaStreamCreateWithFlags", result, "flags=0x%x -> %p", flags,
                          result == cudaSuccess ? static_cast<void *>(*pStream) : nullptr);
}

cudaError_t cudaStreamCreateWithPriority(cudaStream_t *pStream, unsigned int flags, int priority) {
  cudaError_t result = createStream(pStream, flags, priority);
  return core::finishCall("cudaStreamCreateWithPriority", result, "flags=0x%x priority=%d -> %p",
                          flags, priority,
                          result == cudaSuccess ? static_cast<void *>(*pStream) : nullptr);
}

cudaError_t cudaDeviceGetStreamPriorityRange(int *leastPriority, int *greatestPriority) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess) {
    if (leastPriority)
      *leastPriority = core::kLeastStreamPriority;
    if (greatestPriority)
      *greatestPriority = core::kGreatestStreamPriority;
  }
  return core::finishCall("cudaDeviceGetStreamPriorityRange", result);
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess && !device->streams().destroy(stream)) {
    CUPORT_ERROR("cudaStreamDestroy(%p): not a stream cudaStreamCreate returned, or destroyed "
                 "already",
                 static_cast<void *>(stream));
    result = cudaErrorInvalidResourceHandle;
  }
  return core::finishCall("cudaStreamDestroy", result, "stream=%p", static_cast<void *>(stream));
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  return synchronize("cudaStreamSynchronize", stream, kLegacy);
}
cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream) {
  return synchronize("cudaStreamSynchronize_ptsz", stream, kPerThread);
}

cudaError_t cudaStreamQuery(cudaStream_t stream) {
  return query("cudaStreamQuery", stream, kLegacy);
}
cudaError_t cudaStreamQuery_ptsz(cudaStream_t stream) {
  return query("cudaStreamQuery_ptsz", stream, kPerThread);
}

cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags) {
  return waitEvent("cudaStreamWaitEvent", stream, event, flags, kLegacy);
}
cudaError_t cudaStreamWaitEvent_ptsz(cudaStream_t stream, cudaEvent_t event, unsigned int flags) {
  return waitEvent("cudaStreamWaitEvent_ptsz", stream, event, flags, kPerThread);
}

cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void *userData) {
  return launchHostFunc("cudaLaunchHostFunc", stream, fn, userData, kLegacy);
}
cudaError_t cudaLaunchHostFunc_ptsz(cudaStream_t stream, cudaHostFn_t fn, void *userData) {
  return launchHostFunc("cudaLaunchHostFunc_ptsz", stream, fn, userData, kPerThread);
}

cudaError_t cudaStreamAddCallback(cudaStream_t stream, cudaStreamCallback_t callback,
                                  void *userData, unsigned int flags) {
  return addCallback("cudaStreamAddCallback", stream, callback, userData, flags, kLegacy);
}
cudaError_t cudaStreamAddCallback_ptsz(cudaStream_t stream, cudaStreamCallback_t callback,
                                       void *userData, unsigned int flags) {
  return addCallback("cudaStreamAddCallback_ptsz", stream, callback, userData, flags, kPerThread);
}

cudaError_t cudaStreamGetFlags(cudaStream_t hStream, unsigned int *flags) {
  return readProperty("cudaStreamGetFlags", hStream, flags, kLegacy,
                      [](core::Stream &stream) { return stream.flags(); });
}
cudaError_t cudaStreamGetFlags_ptsz(cudaStream_t hStream, unsigned int *flags) {
  return readProperty("cudaStreamGetFlags_ptsz", hStream, flags, kPerThread,
                      [](core::Stream &stream) { return stream.flags(); });
}

cudaError_t cudaStreamGetPriority(cudaStream_t hStream, int *priority) {
  return readProperty("cudaStreamGetPriority", hStream, priority, kLegacy,
                      [](core::Stream &stream) { return stream.priority(); });
}
cudaError_t cudaStreamGetPriority_ptsz(cudaStream_t hStream, int *priority) {
  return readProperty("cudaStreamGetPriority_ptsz", hStream, priority, kPerThread,
                      [](core::Stream &stream) { return stream.priority(); });
}

cudaError_t cudaStreamGetId(cudaStream_t hStream, unsigned long long *streamId) {
  return readProperty("cudaStreamGetId", hStream, streamId, kLegacy,
                      [](core::Stream &stream) { return stream.id(); });
}
cudaError_t cudaStreamGetId_ptsz(cudaStream_t hStream, unsigned long long *streamId) {
  return readProperty("cudaStreamGetId_ptsz", hStream, streamId, kPerThread,
                      [](core::Stream &stream) { return stream.id(); });
}

cudaError_t cudaStreamGetDevice(cudaStream_t hStream, int *device) {
  return readProperty("cudaStreamGetDevice", hStream, device, kLegacy,
                      [](core::Stream &) { return 0; });
}
cudaError_t cudaStreamGetDevice_ptsz(cudaStream_t hStream, int *device) {
  return readProperty("cudaStreamGetDevice_ptsz", hStream, device, kPerThread,
                      [](core::Stream &) { return 0; });
}

} // extern "C"
