// Device-wide settings: flags, limits, cache and shared-memory configuration, device choice, PCI
// identity, peer access (there is one device) and initialization.
#include "runtime/cudart/api.h"

#include "runtime/core/limits.h"
#include "runtime/cudart/device_settings.h"
#include "support/log.h"

#include <cstdio>
#include <cstring>
#include <mutex>

using namespace cuport;

namespace cuport::cudart {
namespace {

struct Settings {
  std::mutex mutex;
  unsigned flags = cudaDeviceScheduleAuto;
  cudaFuncCache cacheConfig = cudaFuncCachePreferNone;
  cudaSharedMemConfig sharedMemConfig = cudaSharedMemBankSizeFourByte;
};

Settings &settings() {
  static Settings instance;
  return instance;
}

bool validDeviceFlags(unsigned flags) {
  if ((flags & ~static_cast<unsigned>(cudaDeviceMask)) != 0)
    return false;
  switch (flags & cudaDeviceScheduleMask) {
  case cudaDeviceScheduleAuto:
  case cudaDeviceScheduleSpin:
  case cudaDeviceScheduleYield:
  case cudaDeviceScheduleBlockingSync:
    return true;
  default:
    return false; // two scheduling policies at once
  }
}

} // namespace

void resetDeviceSettings(core::Device &device) {
  core::resetLimits(device);
  Settings &state = settings();
  std::lock_guard lock(state.mutex);
  state.cacheConfig = cudaFuncCachePreferNone;
  state.sharedMemConfig = cudaSharedMemBankSizeFourByte;
}

} // namespace cuport::cudart

namespace {

cudaError_t setFlags(unsigned flags) {
  if (!cudart::validDeviceFlags(flags)) {
    CUPORT_ERROR("device flags %#x: unknown bits or more than one scheduling policy", flags);
    return cudaErrorInvalidValue;
  }
  cudart::Settings &state = cudart::settings();
  std::lock_guard lock(state.mutex);
  // Host threads waiting for the device always block on a condition variable, which is what every
  // scheduling policy allows; mapped host memory needs no flag on a unified-address device.
  state.flags = flags;
  return cudaSuccess;
}

// "domain:bus:device.function" or "bus:device.function", hexadecimal.
bool parsePciBusId(const char *text, unsigned &domain, unsigned &bus, unsigned &device) {
  unsigned function = 0;
  int consumed = 0;
  if (std::sscanf(text, "%x:%x:%x.%x%n", &domain, &bus, &device, &function, &consumed) == 4 &&
      text[consumed] == '\0')
    return true;
  domain = 0;
  return std::sscanf(text, "%x:%x.%x%n", &bus, &device, &function, &consumed) == 3 &&
         text[consumed] == '\0';
}

} // namespace

extern "C" {

cudaError_t cudaSetDeviceFlags(unsigned int flags) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess)
    result = setFlags(flags);
  return core::finishCall("cudaSetDeviceFlags", result, "flags=%#x", flags);
}

cudaError_t cudaGetDeviceFlags(unsigned int *flags) {
  core::Device *device = nullptr;
  cudaError_t result = flags ? cudart::device(device) : cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    std::lock_guard lock(cudart::settings().mutex);
    *flags = cudart::settings().flags;
  }
  return core::finishCall("cudaGetDeviceFlags", result, "-> %#x",
                          result == cudaSuccess ? *flags : 0);
}

cudaError_t cudaInitDevice(int device, unsigned int deviceFlags, unsigned int flags) {
  core::Device *present = nullptr;
  cudaError_t result = cudart::device(present);
  if (result == cudaSuccess && device != 0)
    result = cudaErrorInvalidDevice;
  if (result == cudaSuccess && (flags & ~static_cast<unsigned>(cudaInitDeviceFlagsAreValid)) != 0)
    result = cudaErrorInvalidValue;
  if (result == cudaSuccess && (flags & cudaInitDeviceFlagsAreValid))
    result = setFlags(deviceFlags);
  return core::finishCall("cudaInitDevice", result, "device=%d deviceFlags=%#x flags=%#x", device,
                          deviceFlags, flags);
}

