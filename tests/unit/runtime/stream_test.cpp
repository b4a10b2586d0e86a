// Streams, the stream set's ordering rules, the launch gate and events, without a device.
#include "runtime/core/event.h"
#include "runtime/core/launch_gate.h"
#include "runtime/core/stream_set.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace cuport::core {
namespace {

using namespace std::chrono_literals;

Work run(std::function<cudaError_t()> body) {
  return Work{cudaGraphNodeTypeHost, std::move(body)};
}

// Work that blocks its stream until the returned promise is fulfilled.
Work gate(std::shared_future<void> open) {
  return run([open] {
    open.wait();
    return cudaSuccess;
  });
}

TEST(Stream, RunsInOrderOnAnotherThreadAndSynchronizes) {
  StreamSet streams;
  std::shared_ptr<Stream> stream = streams.resolve(streams.create(0, 0), false);
  std::vector<int> order;
  std::thread::id ranOn;
  for (int i = 0; i < 100; ++i)
    streams.submit(*stream, run([&order, &ranOn, i] {
      if (i % 10 == 0)
        std::this_thread::sleep_for(200us);
      order.push_back(i);
      ranOn = std::this_thread::get_id();
      return cudaSuccess;
    }));
  EXPECT_EQ(streams.synchronize(*stream), cudaSuccess);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(order[i], i);
  EXPECT_NE(ranOn, std::this_thread::get_id());
}

TEST(Stream, ReportsTheFirstErrorOnceAtSynchronization) {
  StreamSet streams;
  Stream &stream = *streams.legacy();
  streams.submit(stream, run([] { return cudaErrorLaunchOutOfResources; }));
  streams.submit(stream, run([] { return cudaErrorInvalidValue; }));
  EXPECT_EQ(streams.synchronize(stream), cudaErrorLaunchOutOfResources);
  EXPECT_EQ(streams.synchronize(stream), cudaSuccess);
}

TEST(StreamSet, ResolvesHandles) {
  StreamSet streams;
  EXPECT_EQ(streams.resolve(nullptr, false), streams.legacy());
  EXPECT_EQ(streams.resolve(cudaStreamLegacy, true), streams.legacy());
  std::shared_ptr<Stream> perThread = streams.resolve(nullptr, true);
  EXPECT_EQ(perThread->role(), Stream::Role::PerThreadDefault);
  EXPECT_EQ(streams.resolve(cudaStreamPerThread, false), perThread);
  std::shared_ptr<Stream> other;
  std::thread([&] { other = streams.perThread(); }).join();
  EXPECT_NE(other, perThread); // each host thread has its own
  cudaStream_t handle = streams.create(cudaStreamNonBlocking, -100);
  std::shared_ptr<Stream> created = streams.resolve(handle, false);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->priority(), kGreatestStreamPriority); // clamped
  EXPECT_EQ(StreamSet::handleOf(*created), handle);
  EXPECT_TRUE(streams.destroy(handle));
  EXPECT_FALSE(streams.destroy(handle));
  EXPECT_EQ(streams.resolve(handle, false), nullptr);
  EXPECT_FALSE(streams.destroy(cudaStreamLegacy));
}

TEST(StreamSet, LegacyStreamWaitsForBlockingStreamsAndTheyForIt) {
  StreamSet streams;
  std::shared_ptr<Stream> blocking = streams.resolve(streams.create(0, 0), false);
  std::promise<void> open;
  std::atomic<int> step{0};
  streams.submit(*blocking, gate(open.get_future().share()));
  streams.submit(*blocking, run([&] {
    step = 1;
    return cudaSuccess;
  }));
  int seenByLegacy = -1;
  streams.submit(*streams.legacy(), run([&] {
    seenByLegacy = step;
    step = 2;
    return cudaSuccess;
  }));
  int seenAfter = -1;
  streams.submit(*blocking, run([&] {
    seenAfter = step;
    return cudaSuccess;
  }));
  std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(streams.idle(*streams.legacy()));
  open.set_value();
  EXPECT_EQ(streams.synchronizeAll(), cudaSuccess);
  EXPECT_EQ(seenByLegacy, 1);
  EXPECT_EQ(seenAfter, 2);
}

