#include "runtime/core/device_properties.h"

#include "runtime/core/texture_attributes.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace cuport::core {
namespace {

int clampToInt(uint64_t value) {
  return static_cast<int>(std::min<uint64_t>(value, INT_MAX));
}

// The execution model the device presents (and the PTX it runs assumes): a multiprocessor is a
// backend worker running max_resident_blocks_per_multiprocessor blocks at a time (one on the CPU
// backend), with the register file PTX code may assume.
constexpr int registersPerBlock = 65536;

} // namespace

void fillDeviceProperties(const cuport_device_info &info, cudaDeviceProp &prop) {
  std::memset(&prop, 0, sizeof prop);
  // The backend's name may lack its NUL: copy at most what fits, always terminated.
  std::memcpy(prop.name, info.name, strnlen(info.name, sizeof prop.name - 1));
  prop.totalGlobalMem = info.total_global_memory;
  // Without cudaFuncAttributeMaxDynamicSharedMemorySize a block gets 48 KiB, as on every GPU;
  // sharedMemPerBlockOptin is the most a kernel may opt in to.
  prop.sharedMemPerBlock = std::min<uint64_t>(info.max_shared_memory_per_block, 48 * 1024);
  prop.regsPerBlock = registersPerBlock;
  prop.warpSize = static_cast<int>(info.warp_size);
  prop.memPitch = INT_MAX;
  prop.maxThreadsPerBlock = static_cast<int>(info.max_threads_per_block);
  for (int axis = 0; axis < 3; ++axis) {
    prop.maxThreadsDim[axis] = clampToInt(info.max_block_dim[axis]);
    prop.maxGridSize[axis] = clampToInt(info.max_grid_dim[axis]);
  }
  prop.totalConstMem = info.total_constant_memory;
  prop.major = static_cast<int>(info.compute_capability_major);
  prop.minor = static_cast<int>(info.compute_capability_minor);
  prop.multiProcessorCount = static_cast<int>(info.multiprocessor_count);
  // Device memory is host memory on a unified-addressing device: it is "integrated".
  prop.integrated = info.unified_addressing ? 1 : 0;
  prop.unifiedAddressing = info.unified_addressing ? 1 : 0;
  prop.pageableMemoryAccess = info.unified_addressing ? 1 : 0;
  prop.pageableMemoryAccessUsesHostPageTables = info.unified_addressing ? 1 : 0;
  prop.hostNativeAtomicSupported = info.unified_addressing ? 1 : 0;
  prop.maxThreadsPerMultiProcessor =
      static_cast<int>(info.max_threads_per_block *
                       std::max<uint32_t>(info.max_resident_blocks_per_multiprocessor, 1));
  prop.maxBlocksPerMultiProcessor =
      static_cast<int>(std::max<uint32_t>(info.max_resident_blocks_per_multiprocessor, 1));
  // Every block of a cooperative grid is resident on its own worker (see core/occupancy.h).
  prop.cooperativeLaunch = 1;
  prop.sharedMemPerMultiprocessor =
      info.max_shared_memory_per_block *
      std::max<uint32_t>(info.max_resident_blocks_per_multiprocessor, 1);
  prop.sharedMemPerBlockOptin = info.max_shared_memory_per_block;
  prop.regsPerMultiprocessor = registersPerBlock;
  prop.globalL1CacheSupported = 1;
  prop.localL1CacheSupported = 1;
  prop.deviceNumaId = -1;
  // Pinned host memory is mapped, and managed memory coherent, because kernels run in the host's
  // address space; stream-ordered pools are supported (runtime/core/memory_pool.h).
  prop.canMapHostMemory = info.unified_addressing ? 1 : 0;
  prop.managedMemory = 1;
  prop.concurrentManagedAccess = info.unified_addressing ? 1 : 0;
  prop.directManagedMemAccessFromHost = info.unified_addressing ? 1 : 0;
  prop.memoryPoolsSupported = 1;
  prop.hostNumaId = -1;
  fillTextureLimits(prop);
  // Everything else (peer access, IPC, PCI identity, ...) is
  // something this device does not have: zero.
}

