#include "runtime/core/event.h"

#include "runtime/core/stream_set.h"

namespace cuport::core {

Work Event::recordWork() {
  auto fresh = std::make_shared<Stamp>();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stamp = fresh;
  }
  Work work;
  work.type = cudaGraphNodeTypeEventRecord;
  work.run = [fresh]() -> cudaError_t {
    std::lock_guard<std::mutex> lock(fresh->mutex);
    fresh->time = std::chrono::steady_clock::now();
    fresh->done = true;
    return cudaSuccess;
  };
  return work;
}

void Event::record(StreamSet &streams, Stream &stream) {
  // Holding the event's lock across the submission keeps stamp and position of one record.
  std::lock_guard<std::mutex> order(recordMutex);
  Work work = recordWork();
  StreamPosition at = streams.submit(stream, std::move(work));
  std::lock_guard<std::mutex> lock(mutex);
  position = std::move(at);
}

void Event::setRecordedPosition(StreamPosition at) {
  std::lock_guard<std::mutex> lock(mutex);
  position = std::move(at);
}

std::optional<StreamPosition> Event::recordedPosition() {
  std::lock_guard<std::mutex> lock(mutex);
  return position;
}

std::shared_ptr<Event::Stamp> Event::latestStamp() {
  std::lock_guard<std::mutex> lock(mutex);
  return stamp;
}

cudaError_t Event::query() {
  std::optional<StreamPosition> at = recordedPosition();
  return !at || at->reached() ? cudaSuccess : cudaErrorNotReady;
}

void Event::synchronize() {
  if (std::optional<StreamPosition> at = recordedPosition())
    at->wait();
}

cudaError_t Event::elapsed(Event &start, Event &end, float &milliseconds) {
  if (start.timingDisabled() || end.timingDisabled())
    return cudaErrorInvalidResourceHandle;
  std::shared_ptr<Stamp> first = start.latestStamp();
  std::shared_ptr<Stamp> second = end.latestStamp();
  if (!first || !second)
    return cudaErrorInvalidResourceHandle; // an event never recorded
  std::chrono::steady_clock::time_point from, to;
  {
    std::lock_guard<std::mutex> lock(first->mutex);
    if (!first->done)
      return cudaErrorNotReady;
    from = first->time;
  }
  {
    std::lock_guard<std::mutex> lock(second->mutex);
    if (!second->done)
      return cudaErrorNotReady;
    to = second->time;
  }
  milliseconds = std::chrono::duration<float, std::milli>(to - from).count();
  return cudaSuccess;
}

cudaEvent_t EventTable::create(unsigned flags) {
  auto event = std::make_shared<Event>(flags);
  auto handle = reinterpret_cast<cudaEvent_t>(event.get());
  std::lock_guard<std::mutex> lock(mutex);
  events.emplace(event.get(), std::move(event));
  return handle;
}

bool EventTable::destroy(cudaEvent_t handle) {
  std::shared_ptr<Event> event;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = events.find(reinterpret_cast<const Event *>(handle));
  if (found == events.end())
    return false;
  event = std::move(found->second); // released after the lock: it may hold a stream
  events.erase(found);
  return true;
}

std::shared_ptr<Event> EventTable::find(cudaEvent_t handle) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = events.find(reinterpret_cast<const Event *>(handle));
  return found == events.end() ? nullptr : found->second;
}

void EventTable::clear() {
  std::unordered_map<const Event *, std::shared_ptr<Event>> dropped;
  std::lock_guard<std::mutex> lock(mutex);
  dropped.swap(events);
}

} // namespace cuport::core
