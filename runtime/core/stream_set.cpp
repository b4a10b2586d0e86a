#include "runtime/core/stream_set.h"

#include "runtime/core/capture.h"
#include "support/log.h"

#include <algorithm>

namespace cuport::core {
namespace {

// Owns a thread's per-thread default stream. Thread exit does not wait for the stream's work (CUDA
// does not either: a thread may end while its stream is held back by another thread); the set
// keeps a busy stream until its work is done, as for cudaStreamDestroy.
struct PerThreadSlot {
  std::shared_ptr<Stream> stream;
  ~PerThreadSlot() {
    // An idle stream is simply dropped: only a busy one needs its set (which, in the units that
    // make their own sets, may be gone by the time the main thread exits).
    if (stream && !stream->idle())
      stream->owner().retire(std::move(stream));
  }
};

thread_local PerThreadSlot perThreadSlot;

} // namespace

StreamSet::StreamSet()
    : legacyStream(std::make_shared<Stream>(*this, Stream::Role::LegacyDefault, cudaStreamDefault,
                                            kLeastStreamPriority, 0)) {}

std::shared_ptr<Stream> StreamSet::perThread() {
  if (!perThreadSlot.stream) {
    std::lock_guard<std::mutex> lock(mutex);
    perThreadSlot.stream = std::make_shared<Stream>(
        *this, Stream::Role::PerThreadDefault, cudaStreamDefault, kLeastStreamPriority, nextId++);
    std::erase_if(perThreadStreams, [](const std::weak_ptr<Stream> &s) { return s.expired(); });
    perThreadStreams.push_back(perThreadSlot.stream);
  }
  return perThreadSlot.stream;
}

std::shared_ptr<Stream> StreamSet::resolve(cudaStream_t handle, bool perThreadDefault) {
  if (handle == nullptr)
    return perThreadDefault ? perThread() : legacyStream;
  if (handle == cudaStreamLegacy)
    return legacyStream;
  if (handle == cudaStreamPerThread)
    return perThread();
  std::lock_guard<std::mutex> lock(mutex);
  auto found = created.find(reinterpret_cast<const Stream *>(handle));
  return found == created.end() ? nullptr : found->second;
}

cudaStream_t StreamSet::handleOf(const Stream &stream) {
  switch (stream.role()) {
  case Stream::Role::LegacyDefault:
    return cudaStreamLegacy;
  case Stream::Role::PerThreadDefault:
    return cudaStreamPerThread;
  case Stream::Role::Created:
    break;
  }
  return reinterpret_cast<cudaStream_t>(const_cast<Stream *>(&stream));
}

cudaStream_t StreamSet::create(unsigned flags, int priority) {
  priority = std::clamp(priority, kGreatestStreamPriority, kLeastStreamPriority);
  pruneRetired();
  std::lock_guard<std::mutex> lock(mutex);
  auto stream = std::make_shared<Stream>(*this, Stream::Role::Created, flags, priority, nextId++);
  cudaStream_t handle = handleOf(*stream);
  created.emplace(stream.get(), std::move(stream));
  return handle;
}

bool StreamSet::destroy(cudaStream_t handle) {
  std::shared_ptr<Stream> stream;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = created.find(reinterpret_cast<const Stream *>(handle));
    if (found == created.end())
      return false;
    stream = std::move(found->second);
    created.erase(found);
  }
  retire(std::move(stream));
  return true;
}

void StreamSet::destroyAll() {
  std::unordered_map<const Stream *, std::shared_ptr<Stream>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex);
    dropped.swap(created);
  }
  for (auto &[key, stream] : dropped)
    retire(std::move(stream));
}

void StreamSet::retire(std::shared_ptr<Stream> stream) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!stream->idle())
      retired.push_back(stream);
  }
  pruneRetired();
  // An idle stream is freed here, with the last reference, outside the lock.
}