TEST(StreamSet, NonBlockingStreamsIgnoreTheLegacyStream) {
  StreamSet streams;
  std::shared_ptr<Stream> nonBlocking =
      streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::promise<void> open;
  streams.submit(*streams.legacy(), gate(open.get_future().share()));
  std::atomic<bool> ran{false};
  streams.submit(*nonBlocking, run([&] {
    ran = true;
    return cudaSuccess;
  }));
  EXPECT_EQ(streams.synchronize(*nonBlocking), cudaSuccess); // would hang if it waited
  EXPECT_TRUE(ran);
  EXPECT_FALSE(streams.idle(*streams.legacy()));
  open.set_value();
  EXPECT_EQ(streams.synchronizeAll(), cudaSuccess);
}

TEST(StreamSet, DestroyReturnsAtOnceAndTheWorkStillRuns) {
  StreamSet streams;
  cudaStream_t handle = streams.create(0, 0);
  std::shared_ptr<Stream> stream = streams.resolve(handle, false);
  std::promise<void> open;
  std::atomic<bool> ran{false};
  streams.submit(*stream, gate(open.get_future().share()));
  streams.submit(*stream, run([&] {
    ran = true;
    return cudaSuccess;
  }));
  stream.reset();
  EXPECT_TRUE(streams.destroy(handle));
  EXPECT_FALSE(ran);
  open.set_value();
  EXPECT_EQ(streams.synchronizeAll(), cudaSuccess);
  EXPECT_TRUE(ran);
}

TEST(Event, OrdersStreamsAndMeasuresTime) {
  StreamSet streams;
  std::shared_ptr<Stream> producer =
      streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  std::shared_ptr<Stream> consumer =
      streams.resolve(streams.create(cudaStreamNonBlocking, 0), false);
  Event start(cudaEventDefault), done(cudaEventDefault), untimed(cudaEventDisableTiming);
  float ms = -1;
  EXPECT_EQ(done.query(), cudaSuccess); // never recorded: complete
  EXPECT_EQ(Event::elapsed(start, done, ms), cudaErrorInvalidResourceHandle);

  std::promise<void> open;
  std::atomic<bool> produced{false};
  start.record(streams, *producer);
  streams.submit(*producer, gate(open.get_future().share()));
  streams.submit(*producer, run([&] {
    std::this_thread::sleep_for(2ms);
    produced = true;
    return cudaSuccess;
  }));
  done.record(streams, *producer);
  bool sawProduced = false;
  streams.submit(*consumer, Work{cudaGraphNodeTypeWaitEvent, {}}, {*done.recordedPosition()});
  streams.submit(*consumer, run([&] {
    sawProduced = produced;
    return cudaSuccess;
  }));
  EXPECT_EQ(done.query(), cudaErrorNotReady);
  EXPECT_EQ(Event::elapsed(start, done, ms), cudaErrorNotReady);
  open.set_value();
  done.synchronize();
  EXPECT_EQ(done.query(), cudaSuccess);
  ASSERT_EQ(Event::elapsed(start, done, ms), cudaSuccess);
  EXPECT_GE(ms, 2.0f);
  EXPECT_EQ(streams.synchronize(*consumer), cudaSuccess);
  EXPECT_TRUE(sawProduced);
  untimed.record(streams, *producer);
  untimed.synchronize();
  EXPECT_EQ(Event::elapsed(start, untimed, ms), cudaErrorInvalidResourceHandle);
}

TEST(LaunchGate, AdmitsWaitingLaunchesByPriority) {
  LaunchGate gate;
  std::promise<void> open;
  std::shared_future<void> opened = open.get_future().share();
  std::mutex orderMutex;
  std::vector<int> order;
  std::atomic<bool> admitted{false};
  std::thread first([&] {
    gate.run(0, [&] {
      admitted = true;
      opened.wait();
    });
  });
  while (!admitted) // `first` holds the gate
    std::this_thread::yield();
  std::vector<std::thread> waiting;
  for (int priority : {0, -3, -1})
    waiting.emplace_back([&, priority] {
      gate.run(priority, [&] {
        std::lock_guard<std::mutex> lock(orderMutex);
        order.push_back(priority);
      });
    });
  while (gate.waitingCount() < 3) // all three are queued behind `first`
    std::this_thread::yield();
  open.set_value();
  first.join();
  for (std::thread &t : waiting)
    t.join();
  EXPECT_EQ(order, (std::vector<int>{-3, -1, 0}));
}

} // namespace
} // namespace cuport::core
