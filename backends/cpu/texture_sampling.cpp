#include "backends/cpu/texture_sampling.h"

#include "backends/cpu/block_compression.h"
#include "backends/cpu/texture_lod.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

namespace cuport::cpu {
namespace {

struct Texel {
  float f[4] = {0, 0, 0, 1}; // float view (float channels or normalized integers)
  int32_t i[4] = {0, 0, 0, 1};
};

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal half: renormalize
      int shift = 0;
      while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        ++shift;
      }
      bits = sign | uint32_t(127 - 15 - shift + 1) << 23 | (mantissa & 0x3ff) << 13;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | mantissa << 13;
  } else {
    bits = sign | (exponent - 15 + 127) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float srgbToLinear(float c) {
  return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

float asFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint32_t bitsOf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

// Texel (x, y, z) of slice `layer` of a block-compressed image: texel (x % 4, y % 4) of the block
// that element (x / 4, y / 4) holds.
Texel readBlockTexel(const cuport_texture_descriptor &t, int64_t x, int64_t y, int64_t z,
                     int64_t layer) {
  const auto *block = reinterpret_cast<const unsigned char *>(t.data) +
                      uint64_t(layer * int64_t(t.depth) + z) * t.slice_pitch +
                      uint64_t(y / 4) * t.row_pitch + uint64_t(x / 4) * t.element_bytes;
  Texel texel;
  decodeBlockTexel(t.block_format, block, unsigned(x % 4), unsigned(y % 4), texel.f);
  for (int c = 0; c < 4; ++c) {
    if (t.srgb && c < 3)
      texel.f[c] = srgbToLinear(texel.f[c]);
    texel.i[c] = int32_t(texel.f[c]);
  }
  return texel;
}

// Reads texel (x, y, z) of slice `layer`; indices are in range.
Texel readTexel(const cuport_texture_descriptor &t, int64_t x, int64_t y, int64_t z,
                int64_t layer) {
  if (t.block_format != CUPORT_BLOCK_NONE)
    return readBlockTexel(t, x, y, z, layer);
  const auto *base = reinterpret_cast<const unsigned char *>(t.data) +
                     uint64_t(layer * int64_t(t.depth) + z) * t.slice_pitch +
                     uint64_t(y) * t.row_pitch + uint64_t(x) * t.element_bytes;
  Texel texel;
  for (uint32_t c = 0; c < t.channels; ++c) {
    const unsigned char *p = base + c * (t.channel_bits / 8);
    float f = 0;
    int32_t i = 0;
    switch (t.channel_bits) {
    case 8:
      if (t.channel_kind == CUPORT_CHANNEL_SIGNED) {
        i = int8_t(*p);
        f = std::max(float(i) / 127.0f, -1.0f);
      } else {
        i = *p;
        f = float(i) / 255.0f;
      }
      break;
    case 16: {
      uint16_t raw;
      std::memcpy(&raw, p, 2);
      if (t.channel_kind == CUPORT_CHANNEL_FLOAT) {
        f = halfToFloat(raw);
      } else if (t.channel_kind == CUPORT_CHANNEL_SIGNED) {
        i = int16_t(raw);
        f = std::max(float(i) / 32767.0f, -1.0f);
      } else {
        i = raw;
        f = float(i) / 65535.0f;
      }
      break;
    }
    default: {
      uint32_t raw;
      std::memcpy(&raw, p, 4);
      i = int32_t(raw);
      f = t.channel_kind == CUPORT_CHANNEL_FLOAT ? asFloat(raw) : float(i);
      break;
    }
    }
    if (t.channel_kind != CUPORT_CHANNEL_FLOAT && !t.normalized_read)
      f = float(i); // element-type reads of integers: the value itself
    if (t.srgb && c < 3)
      f = srgbToLinear(f);
    texel.f[c] = f;
    texel.i[c] = i;
  }
  return texel;
}

Texel borderTexel(const cuport_texture_descriptor &t) {
  Texel texel;
  for (int c = 0; c < 4; ++c) {
    texel.f[c] = t.border_color[c];
    texel.i[c] = int32_t(t.border_color[c]);
  }
  return texel;
}

// Applies the address mode to a texel index; false when it falls on the border.
// Wrap and mirror need normalized coordinates; without them CUDA clamps. clamp_ogl arrives here
// only with integer coordinates, which it clamps to the image as nearest filtering does.
bool addressIndex(const cuport_texture_descriptor &t, uint32_t mode, int64_t size, int64_t &index) {
  if (!t.normalized_coords && (mode == CUPORT_ADDRESS_WRAP || mode == CUPORT_ADDRESS_MIRROR))
    mode = CUPORT_ADDRESS_CLAMP;
  switch (mode) {
  case CUPORT_ADDRESS_WRAP:
    index %= size;
    if (index < 0)
      index += size;
    return true;
  case CUPORT_ADDRESS_MIRROR: {
    int64_t period = 2 * size;
    int64_t m = index % period;
    if (m < 0)
      m += period;
    index = m < size ? m : period - 1 - m;
    return true;
  }
  case CUPORT_ADDRESS_BORDER:
    return index >= 0 && index < size;
  default:
    index = std::clamp<int64_t>(index, 0, size - 1);
    return true;
  }
}

struct Footprint {
  int dims = 1;
  int64_t layer = 0;
};

// The texel at integer position `index` (dims used), after addressing.
Texel fetch(const cuport_texture_descriptor &t, const Footprint &fp, const int64_t index[3]) {
  const int64_t sizes[3] = {int64_t(t.width), int64_t(t.height), int64_t(t.depth)};
  int64_t at[3] = {0, 0, 0};
  for (int d = 0; d < fp.dims; ++d) {
    at[d] = index[d];
    if (!addressIndex(t, t.address_mode[d], sizes[d], at[d]))
      return borderTexel(t);
  }
  return readTexel(t, at[0], at[1], at[2], fp.layer);
}

// Texel-space coordinate of a float coordinate: scaled by the size when normalized.
float texelSpace(const cuport_texture_descriptor &t, float coordinate, uint64_t size) {
  return t.normalized_coords ? coordinate * float(size) : coordinate;
}

// The texel-space position of coordinate `d`: under clamp_ogl (GL_CLAMP) the coordinate itself is
// clamped to the image, [0, 1] normalized or [0, size] in texels, before any filtering.
float texelPosition(const cuport_texture_descriptor &t, int d, float coordinate, uint64_t size) {
  float position = texelSpace(t, coordinate, size);
  if (t.address_mode[d] == CUPORT_ADDRESS_CLAMP_OGL)
    position = std::clamp(position, 0.0f, float(size));
  return position;
}

bool usesClampOgl(const cuport_texture_descriptor &t) {
  for (uint32_t mode : t.address_mode)
    if (mode == CUPORT_ADDRESS_CLAMP_OGL)
      return true;
  return false;
}

// clamp_ogl's texels once texelPosition clamped the position: nearest filtering clamps its texel
// to the image (as clamp_to_edge), while the texels linear filtering and tld4 reach past the edge
// (-1 and size) read the border colour, which GL_CLAMP blends into the edge texels.
cuport_texture_descriptor resolveClampOgl(const cuport_texture_descriptor &t, bool linear) {
  cuport_texture_descriptor resolved = t;
  for (uint32_t &mode : resolved.address_mode)
    if (mode == CUPORT_ADDRESS_CLAMP_OGL)
      mode = linear ? CUPORT_ADDRESS_BORDER : CUPORT_ADDRESS_CLAMP;
  return resolved;
}

// Linear filtering weight: the fraction in 9-bit fixed point with 8 fractional bits.
float fixedPointWeight(float fraction) {
  return std::round(fraction * 256.0f) / 256.0f;
}

// Point or linear sampling at `coordinate`; `offset` (tex's operand e) moves the position by
// whole texels before the filter picks its texels.
Texel filtered(const cuport_texture_descriptor &sampled, const Footprint &fp,
               const float coordinate[3], const int32_t offset[3]) {
  const uint64_t sizes[3] = {sampled.width, sampled.height, sampled.depth};
  float position[3] = {0, 0, 0};
  for (int d = 0; d < fp.dims; ++d)
    position[d] = texelPosition(sampled, d, coordinate[d], sizes[d]);
  cuport_texture_descriptor resolved;
  if (usesClampOgl(sampled))
    resolved = resolveClampOgl(sampled, sampled.linear_filter);
  const cuport_texture_descriptor &t = usesClampOgl(sampled) ? resolved : sampled;
  if (!t.linear_filter) {
    int64_t index[3];
    for (int d = 0; d < fp.dims; ++d)
      index[d] = int64_t(std::floor(position[d] + float(offset[d])));
    return fetch(t, fp, index);
  }
  int64_t base[3] = {0, 0, 0};
  float weight[3] = {0, 0, 0};
  for (int d = 0; d < fp.dims; ++d) {
    float shifted = position[d] + float(offset[d]) - 0.5f;
    float floored = std::floor(shifted);
    base[d] = int64_t(floored);
    weight[d] = fixedPointWeight(shifted - floored);
  }
  Texel result;
  for (int c = 0; c < 4; ++c)
    result.f[c] = 0;
  int corners = 1 << fp.dims;
  for (int corner = 0; corner < corners; ++corner) {
    int64_t index[3];
    float w = 1;
    for (int d = 0; d < fp.dims; ++d) {
      bool upper = corner >> d & 1;
      index[d] = base[d] + (upper ? 1 : 0);
      w *= upper ? weight[d] : 1 - weight[d];
    }
    Texel texel = fetch(t, fp, index);
    for (int c = 0; c < 4; ++c)
      result.f[c] += w * texel.f[c];
  }
  for (int c = 0; c < 4; ++c)
    result.i[c] = int32_t(result.f[c]);
  return result;
}

int64_t clampLayer(const cuport_texture_descriptor &t, int32_t layer) {
  return std::clamp<int64_t>(layer, 0, int64_t(t.layers) - 1);
}

// Cubemap direction -> face and normalized face coordinates (CUDA's cubemap face table).
void cubeFace(float x, float y, float z, int &face, float &u, float &v) {
  float ax = std::fabs(x), ay = std::fabs(y), az = std::fabs(z);
  float s, tc, m;
  if (ax >= ay && ax >= az) {
    face = x >= 0 ? 0 : 1;
    m = ax;
    s = x >= 0 ? -z : z;
    tc = -y;
  } else if (ay >= az) {
    face = y >= 0 ? 2 : 3;
    m = ay;
    s = x;
    tc = y >= 0 ? z : -z;
  } else {
    face = z >= 0 ? 4 : 5;
    m = az;
    s = z >= 0 ? x : -x;
    tc = -y;
  }
  if (m == 0)
    m = 1;
  u = (s / m + 1) / 2;
  v = (tc / m + 1) / 2;
}

void writeResult(const cuport_texture_descriptor &t, uint32_t op, const Texel &texel,
                 uint32_t result[4]) {
  bool integerResult = op & CUPORT_TEX_RESULT_INT;
  bool integerTexels = t.channel_kind != CUPORT_CHANNEL_FLOAT && !t.normalized_read;
  for (int c = 0; c < 4; ++c)
    result[c] = integerResult && integerTexels ? uint32_t(texel.i[c]) : bitsOf(texel.f[c]);
}

const char *const kNoComparison =
    "tex / tld4 with a depth-compare operand: the comparison is the sampler's, and CUDA texture "
    "objects carry none (cudaTextureDesc and CUDA_TEXTURE_DESC have no comparison function)";

// The offsets of operand e (zeros without one); a failure when one is outside the ISA's range.
const char *readOffsets(uint32_t op, const uint32_t coordinates[], int32_t offset[3]) {
  for (int d = 0; d < 3; ++d) {
    offset[d] = op & CUPORT_TEX_OFFSET ? int32_t(coordinates[4 + d]) : 0;
    if (offset[d] < -8 || offset[d] > 7)
      return "tex / tld4: a texel offset is outside the range -8..7 the PTX ISA allows";
  }
  return nullptr;
}

// tex.2dms / tex.a2dms: sample `sample` of texel (x, y) + offset, addressed like integer
// coordinates (clamp or border; wrap and mirror need normalized coordinates).
const char *sampleMultisample(const cuport_texture_descriptor &t, uint32_t op,
                              const uint32_t coordinates[], const int32_t offset[3],
                              uint32_t result[]) {
  if (t.samples == 0)
    return "tex.2dms / tex.a2dms: the texture is not a multisample image (CUDA creates none)";
  bool array = (op & CUPORT_SHAPE_MASK) == CUPORT_SHAPE_A2DMS;
  int first = array ? 1 : 0;
  uint32_t sample = coordinates[first];
  if (sample >= t.samples)
    return "tex.2dms / tex.a2dms: the sample number is not below the texture's sample count";
  int64_t layer = array ? clampLayer(t, int32_t(coordinates[0])) : 0;
  int64_t index[2];
  const int64_t sizes[2] = {int64_t(t.width), int64_t(t.height)};
  cuport_texture_descriptor unnormalized = t;
  unnormalized.normalized_coords = 0;
  for (int d = 0; d < 2; ++d) {
    index[d] = int64_t(int32_t(coordinates[first + 1 + d])) + offset[d];
    if (!addressIndex(unnormalized, t.address_mode[d], sizes[d], index[d])) {
      writeResult(t, op, borderTexel(t), result);
      return nullptr;
    }
  }
  writeResult(t, op, readTexel(t, index[0] * t.samples + sample, index[1], 0, layer), result);
  return nullptr;
}

// Every texel of a resource cuport creates is resident: the runtime refuses sparse arrays.
void reportResidency(uint32_t op, uint32_t result[]) {
  if (op & CUPORT_TEX_RESIDENCY)
    result[4] = 1;
}

// tex on the image `t` describes (one level of a mipmapped texture, or a plain image), with
// operand e's texel offsets. The multisample shapes are sampleTexture's.
Texel sampleImage(const cuport_texture_descriptor &t, uint32_t op, const uint32_t coordinates[],
                  const int32_t offset[3]) {
  uint32_t shape = op & CUPORT_SHAPE_MASK;
  bool integerCoordinates = op & CUPORT_TEX_COORDS_INT;
  Footprint fp;
  float coordinate[3] = {0, 0, 0};
  int first = 0; // where the spatial coordinates start
  switch (shape) {
  case CUPORT_SHAPE_1D:
    fp.dims = 1;
    break;
  case CUPORT_SHAPE_2D:
    fp.dims = 2;
    break;
  case CUPORT_SHAPE_3D:
    fp.dims = 3;
    break;
  case CUPORT_SHAPE_A1D:
    fp.dims = 1;
    first = 1;
    fp.layer = clampLayer(t, int32_t(coordinates[0]));
    break;
  case CUPORT_SHAPE_A2D:
    fp.dims = 2;
    first = 1;
    fp.layer = clampLayer(t, int32_t(coordinates[0]));
    break;
  case CUPORT_SHAPE_CUBE:
  case CUPORT_SHAPE_ACUBE: {
    int cubeFirst = shape == CUPORT_SHAPE_ACUBE ? 1 : 0;
    int face;
    float u, v;
    cubeFace(asFloat(coordinates[cubeFirst]), asFloat(coordinates[cubeFirst + 1]),
             asFloat(coordinates[cubeFirst + 2]), face, u, v);
    int64_t cube = shape == CUPORT_SHAPE_ACUBE ? int32_t(coordinates[0]) : 0;
    fp.dims = 2;
    fp.layer = clampLayer(t, int32_t(cube * 6 + face));
    // Faces are sampled with normalized coordinates and clamped at their edges.
    cuport_texture_descriptor face_texture = t;
    face_texture.normalized_coords = 1;
    face_texture.address_mode[0] = face_texture.address_mode[1] = CUPORT_ADDRESS_CLAMP;
    float uv[3] = {u, v, 0};
    return filtered(face_texture, fp, uv, offset);
  }
  }
  if (integerCoordinates) {
    // Integer coordinates address texels directly: no filtering, no normalization.
    int64_t index[3] = {0, 0, 0};
    for (int d = 0; d < fp.dims; ++d)
      index[d] = int64_t(int32_t(coordinates[first + d])) + offset[d];
    cuport_texture_descriptor unnormalized = t;
    unnormalized.normalized_coords = 0;
    return fetch(unnormalized, fp, index);
  }
  for (int d = 0; d < fp.dims; ++d)
    coordinate[d] = asFloat(coordinates[first + d]);
  return filtered(t, fp, coordinate, offset);
}

// tex.level / tex.grad on a mipmapped texture: one level, or two blended.
Texel sampleMipmapped(const cuport_texture_descriptor &t, uint32_t op, const uint32_t coordinates[],
                      const int32_t offset[3]) {
  LevelChoice choice = chooseLevels(t, op, coordinates);
  Texel first = sampleImage(mipmapLevel(t, choice.levels[0]), op, coordinates, offset);
  if (choice.weight == 0)
    return first;
  Texel second = sampleImage(mipmapLevel(t, choice.levels[1]), op, coordinates, offset);
  for (int c = 0; c < 4; ++c) {
    first.f[c] = (1 - choice.weight) * first.f[c] + choice.weight * second.f[c];
    first.i[c] = int32_t(first.f[c]);
  }
  return first;
}

} // namespace

const char *sampleTexture(const cuport_texture_descriptor &t, uint32_t op,
                          const uint32_t coordinates[], uint32_t result[]) {
  if (op & CUPORT_TEX_DEPTH_COMPARE)
    return kNoComparison;
  int32_t offset[3];
  if (const char *failure = readOffsets(op, coordinates, offset))
    return failure;
  reportResidency(op, result);
  uint32_t shape = op & CUPORT_SHAPE_MASK;
  if (shape == CUPORT_SHAPE_2DMS || shape == CUPORT_SHAPE_A2DMS)
    return sampleMultisample(t, op, coordinates, offset, result);
  if (t.levels == 0 || !(op & (CUPORT_TEX_LOD_LEVEL | CUPORT_TEX_LOD_GRAD)))
    writeResult(t, op, sampleImage(t, op, coordinates, offset), result); // level 0
  else
    writeResult(t, op, sampleMipmapped(t, op, coordinates, offset), result);
  return nullptr;
}

const char *gatherTexture(const cuport_texture_descriptor &t, uint32_t op,
                          const uint32_t coordinates[], uint32_t result[]) {
  if (op & CUPORT_TEX_DEPTH_COMPARE)
    return kNoComparison;
  int32_t offset[3];
  if (const char *failure = readOffsets(op, coordinates, offset))
    return failure;
  reportResidency(op, result);
  uint32_t component = (op >> CUPORT_TEX_GATHER_SHIFT) & 3;
  uint32_t shape = op & CUPORT_SHAPE_MASK;
  Footprint fp;
  fp.dims = 2;
  // The image gathered from: a layer of a 2D array, or a cube face (normalized, clamped).
  cuport_texture_descriptor image = t;
  float position[2];
  if (shape == CUPORT_SHAPE_CUBE || shape == CUPORT_SHAPE_ACUBE) {
    int first = shape == CUPORT_SHAPE_ACUBE ? 1 : 0;
    int face;
    cubeFace(asFloat(coordinates[first]), asFloat(coordinates[first + 1]),
             asFloat(coordinates[first + 2]), face, position[0], position[1]);
    int64_t cube = shape == CUPORT_SHAPE_ACUBE ? int32_t(coordinates[0]) : 0;
    fp.layer = clampLayer(t, int32_t(cube * 6 + face));
    image.normalized_coords = 1;
    image.address_mode[0] = image.address_mode[1] = CUPORT_ADDRESS_CLAMP;
  } else {
    int first = shape == CUPORT_SHAPE_A2D ? 1 : 0;
    if (first)
      fp.layer = clampLayer(t, int32_t(coordinates[0]));
    position[0] = asFloat(coordinates[first]);
    position[1] = asFloat(coordinates[first + 1]);
  }
  int64_t base[2];
  const uint64_t sizes[2] = {t.width, t.height};
  for (int d = 0; d < 2; ++d)
    base[d] = int64_t(
        std::floor(texelPosition(image, d, position[d], sizes[d]) + float(offset[d]) - 0.5f));
  if (usesClampOgl(image))
    image = resolveClampOgl(image, /*linear=*/true); // tld4 reads linear filtering's texels
  static constexpr int kOffsets[4][2] = {{0, 1}, {1, 1}, {1, 0}, {0, 0}};
  Texel gathered;
  for (int k = 0; k < 4; ++k) {
    int64_t index[3] = {base[0] + kOffsets[k][0], base[1] + kOffsets[k][1], 0};
    Texel texel = fetch(image, fp, index);
    gathered.f[k] = texel.f[component];
    gathered.i[k] = texel.i[component];
  }
  writeResult(t, op, gathered, result);
  return nullptr;
}

namespace {

// The byte address of a surface access, or null for .zero out of range; `trapped` for .trap.
unsigned char *surfaceAddress(const cuport_texture_descriptor &s, uint32_t op,
                              const uint32_t coordinates[4], bool &trapped) {
  uint32_t shape = op & CUPORT_SHAPE_MASK;
  uint32_t clamp = (op >> 4) & 0xf;
  int64_t bytes = (op >> 8) & 0xff;
  int first = 0;
  int64_t layer = 0;
  if (shape == CUPORT_SHAPE_A1D || shape == CUPORT_SHAPE_A2D) {
    first = 1;
    layer = int32_t(coordinates[0]);
  }
  int dims = shape == CUPORT_SHAPE_1D || shape == CUPORT_SHAPE_A1D   ? 1
             : shape == CUPORT_SHAPE_2D || shape == CUPORT_SHAPE_A2D ? 2
                                                                     : 3;
  int64_t position[3] = {0, 0, 0};
  for (int d = 0; d < dims; ++d)
    position[d] = int32_t(coordinates[first + d]);
  const int64_t limits[3] = {int64_t(s.width * s.element_bytes) - bytes + 1, int64_t(s.height),
                             int64_t(s.depth)};
  bool inRange = layer >= 0 && layer < int64_t(s.layers);
  for (int d = 0; d < 3; ++d)
    inRange = inRange && position[d] >= 0 && position[d] < limits[d];
  trapped = false;
  if (!inRange) {
    if (clamp == CUPORT_SURFACE_TRAP) {
      trapped = true;
      return nullptr;
    }
    if (clamp == CUPORT_SURFACE_ZERO)
      return nullptr;
    for (int d = 0; d < 3; ++d)
      position[d] = std::clamp<int64_t>(position[d], 0, std::max<int64_t>(limits[d] - 1, 0));
    layer = std::clamp<int64_t>(layer, 0, int64_t(s.layers) - 1);
    if (clamp == CUPORT_SURFACE_CLAMP)
      position[0] -= position[0] % bytes; // the nearest whole element
  }
  return reinterpret_cast<unsigned char *>(s.data) +
         uint64_t(layer * int64_t(s.depth) + position[2]) * s.slice_pitch +
         uint64_t(position[1]) * s.row_pitch + uint64_t(position[0]);
}

// sust.p / sured.p address samples: the same access as the .b form at x * element bytes, one
// element wide. Coordinates too far out for that stay out of range.
uint32_t sampleAccess(const cuport_texture_descriptor &s, uint32_t op,
                      const uint32_t coordinates[4], uint32_t scaled[4]) {
  uint32_t shape = op & CUPORT_SHAPE_MASK;
  int first = shape == CUPORT_SHAPE_A1D || shape == CUPORT_SHAPE_A2D ? 1 : 0;
  for (int i = 0; i < 4; ++i)
    scaled[i] = coordinates[i];
  int64_t x = int64_t(int32_t(coordinates[first])) * s.element_bytes;
  scaled[first] = uint32_t(int32_t(std::clamp<int64_t>(x, INT32_MIN, INT32_MAX)));
  return (op & ~0xff00u) | s.element_bytes << 8;
}

// IEEE binary32 -> binary16, rounding to nearest even (overflow to infinity, NaN kept quiet).
uint16_t floatToHalf(float value) {
  uint32_t bits = bitsOf(value);
  uint16_t sign = uint16_t(bits >> 16 & 0x8000);
  uint32_t exponent = bits >> 23 & 0xff;
  uint32_t mantissa = bits & 0x7fffff;
  if (exponent == 0xff)
    return uint16_t(sign | 0x7c00 | (mantissa ? 0x200 | mantissa >> 13 : 0));
  int32_t halfExponent = int32_t(exponent) - 127 + 15;
  if (halfExponent >= 31)
    return uint16_t(sign | 0x7c00);
  uint32_t significand = mantissa | (exponent ? 0x800000u : 0);
  // Bits to drop: 13 for normal halves, more for subnormal ones.
  int shift = halfExponent >= 1 ? 13 : 14 - halfExponent;
  if (shift > 24)
    return sign;
  uint32_t kept = significand >> shift;
  uint32_t rest = significand & ((1u << shift) - 1);
  uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (kept & 1)))
    ++kept;
  // A normal half adds its exponent; a carry out of the mantissa moves into it naturally.
  uint32_t result = halfExponent >= 1 ? (uint32_t(halfExponent) << 10) + (kept - 0x400) : kept;
  return uint16_t(sign | result);
}

