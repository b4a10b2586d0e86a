// CUDA's names and messages for cudaError_t values, shared by the trace and cudaGetErrorName /
// cudaGetErrorString.
#pragma once

#include <driver_types.h>

namespace cuport::core {

// "cudaErrorInvalidValue"; nullptr for a value that is no cudaError_t enumerator.
const char *errorName(cudaError_t error);
// "invalid argument"; nullptr for a value that is no cudaError_t enumerator.
const char *errorMessage(cudaError_t error);

} // namespace cuport::core
