// Executable graphs (cudaGraphExec_t is a GraphExec *): a graph flattened at instantiation into
// steps in a topological order. A launch is one piece of work on the stream that runs the steps
// in that order, so it is ordered with the stream's other work like any single operation.
#pragma once

#include "runtime/core/graph.h"
#include "runtime/core/stream.h"

#include <memory>
#include <mutex>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class StreamSet;

class GraphExec {
public:
  // cudaErrorInvalidValue when the graph has a cycle.
  static cudaError_t instantiate(const Graph &graph, unsigned long long flags,
                                 std::unique_ptr<GraphExec> &exec);

  unsigned long long flags() const { return instantiateFlags; }

  // cudaGraphLaunch: queues the graph's steps as one piece of work on `stream`.
  void launch(StreamSet &streams, Stream &stream);

  // cudaGraphExec*NodeSetParams: the step made from `node` (a node of the instantiated graph)
  // does `work` in later launches. cudaErrorInvalidValue when `node` is not part of this
  // executable graph or has another type.
  cudaError_t setStepWork(const GraphNode *node, Work work);
  // The event a record or wait step uses from now on (cudaGraphExecEvent*NodeSetEvent).
  cudaError_t setStepEvent(const GraphNode *node, std::shared_ptr<Event> event);

  // cudaGraphNodeSetEnabled / GetEnabled: a disabled step does nothing at launch. Only kernel,
  // memset and memcpy steps can be disabled (cudaErrorInvalidValue otherwise, as for a node
  // that is not part of this executable graph).
  cudaError_t setEnabled(const GraphNode *node, bool enabled);
  cudaError_t enabled(const GraphNode *node, bool &enabled);

  // cudaGraphExecUpdate: takes the parameters of `graph`, whose topology must match the
  // instantiated one node for node; else cudaErrorGraphExecUpdateFailure with `info` saying why.
  cudaError_t update(const Graph &graph, cudaGraphExecUpdateResultInfo &info);

private:
  struct Step {
    const GraphNode *origin = nullptr; // the node it was made from
    Work work;
    std::shared_ptr<Event> event; // record and wait steps
    bool enabled = true;
  };
  // The graph's shape, to compare with an update's: per node (in node order) its type, its
  // dependencies' indices and, for child graphs, the child's shape.
  struct Shape {
    std::vector<cudaGraphNodeType> types;
    std::vector<std::vector<size_t>> dependencies;
    std::vector<Shape> children;
  };

  static bool flatten(const Graph &graph, std::vector<Step> &steps);
  static Shape shapeOf(const Graph &graph);
  // True when `theirs` has this shape; else false with `info` naming the first difference.
  static bool compare(const Shape &mine, const Graph &theirs, cudaGraphExecUpdateResultInfo &info);

  unsigned long long instantiateFlags = 0;
  Shape shape;
  std::mutex mutex;
  // Replaced, never modified, so a launch in flight keeps the steps it started with.
  std::shared_ptr<const std::vector<Step>> steps;
};

} // namespace cuport::core
