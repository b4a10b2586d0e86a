#include "backends/cpu/executor.h"

#include "backends/cpu/fault_guard.h"
#include "backends/cpu/worker.h"

#include <chrono>
#include <string>
#include <thread>

#include <pthread.h>

namespace cuport::cpu {
namespace {

// 64-bit words of the cooperative grid workspace: cooperative_groups uses the first (a counter
// at offset 4); the rest is room for its future layouts.
constexpr size_t kGridWorkspaceWords = 8;

// How often the executor checks a running cooperative grid for a failed block.
constexpr std::chrono::milliseconds kCancelPollInterval{10};

} // namespace

void Executor::cancelRunningBlocks() {
  for (std::unique_ptr<Worker> &worker : workers_) {
    if (!worker->in_kernel)
      continue;
    worker->cancel_requested = 1;
    pthread_kill(worker->thread.native_handle(), kCancelSignal);
  }
}

Executor::Executor() = default;

Executor::~Executor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::unique_ptr<Worker> &worker : workers_)
    if (worker->thread.joinable())
      worker->thread.join();
}

unsigned Executor::hardwareThreads() {
  unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : count;
}

void Executor::startWorkers() {
  installFaultHandlers();
  unsigned count = hardwareThreads();
  for (unsigned i = 0; i < count; ++i) {
    workers_.push_back(std::make_unique<Worker>(i));
    Worker *worker = workers_.back().get();
    worker->thread = std::thread([this, worker] { workerLoop(*worker); });
  }
}

void Executor::workerLoop(Worker &worker) {
  worker.attachToThread();
  uint64_t seen = 0;
  for (;;) {
    Grid *grid = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_)
        break;
      seen = generation_;
      grid = grid_;
    }
    worker.runGrid(*grid);
    {
      std::lock_guard lock(mutex_);
      if (--remaining_ == 0)
        work_done_.notify_all();
    }
  }
  worker.detachFromThread();
}

cuport_status Executor::run(const KernelEntry &kernel, const LaunchGeometry &geometry,
                            std::string &error) {
  uint64_t total_blocks = uint64_t{geometry.grid[0]} * geometry.grid[1] * geometry.grid[2];
  if (geometry.cooperative && total_blocks > hardwareThreads()) {
    error = "cooperative grid of " + std::to_string(total_blocks) + " blocks; at most " +
            std::to_string(hardwareThreads()) + " (one per multiprocessor) can be resident";
    return CUPORT_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE;
  }
  // cooperative_groups' grid barrier: an arrival counter at offset 4 of a zeroed workspace.
  std::unique_ptr<uint64_t[]> workspace;
  if (geometry.cooperative)
    workspace = std::make_unique<uint64_t[]>(kGridWorkspaceWords);

  std::lock_guard launch(launch_mutex_);
  if (workers_.empty())
    startWorkers();

  Grid grid;
  grid.workspace = reinterpret_cast<uint64_t>(workspace.get());
  grid.kernel = &kernel;
  grid.geometry = geometry;
  grid.total_blocks = total_blocks;
  grid.grid_id = next_grid_id_++;
  grid.num_workers = static_cast<uint32_t>(workers_.size());
  {
    std::unique_lock lock(mutex_);
    grid_ = &grid;
    remaining_ = static_cast<unsigned>(workers_.size());
    ++generation_;
    work_ready_.notify_all();
    if (!geometry.cooperative) {
      work_done_.wait(lock, [&] { return remaining_ == 0; });
    } else {
      // Once a block of a cooperative grid fails, the others may wait in a grid barrier for it
      // forever: stop them, as a GPU ends the whole grid.
      while (!work_done_.wait_for(lock, kCancelPollInterval, [&] { return remaining_ == 0; }))
        if (grid.failed.load(std::memory_order_relaxed))
          cancelRunningBlocks();
    }
    grid_ = nullptr;
  }
  if (grid.status != CUPORT_OK)
    error = grid.message;
  return grid.status;
}

} // namespace cuport::cpu
