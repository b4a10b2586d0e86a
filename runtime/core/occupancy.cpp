#include "runtime/core/occupancy.h"

#include "runtime/core/device.h"
#include "support/log.h"

#include <algorithm>

namespace cuport::core {
namespace {

uint32_t residentBlocks(const cuport_device_info &info) {
  return std::max<uint32_t>(info.max_resident_blocks_per_multiprocessor, 1);
}

uint64_t threadLimit(const cuport_device_info &info, const ResolvedKernel &resolved) {
  return maxThreadsPerBlock(info, resolved);
}

} // namespace

cudaError_t maxActiveBlocksPerMultiprocessor(Device &device, Kernel &kernel, int blockSize,
                                             size_t dynamicSharedBytes, int &blocks) {
  if (blockSize < 1) {
    CUPORT_ERROR("occupancy of kernel %s asked for blocks of %d threads",
                 kernel.deviceName().c_str(), blockSize);
    return cudaErrorInvalidValue;
  }
  ResolvedKernel resolved;
  if (cudaError_t error = kernel.resolve(device, resolved); error != cudaSuccess)
    return error;
  const cuport_device_info &info = device.info();
  uint64_t staticShared = staticSharedBytes(resolved);
  bool fits = static_cast<uint64_t>(blockSize) <= threadLimit(info, resolved) &&
              dynamicSharedBytes <= dynamicSharedLimit(kernel, staticShared) &&
              staticShared + dynamicSharedBytes <= info.max_shared_memory_per_block;
  blocks = fits ? static_cast<int>(residentBlocks(info)) : 0;
  return cudaSuccess;
}

cudaError_t availableDynamicSharedPerBlock(Device &device, Kernel &kernel, int numBlocks,
                                           int blockSize, size_t &bytes) {
  if (numBlocks < 1 || blockSize < 1) {
    CUPORT_ERROR("available dynamic shared memory of kernel %s asked for %d blocks of %d threads",
                 kernel.deviceName().c_str(), numBlocks, blockSize);
    return cudaErrorInvalidValue;
  }
  ResolvedKernel resolved;
  if (cudaError_t error = kernel.resolve(device, resolved); error != cudaSuccess)
    return error;
  const cuport_device_info &info = device.info();
  uint64_t staticShared = staticSharedBytes(resolved);
  bytes = 0;
  if (static_cast<uint64_t>(numBlocks) > residentBlocks(info) ||
      static_cast<uint64_t>(blockSize) > threadLimit(info, resolved))
    return cudaSuccess;
  // Each resident block gets an equal share of the multiprocessor's shared memory, which on this
  // model is the per-block maximum.
  uint64_t share = info.max_shared_memory_per_block / static_cast<uint64_t>(numBlocks);
  if (share > staticShared)
    bytes = static_cast<size_t>(share - staticShared);
  return cudaSuccess;
}

} // namespace cuport::core
