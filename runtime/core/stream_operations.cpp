#include "runtime/core/stream_operations.h"

#include "runtime/core/capture.h"
#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/graph_nodes.h"
#include "support/log.h"

#include <memory>
#include <optional>
#include <vector>

namespace cuport::core {
namespace {

constexpr unsigned kEventFlags =
    cudaEventBlockingSync | cudaEventDisableTiming | cudaEventInterprocess;

// Waiting on a capturing stream is illegal (its work does not run): the capture is invalidated.
// A wait on the legacy stream while a blocking stream captures is an implicit dependency.
cudaError_t refuseDuringCapture(Device &device, Stream &stream) {
  if (std::shared_ptr<Capture> capture = stream.capture()) {
    capture->invalidate();
    CUPORT_ERROR("synchronizing with or querying a capturing stream invalidates the capture");
    return cudaErrorStreamCaptureUnsupported;
  }
  return device.streams().admit(stream);
}

// A wait during capture: an event recorded in a capture forks the stream into it or joins its
// dependencies; an event from outside the capture cannot be waited on there.
cudaError_t waitEventCaptured(Device &device, Stream &stream, Event &event, unsigned flags) {
  std::vector<GraphNode *> nodes;
  std::shared_ptr<Capture> source = capturedRecord(event, nodes);
  std::shared_ptr<Capture> mine = stream.capture();
  if (source) {
    if (mine && mine != source) {
      mine->invalidate();
      return cudaErrorStreamCaptureIsolation;
    }
    source->join(stream, nodes);
    return cudaSuccess;
  }
  if (!mine)
    return device.streams().admit(stream);
  if (flags & cudaEventWaitExternal) {
    CUPORT_ERROR("waiting with cudaEventWaitExternal during capture is not supported");
    return cudaErrorNotSupported;
  }
  mine->invalidate();
  CUPORT_ERROR("a capturing stream waited for an event recorded outside the capture");
  return cudaErrorStreamCaptureIsolation;
}

// An event last recorded in a capture that is still going on marks nodes of a graph, not work
// that could complete: waiting for it or querying it is cudaErrorCapturedEvent.
cudaError_t refuseCaptured(Event &event) {
  std::vector<GraphNode *> nodes;
  return capturedRecord(event, nodes) ? cudaErrorCapturedEvent : cudaSuccess;
}

} // namespace

cudaError_t synchronizeStream(Device &device, Stream &stream) {
  if (cudaError_t refused = refuseDuringCapture(device, stream); refused != cudaSuccess)
    return refused;
  cudaError_t pending = device.streams().synchronize(stream);
  device.flushPrintf();
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return pending;
}

cudaError_t queryStream(Device &device, Stream &stream) {
  if (cudaError_t refused = refuseDuringCapture(device, stream); refused != cudaSuccess)
    return refused;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return device.streams().idle(stream) ? cudaSuccess : cudaErrorNotReady;
}

cudaError_t waitEvent(Device &device, Stream &stream, cudaEvent_t event, unsigned flags) {
  if (flags & ~unsigned{cudaEventWaitExternal})
    return cudaErrorInvalidValue;
  std::shared_ptr<Event> found = device.events().find(event);
  if (!found)
    return cudaErrorInvalidResourceHandle;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (cudaError_t refused = waitEventCaptured(device, stream, *found, flags);
      refused != cudaSuccess || stream.capture())
    return refused;
  std::vector<StreamPosition> waits;
  // CUDA waits for the record made before this call; an event never recorded is complete.
  if (std::optional<StreamPosition> at = found->recordedPosition())
    waits.push_back(std::move(*at));
  device.streams().submit(stream, Work{cudaGraphNodeTypeWaitEvent, {}}, std::move(waits));
  return cudaSuccess;
}

cudaError_t launchHostFunction(Device &device, Stream &stream, cudaHostFn_t function,
                               void *userData) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (cudaError_t refused = device.streams().admit(stream); refused != cudaSuccess)
    return refused;
  // The same work as a graph's host node (unlike stream callbacks, host functions do not run
  // once the device has faulted); cudaErrorInvalidValue without a function.
  Work work;
  if (cudaError_t error = hostNodeWork(cudaHostNodeParams{function, userData}, work);
      error != cudaSuccess)
    return error;
  // CUDA prints the device's printf output before it runs a host function.
  work.run = [&device, run = std::move(work.run)]() {
    device.flushPrintf();
    return run();
  };
  device.streams().submit(stream, std::move(work));
  return cudaSuccess;
}

cudaError_t addStreamCallback(Device &device, Stream &stream,
                              std::function<void(cudaError_t)> callback) {
  // Stream callbacks cannot be captured (host functions can).
  if (std::shared_ptr<Capture> capture = stream.capture()) {
    capture->invalidate();
    return cudaErrorStreamCaptureUnsupported;
  }
  if (cudaError_t refused = device.streams().admit(stream); refused != cudaSuccess)
    return refused;
  Work work;
  work.type = cudaGraphNodeTypeHost;
  work.run = [&device, callback = std::move(callback)]() -> cudaError_t {
    device.flushPrintf(); // CUDA prints the device's printf output before a callback
    // The callback learns of a fault through its status argument.
    callback(stickyError());
    return cudaSuccess;
  };
  device.streams().submit(stream, std::move(work));
  return cudaSuccess;
}

bool validEventFlags(unsigned flags) {
  if (flags & ~kEventFlags)
    return false;
  // Interprocess events must disable timing (CUDA's rule).
  return !(flags & cudaEventInterprocess) || (flags & cudaEventDisableTiming);
}

cudaError_t recordEvent(Device &device, Event &event, Stream &stream, unsigned flags) {
  if (flags & ~unsigned{cudaEventRecordExternal})
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (std::shared_ptr<Capture> capture = stream.capture()) {
    if (capture->invalidated())
      return cudaErrorStreamCaptureInvalidated;
    if (flags & cudaEventRecordExternal) {
      CUPORT_ERROR("recording an event with cudaEventRecordExternal during capture is not "
                   "supported");
      return cudaErrorNotSupported;
    }
    // In capture a record marks the stream's dependencies for later waits; it adds no node.
    noteCapturedRecord(event, capture, capture->dependencyNodes(stream));
    return cudaSuccess;
  }
  if (cudaError_t refused = device.streams().admit(stream); refused != cudaSuccess)
    return refused;
  forgetCapturedRecord(event);
  event.record(device.streams(), stream);
  return cudaSuccess;
}

cudaError_t queryEvent(Event &event) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (cudaError_t refused = refuseCaptured(event); refused != cudaSuccess)
    return refused;
  return event.query();
}

cudaError_t synchronizeEvent(Device &device, Event &event) {
  if (cudaError_t refused = refuseCaptured(event); refused != cudaSuccess)
    return refused;
  event.synchronize();
  device.flushPrintf();
  return stickyError();
}

cudaError_t elapsedTime(Device &device, Event &start, cudaEvent_t end, float &milliseconds) {
  std::shared_ptr<Event> second = device.events().find(end);
  if (!second)
    return cudaErrorInvalidResourceHandle;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return Event::elapsed(start, *second, milliseconds);
}

} // namespace cuport::core