// An f32 value stored into a UNORM / SNORM channel of `bits` bits (the Direct3D conversion rules,
// which the PTX ISA's formats follow): NaN becomes 0, the value is clamped to [0, 1] (UNORM) or
// [-1, 1] (SNORM, so the most negative integer is never written), scaled by 2^bits - 1 (UNORM) or
// 2^(bits-1) - 1 (SNORM) and rounded to the nearest integer, halfway cases away from zero. The
// scaled value is exact in double, so the rounding sees it unrounded.
int32_t normalizedChannel(float value, uint32_t bits, bool isSigned) {
  if (std::isnan(value))
    return 0;
  double scale = isSigned ? double((1u << (bits - 1)) - 1) : double((1u << bits) - 1);
  double clamped = std::clamp(double(value), isSigned ? -1.0 : 0.0, 1.0);
  return int32_t(std::round(clamped * scale)); // std::round: halfway cases away from zero
}

// The sample sust.p writes: each channel the 32-bit value of its component (f32 for float and
// normalized formats, u32 / s32 for integer ones) converted to the channel's format, integers
// saturating; channels with no component are written as zero (the ISA leaves them unpredictable).
void formatSample(const cuport_texture_descriptor &s, const uint32_t *values, uint32_t count,
                  unsigned char *sample) {
  for (uint32_t c = 0; c < s.channels; ++c) {
    uint32_t value = c < count ? values[c] : 0;
    unsigned char *channel = sample + c * (s.channel_bits / 8);
    bool isSigned = s.channel_kind == CUPORT_CHANNEL_SIGNED;
    if (s.normalized_format) {
      uint16_t narrow = uint16_t(normalizedChannel(asFloat(value), s.channel_bits, isSigned));
      std::memcpy(channel, &narrow, s.channel_bits / 8);
    } else if (s.channel_bits == 32) {
      std::memcpy(channel, &value, 4);
    } else if (s.channel_kind == CUPORT_CHANNEL_FLOAT) {
      uint16_t half = floatToHalf(asFloat(value));
      std::memcpy(channel, &half, 2);
    } else {
      int64_t low = isSigned ? -(int64_t(1) << (s.channel_bits - 1)) : 0;
      int64_t high =
          isSigned ? (int64_t(1) << (s.channel_bits - 1)) - 1 : (int64_t(1) << s.channel_bits) - 1;
      int64_t wide = isSigned ? int64_t(int32_t(value)) : int64_t(value);
      uint16_t narrow = uint16_t(std::clamp(wide, low, high));
      std::memcpy(channel, &narrow, s.channel_bits / 8);
    }
  }
}

} // namespace

