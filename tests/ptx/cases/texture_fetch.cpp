// tex through texture objects: every geometry (1d, 2d, 3d, a1d, a2d, cube, acube) over CUDA arrays,
// linear and pitched memory; float and integer coordinates; point and linear filtering with every
// address mode; float, half and integer channels read as elements or normalized floats into .f32,
// .s32 and .u32 results; UNORM / SNORM formats; .level and .grad (one level: no mipmapped arrays).
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/texture_reference.h"

#include <algorithm>
#include <functional>

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;

using Fetch = std::function<ref::Texel(const ImageObject &, const Operands &)>;

// Runs `statement` (results in %f9..%f12, or %r9..%r12 when `integerResults`) over `rows` and
// compares each thread's four results with `reference`.
void checkFetch(const std::string &statement, bool integerResults, const ImageObject &object,
                const std::vector<Operands> &rows, const Fetch &reference) {
  Launch launch = imageLaunch(imageKernel(statement, 1, !integerResults), rows, {object});
  Bytes out = runOk(launch);
  int failures = 0;
  for (size_t row = 0; row < rows.size() && failures < 8; ++row) {
    ref::Texel expected = reference(object, rows[row]);
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c) {
      bool ok = integerResults ? actual[c] == expected.i[c] : closeFloat(actual[c], expected.f[c]);
      if (!ok && failures++ < 8)
        ADD_FAILURE() << statement << "\n  operands " << std::hex << rows[row][0] << " "
                      << rows[row][1] << " " << rows[row][2] << " " << rows[row][3] << std::dec
                      << ": component " << c << " is "
                      << (integerResults ? std::to_string(actual[c])
                                         : std::to_string(bitsFloat(actual[c])))
                      << ", expected "
                      << (integerResults ? std::to_string(expected.i[c])
                                         : std::to_string(expected.f[c]));
    }
  }
}

// A texel-space coordinate for a dimension of `size` texels: some outside the image, each at
// least 1/64 texel from a texel edge (point sampling) or 1/1024 of a texel past a 1/256 step of
// the linear weight, as normalized coordinates when asked.
float coordinate(std::mt19937_64 &random, int64_t size, bool linear, bool normalized, bool wide) {
  int64_t span = wide ? 3 * size : size + 4;
  int64_t first = wide ? -size : -2;
  double texel = double(first + int64_t(random() % uint64_t(span)));
  double position = linear ? texel + 0.5 + double(random() % 256) / 256 + 1.0 / 1024
                           : texel + double(1 + random() % 62) / 64;
  return float(normalized ? position / double(size) : position);
}

// Samplers a float fetch runs under: point and linear, unnormalized (clamp, border) and
// normalized (wrap, mirror, clamp, border) coordinates.
std::vector<Sampler> samplers() {
  std::vector<Sampler> list;
  for (bool linear : {false, true})
    for (AddressMode mode : {AddressMode::Clamp, AddressMode::Border, AddressMode::Wrap,
                             AddressMode::Mirror, AddressMode::Clamp, AddressMode::Border}) {
      Sampler sampler;
      sampler.linearFilter = linear;
      sampler.normalizedCoords = list.size() % 6 >= 2;
      sampler.address[0] = sampler.address[1] = sampler.address[2] = mode;
      sampler.border[0] = 0.5f;
      sampler.border[1] = -2.0f;
      sampler.border[2] = 7.25f;
      sampler.border[3] = 1.0f;
      list.push_back(sampler);
    }
  return list;
}

bool wraps(const Sampler &sampler) {
  return sampler.address[0] == AddressMode::Wrap || sampler.address[0] == AddressMode::Mirror;
}

