#include "runtime/core/capture.h"

#include "support/log.h"

#include <algorithm>
#include <atomic>
#include <unordered_set>
#include <utility>

namespace cuport::core {
namespace {

thread_local cudaStreamCaptureMode threadCaptureMode = cudaStreamCaptureModeGlobal;

struct CaptureRegistry {
  std::mutex mutex;
  std::vector<std::weak_ptr<Capture>> active;
  struct Record {
    std::weak_ptr<Capture> capture;
    std::vector<GraphNode *> nodes;
  };
  std::unordered_map<const Event *, Record> records;
  unsigned long long nextId = 1;
};

CaptureRegistry &registry() {
  static CaptureRegistry *instance = new CaptureRegistry; // used until the process ends
  return *instance;
}

} // namespace

Capture::Capture(cudaStreamCaptureMode mode, unsigned long long id, Graph *into)
    : captureMode(mode), captureId(id), beganOn(std::this_thread::get_id()),
      ownedGraph(into ? nullptr : std::make_unique<Graph>()),
      target(into ? into : ownedGraph.get()) {}

void Capture::begin(Stream &stream, std::vector<GraphNode *> dependencies) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    origin = &stream;
    participants[&stream].stream = stream.weak_from_this();
    participants[&stream].dependencies = std::move(dependencies);
  }
  stream.setCapture(shared_from_this());
}

void Capture::record(Stream &stream, Work work) {
  std::lock_guard<std::mutex> lock(mutex);
  if (failed)
    return; // an invalidated capture builds nothing more
  Participant &participant = participants[&stream];
  auto node = std::make_unique<GraphNode>();
  // Only kernels and host functions carry typed parameters through Work.
  node->hasParameters = (work.type == cudaGraphNodeTypeKernel && work.kernel) ||
                        (work.type == cudaGraphNodeTypeHost && work.host.fn) ||
                        work.type == cudaGraphNodeTypeEmpty;
  node->work = std::move(work);
  GraphNode *added = nullptr;
  (void)target->add(std::move(node), participant.dependencies, added);
  capturedNodes.insert(added);
  participant.dependencies = {added};
}

const std::vector<cudaGraphNode_t> &
Capture::dependencies(Stream &stream, const std::vector<cudaGraphEdgeData> *&edges) {
  std::lock_guard<std::mutex> lock(mutex);
  Participant &participant = participants[&stream];
  participant.reported.clear();
  for (GraphNode *node : participant.dependencies)
    participant.reported.push_back(handleOf(node));
  participant.reportedEdges.assign(participant.reported.size(), cudaGraphEdgeData{});
  edges = &participant.reportedEdges;
  return participant.reported;
}

std::vector<GraphNode *> Capture::dependencyNodes(Stream &stream) {
  std::lock_guard<std::mutex> lock(mutex);
  return participants[&stream].dependencies;
}

void Capture::join(Stream &stream, const std::vector<GraphNode *> &nodes) {
  bool joining = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto [found, inserted] = participants.try_emplace(&stream);
    if (inserted) {
      found->second.stream = stream.weak_from_this();
      joining = true;
    }
    for (GraphNode *node : nodes)
      if (std::find(found->second.dependencies.begin(), found->second.dependencies.end(), node) ==
          found->second.dependencies.end())
        found->second.dependencies.push_back(node);
  }
  if (joining)
    stream.setCapture(shared_from_this());
}

cudaError_t Capture::updateDependencies(Stream &stream, const std::vector<GraphNode *> &nodes,
                                        bool replace) {
  std::lock_guard<std::mutex> lock(mutex);
  for (const GraphNode *node : nodes)
    if (!target->contains(node))
      return cudaErrorInvalidValue;
  std::vector<GraphNode *> &dependencies = participants[&stream].dependencies;
  if (replace) {
    for (const GraphNode *node : dependencies)
      if (std::find(nodes.begin(), nodes.end(), node) == nodes.end())
        released.push_back(node);
    dependencies.clear();
  }
  for (GraphNode *node : nodes)
    if (std::find(dependencies.begin(), dependencies.end(), node) == dependencies.end())
      dependencies.push_back(node);
  return cudaSuccess;
}

void Capture::invalidate() {
  std::lock_guard<std::mutex> lock(mutex);
  failed = true;
}

bool Capture::invalidated() {
  std::lock_guard<std::mutex> lock(mutex);
  return failed;
}

bool Capture::ended() {
  std::lock_guard<std::mutex> lock(mutex);
  return over;
}

