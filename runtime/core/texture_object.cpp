#include "runtime/core/texture_object.h"

#include "runtime/core/array.h"
#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/memory.h"
#include "runtime/core/mipmapped_array.h"
#include "runtime/core/texture_limits.h"
#include "runtime/core/texture_view.h"
#include "support/log.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

namespace cuport::core {
namespace {

std::mutex liveObjectsMutex;
std::unordered_set<const TextureObject *> liveObjects;

// Fills the image part of `d` from a channel format; false when it is not a sampleable format.
bool describeFormat(const cudaChannelFormatDesc &format, cuport_texture_descriptor &d) {
  size_t elementBytes = channelElementBytes(format);
  if (elementBytes == 0)
    return false;
  d.channel_bits = uint32_t(format.x);
  d.channels = uint32_t(elementBytes * 8 / d.channel_bits);
  d.channel_kind = uint32_t(format.f);
  if (std::optional<NormalizedKind> normalized = normalizedKind(format.f)) {
    d.channel_kind = normalized->isSigned ? CUPORT_CHANNEL_SIGNED : CUPORT_CHANNEL_UNSIGNED;
    d.normalized_format = 1;
  }
  d.element_bytes = uint32_t(elementBytes);
  return true;
}

void describeArray(const cudaArray &array, cuport_texture_descriptor &d) {
  describeFormat(array.format, d);
  d.data = reinterpret_cast<uint64_t>(array.data);
  d.width = array.width;
  d.height = array.height;
  d.depth = array.depth;
  d.layers = 1;
  d.row_pitch = array.rowPitch;
  d.slice_pitch = array.slicePitch;
  d.layered = (array.flags & cudaArrayLayered) != 0;
  d.cubemap = (array.flags & cudaArrayCubemap) != 0;
  if (d.layered || d.cubemap) {
    // Layers (faces) are the slices; the image itself is one slice deep.
    d.layers = array.depth;
    d.depth = 1;
  }
  d.dimensions = array.extent.height == 0                              ? 1
                 : (array.extent.depth == 0 || d.layered || d.cubemap) ? 2
                                                                       : 3;
}

cudaError_t describeResource(Device &device, const cudaResourceDesc &resource,
                             cuport_texture_descriptor &d) {
  switch (resource.resType) {
  case cudaResourceTypeArray:
    if (!isLiveArray(resource.res.array.array)) {
      CUPORT_ERROR("resource array %p is not a live CUDA array",
                   static_cast<void *>(resource.res.array.array));
      return cudaErrorInvalidResourceHandle;
    }
    describeArray(*resource.res.array.array, d);
    return cudaSuccess;
  case cudaResourceTypeMipmappedArray: {
    cudaMipmappedArray_const_t mipmapped = resource.res.mipmap.mipmap;
    if (!isLiveMipmappedArray(mipmapped)) {
      CUPORT_ERROR("resource mipmapped array %p is not a live one",
                   static_cast<const void *>(mipmapped));
      return cudaErrorInvalidResourceHandle;
    }
    describeArray(*mipmapped->levels[0], d);
    d.levels = uint32_t(mipmapped->levels.size());
    return cudaSuccess;
  }
  case cudaResourceTypeLinear: {
    const auto &linear = resource.res.linear;
    if (!describeFormat(linear.desc, d))
      return cudaErrorInvalidChannelDescriptor;
    if (!linear.devPtr || linear.sizeInBytes < d.element_bytes ||
        !device.allocations().containsRange(linear.devPtr, linear.sizeInBytes)) {
      CUPORT_ERROR("linear texture resource %p (%zu bytes) is not device memory", linear.devPtr,
                   linear.sizeInBytes);
      return cudaErrorInvalidValue;
    }
    if (reinterpret_cast<uintptr_t>(linear.devPtr) % texture_limits::kTextureAlignment ||
        linear.sizeInBytes / d.element_bytes > size_t(texture_limits::kTexture1DLinear)) {
      CUPORT_ERROR("linear texture resource %p: not %zu-byte aligned or wider than %d elements",
                   linear.devPtr, texture_limits::kTextureAlignment,
                   texture_limits::kTexture1DLinear);
      return cudaErrorInvalidValue;
    }
    d.data = reinterpret_cast<uint64_t>(linear.devPtr);
    d.dimensions = 1;
    d.width = linear.sizeInBytes / d.element_bytes;
    d.height = d.depth = d.layers = 1;
    d.row_pitch = d.slice_pitch = d.width * d.element_bytes;
    return cudaSuccess;
  }
  case cudaResourceTypePitch2D: {
    const auto &pitched = resource.res.pitch2D;
    if (!describeFormat(pitched.desc, d))
      return cudaErrorInvalidChannelDescriptor;
    size_t bytes = pitched.pitchInBytes * pitched.height;
    if (!pitched.devPtr || pitched.width == 0 || pitched.height == 0 ||
        pitched.pitchInBytes < pitched.width * d.element_bytes ||
        !device.allocations().containsRange(pitched.devPtr, bytes)) {
      CUPORT_ERROR("pitch2D texture resource %p (%zux%zu, pitch %zu) is not valid device memory",
                   pitched.devPtr, pitched.width, pitched.height, pitched.pitchInBytes);
      return cudaErrorInvalidValue;
    }
    if (reinterpret_cast<uintptr_t>(pitched.devPtr) % texture_limits::kTextureAlignment ||
        pitched.pitchInBytes % texture_limits::kTexturePitchAlignment ||
        pitched.width > size_t(texture_limits::kTexture2DLinear[0]) ||
        pitched.height > size_t(texture_limits::kTexture2DLinear[1]) ||
        pitched.pitchInBytes > size_t(texture_limits::kTexture2DLinear[2])) {
      CUPORT_ERROR("pitch2D texture resource %p (pitch %zu): needs %zu-byte alignment, a pitch "
                   "multiple of %zu and the 2D linear texture limits",
                   pitched.devPtr, pitched.pitchInBytes, texture_limits::kTextureAlignment,
                   texture_limits::kTexturePitchAlignment);
      return cudaErrorInvalidValue;
    }
    d.data = reinterpret_cast<uint64_t>(pitched.devPtr);
    d.dimensions = 2;
    d.width = pitched.width;
    d.height = pitched.height;
    d.depth = d.layers = 1;
    d.row_pitch = pitched.pitchInBytes;
    d.slice_pitch = bytes;
    return cudaSuccess;
  }
  }
  CUPORT_ERROR("resource type %d is not a CUDA resource type", int(resource.resType));
  return cudaErrorInvalidValue;
}

cudaError_t describeSampling(const cudaTextureDesc &texture, cuport_texture_descriptor &d) {
  for (int i = 0; i < 3; ++i) {
    if (texture.addressMode[i] < cudaAddressModeWrap ||
        texture.addressMode[i] > cudaAddressModeBorder)
      return cudaErrorInvalidValue;
    d.address_mode[i] = uint32_t(texture.addressMode[i]);
  }
  if ((texture.filterMode != cudaFilterModePoint && texture.filterMode != cudaFilterModeLinear) ||
      (texture.readMode != cudaReadModeElementType &&
       texture.readMode != cudaReadModeNormalizedFloat))
    return cudaErrorInvalidValue;
  // UNORM / SNORM formats and block-compressed views read as normalized floats whatever the read
  // mode: their channels are integers only in memory.
  bool blocks = d.block_format != CUPORT_BLOCK_NONE;
  bool integer = d.channel_kind != CUPORT_CHANNEL_FLOAT && !d.normalized_format && !blocks;
  d.normalized_read =
      d.normalized_format || blocks || (texture.readMode == cudaReadModeNormalizedFloat && integer);
  if (texture.readMode == cudaReadModeNormalizedFloat && integer && d.channel_bits == 32) {
    CUPORT_ERROR("cudaReadModeNormalizedFloat needs 8- or 16-bit integer channels");
    return cudaErrorInvalidValue;
  }
  d.linear_filter = texture.filterMode == cudaFilterModeLinear;
  if (d.linear_filter && integer && !d.normalized_read) {
    CUPORT_ERROR("linear filtering needs float results: float channels or "
                 "cudaReadModeNormalizedFloat");
    return cudaErrorInvalidValue;
  }
  d.normalized_coords = texture.normalizedCoords != 0;
  d.srgb = texture.sRGB != 0;
  if (d.srgb &&
      !(d.normalized_read && d.channel_bits == 8 && d.channel_kind == CUPORT_CHANNEL_UNSIGNED)) {
    CUPORT_ERROR("sRGB conversion is supported for 8-bit unsigned normalized reads only");
    return cudaErrorNotSupported;
  }
  for (int i = 0; i < 4; ++i)
    d.border_color[i] = texture.borderColor[i];
  if (texture.mipmapFilterMode != cudaFilterModePoint &&
      texture.mipmapFilterMode != cudaFilterModeLinear)
    return cudaErrorInvalidValue;
  if (d.levels == 0) {
    if (texture.mipmapFilterMode != cudaFilterModePoint || texture.maxMipmapLevelClamp != 0 ||
        texture.minMipmapLevelClamp != 0 || texture.mipmapLevelBias != 0)
      CUPORT_DEBUG("texture mipmap settings have no effect without a mipmapped array");
    return cudaSuccess;
  }
  d.mipmap_linear_filter = texture.mipmapFilterMode == cudaFilterModeLinear;
  if (d.mipmap_linear_filter && integer && !d.normalized_read) {
    CUPORT_ERROR("linear mipmap filtering needs float results: float channels or "
                 "cudaReadModeNormalizedFloat");
    return cudaErrorInvalidValue;
  }
  d.level_bias = texture.mipmapLevelBias;
  d.min_level_clamp = texture.minMipmapLevelClamp;
  d.max_level_clamp = texture.maxMipmapLevelClamp;
  // Anisotropic filtering is not modelled: every footprint is isotropic (maxAnisotropy 1).
  if (texture.maxAnisotropy > 1)
    CUPORT_DEBUG("maxAnisotropy %u: mipmapped textures filter isotropically",
                 texture.maxAnisotropy);
  return cudaSuccess;
}

bool isZero(const void *bytes, size_t size) {
  const auto *p = static_cast<const unsigned char *>(bytes);
  for (size_t i = 0; i < size; ++i)
    if (p[i])
      return false;
  return true;
}

cudaError_t publish(std::unique_ptr<TextureObject> object, unsigned long long *handle) {
  std::lock_guard lock(liveObjectsMutex);
  *handle = reinterpret_cast<unsigned long long>(&object->descriptor);
  liveObjects.insert(object.release());
  return cudaSuccess;
}

const TextureObject *find(unsigned long long handle, uint32_t magic) {
  std::lock_guard lock(liveObjectsMutex);
  auto *object = reinterpret_cast<const TextureObject *>(handle);
  if (!liveObjects.count(object) || object->descriptor.magic != magic)
    return nullptr;
  return object;
}

cudaError_t destroy(Device &device, unsigned long long handle, uint32_t magic) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!find(handle, magic))
    return cudaErrorInvalidValue;
  cudaError_t pending = synchronizeDevice(device);
  std::lock_guard lock(liveObjectsMutex);
  auto *object = reinterpret_cast<const TextureObject *>(handle);
  if (liveObjects.erase(object) == 0)
    return cudaErrorInvalidValue; // destroyed by another thread meanwhile
  delete object;
  return pending;
}

} // namespace

