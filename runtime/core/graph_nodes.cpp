#include "runtime/core/graph_nodes.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "support/log.h"

#include <cstring>
#include <memory>
#include <vector>

namespace cuport::core {
namespace {

// Whether [pointer, pointer + bytes) may be accessed as the copy's `kind` says: device memory
// must lie in one allocation; with cudaMemcpyDefault, a pointer inside an allocation must too.
bool checkSide(Device &device, const void *pointer, size_t bytes, bool mustBeDevice,
               const char *role) {
  if (!mustBeDevice && !device.allocations().find(pointer))
    return true; // host memory
  if (device.allocations().containsRange(pointer, bytes))
    return true;
  CUPORT_ERROR("graph memcpy node: %s %p (%zu bytes) is not inside device memory", role, pointer,
               bytes);
  return false;
}

bool deviceSide(cudaMemcpyKind kind, bool destination) {
  return destination ? kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice
                     : kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
}

// The bytes a pitched region spans, from its first byte to its last.
size_t span(const cudaPitchedPtr &pointer, const cudaPos &position, const cudaExtent &extent) {
  size_t rows = pointer.ysize ? pointer.ysize : extent.height;
  size_t first = (position.z * rows + position.y) * pointer.pitch + position.x;
  size_t last =
      ((position.z + extent.depth - 1) * rows + position.y + extent.height - 1) * pointer.pitch +
      position.x + extent.width;
  return last - first;
}

size_t offsetOf(const cudaPitchedPtr &pointer, const cudaPos &position, size_t y, size_t z,
                size_t height) {
  size_t rows = pointer.ysize ? pointer.ysize : height;
  return ((position.z + z) * rows + position.y + y) * pointer.pitch + position.x;
}

} // namespace

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
  if (params.srcArray || params.dstArray) {
    CUPORT_ERROR("graph memcpy nodes with CUDA arrays are not supported");
    return cudaErrorNotSupported;
  }
  switch (params.kind) {
  case cudaMemcpyHostToHost:
  case cudaMemcpyHostToDevice:
  case cudaMemcpyDeviceToHost:
  case cudaMemcpyDeviceToDevice:
  case cudaMemcpyDefault:
    break;
  default:
    return cudaErrorInvalidMemcpyDirection;
  }
  const cudaExtent extent = params.extent;
  if (extent.width == 0 || extent.height == 0 || extent.depth == 0)
    return cudaErrorInvalidValue;
  if (!params.srcPtr.ptr || !params.dstPtr.ptr)
    return cudaErrorInvalidValue;
  // Rows must fit in their pitch, and a 3D copy needs the rows per slice (ysize).
  for (const auto &[pointer, position] :
       {std::pair{params.srcPtr, params.srcPos}, std::pair{params.dstPtr, params.dstPos}}) {
    if (position.x + extent.width > pointer.pitch)
      return cudaErrorInvalidPitchValue;
    if (extent.depth > 1 && pointer.ysize < position.y + extent.height)
      return cudaErrorInvalidValue;
  }
  const char *source = static_cast<const char *>(params.srcPtr.ptr) +
                       offsetOf(params.srcPtr, params.srcPos, 0, 0, extent.height);
  char *destination = static_cast<char *>(params.dstPtr.ptr) +
                      offsetOf(params.dstPtr, params.dstPos, 0, 0, extent.height);
  if (!checkSide(device, source, span(params.srcPtr, params.srcPos, extent),
                 deviceSide(params.kind, false), "source") ||
      !checkSide(device, destination, span(params.dstPtr, params.dstPos, extent),
                 deviceSide(params.kind, true), "destination"))
    return cudaErrorInvalidValue;

  work = Work{};
  work.type = cudaGraphNodeTypeMemcpy;
  work.run = [&device, params]() -> cudaError_t {
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    const cudaExtent extent = params.extent;
    for (size_t z = 0; z < extent.depth; ++z)
      for (size_t y = 0; y < extent.height; ++y) {
        const char *from = static_cast<const char *>(params.srcPtr.ptr) +
                           offsetOf(params.srcPtr, params.srcPos, y, z, extent.height);
        char *to = static_cast<char *>(params.dstPtr.ptr) +
                   offsetOf(params.dstPtr, params.dstPos, y, z, extent.height);
        cuport_status status = device.backend().memcpy(device.self(), to, from, extent.width);
        if (status != CUPORT_OK)
          return errorFromStatus(status);
      }
    return cudaSuccess;
  };
  return cudaSuccess;
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