cudaError_t cudaDeviceSetLimit(enum cudaLimit limit, size_t value) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess)
    result = core::setLimit(*device, limit, value);
  return core::finishCall("cudaDeviceSetLimit", result, "limit=%d value=%zu",
                          static_cast<int>(limit), value);
}

cudaError_t cudaDeviceGetLimit(size_t *pValue, enum cudaLimit limit) {
  core::Device *device = nullptr;
  cudaError_t result = pValue ? cudart::device(device) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    result = core::getLimit(limit, *pValue);
  return core::finishCall("cudaDeviceGetLimit", result, "limit=%d -> %zu", static_cast<int>(limit),
                          result == cudaSuccess ? *pValue : 0);
}

// The L1/shared split and the shared-memory bank size are GPU hardware choices this device does
// not have; the settings are validated and kept so that getters report what was set.
cudaError_t cudaDeviceSetCacheConfig(enum cudaFuncCache cacheConfig) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess &&
      (cacheConfig < cudaFuncCachePreferNone || cacheConfig > cudaFuncCachePreferEqual))
    result = cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    std::lock_guard lock(cudart::settings().mutex);
    cudart::settings().cacheConfig = cacheConfig;
  }
  return core::finishCall("cudaDeviceSetCacheConfig", result, "cacheConfig=%d",
                          static_cast<int>(cacheConfig));
}

cudaError_t cudaDeviceGetCacheConfig(enum cudaFuncCache *pCacheConfig) {
  core::Device *device = nullptr;
  cudaError_t result = pCacheConfig ? cudart::device(device) : cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    std::lock_guard lock(cudart::settings().mutex);
    *pCacheConfig = cudart::settings().cacheConfig;
  }
  return core::finishCall("cudaDeviceGetCacheConfig", result);
}

cudaError_t cudaDeviceSetSharedMemConfig(enum cudaSharedMemConfig config) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess &&
      (config < cudaSharedMemBankSizeDefault || config > cudaSharedMemBankSizeEightByte))
    result = cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    std::lock_guard lock(cudart::settings().mutex);
    // The default bank size is four bytes, as on every GPU since compute capability 5.0.
    cudart::settings().sharedMemConfig =
        config == cudaSharedMemBankSizeDefault ? cudaSharedMemBankSizeFourByte : config;
  }
  return core::finishCall("cudaDeviceSetSharedMemConfig", result, "config=%d",
                          static_cast<int>(config));
}

cudaError_t cudaDeviceGetSharedMemConfig(enum cudaSharedMemConfig *pConfig) {
  core::Device *device = nullptr;
  cudaError_t result = pConfig ? cudart::device(device) : cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    std::lock_guard lock(cudart::settings().mutex);
    *pConfig = cudart::settings().sharedMemConfig;
  }
  return core::finishCall("cudaDeviceGetSharedMemConfig", result);
}

cudaError_t cudaChooseDevice(int *device, const struct cudaDeviceProp *prop) {
  core::Device *present = nullptr;
  cudaError_t result = device && prop ? cudart::device(present) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    *device = 0; // the only device is the closest match to any properties
  return core::finishCall("cudaChooseDevice", result);
}

// The CPU device sits on no PCI bus: its identity is the all-zero address that cudaDeviceProp's
// pciDomainID / pciBusID / pciDeviceID report.
cudaError_t cudaDeviceGetPCIBusId(char *pciBusId, int len, int device) {
  core::Device *present = nullptr;
  cudaError_t result = pciBusId && len > 0 ? cudart::device(present) : cudaErrorInvalidValue;
  if (result == cudaSuccess && device != 0)
    result = cudaErrorInvalidDevice;
  if (result == cudaSuccess)
    std::snprintf(pciBusId, static_cast<size_t>(len), "%08x:%02x:%02x.0", 0u, 0u, 0u);
  return core::finishCall("cudaDeviceGetPCIBusId", result, "len=%d device=%d", len, device);
}

