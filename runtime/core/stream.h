// A CUDA stream: an in-order queue of device work that its own worker thread runs. Each piece of
// work gets a sequence number; a StreamPosition (stream, sequence) is what events record and what
// other streams wait for, so cross-stream ordering is "wait until that stream has completed
// sequence N". The legacy default stream's implicit synchronization with blocking streams is
// computed by the StreamSet when work is submitted.
#pragma once

#include "runtime/core/work.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class Capture;
class Stream;
class StreamSet;

// The point in a stream's queue after its `sequence`-th piece of work; sequence 0 is the start.
struct StreamPosition {
  std::shared_ptr<Stream> stream;
  uint64_t sequence = 0;

  bool reached() const;
  void wait() const;
};

class Stream : public std::enable_shared_from_this<Stream> {
public:
  enum class Role { LegacyDefault, PerThreadDefault, Created };

  Stream(StreamSet &owner, Role role, unsigned flags, int priority, unsigned long long id);
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;
  // Runs the work still queued, then stops the worker.
  ~Stream();

  Role role() const { return streamRole; }
  unsigned flags() const { return streamFlags; }
  int priority() const { return streamPriority; }
  unsigned long long id() const { return streamId; }
  // Blocking streams synchronize implicitly with the legacy default stream; streams created with
  // cudaStreamNonBlocking do not.
  bool synchronizesWithLegacy() const {
    return streamRole != Role::LegacyDefault && !(streamFlags & cudaStreamNonBlocking);
  }
  StreamSet &owner() const { return set; }

  // Queues `work` to run after everything queued on this stream before it and after every
  // position in `waits` (positions on this stream itself are ignored). Use StreamSet::submit,
  // which adds the legacy default stream's implicit waits. Returns the position right after it.
  StreamPosition enqueue(Work work, std::vector<StreamPosition> waits);
  // The position after all work queued so far.
  StreamPosition tail();
  // Waits for the work queued before the call and returns (and clears) the first error a piece
  // of work reported since the last synchronization.
  cudaError_t synchronize();
  // Whether all queued work has completed (cudaStreamQuery).
  bool idle();

  // The stream capture this stream takes part in, or null. While there is one, StreamSet::submit
  // records work into it as graph nodes instead of queueing it.
  std::shared_ptr<Capture> capture();
  void setCapture(std::shared_ptr<Capture> joined);

private:
  friend struct StreamPosition;
  struct Item {
    Work work;
    std::vector<StreamPosition> waits;
  };

  void run();
  bool completed(uint64_t sequence);
  void waitCompleted(uint64_t sequence);

  StreamSet &set;
  const Role streamRole;
  const unsigned streamFlags;
  const int streamPriority;
  const unsigned long long streamId;

  std::mutex mutex;
  std::condition_variable workArrived;
  std::condition_variable progressed; // completedSequence advanced
  std::deque<Item> queue;
  uint64_t enqueuedSequence = 0;
  uint64_t completedSequence = 0;
  bool stopping = false;
  cudaError_t pendingError = cudaSuccess;
  std::shared_ptr<Capture> activeCapture;
  std::thread worker; // started at the first enqueue
};

} // namespace cuport::core
