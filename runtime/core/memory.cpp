#include "runtime/core/memory.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/host_memory.h"
#include "runtime/core/memory_pool.h"
#include "support/log.h"

#include <algorithm>
#include <cstdio>
#include <vector>

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

// The bytes from a view's base to the end of its last row; false when that overflows.
bool regionSpan(const PitchedView &view, const CopyRegion &region, size_t &span) {
  size_t lastSlice = region.depth - 1, lastRow = region.height - 1;
  if (lastSlice && view.slicePitch > (SIZE_MAX - region.width) / lastSlice)
    return false;
  size_t sliceBytes = lastSlice * view.slicePitch;
  if (lastRow && view.pitch > (SIZE_MAX - region.width - sliceBytes) / lastRow)
    return false;
  span = sliceBytes + lastRow * view.pitch + region.width;
  return true;
}

// Pinned host memory is mapped into the device's address space (unified addressing): kernels,
// copies and fills may use it as device memory.
bool mappedHostRange(Device &device, const void *pointer, size_t bytes) {
  return device.info().unified_addressing && hostMemory().containsRange(pointer, bytes);
}

// A pointer the caller says is device memory must lie, with the whole span after it, in one range
// the runtime handed out.
bool checkDeviceRange(Device &device, const void *pointer, size_t bytes, const char *role) {
  if (device.allocations().containsRange(pointer, bytes) || mappedHostRange(device, pointer, bytes))
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

bool checkCopyRanges(Device &device, const void *destination, size_t destinationSpan,
                     const void *source, size_t sourceSpan, cudaMemcpyKind kind) {
  switch (kind) {
  case cudaMemcpyHostToHost:
    return true;
  case cudaMemcpyHostToDevice:
    return checkDeviceRange(device, destination, destinationSpan, "destination");
  case cudaMemcpyDeviceToHost:
    return checkDeviceRange(device, source, sourceSpan, "source");
  case cudaMemcpyDeviceToDevice:
    return checkDeviceRange(device, destination, destinationSpan, "destination") &&
           checkDeviceRange(device, source, sourceSpan, "source");
  case cudaMemcpyDefault:
    return checkInferredRange(device, destination, destinationSpan, "destination") &&
           checkInferredRange(device, source, sourceSpan, "source");
  }
  return false;
}

// Calls `row` for every row of the region, with its offsets in the two views.
template <typename Row>
cudaError_t forEachRow(const PitchedView &first, const PitchedView &second,
                       const CopyRegion &region, Row row) {
  for (size_t z = 0; z < region.depth; ++z)
    for (size_t y = 0; y < region.height; ++y) {
      size_t firstOffset = z * first.slicePitch + y * first.pitch;
      size_t secondOffset = z * second.slicePitch + y * second.pitch;
      if (cudaError_t error = row(firstOffset, secondOffset); error != cudaSuccess)
        return error;
    }
  return cudaSuccess;
}

} // namespace

MemoryKind classify(Device &device, const void *pointer) {
  if (std::optional<Allocation> found = device.allocations().find(pointer))
    return found->kind == AllocationKind::Managed || found->kind == AllocationKind::ManagedGlobal
               ? MemoryKind::Managed
               : MemoryKind::Device;
  if (hostMemory().find(pointer))
    return MemoryKind::PinnedHost;
  return MemoryKind::Pageable;
}

cudaError_t synchronizeDevice(Device &device) {
  cudaError_t pending = device.streams().synchronizeAll();
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return pending;
}

static cudaError_t allocateKind(Device &device, void **pointer, size_t bytes, AllocationKind kind) {
  void *block = nullptr;
  cuport_status status = device.backend().mem_alloc(device.self(), bytes, &block);
  if (status != CUPORT_OK || !block) {
    CUPORT_ERROR("cannot allocate %zu bytes of device memory", bytes);
    return cudaErrorMemoryAllocation;
  }
  device.allocations().add(block, bytes, kind);
  *pointer = block;
  return cudaSuccess;
}

cudaError_t allocate(Device &device, void **pointer, size_t bytes) {
  if (!pointer)
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  *pointer = nullptr;
  if (bytes == 0)
    return cudaSuccess;
  return allocateKind(device, pointer, bytes, AllocationKind::Malloc);
}

cudaError_t allocateManaged(Device &device, void **pointer, size_t bytes, unsigned flags) {
  if (!pointer || bytes == 0 || (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost))
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  *pointer = nullptr;
  // Device memory is host memory here: the block is already reachable by host and kernels
  // alike, so attaching it to the host changes nothing about who may touch it.
  return allocateKind(device, pointer, bytes, AllocationKind::Managed);
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
  if (std::optional<Allocation> found = device.allocations().find(pointer);
      found && found->kind == AllocationKind::Pool &&
      found->base == reinterpret_cast<uintptr_t>(pointer))
    // A stream-ordered block freed synchronously: the device is idle, so it is free at once.
    return memoryPools(device).free(pointer, device.streams().legacy());
  if (!device.allocations().remove(pointer, AllocationKind::Malloc) &&
      !device.allocations().remove(pointer, AllocationKind::Managed)) {
    CUPORT_ERROR("cudaFree(%p): not a pointer cudaMalloc returned, or freed already", pointer);
    return cudaErrorInvalidValue;
  }
  cuport_status status = device.backend().mem_free(device.self(), pointer);
  if (status != CUPORT_OK)
    return errorFromStatus(status);
  return pending;
}