cudaError_t cudaDeviceGetByPCIBusId(int *device, const char *pciBusId) {
  core::Device *present = nullptr;
  cudaError_t result = device && pciBusId ? cudart::device(present) : cudaErrorInvalidValue;
  unsigned domain = 0, bus = 0, slot = 0;
  if (result == cudaSuccess && !parsePciBusId(pciBusId, domain, bus, slot))
    result = cudaErrorInvalidValue;
  if (result == cudaSuccess && (domain != 0 || bus != 0 || slot != 0))
    result = cudaErrorInvalidDevice;
  if (result == cudaSuccess)
    *device = 0;
  return core::finishCall("cudaDeviceGetByPCIBusId", result, "pciBusId=%s",
                          pciBusId ? pciBusId : "null");
}

// One device: no peers. CUDA reports a device as not its own peer.
cudaError_t cudaDeviceCanAccessPeer(int *canAccessPeer, int device, int peerDevice) {
  core::Device *present = nullptr;
  cudaError_t result = canAccessPeer ? cudart::device(present) : cudaErrorInvalidValue;
  if (result == cudaSuccess && (device != 0 || peerDevice != 0))
    result = cudaErrorInvalidDevice;
  if (result == cudaSuccess)
    *canAccessPeer = 0;
  return core::finishCall("cudaDeviceCanAccessPeer", result, "device=%d peer=%d", device,
                          peerDevice);
}

// With one device there is no peer: device 0 is the caller itself, any other ordinal does not
// exist.
cudaError_t cudaDeviceEnablePeerAccess(int peerDevice, unsigned int flags) {
  core::Device *present = nullptr;
  cudaError_t result = cudart::device(present);
  if (result == cudaSuccess)
    result = flags != 0 ? cudaErrorInvalidValue : cudaErrorInvalidDevice;
  return core::finishCall("cudaDeviceEnablePeerAccess", result, "peer=%d flags=%#x", peerDevice,
                          flags);
}

cudaError_t cudaDeviceDisablePeerAccess(int peerDevice) {
  core::Device *present = nullptr;
  cudaError_t result = cudart::device(present);
  if (result == cudaSuccess)
    result = cudaErrorInvalidDevice;
  return core::finishCall("cudaDeviceDisablePeerAccess", result, "peer=%d", peerDevice);
}

// The list of devices cudaSetDevice-less calls may pick from: only device 0 exists to be listed.
cudaError_t cudaSetValidDevices(int *device_arr, int len) {
  core::Device *present = nullptr;
  cudaError_t result = cudart::device(present);
  if (result == cudaSuccess && len != 0 && (!device_arr || len < 0 || len > 1))
    result = cudaErrorInvalidValue;
  for (int i = 0; result == cudaSuccess && i < len; ++i)
    if (device_arr[i] != 0)
      result = cudaErrorInvalidDevice;
  return core::finishCall("cudaSetValidDevices", result, "len=%d", len);
}

// No L2 lines are ever persisting (cudaLimitPersistingL2CacheSize is 0), so there are none to
// reset.
cudaError_t cudaCtxResetPersistingL2Cache(void) {
  core::Device *present = nullptr;
  return core::finishCall("cudaCtxResetPersistingL2Cache", cudart::device(present));
}

cudaError_t cudaDeviceGetP2PAttribute(int *value, enum cudaDeviceP2PAttr attr, int srcDevice,
                                      int dstDevice) {
  core::Device *present = nullptr;
  cudaError_t result = value ? cudart::device(present) : cudaErrorInvalidValue;
  // The only valid pair would be two different devices, and there is one.
  if (result == cudaSuccess)
    result = cudaErrorInvalidDevice;
  return core::finishCall("cudaDeviceGetP2PAttribute", result, "attr=%d src=%d dst=%d",
                          static_cast<int>(attr), srcDevice, dstDevice);
}

cudaError_t cudaDeviceFlushGPUDirectRDMAWrites(enum cudaFlushGPUDirectRDMAWritesTarget target,
                                               enum cudaFlushGPUDirectRDMAWritesScope scope) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess) {
    CUPORT_ERROR("cudaDeviceFlushGPUDirectRDMAWrites: the device has no GPUDirect RDMA");
    result = cudaErrorNotSupported;
  }
  return core::finishCall("cudaDeviceFlushGPUDirectRDMAWrites", result, "target=%d scope=%d",
                          static_cast<int>(target), static_cast<int>(scope));
}

} // extern "C"
