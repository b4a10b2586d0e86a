// The driver API's texture and surface descriptions (CUDA_RESOURCE_DESC, CUDA_TEXTURE_DESC with
// its CU_TRSF_* flags, CUDA_RESOURCE_VIEW_DESC) in the runtime's terms, which runtime/core's
// texture objects take, and back for the descriptor queries.
#pragma once

#include "runtime/driver/api.h"

#include <texture_types.h>

namespace cuport::driver {

// CUDA_ERROR_INVALID_VALUE for an unknown resource type, non-zero flags or a linear / pitched
// format no channel format describes.
CUresult toResourceDesc(const CUDA_RESOURCE_DESC &in, cudaResourceDesc &out);
CUresult fromResourceDesc(const cudaResourceDesc &in, CUDA_RESOURCE_DESC &out);

// The channel format a resource's texels have (its array's, or the linear / pitched one); false
// when it names no live array.
bool resourceFormat(const cudaResourceDesc &resource, cudaChannelFormatDesc &format);

// Integer texels read as floats in [0, 1] ([-1, 1] signed) unless CU_TRSF_READ_AS_INTEGER says
// otherwise; 32-bit integers are never promoted. CUDA_ERROR_INVALID_VALUE for unknown flags.
CUresult toTextureDesc(const CUDA_TEXTURE_DESC &in, const cudaChannelFormatDesc &format,
                       cudaTextureDesc &out);
void fromTextureDesc(const cudaTextureDesc &in, const cudaChannelFormatDesc &format,
                     CUDA_TEXTURE_DESC &out);

// The two view descriptions have the same members and format values.
cudaResourceViewDesc toResourceViewDesc(const CUDA_RESOURCE_VIEW_DESC &in);
CUDA_RESOURCE_VIEW_DESC fromResourceViewDesc(const cudaResourceViewDesc &in);

} // namespace cuport::driver
