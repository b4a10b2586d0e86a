#include "runtime/core/kernel_attributes.h"

#include "runtime/core/device.h"
#include "runtime/core/module.h"
#include "support/log.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace cuport::core {

void kernelAttributes(Device &device, Kernel &kernel, const ResolvedKernel &resolved,
                      cudaFuncAttributes &attributes) {
  std::memset(&attributes, 0, sizeof attributes);
  uint64_t staticShared = staticSharedBytes(resolved);
  attributes.sharedSizeBytes = staticShared;
  attributes.constSizeBytes = kernel.module().constantBytes();
  attributes.localSizeBytes = resolved.attributes.local_bytes_per_thread;
  attributes.maxThreadsPerBlock = static_cast<int>(maxThreadsPerBlock(device.info(), resolved));
  attributes.numRegs = static_cast<int>(resolved.attributes.num_regs);
  // The virtual architecture (75 for compute_75), not the PTX ISA version: CUB picks its tuning
  // policies by it, and a policy for another architecture has no kernels in the program.
  attributes.ptxVersion = static_cast<int>(kernel.module().ptxArch());
  // The kernel runs as code compiled from that PTX for this device.
  attributes.binaryVersion = static_cast<int>(device.smArch());
  attributes.maxDynamicSharedSizeBytes =
      static_cast<int>(std::min<uint64_t>(dynamicSharedLimit(kernel, staticShared), INT_MAX));
  attributes.preferredShmemCarveout = kernel.preferredSharedCarveout.load();
  attributes.requiredClusterWidth = kernel.requiredClusterDim[0].load();
  attributes.requiredClusterHeight = kernel.requiredClusterDim[1].load();
  attributes.requiredClusterDepth = kernel.requiredClusterDim[2].load();
  attributes.clusterSchedulingPolicyPreference = kernel.clusterSchedulingPolicy.load();
  attributes.nonPortableClusterSizeAllowed = kernel.nonPortableClusterSizeAllowed.load();
}

cudaError_t setKernelAttribute(Device &device, Kernel &kernel, const ResolvedKernel &resolved,
                               cudaFuncAttribute attribute, int value) {
  switch (attribute) {
  case cudaFuncAttributeMaxDynamicSharedMemorySize: {
    uint64_t staticShared = staticSharedBytes(resolved);
    uint64_t optIn = device.info().max_shared_memory_per_block;
    uint64_t most = optIn > staticShared ? optIn - staticShared : 0;
    if (value < 0 || static_cast<uint64_t>(value) > most) {
      CUPORT_ERROR("kernel %s: %d bytes of dynamic shared memory asked; with %llu static, at most "
                   "%llu",
                   kernel.deviceName().c_str(), value,
                   static_cast<unsigned long long>(staticShared),
                   static_cast<unsigned long long>(most));
      return cudaErrorInvalidValue;
    }
    kernel.maxDynamicSharedBytes.store(value);
    return cudaSuccess;
  }
  case cudaFuncAttributePreferredSharedMemoryCarveout:
    // A hint for the L1/shared split: this device has no such split to tune.
    if (value < cudaSharedmemCarveoutDefault || value > cudaSharedmemCarveoutMaxShared)
      return cudaErrorInvalidValue;
    kernel.preferredSharedCarveout.store(value);
    return cudaSuccess;
  case cudaFuncAttributeRequiredClusterWidth:
  case cudaFuncAttributeRequiredClusterHeight:
  case cudaFuncAttributeRequiredClusterDepth: {
    if (value < 0)
      return cudaErrorInvalidValue;
    if (value > 1) {
      CUPORT_ERROR("kernel %s: clusters of %d blocks are not supported on this device",
                   kernel.deviceName().c_str(), value);
      return cudaErrorNotSupported;
    }
    int axis = attribute - cudaFuncAttributeRequiredClusterWidth;
    kernel.requiredClusterDim[axis].store(value);
    return cudaSuccess;
  }
  case cudaFuncAttributeNonPortableClusterSizeAllowed:
    if (value != 0 && value != 1)
      return cudaErrorInvalidValue;
    kernel.nonPortableClusterSizeAllowed.store(value);
    return cudaSuccess;
  case cudaFuncAttributeClusterSchedulingPolicyPreference:
    if (value < cudaClusterSchedulingPolicyDefault ||
        value > cudaClusterSchedulingPolicyLoadBalancing)
      return cudaErrorInvalidValue;
    kernel.clusterSchedulingPolicy.store(value);
    return cudaSuccess;
  default:
    // cudaFuncAttributeClusterDimMustBeSet is read-only; anything else is no attribute.
    CUPORT_ERROR("kernel attribute %d cannot be set", static_cast<int>(attribute));
    return cudaErrorInvalidValue;
  }
}

} // namespace cuport::core