cudaError_t StreamSet::admit(Stream &stream) {
  if (std::shared_ptr<Capture> capture = stream.capture())
    return capture->invalidated() ? cudaErrorStreamCaptureInvalidated : cudaSuccess;
  if (stream.role() != Stream::Role::LegacyDefault)
    return cudaSuccess;
  bool implicit = false;
  for (const std::shared_ptr<Stream> &other : liveStreams())
    if (other->synchronizesWithLegacy())
      if (std::shared_ptr<Capture> capture = other->capture()) {
        capture->invalidate();
        implicit = true;
      }
  if (implicit)
    CUPORT_ERROR("the legacy default stream was used while a blocking stream captures");
  return implicit ? cudaErrorStreamCaptureImplicit : cudaSuccess;
}

bool StreamSet::blockingStreamCaptures() {
  for (const std::shared_ptr<Stream> &other : liveStreams())
    if (other->synchronizesWithLegacy() && other->capture())
      return true;
  return false;
}

StreamPosition StreamSet::submit(Stream &stream, Work work, std::vector<StreamPosition> waits) {
  if (std::shared_ptr<Capture> capture = stream.capture()) {
    // Waiting for work outside the capture cannot be expressed in its graph.
    if (!waits.empty())
      capture->invalidate();
    else
      capture->record(stream, std::move(work));
    return StreamPosition{};
  }
  if (stream.role() != Stream::Role::LegacyDefault && !stream.synchronizesWithLegacy()) {
    return stream.enqueue(std::move(work), std::move(waits));
  }
  std::lock_guard<std::mutex> order(submitMutex);
  if (stream.role() == Stream::Role::LegacyDefault) {
    for (const std::shared_ptr<Stream> &other : liveStreams())
      if (other->synchronizesWithLegacy())
        waits.push_back(other->tail());
  } else {
    waits.push_back(legacyStream->tail());
  }
  return stream.enqueue(std::move(work), std::move(waits));
}

std::vector<StreamPosition> StreamSet::synchronizationPoint(Stream &stream) {
  std::vector<StreamPosition> points{stream.tail()};
  if (stream.role() == Stream::Role::LegacyDefault) {
    std::lock_guard<std::mutex> order(submitMutex);
    for (const std::shared_ptr<Stream> &other : liveStreams())
      if (other->synchronizesWithLegacy())
        points.push_back(other->tail());
  }
  return points;
}

cudaError_t StreamSet::synchronize(Stream &stream) {
  for (const StreamPosition &point : synchronizationPoint(stream))
    point.wait();
  return stream.synchronize();
}

bool StreamSet::idle(Stream &stream) {
  for (const StreamPosition &point : synchronizationPoint(stream))
    if (!point.reached())
      return false;
  return true;
}

cudaError_t StreamSet::synchronizeAll() {
  cudaError_t first = cudaSuccess;
  std::vector<std::shared_ptr<Stream>> streams = liveStreams();
  streams.push_back(legacyStream);
  for (const std::shared_ptr<Stream> &stream : streams) {
    cudaError_t error = stream->synchronize();
    if (first == cudaSuccess)
      first = error;
  }
  pruneRetired();
  return first;
}

std::vector<std::shared_ptr<Stream>> StreamSet::liveStreams() {
  std::vector<std::shared_ptr<Stream>> streams;
  std::lock_guard<std::mutex> lock(mutex);
  streams.reserve(created.size() + perThreadStreams.size());
  for (const auto &[key, stream] : created)
    streams.push_back(stream);
  for (const std::weak_ptr<Stream> &weak : perThreadStreams)
    if (std::shared_ptr<Stream> stream = weak.lock())
      streams.push_back(std::move(stream));
  // Work a destroyed stream still has is device work the legacy stream waits for. A retired
  // per-thread stream is listed twice; waiting twice is harmless.
  streams.insert(streams.end(), retired.begin(), retired.end());
  return streams;
}

void StreamSet::pruneRetired() {
  std::vector<std::shared_ptr<Stream>> finished;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto busyEnd = std::partition(retired.begin(), retired.end(),
                                  [](const std::shared_ptr<Stream> &s) { return !s->idle(); });
    finished.assign(std::make_move_iterator(busyEnd), std::make_move_iterator(retired.end()));
    retired.erase(busyEnd, retired.end());
  }
  // `finished` goes out of scope here, outside the lock: destroying a stream joins its worker.
}

} // namespace cuport::core