cudaError_t createTextureObject(Device &device, cudaTextureObject_t *handle,
                                const cudaResourceDesc *resource, const cudaTextureDesc *texture,
                                const cudaResourceViewDesc *view) {
  if (!handle || !resource || !texture)
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  auto object = std::make_unique<TextureObject>();
  object->resource = *resource;
  object->texture = *texture;
  cuport_texture_descriptor &d = object->descriptor;
  if (cudaError_t error = describeResource(device, *resource, d); error != cudaSuccess)
    return error;
  if (resource->resType == cudaResourceTypeMipmappedArray) {
    for (cudaArray_t level : resource->res.mipmap.mipmap->levels)
      // Layers (faces) are slices of a one-slice-deep image, as describeArray says.
      object->levels.push_back(cuport_texture_level{
          reinterpret_cast<uint64_t>(level->data), level->width, level->height,
          (level->flags & (cudaArrayLayered | cudaArrayCubemap)) ? 1 : level->depth,
          level->rowPitch, level->slicePitch});
    d.level_table = reinterpret_cast<uint64_t>(object->levels.data());
  }
  // An all-zero view is taken as none.
  if (view && !isZero(view, sizeof *view)) {
    object->view = *view;
    object->hasView = true;
    if (cudaError_t error = applyResourceView(*object); error != cudaSuccess)
      return error;
  }
  if (cudaError_t error = describeSampling(*texture, d); error != cudaSuccess)
    return error;
  if (resource->resType == cudaResourceTypeLinear) {
    // tex1Dfetch reads zero outside linear memory, whatever the address mode says.
    for (uint32_t &mode : d.address_mode)
      mode = CUPORT_ADDRESS_BORDER;
    for (float &channel : d.border_color)
      channel = 0;
  }
  d.magic = CUPORT_TEXTURE_MAGIC;
  return publish(std::move(object), handle);
}

