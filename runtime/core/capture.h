// Stream capture (cudaStreamBeginCapture ... cudaStreamEndCapture): while a stream captures, the
// work submitted to it becomes nodes of a graph instead of running. Each stream taking part has
// a set of dependencies, the nodes its next node will follow. Recording an event on a capturing
// stream remembers that stream's dependencies; a stream waiting on such an event joins the
// capture (fork) or merges them into its own (join). The capture ends on the stream it began
// on, once every other stream's work has been joined back into it.
#pragma once

#include "runtime/core/graph.h"
#include "runtime/core/stream.h"

#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class StreamSet;

class Capture : public std::enable_shared_from_this<Capture> {
public:
  // Captures into a new graph, or into `into` (cudaStreamBeginCaptureToGraph), which the
  // caller keeps owning.
  Capture(cudaStreamCaptureMode mode, unsigned long long id, Graph *into = nullptr);

  cudaStreamCaptureMode mode() const { return captureMode; }
  unsigned long long id() const { return captureId; }
  std::thread::id thread() const { return beganOn; }
  Graph *graph() { return target; }
  // Whether the graph is the caller's own (cudaStreamBeginCaptureToGraph).
  bool intoExistingGraph() const { return !ownedGraph && target; }

  // Makes `origin` capture into this capture; its first node follows `dependencies`.
  void begin(Stream &origin, std::vector<GraphNode *> dependencies = {});
  bool isOrigin(const Stream &stream) const { return origin == &stream; }

  // Adds `work` as a node after `stream`'s dependencies; the node becomes its only dependency.
  void record(Stream &stream, Work work);
  // The nodes `stream`'s next node would follow, as cudaStreamGetCaptureInfo reports them; the
  // array stays valid until the stream's next capture call.
  // Edge data parallels them (all default: cuport makes no annotated edges).
  const std::vector<cudaGraphNode_t> &dependencies(Stream &stream,
                                                   const std::vector<cudaGraphEdgeData> *&edges);
  std::vector<GraphNode *> dependencyNodes(Stream &stream);
  // `stream` (joining the capture if it is not in it yet) also follows `nodes`.
  void join(Stream &stream, const std::vector<GraphNode *> &nodes);

  // cudaStreamUpdateCaptureDependencies: `nodes` (of the capture's graph, else
  // cudaErrorInvalidValue) are added to `stream`'s dependencies or replace them. Nodes dropped
  // this way need not be joined back.
  cudaError_t updateDependencies(Stream &stream, const std::vector<GraphNode *> &nodes,
                                 bool replace);

  // An operation illegal during capture happened: later work on its streams fails, and the
  // capture ends with cudaErrorStreamCaptureInvalidated.
  void invalidate();
  bool invalidated();
  // Whether end() has been called.
  bool ended();

  // cudaStreamEndCapture on the origin stream: every stream leaves the capture; the graph (null
  // when capturing into an existing graph, which stays the caller's), or
  // cudaErrorStreamCaptureInvalidated / cudaErrorStreamCaptureUnjoined (work on another stream
  // that the origin stream does not follow).
  cudaError_t end(std::unique_ptr<Graph> &graph);

private:
  struct Participant {
    std::weak_ptr<Stream> stream;
    std::vector<GraphNode *> dependencies;
    std::vector<cudaGraphNode_t> reported; // what dependencies() last returned
    std::vector<cudaGraphEdgeData> reportedEdges;
  };

  const cudaStreamCaptureMode captureMode;
  const unsigned long long captureId;
  const std::thread::id beganOn;
  const Stream *origin = nullptr;
  std::mutex mutex;
  std::unique_ptr<Graph> ownedGraph;
  Graph *target = nullptr;
  std::unordered_set<const GraphNode *> capturedNodes; // what this capture added
  std::unordered_map<const Stream *, Participant> participants;
  std::vector<const GraphNode *> released; // dropped by updateDependencies
  bool failed = false;
  bool over = false;
};

// The captures in progress, process-wide: for cudaStreamBeginCapture ids and the rules on
// "potentially unsafe" calls (synchronous copies, device-wide waits) during capture.
std::shared_ptr<Capture> beginCapture(Stream &stream, cudaStreamCaptureMode mode,
                                      Graph *into = nullptr,
                                      std::vector<GraphNode *> dependencies = {});
void captureEnded(const Capture &capture);

// cudaThreadExchangeStreamCaptureMode: the calling thread's mode, swapped with `mode`.
cudaStreamCaptureMode exchangeThreadCaptureMode(cudaStreamCaptureMode mode);
// Whether the calling thread may make a potentially unsafe call now: unless its mode is
// relaxed, not while a global-mode capture is in progress anywhere or a capture of this thread
// is in progress. When not, the offending captures are invalidated and the call fails with
// cudaErrorStreamCaptureUnsupported.
cudaError_t checkUnsafeCall();

// Event records made during capture: an event recorded on a capturing stream stands for that
// stream's dependencies at the time, for a later cudaStreamWaitEvent.
void noteCapturedRecord(const Event &event, std::shared_ptr<Capture> capture,
                        std::vector<GraphNode *> nodes);
// A record outside capture replaces the captured one.
void forgetCapturedRecord(const Event &event);
// The capture (still in progress) and nodes of the event's latest record, if it was captured.
std::shared_ptr<Capture> capturedRecord(const Event &event, std::vector<GraphNode *> &nodes);

} // namespace cuport::core
