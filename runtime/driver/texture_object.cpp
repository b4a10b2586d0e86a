// Texture and surface objects: cuTexObjectCreate / Destroy and their descriptor queries,
// cuSurfObjectCreate / Destroy / GetResourceDesc, through runtime/core's texture objects (a
// CUtexObject or CUsurfObject is the runtime's handle, so either API can use the other's).
#include "runtime/driver/api.h"
#include "runtime/driver/context.h"
#include "runtime/driver/texture_descriptors.h"

#include "runtime/core/texture_object.h"
#include "runtime/core/texture_view.h"

#include <optional>

using namespace cuport;
using namespace cuport::driver;

namespace {

CUresult createTexture(CUtexObject *handle, const CUDA_RESOURCE_DESC &resourceDesc,
                       const CUDA_TEXTURE_DESC &textureDesc,
                       const CUDA_RESOURCE_VIEW_DESC *viewDesc) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  cudaResourceDesc resource{};
  if (CUresult result = toResourceDesc(resourceDesc, resource); result != CUDA_SUCCESS)
    return result;
  // A dead array has no format: core reports the handle.
  cudaChannelFormatDesc format{};
  resourceFormat(resource, format);
  cudaResourceViewDesc view{};
  if (viewDesc) {
    view = toResourceViewDesc(*viewDesc);
    // A view of another format reads as that format: READ_AS_INTEGER concerns its channels.
    if (std::optional<cudaChannelFormatDesc> viewFormat = core::viewChannelFormat(view.format))
      format = *viewFormat;
  }
  cudaTextureDesc texture{};
  if (CUresult result = toTextureDesc(textureDesc, format, texture); result != CUDA_SUCCESS)
    return result;
  return fromRuntime(
      core::createTextureObject(*device, handle, &resource, &texture, viewDesc ? &view : nullptr));
}

CUresult createSurface(CUsurfObject *handle, const CUDA_RESOURCE_DESC &resourceDesc) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  cudaResourceDesc resource{};
  if (CUresult result = toResourceDesc(resourceDesc, resource); result != CUDA_SUCCESS)
    return result;
  return fromRuntime(core::createSurfaceObject(*device, handle, &resource));
}

// The live texture object `handle` names, after the cuInit gate; null (CUDA_ERROR_INVALID_VALUE)
// otherwise.
CUresult findTexture(CUtexObject handle, const core::TextureObject *&object) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  object = core::findTextureObject(handle);
  return object ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

} // namespace

extern "C" {

CUresult cuTexObjectCreate(CUtexObject *pTexObject, const CUDA_RESOURCE_DESC *pResDesc,
                           const CUDA_TEXTURE_DESC *pTexDesc,
                           const CUDA_RESOURCE_VIEW_DESC *pResViewDesc) {
  CUresult result = !pTexObject || !pResDesc || !pTexDesc
                        ? CUDA_ERROR_INVALID_VALUE
                        : createTexture(pTexObject, *pResDesc, *pTexDesc, pResViewDesc);
  return finishCall(
      "cuTexObjectCreate", result, "pResDesc=%p pTexDesc=%p pResViewDesc=%p -> 0x%llx",
      static_cast<const void *>(pResDesc), static_cast<const void *>(pTexDesc),
      static_cast<const void *>(pResViewDesc), result == CUDA_SUCCESS ? *pTexObject : 0ull);
}

CUresult cuTexObjectDestroy(CUtexObject texObject) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::destroyTextureObject(*device, texObject));
  return finishCall("cuTexObjectDestroy", result, "texObject=0x%llx", texObject);
}

CUresult cuTexObjectGetResourceDesc(CUDA_RESOURCE_DESC *pResDesc, CUtexObject texObject) {
  const core::TextureObject *object = nullptr;
  CUresult result = pResDesc ? findTexture(texObject, object) : CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromResourceDesc(object->resource, *pResDesc);
  return finishCall("cuTexObjectGetResourceDesc", result, "texObject=0x%llx", texObject);
}

CUresult cuTexObjectGetTextureDesc(CUDA_TEXTURE_DESC *pTexDesc, CUtexObject texObject) {
  const core::TextureObject *object = nullptr;
  CUresult result = pTexDesc ? findTexture(texObject, object) : CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    cudaChannelFormatDesc format{};
    resourceFormat(object->resource, format);
    fromTextureDesc(object->texture, format, *pTexDesc);
  }
  return finishCall("cuTexObjectGetTextureDesc", result, "texObject=0x%llx", texObject);
}

// CUDA_ERROR_INVALID_VALUE for a texture created without a view, as the runtime answers.
CUresult cuTexObjectGetResourceViewDesc(CUDA_RESOURCE_VIEW_DESC *pResViewDesc,
                                        CUtexObject texObject) {
  const core::TextureObject *object = nullptr;
  CUresult result = pResViewDesc ? findTexture(texObject, object) : CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && !object->hasView)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *pResViewDesc = fromResourceViewDesc(object->view);
  return finishCall("cuTexObjectGetResourceViewDesc", result, "texObject=0x%llx", texObject);
}

CUresult cuSurfObjectCreate(CUsurfObject *pSurfObject, const CUDA_RESOURCE_DESC *pResDesc) {
  CUresult result =
      !pSurfObject || !pResDesc ? CUDA_ERROR_INVALID_VALUE : createSurface(pSurfObject, *pResDesc);
  return finishCall("cuSurfObjectCreate", result, "pResDesc=%p -> 0x%llx",
                    static_cast<const void *>(pResDesc),
                    result == CUDA_SUCCESS ? *pSurfObject : 0ull);
}

CUresult cuSurfObjectDestroy(CUsurfObject surfObject) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::destroySurfaceObject(*device, surfObject));
  return finishCall("cuSurfObjectDestroy", result, "surfObject=0x%llx", surfObject);
}

CUresult cuSurfObjectGetResourceDesc(CUDA_RESOURCE_DESC *pResDesc, CUsurfObject surfObject) {
  core::Device *device = nullptr;
  CUresult result = pResDesc ? requireContext(device) : CUDA_ERROR_INVALID_VALUE;
  const core::TextureObject *object =
      result == CUDA_SUCCESS ? core::findSurfaceObject(surfObject) : nullptr;
  if (result == CUDA_SUCCESS && !object)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromResourceDesc(object->resource, *pResDesc);
  return finishCall("cuSurfObjectGetResourceDesc", result, "surfObject=0x%llx", surfObject);
}

} // extern "C"
