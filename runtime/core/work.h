// One unit of device work as a stream queues it and a graph node records it: what kind of node it
// would be in a graph (kernel, memcpy, memset, host, ...) and the function that performs it.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include <driver_types.h>

namespace cuport::core {

struct KernelLaunch; // launch.h

struct Work {
  Work() = default;
  // Work{type, run}: the typed parameters below are for kernel and host work only.
  Work(cudaGraphNodeType nodeType, std::function<cudaError_t()> body)
      : type(nodeType), run(std::move(body)) {}

  // The node type stream capture turns this work into.
  cudaGraphNodeType type = cudaGraphNodeTypeEmpty;
  // Runs on the stream's worker thread; returns cudaSuccess or the error to report at the next
  // synchronization. May run more than once (graph launches replay it), so it owns what it needs.
  // Empty for pure ordering work (an event wait).
  std::function<cudaError_t()> run;
  // Kernel work: the launch itself, so that the node stream capture makes of it reports its
  // parameters (cudaGraphKernelNodeGetParams).
  std::shared_ptr<const KernelLaunch> kernel;
  // Host work from cudaLaunchHostFunc: the function and its argument, for the same reason.
  cudaHostNodeParams host{};
};

} // namespace cuport::core
