#include "runtime/core/array.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/memory.h"
#include "runtime/core/stream_set.h"
#include "runtime/core/texture_limits.h"
#include "support/log.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

namespace cuport::core {
namespace {

std::mutex liveArraysMutex;
std::unordered_set<cudaArray_t> liveArrays;

constexpr unsigned kKnownArrayFlags =
    cudaArrayLayered | cudaArraySurfaceLoadStore | cudaArrayCubemap | cudaArrayTextureGather;

bool isValidKind(cudaMemcpyKind kind) {
  return kind == cudaMemcpyHostToHost || kind == cudaMemcpyHostToDevice ||
         kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice ||
         kind == cudaMemcpyDefault;
}

// Whether `kind` says the source (or destination) is device memory; nullopt for
// cudaMemcpyDefault, where the pointer decides.
std::optional<bool> sideIsDevice(cudaMemcpyKind kind, bool source) {
  switch (kind) {
  case cudaMemcpyHostToHost:
    return false;
  case cudaMemcpyHostToDevice:
    return !source;
  case cudaMemcpyDeviceToHost:
    return source;
  case cudaMemcpyDeviceToDevice:
    return true;
  default:
    return std::nullopt;
  }
}

// One side of a copy: where its first byte is and how rows and slices step.
struct Endpoint {
  char *origin = nullptr;
  size_t rowPitch = 0, slicePitch = 0;
};

struct Region {
  Endpoint source, destination;
  size_t rowBytes = 0, rows = 0, slices = 0;
};

// The copy itself, as stream work or inline: rows of device-visible memory.
std::function<cudaError_t()> copyRunner(Device &device, Region region) {
  return [&device, region]() -> cudaError_t {
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    for (size_t z = 0; z < region.slices; ++z)
      for (size_t y = 0; y < region.rows; ++y) {
        char *to = region.destination.origin + z * region.destination.slicePitch +
                   y * region.destination.rowPitch;
        const char *from =
            region.source.origin + z * region.source.slicePitch + y * region.source.rowPitch;
        cuport_status status = device.backend().memcpy(device.self(), to, from, region.rowBytes);
        if (status != CUPORT_OK)
          return errorFromStatus(status);
      }
    return cudaSuccess;
  };
}

cudaError_t perform(Device &device, const Region &region, Stream *stream) {
  if (region.rowBytes == 0 || region.rows == 0 || region.slices == 0)
    return cudaSuccess;
  if (stream) {
    device.streams().submit(*stream, Work{cudaGraphNodeTypeMemcpy, copyRunner(device, region)});
    return cudaSuccess;
  }
  // A synchronous copy waits for the work queued before it, as copies from pageable memory do.
  cudaError_t pending = synchronizeDevice(device);
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  cudaError_t result = copyRunner(device, region)();
  return result != cudaSuccess ? result : pending;
}

// A linear-memory side must lie in device memory exactly when the kind says it is device memory.
cudaError_t checkPointerSide(Device &device, const void *first, size_t span, cudaMemcpyKind kind,
                             bool source) {
  std::optional<bool> device_side = sideIsDevice(kind, source);
  bool known = device.allocations().find(first).has_value();
  if (device_side.value_or(known) && !device.allocations().containsRange(first, span)) {
    CUPORT_ERROR("array copy %s %p (%zu bytes) is not inside device memory",
                 source ? "source" : "destination", first, span);
    return cudaErrorInvalidValue;
  }
  return cudaSuccess;
}

cudaError_t checkArraySide(cudaArray_t array, cudaMemcpyKind kind, bool source) {
  if (!isLiveArray(array)) {
    CUPORT_ERROR("array copy %s %p is not a live CUDA array", source ? "source" : "destination",
                 static_cast<void *>(array));
    return cudaErrorInvalidResourceHandle;
  }
  if (sideIsDevice(kind, source) == std::optional<bool>(false)) {
    CUPORT_ERROR("a CUDA array is device memory: memcpy kind %d does not fit",
                 static_cast<int>(kind));
    return cudaErrorInvalidMemcpyDirection;
  }
  return cudaSuccess;
}

// The array side of a 3D copy at element position `position`, `extent` elements wide.
cudaError_t arrayEndpoint(cudaArray_t array, cudaPos position, cudaExtent extent,
                          Endpoint &endpoint) {
  if (position.x + extent.width > array->width || position.y + extent.height > array->height ||
      position.z + extent.depth > array->depth) {
    CUPORT_ERROR("array copy of %zux%zux%zu at (%zu,%zu,%zu) leaves the %zux%zux%zu array",
                 extent.width, extent.height, extent.depth, position.x, position.y, position.z,
                 array->width, array->height, array->depth);
    return cudaErrorInvalidValue;
  }
  endpoint.origin = static_cast<char *>(array->data) + position.z * array->slicePitch +
                    position.y * array->rowPitch + position.x * array->elementBytes;
  endpoint.rowPitch = array->rowPitch;
  endpoint.slicePitch = array->slicePitch;
  return cudaSuccess;
}

// The linear side of a 3D copy: `position.x` and `rowBytes` in bytes.
cudaError_t pointerEndpoint(Device &device, cudaPitchedPtr pointer, cudaPos position,
                            size_t rowBytes, size_t rows, size_t slices, cudaMemcpyKind kind,
                            bool source, Endpoint &endpoint) {
  if (position.x + rowBytes > pointer.pitch) {
    CUPORT_ERROR("array copy: %zu bytes at byte %zu do not fit a pitch of %zu", rowBytes,
                 position.x, pointer.pitch);
    return cudaErrorInvalidPitchValue;
  }
  if (slices > 1 && position.y + rows > pointer.ysize) {
    CUPORT_ERROR("array copy: %zu rows at row %zu do not fit a slice of %zu rows", rows, position.y,
                 pointer.ysize);
    return cudaErrorInvalidValue;
  }
  endpoint.rowPitch = pointer.pitch;
  endpoint.slicePitch = pointer.pitch * pointer.ysize;
  endpoint.origin = static_cast<char *>(pointer.ptr) + position.z * endpoint.slicePitch +
                    position.y * pointer.pitch + position.x;
  size_t span = (slices - 1) * endpoint.slicePitch + (rows - 1) * endpoint.rowPitch + rowBytes;
  return checkPointerSide(device, endpoint.origin, span, kind, source);
}

// Whether `extent` fits the device's texture limits for the array's shape (and, with
// cudaArraySurfaceLoadStore, its surface limits).
bool withinLimits(cudaExtent e, unsigned flags) {
  namespace limits = texture_limits;
  auto fits = [](std::initializer_list<size_t> sizes, std::initializer_list<int> maxima) {
    auto maximum = maxima.begin();
    for (size_t size : sizes)
      if (size > size_t(*maximum++))
        return false;
    return true;
  };
  bool surface = flags & cudaArraySurfaceLoadStore;
  if (flags & cudaArrayCubemap) {
    if (flags & cudaArrayLayered)
      return fits({e.width, e.depth},
                  {limits::kTextureCubemapLayered[0], limits::kTextureCubemapLayered[1]}) &&
             (!surface || fits({e.width, e.depth}, {limits::kSurfaceCubemapLayered[0],
                                                    limits::kSurfaceCubemapLayered[1]}));
    return fits({e.width}, {limits::kTextureCubemap}) &&
           (!surface || fits({e.width}, {limits::kSurfaceCubemap}));
  }
  if (flags & cudaArrayLayered) {
    if (e.height == 0)
      return fits({e.width, e.depth},
                  {limits::kTexture1DLayered[0], limits::kTexture1DLayered[1]}) &&
             (!surface || fits({e.width, e.depth},
                               {limits::kSurface1DLayered[0], limits::kSurface1DLayered[1]}));
    return fits({e.width, e.height, e.depth},
                {limits::kTexture2DLayered[0], limits::kTexture2DLayered[1],
                 limits::kTexture2DLayered[2]}) &&
           (!surface || fits({e.width, e.height, e.depth},
                             {limits::kSurface2DLayered[0], limits::kSurface2DLayered[1],
                              limits::kSurface2DLayered[2]}));
  }
  if (e.depth != 0)
    return (fits({e.width, e.height, e.depth},
                 {limits::kTexture3D[0], limits::kTexture3D[1], limits::kTexture3D[2]}) ||
            fits({e.width, e.height, e.depth},
                 {limits::kTexture3DAlt[0], limits::kTexture3DAlt[1], limits::kTexture3DAlt[2]})) &&
           (!surface ||
            fits({e.width, e.height, e.depth},
                 {limits::kSurface3D[0], limits::kSurface3D[1], limits::kSurface3D[2]}));
  if (e.height != 0) {
    const int *texture =
        flags & cudaArrayTextureGather ? limits::kTexture2DGather : limits::kTexture2D;
    return fits({e.width, e.height}, {texture[0], texture[1]}) &&
           (!surface || fits({e.width, e.height}, {limits::kSurface2D[0], limits::kSurface2D[1]}));
  }
  return fits({e.width}, {limits::kTexture1D}) &&
         (!surface || fits({e.width}, {limits::kSurface1D}));
}

} // namespace

size_t channelElementBytes(const cudaChannelFormatDesc &format) {
  int bits[4] = {format.x, format.y, format.z, format.w};
  int channels = 0;
  while (channels < 4 && bits[channels] != 0)
    ++channels;
  for (int i = channels; i < 4; ++i)
    if (bits[i] != 0)
      return 0; // a gap: {8, 0, 8, 0}
  if (channels == 0 || channels == 3)
    return 0;
  for (int i = 1; i < channels; ++i)
    if (bits[i] != bits[0])
      return 0;
  switch (format.f) {
  case cudaChannelFormatKindSigned:
  case cudaChannelFormatKindUnsigned:
    if (bits[0] != 8 && bits[0] != 16 && bits[0] != 32)
      return 0;
    break;
  case cudaChannelFormatKindFloat:
    if (bits[0] != 16 && bits[0] != 32)
      return 0;
    break;
  default: {
    // The normalized kinds name their channels: {8, 8, 0, 0} for UnsignedNormalized8X2.
    std::optional<NormalizedKind> normalized = normalizedKind(format.f);
    if (!normalized || normalized->channels != channels || normalized->bits != bits[0])
      return 0; // also NV12, block-compressed and packed formats: not supported
    break;
  }
  }
  return size_t(channels) * size_t(bits[0]) / 8;
}

std::optional<NormalizedKind> normalizedKind(cudaChannelFormatKind kind) {
  switch (kind) {
  case cudaChannelFormatKindUnsignedNormalized8X1:
    return NormalizedKind{1, 8, false};
  case cudaChannelFormatKindUnsignedNormalized8X2:
    return NormalizedKind{2, 8, false};
  case cudaChannelFormatKindUnsignedNormalized8X4:
    return NormalizedKind{4, 8, false};
  case cudaChannelFormatKindUnsignedNormalized16X1:
    return NormalizedKind{1, 16, false};
  case cudaChannelFormatKindUnsignedNormalized16X2:
    return NormalizedKind{2, 16, false};
  case cudaChannelFormatKindUnsignedNormalized16X4:
    return NormalizedKind{4, 16, false};
  case cudaChannelFormatKindSignedNormalized8X1:
    return NormalizedKind{1, 8, true};
  case cudaChannelFormatKindSignedNormalized8X2:
    return NormalizedKind{2, 8, true};
  case cudaChannelFormatKindSignedNormalized8X4:
    return NormalizedKind{4, 8, true};
  case cudaChannelFormatKindSignedNormalized16X1:
    return NormalizedKind{1, 16, true};
  case cudaChannelFormatKindSignedNormalized16X2:
    return NormalizedKind{2, 16, true};
  case cudaChannelFormatKindSignedNormalized16X4:
    return NormalizedKind{4, 16, true};
  default:
    return std::nullopt;
  }
}

const char *unsupportedChannelKind(cudaChannelFormatKind kind) {
  if (kind == cudaChannelFormatKindNV12)
    return "NV12";
  if (kind == cudaChannelFormatKindUnsignedNormalized1010102)
    return "10-10-10-2 unsigned normalized";
  if (kind >= cudaChannelFormatKindUnsignedBlockCompressed1 &&
      kind <= cudaChannelFormatKindUnsignedBlockCompressed7SRGB)
    return "block-compressed";
  return nullptr;
}

cudaError_t createArray(Device &device, cudaArray_t *array, const cudaChannelFormatDesc *format,
                        cudaExtent extent, unsigned flags) {
  if (!array || !format)
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  *array = nullptr;
  if (flags & (cudaArraySparse | cudaArrayDeferredMapping)) {
    CUPORT_ERROR("sparse and deferred-mapping arrays (flags 0x%x) are not supported", flags);
    return cudaErrorNotSupported;
  }
  if (flags & ~kKnownArrayFlags) {
    CUPORT_ERROR("array flags 0x%x: unknown bits 0x%x", flags, flags & ~kKnownArrayFlags);
    return cudaErrorInvalidValue;
  }
  if (const char *unsupported = unsupportedChannelKind(format->f)) {
    CUPORT_ERROR("channel format kind %d (%s) is not supported for CUDA arrays",
                 static_cast<int>(format->f), unsupported);
    return cudaErrorNotSupported;
  }
  size_t elementBytes = channelElementBytes(*format);
  if (elementBytes == 0) {
    CUPORT_ERROR("channel format {%d,%d,%d,%d kind %d} is not an array format", format->x,
                 format->y, format->z, format->w, static_cast<int>(format->f));
    return cudaErrorInvalidChannelDescriptor;
  }
  bool layered = flags & cudaArrayLayered;
  bool cubemap = flags & cudaArrayCubemap;
  // Layered arrays and cubemaps keep their layers (faces) in `depth`; a 1D layered array has
  // height 0. Otherwise height 0 means 1D and depth 0 means 2D, and depth needs height.
  if (extent.width == 0 || (!layered && extent.height == 0 && extent.depth != 0) ||
      (layered && extent.depth == 0)) {
    CUPORT_ERROR("array extent %zux%zux%zu is invalid for flags 0x%x", extent.width, extent.height,
                 extent.depth, flags);
    return cudaErrorInvalidValue;
  }
  if (cubemap &&
      (extent.width != extent.height || (layered ? extent.depth % 6 != 0 : extent.depth != 6))) {
    CUPORT_ERROR("a cubemap needs square faces and 6 (or, layered, a multiple of 6) of them");
    return cudaErrorInvalidValue;
  }
  if ((flags & cudaArrayTextureGather) && (extent.height == 0 || extent.depth != 0)) {
    CUPORT_ERROR("cudaArrayTextureGather needs a 2D array");
    return cudaErrorInvalidValue;
  }
  if (!withinLimits(extent, flags)) {
    CUPORT_ERROR("array extent %zux%zux%zu (flags 0x%x) exceeds the device's texture limits",
                 extent.width, extent.height, extent.depth, flags);
    return cudaErrorInvalidValue;
  }
  auto created = std::make_unique<cudaArray>();
  created->format = *format;
  created->extent = extent;
  created->flags = flags;
  created->elementBytes = elementBytes;
  created->width = extent.width;
  created->height = extent.height ? extent.height : 1;
  created->depth = extent.depth ? extent.depth : 1;
  created->rowPitch = created->width * elementBytes;
  created->slicePitch = created->rowPitch * created->height;
  size_t bytes = created->slicePitch * created->depth;
  if (bytes / created->depth != created->slicePitch ||
      created->slicePitch / created->height != created->rowPitch ||
      created->rowPitch / elementBytes != created->width) {
    CUPORT_ERROR("array of %zux%zux%zu elements overflows", extent.width, extent.height,
                 extent.depth);
    return cudaErrorInvalidValue;
  }
  if (device.backend().mem_alloc(device.self(), bytes, &created->data) != CUPORT_OK ||
      !created->data) {
    CUPORT_ERROR("cannot allocate %zu bytes for a CUDA array", bytes);
    return cudaErrorMemoryAllocation;
  }
  std::lock_guard lock(liveArraysMutex);
  *array = created.release();
  liveArrays.insert(*array);
  return cudaSuccess;
}

bool isLiveArray(cudaArray_t array) {
  std::lock_guard lock(liveArraysMutex);
  return array && liveArrays.count(array) != 0;
}

cudaError_t destroyArray(Device &device, cudaArray_t array) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!array)
    return cudaSuccess;
  // Like cudaFree, cudaFreeArray waits for the device: a kernel may still read the array.
  cudaError_t pending = synchronizeDevice(device);
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (isLiveArray(array) && array->mipmapLevel) {
    CUPORT_ERROR("cudaFreeArray(%p): a mipmap level is freed with its mipmapped array",
                 static_cast<void *>(array));
    return cudaErrorInvalidValue;
  }
  cudaError_t released = releaseArray(device, array);
  return released != cudaSuccess ? released : pending;
}

