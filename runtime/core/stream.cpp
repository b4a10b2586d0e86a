#include "runtime/core/stream.h"

namespace cuport::core {

bool StreamPosition::reached() const {
  return !stream || stream->completed(sequence);
}

void StreamPosition::wait() const {
  if (stream)
    stream->waitCompleted(sequence);
}

Stream::Stream(StreamSet &owner, Role role, unsigned flags, int priority, unsigned long long id)
    : set(owner), streamRole(role), streamFlags(flags), streamPriority(priority), streamId(id) {}

Stream::~Stream() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  workArrived.notify_all();
  if (!worker.joinable())
    return;
  // The last reference can only go on this stream's own worker if a piece of work owned it;
  // joining there would deadlock, so the worker is left to finish on its own.
  if (worker.get_id() == std::this_thread::get_id())
    worker.detach();
  else
    worker.join();
}

StreamPosition Stream::enqueue(Work work, std::vector<StreamPosition> waits) {
  std::erase_if(waits, [this](const StreamPosition &position) {
    return position.stream.get() == this || position.reached();
  });
  StreamPosition position{shared_from_this(), 0};
  {
    std::lock_guard<std::mutex> lock(mutex);
    queue.push_back(Item{std::move(work), std::move(waits)});
    position.sequence = ++enqueuedSequence;
    if (!worker.joinable())
      worker = std::thread([this] { run(); });
  }
  workArrived.notify_one();
  return position;
}

StreamPosition Stream::tail() {
  std::lock_guard<std::mutex> lock(mutex);
  return StreamPosition{shared_from_this(), enqueuedSequence};
}

cudaError_t Stream::synchronize() {
  std::unique_lock<std::mutex> lock(mutex);
  uint64_t target = enqueuedSequence;
  progressed.wait(lock, [&] { return completedSequence >= target; });
  cudaError_t error = pendingError;
  pendingError = cudaSuccess;
  return error;
}

bool Stream::idle() {
  std::lock_guard<std::mutex> lock(mutex);
  return completedSequence == enqueuedSequence;
}

std::shared_ptr<Capture> Stream::capture() {
  std::lock_guard<std::mutex> lock(mutex);
  return activeCapture;
}

void Stream::setCapture(std::shared_ptr<Capture> joined) {
  std::lock_guard<std::mutex> lock(mutex);
  activeCapture = std::move(joined);
}

bool Stream::completed(uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mutex);
  return completedSequence >= sequence;
}

void Stream::waitCompleted(uint64_t sequence) {
  std::unique_lock<std::mutex> lock(mutex);
  progressed.wait(lock, [&] { return completedSequence >= sequence; });
}

void Stream::run() {
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    workArrived.wait(lock, [this] { return stopping || !queue.empty(); });
    if (queue.empty()) // stopping, and nothing left to do
      return;
    Item item = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    // Work is queued only after the work it waits for, so these waits cannot form a cycle.
    for (const StreamPosition &position : item.waits)
      position.wait();
    cudaError_t error = item.work.run ? item.work.run() : cudaSuccess;
    item = Item{}; // release what the work held before reporting it done
    lock.lock();
    ++completedSequence;
    if (error != cudaSuccess && pendingError == cudaSuccess)
      pendingError = error;
    progressed.notify_all();
  }
}

} // namespace cuport::core
