// Devices: the one device cuport exposes, its name, memory, identity and attributes. The attribute
// values are runtime/core's (CUdevice_attribute numbers them as cudaDeviceAttr does), so both APIs
// report the same device.
#include "runtime/driver/api.h"

#include "runtime/core/device_properties.h"
#include "support/log.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace cuport;
using namespace cuport::driver;

namespace {

// The device for calls naming a device ordinal: CUDA_ERROR_INVALID_DEVICE for any but 0.
CUresult deviceOrdinal(CUdevice ordinal, core::Device *&device) {
  if (CUresult result = initializedDevice(device); result != CUDA_SUCCESS)
    return result;
  return ordinal == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

cudaDeviceProp properties(const core::Device &device) {
  cudaDeviceProp prop;
  core::fillDeviceProperties(device.info(), prop);
  return prop;
}

// "domain:bus:device.function" or "bus:device.function", hexadecimal.
bool parsePciBusId(const char *text, unsigned &domain, unsigned &bus, unsigned &slot) {
  unsigned function = 0;
  int consumed = 0;
  if (std::sscanf(text, "%x:%x:%x.%x%n", &domain, &bus, &slot, &function, &consumed) == 4 &&
      text[consumed] == '\0')
    return true;
  domain = 0;
  return std::sscanf(text, "%x:%x.%x%n", &bus, &slot, &function, &consumed) == 3 &&
         text[consumed] == '\0';
}

CUresult deviceUuid(const char *entry, CUuuid *uuid, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !uuid)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    cudaDeviceProp prop = properties(*device);
    static_assert(sizeof uuid->bytes == sizeof prop.uuid.bytes);
    std::memcpy(uuid->bytes, prop.uuid.bytes, sizeof uuid->bytes);
  }
  return finishCall(entry, result, "dev=%d", dev);
}

} // namespace

extern "C" {

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  core::Device *present = nullptr;
  CUresult result = initializedDevice(present);
  if (result == CUDA_SUCCESS && !device)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && ordinal != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS)
    *device = 0;
  return finishCall("cuDeviceGet", result, "ordinal=%d", ordinal);
}

CUresult cuDeviceGetCount(int *count) {
  core::Device *present = nullptr;
  CUresult result = initializedDevice(present);
  if (result == CUDA_SUCCESS && !count)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *count = 1;
  return finishCall("cuDeviceGetCount", result, "-> %d", result == CUDA_SUCCESS ? *count : 0);
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && (!name || len <= 0))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    cudaDeviceProp prop = properties(*device);
    size_t copied = std::min(std::strlen(prop.name), static_cast<size_t>(len) - 1);
    std::memcpy(name, prop.name, copied);
    name[copied] = '\0';
  }
  return finishCall("cuDeviceGetName", result, "len=%d dev=%d -> %s", len, dev,
                    result == CUDA_SUCCESS ? name : "");
}

CUresult cuDeviceTotalMem(size_t *bytes, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !bytes)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *bytes = device->info().total_global_memory;
  return finishCall("cuDeviceTotalMem_v2", result, "dev=%d -> %zu", dev,
                    result == CUDA_SUCCESS ? *bytes : 0);
}

CUresult cuDeviceGetUuid(CUuuid *uuid, CUdevice dev) {
  return deviceUuid("cuDeviceGetUuid_v2", uuid, dev);
}

CUresult cuDeviceComputeCapability(int *major, int *minor, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && (!major || !minor))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    *major = static_cast<int>(device->info().compute_capability_major);
    *minor = static_cast<int>(device->info().compute_capability_minor);
  }
  return finishCall("cuDeviceComputeCapability", result, "dev=%d", dev);
}

CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !pi)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(
        core::deviceAttribute(device->info(), static_cast<cudaDeviceAttr>(attrib), *pi));
  return finishCall("cuDeviceGetAttribute", result, "attrib=%d dev=%d -> %d",
                    static_cast<int>(attrib), dev, result == CUDA_SUCCESS ? *pi : 0);
}

CUresult cuDeviceGetProperties(CUdevprop *prop, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !prop)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    cudaDeviceProp runtime = properties(*device);
    prop->maxThreadsPerBlock = runtime.maxThreadsPerBlock;
    for (int axis = 0; axis < 3; ++axis) {
      prop->maxThreadsDim[axis] = runtime.maxThreadsDim[axis];
      prop->maxGridSize[axis] = runtime.maxGridSize[axis];
    }
    prop->sharedMemPerBlock = static_cast<int>(runtime.sharedMemPerBlock);
    prop->totalConstantMemory = static_cast<int>(runtime.totalConstMem);
    prop->SIMDWidth = runtime.warpSize;
    prop->memPitch = static_cast<int>(runtime.memPitch);
    prop->regsPerBlock = runtime.regsPerBlock;
    int clockRate = 0;
    (void)core::deviceAttribute(device->info(), cudaDevAttrClockRate, clockRate);
    prop->clockRate = clockRate;
    prop->textureAlign = static_cast<int>(runtime.textureAlignment);
  }
  return finishCall("cuDeviceGetProperties", result, "dev=%d", dev);
}

// One device: no peers, and a device is not its own peer.
CUresult cuDeviceCanAccessPeer(int *canAccessPeer, CUdevice dev, CUdevice peerDev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && !canAccessPeer)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && peerDev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS)
    *canAccessPeer = 0;
  return finishCall("cuDeviceCanAccessPeer", result, "dev=%d peer=%d", dev, peerDev);
}

CUresult cuDeviceGetP2PAttribute(int *value, CUdevice_P2PAttribute attrib, CUdevice srcDevice,
                                 CUdevice dstDevice) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !value)
    result = CUDA_ERROR_INVALID_VALUE;
  // The only valid pair would be two different devices, and there is one.
  if (result == CUDA_SUCCESS)
    result = CUDA_ERROR_INVALID_DEVICE;
  return finishCall("cuDeviceGetP2PAttribute", result, "attrib=%d src=%d dst=%d",
                    static_cast<int>(attrib), srcDevice, dstDevice);
}

// The CPU device sits on no PCI bus: its identity is the all-zero address the PCI attributes
// report.
CUresult cuDeviceGetPCIBusId(char *pciBusId, int len, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = deviceOrdinal(dev, device);
  if (result == CUDA_SUCCESS && (!pciBusId || len <= 0))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    std::snprintf(pciBusId, static_cast<size_t>(len), "%08x:%02x:%02x.0", 0u, 0u, 0u);
  return finishCall("cuDeviceGetPCIBusId", result, "len=%d dev=%d", len, dev);
}

CUresult cuDeviceGetByPCIBusId(CUdevice *dev, const char *pciBusId) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && (!dev || !pciBusId))
    result = CUDA_ERROR_INVALID_VALUE;
  unsigned domain = 0, bus = 0, slot = 0;
  if (result == CUDA_SUCCESS && !parsePciBusId(pciBusId, domain, bus, slot))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && (domain != 0 || bus != 0 || slot != 0))
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS)
    *dev = 0;
  return finishCall("cuDeviceGetByPCIBusId", result, "pciBusId=%s", pciBusId ? pciBusId : "null");
}

} // extern "C"

// The unsuffixed cuDeviceGetUuid (CUDA 9.2 to 12), which cuda.h now maps to the _v2 name: the same
// 16 bytes.
#undef cuDeviceGetUuid
extern "C" CUresult cuDeviceGetUuid(CUuuid *uuid, CUdevice dev) {
  return deviceUuid("cuDeviceGetUuid", uuid, dev);
}