cudaError_t copyRegion(Device &device, PitchedView destination, PitchedView source,
                       CopyRegion region, cudaMemcpyKind kind,
                       const std::shared_ptr<Stream> &stream, CopyCall call) {
  if (!isValidKind(kind))
    return cudaErrorInvalidMemcpyDirection;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (region.height > 1 && (region.width > destination.pitch || region.width > source.pitch))
    return cudaErrorInvalidPitchValue;
  if (region.width == 0 || region.height == 0 || region.depth == 0)
    return cudaSuccess;
  if (!destination.base || !source.base)
    return cudaErrorInvalidValue;
  size_t destinationSpan = 0, sourceSpan = 0;
  if (!regionSpan(destination, region, destinationSpan) || !regionSpan(source, region, sourceSpan))
    return cudaErrorInvalidValue;
  if (!checkCopyRanges(device, destination.base, destinationSpan, source.base, sourceSpan, kind))
    return cudaErrorInvalidValue;

  MemoryKind destinationKind = classify(device, destination.base);
  MemoryKind sourceKind = classify(device, source.base);
  Work work;
  work.type = cudaGraphNodeTypeMemcpy;
  work.run = [&device, destination, source, region]() -> cudaError_t {
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    return forEachRow(destination, source, region, [&](size_t to, size_t from) {
      return errorFromStatus(
          device.backend().memcpy(device.self(), static_cast<char *>(destination.base) + to,
                                  static_cast<const char *>(source.base) + from, region.width));
    });
  };
  StreamPosition done = device.streams().submit(*stream, std::move(work));

  bool touchesHost = destinationKind == MemoryKind::Pageable ||
                     destinationKind == MemoryKind::PinnedHost ||
                     sourceKind == MemoryKind::Pageable || sourceKind == MemoryKind::PinnedHost;
  if (call == CopyCall::Synchronous) {
    // cudaMemcpy between device buffers returns at once; with host memory it returns when the
    // copy, and what the stream's order puts before it, has finished.
    if (!touchesHost) {
      device.flushPrintf();
      return cudaSuccess;
    }
    cudaError_t pending = device.streams().synchronize(*stream);
    device.flushPrintf();
    if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
      return stuck;
    return pending;
  }
  // An asynchronous copy may return at once only when the host side is page-locked: CUDA stages
  // pageable memory, so the caller may reuse the buffer on return. Waiting for the copy itself
  // gives the same guarantee.
  bool pageable = destinationKind == MemoryKind::Pageable || sourceKind == MemoryKind::Pageable;
  if (pageable)
    done.wait();
  return cudaSuccess;
}

cudaError_t copy(Device &device, void *destination, const void *source, size_t bytes,
                 cudaMemcpyKind kind, const std::shared_ptr<Stream> &stream, CopyCall call) {
  return copyRegion(device, PitchedView{destination, bytes, bytes},
                    PitchedView{const_cast<void *>(source), bytes, bytes}, CopyRegion{bytes, 1, 1},
                    kind, stream, call);
}

cudaError_t fillRegion(Device &device, PitchedView destination, int value, CopyRegion region,
                       const std::shared_ptr<Stream> &stream, unsigned elementBytes) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (region.height > 1 && region.width > destination.pitch)
    return cudaErrorInvalidPitchValue;
  if (region.width == 0 || region.height == 0 || region.depth == 0)
    return cudaSuccess;
  size_t span = 0;
  if (!destination.base || !regionSpan(destination, region, span) ||
      !(device.allocations().containsRange(destination.base, span) ||
        mappedHostRange(device, destination.base, span))) {
    CUPORT_ERROR("memset of %zu bytes at %p: not inside device memory", span, destination.base);
    return cudaErrorInvalidValue;
  }
  Work work;
  work.type = cudaGraphNodeTypeMemset;
  if (elementBytes > 1) {
    // A row of the pattern, copied to every row.
    auto pattern = std::make_shared<std::vector<uint8_t>>(region.width);
    auto bits = static_cast<uint32_t>(value);
    for (size_t i = 0; i < region.width; ++i)
      (*pattern)[i] = static_cast<uint8_t>(bits >> (8 * (i % elementBytes)));
    work.run = [&device, destination, pattern, region]() -> cudaError_t {
      if (stickyError() != cudaSuccess)
        return cudaSuccess;
      return forEachRow(destination, destination, region, [&](size_t offset, size_t) {
        return errorFromStatus(
            device.backend().memcpy(device.self(), static_cast<char *>(destination.base) + offset,
                                    pattern->data(), region.width));
      });
    };
    device.streams().submit(*stream, std::move(work));
    return cudaSuccess;
  }
  work.run = [&device, destination, value, region]() -> cudaError_t {
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    return forEachRow(destination, destination, region, [&](size_t offset, size_t) {
      return errorFromStatus(device.backend().memset(
          device.self(), static_cast<char *>(destination.base) + offset, value, region.width));
    });
  };
  device.streams().submit(*stream, std::move(work));
  return cudaSuccess;
}

namespace {

// Bytes of host memory the kernel says are available, or 0 when it cannot tell.
size_t availableHostMemory() {
  FILE *meminfo = std::fopen("/proc/meminfo", "r");
  if (!meminfo)
    return 0;
  char line[256];
  unsigned long long kilobytes = 0;
  while (std::fgets(line, sizeof line, meminfo))
    if (std::sscanf(line, "MemAvailable: %llu kB", &kilobytes) == 1)
      break;
  std::fclose(meminfo);
  return static_cast<size_t>(kilobytes) * 1024;
}

} // namespace

size_t availableMemory(const Device &device) {
  return std::min<size_t>(availableHostMemory(), device.info().total_global_memory);
}

} // namespace cuport::core