bool surfaceLoad(const cuport_texture_descriptor &s, uint32_t op, const uint32_t coordinates[4],
                 void *data) {
  bool trapped;
  unsigned char *address = surfaceAddress(s, op, coordinates, trapped);
  size_t bytes = (op >> 8) & 0xff;
  if (address)
    std::memcpy(data, address, bytes);
  else
    std::memset(data, 0, bytes);
  return !trapped;
}

bool surfaceStore(const cuport_texture_descriptor &s, uint32_t op, const uint32_t coordinates[4],
                  const void *data) {
  bool trapped;
  if (op & CUPORT_SURFACE_FORMATTED) {
    uint32_t scaled[4];
    uint32_t sampleOp = sampleAccess(s, op, coordinates, scaled);
    unsigned char *address = surfaceAddress(s, sampleOp, scaled, trapped);
    if (address)
      formatSample(s, static_cast<const uint32_t *>(data), ((op >> 8) & 0xff) / 4, address);
    return !trapped;
  }
  unsigned char *address = surfaceAddress(s, op, coordinates, trapped);
  if (address)
    std::memcpy(address, data, (op >> 8) & 0xff);
  return !trapped;
}

namespace {

// One atomic read-modify-write of `element`; C++ atomics wrap signed addition.
template <typename T> void reduceElement(T &element, uint32_t reduction, T operand) {
  std::atomic_ref<T> target(element);
  switch (reduction) {
  case CUPORT_SURED_ADD:
    target.fetch_add(operand);
    return;
  case CUPORT_SURED_AND:
    target.fetch_and(operand);
    return;
  case CUPORT_SURED_OR:
    target.fetch_or(operand);
    return;
  default: {
    bool minimum = reduction == CUPORT_SURED_MIN;
    T current = target.load();
    while ((minimum ? operand < current : operand > current) &&
           !target.compare_exchange_weak(current, operand))
      ;
    return;
  }
  }
}

template <typename T>
void reduceAt(unsigned char *address, uint32_t reduction, const void *operand) {
  T value;
  std::memcpy(&value, operand, sizeof value);
  reduceElement(*reinterpret_cast<T *>(address), reduction, value);
}

} // namespace

