// The per-thread stack behind kernel<<<grid, block, shared, stream>>>(...): nvcc's host code
// pushes the configuration, then the kernel's host stub pops it and launches.
#pragma once

#include <cstddef>

#include <driver_types.h>
#include <vector_types.h>

namespace cuport::core {

struct CallConfiguration {
  dim3 grid;
  dim3 block;
  size_t sharedBytes = 0;
  cudaStream_t stream = nullptr;
};

void pushCallConfiguration(const CallConfiguration &configuration);
// False when the thread has nothing pushed.
bool popCallConfiguration(CallConfiguration &configuration);

} // namespace cuport::core
