#include "runtime/core/graph_exec.h"

#include "runtime/core/stream_set.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace cuport::core {

bool GraphExec::flatten(const Graph &graph, std::vector<Step> &steps) {
  std::vector<GraphNode *> order;
  if (!graph.topologicalOrder(order))
    return false;
  for (const GraphNode *node : order) {
    if (node->type() == cudaGraphNodeTypeGraph && node->child) {
      // The child's steps in its own topological order stand where the node stands.
      if (!flatten(*node->child, steps))
        return false;
      continue;
    }
    steps.push_back(Step{node, node->work, node->event});
  }
  return true;
}

GraphExec::Shape GraphExec::shapeOf(const Graph &graph) {
  Shape result;
  std::unordered_map<const GraphNode *, size_t> index;
  for (const std::unique_ptr<GraphNode> &node : graph.nodes())
    index.emplace(node.get(), index.size());
  for (const std::unique_ptr<GraphNode> &node : graph.nodes()) {
    result.types.push_back(node->type());
    std::vector<size_t> dependencies;
    for (const GraphNode *dependency : node->dependencies)
      dependencies.push_back(index.at(dependency));
    std::sort(dependencies.begin(), dependencies.end());
    result.dependencies.push_back(std::move(dependencies));
    result.children.push_back(node->child ? shapeOf(*node->child) : Shape{});
  }
  return result;
}

bool GraphExec::compare(const Shape &mine, const Graph &theirs,
                        cudaGraphExecUpdateResultInfo &info) {
  const auto &nodes = theirs.nodes();
  if (nodes.size() != mine.types.size()) {
    info.result = cudaGraphExecUpdateErrorTopologyChanged;
    return false;
  }
  Shape other = shapeOf(theirs);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (other.types[i] != mine.types[i]) {
      info.result = cudaGraphExecUpdateErrorNodeTypeChanged;
      info.errorNode = handleOf(nodes[i].get());
      return false;
    }
    if (other.dependencies[i] != mine.dependencies[i]) {
      info.result = cudaGraphExecUpdateErrorTopologyChanged;
      info.errorNode = handleOf(nodes[i].get());
      // The first edge into the node that the instantiated graph does not have, if any.
      for (const GraphNode *dependency : nodes[i]->dependencies) {
        size_t at = static_cast<size_t>(std::find_if(nodes.begin(), nodes.end(),
                                                     [&](const std::unique_ptr<GraphNode> &n) {
                                                       return n.get() == dependency;
                                                     }) -
                                        nodes.begin());
        if (!std::binary_search(mine.dependencies[i].begin(), mine.dependencies[i].end(), at)) {
          info.errorFromNode = handleOf(const_cast<GraphNode *>(dependency));
          break;
        }
      }
      return false;
    }
    if (mine.types[i] == cudaGraphNodeTypeGraph && nodes[i]->child &&
        !compare(mine.children[i], *nodes[i]->child, info)) {
      info.errorNode = handleOf(nodes[i].get()); // the child graph node whose graph differs
      info.errorFromNode = nullptr;
      return false;
    }
  }
  return true;
}

cudaError_t GraphExec::instantiate(const Graph &graph, unsigned long long flags,
                                   std::unique_ptr<GraphExec> &exec) {
  auto steps = std::make_shared<std::vector<Step>>();
  if (!flatten(graph, *steps))
    return cudaErrorInvalidValue;
  exec = std::make_unique<GraphExec>();
  exec->instantiateFlags = flags;
  exec->shape = shapeOf(graph);
  exec->steps = std::move(steps);
  return cudaSuccess;
}

