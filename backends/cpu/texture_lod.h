// Level-of-detail selection for textures over mipmapped arrays: tex.level takes the level from
// its operand, tex.grad from the gradients (the isotropic formula: lambda = log2 of the longer
// gradient measured in level-0 texels; anisotropic filtering is not modelled, as if
// maxAnisotropy were 1). The sampler's bias and clamps apply, then the levels that exist bound
// it; point mipmap filtering takes the nearest level, linear filtering blends the two around it
// with an 8-bit fixed-point weight, as linear filtering between texels does.
#pragma once

#include "backends/texture_descriptor.h"

#include <cstdint>

namespace cuport::cpu {

// The image of level `level` (in range) of a mipmapped texture: its sampler, that level's storage.
cuport_texture_descriptor mipmapLevel(const cuport_texture_descriptor &texture, uint32_t level);

// The levels a tex.level / tex.grad (`op` carries CUPORT_TEX_LOD_*) samples on a mipmapped
// texture: `weight` 0 samples `levels[0]` alone, else the result is
// (1 - weight) * levels[0] + weight * levels[1].
struct LevelChoice {
  uint32_t levels[2] = {0, 0};
  float weight = 0;
};
LevelChoice chooseLevels(const cuport_texture_descriptor &texture, uint32_t op,
                         const uint32_t coordinates[16]);

// txq.level.{width,height,depth} (query 0, 1, 2) at level `lod`; a level the texture does not
// have reads 0. A plain image has one level.
int32_t queryTextureLevel(const cuport_texture_descriptor &texture, uint32_t query, int32_t lod);

} // namespace cuport::cpu