// tex.{1d,2d,3d}.v4.f32.f32 over float images under every sampler.
void checkFloatShape(const std::string &caseName, int dimensions, Image image) {
  static const char *kShapes[] = {"", "1d", "2d", "3d"};
  static const char *kCoordinates[] = {"", "{%f1}", "{%f1, %f2}", "{%f1, %f2, %f3, %f4}"};
  std::mt19937_64 random = randomFor(caseName);
  for (const Sampler &sampler : samplers()) {
    ImageObject object{false, image, sampler};
    ref::Footprint where = ref::footprint(object, dimensions, 0);
    std::vector<Operands> rows;
    for (int i = 0; i < 96; ++i) {
      Operands row{};
      for (int d = 0; d < dimensions; ++d)
        row[d] = floatBits(coordinate(random, where.size[d], sampler.linearFilter,
                                      sampler.normalizedCoords, wraps(sampler)));
      rows.push_back(row);
    }
    checkFetch(
        std::string("  tex.") + kShapes[dimensions] +
            ".v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, " + kCoordinates[dimensions] + "];",
        false, object, rows, [&](const ImageObject &o, const Operands &row) {
          float x[3] = {bitsFloat(row[0]), bitsFloat(row[1]), bitsFloat(row[2])};
          return ref::sample(o, ref::footprint(o, dimensions, 0), x, o.sampler.normalizedCoords);
        });
  }
}

PTX_CASE(TextureFetch, Float1D) {
  std::mt19937_64 random = randomFor("TextureFetch.Float1D.image");
  checkFloatShape("TextureFetch.Float1D", 1,
                  randomImage(ChannelKind::Float, 1, 32, 8, 0, 0, random));
}

PTX_CASE(TextureFetch, Float2D) {
  std::mt19937_64 random = randomFor("TextureFetch.Float2D.image");
  checkFloatShape("TextureFetch.Float2D", 2,
                  randomImage(ChannelKind::Float, 4, 32, 8, 4, 0, random));
}

PTX_CASE(TextureFetch, Float3D) {
  std::mt19937_64 random = randomFor("TextureFetch.Float3D.image");
  checkFloatShape("TextureFetch.Float3D", 3,
                  randomImage(ChannelKind::Float, 2, 32, 4, 4, 8, random));
}

// A 2D texture over pitched linear memory: rows 128 bytes apart.
PTX_CASE(TextureFetch, Pitch2D) {
  std::mt19937_64 random = randomFor("TextureFetch.Pitch2D.image");
  Image image = randomImage(ChannelKind::Float, 2, 32, 8, 4, 0, random);
  image.resource = Resource::Pitch2D;
  image.pitch = 128;
  checkFloatShape("TextureFetch.Pitch2D", 2, image);
}

// tex.a1d / tex.a2d: the first coordinate selects the layer (an unsigned integer).
PTX_CASE(TextureFetch, Layered) {
  std::mt19937_64 random = randomFor("TextureFetch.Layered");
  for (int dimensions : {1, 2}) {
    Image image = randomImage(ChannelKind::Float, 4, 32, 8, dimensions == 2 ? 4 : 0, 5, random);
    image.layered = true;
    for (const Sampler &sampler : samplers()) {
      ImageObject object{false, image, sampler};
      std::vector<Operands> rows;
      for (int i = 0; i < 64; ++i) {
        Operands row{};
        row[0] = uint32_t(random() % 5);
        row[1] = floatBits(
            coordinate(random, 8, sampler.linearFilter, sampler.normalizedCoords, wraps(sampler)));
        row[2] = floatBits(
            coordinate(random, 4, sampler.linearFilter, sampler.normalizedCoords, wraps(sampler)));
        rows.push_back(row);
      }
      std::string statement = dimensions == 1
                                  ? "  tex.a1d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, "
                                    "{%r1, %f2}];"
                                  : "  tex.a2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, "
                                    "{%r1, %f2, %f3, %f4}];";
      checkFetch(statement, false, object, rows, [&](const ImageObject &o, const Operands &row) {
        float x[3] = {bitsFloat(row[1]), bitsFloat(row[2]), 0};
        return ref::sample(o, ref::footprint(o, dimensions, row[0]), x, o.sampler.normalizedCoords);
      });
    }
  }
}

// A direction towards a point of face `face` at face coordinates (u, v) in [0, 1], scaled.
std::array<float, 3> cubeDirection(int face, float u, float v, float scale) {
  float s = 2 * u - 1, t = 2 * v - 1;
  std::array<float, 3> d{};
  switch (face) {
  case 0:
    d = {1, -t, -s};
    break;
  case 1:
    d = {-1, -t, s};
    break;
  case 2:
    d = {s, 1, t};
    break;
  case 3:
    d = {s, -1, -t};
    break;
  case 4:
    d = {s, -t, 1};
    break;
  default:
    d = {-s, -t, -1};
    break;
  }
  for (float &c : d)
    c *= scale;
  return d;
}

