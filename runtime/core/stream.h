// An in-order queue of device work run asynchronously by its own worker thread, as a CUDA stream
// is. For now the runtime has one: the legacy default stream.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <driver_types.h>

namespace cuport::core {

class Stream {
public:
  // An operation returns cudaSuccess or the error to report at the next synchronization.
  using Operation = std::function<cudaError_t()>;

  Stream() = default;
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;
  ~Stream();

  void enqueue(Operation operation);
  // Waits until every operation enqueued so far has run; returns (and clears) the first error an
  // operation reported since the last synchronization.
  cudaError_t synchronize();

private:
  void run();

  std::mutex mutex;
  std::condition_variable workArrived;
  std::condition_variable drained;
  std::deque<Operation> queue;
  bool busy = false;
  bool stopping = false;
  cudaError_t pendingError = cudaSuccess;
  std::thread worker; // started at the first enqueue
};

} // namespace cuport::core
