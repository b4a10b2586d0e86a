// What the memory API sources share: running an operation on the device, with a stream handle
// resolved as CUDA does (0 is the legacy default stream, or the per-thread one in the
// _ptds/_ptsz entry points) and admitted under the rules of stream capture (on a capturing stream
// the work becomes a graph node).
#pragma once

#include "runtime/cudart/api.h"

#include "runtime/core/capture.h"
#include "runtime/core/launch.h"

#include <memory>

namespace cuport::cudart {

template <typename Operation> cudaError_t onDevice(Operation operation) {
  core::Device *found = nullptr;
  if (cudaError_t error = device(found); error != cudaSuccess)
    return error;
  return operation(*found);
}

// `synchronous`: a call that waits for its default stream (cudaMemcpy, cudaMemset), which is a
// potentially unsafe call during stream capture.
template <typename Operation>
cudaError_t onStream(cudaStream_t handle, bool perThreadDefault, Operation operation,
                     bool synchronous = false) {
  core::Device *found = nullptr;
  if (cudaError_t error = device(found); error != cudaSuccess)
    return error;
  if (synchronous)
    if (cudaError_t refused = core::checkUnsafeCall(); refused != cudaSuccess)
      return refused;
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error = core::resolveStream(*found, handle, perThreadDefault, stream);
      error != cudaSuccess)
    return error;
  if (synchronous) {
    // A synchronous call cannot wait for work that only a graph will run: on a capturing
    // (per-thread default) stream it fails and invalidates the capture.
    if (std::shared_ptr<core::Capture> capture = stream->capture()) {
      capture->invalidate();
      return cudaErrorStreamCaptureUnsupported;
    }
  } else if (cudaError_t refused = found->streams().admit(*stream); refused != cudaSuccess) {
    // Asynchronous work on a capturing stream becomes a graph node, if the capture admits it.
    return refused;
  }
  return operation(*found, stream);
}

} // namespace cuport::cudart
