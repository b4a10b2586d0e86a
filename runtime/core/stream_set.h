// Every stream of the device and the rules between them: handle resolution (0, cudaStreamLegacy,
// cudaStreamPerThread and created streams), the legacy default stream's implicit synchronization
// with blocking streams, per-thread default streams, and cudaStreamDestroy returning at once
// while the stream's work finishes in the background.
#pragma once

#include "runtime/core/stream.h"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

// Priorities a stream may have: lower numbers are higher priorities, as in CUDA. They order the
// device's waiting kernel launches (LaunchGate).
constexpr int kLeastStreamPriority = 0;
constexpr int kGreatestStreamPriority = -5;

class StreamSet {
public:
  StreamSet();
  StreamSet(const StreamSet &) = delete;
  StreamSet &operator=(const StreamSet &) = delete;

  std::shared_ptr<Stream> legacy() { return legacyStream; }
  // The calling thread's per-thread default stream, created on first use and drained and
  // dropped when the thread exits.
  std::shared_ptr<Stream> perThread();

  // The stream `handle` names, or nullptr (cudaErrorInvalidResourceHandle) when it names none.
  // Handle 0 is the legacy default stream, or the per-thread one when `perThreadDefault` (the
  // _ptsz/_ptds entry points nvcc's --default-stream per-thread selects).
  std::shared_ptr<Stream> resolve(cudaStream_t handle, bool perThreadDefault);
  // The handle a stream is known by to the program.
  static cudaStream_t handleOf(const Stream &stream);

  // cudaStreamCreateWithPriority; the priority is clamped into the supported range.
  cudaStream_t create(unsigned flags, int priority);
  // Returns at once; the stream's queued work still runs. False when `handle` is not a created
  // stream (the default streams cannot be destroyed).
  bool destroy(cudaStream_t handle);
  // Drops the set's use of `stream` (a destroyed stream, an exited thread's default stream): it
  // lives on until its queued work has completed.
  void retire(std::shared_ptr<Stream> stream);
  // cudaDeviceReset: every created stream is destroyed (their handles become invalid).
  void destroyAll();

  // Whether work may be submitted to `stream` now, as far as stream capture goes: an
  // invalidated capture fails its streams' work (cudaErrorStreamCaptureInvalidated), and work
  // on the legacy default stream, which would wait implicitly for a capturing blocking stream,
  // fails and invalidates that capture (cudaErrorStreamCaptureImplicit).
  cudaError_t admit(Stream &stream);
  // Whether a stream that synchronizes with the legacy default stream is capturing.
  bool blockingStreamCaptures();
  // Queues work on `stream` after its own earlier work, after `waits`, and after the implicit
  // dependencies of the legacy default stream. Returns the position right after it. While the
  // stream captures, the work becomes a node of the capture's graph instead (the position
  // returned is then an empty one).
  StreamPosition submit(Stream &stream, Work work, std::vector<StreamPosition> waits = {});
  // The position a host-side wait on `stream` must reach: its tail, and for the legacy default
  // stream also the tails of every blocking stream (work on it waits for theirs).
  std::vector<StreamPosition> synchronizationPoint(Stream &stream);
  // cudaStreamSynchronize: waits for synchronizationPoint(stream); the stream's pending error.
  cudaError_t synchronize(Stream &stream);
  // cudaStreamQuery: whether the synchronization point is reached.
  bool idle(Stream &stream);
  // cudaDeviceSynchronize: waits for every stream; the first pending error any reported.
  cudaError_t synchronizeAll();

private:
  std::vector<std::shared_ptr<Stream>> liveStreams();
  void pruneRetired();

  std::shared_ptr<Stream> legacyStream;
  std::mutex submitMutex; // orders submissions that involve the legacy stream's implicit waits
  std::mutex mutex;       // guards the maps below
  std::unordered_map<const Stream *, std::shared_ptr<Stream>> created;
  std::vector<std::weak_ptr<Stream>> perThreadStreams;
  std::vector<std::shared_ptr<Stream>> retired; // destroyed while still busy
  unsigned long long nextId = 1;
};

} // namespace cuport::core
