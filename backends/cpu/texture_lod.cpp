#include "backends/cpu/texture_lod.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cuport::cpu {
namespace {

float asFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// A cube direction's face coordinates: s and t across the face, m along its major axis (positive
// for the direction itself), with the same face table as sampling (texture_sampling.cpp).
struct FaceAxes {
  float s, t, m;
};

int majorFace(const float p[3]) {
  float ax = std::fabs(p[0]), ay = std::fabs(p[1]), az = std::fabs(p[2]);
  if (ax >= ay && ax >= az)
    return p[0] >= 0 ? 0 : 1;
  if (ay >= az)
    return p[1] >= 0 ? 2 : 3;
  return p[2] >= 0 ? 4 : 5;
}

FaceAxes faceAxes(int face, const float v[3]) {
  switch (face) {
  case 0:
    return {-v[2], -v[1], v[0]};
  case 1:
    return {v[2], -v[1], -v[0]};
  case 2:
    return {v[0], v[2], v[1]};
  case 3:
    return {v[0], -v[2], -v[1]};
  case 4:
    return {v[0], -v[1], v[2]};
  default:
    return {-v[0], -v[1], -v[2]};
  }
}

// The length of a gradient in level-0 texels. Cube faces are sampled at u = (s / m + 1) / 2, so
// du = (ds * m - s * dm) / (2 m^2), scaled by the face's width.
float gradientLength(const cuport_texture_descriptor &t, uint32_t shape, const float position[3],
                     const float gradient[3]) {
  if (shape == CUPORT_SHAPE_CUBE || shape == CUPORT_SHAPE_ACUBE) {
    int face = majorFace(position);
    FaceAxes p = faceAxes(face, position), d = faceAxes(face, gradient);
    if (p.m == 0)
      return 0;
    float du = (d.s * p.m - p.s * d.m) / (2 * p.m * p.m) * float(t.width);
    float dv = (d.t * p.m - p.t * d.m) / (2 * p.m * p.m) * float(t.width);
    return std::sqrt(du * du + dv * dv);
  }
  int dims = shape == CUPORT_SHAPE_1D || shape == CUPORT_SHAPE_A1D   ? 1
             : shape == CUPORT_SHAPE_2D || shape == CUPORT_SHAPE_A2D ? 2
                                                                     : 3;
  const uint64_t sizes[3] = {t.width, t.height, t.depth};
  float squared = 0;
  for (int d = 0; d < dims; ++d) {
    float texels = t.normalized_coords ? gradient[d] * float(sizes[d]) : gradient[d];
    squared += texels * texels;
  }
  return std::sqrt(squared);
}

// Linear filtering weight: the fraction in 9-bit fixed point with 8 fractional bits.
float fixedPointWeight(float fraction) {
  return std::round(fraction * 256.0f) / 256.0f;
}

} // namespace

cuport_texture_descriptor mipmapLevel(const cuport_texture_descriptor &t, uint32_t level) {
  cuport_texture_descriptor image = t;
  const auto &l = reinterpret_cast<const cuport_texture_level *>(t.level_table)[level];
  image.data = l.data;
  image.width = l.width;
  image.height = l.height;
  image.depth = l.depth;
  image.row_pitch = l.row_pitch;
  image.slice_pitch = l.slice_pitch;
  return image;
}

LevelChoice chooseLevels(const cuport_texture_descriptor &t, uint32_t op,
                         const uint32_t coordinates[16]) {
  LevelChoice choice;
  uint32_t last = t.levels - 1;
  if ((op & CUPORT_TEX_COORDS_INT) && (op & CUPORT_TEX_LOD_LEVEL)) {
    // An integer level of detail names the level outright.
    choice.levels[0] = uint32_t(std::clamp<int64_t>(int32_t(coordinates[8]), 0, last));
    return choice;
  }
  float lambda;
  if (op & CUPORT_TEX_LOD_LEVEL) {
    lambda = asFloat(coordinates[8]);
  } else {
    uint32_t shape = op & CUPORT_SHAPE_MASK;
    int first =
        shape == CUPORT_SHAPE_A1D || shape == CUPORT_SHAPE_A2D || shape == CUPORT_SHAPE_ACUBE ? 1
                                                                                              : 0;
    float position[3], dx[3], dy[3];
    for (int d = 0; d < 3; ++d) {
      position[d] = asFloat(coordinates[first + d]);
      dx[d] = asFloat(coordinates[8 + d]);
      dy[d] = asFloat(coordinates[12 + d]);
    }
    lambda = std::log2(
        std::max(gradientLength(t, shape, position, dx), gradientLength(t, shape, position, dy)));
  }
  // min then max, as a sampler whose minimum clamp exceeds its maximum still samples somewhere.
  lambda = std::min(std::max(lambda + t.level_bias, t.min_level_clamp), t.max_level_clamp);
  lambda = std::isnan(lambda) ? 0 : std::clamp(lambda, 0.0f, float(last));
  bool integerTexels = t.channel_kind != CUPORT_CHANNEL_FLOAT && !t.normalized_read;
  if (!t.mipmap_linear_filter || (op & CUPORT_TEX_COORDS_INT) || integerTexels) {
    choice.levels[0] = uint32_t(std::floor(lambda + 0.5f)); // the nearest level
    return choice;
  }
  float base = std::floor(lambda);
  choice.levels[0] = uint32_t(base);
  choice.levels[1] = std::min(choice.levels[0] + 1, last);
  choice.weight = fixedPointWeight(lambda - base);
  return choice;
}

int32_t queryTextureLevel(const cuport_texture_descriptor &t, uint32_t query, int32_t lod) {
  if (lod < 0 || uint32_t(lod) >= std::max(t.levels, 1u))
    return 0;
  cuport_texture_descriptor image = t.levels ? mipmapLevel(t, uint32_t(lod)) : t;
  const uint64_t sizes[3] = {image.width, image.height, image.depth};
  return query < 3 ? int32_t(sizes[query]) : 0;
}

} // namespace cuport::cpu
