// The work of explicitly built graph nodes: memcpy (3D, as cudaMemcpy3D), memset (2D, 1/2/4-byte
// elements) and host function nodes, validated as CUDA validates their parameters. Kernel nodes
// use prepareKernel (launch.h).
#pragma once

#include "runtime/core/work.h"

#include <driver_types.h>

namespace cuport::core {

class Device;

// cudaMemcpy3DParms as cudaMemcpy3D validates them (linear memory and CUDA arrays); a copy of
// nothing is cudaErrorInvalidValue.
cudaError_t memcpyNodeWork(Device &device, const cudaMemcpy3DParms &params, Work &work);
// The 3D parameters CUDA reports for a 1D copy (cudaGraphAddMemcpyNode1D).
cudaMemcpy3DParms memcpy1DParams(void *destination, const void *source, size_t bytes,
                                 cudaMemcpyKind kind);
cudaError_t memsetNodeWork(Device &device, const cudaMemsetParams &params, Work &work);
// cudaErrorInvalidValue when the function is null.
cudaError_t hostNodeWork(const cudaHostNodeParams &params, Work &work);

} // namespace cuport::core
