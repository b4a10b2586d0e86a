#include "runtime/core/launch_attributes.h"

#include "runtime/core/stream_set.h"
#include "support/log.h"

#include <algorithm>

namespace cuport::core {

cudaError_t readLaunchAttributes(const char *entry, const cudaLaunchAttribute *attributes,
                                 unsigned count, LaunchOptions &options) {
  if (count > 0 && !attributes) {
    CUPORT_ERROR("%s: %u attributes but attrs is null", entry, count);
    return cudaErrorInvalidValue;
  }
  for (unsigned i = 0; i < count; ++i) {
    const cudaLaunchAttribute &attribute = attributes[i];
    const cudaLaunchAttributeValue &value = attribute.val;
    switch (attribute.id) {
    case cudaLaunchAttributeIgnore:
      break;
    case cudaLaunchAttributeCooperative:
      options.cooperative = value.cooperative != 0;
      break;
    case cudaLaunchAttributePriority:
      // Out-of-range priorities are clamped, as for cudaStreamCreateWithPriority.
      options.hasPriority = true;
      options.priority = std::clamp(value.priority, kGreatestStreamPriority, kLeastStreamPriority);
      break;
    case cudaLaunchAttributeClusterDimension:
    case cudaLaunchAttributePreferredClusterDimension: {
      bool required = attribute.id == cudaLaunchAttributeClusterDimension;
      unsigned x = required ? value.clusterDim.x : value.preferredClusterDim.x;
      unsigned y = required ? value.clusterDim.y : value.preferredClusterDim.y;
      unsigned z = required ? value.clusterDim.z : value.preferredClusterDim.z;
      if (x == 0 || y == 0 || z == 0) {
        CUPORT_ERROR("%s: cluster dimension (%u, %u, %u) has a zero", entry, x, y, z);
        return cudaErrorInvalidValue;
      }
      if (uint64_t{x} * y * z != 1) {
        CUPORT_ERROR("%s: thread block clusters (%u, %u, %u) are not supported on this device "
                     "(cudaDevAttrClusterLaunch is 0)",
                     entry, x, y, z);
        return cudaErrorNotSupported;
      }
      options.explicitCluster = options.explicitCluster || required;
      break;
    }
    case cudaLaunchAttributeClusterSchedulingPolicyPreference:
      if (value.clusterSchedulingPolicyPreference != cudaClusterSchedulingPolicyDefault &&
          value.clusterSchedulingPolicyPreference != cudaClusterSchedulingPolicySpread &&
          value.clusterSchedulingPolicyPreference != cudaClusterSchedulingPolicyLoadBalancing)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeAccessPolicyWindow:
      // An L2 persistence hint: the CPU device has no persisting L2 (persistingL2CacheMaxSize 0).
      if (value.accessPolicyWindow.hitRatio < 0.0f || value.accessPolicyWindow.hitRatio > 1.0f)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeSynchronizationPolicy:
      if (value.syncPolicy < cudaSyncPolicyAuto || value.syncPolicy > cudaSyncPolicyBlockingSync)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeMemSyncDomain:
      if (value.memSyncDomain != cudaLaunchMemSyncDomainDefault &&
          value.memSyncDomain != cudaLaunchMemSyncDomainRemote)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeMemSyncDomainMap:
      break; // one memory-synchronization domain (cudaDevAttrMemSyncDomainCount is 1)
    case cudaLaunchAttributePreferredSharedMemoryCarveout:
      if (value.sharedMemCarveout > 100 &&
          value.sharedMemCarveout != static_cast<unsigned>(cudaSharedmemCarveoutDefault))
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeProgrammaticStreamSerialization:
      // Programmatic dependent launch lets this grid start before the previous one ends, without
      // requiring it: the launch still waits for all earlier work in its stream, which satisfies
      // every griddepcontrol.wait of the kernel (docs/execution-model.md).
      break;
    default:
      CUPORT_ERROR("%s: launch attribute %d is not supported", entry,
                   static_cast<int>(attribute.id));
      return cudaErrorNotSupported;
    }
  }
  return cudaSuccess;
}

} // namespace cuport::core