// tex.cube / tex.acube: directions into every face, point sampled at texel centres' surroundings
// and linearly filtered away from the face edges.
PTX_CASE(TextureFetch, Cubemap) {
  std::mt19937_64 random = randomFor("TextureFetch.Cubemap");
  for (bool array : {false, true}) {
    Image image = randomImage(ChannelKind::Float, 2, 32, 8, 8, array ? 18 : 6, random);
    image.cubemap = true;
    image.layered = array;
    for (bool linear : {false, true}) {
      Sampler sampler;
      sampler.linearFilter = linear;
      sampler.normalizedCoords = true;
      ImageObject object{false, image, sampler};
      std::vector<Operands> rows;
      for (int i = 0; i < 96; ++i) {
        int face = int(random() % 6);
        // Face coordinates inside the face, kept off texel edges (and, filtered, off the outer
        // half texel, where cube edges would blend faces).
        auto along = [&] {
          if (!linear)
            return (double(random() % 8) + double(1 + random() % 62) / 64) / 8;
          return (double(random() % 7) + 0.5 + double(random() % 256) / 256 + 1.0 / 1024) / 8;
        };
        float u = float(along()), v = float(along());
        float scale = float(1 << (random() % 4)) / 2;
        std::array<float, 3> d = cubeDirection(face, u, v, scale);
        Operands row{};
        row[0] = uint32_t(random() % 3);
        row[1] = floatBits(d[0]);
        row[2] = floatBits(d[1]);
        row[3] = floatBits(d[2]);
        rows.push_back(row);
      }
      std::string statement = array ? "  tex.acube.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, "
                                      "{%r1, %f2, %f3, %f4}];"
                                    : "  tex.cube.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, "
                                      "{%f2, %f3, %f4, %f1}];";
      checkFetch(statement, false, object, rows, [&](const ImageObject &o, const Operands &row) {
        return ref::sampleCube(o, bitsFloat(row[1]), bitsFloat(row[2]), bitsFloat(row[3]),
                               array ? row[0] : 0);
      });
    }
  }
}

// .s32 coordinates address texels directly: tex1Dfetch over linear memory (zero outside it), and
// unnormalized array textures under clamp and border.
PTX_CASE(TextureFetch, IntegerCoordinates) {
  std::mt19937_64 random = randomFor("TextureFetch.IntegerCoordinates");
  auto index = [&](int64_t size) { return uint32_t(int32_t(random() % (size + 6)) - 3); };
  {
    Image image = randomImage(ChannelKind::Float, 4, 32, 40, 0, 0, random);
    image.resource = Resource::Linear;
    ImageObject object{false, image, Sampler{}};
    std::vector<Operands> rows;
    for (int i = 0; i < 96; ++i)
      rows.push_back(Operands{index(40)});
    checkFetch("  tex.1d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1}];", false, object, rows,
               [](const ImageObject &o, const Operands &row) {
                 int64_t at[3] = {int32_t(row[0]), 0, 0};
                 return ref::fetch(o, ref::footprint(o, 1, 0), at);
               });
  }
  {
    // tex1Dfetch<int> over 32-bit signed elements.
    Image image = randomImage(ChannelKind::Signed, 1, 32, 40, 0, 0, random);
    image.resource = Resource::Linear;
    ImageObject object{false, image, Sampler{}};
    std::vector<Operands> rows;
    for (int i = 0; i < 96; ++i)
      rows.push_back(Operands{index(40)});
    checkFetch("  tex.1d.v4.s32.s32 {%r9, %r10, %r11, %r12}, [%rd10, {%r1}];", true, object, rows,
               [](const ImageObject &o, const Operands &row) {
                 int64_t at[3] = {int32_t(row[0]), 0, 0};
                 return ref::fetch(o, ref::footprint(o, 1, 0), at);
               });
  }
  struct Shape {
    const char *statement;
    int dimensions;
    bool layered;
  };
  static const Shape kShapes[] = {
      {"  tex.1d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r2}];", 1, false},
      {"  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r2, %r3}];", 2, false},
      {"  tex.3d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r2, %r3, %r4, %r5}];", 3, false},
      {"  tex.a1d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}];", 1, true},
      {"  tex.a2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2, %r3, %r4}];", 2, true},
  };
  for (const Shape &shape : kShapes)
    for (AddressMode mode : {AddressMode::Clamp, AddressMode::Border}) {
      uint32_t height = shape.dimensions >= 2 ? 4 : 0;
      uint32_t depth = shape.dimensions == 3 || shape.layered ? 3 : 0;
      Image image = randomImage(ChannelKind::Float, 2, 32, 6, height, depth, random);
      image.layered = shape.layered;
      Sampler sampler;
      sampler.address[0] = sampler.address[1] = sampler.address[2] = mode;
      sampler.border[0] = 3.5f;
      sampler.border[1] = -1.25f;
      ImageObject object{false, image, sampler};
      std::vector<Operands> rows;
      for (int i = 0; i < 64; ++i)
        rows.push_back(Operands{uint32_t(random() % 3), index(6), index(4), index(3)});
      checkFetch(shape.statement, false, object, rows,
                 [&](const ImageObject &o, const Operands &row) {
                   int64_t at[3] = {int32_t(row[1]), int32_t(row[2]), int32_t(row[3])};
                   int64_t layer = shape.layered ? row[0] : 0;
                   return ref::fetch(o, ref::footprint(o, shape.dimensions, layer), at);
                 });
    }
}

