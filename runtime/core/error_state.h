// CUDA's error state: each host thread has a last error (what cudaGetLastError returns and
// clears), and the device has a sticky error (a fault inside a kernel) that every later call
// returns until cudaDeviceReset.
#pragma once

#include "backends/backend.h"

#include <driver_types.h>

namespace cuport::core {

// Records a failed call's result as the calling thread's last error; cudaSuccess is ignored.
void recordError(cudaError_t error);
// cudaGetLastError: the sticky error if there is one, else the thread's last error, cleared.
cudaError_t takeLastError();
// cudaPeekAtLastError: the same without clearing.
cudaError_t peekLastError();

// The device's sticky error, cudaSuccess when none.
cudaError_t stickyError();
// The first sticky error wins: later faults are consequences of it.
void setStickyError(cudaError_t error);
// Also clears the calling thread's last error (cudaDeviceReset starts afresh).
void clearStickyError();

// Whether a backend outcome corrupts the device (a fault inside a kernel), as CUDA documents
// for cudaErrorIllegalAddress, cudaErrorAssert, cudaErrorLaunchFailure, ...
bool isStickyStatus(cuport_status status);
cudaError_t errorFromStatus(cuport_status status);

} // namespace cuport::core