cudaError_t Capture::end(std::unique_ptr<Graph> &graph) {
  std::vector<std::shared_ptr<Stream>> leaving;
  cudaError_t result = cudaSuccess;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto &[key, participant] : participants)
      if (std::shared_ptr<Stream> stream = participant.stream.lock())
        leaving.push_back(std::move(stream));
    if (failed) {
      result = cudaErrorStreamCaptureInvalidated;
    } else {
      // Joined means every node without dependents is one the origin stream follows.
      const std::vector<GraphNode *> &joined = participants[origin].dependencies;
      for (const std::unique_ptr<GraphNode> &node : target->nodes())
        if (capturedNodes.count(node.get()) && node->dependents.empty() &&
            std::find(joined.begin(), joined.end(), node.get()) == joined.end() &&
            std::find(released.begin(), released.end(), node.get()) == released.end()) {
          CUPORT_ERROR("cudaStreamEndCapture: work captured on another stream was not joined "
                       "back into the origin stream");
          result = cudaErrorStreamCaptureUnjoined;
          break;
        }
    }
    participants.clear();
    over = true;
    if (result == cudaSuccess)
      graph = std::move(ownedGraph);
    target = nullptr; // handed over, or the caller's own
  }
  for (const std::shared_ptr<Stream> &stream : leaving)
    stream->setCapture(nullptr);
  captureEnded(*this);
  return result;
}

std::shared_ptr<Capture> beginCapture(Stream &stream, cudaStreamCaptureMode mode, Graph *into,
                                      std::vector<GraphNode *> dependencies) {
  CaptureRegistry &state = registry();
  std::shared_ptr<Capture> capture;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    capture = std::make_shared<Capture>(mode, state.nextId++, into);
    std::erase_if(state.active, [](const std::weak_ptr<Capture> &c) { return c.expired(); });
    state.active.push_back(capture);
  }
  capture->begin(stream, std::move(dependencies));
  return capture;
}

void captureEnded(const Capture &capture) {
  CaptureRegistry &state = registry();
  std::lock_guard<std::mutex> lock(state.mutex);
  std::erase_if(state.active, [&](const std::weak_ptr<Capture> &weak) {
    std::shared_ptr<Capture> c = weak.lock();
    return !c || c.get() == &capture;
  });
}

cudaStreamCaptureMode exchangeThreadCaptureMode(cudaStreamCaptureMode mode) {
  return std::exchange(threadCaptureMode, mode);
}

cudaError_t checkUnsafeCall() {
  if (threadCaptureMode == cudaStreamCaptureModeRelaxed)
    return cudaSuccess;
  std::vector<std::shared_ptr<Capture>> offending;
  {
    CaptureRegistry &state = registry();
    std::lock_guard<std::mutex> lock(state.mutex);
    for (const std::weak_ptr<Capture> &weak : state.active) {
      std::shared_ptr<Capture> capture = weak.lock();
      if (!capture)
        continue;
      bool ownThread = capture->thread() == std::this_thread::get_id();
      bool prohibits = capture->mode() == cudaStreamCaptureModeGlobal
                           ? threadCaptureMode == cudaStreamCaptureModeGlobal || ownThread
                           : capture->mode() == cudaStreamCaptureModeThreadLocal && ownThread;
      if (prohibits)
        offending.push_back(std::move(capture));
    }
  }
  for (const std::shared_ptr<Capture> &capture : offending)
    capture->invalidate();
  if (offending.empty())
    return cudaSuccess;
  CUPORT_ERROR("a potentially unsafe call during stream capture (see "
               "cudaThreadExchangeStreamCaptureMode); the capture is invalidated");
  return cudaErrorStreamCaptureUnsupported;
}

void noteCapturedRecord(const Event &event, std::shared_ptr<Capture> capture,
                        std::vector<GraphNode *> nodes) {
  CaptureRegistry &state = registry();
  std::lock_guard<std::mutex> lock(state.mutex);
  state.records[&event] = CaptureRegistry::Record{std::move(capture), std::move(nodes)};
}

void forgetCapturedRecord(const Event &event) {
  CaptureRegistry &state = registry();
  std::lock_guard<std::mutex> lock(state.mutex);
  state.records.erase(&event);
}

std::shared_ptr<Capture> capturedRecord(const Event &event, std::vector<GraphNode *> &nodes) {
  CaptureRegistry &state = registry();
  std::lock_guard<std::mutex> lock(state.mutex);
  auto found = state.records.find(&event);
  if (found == state.records.end())
    return nullptr;
  std::shared_ptr<Capture> capture = found->second.capture.lock();
  if (!capture || capture->ended()) {
    state.records.erase(found); // that capture has ended
    return nullptr;
  }
  nodes = found->second.nodes;
  return capture;
}

} // namespace cuport::core
