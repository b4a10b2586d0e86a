#include "runtime/driver/module_reference.h"

#include "runtime/driver/context.h"
#include "runtime/driver/driver_module.h"
#include "runtime/driver/texture_descriptors.h"

#include "backends/texture_descriptor.h"
#include "runtime/core/memory.h"
#include "runtime/core/texture_object.h"
#include "support/log.h"

#include <map>
#include <memory>
#include <utility>

namespace cuport::driver {
namespace {

struct References {
  std::mutex mutex;
  std::map<std::pair<CUmodule, std::string>, std::unique_ptr<ModuleReference>> byName;
  std::map<const void *, ModuleReference *> byHandle;
};

References &references() {
  static References *instance = new References(); // never destroyed: calls may come at exit
  return *instance;
}

bool hasImage(const cudaResourceDesc &resource) {
  switch (resource.resType) {
  case cudaResourceTypeArray:
    return resource.res.array.array != nullptr;
  case cudaResourceTypeMipmappedArray:
    return resource.res.mipmap.mipmap != nullptr;
  case cudaResourceTypeLinear:
    return resource.res.linear.devPtr != nullptr;
  case cudaResourceTypePitch2D:
    return resource.res.pitch2D.devPtr != nullptr;
  }
  return false;
}

// A texture (or surface) object for the reference's settings, or the reason there is none.
cudaError_t makeObject(core::Device &device, const ModuleReference &reference,
                       const cudaResourceDesc &resource, const CUDA_TEXTURE_DESC &sampling,
                       unsigned long long &handle) {
  if (reference.surface)
    return core::createSurfaceObject(device, &handle, &resource);
  cudaChannelFormatDesc format{};
  resourceFormat(resource, format);
  cudaTextureDesc texture{};
  if (toTextureDesc(sampling, format, texture) != CUDA_SUCCESS)
    return cudaErrorInvalidValue;
  return core::createTextureObject(device, &handle, &resource, &texture, nullptr);
}

cudaError_t destroyObject(core::Device &device, const ModuleReference &reference,
                          unsigned long long handle) {
  return reference.surface ? core::destroySurfaceObject(device, handle)
                           : core::destroyTextureObject(device, handle);
}

} // namespace

CUresult findModuleReference(CUmodule module, const char *name, bool surface,
                             ModuleReference *&reference) {
  if (!name)
    return CUDA_ERROR_INVALID_VALUE;
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  core::Module *loaded = nullptr;
  if (CUresult result = moduleOf(module, *device, loaded); result != CUDA_SUCCESS)
    return result;
  if (!loaded->isReference(name, surface ? ptx::ScalarType::SurfRef : ptx::ScalarType::TexRef)) {
    CUPORT_ERROR("%s has no %s named %s", loaded->name().c_str(), surface ? ".surfref" : ".texref",
                 name);
    return CUDA_ERROR_NOT_FOUND;
  }
  References &all = references();
  std::lock_guard lock(all.mutex);
  std::unique_ptr<ModuleReference> &slot = all.byName[{module, name}];
  if (!slot) {
    slot = std::make_unique<ModuleReference>(module, name, surface);
    all.byHandle[slot.get()] = slot.get();
  }
  reference = slot.get();
  return CUDA_SUCCESS;
}

CUresult referenceOf(const void *handle, bool surface, ModuleReference *&reference) {
  References &all = references();
  std::lock_guard lock(all.mutex);
  auto found = all.byHandle.find(handle);
  if (!handle || found == all.byHandle.end() || found->second->surface != surface) {
    CUPORT_ERROR("%p is not a %s reference of a loaded module", handle,
                 surface ? "surface" : "texture");
    return CUDA_ERROR_INVALID_VALUE;
  }
  reference = found->second;
  return CUDA_SUCCESS;
}

CUresult checkImage(const ModuleReference &reference, const cudaResourceDesc &resource) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  unsigned long long handle = 0;
  // Point sampling of the elements as they are: valid for every image a texture may have.
  CUDA_TEXTURE_DESC neutral{};
  neutral.flags = CU_TRSF_READ_AS_INTEGER;
  cudaError_t error = makeObject(*device, reference, resource, neutral, handle);
  if (error != cudaSuccess)
    return fromRuntime(error);
  destroyObject(*device, reference, handle);
  return CUDA_SUCCESS;
}

CUresult rebind(ModuleReference &reference) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  void *address = nullptr;
  size_t bytes = 0;
  if (findModuleGlobal(reference.module, reference.name.c_str(), address, bytes) != CUDA_SUCCESS ||
      bytes != sizeof(cuport_texture_descriptor)) {
    CUPORT_ERROR("reference %s: its module is no longer loaded", reference.name.c_str());
    return CUDA_ERROR_INVALID_HANDLE;
  }
  unsigned long long made = 0;
  if (hasImage(reference.resource)) {
    cudaError_t error =
        makeObject(*device, reference, reference.resource, reference.sampling, made);
    if (error != cudaSuccess) {
      CUPORT_DEBUG("reference %s stays unbound until its settings make a valid texture",
                   reference.name.c_str());
      made = 0;
    }
  }
  cuport_texture_descriptor descriptor{};
  if (made) {
    const core::TextureObject *object =
        reference.surface ? core::findSurfaceObject(made) : core::findTextureObject(made);
    descriptor = object->descriptor;
  }
  // Kernels queued before the call still sample the old binding.
  cudaError_t pending = core::synchronizeDevice(*device);
  cuport_status status =
      device->backend().memcpy(device->self(), address, &descriptor, sizeof descriptor);
  if (reference.bound)
    destroyObject(*device, reference, reference.bound);
  reference.bound = made;
  if (status != CUPORT_OK)
    return CUDA_ERROR_UNKNOWN;
  return fromRuntime(pending);
}

} // namespace cuport::driver
