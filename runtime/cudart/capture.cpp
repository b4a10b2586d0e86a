// Stream capture: cudaStreamBeginCapture / EndCapture, capture queries and the thread's capture
// mode. Each entry point taking a stream has its _ptsz twin.
#include "runtime/cudart/api.h"

#include "runtime/core/capture.h"
#include "runtime/core/launch.h"
#include "support/log.h"

#include <memory>
#include <thread>
#include <vector>

using namespace cuport;

namespace {

using cudart::kLegacy;
using cudart::kPerThread;
using cudart::withStream;

// Begins capturing `handle`, into a new graph or (cudaStreamBeginCaptureToGraph) into `into`
// after `count` `dependencies` of it.
cudaError_t beginCapture(const char *entry, cudaStream_t handle, cudaStreamCaptureMode mode,
                         bool perThreadDefault, cudaGraph_t into = nullptr,
                         const cudaGraphNode_t *dependencies = nullptr,
                         const cudaGraphEdgeData *edges = nullptr, size_t count = 0) {
  cudaError_t result =
      withStream(handle, perThreadDefault, [&](core::Device &, core::Stream &stream) {
        if (mode != cudaStreamCaptureModeGlobal && mode != cudaStreamCaptureModeThreadLocal &&
            mode != cudaStreamCaptureModeRelaxed)
          return cudaErrorInvalidValue;
        if (count && !dependencies)
          return cudaErrorInvalidValue;
        std::vector<core::GraphNode *> after;
        for (size_t i = 0; i < count; ++i) {
          if (edges && (edges[i].from_port || edges[i].to_port || edges[i].type)) {
            CUPORT_ERROR("capture dependencies with edge annotations are not supported");
            return cudaErrorNotSupported;
          }
          core::GraphNode *node = core::nodeOf(dependencies[i]);
          if (!into || !core::graphOf(into)->contains(node))
            return cudaErrorInvalidValue;
          after.push_back(node);
        }
        if (stream.role() == core::Stream::Role::LegacyDefault) {
          CUPORT_ERROR("the legacy default stream cannot be captured");
          return cudaErrorStreamCaptureUnsupported;
        }
        if (stream.capture())
          return cudaErrorIllegalState;
        core::beginCapture(stream, mode, core::graphOf(into), std::move(after));
        return cudaSuccess;
      });
  return core::finishCall(entry, result, "stream=%p mode=%d", static_cast<void *>(handle),
                          static_cast<int>(mode));
}

cudaError_t endCapture(const char *entry, cudaStream_t handle, cudaGraph_t *graph,
                       bool perThreadDefault) {
  cudaError_t result =
      withStream(handle, perThreadDefault, [&](core::Device &, core::Stream &stream) {
        if (!graph)
          return cudaErrorInvalidValue;
        *graph = nullptr;
        std::shared_ptr<core::Capture> capture = stream.capture();
        if (!capture)
          return cudaErrorIllegalState;
        if (!capture->isOrigin(stream)) {
          CUPORT_ERROR("cudaStreamEndCapture on a stream that joined the capture, not the one that "
                       "began it");
          return cudaErrorStreamCaptureUnmatched;
        }
        if (capture->mode() != cudaStreamCaptureModeRelaxed &&
            capture->thread() != std::this_thread::get_id())
          return cudaErrorStreamCaptureWrongThread;
        core::Graph *existing = capture->intoExistingGraph() ? capture->graph() : nullptr;
        std::unique_ptr<core::Graph> captured;
        cudaError_t ended = capture->end(captured);
        if (ended == cudaSuccess) // a new graph is the caller's to destroy
          *graph = core::handleOf(existing ? existing : captured.release());
        return ended;
      });
  return core::finishCall(entry, result, "stream=%p -> graph=%p", static_cast<void *>(handle),
                          graph ? static_cast<void *>(*graph) : nullptr);
}

// The capture status of `stream`; the legacy stream reports cudaErrorStreamCaptureImplicit
// while a blocking stream captures (the query itself is legal and invalidates nothing).
cudaError_t captureStatus(core::Device &device, core::Stream &stream,
                          cudaStreamCaptureStatus &status,
                          std::shared_ptr<core::Capture> &capture) {
  capture = stream.capture();
  if (!capture && stream.role() == core::Stream::Role::LegacyDefault &&
      device.streams().blockingStreamCaptures())
    return cudaErrorStreamCaptureImplicit;
  status = !capture                 ? cudaStreamCaptureStatusNone
           : capture->invalidated() ? cudaStreamCaptureStatusInvalidated
                                    : cudaStreamCaptureStatusActive;
  return cudaSuccess;
}

cudaError_t isCapturing(const char *entry, cudaStream_t handle, cudaStreamCaptureStatus *status,
                        bool perThreadDefault) {
  cudaError_t result = status ? withStream(handle, perThreadDefault,
                                           [&](core::Device &device, core::Stream &stream) {
                                             std::shared_ptr<core::Capture> capture;
                                             return captureStatus(device, stream, *status, capture);
                                           })
                              : cudaErrorInvalidValue;
  return core::finishCall(entry, result, "stream=%p -> %d", static_cast<void *>(handle),
                          status && result == cudaSuccess ? static_cast<int>(*status) : -1);
}

cudaError_t getCaptureInfo(const char *entry, cudaStream_t handle, cudaStreamCaptureStatus *status,
                           unsigned long long *id, cudaGraph_t *graph,
                           const cudaGraphNode_t **dependencies, const cudaGraphEdgeData **edgeData,
                           size_t *numDependencies, bool perThreadDefault) {
  cudaError_t result = cudaErrorInvalidValue;
  if (status && !(edgeData && !dependencies)) {
    result = withStream(handle, perThreadDefault, [&](core::Device &device, core::Stream &stream) {
      std::shared_ptr<core::Capture> capture;
      if (cudaError_t error = captureStatus(device, stream, *status, capture); error != cudaSuccess)
        return error;
      if (*status != cudaStreamCaptureStatusActive)
        return cudaSuccess;
      if (id)
        *id = capture->id();
      if (graph)
        *graph = core::handleOf(capture->graph());
      const std::vector<cudaGraphEdgeData> *edges = nullptr;
      const std::vector<cudaGraphNode_t> &nodes = capture->dependencies(stream, edges);
      if (dependencies)
        *dependencies = nodes.empty() ? nullptr : nodes.data();
      if (edgeData)
        *edgeData = edges->empty() ? nullptr : edges->data();
      if (numDependencies)
        *numDependencies = nodes.size();
      return cudaSuccess;
    });
  }
  return core::finishCall(entry, result, "stream=%p", static_cast<void *>(handle));
}

cudaError_t updateDependencies(const char *entry, cudaStream_t handle,
                               cudaGraphNode_t *dependencies,
                               const cudaGraphEdgeData *dependencyData, size_t count,
                               unsigned flags, bool perThreadDefault) {
  cudaError_t result =
      withStream(handle, perThreadDefault, [&](core::Device &, core::Stream &stream) {
        if ((count && !dependencies) || (flags != cudaStreamAddCaptureDependencies &&
                                         flags != cudaStreamSetCaptureDependencies))
          return cudaErrorInvalidValue;
        for (size_t i = 0; dependencyData && i < count; ++i)
          if (dependencyData[i].from_port || dependencyData[i].to_port || dependencyData[i].type) {
            CUPORT_ERROR("capture dependencies with edge annotations are not supported");
            return cudaErrorNotSupported;
          }
        std::shared_ptr<core::Capture> capture = stream.capture();
        if (!capture)
          return cudaErrorIllegalState;
        std::vector<core::GraphNode *> nodes;
        for (size_t i = 0; i < count; ++i)
          nodes.push_back(core::nodeOf(dependencies[i]));
        return capture->updateDependencies(stream, nodes,
                                           flags == cudaStreamSetCaptureDependencies);
      });
  return core::finishCall(entry, result, "stream=%p count=%zu flags=0x%x",
                          static_cast<void *>(handle), count, flags);
}

} // namespace