const char *surfaceReduce(const cuport_texture_descriptor &s, uint32_t op,
                          const uint32_t coordinates[4], const void *operand) {
  bool trapped;
  uint32_t scaled[4];
  if (op & CUPORT_SURFACE_FORMATTED) {
    // sured.p: one integer sample as wide as the operand; signed formats compare signed.
    if (s.channel_kind == CUPORT_CHANNEL_FLOAT || s.normalized_format ||
        s.element_bytes != ((op >> 8) & 0xff))
      return "sured.p: the surface's samples are not integers of the operand's size";
    op = sampleAccess(s, op, coordinates, scaled);
    if (s.channel_kind == CUPORT_CHANNEL_SIGNED)
      op |= CUPORT_SURED_SIGNED;
    coordinates = scaled;
  }
  unsigned char *address = surfaceAddress(s, op, coordinates, trapped);
  if (trapped)
    return "sured.trap: surface reduction out of range";
  if (!address)
    return nullptr;
  size_t bytes = (op >> 8) & 0xff;
  if (reinterpret_cast<uintptr_t>(address) % bytes != 0)
    return "sured: the surface element is not aligned to the operand size";
  uint32_t reduction = (op >> CUPORT_SURED_SHIFT) & 0xf;
  bool isSigned = op & CUPORT_SURED_SIGNED;
  if (bytes == 4) {
    if (isSigned)
      reduceAt<int32_t>(address, reduction, operand);
    else
      reduceAt<uint32_t>(address, reduction, operand);
  } else if (isSigned) {
    reduceAt<int64_t>(address, reduction, operand);
  } else {
    reduceAt<uint64_t>(address, reduction, operand);
  }
  return nullptr;
}

