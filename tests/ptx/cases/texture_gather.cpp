// tld4.{r,g,b,a}.{2d,a2d,cube,acube}: the four texels of the bilinear footprint, one component
// each, counter-clockwise from the lower left, over float images (.f32), normalized integer reads
// and UNORM / SNORM formats (.f32) and integer element reads (.s32 / .u32), under every address
// mode (2d, a2d) and on every cube face (clamped, away from the face edges).
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/texture_reference.h"

#include <functional>

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;

struct GatherFormat {
  ChannelKind kind;
  uint32_t channels, bits;
  bool normalizedRead;
  const char *type;              // the destination type
  bool normalizedFormat = false; // UNORM / SNORM: normalized floats whatever the read mode
};

constexpr GatherFormat kFormats[] = {
    {ChannelKind::Float, 4, 32, false, "f32"},
    {ChannelKind::Unsigned, 4, 8, true, "f32"},
    {ChannelKind::Unsigned, 4, 8, false, "u32"},
    {ChannelKind::Signed, 2, 16, false, "s32"},
    {ChannelKind::Float, 1, 16, false, "f32"},
    {ChannelKind::Signed, 4, 8, false, "f32", true},
    {ChannelKind::Unsigned, 2, 16, true, "f32", true},
};

using Expected = std::function<ref::Texel(const Operands &, int component)>;

// Runs tld4 of every component with `coordinates` over `rows` and compares with `expected`.
void checkGather(const std::string &geometry, const std::string &coordinates,
                 const GatherFormat &format, const ImageObject &object,
                 const std::vector<Operands> &rows, const Expected &expected) {
  bool integerResults = std::string(format.type) != "f32";
  for (int component = 0; component < 4; ++component) {
    std::string statement =
        std::string("  tld4.") + "rgba"[component] + "." + geometry + ".v4." + format.type +
        ".f32 " + (integerResults ? "{%r9, %r10, %r11, %r12}" : "{%f9, %f10, %f11, %f12}") +
        ", [%rd10, " + coordinates + "];";
    Bytes out = runOk(imageLaunch(imageKernel(statement, 1, !integerResults), rows, {object}));
    int failures = 0;
    for (size_t row = 0; row < rows.size(); ++row) {
      ref::Texel texel = expected(rows[row], component);
      Results actual = resultAt(out, row);
      for (int k = 0; k < 4; ++k) {
        bool ok = integerResults ? actual[k] == texel.i[k] : closeFloat(actual[k], texel.f[k]);
        if (!ok && failures++ < 8)
          ADD_FAILURE() << statement << " operands " << std::hex << rows[row][0] << " "
                        << rows[row][1] << " " << rows[row][2] << " " << rows[row][3] << ": texel "
                        << k << " is " << actual[k] << ", expected "
                        << (integerResults ? texel.i[k] : floatBits(texel.f[k]));
      }
    }
  }
}

// A coordinate 1/64 of a texel or more away from where the footprint moves (texel centres).
float gatherCoordinate(std::mt19937_64 &random, int64_t size, bool normalized, bool wide) {
  int64_t span = wide ? 3 * size : size + 4;
  int64_t first = wide ? -size : -2;
  double position =
      double(first + int64_t(random() % uint64_t(span))) + 0.5 + double(1 + random() % 62) / 64;
  return float(normalized ? position / double(size) : position);
}

Sampler gatherSampler(const GatherFormat &format, int mode) {
  static const AddressMode kModes[] = {AddressMode::Clamp, AddressMode::Border,
                                       AddressMode::Wrap,  AddressMode::Mirror,
                                       AddressMode::Clamp, AddressMode::Border};
  Sampler sampler;
  sampler.address[0] = sampler.address[1] = kModes[mode];
  sampler.normalizedCoords = mode >= 2;
  sampler.normalizedRead = format.normalizedRead;
  if (format.kind == ChannelKind::Float || format.normalizedRead || format.normalizedFormat) {
    sampler.border[0] = 0.25f;
    sampler.border[1] = -4.0f;
    sampler.border[2] = 1.5f;
    sampler.border[3] = 0.75f;
  }
  return sampler;
}