extern "C" {

cudaError_t cudaStreamBeginCapture(cudaStream_t stream, enum cudaStreamCaptureMode mode) {
  return beginCapture("cudaStreamBeginCapture", stream, mode, kLegacy);
}
cudaError_t cudaStreamBeginCapture_ptsz(cudaStream_t stream, enum cudaStreamCaptureMode mode) {
  return beginCapture("cudaStreamBeginCapture_ptsz", stream, mode, kPerThread);
}

cudaError_t cudaStreamBeginCaptureToGraph(cudaStream_t stream, cudaGraph_t graph,
                                          const cudaGraphNode_t *dependencies,
                                          const cudaGraphEdgeData *dependencyData,
                                          size_t numDependencies, enum cudaStreamCaptureMode mode) {
  if (!graph)
    return core::finishCall("cudaStreamBeginCaptureToGraph", cudaErrorInvalidValue);
  return beginCapture("cudaStreamBeginCaptureToGraph", stream, mode, kLegacy, graph, dependencies,
                      dependencyData, numDependencies);
}
cudaError_t cudaStreamBeginCaptureToGraph_ptsz(cudaStream_t stream, cudaGraph_t graph,
                                               const cudaGraphNode_t *dependencies,
                                               const cudaGraphEdgeData *dependencyData,
                                               size_t numDependencies,
                                               enum cudaStreamCaptureMode mode) {
  if (!graph)
    return core::finishCall("cudaStreamBeginCaptureToGraph_ptsz", cudaErrorInvalidValue);
  return beginCapture("cudaStreamBeginCaptureToGraph_ptsz", stream, mode, kPerThread, graph,
                      dependencies, dependencyData, numDependencies);
}

cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t *pGraph) {
  return endCapture("cudaStreamEndCapture", stream, pGraph, kLegacy);
}
cudaError_t cudaStreamEndCapture_ptsz(cudaStream_t stream, cudaGraph_t *pGraph) {
  return endCapture("cudaStreamEndCapture_ptsz", stream, pGraph, kPerThread);
}