namespace {

// txq / suq .channel_data_type: the OpenCL channel data type of the image's CUDA array format
// (CL_SNORM_INT8 .. CL_UNORM_INT16, CL_SIGNED_INT8 .. CL_UNSIGNED_INT32, CL_HALF_FLOAT, CL_FLOAT;
// opencl-c-base.h's CLK_* values). The read mode and sRGB are sampler settings in CUDA, not part
// of the format, and do not change it.
int32_t openclChannelDataType(const cuport_texture_descriptor &t) {
  if (t.channel_kind == CUPORT_CHANNEL_FLOAT)
    return t.channel_bits == 16 ? 0x10DD : 0x10DE;
  bool isSigned = t.channel_kind == CUPORT_CHANNEL_SIGNED;
  if (t.normalized_format)
    return t.channel_bits == 8 ? (isSigned ? 0x10D0 : 0x10D2) : (isSigned ? 0x10D1 : 0x10D3);
  switch (t.channel_bits) {
  case 8:
    return isSigned ? 0x10D7 : 0x10DA;
  case 16:
    return isSigned ? 0x10D8 : 0x10DB;
  default:
    return isSigned ? 0x10D9 : 0x10DC;
  }
}

// txq / suq .channel_order: CL_R, CL_RG or CL_RGBA for one, two or four channels (CUDA arrays
// have no other layouts).
int32_t openclChannelOrder(const cuport_texture_descriptor &t) {
  return t.channels == 1 ? 0x10B0 : t.channels == 2 ? 0x10B2 : 0x10B5;
}

} // namespace