cudaError_t releaseArray(Device &device, cudaArray_t array) {
  {
    std::lock_guard lock(liveArraysMutex);
    if (liveArrays.erase(array) == 0) {
      CUPORT_ERROR("cudaFreeArray(%p): not a live CUDA array", static_cast<void *>(array));
      return cudaErrorInvalidValue;
    }
  }
  cuport_status status = device.backend().mem_free(device.self(), array->data);
  delete array;
  return status != CUPORT_OK ? errorFromStatus(status) : cudaSuccess;
}

namespace {

// cudaMemcpy3D's validation: the rows to copy, or the error.
cudaError_t region3D(Device &device, const cudaMemcpy3DParms &p, Region &region) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!isValidKind(p.kind))
    return cudaErrorInvalidMemcpyDirection;
  // Exactly one of array and pointer on each side.
  if (bool(p.srcArray) == bool(p.srcPtr.ptr) || bool(p.dstArray) == bool(p.dstPtr.ptr)) {
    CUPORT_ERROR("cudaMemcpy3D needs exactly one of srcArray/srcPtr and of dstArray/dstPtr");
    return cudaErrorInvalidValue;
  }
  if (p.srcArray)
    if (cudaError_t error = checkArraySide(p.srcArray, p.kind, true); error != cudaSuccess)
      return error;
  if (p.dstArray)
    if (cudaError_t error = checkArraySide(p.dstArray, p.kind, false); error != cudaSuccess)
      return error;
  // With an array involved the extent counts its elements; between pointers it counts bytes.
  size_t elementBytes = 1;
  if (p.srcArray && p.dstArray && p.srcArray->elementBytes != p.dstArray->elementBytes) {
    CUPORT_ERROR("array to array copy between elements of %zu and %zu bytes",
                 p.srcArray->elementBytes, p.dstArray->elementBytes);
    return cudaErrorInvalidValue;
  }
  if (p.srcArray)
    elementBytes = p.srcArray->elementBytes;
  else if (p.dstArray)
    elementBytes = p.dstArray->elementBytes;
  region.rowBytes = p.extent.width * elementBytes;
  region.rows = p.extent.height;
  region.slices = p.extent.depth;
  if (region.rowBytes == 0 || region.rows == 0 || region.slices == 0)
    return cudaSuccess;
  cudaError_t error =
      p.srcArray ? arrayEndpoint(p.srcArray, p.srcPos, p.extent, region.source)
                 : pointerEndpoint(device, p.srcPtr, p.srcPos, region.rowBytes, region.rows,
                                   region.slices, p.kind, true, region.source);
  if (error != cudaSuccess)
    return error;
  error = p.dstArray ? arrayEndpoint(p.dstArray, p.dstPos, p.extent, region.destination)
                     : pointerEndpoint(device, p.dstPtr, p.dstPos, region.rowBytes, region.rows,
                                       region.slices, p.kind, false, region.destination);
  return error;
}

} // namespace

