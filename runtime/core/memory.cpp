#include "runtime/core/memory.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "support/log.h"

namespace cuport::core {
namespace {

bool isValidKind(cudaMemcpyKind kind) {
  switch (kind) {
  case cudaMemcpyHostToHost:
  case cudaMemcpyHostToDevice:
  case cudaMemcpyDeviceToHost:
  case cudaMemcpyDeviceToDevice:
  case cudaMemcpyDefault:
    return true;
  }
  return false;
}

// A pointer the caller says is device memory must lie, with all `bytes` after it, in one range
// the runtime handed out.
bool checkDeviceRange(Device &device, const void *pointer, size_t bytes, const char *role) {
  if (device.allocations().containsRange(pointer, bytes))
    return true;
  if (device.allocations().find(pointer))
    CUPORT_ERROR("memcpy %s %p: %zu bytes run past the end of its allocation", role, pointer,
                 bytes);
  else
    CUPORT_ERROR("memcpy %s %p is not device memory", role, pointer);
  return false;
}

// With cudaMemcpyDefault the direction comes from the pointers; a device pointer's range must
// still hold the copy.
bool checkInferredRange(Device &device, const void *pointer, size_t bytes, const char *role) {
  if (!device.allocations().find(pointer))
    return true; // host memory
  return checkDeviceRange(device, pointer, bytes, role);
}

} // namespace

cudaError_t synchronizeDevice(Device &device) {
  cudaError_t pending = device.streams().synchronizeAll();
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return pending;
}

cudaError_t allocate(Device &device, void **pointer, size_t bytes) {
  if (!pointer)
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  *pointer = nullptr;
  if (bytes == 0)
    return cudaSuccess;
  void *block = nullptr;
  cuport_status status = device.backend().mem_alloc(device.self(), bytes, &block);
  if (status != CUPORT_OK || !block) {
    CUPORT_ERROR("cannot allocate %zu bytes of device memory", bytes);
    return cudaErrorMemoryAllocation;
  }
  device.allocations().add(block, bytes, AllocationKind::Malloc);
  *pointer = block;
  return cudaSuccess;
}

cudaError_t release(Device &device, void *pointer) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!pointer)
    return cudaSuccess;
  // cudaFree waits for the device: a kernel may still be using the memory.
  cudaError_t pending = synchronizeDevice(device);
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!device.allocations().remove(pointer, AllocationKind::Malloc)) {
    CUPORT_ERROR("cudaFree(%p): not a pointer cudaMalloc returned, or freed already", pointer);
    return cudaErrorInvalidValue;
  }
  cuport_status status = device.backend().mem_free(device.self(), pointer);
  if (status != CUPORT_OK)
    return errorFromStatus(status);
  return pending;
}

cudaError_t copy(Device &device, void *destination, const void *source, size_t bytes,
                 cudaMemcpyKind kind) {
  if (!isValidKind(kind))
    return cudaErrorInvalidMemcpyDirection;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (bytes == 0)
    return cudaSuccess;
  if (!destination || !source)
    return cudaErrorInvalidValue;
  bool valid = true;
  switch (kind) {
  case cudaMemcpyHostToHost:
    break;
  case cudaMemcpyHostToDevice:
    valid = checkDeviceRange(device, destination, bytes, "destination");
    break;
  case cudaMemcpyDeviceToHost:
    valid = checkDeviceRange(device, source, bytes, "source");
    break;
  case cudaMemcpyDeviceToDevice:
    valid = checkDeviceRange(device, destination, bytes, "destination") &&
            checkDeviceRange(device, source, bytes, "source");
    break;
  case cudaMemcpyDefault:
    valid = checkInferredRange(device, destination, bytes, "destination") &&
            checkInferredRange(device, source, bytes, "source");
    break;
  }
  if (!valid)
    return cudaErrorInvalidValue;

  // A copy to or from pageable host memory waits for the work queued before it.
  cudaError_t pending = synchronizeDevice(device);
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  cuport_status status = device.backend().memcpy(device.self(), destination, source, bytes);
  if (status != CUPORT_OK)
    return errorFromStatus(status);
  return pending;
}

cudaError_t fill(Device &device, void *destination, int value, size_t bytes) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (bytes == 0)
    return cudaSuccess;
  if (!destination || !device.allocations().containsRange(destination, bytes)) {
    CUPORT_ERROR("memset of %zu bytes at %p: not inside device memory", bytes, destination);
    return cudaErrorInvalidValue;
  }
  Work work;
  work.type = cudaGraphNodeTypeMemset;
  work.run = [&device, destination, value, bytes]() -> cudaError_t {
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    return errorFromStatus(device.backend().memset(device.self(), destination, value, bytes));
  };
  device.streams().submit(*device.streams().legacy(), std::move(work));
  return cudaSuccess;
}

} // namespace cuport::core
