// Texture and surface objects: creation, destruction and the descriptor queries.
#include "runtime/cudart/api.h"

#include "runtime/core/array.h"
#include "runtime/core/texture_limits.h"
#include "runtime/core/texture_object.h"

using namespace cuport;

namespace {

template <typename Operation> cudaError_t onDevice(Operation operation) {
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  return operation(*device);
}

} // namespace

extern "C" {

// Linear textures are limited in elements, whatever their size (texture_object.cpp checks the same
// bound), so the answer depends on the format only through its validity.
cudaError_t cudaDeviceGetTexture1DLinearMaxWidth(size_t *maxWidthInElements,
                                                 const struct cudaChannelFormatDesc *fmtDesc,
                                                 int device) {
  core::Device *present = nullptr;
  cudaError_t result = cudart::device(present);
  if (result == cudaSuccess && (!maxWidthInElements || !fmtDesc))
    result = cudaErrorInvalidValue;
  else if (result == cudaSuccess && device != 0)
    result = cudaErrorInvalidDevice;
  else if (result == cudaSuccess && core::channelElementBytes(*fmtDesc) == 0)
    result = cudaErrorInvalidChannelDescriptor;
  if (result == cudaSuccess)
    *maxWidthInElements = size_t(core::texture_limits::kTexture1DLinear);
  return core::finishCall("cudaDeviceGetTexture1DLinearMaxWidth", result, "device=%d", device);
}

cudaError_t cudaCreateTextureObject(cudaTextureObject_t *pTexObject,
                                    const struct cudaResourceDesc *pResDesc,
                                    const struct cudaTextureDesc *pTexDesc,
                                    const struct cudaResourceViewDesc *pResViewDesc) {
  cudaError_t result = onDevice([&](core::Device &device) {
    return core::createTextureObject(device, pTexObject, pResDesc, pTexDesc, pResViewDesc);
  });
  return core::finishCall("cudaCreateTextureObject", result,
                          "pTexObject=%p pResDesc=%p pTexDesc=%p pResViewDesc=%p -> 0x%llx",
                          static_cast<void *>(pTexObject), static_cast<const void *>(pResDesc),
                          static_cast<const void *>(pTexDesc),
                          static_cast<const void *>(pResViewDesc),
                          pTexObject && result == cudaSuccess ? *pTexObject : 0ull);
}

cudaError_t cudaDestroyTextureObject(cudaTextureObject_t texObject) {
  cudaError_t result =
      onDevice([&](core::Device &device) { return core::destroyTextureObject(device, texObject); });
  return core::finishCall("cudaDestroyTextureObject", result, "texObject=0x%llx", texObject);
}

cudaError_t cudaGetTextureObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                             cudaTextureObject_t texObject) {
  const core::TextureObject *object = core::findTextureObject(texObject);
  cudaError_t result = !pResDesc || !object ? cudaErrorInvalidValue : cudaSuccess;
  if (result == cudaSuccess)
    *pResDesc = object->resource;
  return core::finishCall("cudaGetTextureObjectResourceDesc", result,
                          "pResDesc=%p texObject=0x%llx", static_cast<void *>(pResDesc), texObject);
}

cudaError_t cudaGetTextureObjectTextureDesc(struct cudaTextureDesc *pTexDesc,
                                            cudaTextureObject_t texObject) {
  const core::TextureObject *object = core::findTextureObject(texObject);
  cudaError_t result = !pTexDesc || !object ? cudaErrorInvalidValue : cudaSuccess;
  if (result == cudaSuccess)
    *pTexDesc = object->texture;
  return core::finishCall("cudaGetTextureObjectTextureDesc", result, "pTexDesc=%p texObject=0x%llx",
                          static_cast<void *>(pTexDesc), texObject);
}

// Resource views cannot be created (cudaCreateTextureObject refuses them), so no texture has one:
// CUDA answers cudaErrorInvalidValue for a texture created without a view.
cudaError_t cudaGetTextureObjectResourceViewDesc(struct cudaResourceViewDesc *pResViewDesc,
                                                 cudaTextureObject_t texObject) {
  const core::TextureObject *object = core::findTextureObject(texObject);
  cudaError_t result =
      !pResViewDesc || !object || !object->hasView ? cudaErrorInvalidValue : cudaSuccess;
  if (result == cudaSuccess)
    *pResViewDesc = object->view;
  return core::finishCall("cudaGetTextureObjectResourceViewDesc", result,
                          "pResViewDesc=%p texObject=0x%llx", static_cast<void *>(pResViewDesc),
                          texObject);
}

cudaError_t cudaCreateSurfaceObject(cudaSurfaceObject_t *pSurfObject,
                                    const struct cudaResourceDesc *pResDesc) {
  cudaError_t result = onDevice([&](core::Device &device) {
    return core::createSurfaceObject(device, pSurfObject, pResDesc);
  });
  return core::finishCall("cudaCreateSurfaceObject", result, "pSurfObject=%p pResDesc=%p -> 0x%llx",
                          static_cast<void *>(pSurfObject), static_cast<const void *>(pResDesc),
                          pSurfObject && result == cudaSuccess ? *pSurfObject : 0ull);
}

cudaError_t cudaDestroySurfaceObject(cudaSurfaceObject_t surfObject) {
  cudaError_t result = onDevice(
      [&](core::Device &device) { return core::destroySurfaceObject(device, surfObject); });
  return core::finishCall("cudaDestroySurfaceObject", result, "surfObject=0x%llx", surfObject);
}

cudaError_t cudaGetSurfaceObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                             cudaSurfaceObject_t surfObject) {
  const core::TextureObject *object = core::findSurfaceObject(surfObject);
  cudaError_t result = !pResDesc || !object ? cudaErrorInvalidValue : cudaSuccess;
  if (result == cudaSuccess)
    *pResDesc = object->resource;
  return core::finishCall("cudaGetSurfaceObjectResourceDesc", result,
                          "pResDesc=%p surfObject=0x%llx", static_cast<void *>(pResDesc),
                          surfObject);
}

} // extern "C"
