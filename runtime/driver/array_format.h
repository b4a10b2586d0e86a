// The driver API's description of array elements (CUarray_format and a channel count) and array
// flags (CUDA_ARRAY3D_*) in the runtime's terms (cudaChannelFormatDesc, cudaArray* flags), which
// runtime/core works in, and back.
#pragma once

#include "runtime/driver/api.h"

namespace cuport::driver {

// The runtime's description of `channels` elements of `format`; false (with a diagnostic) when
// the pair describes no array element: an unknown format, a channel count other than 1, 2 or 4,
// or a count that contradicts a format with its own (CU_AD_FORMAT_UNORM_INT8X2 has two). The
// packed and block-compressed formats define their channels themselves: NumChannels is unused.
bool toChannelFormat(CUarray_format format, unsigned channels, cudaChannelFormatDesc &out);
// The inverse, for the descriptor and reference queries; false for a description no
// CUarray_format names.
bool fromChannelFormat(const cudaChannelFormatDesc &format, CUarray_format &out,
                       unsigned &channels);

// CUDA_ARRAY3D_* flags as cudaArray* flags (the shared bits have the same values). Returns
// CUDA_ERROR_NOT_SUPPORTED for the driver-only kinds of array cuport does not model (depth
// textures, video encode/decode surfaces); unknown bits pass through for core to refuse.
CUresult toArrayFlags(unsigned flags, unsigned &out);

} // namespace cuport::driver
