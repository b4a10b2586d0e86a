#include "runtime/driver/texture_descriptors.h"

#include "runtime/driver/array_format.h"
#include "runtime/driver/array_handles.h"

#include "runtime/core/array.h"
#include "runtime/core/mipmapped_array.h"
#include "support/log.h"

namespace cuport::driver {
namespace {

constexpr unsigned kTextureFlags = CU_TRSF_READ_AS_INTEGER | CU_TRSF_NORMALIZED_COORDINATES |
                                   CU_TRSF_SRGB | CU_TRSF_DISABLE_TRILINEAR_OPTIMIZATION |
                                   CU_TRSF_SEAMLESS_CUBEMAP;

// Whether reads of `format` can return normalized floats: 8- and 16-bit integer channels.
bool promotable(const cudaChannelFormatDesc &format) {
  return (format.f == cudaChannelFormatKindSigned || format.f == cudaChannelFormatKindUnsigned) &&
         format.x != 32;
}

CUresult linearFormat(CUarray_format format, unsigned channels, cudaChannelFormatDesc &out) {
  return toChannelFormat(format, channels, out) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

} // namespace

CUresult toResourceDesc(const CUDA_RESOURCE_DESC &in, cudaResourceDesc &out) {
  out = cudaResourceDesc{};
  if (in.flags != 0) {
    CUPORT_ERROR("CUDA_RESOURCE_DESC flags 0x%x: must be zero", in.flags);
    return CUDA_ERROR_INVALID_VALUE;
  }
  switch (in.resType) {
  case CU_RESOURCE_TYPE_ARRAY:
    out.resType = cudaResourceTypeArray;
    out.res.array.array = arrayOf(in.res.array.hArray);
    return CUDA_SUCCESS;
  case CU_RESOURCE_TYPE_MIPMAPPED_ARRAY:
    out.resType = cudaResourceTypeMipmappedArray;
    out.res.mipmap.mipmap = mipmappedArrayOf(in.res.mipmap.hMipmappedArray);
    return CUDA_SUCCESS;
  case CU_RESOURCE_TYPE_LINEAR:
    out.resType = cudaResourceTypeLinear;
    out.res.linear.devPtr = reinterpret_cast<void *>(in.res.linear.devPtr);
    out.res.linear.sizeInBytes = in.res.linear.sizeInBytes;
    return linearFormat(in.res.linear.format, in.res.linear.numChannels, out.res.linear.desc);
  case CU_RESOURCE_TYPE_PITCH2D:
    out.resType = cudaResourceTypePitch2D;
    out.res.pitch2D.devPtr = reinterpret_cast<void *>(in.res.pitch2D.devPtr);
    out.res.pitch2D.width = in.res.pitch2D.width;
    out.res.pitch2D.height = in.res.pitch2D.height;
    out.res.pitch2D.pitchInBytes = in.res.pitch2D.pitchInBytes;
    return linearFormat(in.res.pitch2D.format, in.res.pitch2D.numChannels, out.res.pitch2D.desc);
  }
  CUPORT_ERROR("resource type %d is not a CUresourcetype", int(in.resType));
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult fromResourceDesc(const cudaResourceDesc &in, CUDA_RESOURCE_DESC &out) {
  out = CUDA_RESOURCE_DESC{};
  bool known = true;
  switch (in.resType) {
  case cudaResourceTypeArray:
    out.resType = CU_RESOURCE_TYPE_ARRAY;
    out.res.array.hArray = arrayHandle(in.res.array.array);
    break;
  case cudaResourceTypeMipmappedArray:
    out.resType = CU_RESOURCE_TYPE_MIPMAPPED_ARRAY;
    out.res.mipmap.hMipmappedArray = mipmappedArrayHandle(in.res.mipmap.mipmap);
    break;
  case cudaResourceTypeLinear:
    out.resType = CU_RESOURCE_TYPE_LINEAR;
    out.res.linear.devPtr = reinterpret_cast<CUdeviceptr>(in.res.linear.devPtr);
    out.res.linear.sizeInBytes = in.res.linear.sizeInBytes;
    known =
        fromChannelFormat(in.res.linear.desc, out.res.linear.format, out.res.linear.numChannels);
    break;
  case cudaResourceTypePitch2D:
    out.resType = CU_RESOURCE_TYPE_PITCH2D;
    out.res.pitch2D.devPtr = reinterpret_cast<CUdeviceptr>(in.res.pitch2D.devPtr);
    out.res.pitch2D.width = in.res.pitch2D.width;
    out.res.pitch2D.height = in.res.pitch2D.height;
    out.res.pitch2D.pitchInBytes = in.res.pitch2D.pitchInBytes;
    known =
        fromChannelFormat(in.res.pitch2D.desc, out.res.pitch2D.format, out.res.pitch2D.numChannels);
    break;
  }
  return known ? CUDA_SUCCESS : CUDA_ERROR_NOT_SUPPORTED;
}

bool resourceFormat(const cudaResourceDesc &resource, cudaChannelFormatDesc &format) {
  switch (resource.resType) {
  case cudaResourceTypeArray:
    if (!core::isLiveArray(resource.res.array.array))
      return false;
    format = resource.res.array.array->format;
    return true;
  case cudaResourceTypeMipmappedArray:
    if (!core::isLiveMipmappedArray(resource.res.mipmap.mipmap))
      return false;
    format = resource.res.mipmap.mipmap->format;
    return true;
  case cudaResourceTypeLinear:
    format = resource.res.linear.desc;
    return true;
  case cudaResourceTypePitch2D:
    format = resource.res.pitch2D.desc;
    return true;
  }
  return false;
}

CUresult toTextureDesc(const CUDA_TEXTURE_DESC &in, const cudaChannelFormatDesc &format,
                       cudaTextureDesc &out) {
  if (in.flags & ~kTextureFlags) {
    CUPORT_ERROR("texture flags 0x%x: unknown bits 0x%x", in.flags, in.flags & ~kTextureFlags);
    return CUDA_ERROR_INVALID_VALUE;
  }
  // CUaddress_mode and CUfilter_mode have the runtime's values; core checks their range.
  out = cudaTextureDesc{};
  for (int i = 0; i < 3; ++i)
    out.addressMode[i] = cudaTextureAddressMode(in.addressMode[i]);
  out.filterMode = cudaTextureFilterMode(in.filterMode);
  out.readMode = promotable(format) && !(in.flags & CU_TRSF_READ_AS_INTEGER)
                     ? cudaReadModeNormalizedFloat
                     : cudaReadModeElementType;
  out.sRGB = (in.flags & CU_TRSF_SRGB) != 0;
  for (int i = 0; i < 4; ++i)
    out.borderColor[i] = in.borderColor[i];
  out.normalizedCoords = (in.flags & CU_TRSF_NORMALIZED_COORDINATES) != 0;
  out.maxAnisotropy = in.maxAnisotropy;
  out.mipmapFilterMode = cudaTextureFilterMode(in.mipmapFilterMode);
  out.mipmapLevelBias = in.mipmapLevelBias;
  out.minMipmapLevelClamp = in.minMipmapLevelClamp;
  out.maxMipmapLevelClamp = in.maxMipmapLevelClamp;
  out.disableTrilinearOptimization = (in.flags & CU_TRSF_DISABLE_TRILINEAR_OPTIMIZATION) != 0;
  out.seamlessCubemap = (in.flags & CU_TRSF_SEAMLESS_CUBEMAP) != 0;
  return CUDA_SUCCESS;
}

void fromTextureDesc(const cudaTextureDesc &in, const cudaChannelFormatDesc &format,
                     CUDA_TEXTURE_DESC &out) {
  out = CUDA_TEXTURE_DESC{};
  for (int i = 0; i < 3; ++i)
    out.addressMode[i] = CUaddress_mode(in.addressMode[i]);
  out.filterMode = CUfilter_mode(in.filterMode);
  bool integer =
      format.f == cudaChannelFormatKindSigned || format.f == cudaChannelFormatKindUnsigned;
  out.flags = (integer && in.readMode == cudaReadModeElementType ? CU_TRSF_READ_AS_INTEGER : 0) |
              (in.normalizedCoords ? CU_TRSF_NORMALIZED_COORDINATES : 0) |
              (in.sRGB ? CU_TRSF_SRGB : 0) |
              (in.disableTrilinearOptimization ? CU_TRSF_DISABLE_TRILINEAR_OPTIMIZATION : 0) |
              (in.seamlessCubemap ? CU_TRSF_SEAMLESS_CUBEMAP : 0);
  out.maxAnisotropy = in.maxAnisotropy;
  out.mipmapFilterMode = CUfilter_mode(in.mipmapFilterMode);
  out.mipmapLevelBias = in.mipmapLevelBias;
  out.minMipmapLevelClamp = in.minMipmapLevelClamp;
  out.maxMipmapLevelClamp = in.maxMipmapLevelClamp;
  for (int i = 0; i < 4; ++i)
    out.borderColor[i] = in.borderColor[i];
}

cudaResourceViewDesc toResourceViewDesc(const CUDA_RESOURCE_VIEW_DESC &in) {
  static_assert(int(CU_RES_VIEW_FORMAT_FLOAT_4X32) == int(cudaResViewFormatFloat4) &&
                int(CU_RES_VIEW_FORMAT_UNSIGNED_BC7) ==
                    int(cudaResViewFormatUnsignedBlockCompressed7));
  cudaResourceViewDesc out{};
  out.format = cudaResourceViewFormat(in.format);
  out.width = in.width;
  out.height = in.height;
  out.depth = in.depth;
  out.firstMipmapLevel = in.firstMipmapLevel;
  out.lastMipmapLevel = in.lastMipmapLevel;
  out.firstLayer = in.firstLayer;
  out.lastLayer = in.lastLayer;
  return out;
}

CUDA_RESOURCE_VIEW_DESC fromResourceViewDesc(const cudaResourceViewDesc &in) {
  CUDA_RESOURCE_VIEW_DESC out{};
  out.format = CUresourceViewFormat(in.format);
  out.width = in.width;
  out.height = in.height;
  out.depth = in.depth;
  out.firstMipmapLevel = in.firstMipmapLevel;
  out.lastMipmapLevel = in.lastMipmapLevel;
  out.firstLayer = in.firstLayer;
  out.lastLayer = in.lastLayer;
  return out;
}

} // namespace cuport::driver
