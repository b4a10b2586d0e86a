// Level-of-detail selection on mipmapped textures (backends/cpu/texture_lod.h): the sampler's bias
// and clamps, the nearest level for point mipmap filtering, the 8-bit fixed-point blend weight
// for linear, integer levels, isotropic gradients in level-0 texels, and txq.level's extents.
#include "backends/cpu/texture_lod.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace cuport::cpu {
namespace {

uint32_t bits(float value) {
  uint32_t b;
  std::memcpy(&b, &value, 4);
  return b;
}

struct Mipmapped {
  cuport_texture_level table[5];
  cuport_texture_descriptor d{};

  Mipmapped() {
    // 16x8, 8x4, 4x2, 2x1, 1x1 over a fake base address.
    for (uint32_t l = 0; l < 5; ++l) {
      uint64_t width = 16 >> l, height = std::max<uint64_t>(8 >> l, 1);
      table[l] = {0x1000 * (l + 1), width, height, 1, width * 4, width * 4 * height};
    }
    d.magic = CUPORT_TEXTURE_MAGIC;
    d.channels = 1;
    d.channel_bits = 32;
    d.channel_kind = CUPORT_CHANNEL_FLOAT;
    d.element_bytes = 4;
    d.dimensions = 2;
    d.width = 16;
    d.height = 8;
    d.depth = d.layers = 1;
    d.normalized_coords = 1;
    d.levels = 5;
    d.level_table = reinterpret_cast<uint64_t>(table);
    d.max_level_clamp = 4;
  }
};

LevelChoice levelOf(const cuport_texture_descriptor &d, float lod) {
  uint32_t coordinates[16] = {bits(0.5f), bits(0.5f), 0, 0, 0, 0, 0, 0, bits(lod)};
  return chooseLevels(d, CUPORT_SHAPE_2D | CUPORT_TEX_LOD_LEVEL, coordinates);
}

TEST(TextureLod, NearestLevelAndClamps) {
  Mipmapped m;
  EXPECT_EQ(levelOf(m.d, 1.49f).levels[0], 1u);
  EXPECT_EQ(levelOf(m.d, 1.51f).levels[0], 2u);
  EXPECT_EQ(levelOf(m.d, -3.0f).levels[0], 0u);
  EXPECT_EQ(levelOf(m.d, 9.0f).levels[0], 4u);
  EXPECT_EQ(levelOf(m.d, 1.0f).weight, 0.0f);
  m.d.level_bias = 1;
  EXPECT_EQ(levelOf(m.d, 1.0f).levels[0], 2u);
  m.d.level_bias = 0;
  m.d.min_level_clamp = 2;
  m.d.max_level_clamp = 3;
  EXPECT_EQ(levelOf(m.d, 0.0f).levels[0], 2u);
  EXPECT_EQ(levelOf(m.d, 4.0f).levels[0], 3u);
  // A zero maximum clamp (cudaTextureDesc's default) keeps level 0.
  m.d.min_level_clamp = m.d.max_level_clamp = 0;
  EXPECT_EQ(levelOf(m.d, 3.0f).levels[0], 0u);
}

TEST(TextureLod, LinearBlendWeightIsEightBitFixedPoint) {
  Mipmapped m;
  m.d.mipmap_linear_filter = 1;
  LevelChoice choice = levelOf(m.d, 2.3f);
  EXPECT_EQ(choice.levels[0], 2u);
  EXPECT_EQ(choice.levels[1], 3u);
  EXPECT_EQ(choice.weight, 77.0f / 256); // round(0.3 * 256) = 77
  choice = levelOf(m.d, 3.999f);
  EXPECT_EQ(choice.levels[1], 4u);
  EXPECT_EQ(choice.weight, 1.0f);
  choice = levelOf(m.d, 7.0f); // clamped to the last level: nothing to blend
  EXPECT_EQ(choice.levels[0], 4u);
  EXPECT_EQ(choice.weight, 0.0f);
}

TEST(TextureLod, IntegerLevelsAndGradients) {
  Mipmapped m;
  uint32_t integer[16] = {3, 2, 0, 0, 0, 0, 0, 0, uint32_t(-2)};
  EXPECT_EQ(
      chooseLevels(m.d, CUPORT_SHAPE_2D | CUPORT_TEX_COORDS_INT | CUPORT_TEX_LOD_LEVEL, integer)
          .levels[0],
      0u);
  integer[8] = 3;
  EXPECT_EQ(
      chooseLevels(m.d, CUPORT_SHAPE_2D | CUPORT_TEX_COORDS_INT | CUPORT_TEX_LOD_LEVEL, integer)
          .levels[0],
      3u);
  // dPdx = (4 / 16, 0) is 4 texels, dPdy = (0, 1 / 8) one: lambda = 2.
  uint32_t gradients[16] = {bits(0.5f), bits(0.5f),  0, 0, 0, 0, 0,
                            0,          bits(0.25f), 0, 0, 0, 0, bits(0.125f)};
  EXPECT_EQ(chooseLevels(m.d, CUPORT_SHAPE_2D | CUPORT_TEX_LOD_GRAD, gradients).levels[0], 2u);
  // Zero gradients: lambda is -infinity, clamped to level 0.
  uint32_t zero[16] = {bits(0.5f), bits(0.5f)};
  EXPECT_EQ(chooseLevels(m.d, CUPORT_SHAPE_2D | CUPORT_TEX_LOD_GRAD, zero).levels[0], 0u);
}

TEST(TextureLod, LevelImagesAndQueries) {
  Mipmapped m;
  cuport_texture_descriptor level = mipmapLevel(m.d, 3);
  EXPECT_EQ(level.data, 0x4000u);
  EXPECT_EQ(level.width, 2u);
  EXPECT_EQ(level.height, 1u);
  EXPECT_EQ(level.row_pitch, 8u);
  EXPECT_EQ(level.linear_filter, m.d.linear_filter);
  EXPECT_EQ(queryTextureLevel(m.d, 0, 1), 8);
  EXPECT_EQ(queryTextureLevel(m.d, 1, 4), 1);
  EXPECT_EQ(queryTextureLevel(m.d, 2, 2), 1);
  EXPECT_EQ(queryTextureLevel(m.d, 0, 5), 0);
  EXPECT_EQ(queryTextureLevel(m.d, 0, -1), 0);
  cuport_texture_descriptor plain = m.d;
  plain.levels = 0;
  EXPECT_EQ(queryTextureLevel(plain, 0, 0), 16);
  EXPECT_EQ(queryTextureLevel(plain, 0, 1), 0);
}

} // namespace
} // namespace cuport::cpu
