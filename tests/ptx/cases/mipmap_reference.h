// Host reference for textures over mipmapped arrays, written from the PTX ISA (tex.level takes
// an explicit level of detail, tex.grad derives it from the gradients dPdx and dPdy, tex.base and
// plain tex read the base level) and the CUDA texture object description (mipmapLevelBias is
// added, then minMipmapLevelClamp / maxMipmapLevelClamp bound the level; mipmapFilterMode point
// takes the nearest level, linear blends the two around it). Level of detail from gradients is
// the isotropic one: lambda = log2(max(|dPdx|, |dPdy|)) with the gradients in texels of level 0
// (for cube faces, of the face coordinates (s / m + 1) / 2 and (t / m + 1) / 2). The blend weight
// between levels is held in 9-bit fixed point with 8 fractional bits, as between texels.
#pragma once

#include "tests/ptx/cases/texture_reference.h"

#include <algorithm>
#include <cmath>

namespace cuport::conformance::mipmap_reference {

using texture_reference::Texel;

// Level l of a mipmapped texture as a plain texture of its own (the same sampler).
inline ImageObject levelObject(const ImageObject &object, uint32_t l) {
  ImageObject level = object;
  level.image = object.image.level(l);
  const uint8_t *first = object.image.texels.data() + object.image.levelOffset(l);
  size_t bytes = object.image.level(l).bytes();
  for (size_t i = 0; i < bytes; ++i)
    level.image.texels.push(first[i]);
  return level;
}

// The level of detail after the sampler's bias and clamps, within the levels that exist.
inline double clampedLambda(const ImageObject &object, double lambda) {
  const Sampler &sampler = object.sampler;
  lambda = std::min(std::max(lambda + sampler.levelBias, double(sampler.minLevelClamp)),
                    double(sampler.maxLevelClamp));
  return std::clamp(lambda, 0.0, double(object.image.levels - 1));
}

// The levels a level of detail samples and the weight of the second: point mipmap filtering
// (or integer texels) takes the nearest level, linear the two around lambda.
struct Levels {
  uint32_t first = 0, second = 0;
  double weight = 0;
};

inline Levels levelsFor(const ImageObject &object, double lambda) {
  lambda = clampedLambda(object, lambda);
  Levels levels;
  bool integerTexels = object.image.kind != ChannelKind::Float && !object.sampler.normalizedRead &&
                       !object.image.normalizedFormat;
  if (!object.sampler.mipmapLinearFilter || integerTexels) {
    levels.first = levels.second = uint32_t(std::floor(lambda + 0.5));
    return levels;
  }
  levels.first = uint32_t(std::floor(lambda));
  levels.second = std::min(levels.first + 1, object.image.levels - 1);
  levels.weight = std::round((lambda - std::floor(lambda)) * 256) / 256;
  return levels;
}

// Blends what `sampleLevel(levelObject)` gives at the levels `lambda` selects.
template <typename SampleLevel>
Texel sampleAt(const ImageObject &object, double lambda, SampleLevel sampleLevel) {
  Levels levels = levelsFor(object, lambda);
  Texel first = sampleLevel(levelObject(object, levels.first));
  if (levels.weight == 0)
    return first;
  Texel second = sampleLevel(levelObject(object, levels.second));
  for (int c = 0; c < 4; ++c)
    first.f[c] = float((1 - levels.weight) * first.f[c] + levels.weight * second.f[c]);
  return first;
}

// lambda of tex.grad for 1, 2 or 3 components (normalized coordinates: scaled by level 0's size).
inline double gradientLambda(const ImageObject &object, int components, const float dx[3],
                             const float dy[3]) {
  const double sizes[3] = {double(object.image.width), double(object.image.rows()),
                           double(object.image.slices())};
  double lengths[2] = {0, 0};
  for (int g = 0; g < 2; ++g) {
    const float *d = g ? dy : dx;
    double squared = 0;
    for (int c = 0; c < components; ++c) {
      double texels = object.sampler.normalizedCoords ? d[c] * sizes[c] : d[c];
      squared += texels * texels;
    }
    lengths[g] = std::sqrt(squared);
  }
  return std::log2(std::max(lengths[0], lengths[1]));
}

// lambda of tex.grad.cube: the face of the major axis of `p`, face coordinates
// u = (s / m + 1) / 2, v = (t / m + 1) / 2 differentiated along each gradient, times the face size.
inline double cubeGradientLambda(const ImageObject &object, const float p[3], const float dx[3],
                                 const float dy[3]) {
  auto axes = [&](const float *v, double &s, double &t, double &m) {
    double ax = std::fabs(p[0]), ay = std::fabs(p[1]), az = std::fabs(p[2]);
    if (ax >= ay && ax >= az) {
      double sign = p[0] >= 0 ? 1 : -1;
      m = sign * v[0], s = -sign * v[2], t = -v[1];
    } else if (ay >= az) {
      double sign = p[1] >= 0 ? 1 : -1;
      m = sign * v[1], s = v[0], t = sign * v[2];
    } else {
      double sign = p[2] >= 0 ? 1 : -1;
      m = sign * v[2], s = sign * v[0], t = -v[1];
    }
  };
  double s, t, m;
  axes(p, s, t, m);
  double lengths[2];
  for (int g = 0; g < 2; ++g) {
    double ds, dt, dm;
    axes(g ? dy : dx, ds, dt, dm);
    double du = (ds * m - s * dm) / (2 * m * m) * object.image.width;
    double dv = (dt * m - t * dm) / (2 * m * m) * object.image.width;
    lengths[g] = std::sqrt(du * du + dv * dv);
  }
  return std::log2(std::max(lengths[0], lengths[1]));
}

} // namespace cuport::conformance::mipmap_reference
