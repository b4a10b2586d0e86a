// What the memory API sources share: running an operation on the device, with a stream handle
// resolved as CUDA does (0 is the legacy default stream, or the per-thread one in the
// _ptds/_ptsz entry points).
#pragma once

#include "runtime/cudart/api.h"

#include "runtime/core/launch.h"

#include <memory>

namespace cuport::cudart {

template <typename Operation> cudaError_t onDevice(Operation operation) {
  core::Device *found = nullptr;
  if (cudaError_t error = device(found); error != cudaSuccess)
    return error;
  return operation(*found);
}

template <typename Operation>
cudaError_t onStream(cudaStream_t handle, bool perThreadDefault, Operation operation) {
  core::Device *found = nullptr;
  if (cudaError_t error = device(found); error != cudaSuccess)
    return error;
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error = core::resolveStream(*found, handle, perThreadDefault, stream);
      error != cudaSuccess)
    return error;
  return operation(*found, stream);
}

} // namespace cuport::cudart
