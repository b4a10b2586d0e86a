// CUDA graphs: nodes of device work (kernel, memcpy, memset, host function, event record and
// wait, empty, child graph) with dependency edges. A Graph is what cudaGraphCreate and stream
// capture build; cudaGraphNode_t is a GraphNode *, cudaGraph_t a Graph *.
#pragma once

#include "runtime/core/event.h"
#include "runtime/core/work.h"

#include <memory>
#include <unordered_map>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class Graph;

struct GraphNode {
  Graph *graph = nullptr;
  // What running the node does. work.type is the node's type; work.kernel and work.host carry
  // kernel and host parameters.
  Work work;
  // Whether the node has the typed parameters of its type (nodes stream capture makes from work
  // other than kernels and host functions have none).
  bool hasParameters = true;
  cudaMemcpy3DParms memcpy{};
  cudaMemsetParams memset{};
  // Event record and event wait nodes.
  cudaEvent_t eventHandle = nullptr;
  std::shared_ptr<Event> event;
  // Child graph nodes: the node's own copy of the graph.
  std::unique_ptr<Graph> child;

  std::vector<GraphNode *> dependencies; // edges into the node, in the order they were added
  std::vector<GraphNode *> dependents;   // edges out of it

  cudaGraphNodeType type() const { return work.type; }
};

class Graph {
public:
  Graph() = default;
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;

  // Adds `node` after `dependencies` (nodes of this graph, no duplicates: cudaErrorInvalidValue).
  cudaError_t add(std::unique_ptr<GraphNode> node, const std::vector<GraphNode *> &dependencies,
                  GraphNode *&added);
  bool contains(const GraphNode *node) const;
  // cudaGraphAddDependencies / cudaGraphRemoveDependencies for one edge. Adding an edge that
  // exists, or removing one that does not, is cudaErrorInvalidValue.
  cudaError_t addEdge(GraphNode *from, GraphNode *to);
  cudaError_t removeEdge(GraphNode *from, GraphNode *to);
  // Removes the node and its edges.
  void destroy(GraphNode *node);

  const std::vector<std::unique_ptr<GraphNode>> &nodes() const { return nodeList; }
  std::vector<GraphNode *> roots() const;
  // Every edge as (from, to), grouped by destination node in node order.
  std::vector<std::pair<GraphNode *, GraphNode *>> edges() const;
  // The nodes in an order where each comes after its dependencies; false when there is a cycle.
  bool topologicalOrder(std::vector<GraphNode *> &order) const;

  // A deep copy (child graphs included). `mapping`, when given, receives original -> copy.
  std::unique_ptr<Graph>
  clone(std::unordered_map<const GraphNode *, GraphNode *> *mapping = nullptr) const;
  // In a clone: the copy of `original` (cudaGraphNodeFindInClone), or null.
  GraphNode *copyOf(const GraphNode *original) const;

private:
  std::vector<std::unique_ptr<GraphNode>> nodeList;
  std::unordered_map<const GraphNode *, GraphNode *> cloneOf; // original -> copy, in clones
};

// The API's handles are our objects.
inline cudaGraphNode_t handleOf(GraphNode *node) {
  return reinterpret_cast<cudaGraphNode_t>(node);
}
inline GraphNode *nodeOf(cudaGraphNode_t handle) {
  return reinterpret_cast<GraphNode *>(handle);
}
inline cudaGraph_t handleOf(Graph *graph) {
  return reinterpret_cast<cudaGraph_t>(graph);
}
inline Graph *graphOf(cudaGraph_t handle) {
  return reinterpret_cast<Graph *>(handle);
}

// A node's copy without edges (cudaGraphClone, child graphs).
std::unique_ptr<GraphNode> copyNode(const GraphNode &node);

} // namespace cuport::core