// Element-type reads of integer channels give .u32 / .s32 results: the channel values,
// zero- or sign-extended; missing channels read 0 and alpha 1.
PTX_CASE(TextureFetch, IntegerElements) {
  std::mt19937_64 random = randomFor("TextureFetch.IntegerElements");
  struct Format {
    ChannelKind kind;
    uint32_t channels, bits;
  };
  static const Format kFormats[] = {
      {ChannelKind::Unsigned, 4, 8},  {ChannelKind::Signed, 4, 8},
      {ChannelKind::Unsigned, 2, 16}, {ChannelKind::Signed, 2, 16},
      {ChannelKind::Unsigned, 1, 32}, {ChannelKind::Signed, 1, 32},
      {ChannelKind::Unsigned, 4, 32}, {ChannelKind::Signed, 2, 8},
  };
  for (const Format &format : kFormats) {
    Image image = randomImage(format.kind, format.channels, format.bits, 8, 4, 0, random);
    Sampler sampler;
    sampler.address[0] = sampler.address[1] = AddressMode::Clamp;
    ImageObject object{false, image, sampler};
    std::vector<Operands> rows;
    for (int i = 0; i < 64; ++i) {
      Operands row{};
      row[0] = floatBits(coordinate(random, 8, false, false, false));
      row[1] = floatBits(coordinate(random, 4, false, false, false));
      rows.push_back(row);
    }
    std::string type = format.kind == ChannelKind::Signed ? "s32" : "u32";
    checkFetch("  tex.2d.v4." + type + ".f32 {%r9, %r10, %r11, %r12}, [%rd10, {%f1, %f2}];", true,
               object, rows, [](const ImageObject &o, const Operands &row) {
                 float x[3] = {bitsFloat(row[0]), bitsFloat(row[1]), 0};
                 return ref::sample(o, ref::footprint(o, 2, 0), x, false);
               });
  }
}

// cudaReadModeNormalizedFloat: 8- and 16-bit integers become [0, 1] or [-1, 1] floats, point
// sampled and linearly filtered; half channels read as their float values.
PTX_CASE(TextureFetch, NormalizedAndHalfChannels) {
  std::mt19937_64 random = randomFor("TextureFetch.NormalizedAndHalfChannels");
  struct Format {
    ChannelKind kind;
    uint32_t channels, bits;
  };
  static const Format kFormats[] = {
      {ChannelKind::Unsigned, 4, 8}, {ChannelKind::Signed, 1, 8}, {ChannelKind::Unsigned, 2, 16},
      {ChannelKind::Signed, 4, 16},  {ChannelKind::Float, 1, 16}, {ChannelKind::Float, 4, 16},
  };
  for (const Format &format : kFormats)
    for (bool linear : {false, true}) {
      Image image = randomImage(format.kind, format.channels, format.bits, 8, 4, 0, random);
      if (format.kind == ChannelKind::Signed && format.bits == 8)
        image.texels.set<int8_t>(0, -128); // reads -1, like -127
      Sampler sampler;
      sampler.normalizedRead = format.kind != ChannelKind::Float;
      sampler.linearFilter = linear;
      sampler.normalizedCoords = true;
      sampler.address[0] = AddressMode::Wrap;
      sampler.address[1] = AddressMode::Mirror;
      ImageObject object{false, image, sampler};
      std::vector<Operands> rows;
      for (int i = 0; i < 96; ++i) {
        Operands row{};
        row[0] = floatBits(coordinate(random, 8, linear, true, true));
        row[1] = floatBits(coordinate(random, 4, linear, true, true));
        rows.push_back(row);
      }
      checkFetch("  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}];", false, object,
                 rows, [](const ImageObject &o, const Operands &row) {
                   float x[3] = {bitsFloat(row[0]), bitsFloat(row[1]), 0};
                   return ref::sample(o, ref::footprint(o, 2, 0), x, true);
                 });
    }
}