cudaError_t copy3D(Device &device, const cudaMemcpy3DParms &p, Stream *stream) {
  Region region;
  if (cudaError_t error = region3D(device, p, region); error != cudaSuccess)
    return error;
  return perform(device, region, stream);
}

cudaError_t prepareCopy3D(Device &device, const cudaMemcpy3DParms &p, Work &work) {
  Region region;
  if (cudaError_t error = region3D(device, p, region); error != cudaSuccess)
    return error;
  work = Work{cudaGraphNodeTypeMemcpy, copyRunner(device, region)};
  return cudaSuccess;
}

cudaError_t copyLinear(Device &device, const LinearArrayCopy &c, Stream *stream) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!isValidKind(c.kind))
    return cudaErrorInvalidMemcpyDirection;
  Region region;
  region.rowBytes = c.count;
  region.rows = region.slices = 1;
  auto arraySide = [&](cudaArray_t array, size_t wOffset, size_t hOffset, bool source,
                       Endpoint &endpoint) -> cudaError_t {
    if (cudaError_t error = checkArraySide(array, c.kind, source); error != cudaSuccess)
      return error;
    size_t offset = hOffset * array->rowPitch + wOffset;
    size_t total = array->slicePitch * array->depth;
    if (wOffset >= array->rowPitch || hOffset >= array->height * array->depth ||
        offset + c.count > total) {
      CUPORT_ERROR("array copy of %zu bytes at (%zu bytes, row %zu) leaves the array", c.count,
                   wOffset, hOffset);
      return cudaErrorInvalidValue;
    }
    endpoint.origin = static_cast<char *>(array->data) + offset;
    return cudaSuccess;
  };
  if (c.count == 0)
    return cudaSuccess;
  cudaError_t error = cudaSuccess;
  if (c.srcArray)
    error = arraySide(c.srcArray, c.srcWOffset, c.srcHOffset, true, region.source);
  else if (!c.srcPointer)
    error = cudaErrorInvalidValue;
  else {
    region.source.origin = static_cast<char *>(const_cast<void *>(c.srcPointer));
    error = checkPointerSide(device, c.srcPointer, c.count, c.kind, true);
  }
  if (error != cudaSuccess)
    return error;
  if (c.dstArray)
    error = arraySide(c.dstArray, c.dstWOffset, c.dstHOffset, false, region.destination);
  else if (!c.dstPointer)
    error = cudaErrorInvalidValue;
  else {
    region.destination.origin = static_cast<char *>(c.dstPointer);
    error = checkPointerSide(device, c.dstPointer, c.count, c.kind, false);
  }
  if (error != cudaSuccess)
    return error;
  return perform(device, region, stream);
}

} // namespace cuport::core
