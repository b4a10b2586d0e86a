// Events: creation with flags, recording into streams, queries, host waits and elapsed time.
#include "runtime/cudart/api.h"

#include "runtime/core/error_state.h"
#include "runtime/core/launch.h"
#include "runtime/core/stream_operations.h"
#include "support/log.h"

#include <memory>

using namespace cuport;

namespace {

cudaError_t createEvent(cudaEvent_t *event, unsigned flags) {
  if (!event || !core::validEventFlags(flags))
    return cudaErrorInvalidValue;
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
    return stuck;
  *event = device->events().create(flags);
  return cudaSuccess;
}

// Runs `body` with the event `handle` names.
template <typename Body> cudaError_t onEvent(cudaEvent_t handle, Body body) {
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  std::shared_ptr<core::Event> event = device->events().find(handle);
  if (!event) {
    CUPORT_ERROR("event %p is not an event of this device (destroyed, or never created)",
                 static_cast<void *>(handle));
    return cudaErrorInvalidResourceHandle;
  }
  return body(*device, *event);
}

cudaError_t record(const char *entry, cudaEvent_t handle, cudaStream_t streamHandle, unsigned flags,
                   bool perThreadDefault) {
  cudaError_t result = onEvent(handle, [&](core::Device &device, core::Event &event) {
    std::shared_ptr<core::Stream> stream;
    if (cudaError_t error = core::resolveStream(device, streamHandle, perThreadDefault, stream);
        error != cudaSuccess)
      return error;
    return core::recordEvent(device, event, *stream, flags);
  });
  return core::finishCall(entry, result, "event=%p stream=%p flags=0x%x",
                          static_cast<void *>(handle), static_cast<void *>(streamHandle), flags);
}

} // namespace

extern "C" {

cudaError_t cudaEventCreate(cudaEvent_t *event) {
  cudaError_t result = createEvent(event, cudaEventDefault);
  return core::finishCall("cudaEventCreate", result, "-> %p",
                          result == cudaSuccess ? static_cast<void *>(*event) : nullptr);
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags) {
  cudaError_t result = createEvent(event, flags);
  return core::finishCall("cudaEventCreateWithFlags", result, "flags=0x%x -> %p", flags,
                          result == cudaSuccess ? static_cast<void *>(*event) : nullptr);
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess && !device->events().destroy(event))
    result = cudaErrorInvalidResourceHandle;
  return core::finishCall("cudaEventDestroy", result, "event=%p", static_cast<void *>(event));
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  return record("cudaEventRecord", event, stream, 0, false);
}
cudaError_t cudaEventRecord_ptsz(cudaEvent_t event, cudaStream_t stream) {
  return record("cudaEventRecord_ptsz", event, stream, 0, true);
}
cudaError_t cudaEventRecordWithFlags(cudaEvent_t event, cudaStream_t stream, unsigned int flags) {
  return record("cudaEventRecordWithFlags", event, stream, flags, false);
}
cudaError_t cudaEventRecordWithFlags_ptsz(cudaEvent_t event, cudaStream_t stream,
                                          unsigned int flags) {
  return record("cudaEventRecordWithFlags_ptsz", event, stream, flags, true);
}

cudaError_t cudaEventQuery(cudaEvent_t event) {
  cudaError_t result =
      onEvent(event, [](core::Device &, core::Event &found) { return core::queryEvent(found); });
  // cudaErrorNotReady is an answer, not a failure: it does not become the last error.
  if (result == cudaErrorNotReady) {
    core::traceCall("cudaEventQuery", "event=%p -> cudaErrorNotReady", static_cast<void *>(event));
    return result;
  }
  return core::finishCall("cudaEventQuery", result, "event=%p", static_cast<void *>(event));
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  cudaError_t result = onEvent(event, core::synchronizeEvent);
  return core::finishCall("cudaEventSynchronize", result, "event=%p", static_cast<void *>(event));
}

cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) {
  cudaError_t result = cudaErrorInvalidValue;
  if (ms) {
    result = onEvent(start, [&](core::Device &device, core::Event &first) {
      return core::elapsedTime(device, first, end, *ms);
    });
  }
  return core::finishCall("cudaEventElapsedTime", result, "start=%p end=%p -> %f ms",
                          static_cast<void *>(start), static_cast<void *>(end),
                          ms && result == cudaSuccess ? static_cast<double>(*ms) : 0.0);
}

} // extern "C"
