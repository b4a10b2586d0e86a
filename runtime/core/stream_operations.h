// What the runtime and driver APIs do to streams and events once they have resolved their
// handles: synchronization, queries, waits on events, host functions, callbacks and event
// records, with the rules stream capture imposes on each. Both APIs call these so that a program
// mixing them sees one behaviour.
#pragma once

#include "runtime/core/event.h"
#include "runtime/core/stream.h"

#include <functional>

#include <driver_types.h>

namespace cuport::core {

class Device;

// cudaStreamSynchronize / cuStreamSynchronize: the stream's pending or sticky error.
cudaError_t synchronizeStream(Device &device, Stream &stream);
// cudaStreamQuery / cuStreamQuery: cudaSuccess when idle, else cudaErrorNotReady.
cudaError_t queryStream(Device &device, Stream &stream);
// cudaStreamWaitEvent / cuStreamWaitEvent; `flags` may hold cudaEventWaitExternal.
cudaError_t waitEvent(Device &device, Stream &stream, cudaEvent_t event, unsigned flags);
// cudaLaunchHostFunc / cuLaunchHostFunc: cudaErrorInvalidValue without a function.
cudaError_t launchHostFunction(Device &device, Stream &stream, cudaHostFn_t function,
                               void *userData);
// cudaStreamAddCallback / cuStreamAddCallback: `callback` runs in stream order with the
// device's sticky error (cudaSuccess when none). The caller checks the callback and flags.
cudaError_t addStreamCallback(Device &device, Stream &stream,
                              std::function<void(cudaError_t)> callback);

// cudaEventCreateWithFlags' and cuEventCreate's flags (the two APIs share their values).
bool validEventFlags(unsigned flags);
// cudaEventRecordWithFlags / cuEventRecordWithFlags; `flags` may hold cudaEventRecordExternal.
cudaError_t recordEvent(Device &device, Event &event, Stream &stream, unsigned flags);
// cudaEventQuery / cuEventQuery: cudaSuccess, cudaErrorNotReady or the failure.
cudaError_t queryEvent(Event &event);
// cudaEventSynchronize / cuEventSynchronize.
cudaError_t synchronizeEvent(Device &device, Event &event);
// cudaEventElapsedTime / cuEventElapsedTime.
cudaError_t elapsedTime(Device &device, Event &start, cudaEvent_t end, float &milliseconds);

} // namespace cuport::core