void GraphExec::launch(StreamSet &streams, Stream &stream) {
  std::shared_ptr<const std::vector<Step>> current;
  {
    std::lock_guard<std::mutex> lock(mutex);
    current = steps;
  }
  std::vector<std::function<cudaError_t()>> runs;
  std::vector<StreamPosition> waits;
  std::vector<std::shared_ptr<Event>> recorded;
  for (const Step &step : *current) {
    if (!step.enabled)
      continue;
    if (step.work.type == cudaGraphNodeTypeEventRecord && step.event) {
      runs.push_back(step.event->recordWork().run); // a fresh completion for each launch
      recorded.push_back(step.event);
    } else if (step.work.type == cudaGraphNodeTypeWaitEvent && step.event) {
      // The record made before the launch, as cudaStreamWaitEvent would wait for.
      if (std::optional<StreamPosition> at = step.event->recordedPosition())
        waits.push_back(std::move(*at));
    } else if (step.work.run) {
      runs.push_back(step.work.run);
    }
  }
  Work work;
  work.type = cudaGraphNodeTypeGraph;
  work.run = [runs = std::move(runs)]() -> cudaError_t {
    cudaError_t first = cudaSuccess;
    for (const std::function<cudaError_t()> &run : runs)
      if (cudaError_t error = run(); error != cudaSuccess && first == cudaSuccess)
        first = error;
    return first;
  };
  StreamPosition end = streams.submit(stream, std::move(work), std::move(waits));
  for (const std::shared_ptr<Event> &event : recorded)
    event->setRecordedPosition(end);
}

cudaError_t GraphExec::setStepWork(const GraphNode *node, Work work) {
  std::lock_guard<std::mutex> lock(mutex);
  auto changed = std::make_shared<std::vector<Step>>(*steps);
  for (Step &step : *changed) {
    if (step.origin != node)
      continue;
    if (step.work.type != work.type)
      return cudaErrorInvalidValue;
    step.work = std::move(work);
    steps = std::move(changed);
    return cudaSuccess;
  }
  return cudaErrorInvalidValue;
}

cudaError_t GraphExec::setStepEvent(const GraphNode *node, std::shared_ptr<Event> event) {
  std::lock_guard<std::mutex> lock(mutex);
  auto changed = std::make_shared<std::vector<Step>>(*steps);
  for (Step &step : *changed) {
    if (step.origin != node)
      continue;
    if (step.work.type != cudaGraphNodeTypeEventRecord &&
        step.work.type != cudaGraphNodeTypeWaitEvent)
      return cudaErrorInvalidValue;
    step.event = std::move(event);
    steps = std::move(changed);
    return cudaSuccess;
  }
  return cudaErrorInvalidValue;
}

cudaError_t GraphExec::setEnabled(const GraphNode *node, bool enabled) {
  std::lock_guard<std::mutex> lock(mutex);
  auto changed = std::make_shared<std::vector<Step>>(*steps);
  for (Step &step : *changed) {
    if (step.origin != node)
      continue;
    cudaGraphNodeType type = step.work.type;
    if (type != cudaGraphNodeTypeKernel && type != cudaGraphNodeTypeMemset &&
        type != cudaGraphNodeTypeMemcpy)
      return cudaErrorInvalidValue;
    step.enabled = enabled;
    steps = std::move(changed);
    return cudaSuccess;
  }
  return cudaErrorInvalidValue;
}

cudaError_t GraphExec::enabled(const GraphNode *node, bool &enabled) {
  std::lock_guard<std::mutex> lock(mutex);
  for (const Step &step : *steps)
    if (step.origin == node) {
      enabled = step.enabled;
      return cudaSuccess;
    }
  return cudaErrorInvalidValue;
}

cudaError_t GraphExec::update(const Graph &graph, cudaGraphExecUpdateResultInfo &info) {
  info = cudaGraphExecUpdateResultInfo{cudaGraphExecUpdateSuccess, nullptr, nullptr};
  if (!compare(shape, graph, info))
    return cudaErrorGraphExecUpdateFailure;
  std::vector<Step> fresh;
  if (!flatten(graph, fresh)) {
    info.result = cudaGraphExecUpdateErrorTopologyChanged;
    return cudaErrorGraphExecUpdateFailure;
  }
  std::lock_guard<std::mutex> lock(mutex);
  // Same shape, same flattening order: step i of the update replaces step i, and keeps the
  // node it came from, so that the instantiated graph's node handles still name it.
  if (fresh.size() != steps->size()) {
    info.result = cudaGraphExecUpdateErrorTopologyChanged;
    return cudaErrorGraphExecUpdateFailure;
  }
  for (size_t i = 0; i < fresh.size(); ++i) {
    fresh[i].origin = (*steps)[i].origin;
    fresh[i].enabled = (*steps)[i].enabled;
  }
  steps = std::make_shared<const std::vector<Step>>(std::move(fresh));
  return cudaSuccess;
}

} // namespace cuport::core
