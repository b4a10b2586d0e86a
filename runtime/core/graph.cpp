#include "runtime/core/graph.h"

#include <algorithm>
#include <unordered_set>

namespace cuport::core {

std::unique_ptr<GraphNode> copyNode(const GraphNode &node) {
  auto copy = std::make_unique<GraphNode>();
  copy->work = node.work;
  copy->hasParameters = node.hasParameters;
  copy->memcpy = node.memcpy;
  copy->memset = node.memset;
  copy->eventHandle = node.eventHandle;
  copy->event = node.event;
  if (node.child)
    copy->child = node.child->clone();
  return copy;
}

cudaError_t Graph::add(std::unique_ptr<GraphNode> node,
                       const std::vector<GraphNode *> &dependencies, GraphNode *&added) {
  std::unordered_set<const GraphNode *> seen;
  for (GraphNode *dependency : dependencies)
    if (!contains(dependency) || !seen.insert(dependency).second)
      return cudaErrorInvalidValue;
  node->graph = this;
  node->dependencies = dependencies;
  for (GraphNode *dependency : dependencies)
    dependency->dependents.push_back(node.get());
  added = node.get();
  nodeList.push_back(std::move(node));
  return cudaSuccess;
}

bool Graph::contains(const GraphNode *node) const {
  return node && node->graph == this;
}

cudaError_t Graph::addEdge(GraphNode *from, GraphNode *to) {
  if (!contains(from) || !contains(to) || from == to)
    return cudaErrorInvalidValue;
  if (std::find(to->dependencies.begin(), to->dependencies.end(), from) != to->dependencies.end())
    return cudaErrorInvalidValue;
  to->dependencies.push_back(from);
  from->dependents.push_back(to);
  return cudaSuccess;
}

cudaError_t Graph::removeEdge(GraphNode *from, GraphNode *to) {
  if (!contains(from) || !contains(to))
    return cudaErrorInvalidValue;
  auto found = std::find(to->dependencies.begin(), to->dependencies.end(), from);
  if (found == to->dependencies.end())
    return cudaErrorInvalidValue;
  to->dependencies.erase(found);
  std::erase(from->dependents, to);
  return cudaSuccess;
}

void Graph::destroy(GraphNode *node) {
  std::erase_if(cloneOf, [node](const auto &entry) { return entry.second == node; });
  for (GraphNode *dependency : node->dependencies)
    std::erase(dependency->dependents, node);
  for (GraphNode *dependent : node->dependents)
    std::erase(dependent->dependencies, node);
  std::erase_if(nodeList, [node](const std::unique_ptr<GraphNode> &n) { return n.get() == node; });
}

std::vector<GraphNode *> Graph::roots() const {
  std::vector<GraphNode *> result;
  for (const std::unique_ptr<GraphNode> &node : nodeList)
    if (node->dependencies.empty())
      result.push_back(node.get());
  return result;
}

std::vector<std::pair<GraphNode *, GraphNode *>> Graph::edges() const {
  std::vector<std::pair<GraphNode *, GraphNode *>> result;
  for (const std::unique_ptr<GraphNode> &node : nodeList)
    for (GraphNode *dependency : node->dependencies)
      result.emplace_back(dependency, node.get());
  return result;
}

bool Graph::topologicalOrder(std::vector<GraphNode *> &order) const {
  // Kahn's algorithm, taking ready nodes in creation order so that runs are reproducible.
  std::unordered_map<const GraphNode *, size_t> waiting;
  std::vector<GraphNode *> ready;
  for (const std::unique_ptr<GraphNode> &node : nodeList) {
    waiting[node.get()] = node->dependencies.size();
    if (node->dependencies.empty())
      ready.push_back(node.get());
  }
  order.clear();
  for (size_t next = 0; next < ready.size(); ++next) {
    GraphNode *node = ready[next];
    order.push_back(node);
    for (GraphNode *dependent : node->dependents)
      if (--waiting[dependent] == 0)
        ready.push_back(dependent);
  }
  return order.size() == nodeList.size();
}

std::unique_ptr<Graph>
Graph::clone(std::unordered_map<const GraphNode *, GraphNode *> *mapping) const {
  auto copy = std::make_unique<Graph>();
  std::unordered_map<const GraphNode *, GraphNode *> copies;
  for (const std::unique_ptr<GraphNode> &node : nodeList) {
    std::unique_ptr<GraphNode> duplicate = copyNode(*node);
    duplicate->graph = copy.get();
    copies[node.get()] = duplicate.get();
    copy->nodeList.push_back(std::move(duplicate));
  }
  for (const std::unique_ptr<GraphNode> &node : nodeList) {
    GraphNode *duplicate = copies[node.get()];
    for (GraphNode *dependency : node->dependencies)
      duplicate->dependencies.push_back(copies[dependency]);
    for (GraphNode *dependent : node->dependents)
      duplicate->dependents.push_back(copies[dependent]);
  }
  copy->cloneOf = copies;
  if (mapping)
    *mapping = std::move(copies);
  return copy;
}

GraphNode *Graph::copyOf(const GraphNode *original) const {
  auto found = cloneOf.find(original);
  // A copy destroyed since (cudaGraphDestroyNode) is no longer found.
  return found != cloneOf.end() && contains(found->second) ? found->second : nullptr;
}

} // namespace cuport::core