// The UNORM / SNORM array formats (cudaChannelFormatKind{Uns|S}ignedNormalized{8|16}X{1|2|4}):
// every texel reads as a normalized float, v / (2^n - 1) or v / (2^(n-1) - 1) floored at -1,
// whatever the read mode (cudaReadModeElementType included), point sampled and linearly filtered,
// in 2D and 3D.
PTX_CASE(TextureFetch, NormalizedFormats) {
  std::mt19937_64 random = randomFor("TextureFetch.NormalizedFormats");
  for (ChannelKind kind : {ChannelKind::Unsigned, ChannelKind::Signed})
    for (uint32_t bits : {8u, 16u})
      for (uint32_t channels : {1u, 2u, 4u})
        for (bool linear : {false, true})
          for (int dimensions : {2, 3}) {
            uint32_t depth = dimensions == 3 ? 3 : 0;
            Image image = randomImage(kind, channels, bits, 6, 4, depth, random);
            image.normalizedFormat = true;
            // The most negative value reads -1, like its neighbour.
            if (kind == ChannelKind::Signed) {
              if (bits == 8)
                image.texels.set<int8_t>(0, -128);
              else
                image.texels.set<int16_t>(0, -32768);
            }
            Sampler sampler;
            sampler.normalizedRead = (channels + bits / 8) % 2 == 0; // both read modes
            sampler.linearFilter = linear;
            sampler.normalizedCoords = linear;
            for (AddressMode &mode : sampler.address)
              mode = linear ? AddressMode::Wrap : AddressMode::Clamp;
            ImageObject object{false, image, sampler};
            ref::Footprint where = ref::footprint(object, dimensions, 0);
            std::vector<Operands> rows;
            for (int i = 0; i < 64; ++i) {
              Operands row{};
              for (int d = 0; d < dimensions; ++d)
                row[d] = floatBits(coordinate(random, where.size[d], linear, linear, linear));
              rows.push_back(row);
            }
            std::string coordinates = dimensions == 2 ? "{%f1, %f2}" : "{%f1, %f2, %f3, %f4}";
            checkFetch("  tex." + std::to_string(dimensions) +
                           "d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, " + coordinates + "];",
                       false, object, rows,
                       [dimensions](const ImageObject &o, const Operands &row) {
                         float x[3] = {bitsFloat(row[0]), bitsFloat(row[1]), bitsFloat(row[2])};
                         return ref::sample(o, ref::footprint(o, dimensions, 0), x,
                                            o.sampler.normalizedCoords);
                       });
          }
}

// tex.level and tex.grad on a texture without mipmaps: every level of detail and gradient
// selects level 0, so they fetch what tex does.
PTX_CASE(TextureFetch, LevelAndGradient) {
  std::mt19937_64 random = randomFor("TextureFetch.LevelAndGradient");
  Image image = randomImage(ChannelKind::Float, 4, 32, 8, 8, 0, random);
  Sampler sampler;
  sampler.linearFilter = true;
  sampler.normalizedCoords = true;
  sampler.address[0] = sampler.address[1] = AddressMode::Wrap;
  ImageObject object{false, image, sampler};
  std::vector<Operands> rows;
  for (int i = 0; i < 64; ++i) {
    Operands row{};
    row[0] = floatBits(coordinate(random, 8, true, true, true));
    row[1] = floatBits(coordinate(random, 8, true, true, true));
    row[2] = floatBits(float(random() % 8) / 2);  // level of detail
    row[3] = floatBits(float(random() % 16) / 8); // gradient components
    rows.push_back(row);
  }
  Fetch plain = [](const ImageObject &o, const Operands &row) {
    float x[3] = {bitsFloat(row[0]), bitsFloat(row[1]), 0};
    return ref::sample(o, ref::footprint(o, 2, 0), x, true);
  };
  checkFetch("  tex.level.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}], %f3;", false,
             object, rows, plain);
  checkFetch("  tex.grad.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}], "
             "{%f4, %f3}, {%f3, %f4};",
             false, object, rows, plain);
}

