#include "runtime/core/graph_nodes.h"

#include "runtime/core/array.h"
#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "support/log.h"

#include <cstring>
#include <memory>
#include <vector>

namespace cuport::core {

cudaMemcpy3DParms memcpy1DParams(void *destination, const void *source, size_t bytes,
                                 cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  params.srcPtr = cudaPitchedPtr{const_cast<void *>(source), bytes, bytes, 1};
  params.dstPtr = cudaPitchedPtr{destination, bytes, bytes, 1};
  params.extent = cudaExtent{bytes, 1, 1};
  params.kind = kind;
  return params;
}

cudaError_t memcpyNodeWork(Device &device, const cudaMemcpy3DParms &params, Work &work) {
  // cudaMemcpy3D's rules (arrays included), without a stream: the node's launches run the copy.
  const cudaExtent extent = params.extent;
  if (extent.width == 0 || extent.height == 0 || extent.depth == 0)
    return cudaErrorInvalidValue;
  return prepareCopy3D(device, params, work);
}

cudaError_t memsetNodeWork(Device &device, const cudaMemsetParams &params, Work &work) {
  const size_t element = params.elementSize;
  if (element != 1 && element != 2 && element != 4)
    return cudaErrorInvalidValue;
  if (!params.dst || params.width == 0 || params.height == 0)
    return cudaErrorInvalidValue;
  const size_t rowBytes = params.width * element;
  if (params.height > 1 && params.pitch < rowBytes)
    return cudaErrorInvalidValue;
  const size_t pitch = params.height > 1 ? params.pitch : rowBytes;
  const size_t total = (params.height - 1) * pitch + rowBytes;
  if (!device.allocations().containsRange(params.dst, total)) {
    CUPORT_ERROR("graph memset node: %zu bytes at %p are not inside device memory", total,
                 params.dst);
    return cudaErrorInvalidValue;
  }
  // One row of the pattern, built once: the value's low `element` bytes repeated.
  auto row = std::make_shared<std::vector<uint8_t>>(rowBytes);
  for (size_t i = 0; i < params.width; ++i)
    std::memcpy(row->data() + i * element, &params.value, element); // little-endian low bytes
  work = Work{};
  work.type = cudaGraphNodeTypeMemset;
  work.run = [&device, params, row, pitch, rowBytes]() -> cudaError_t {
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    for (size_t y = 0; y < params.height; ++y) {
      char *to = static_cast<char *>(params.dst) + y * pitch;
      cuport_status status =
          params.elementSize == 1
              ? device.backend().memset(device.self(), to, static_cast<int>(params.value & 0xff),
                                        rowBytes)
              : device.backend().memcpy(device.self(), to, row->data(), rowBytes);
      if (status != CUPORT_OK)
        return errorFromStatus(status);
    }
    return cudaSuccess;
  };
  return cudaSuccess;
}

cudaError_t hostNodeWork(const cudaHostNodeParams &params, Work &work) {
  if (!params.fn)
    return cudaErrorInvalidValue;
  work = Work{};
  work.type = cudaGraphNodeTypeHost;
  work.host = params;
  work.run = [fn = params.fn, userData = params.userData]() -> cudaError_t {
    // Host functions do not run once the device has faulted.
    if (stickyError() == cudaSuccess)
      fn(userData);
    return cudaSuccess;
  };
  return cudaSuccess;
}

} // namespace cuport::core
