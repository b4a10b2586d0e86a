// Host reference for texture fetches, written from the CUDA programming guide ("Texture Fetching":
// nearest-point sampling T[floor(x)], linear filtering (1 - a) T[i] + a T[i + 1] with
// i = floor(x - 0.5) and a = frac(x - 0.5) held in 9-bit fixed point with 8 fractional bits; the
// address modes; cubemap face selection; cudaReadModeNormalizedFloat) and the PTX ISA (tex, tld4).
// Cases keep coordinates 1/1024 of a texel away from fixed-point boundaries, so that rounding and
// truncation of the weights agree.
#pragma once

#include "tests/ptx/conformance.h"

#include <array>
#include <cmath>
#include <cstring>
#include <optional>

namespace cuport::conformance::texture_reference {

// A fetched texel: floats (float channels and normalized reads) or integers (element-type reads
// of integer channels). Channels the format lacks read 0, alpha 1.
struct Texel {
  std::array<float, 4> f{0, 0, 0, 1};
  std::array<uint32_t, 4> i{0, 0, 0, 1};
};

// IEEE binary16 -> binary32, exactly.
inline float halfValue(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  float magnitude = exponent == 0    ? std::ldexp(float(mantissa), -24)
                    : exponent == 31 ? (mantissa ? NAN : INFINITY)
                                     : std::ldexp(float(mantissa | 0x400), exponent - 25);
  return bits & 0x8000 ? -magnitude : magnitude;
}

// The texel at integer position (x, y) of slice z (a layer or a cube face), all in range.
inline Texel readTexel(const ImageObject &object, int64_t x, int64_t y, int64_t z) {
  const Image &image = object.image;
  size_t offset =
      ((size_t(z) * image.rows() + size_t(y)) * image.width + size_t(x)) * image.elementBytes();
  // UNORM / SNORM formats read as normalized floats whatever the read mode.
  bool normalized =
      (object.sampler.normalizedRead && image.kind != ChannelKind::Float) || image.normalizedFormat;
  Texel texel;
  for (uint32_t c = 0; c < image.channels; ++c) {
    size_t at = offset + c * image.channelBits / 8;
    int64_t integer = 0;
    float value = 0;
    switch (image.channelBits) {
    case 8:
      integer = image.kind == ChannelKind::Signed ? int64_t(image.texels.at<int8_t>(at))
                                                  : int64_t(image.texels.at<uint8_t>(at));
      // Normalized: unsigned n-bit v is v / (2^n - 1), signed v / (2^(n-1) - 1) floored at -1.
      value = image.kind == ChannelKind::Signed ? std::fmax(float(integer) / 127.0f, -1.0f)
                                                : float(integer) / 255.0f;
      break;
    case 16:
      if (image.kind == ChannelKind::Float) {
        value = halfValue(image.texels.at<uint16_t>(at));
        break;
      }
      integer = image.kind == ChannelKind::Signed ? int64_t(image.texels.at<int16_t>(at))
                                                  : int64_t(image.texels.at<uint16_t>(at));
      value = image.kind == ChannelKind::Signed ? std::fmax(float(integer) / 32767.0f, -1.0f)
                                                : float(integer) / 65535.0f;
      break;
    default:
      integer = image.texels.at<uint32_t>(at);
      value = image.texels.at<float>(at);
      break;
    }
    texel.f[c] = image.kind == ChannelKind::Float || normalized ? value : float(integer);
    texel.i[c] = uint32_t(integer);
  }
  return texel;
}

// Outside a bordered image: the border colour (cases give integer reads a zero border, where
// every channel, alpha included, reads 0).
inline Texel borderTexel(const ImageObject &object) {
  Texel texel;
  for (int c = 0; c < 4; ++c) {
    // Linear memory (tex1Dfetch) reads zero outside, whatever the sampler says.
    texel.f[c] = object.image.resource == Resource::Linear ? 0 : object.sampler.border[c];
    texel.i[c] = 0;
  }
  return texel;
}

// Maps texel index `index` of a dimension of `size` texels through `mode`; nothing for the
// border. Wrap and mirror are defined for normalized coordinates only (cases use them so).
inline std::optional<int64_t> address(AddressMode mode, int64_t index, int64_t size) {
  switch (mode) {
  case AddressMode::Wrap:
    return ((index % size) + size) % size;
  case AddressMode::Mirror: {
    // The image repeats reflected: period 2 * size, the second half backwards.
    int64_t m = ((index % (2 * size)) + 2 * size) % (2 * size);
    return m < size ? m : 2 * size - 1 - m;
  }
  case AddressMode::Border:
    if (index < 0 || index >= size)
      return std::nullopt;
    return index;
  case AddressMode::Clamp:
    break;
  }
  return index < 0 ? 0 : index >= size ? size - 1 : index;
}

// Where a fetch reads: the dimensions sampled, their sizes and the slice.
struct Footprint {
  int dimensions = 1;
  int64_t size[3] = {1, 1, 1};
  int64_t slice = 0;
  std::array<AddressMode, 3> modes{AddressMode::Clamp, AddressMode::Clamp, AddressMode::Clamp};
};

inline Texel fetch(const ImageObject &object, const Footprint &where, const int64_t index[3]) {
  int64_t at[3] = {0, 0, where.slice};
  for (int d = 0; d < where.dimensions; ++d) {
    std::optional<int64_t> mapped = address(where.modes[d], index[d], where.size[d]);
    if (!mapped)
      return borderTexel(object);
    at[d] = *mapped;
  }
  if (where.dimensions == 3)
    return readTexel(object, at[0], at[1], at[2]);
  return readTexel(object, at[0], at[1], where.slice);
}

// tex at float coordinates `x` (texel space unless `normalized`), with the object's filter.
// `offset` (tex's operand e) moves the texel-space position by whole texels before filtering.
inline Texel sample(const ImageObject &object, const Footprint &where, const float x[3],
                    bool normalized, const int32_t *offset = nullptr) {
  double position[3];
  for (int d = 0; d < where.dimensions; ++d)
    position[d] = (normalized ? double(x[d]) * double(where.size[d]) : double(x[d])) +
                  (offset ? offset[d] : 0);
  if (!object.sampler.linearFilter) {
    int64_t index[3];
    for (int d = 0; d < where.dimensions; ++d)
      index[d] = int64_t(std::floor(position[d]));
    return fetch(object, where, index);
  }
  int64_t base[3];
  double weight[3];
  for (int d = 0; d < where.dimensions; ++d) {
    double shifted = position[d] - 0.5;
    base[d] = int64_t(std::floor(shifted));
    weight[d] = std::round((shifted - std::floor(shifted)) * 256) / 256;
  }
  Texel result;
  std::array<double, 4> sum{0, 0, 0, 0};
  for (int corner = 0; corner < (1 << where.dimensions); ++corner) {
    int64_t index[3];
    double w = 1;
    for (int d = 0; d < where.dimensions; ++d) {
      bool upper = corner >> d & 1;
      index[d] = base[d] + upper;
      w *= upper ? weight[d] : 1 - weight[d];
    }
    Texel texel = fetch(object, where, index);
    for (int c = 0; c < 4; ++c)
      sum[c] += w * texel.f[c];
  }
  for (int c = 0; c < 4; ++c)
    result.f[c] = float(sum[c]);
  return result;
}

// The footprint of a non-cubemap shape over `object` ("1d", "2d", "3d", "a1d", "a2d").
inline Footprint footprint(const ImageObject &object, int dimensions, int64_t slice) {
  Footprint where;
  where.dimensions = dimensions;
  where.size[0] = object.image.width;
  where.size[1] = object.image.rows();
  where.size[2] = object.image.slices();
  where.slice = slice;
  for (int d = 0; d < 3; ++d)
    where.modes[d] = object.sampler.address[d];
  if (object.image.resource == Resource::Linear) // tex1Dfetch: zero outside the memory
    where.modes = {AddressMode::Border, AddressMode::Border, AddressMode::Border};
  return where;
}

// tex.cube / tex.acube and tld4.cube / tld4.acube: the programming guide's face table picks the
// face of the major axis m and face coordinates (s / |m| + 1) / 2, (t / |m| + 1) / 2, read
// normalized and clamped. Returns the face's footprint and sets `uv`.
inline Footprint cubeFootprint(const ImageObject &object, float x, float y, float z, int64_t cube,
                               float uv[2]) {
  float ax = std::fabs(x), ay = std::fabs(y), az = std::fabs(z);
  int face;
  float s, t, major;
  if (ax >= ay && ax >= az) {
    face = x >= 0 ? 0 : 1;
    major = ax;
    s = x >= 0 ? -z : z;
    t = -y;
  } else if (ay >= az) {
    face = y >= 0 ? 2 : 3;
    major = ay;
    s = x;
    t = y >= 0 ? z : -z;
  } else {
    face = z >= 0 ? 4 : 5;
    major = az;
    s = z >= 0 ? x : -x;
    t = -y;
  }
  Footprint where = footprint(object, 2, cube * 6 + face);
  where.modes = {AddressMode::Clamp, AddressMode::Clamp, AddressMode::Clamp};
  uv[0] = (s / major + 1) / 2;
  uv[1] = (t / major + 1) / 2;
  return where;
}

inline Texel sampleCube(const ImageObject &object, float x, float y, float z, int64_t cube) {
  float uv[3] = {0, 0, 0};
  Footprint where = cubeFootprint(object, x, y, z, cube, uv);
  return sample(object, where, uv, /*normalized=*/true);
}

// tld4.comp: component `component` of the four texels linear filtering would weigh, in the
// ISA's order (counter-clockwise from the lower left): (i, j+1), (i+1, j+1), (i+1, j), (i, j);
// `offset` as for sample.
inline Texel gather(const ImageObject &object, const Footprint &where, const float x[2],
                    bool normalized, int component, const int32_t *offset = nullptr) {
  int64_t base[2];
  for (int d = 0; d < 2; ++d) {
    double position = (normalized ? double(x[d]) * double(where.size[d]) : double(x[d])) +
                      (offset ? offset[d] : 0);
    base[d] = int64_t(std::floor(position - 0.5));
  }
  static constexpr int kCorners[4][2] = {{0, 1}, {1, 1}, {1, 0}, {0, 0}};
  Texel result;
  for (int k = 0; k < 4; ++k) {
    int64_t index[3] = {base[0] + kCorners[k][0], base[1] + kCorners[k][1], 0};
    Texel texel = fetch(object, where, index);
    result.f[k] = texel.f[component];
    result.i[k] = texel.i[component];
  }
  return result;
}

} // namespace cuport::conformance::texture_reference
