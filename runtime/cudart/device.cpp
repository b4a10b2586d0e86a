// Device management: count, selection, properties, attributes, synchronization, reset.
#include "runtime/cudart/api.h"

#include "runtime/core/capture.h"
#include "runtime/core/device_properties.h"
#include "runtime/core/memory.h"
#include "runtime/cudart/device_settings.h"

using namespace cuport;

namespace {

// Runs `query` on device `ordinal`: cudaErrorInvalidDevice for any ordinal but 0.
template <typename Query> cudaError_t onOrdinal(int ordinal, Query query) {
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  if (ordinal != 0)
    return cudaErrorInvalidDevice;
  return query(*device);
}

} // namespace

extern "C" {

cudaError_t cudaGetDeviceCount(int *count) {
  core::Device *device = nullptr;
  cudaError_t result = count ? cudart::device(device) : cudaErrorInvalidValue;
  if (count)
    *count = result == cudaSuccess ? 1 : 0;
  return core::finishCall("cudaGetDeviceCount", result, "-> %d", count ? *count : -1);
}

cudaError_t cudaSetDevice(int device) {
  cudaError_t result = onOrdinal(device, [](core::Device &) { return cudaSuccess; });
  return core::finishCall("cudaSetDevice", result, "device=%d", device);
}

cudaError_t cudaGetDevice(int *device) {
  core::Device *present = nullptr;
  cudaError_t result = device ? cudart::device(present) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    *device = 0;
  return core::finishCall("cudaGetDevice", result, "device=%p", static_cast<void *>(device));
}

cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device) {
  cudaError_t result = prop ? onOrdinal(device,
                                        [&](core::Device &present) {
                                          core::fillDeviceProperties(present.info(), *prop);
                                          return cudaSuccess;
                                        })
                            : cudaErrorInvalidValue;
  return core::finishCall("cudaGetDeviceProperties", result, "prop=%p device=%d",
                          static_cast<void *>(prop), device);
}

cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device) {
  cudaError_t result = value
                           ? onOrdinal(device,
                                       [&](core::Device &present) {
                                         return core::deviceAttribute(present.info(), attr, *value);
                                       })
                           : cudaErrorInvalidValue;
  return core::finishCall("cudaDeviceGetAttribute", result, "attr=%d device=%d -> %d",
                          static_cast<int>(attr), device,
                          value && result == cudaSuccess ? *value : 0);
}

cudaError_t cudaDeviceSynchronize(void) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  // Waiting for the whole device is a potentially unsafe call during stream capture.
  if (result == cudaSuccess)
    result = core::checkUnsafeCall();
  if (result == cudaSuccess)
    result = core::synchronizeDevice(*device);
  if (device)
    device->flushPrintf();
  return core::finishCall("cudaDeviceSynchronize", result);
}

cudaError_t cudaDeviceReset(void) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess) {
    device->reset();
    cudart::resetDeviceSettings(*device);
  }
  return core::finishCall("cudaDeviceReset", result);
}

} // extern "C"