cudaError_t deviceAttribute(const cuport_device_info &info, cudaDeviceAttr attribute, int &value) {
  cudaDeviceProp prop;
  fillDeviceProperties(info, prop);
  switch (attribute) {
  case cudaDevAttrMaxThreadsPerBlock:
    value = prop.maxThreadsPerBlock;
    break;
  case cudaDevAttrMaxBlockDimX:
    value = prop.maxThreadsDim[0];
    break;
  case cudaDevAttrMaxBlockDimY:
    value = prop.maxThreadsDim[1];
    break;
  case cudaDevAttrMaxBlockDimZ:
    value = prop.maxThreadsDim[2];
    break;
  case cudaDevAttrMaxGridDimX:
    value = prop.maxGridSize[0];
    break;
  case cudaDevAttrMaxGridDimY:
    value = prop.maxGridSize[1];
    break;
  case cudaDevAttrMaxGridDimZ:
    value = prop.maxGridSize[2];
    break;
  case cudaDevAttrMaxSharedMemoryPerBlock:
    value = clampToInt(prop.sharedMemPerBlock);
    break;
  case cudaDevAttrTotalConstantMemory:
    value = clampToInt(prop.totalConstMem);
    break;
  case cudaDevAttrWarpSize:
    value = prop.warpSize;
    break;
  case cudaDevAttrMaxPitch:
    value = clampToInt(prop.memPitch);
    break;
  case cudaDevAttrMaxRegistersPerBlock:
    value = prop.regsPerBlock;
    break;
  case cudaDevAttrClockRate:
    value = clampToInt(info.clock_rate_khz);
    break;
  case cudaDevAttrTextureAlignment:
    value = clampToInt(prop.textureAlignment);
    break;
  case cudaDevAttrMultiProcessorCount:
    value = prop.multiProcessorCount;
    break;
  case cudaDevAttrIntegrated:
    value = prop.integrated;
    break;
  case cudaDevAttrCanMapHostMemory:
    value = prop.canMapHostMemory;
    break;
  case cudaDevAttrComputeMode:
    value = cudaComputeModeDefault;
    break;
  case cudaDevAttrSurfaceAlignment:
    value = clampToInt(prop.surfaceAlignment);
    break;
  case cudaDevAttrConcurrentKernels:
    value = prop.concurrentKernels;
    break;
  case cudaDevAttrEccEnabled:
    value = prop.ECCEnabled;
    break;
  case cudaDevAttrPciBusId:
    value = prop.pciBusID;
    break;
  case cudaDevAttrPciDeviceId:
    value = prop.pciDeviceID;
    break;
  case cudaDevAttrPciDomainId:
    value = prop.pciDomainID;
    break;
  case cudaDevAttrTccDriver:
    value = prop.tccDriver;
    break;
  case cudaDevAttrGlobalMemoryBusWidth:
    value = prop.memoryBusWidth;
    break;
  case cudaDevAttrL2CacheSize:
    value = prop.l2CacheSize;
    break;
  case cudaDevAttrMaxThreadsPerMultiProcessor:
    value = prop.maxThreadsPerMultiProcessor;
    break;
  case cudaDevAttrAsyncEngineCount:
    value = prop.asyncEngineCount;
    break;
  case cudaDevAttrUnifiedAddressing:
    value = prop.unifiedAddressing;
    break;
  case cudaDevAttrComputeCapabilityMajor:
    value = prop.major;
    break;
  case cudaDevAttrComputeCapabilityMinor:
    value = prop.minor;
    break;
  case cudaDevAttrStreamPrioritiesSupported:
    value = prop.streamPrioritiesSupported;
    break;
  case cudaDevAttrGlobalL1CacheSupported:
    value = prop.globalL1CacheSupported;
    break;
  case cudaDevAttrLocalL1CacheSupported:
    value = prop.localL1CacheSupported;
    break;
  case cudaDevAttrMaxSharedMemoryPerMultiprocessor:
    value = clampToInt(prop.sharedMemPerMultiprocessor);
    break;
  case cudaDevAttrMaxRegistersPerMultiprocessor:
    value = prop.regsPerMultiprocessor;
    break;
  case cudaDevAttrManagedMemory:
    value = prop.managedMemory;
    break;
  case cudaDevAttrIsMultiGpuBoard:
    value = prop.isMultiGpuBoard;
    break;
  case cudaDevAttrMultiGpuBoardGroupID:
    value = prop.multiGpuBoardGroupID;
    break;
  case cudaDevAttrHostNativeAtomicSupported:
    value = prop.hostNativeAtomicSupported;
    break;
  case cudaDevAttrPageableMemoryAccess:
    value = prop.pageableMemoryAccess;
    break;
  case cudaDevAttrConcurrentManagedAccess:
    value = prop.concurrentManagedAccess;
    break;
  case cudaDevAttrComputePreemptionSupported:
    value = prop.computePreemptionSupported;
    break;
  case cudaDevAttrCanUseHostPointerForRegisteredMem:
    value = prop.canUseHostPointerForRegisteredMem;
    break;
  case cudaDevAttrCooperativeLaunch:
    value = prop.cooperativeLaunch;
    break;
  case cudaDevAttrMaxSharedMemoryPerBlockOptin:
    value = clampToInt(prop.sharedMemPerBlockOptin);
    break;
  case cudaDevAttrPageableMemoryAccessUsesHostPageTables:
    value = prop.pageableMemoryAccessUsesHostPageTables;
    break;
  case cudaDevAttrDirectManagedMemAccessFromHost:
    value = prop.directManagedMemAccessFromHost;
    break;
  case cudaDevAttrMaxBlocksPerMultiprocessor:
    value = prop.maxBlocksPerMultiProcessor;
    break;
  case cudaDevAttrMaxPersistingL2CacheSize:
    value = prop.persistingL2CacheMaxSize;
    break;
  case cudaDevAttrMaxAccessPolicyWindowSize:
    value = prop.accessPolicyMaxWindowSize;
    break;
  case cudaDevAttrReservedSharedMemoryPerBlock:
    value = clampToInt(prop.reservedSharedMemPerBlock);
    break;
  case cudaDevAttrHostRegisterSupported:
    value = prop.hostRegisterSupported;
    break;
  case cudaDevAttrSparseCudaArraySupported:
    value = prop.sparseCudaArraySupported;
    break;
  case cudaDevAttrHostRegisterReadOnlySupported:
    value = prop.hostRegisterReadOnlySupported;
    break;
  case cudaDevAttrTimelineSemaphoreInteropSupported:
    value = prop.timelineSemaphoreInteropSupported;
    break;
  case cudaDevAttrMemoryPoolsSupported:
    value = prop.memoryPoolsSupported;
    break;
  case cudaDevAttrGPUDirectRDMASupported:
    value = prop.gpuDirectRDMASupported;
    break;
  case cudaDevAttrGPUDirectRDMAFlushWritesOptions:
    value = static_cast<int>(prop.gpuDirectRDMAFlushWritesOptions);
    break;
  case cudaDevAttrGPUDirectRDMAWritesOrdering:
    value = prop.gpuDirectRDMAWritesOrdering;
    break;
  case cudaDevAttrMemoryPoolSupportedHandleTypes:
    value = static_cast<int>(prop.memoryPoolSupportedHandleTypes);
    break;
  case cudaDevAttrClusterLaunch:
    value = prop.clusterLaunch;
    break;
  case cudaDevAttrDeferredMappingCudaArraySupported:
    value = prop.deferredMappingCudaArraySupported;
    break;
  case cudaDevAttrIpcEventSupport:
    value = prop.ipcEventSupported;
    break;
  case cudaDevAttrMemSyncDomainCount:
    value = 1;
    break;
  case cudaDevAttrNumaConfig:
    value = prop.deviceNumaConfig;
    break;
  case cudaDevAttrNumaId:
    value = prop.deviceNumaId;
    break;
  case cudaDevAttrMpsEnabled:
    value = prop.mpsEnabled;
    break;
  case cudaDevAttrHostNumaId:
    value = prop.hostNumaId;
    break;
  case cudaDevAttrGpuPciDeviceId:
    value = static_cast<int>(prop.gpuPciDeviceID);
    break;
  case cudaDevAttrGpuPciSubsystemId:
    value = static_cast<int>(prop.gpuPciSubsystemID);
    break;
  case cudaDevAttrHostNumaMultinodeIpcSupported:
    value = prop.hostNumaMultinodeIpcSupported;
    break;
  default:
    if (textureAttribute(prop, attribute, value))
      break;
    // Graphics interop, reserved values: nothing this device has.
    if (attribute > 0 && attribute < cudaDevAttrMax) {
      value = 0;
      break;
    }
    return cudaErrorInvalidValue;
  }
  return cudaSuccess;
}

} // namespace cuport::core