// The PTX ISA's txq / suq values: address modes in its enumeration { wrap, mirror, clamp_ogl,
// clamp_to_edge, clamp_to_border }, array_size 0 for anything but an array (a cubemap array counts
// cubemaps), the levels of a mipmapped texture (0 for a plain image), the samples of a
// multisample image (0 for the rest), memory_layout 0 (a surface is always over a CUDA array)
// and the OpenCL channel data type and order.
int32_t queryTexture(const cuport_texture_descriptor &t, uint32_t query) {
  switch (query) {
  case 0:
    return int32_t(t.width);
  case 1:
    return int32_t(t.height);
  case 2:
    return int32_t(t.depth);
  case 3:
    return !t.layered ? 0 : int32_t(t.cubemap ? t.layers / 6 : t.layers);
  case 4:
    return int32_t(t.normalized_coords);
  case 5:
    return int32_t(t.linear_filter);
  case 6:
  case 7:
  case 8:
    switch (t.address_mode[query - 6]) {
    case CUPORT_ADDRESS_WRAP:
      return 0;
    case CUPORT_ADDRESS_MIRROR:
      return 1;
    case CUPORT_ADDRESS_BORDER:
      return 4;
    case CUPORT_ADDRESS_CLAMP_OGL:
      return 2;
    default:
      return 3; // clamp_to_edge
    }
  case 9:
    return int32_t(t.levels);
  case 10:
    return int32_t(t.samples);
  case 12: // force_unnormalized_coords: a sampler's (no texture forces it)
    return t.magic == CUPORT_SAMPLER_MAGIC && !t.normalized_coords;
  case 13:
    return openclChannelDataType(t);
  case 14:
    return openclChannelOrder(t);
  default:
    return 0; // memory_layout
  }
}

} // namespace cuport::cpu
