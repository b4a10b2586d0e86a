// Graphs, executable graphs and stream capture in runtime/core, with host work only (no device).
#include "runtime/core/capture.h"
#include "runtime/core/graph.h"
#include "runtime/core/graph_exec.h"
#include "runtime/core/stream_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

namespace cuport::core {
namespace {

// Host work that appends `label` to `log`.
struct Log {
  std::mutex mutex;
  std::vector<int> entries;

  Work append(int label) {
    return Work{cudaGraphNodeTypeHost, [this, label] {
                  std::lock_guard<std::mutex> lock(mutex);
                  entries.push_back(label);
                  return cudaSuccess;
                }};
  }
  size_t position(int label) {
    return static_cast<size_t>(std::find(entries.begin(), entries.end(), label) - entries.begin());
  }
};

GraphNode *addNode(Graph &graph, Work work, std::vector<GraphNode *> after = {}) {
  auto node = std::make_unique<GraphNode>();
  node->work = std::move(work);
  GraphNode *added = nullptr;
  EXPECT_EQ(graph.add(std::move(node), after, added), cudaSuccess);
  return added;
}

// a -> (b, c) -> d, with d created first so that creation order is not a valid order.
struct Diamond {
  Graph graph;
  GraphNode *a, *b, *c, *d;
  explicit Diamond(Log &log) {
    d = addNode(graph, log.append(4));
    a = addNode(graph, log.append(1));
    b = addNode(graph, log.append(2), {a});
    c = addNode(graph, log.append(3), {a});
    EXPECT_EQ(graph.addEdge(b, d), cudaSuccess);
    EXPECT_EQ(graph.addEdge(c, d), cudaSuccess);
  }
};

TEST(Graph, EdgesRootsAndTopologicalOrder) {
  Log log;
  Diamond diamond(log);
  Graph &graph = diamond.graph;
  EXPECT_EQ(graph.roots(), std::vector<GraphNode *>{diamond.a});
  EXPECT_EQ(graph.edges().size(), 4u);
  EXPECT_EQ(graph.addEdge(diamond.b, diamond.d), cudaErrorInvalidValue); // exists already
  EXPECT_EQ(graph.removeEdge(diamond.a, diamond.d), cudaErrorInvalidValue);
  std::vector<GraphNode *> order;
  ASSERT_TRUE(graph.topologicalOrder(order));
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order.front(), diamond.a);
  EXPECT_EQ(order.back(), diamond.d);
  // A cycle has no order.
  ASSERT_EQ(graph.addEdge(diamond.d, diamond.a), cudaSuccess);
  EXPECT_FALSE(graph.topologicalOrder(order));
  std::unique_ptr<GraphExec> exec;
  EXPECT_EQ(GraphExec::instantiate(graph, 0, exec), cudaErrorInvalidValue);
  ASSERT_EQ(graph.removeEdge(diamond.d, diamond.a), cudaSuccess);
  // Destroying a node takes its edges.
  graph.destroy(diamond.b);
  EXPECT_EQ(graph.nodes().size(), 3u);
  EXPECT_EQ(diamond.a->dependents, std::vector<GraphNode *>{diamond.c});
  EXPECT_EQ(diamond.d->dependencies, std::vector<GraphNode *>{diamond.c});
}

TEST(Graph, DependenciesMustBeDistinctNodesOfTheGraph) {
  Log log;
  Graph graph, other;
  GraphNode *mine = addNode(graph, log.append(1));
  GraphNode *foreign = addNode(other, log.append(2));
  GraphNode *added = nullptr;
  EXPECT_EQ(graph.add(std::make_unique<GraphNode>(), {foreign}, added), cudaErrorInvalidValue);
  EXPECT_EQ(graph.add(std::make_unique<GraphNode>(), {mine, mine}, added), cudaErrorInvalidValue);
  EXPECT_EQ(graph.addEdge(mine, foreign), cudaErrorInvalidValue);
}

TEST(Graph, CloneCopiesNodesAndEdges) {
  Log log;
  Diamond diamond(log);
  std::unordered_map<const GraphNode *, GraphNode *> mapping;
  std::unique_ptr<Graph> copy = diamond.graph.clone(&mapping);
  ASSERT_EQ(copy->nodes().size(), 4u);
  GraphNode *d = mapping.at(diamond.d);
  EXPECT_EQ(d->graph, copy.get());
  EXPECT_EQ(d->dependencies,
            (std::vector<GraphNode *>{mapping.at(diamond.b), mapping.at(diamond.c)}));
  // Independent of the original.
  diamond.graph.destroy(diamond.a);
  EXPECT_EQ(copy->nodes().size(), 4u);
}

TEST(GraphExec, LaunchesRunInDependencyOrderOnTheStreamRepeatedly) {
  Log log;
  Diamond diamond(log);
  std::unique_ptr<GraphExec> exec;
  ASSERT_EQ(GraphExec::instantiate(diamond.graph, 0, exec), cudaSuccess);
  StreamSet streams;
  std::shared_ptr<Stream> stream = streams.resolve(streams.create(0, 0), false);
  streams.submit(*stream, log.append(0));
  for (int launch = 0; launch < 3; ++launch)
    exec->launch(streams, *stream);
  streams.submit(*stream, log.append(9));
  ASSERT_EQ(streams.synchronize(*stream), cudaSuccess);
  ASSERT_EQ(log.entries.size(), 14u);
  EXPECT_EQ(log.entries.front(), 0);
  EXPECT_EQ(log.entries.back(), 9);
  for (size_t launch = 0; launch < 3; ++launch) {
    std::vector<int> one(log.entries.begin() + 1 + 4 * launch,
                         log.entries.begin() + 5 + 4 * launch);
    EXPECT_EQ(one.front(), 1);
    EXPECT_EQ(one.back(), 4);
  }
}

TEST(GraphExec, NodeChangesAfterInstantiationDoNotReachIt) {
  Log log;
  Diamond diamond(log);
  std::unique_ptr<GraphExec> exec;
  ASSERT_EQ(GraphExec::instantiate(diamond.graph, 0, exec), cudaSuccess);
  diamond.b->work = log.append(20); // the graph's node, not the executable graph's step
  ASSERT_EQ(exec->setStepWork(diamond.c, log.append(30)), cudaSuccess);
  EXPECT_EQ(exec->setStepWork(diamond.c, Work{cudaGraphNodeTypeKernel, {}}),
            cudaErrorInvalidValue); // another type
  StreamSet streams;
  exec->launch(streams, *streams.legacy());
  ASSERT_EQ(streams.synchronize(*streams.legacy()), cudaSuccess);
  std::sort(log.entries.begin(), log.entries.end());
  EXPECT_EQ(log.entries, (std::vector<int>{1, 2, 4, 30}));
}

TEST(GraphExec, UpdateNeedsTheSameTopology) {
  Log log;
  Diamond diamond(log);
  std::unique_ptr<GraphExec> exec;
  ASSERT_EQ(GraphExec::instantiate(diamond.graph, 0, exec), cudaSuccess);

  std::unordered_map<const GraphNode *, GraphNode *> mapping;
  std::unique_ptr<Graph> same = diamond.graph.clone(&mapping);
  mapping.at(diamond.a)->work = log.append(10);
  cudaGraphExecUpdateResultInfo info;
  ASSERT_EQ(exec->update(*same, info), cudaSuccess);
  EXPECT_EQ(info.result, cudaGraphExecUpdateSuccess);

  std::unique_ptr<Graph> retyped = diamond.graph.clone(&mapping);
  mapping.at(diamond.c)->work = Work{cudaGraphNodeTypeEmpty, {}};
  EXPECT_EQ(exec->update(*retyped, info), cudaErrorGraphExecUpdateFailure);
  EXPECT_EQ(info.result, cudaGraphExecUpdateErrorNodeTypeChanged);
  EXPECT_EQ(info.errorNode, handleOf(mapping.at(diamond.c)));

  std::unique_ptr<Graph> rewired = diamond.graph.clone(&mapping);
  ASSERT_EQ(rewired->removeEdge(mapping.at(diamond.a), mapping.at(diamond.b)), cudaSuccess);
  ASSERT_EQ(rewired->addEdge(mapping.at(diamond.c), mapping.at(diamond.b)), cudaSuccess);
  EXPECT_EQ(exec->update(*rewired, info), cudaErrorGraphExecUpdateFailure);
  EXPECT_EQ(info.result, cudaGraphExecUpdateErrorTopologyChanged);
  EXPECT_EQ(info.errorNode, handleOf(mapping.at(diamond.b)));
  EXPECT_EQ(info.errorFromNode, handleOf(mapping.at(diamond.c)));

  std::unique_ptr<Graph> grown = diamond.graph.clone(&mapping);
  addNode(*grown, log.append(5));
  EXPECT_EQ(exec->update(*grown, info), cudaErrorGraphExecUpdateFailure);
  EXPECT_EQ(info.result, cudaGraphExecUpdateErrorTopologyChanged);

  // Only the successful update took effect; the step keeps its original node's identity.
  ASSERT_EQ(exec->setStepWork(diamond.d, log.append(40)), cudaSuccess);
  StreamSet streams;
  exec->launch(streams, *streams.legacy());
  ASSERT_EQ(streams.synchronize(*streams.legacy()), cudaSuccess);
  EXPECT_EQ(log.entries, (std::vector<int>{10, 2, 3, 40}));
}

TEST(Capture, SubmittedWorkBecomesNodesAndForkJoinIsTracked) {
  Log log;
  StreamSet streams;
  std::shared_ptr<Stream> origin = streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::shared_ptr<Stream> side = streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::shared_ptr<Capture> capture = beginCapture(*origin, cudaStreamCaptureModeGlobal);
  streams.submit(*origin, log.append(1));
  capture->join(*side, capture->dependencyNodes(*origin)); // fork
  streams.submit(*side, log.append(2));
  streams.submit(*origin, log.append(3));
  capture->join(*origin, capture->dependencyNodes(*side)); // join
  streams.submit(*origin, log.append(4));
  ASSERT_EQ(streams.synchronize(*origin), cudaSuccess);
  EXPECT_TRUE(log.entries.empty()); // captured, not run

  std::unique_ptr<Graph> graph;
  ASSERT_EQ(capture->end(graph), cudaSuccess);
  EXPECT_EQ(origin->capture(), nullptr);
  EXPECT_EQ(side->capture(), nullptr);
  ASSERT_EQ(graph->nodes().size(), 4u);
  const GraphNode *last = graph->nodes()[3].get();
  EXPECT_EQ(last->dependencies.size(), 2u);

  std::unique_ptr<GraphExec> exec;
  ASSERT_EQ(GraphExec::instantiate(*graph, 0, exec), cudaSuccess);
  exec->launch(streams, *origin);
  ASSERT_EQ(streams.synchronize(*origin), cudaSuccess);
  ASSERT_EQ(log.entries.size(), 4u);
  EXPECT_EQ(log.entries.front(), 1);
  EXPECT_EQ(log.entries.back(), 4);
}

TEST(Capture, UnjoinedAndInvalidatedCapturesFail) {
  Log log;
  StreamSet streams;
  std::shared_ptr<Stream> origin = streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::shared_ptr<Stream> side = streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::shared_ptr<Capture> capture = beginCapture(*origin, cudaStreamCaptureModeRelaxed);
  capture->join(*side, capture->dependencyNodes(*origin));
  streams.submit(*side, log.append(1));
  std::unique_ptr<Graph> graph;
  EXPECT_EQ(capture->end(graph), cudaErrorStreamCaptureUnjoined);
  EXPECT_EQ(graph, nullptr);
  EXPECT_EQ(side->capture(), nullptr);

  capture = beginCapture(*origin, cudaStreamCaptureModeRelaxed);
  EXPECT_EQ(streams.admit(*origin), cudaSuccess);
  capture->invalidate();
  EXPECT_EQ(streams.admit(*origin), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(capture->end(graph), cudaErrorStreamCaptureInvalidated);
  EXPECT_TRUE(log.entries.empty());
}

TEST(Capture, LegacyStreamWorkWhileABlockingStreamCapturesIsImplicit) {
  StreamSet streams;
  std::shared_ptr<Stream> blocking = streams.resolve(streams.create(0, 0), false);
  std::shared_ptr<Stream> nonBlocking =
      streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::shared_ptr<Capture> quiet = beginCapture(*nonBlocking, cudaStreamCaptureModeGlobal);
  EXPECT_EQ(streams.admit(*streams.legacy()), cudaSuccess); // no implicit synchronization
  std::shared_ptr<Capture> capture = beginCapture(*blocking, cudaStreamCaptureModeGlobal);
  EXPECT_TRUE(streams.blockingStreamCaptures());
  EXPECT_EQ(streams.admit(*streams.legacy()), cudaErrorStreamCaptureImplicit);
  EXPECT_TRUE(capture->invalidated());
  EXPECT_FALSE(quiet->invalidated());
  std::unique_ptr<Graph> graph;
  EXPECT_EQ(capture->end(graph), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(quiet->end(graph), cudaSuccess);
}

TEST(Capture, UnsafeCallsDependOnModes) {
  StreamSet streams;
  std::shared_ptr<Stream> stream = streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  EXPECT_EQ(checkUnsafeCall(), cudaSuccess);
  std::shared_ptr<Capture> relaxed = beginCapture(*stream, cudaStreamCaptureModeRelaxed);
  EXPECT_EQ(checkUnsafeCall(), cudaSuccess);
  std::unique_ptr<Graph> graph;
  ASSERT_EQ(relaxed->end(graph), cudaSuccess);

  std::shared_ptr<Capture> global = beginCapture(*stream, cudaStreamCaptureModeGlobal);
  // This thread in relaxed mode may make the call; back in global mode it may not.
  EXPECT_EQ(exchangeThreadCaptureMode(cudaStreamCaptureModeRelaxed), cudaStreamCaptureModeGlobal);
  EXPECT_EQ(checkUnsafeCall(), cudaSuccess);
  EXPECT_EQ(exchangeThreadCaptureMode(cudaStreamCaptureModeGlobal), cudaStreamCaptureModeRelaxed);
  EXPECT_EQ(checkUnsafeCall(), cudaErrorStreamCaptureUnsupported);
  EXPECT_TRUE(global->invalidated());
  EXPECT_EQ(global->end(graph), cudaErrorStreamCaptureInvalidated);
}

} // namespace
} // namespace cuport::core
