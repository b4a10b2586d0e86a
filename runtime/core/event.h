// CUDA events: a marker recorded into a stream, complete when the stream's work before it has
// completed, with the host time of completion for cudaEventElapsedTime. Each record makes a new
// stamp, so a stream waiting on an earlier record is not affected by re-recording.
#pragma once

#include "runtime/core/stream.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <driver_types.h>

namespace cuport::core {

class StreamSet;

class Event {
public:
  explicit Event(unsigned flags) : eventFlags(flags) {}

  unsigned flags() const { return eventFlags; }
  bool timingDisabled() const { return eventFlags & cudaEventDisableTiming; }

  // cudaEventRecord: queues the marker on `stream` (with the legacy stream's implicit waits).
  void record(StreamSet &streams, Stream &stream);
  // The work a record performs, for streams and graphs alike: stamps a fresh completion.
  Work recordWork();
  // A record made as part of other work (a graph launch's event record node): `at` is where
  // that work completes. The stamp comes from recordWork.
  void setRecordedPosition(StreamPosition at);
  // The position that the latest record completes at; none if never recorded.
  std::optional<StreamPosition> recordedPosition();

  // cudaEventQuery: cudaSuccess when the latest record completed (or there is none), else
  // cudaErrorNotReady.
  cudaError_t query();
  // cudaEventSynchronize.
  void synchronize();
  // cudaEventElapsedTime, in milliseconds, with CUDA's error codes.
  static cudaError_t elapsed(Event &start, Event &end, float &milliseconds);

private:
  struct Stamp {
    std::mutex mutex;
    bool done = false;
    std::chrono::steady_clock::time_point time;
  };
  std::shared_ptr<Stamp> latestStamp();

  const unsigned eventFlags;
  std::mutex recordMutex; // one record at a time
  std::mutex mutex;
  std::shared_ptr<Stamp> stamp;           // of the latest record
  std::optional<StreamPosition> position; // where the latest record sits
};

// The live events, so that handles can be checked (cudaErrorInvalidResourceHandle).
class EventTable {
public:
  cudaEvent_t create(unsigned flags);
  bool destroy(cudaEvent_t handle);
  std::shared_ptr<Event> find(cudaEvent_t handle);
  void clear();

private:
  std::mutex mutex;
  std::unordered_map<const Event *, std::shared_ptr<Event>> events;
};

} // namespace cuport::core
