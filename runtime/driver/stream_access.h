// How driver API entry points reach a stream: CUstream is the runtime's cudaStream_t, so 0 and
// CU_STREAM_LEGACY name the legacy default stream and CU_STREAM_PER_THREAD the calling thread's
// (as 0 does in the _ptsz / _ptds entry points).
#pragma once

#include "runtime/driver/api.h"
#include "runtime/driver/context.h"

#include "runtime/core/launch.h"
#include "runtime/core/stream.h"

#include <memory>

namespace cuport::driver {

// Whether handle 0 means the legacy default stream or, in the _ptsz / _ptds entry points
// CUDA_API_PER_THREAD_DEFAULT_STREAM selects, the calling thread's default stream.
constexpr bool kLegacy = false;
constexpr bool kPerThread = true;

// Resolves `handle` on the initialized device and returns `body(device, stream)` (a
// cudaError_t) as a CUresult.
template <typename Body> CUresult withStream(CUstream handle, bool perThreadDefault, Body body) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error = core::resolveStream(*device, handle, perThreadDefault, stream);
      error != cudaSuccess)
    return fromRuntime(error);
  return fromRuntime(body(*device, *stream));
}

} // namespace cuport::driver