// The binary16 value nearest `value` (ties to even), by rounding at the half's unit in the last
// place; NaN stays NaN.
uint16_t nearestHalf(float value) {
  if (std::isnan(value))
    return 0x7e00;
  uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double magnitude = std::fabs(double(value));
  if (magnitude == 0)
    return sign;
  if (std::isinf(magnitude))
    return sign | 0x7c00;
  int exponent = std::max(std::ilogb(magnitude), -14);
  double unit = std::ldexp(1.0, exponent - 10);
  double rounded = std::nearbyint(magnitude / unit) * unit; // the default mode: ties to even
  if (rounded > 65504.0)
    return sign | 0x7c00;
  if (rounded < std::ldexp(1.0, -14))
    return uint16_t(sign | uint16_t(rounded / std::ldexp(1.0, -24)));
  int e = std::ilogb(rounded);
  return uint16_t(sign | uint16_t((e + 15) << 10) |
                  uint16_t(rounded / std::ldexp(1.0, e - 10) - 1024));
}

// .f16 and .f16x2 results: the fetched floats rounded to half (r and g, then b and a, packed with
// the first in the low half), from float images whose values need rounding and overflow.
PTX_CASE(TextureFetch, HalfResults) {
  std::mt19937_64 random = randomFor("TextureFetch.HalfResults");
  Image image = randomImage(ChannelKind::Float, 4, 32, 8, 4, 0, random);
  for (size_t i = 0; i < image.texels.size(); i += 4) {
    uint64_t bits = random();
    float magnitude = std::ldexp(1.0f + float(bits % 65536) / 65536, int(bits >> 16 & 63) - 40);
    image.texels.set<float>(i, bits >> 22 & 1 ? -magnitude : magnitude);
  }
  for (bool linear : {false, true}) {
    Sampler sampler;
    sampler.linearFilter = linear;
    sampler.normalizedCoords = true;
    sampler.address[0] = sampler.address[1] = AddressMode::Wrap;
    ImageObject object{false, image, sampler};
    std::vector<Operands> rows;
    for (int i = 0; i < 64; ++i) {
      Operands row{};
      row[0] = floatBits(coordinate(random, 8, linear, true, true));
      row[1] = floatBits(coordinate(random, 4, linear, true, true));
      rows.push_back(row);
    }
    for (bool packed : {false, true}) {
      std::string statement =
          packed ? "  tex.2d.v2.f16x2.f32 {%r9, %r10}, [%rd10, {%f1, %f2}];\n"
                   "  mov.u32 %r11, 0;\n  mov.u32 %r12, 0;"
                 : "  tex.2d.v4.f16.f32 {%h1, %h2, %h3, %h4}, [%rd10, {%f1, %f2}];\n"
                   "  cvt.u32.u16 %r9, %h1;\n  cvt.u32.u16 %r10, %h2;\n"
                   "  cvt.u32.u16 %r11, %h3;\n  cvt.u32.u16 %r12, %h4;";
      Bytes out = runOk(imageLaunch(imageKernel(statement, 1, false), rows, {object}));
      for (size_t row = 0; row < rows.size(); ++row) {
        float x[3] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1]), 0};
        ref::Texel texel = ref::sample(object, ref::footprint(object, 2, 0), x, true);
        uint16_t halves[4];
        for (int c = 0; c < 4; ++c)
          halves[c] = nearestHalf(texel.f[c]);
        Results expected = packed ? Results{uint32_t(halves[0] | halves[1] << 16),
                                            uint32_t(halves[2] | halves[3] << 16), 0, 0}
                                  : Results{halves[0], halves[1], halves[2], halves[3]};
        EXPECT_EQ(resultAt(out, row), expected)
            << statement << " at (" << x[0] << ", " << x[1] << ")";
      }
    }
  }
}

} // namespace
} // namespace cuport::conformance
