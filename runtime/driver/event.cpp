// Events: cuEventCreate, records into streams (cuEventRecord, cuEventRecordWithFlags and their
// _ptsz twins), queries, host waits, elapsed time and destruction.
#include "runtime/driver/api.h"
#include "runtime/driver/context.h"
#include "runtime/driver/stream_access.h"

#include "runtime/core/error_state.h"
#include "runtime/core/stream_operations.h"
#include "support/log.h"

#include <memory>

using namespace cuport;
using namespace cuport::driver;

// cuda.h maps cuEventElapsedTime onto cuEventElapsedTime_v2; NVIDIA's library exports both, with
// the same signature.
#undef cuEventElapsedTime

#pragma GCC visibility push(default)
extern "C" {
CUresult cuEventRecord_ptsz(CUevent hEvent, CUstream hStream);
CUresult cuEventRecordWithFlags_ptsz(CUevent hEvent, CUstream hStream, unsigned int flags);
CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd);
}
#pragma GCC visibility pop

namespace {

// Runs `body(device, event)` with the event `handle` names.
template <typename Body> CUresult onEvent(CUevent handle, Body body) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  std::shared_ptr<core::Event> event = device->events().find(handle);
  if (!event) {
    CUPORT_ERROR("event %p is not an event of this device (destroyed, or never created)",
                 static_cast<void *>(handle));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return fromRuntime(body(*device, *event));
}

CUresult record(const char *entry, CUevent handle, CUstream streamHandle, unsigned flags,
                bool perThreadDefault) {
  CUresult result = onEvent(handle, [&](core::Device &device, core::Event &event) {
    std::shared_ptr<core::Stream> stream;
    if (cudaError_t error = core::resolveStream(device, streamHandle, perThreadDefault, stream);
        error != cudaSuccess)
      return error;
    return core::recordEvent(device, event, *stream, flags);
  });
  return finishCall(entry, result, "hEvent=%p hStream=%p flags=0x%x", static_cast<void *>(handle),
                    static_cast<void *>(streamHandle), flags);
}

CUresult elapsed(const char *entry, float *milliseconds, CUevent start, CUevent end) {
  CUresult result = CUDA_ERROR_INVALID_VALUE;
  if (milliseconds)
    result = onEvent(start, [&](core::Device &device, core::Event &first) {
      return core::elapsedTime(device, first, end, *milliseconds);
    });
  return finishCall(entry, result, "hStart=%p hEnd=%p -> %f ms", static_cast<void *>(start),
                    static_cast<void *>(end),
                    milliseconds && result == CUDA_SUCCESS ? double(*milliseconds) : 0.0);
}

} // namespace

extern "C" {

CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags) {
  // CU_EVENT_* flags have the values of cudaEvent*: core checks them as the runtime does.
  core::Device *device = nullptr;
  CUresult result =
      !phEvent || !core::validEventFlags(Flags) ? CUDA_ERROR_INVALID_VALUE : requireContext(device);
  if (result == CUDA_SUCCESS) {
    if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
      result = fromRuntime(stuck);
    else
      *phEvent = device->events().create(Flags);
  }
  return finishCall("cuEventCreate", result, "Flags=0x%x -> %p", Flags,
                    result == CUDA_SUCCESS ? static_cast<void *>(*phEvent) : nullptr);
}

CUresult cuEventDestroy(CUevent hEvent) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && !device->events().destroy(hEvent))
    result = CUDA_ERROR_INVALID_HANDLE;
  return finishCall("cuEventDestroy_v2", result, "hEvent=%p", static_cast<void *>(hEvent));
}

CUresult cuEventRecord(CUevent hEvent, CUstream hStream) {
  return record("cuEventRecord", hEvent, hStream, 0, kLegacy);
}
CUresult cuEventRecord_ptsz(CUevent hEvent, CUstream hStream) {
  return record("cuEventRecord_ptsz", hEvent, hStream, 0, kPerThread);
}

CUresult cuEventRecordWithFlags(CUevent hEvent, CUstream hStream, unsigned int flags) {
  return record("cuEventRecordWithFlags", hEvent, hStream, flags, kLegacy);
}
CUresult cuEventRecordWithFlags_ptsz(CUevent hEvent, CUstream hStream, unsigned int flags) {
  return record("cuEventRecordWithFlags_ptsz", hEvent, hStream, flags, kPerThread);
}

CUresult cuEventQuery(CUevent hEvent) {
  CUresult result =
      onEvent(hEvent, [](core::Device &, core::Event &event) { return core::queryEvent(event); });
  return finishCall("cuEventQuery", result, "hEvent=%p", static_cast<void *>(hEvent));
}

CUresult cuEventSynchronize(CUevent hEvent) {
  CUresult result = onEvent(hEvent, core::synchronizeEvent);
  return finishCall("cuEventSynchronize", result, "hEvent=%p", static_cast<void *>(hEvent));
}

CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd) {
  return elapsed("cuEventElapsedTime", pMilliseconds, hStart, hEnd);
}
CUresult cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart, CUevent hEnd) {
  return elapsed("cuEventElapsedTime_v2", pMilliseconds, hStart, hEnd);
}

} // extern "C"