cudaError_t createSurfaceObject(Device &device, cudaSurfaceObject_t *handle,
                                const cudaResourceDesc *resource) {
  if (!handle || !resource)
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (resource->resType != cudaResourceTypeArray) {
    CUPORT_ERROR("a surface object needs a CUDA array resource");
    return cudaErrorInvalidValue;
  }
  auto object = std::make_unique<TextureObject>();
  object->resource = *resource;
  cuport_texture_descriptor &d = object->descriptor;
  if (cudaError_t error = describeResource(device, *resource, d); error != cudaSuccess)
    return error;
  if (!(resource->res.array.array->flags & cudaArraySurfaceLoadStore)) {
    CUPORT_ERROR("surface object over an array created without cudaArraySurfaceLoadStore");
    return cudaErrorInvalidValue;
  }
  d.magic = CUPORT_SURFACE_MAGIC;
  return publish(std::move(object), handle);
}

cudaError_t destroyTextureObject(Device &device, cudaTextureObject_t handle) {
  return destroy(device, handle, CUPORT_TEXTURE_MAGIC);
}

cudaError_t destroySurfaceObject(Device &device, cudaSurfaceObject_t handle) {
  return destroy(device, handle, CUPORT_SURFACE_MAGIC);
}

const TextureObject *findTextureObject(cudaTextureObject_t handle) {
  return find(handle, CUPORT_TEXTURE_MAGIC);
}

const TextureObject *findSurfaceObject(cudaSurfaceObject_t handle) {
  return find(handle, CUPORT_SURFACE_MAGIC);
}

} // namespace cuport::core
