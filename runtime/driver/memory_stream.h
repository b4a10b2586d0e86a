// How the driver API's copies and fills reach a stream: the stream a CUstream names (0 is the
// legacy default stream, or the calling thread's in the _ptds / _ptsz entry points), admitted
// under the rules of stream capture as the runtime API's are.
#pragma once

#include "runtime/driver/context.h"
#include "runtime/driver/stream_access.h"

#include "runtime/core/capture.h"
#include "runtime/core/launch.h"

#include <memory>

namespace cuport::driver {

// `synchronous`: a call that waits for its stream (cuMemcpyHtoD, ...), which cannot be captured.
template <typename Operation>
CUresult onStream(CUstream handle, bool perThreadDefault, bool synchronous, Operation operation) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (synchronous)
    if (cudaError_t refused = core::checkUnsafeCall(); refused != cudaSuccess)
      return fromRuntime(refused);
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error = core::resolveStream(*device, handle, perThreadDefault, stream);
      error != cudaSuccess)
    return fromRuntime(error);
  if (synchronous) {
    if (std::shared_ptr<core::Capture> capture = stream->capture()) {
      capture->invalidate();
      return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
  } else if (cudaError_t refused = device->streams().admit(*stream); refused != cudaSuccess) {
    return fromRuntime(refused);
  }
  return fromRuntime(operation(*device, stream));
}

inline void *pointerOf(CUdeviceptr address) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(address));
}

} // namespace cuport::driver
