// Runs grids on a persistent pool of worker threads, one per hardware thread, created at the first
// launch. Blocks are handed out in ascending order through an atomic counter; each worker runs a
// block as a loop over its warps (and, in this first version, a warp as a loop over its lanes),
// with its own shared-memory arena and thread contexts reused across blocks. A fault, trap or
// failed assertion in kernel code unwinds to the worker's block loop and ends the grid with a
// status; the host process survives.
#pragma once

#include "backends/backend.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cuport::cpu {

// A compiled kernel as the executor runs it.
struct KernelEntry {
  std::string name;
  void *entry = nullptr; // PlainKernelFn or CoroutineKernelFn (context.h)
  bool is_coroutine = false;
  uint64_t static_shared_bytes = 0;
  uint64_t dynamic_shared_offset = 0; // where extern shared arrays start in the window
  bool explicit_cluster = false;      // declares .explicitcluster or .reqnctapercluster
};

struct LaunchGeometry {
  uint32_t grid[3];
  uint32_t block[3];
  uint32_t dynamic_shared_bytes;
  const void *params;
  uint64_t params_size;
  bool cooperative;      // every block gets its own worker, and the grid a barrier workspace
  bool explicit_cluster; // %is_explicit_cluster: the launch or the kernel named cluster dimensions
};

class Worker;
struct Grid;

class Executor {
public:
  Executor();
  ~Executor();
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;

  // Runs the grid to completion on the pool; the calling thread waits. Launches are serialized.
  // A cooperative grid may have at most hardwareThreads() blocks: one resident block per worker,
  // so that blocks spinning in a grid-wide barrier never wait for a block that has no worker.
  cuport_status run(const KernelEntry &kernel, const LaunchGeometry &geometry, std::string &error);

  static unsigned hardwareThreads();

private:
  void startWorkers();
  void workerLoop(Worker &worker);
  // Sends kCancelSignal to every worker still running kernel code.
  void cancelRunningBlocks();

  std::mutex launch_mutex_; // one grid at a time
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Grid *grid_ = nullptr;
  uint64_t generation_ = 0;
  unsigned remaining_ = 0;
  bool stopping_ = false;
  uint64_t next_grid_id_ = 1;
};

} // namespace cuport::cpu
