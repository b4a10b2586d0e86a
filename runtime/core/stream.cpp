#include "runtime/core/stream.h"

namespace cuport::core {

Stream::~Stream() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  workArrived.notify_all();
  if (worker.joinable())
    worker.join();
}

void Stream::enqueue(Operation operation) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    queue.push_back(std::move(operation));
    if (!worker.joinable())
      worker = std::thread([this] { run(); });
  }
  workArrived.notify_one();
}

cudaError_t Stream::synchronize() {
  std::unique_lock<std::mutex> lock(mutex);
  drained.wait(lock, [this] { return queue.empty() && !busy; });
  cudaError_t error = pendingError;
  pendingError = cudaSuccess;
  return error;
}

void Stream::run() {
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    workArrived.wait(lock, [this] { return stopping || !queue.empty(); });
    if (queue.empty()) // stopping, and nothing left to do
      return;
    Operation operation = std::move(queue.front());
    queue.pop_front();
    busy = true;
    lock.unlock();
    cudaError_t error = operation();
    lock.lock();
    busy = false;
    if (error != cudaSuccess && pendingError == cudaSuccess)
      pendingError = error;
    if (queue.empty())
      drained.notify_all();
  }
}

} // namespace cuport::core
