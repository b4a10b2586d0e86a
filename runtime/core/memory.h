// Device memory operations with CUDA's validation and ordering: cudaMalloc, cudaFree (which
// waits for the device), cudaMemcpy (which waits for the default stream, as pageable copies do)
// and cudaMemset (ordered on the default stream).
#pragma once

#include <cstddef>

#include <driver_types.h>

namespace cuport::core {

class Device;

cudaError_t allocate(Device &device, void **pointer, size_t bytes);
cudaError_t release(Device &device, void *pointer);
cudaError_t copy(Device &device, void *destination, const void *source, size_t bytes,
                 cudaMemcpyKind kind);
cudaError_t fill(Device &device, void *destination, int value, size_t bytes);

// Waits for all work on the device; the sticky error, else the first error the work reported.
cudaError_t synchronizeDevice(Device &device);

} // namespace cuport::core
