#include "runtime/driver/array_format.h"

#include "support/log.h"

namespace cuport::driver {
namespace {

// A CUarray_format whose element is a fixed runtime channel format (the normalized, packed and
// block-compressed formats), as cudaCreateChannelDesc<kind>() describes it.
struct FixedFormat {
  CUarray_format format;
  cudaChannelFormatDesc desc;
  unsigned channels; // what the format's name says (UNORM_INT8X2: 2), or its channel count
  bool named;        // NumChannels must equal `channels` (the normalized formats)
};

constexpr cudaChannelFormatDesc bits(int x, int y, int z, int w, cudaChannelFormatKind kind) {
  return cudaChannelFormatDesc{x, y, z, w, kind};
}

constexpr FixedFormat kFixedFormats[] = {
    {CU_AD_FORMAT_UNORM_INT8X1, bits(8, 0, 0, 0, cudaChannelFormatKindUnsignedNormalized8X1), 1,
     true},
    {CU_AD_FORMAT_UNORM_INT8X2, bits(8, 8, 0, 0, cudaChannelFormatKindUnsignedNormalized8X2), 2,
     true},
    {CU_AD_FORMAT_UNORM_INT8X4, bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedNormalized8X4), 4,
     true},
    {CU_AD_FORMAT_UNORM_INT16X1, bits(16, 0, 0, 0, cudaChannelFormatKindUnsignedNormalized16X1), 1,
     true},
    {CU_AD_FORMAT_UNORM_INT16X2, bits(16, 16, 0, 0, cudaChannelFormatKindUnsignedNormalized16X2), 2,
     true},
    {CU_AD_FORMAT_UNORM_INT16X4, bits(16, 16, 16, 16, cudaChannelFormatKindUnsignedNormalized16X4),
     4, true},
    {CU_AD_FORMAT_SNORM_INT8X1, bits(8, 0, 0, 0, cudaChannelFormatKindSignedNormalized8X1), 1,
     true},
    {CU_AD_FORMAT_SNORM_INT8X2, bits(8, 8, 0, 0, cudaChannelFormatKindSignedNormalized8X2), 2,
     true},
    {CU_AD_FORMAT_SNORM_INT8X4, bits(8, 8, 8, 8, cudaChannelFormatKindSignedNormalized8X4), 4,
     true},
    {CU_AD_FORMAT_SNORM_INT16X1, bits(16, 0, 0, 0, cudaChannelFormatKindSignedNormalized16X1), 1,
     true},
    {CU_AD_FORMAT_SNORM_INT16X2, bits(16, 16, 0, 0, cudaChannelFormatKindSignedNormalized16X2), 2,
     true},
    {CU_AD_FORMAT_SNORM_INT16X4, bits(16, 16, 16, 16, cudaChannelFormatKindSignedNormalized16X4), 4,
     true},
    {CU_AD_FORMAT_NV12, bits(8, 8, 8, 0, cudaChannelFormatKindNV12), 3, false},
    {CU_AD_FORMAT_UNORM_INT_101010_2,
     bits(10, 10, 10, 2, cudaChannelFormatKindUnsignedNormalized1010102), 4, false},
    {CU_AD_FORMAT_BC1_UNORM, bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed1), 4,
     false},
    {CU_AD_FORMAT_BC1_UNORM_SRGB,
     bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed1SRGB), 4, false},
    {CU_AD_FORMAT_BC2_UNORM, bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed2), 4,
     false},
    {CU_AD_FORMAT_BC2_UNORM_SRGB,
     bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed2SRGB), 4, false},
    {CU_AD_FORMAT_BC3_UNORM, bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed3), 4,
     false},
    {CU_AD_FORMAT_BC3_UNORM_SRGB,
     bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed3SRGB), 4, false},
    {CU_AD_FORMAT_BC4_UNORM, bits(8, 0, 0, 0, cudaChannelFormatKindUnsignedBlockCompressed4), 1,
     false},
    {CU_AD_FORMAT_BC4_SNORM, bits(8, 0, 0, 0, cudaChannelFormatKindSignedBlockCompressed4), 1,
     false},
    {CU_AD_FORMAT_BC5_UNORM, bits(8, 8, 0, 0, cudaChannelFormatKindUnsignedBlockCompressed5), 2,
     false},
    {CU_AD_FORMAT_BC5_SNORM, bits(8, 8, 0, 0, cudaChannelFormatKindSignedBlockCompressed5), 2,
     false},
    {CU_AD_FORMAT_BC6H_UF16, bits(16, 16, 16, 0, cudaChannelFormatKindUnsignedBlockCompressed6H), 3,
     false},
    {CU_AD_FORMAT_BC6H_SF16, bits(16, 16, 16, 0, cudaChannelFormatKindSignedBlockCompressed6H), 3,
     false},
    {CU_AD_FORMAT_BC7_UNORM, bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed7), 4,
     false},
    {CU_AD_FORMAT_BC7_UNORM_SRGB,
     bits(8, 8, 8, 8, cudaChannelFormatKindUnsignedBlockCompressed7SRGB), 4, false},
};