cudaError_t cudaStreamIsCapturing(cudaStream_t stream, enum cudaStreamCaptureStatus *pStatus) {
  return isCapturing("cudaStreamIsCapturing", stream, pStatus, kLegacy);
}
cudaError_t cudaStreamIsCapturing_ptsz(cudaStream_t stream, enum cudaStreamCaptureStatus *pStatus) {
  return isCapturing("cudaStreamIsCapturing_ptsz", stream, pStatus, kPerThread);
}

cudaError_t cudaStreamGetCaptureInfo(cudaStream_t stream,
                                     enum cudaStreamCaptureStatus *captureStatus_out,
                                     unsigned long long *id_out, cudaGraph_t *graph_out,
                                     const cudaGraphNode_t **dependencies_out,
                                     const cudaGraphEdgeData **edgeData_out,
                                     size_t *numDependencies_out) {
  return getCaptureInfo("cudaStreamGetCaptureInfo", stream, captureStatus_out, id_out, graph_out,
                        dependencies_out, edgeData_out, numDependencies_out, kLegacy);
}
cudaError_t cudaStreamGetCaptureInfo_ptsz(cudaStream_t stream,
                                          enum cudaStreamCaptureStatus *captureStatus_out,
                                          unsigned long long *id_out, cudaGraph_t *graph_out,
                                          const cudaGraphNode_t **dependencies_out,
                                          const cudaGraphEdgeData **edgeData_out,
                                          size_t *numDependencies_out) {
  return getCaptureInfo("cudaStreamGetCaptureInfo_ptsz", stream, captureStatus_out, id_out,
                        graph_out, dependencies_out, edgeData_out, numDependencies_out, kPerThread);
}

cudaError_t cudaStreamUpdateCaptureDependencies(cudaStream_t stream, cudaGraphNode_t *dependencies,
                                                const cudaGraphEdgeData *dependencyData,
                                                size_t numDependencies, unsigned int flags) {
  return updateDependencies("cudaStreamUpdateCaptureDependencies", stream, dependencies,
                            dependencyData, numDependencies, flags, kLegacy);
}
cudaError_t cudaStreamUpdateCaptureDependencies_ptsz(cudaStream_t stream,
                                                     cudaGraphNode_t *dependencies,
                                                     const cudaGraphEdgeData *dependencyData,
                                                     size_t numDependencies, unsigned int flags) {
  return updateDependencies("cudaStreamUpdateCaptureDependencies_ptsz", stream, dependencies,
                            dependencyData, numDependencies, flags, kPerThread);
}

cudaError_t cudaThreadExchangeStreamCaptureMode(enum cudaStreamCaptureMode *mode) {
  cudaError_t result = cudaErrorInvalidValue;
  if (mode && (*mode == cudaStreamCaptureModeGlobal || *mode == cudaStreamCaptureModeThreadLocal ||
               *mode == cudaStreamCaptureModeRelaxed)) {
    *mode = core::exchangeThreadCaptureMode(*mode);
    result = cudaSuccess;
  }
  return core::finishCall("cudaThreadExchangeStreamCaptureMode", result, "-> %d",
                          mode ? static_cast<int>(*mode) : -1);
}

} // extern "C"
