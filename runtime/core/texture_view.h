// Texture resource views (cudaCreateTextureObject's pResViewDesc, cuTexObjectCreate's
// CUDA_RESOURCE_VIEW_DESC): a texture object over part of a CUDA array or mipmapped array, or over
// its data in another format, as the runtime API documents them:
// - only array and mipmapped array resources take a view;
// - the format: cudaResViewFormatNone keeps the array's, another of the same element size
//   reinterprets the elements, and a block-compressed one (BC1..BC7) reads each element of an
//   array of 32-bit unsigned integers (2 channels for BC1 and BC4, 4 for the others) as one 4x4
//   block of texels;
// - width and height equal the array's (level 0's), four times them for block-compressed views;
//   depth equals the array's (a layered array's is its layer count, as it was allocated);
// - firstMipmapLevel..lastMipmapLevel of a mipmapped array become its levels 0..n-1 (the sampler's
//   level clamps are relative to the first); both are 0 for an array;
// - firstLayer..lastLayer of a layered array become its layers 0..n-1 (a cubemap array's layers
//   are its faces, and the range takes whole cubemaps); both are 0 for anything not layered.
// A view breaking these rules is cudaErrorInvalidValue.
#pragma once

#include "runtime/core/texture_object.h"

#include <optional>

namespace cuport::core {

// Narrows `object`'s descriptor, which describes its whole resource (and `object.levels` its
// levels), to `object.view`. Sampling settings are left to the caller, which checks them against
// the view's format.
cudaError_t applyResourceView(TextureObject &object);

// The channel format of a view format that is not block-compressed (None and the block formats:
// nothing): how texels read through such a view are typed, e.g. for the driver API's
// CU_TRSF_READ_AS_INTEGER, which applies to integer formats only.
std::optional<cudaChannelFormatDesc> viewChannelFormat(cudaResourceViewFormat format);

} // namespace cuport::core