// The plain formats: `channels` channels of one integer or float type.
bool plainFormat(CUarray_format format, int &bitsPerChannel, cudaChannelFormatKind &kind) {
  switch (format) {
  case CU_AD_FORMAT_UNSIGNED_INT8:
    bitsPerChannel = 8, kind = cudaChannelFormatKindUnsigned;
    return true;
  case CU_AD_FORMAT_UNSIGNED_INT16:
    bitsPerChannel = 16, kind = cudaChannelFormatKindUnsigned;
    return true;
  case CU_AD_FORMAT_UNSIGNED_INT32:
    bitsPerChannel = 32, kind = cudaChannelFormatKindUnsigned;
    return true;
  case CU_AD_FORMAT_SIGNED_INT8:
    bitsPerChannel = 8, kind = cudaChannelFormatKindSigned;
    return true;
  case CU_AD_FORMAT_SIGNED_INT16:
    bitsPerChannel = 16, kind = cudaChannelFormatKindSigned;
    return true;
  case CU_AD_FORMAT_SIGNED_INT32:
    bitsPerChannel = 32, kind = cudaChannelFormatKindSigned;
    return true;
  case CU_AD_FORMAT_HALF:
    bitsPerChannel = 16, kind = cudaChannelFormatKindFloat;
    return true;
  case CU_AD_FORMAT_FLOAT:
    bitsPerChannel = 32, kind = cudaChannelFormatKindFloat;
    return true;
  default:
    return false;
  }
}

bool sameDesc(const cudaChannelFormatDesc &a, const cudaChannelFormatDesc &b) {
  return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w && a.f == b.f;
}

} // namespace

bool toChannelFormat(CUarray_format format, unsigned channels, cudaChannelFormatDesc &out) {
  int bitsPerChannel = 0;
  cudaChannelFormatKind kind{};
  if (plainFormat(format, bitsPerChannel, kind)) {
    if (channels != 1 && channels != 2 && channels != 4) {
      CUPORT_ERROR("NumChannels %u: an array element has 1, 2 or 4 channels", channels);
      return false;
    }
    out = cudaChannelFormatDesc{bitsPerChannel, channels > 1 ? bitsPerChannel : 0,
                                channels > 2 ? bitsPerChannel : 0,
                                channels > 2 ? bitsPerChannel : 0, kind};
    return true;
  }
  for (const FixedFormat &fixed : kFixedFormats)
    if (fixed.format == format) {
      if (fixed.named && channels != fixed.channels) {
        CUPORT_ERROR("array format 0x%x has %u channels, not NumChannels %u", unsigned(format),
                     fixed.channels, channels);
        return false;
      }
      out = fixed.desc;
      return true;
    }
  CUPORT_ERROR("array format 0x%x has no CUDA channel format cuport knows", unsigned(format));
  return false;
}

bool fromChannelFormat(const cudaChannelFormatDesc &format, CUarray_format &out,
                       unsigned &channels) {
  for (const FixedFormat &fixed : kFixedFormats)
    if (sameDesc(fixed.desc, format)) {
      out = fixed.format;
      channels = fixed.channels;
      return true;
    }
  channels = format.w ? 4 : format.y ? 2 : 1;
  for (CUarray_format plain :
       {CU_AD_FORMAT_UNSIGNED_INT8, CU_AD_FORMAT_UNSIGNED_INT16, CU_AD_FORMAT_UNSIGNED_INT32,
        CU_AD_FORMAT_SIGNED_INT8, CU_AD_FORMAT_SIGNED_INT16, CU_AD_FORMAT_SIGNED_INT32,
        CU_AD_FORMAT_HALF, CU_AD_FORMAT_FLOAT}) {
    cudaChannelFormatDesc candidate{};
    if (toChannelFormat(plain, channels, candidate) && sameDesc(candidate, format)) {
      out = plain;
      return true;
    }
  }
  return false;
}

CUresult toArrayFlags(unsigned flags, unsigned &out) {
  if (flags & (CUDA_ARRAY3D_DEPTH_TEXTURE | CUDA_ARRAY3D_VIDEO_ENCODE_DECODE)) {
    CUPORT_ERROR("CUDA_ARRAY3D_DEPTH_TEXTURE and CUDA_ARRAY3D_VIDEO_ENCODE_DECODE arrays "
                 "(flags 0x%x) are not supported",
                 flags);
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  static_assert(CUDA_ARRAY3D_LAYERED == cudaArrayLayered &&
                CUDA_ARRAY3D_SURFACE_LDST == cudaArraySurfaceLoadStore &&
                CUDA_ARRAY3D_CUBEMAP == cudaArrayCubemap &&
                CUDA_ARRAY3D_TEXTURE_GATHER == cudaArrayTextureGather &&
                CUDA_ARRAY3D_COLOR_ATTACHMENT == cudaArrayColorAttachment &&
                CUDA_ARRAY3D_SPARSE == cudaArraySparse &&
                CUDA_ARRAY3D_DEFERRED_MAPPING == cudaArrayDeferredMapping);
  out = flags;
  return CUDA_SUCCESS;
}

} // namespace cuport::driver
