// Texture and surface objects: cudaCreateTextureObject / cudaCreateSurfaceObject and their
// queries. A handle is the address of the object's cuport_texture_descriptor
// (backends/texture_descriptor.h), which kernel code reads when it samples.
#pragma once

#include "backends/texture_descriptor.h"

#include <driver_types.h>
#include <surface_types.h>
#include <texture_types.h>

#include <vector>

namespace cuport::core {

class Device;

struct TextureObject {
  cuport_texture_descriptor descriptor{}; // first: the handle points here
  cudaResourceDesc resource{};
  cudaTextureDesc texture{};   // textures only
  cudaResourceViewDesc view{}; // textures only, when hasView
  bool hasView = false;
  std::vector<cuport_texture_level>
      levels; // a mipmapped array's, which descriptor.level_table names
};

cudaError_t createTextureObject(Device &device, cudaTextureObject_t *handle,
                                const cudaResourceDesc *resource, const cudaTextureDesc *texture,
                                const cudaResourceViewDesc *view);
cudaError_t createSurfaceObject(Device &device, cudaSurfaceObject_t *handle,
                                const cudaResourceDesc *resource);
// Waits for the device (kernels may still sample the object) and frees it.
cudaError_t destroyTextureObject(Device &device, cudaTextureObject_t handle);
cudaError_t destroySurfaceObject(Device &device, cudaSurfaceObject_t handle);
// The live texture (or surface) object `handle` names, or null.
const TextureObject *findTextureObject(cudaTextureObject_t handle);
const TextureObject *findSurfaceObject(cudaSurfaceObject_t handle);

} // namespace cuport::core
