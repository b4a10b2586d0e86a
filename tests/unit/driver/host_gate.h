// A host function that holds a stream until the test opens the gate, so that tests can observe
// work that has not run yet (CUDA_ERROR_NOT_READY, ordering across streams).
#pragma once

#include <cuda.h>

#include <condition_variable>
#include <mutex>

namespace cuport::driver_test {

class HostGate {
public:
  // Queues the wait on `stream`.
  CUresult block(CUstream stream) { return cuLaunchHostFunc(stream, &HostGate::wait, this); }
  void open() {
    std::lock_guard lock(mutex);
    opened = true;
    changed.notify_all();
  }

private:
  static void wait(void *self) {
    auto *gate = static_cast<HostGate *>(self);
    std::unique_lock lock(gate->mutex);
    gate->changed.wait(lock, [gate] { return gate->opened; });
  }

  std::mutex mutex;
  std::condition_variable changed;
  bool opened = false;
};

} // namespace cuport::driver_test