PTX_CASE(TextureGather, TwoDimensionalAndLayered) {
  std::mt19937_64 random = randomFor("TextureGather.TwoDimensionalAndLayered");
  for (const GatherFormat &format : kFormats)
    for (bool layered : {false, true})
      for (int mode = 0; mode < 6; ++mode) {
        Image image =
            randomImage(format.kind, format.channels, format.bits, 8, 4, layered ? 3 : 0, random);
        image.layered = layered;
        image.normalizedFormat = format.normalizedFormat;
        ImageObject object{false, image, gatherSampler(format, mode)};
        bool wide = mode == 2 || mode == 3;
        std::vector<Operands> rows;
        for (int i = 0; i < 64; ++i) {
          Operands row{};
          row[0] = uint32_t(random() % 3);
          row[1] = floatBits(gatherCoordinate(random, 8, object.sampler.normalizedCoords, wide));
          row[2] = floatBits(gatherCoordinate(random, 4, object.sampler.normalizedCoords, wide));
          rows.push_back(row);
        }
        checkGather(layered ? "a2d" : "2d", layered ? "{%r1, %f2, %f3, %f4}" : "{%f2, %f3}", format,
                    object, rows, [&](const Operands &row, int component) {
                      float x[2] = {bitsFloat(row[1]), bitsFloat(row[2])};
                      return ref::gather(object, ref::footprint(object, 2, layered ? row[0] : 0), x,
                                         object.sampler.normalizedCoords, component);
                    });
      }
}

// A direction towards face coordinates (u, v) of `face`, scaled.
std::array<float, 3> towards(int face, float u, float v, float scale) {
  float s = 2 * u - 1, t = 2 * v - 1;
  // Rows: the direction's x, y, z as (constant, s, t) coefficients, from the face table.
  static const float kTable[6][3][3] = {
      {{1, 0, 0}, {0, 0, -1}, {0, -1, 0}}, {{-1, 0, 0}, {0, 0, -1}, {0, 1, 0}},
      {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}},   {{0, 1, 0}, {-1, 0, 0}, {0, 0, -1}},
      {{0, 1, 0}, {0, 0, -1}, {1, 0, 0}},  {{0, -1, 0}, {0, 0, -1}, {-1, 0, 0}},
  };
  std::array<float, 3> d{};
  for (int i = 0; i < 3; ++i)
    d[i] = scale * (kTable[face][i][0] + kTable[face][i][1] * s + kTable[face][i][2] * t);
  return d;
}

PTX_CASE(TextureGather, CubemapAndCubemapArray) {
  std::mt19937_64 random = randomFor("TextureGather.CubemapAndCubemapArray");
  for (const GatherFormat &format : kFormats)
    for (bool array : {false, true}) {
      Image image =
          randomImage(format.kind, format.channels, format.bits, 8, 8, array ? 12 : 6, random);
      image.cubemap = true;
      image.layered = array;
      image.normalizedFormat = format.normalizedFormat;
      Sampler sampler;
      sampler.normalizedCoords = true;
      sampler.normalizedRead = format.normalizedRead;
      ImageObject object{false, image, sampler};
      std::vector<Operands> rows;
      for (int i = 0; i < 64; ++i) {
        int face = int(random() % 6);
        // Inside the face, the footprint's texels too: between texel centres 0.5 and 7.5.
        auto along = [&] {
          return float((double(random() % 7) + 0.5 + double(1 + random() % 62) / 64) / 8);
        };
        float u = along(), v = along();
        std::array<float, 3> d = towards(face, u, v, float(1 << (random() % 3)));
        rows.push_back(
            Operands{uint32_t(random() % 2), floatBits(d[0]), floatBits(d[1]), floatBits(d[2])});
      }
      checkGather(array ? "acube" : "cube", array ? "{%r1, %f2, %f3, %f4}" : "{%f2, %f3, %f4, %f1}",
                  format, object, rows, [&](const Operands &row, int component) {
                    float uv[2];
                    ref::Footprint where =
                        ref::cubeFootprint(object, bitsFloat(row[1]), bitsFloat(row[2]),
                                           bitsFloat(row[3]), array ? row[0] : 0, uv);
                    return ref::gather(object, where, uv, true, component);
                  });
    }
}

} // namespace
} // namespace cuport::conformance
