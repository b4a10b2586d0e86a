// Textures over mipmapped arrays: tex.level (an explicit level of detail, .f32, or .s32 with .s32
// coordinates), tex.grad (the level from gradients) and tex.base / plain tex (level 0) on every
// geometry, with point and linear filtering between levels, the sampler's level bias and clamps;
// txq.num_mipmap_levels and txq.level.{width,height,depth}. Expected values come from
// mipmap_reference.h.
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/mipmap_reference.h"

#include <functional>

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;
namespace mip = mipmap_reference;

// What a row samples at one level (a plain texture of its own), and the row's level of detail.
using LevelFetch = std::function<ref::Texel(const ImageObject &, const Operands &)>;
using Lambda = std::function<double(const ImageObject &, const Operands &)>;

// A geometry: its name, coordinate and gradient operands (%f20 holds 0), the spatial dimensions
// and how the reference samples one level.
struct Geometry {
  const char *name;
  const char *coordinates;
  const char *gradients; // "dPdx, dPdy"
  int components;        // of a gradient that count
  LevelFetch fetch;
};

float at(const Operands &row, int i) {
  return bitsFloat(row[i]);
}

ref::Texel sampleFlat(const ImageObject &o, int dims, int64_t slice, const float x[3]) {
  return ref::sample(o, ref::footprint(o, dims, slice), x, o.sampler.normalizedCoords);
}

const std::vector<Geometry> &geometries() {
  static const std::vector<Geometry> list = {
      {"1d", "{%f1}", "{%f5}, {%f6}", 1,
       [](const ImageObject &o, const Operands &r) {
         float x[3] = {at(r, 0), 0, 0};
         return sampleFlat(o, 1, 0, x);
       }},
      {"2d", "{%f1, %f2}", "{%f5, %f6}, {%f7, %f8}", 2,
       [](const ImageObject &o, const Operands &r) {
         float x[3] = {at(r, 0), at(r, 1), 0};
         return sampleFlat(o, 2, 0, x);
       }},
      {"3d", "{%f1, %f2, %f3, %f3}", "{%f4, %f5, %f6, %f6}, {%f7, %f8, %f20, %f20}", 3,
       [](const ImageObject &o, const Operands &r) {
         float x[3] = {at(r, 0), at(r, 1), at(r, 2)};
         return sampleFlat(o, 3, 0, x);
       }},
      {"a1d", "{%r1, %f2}", "{%f5}, {%f6}", 1,
       [](const ImageObject &o, const Operands &r) {
         float x[3] = {at(r, 1), 0, 0};
         return sampleFlat(o, 1, int64_t(r[0]), x);
       }},
      {"a2d", "{%r1, %f2, %f3, %f3}", "{%f5, %f6}, {%f7, %f8}", 2,
       [](const ImageObject &o, const Operands &r) {
         float x[3] = {at(r, 1), at(r, 2), 0};
         return sampleFlat(o, 2, int64_t(r[0]), x);
       }},
      {"cube", "{%f1, %f2, %f3, %f3}", "{%f4, %f5, %f6, %f6}, {%f7, %f8, %f20, %f20}", 3,
       [](const ImageObject &o, const Operands &r) {
         return ref::sampleCube(o, at(r, 0), at(r, 1), at(r, 2), 0);
       }},
      {"acube", "{%r1, %f2, %f3, %f4}", "{%f5, %f6, %f7, %f7}, {%f8, %f20, %f20, %f20}", 3,
       [](const ImageObject &o, const Operands &r) {
         return ref::sampleCube(o, at(r, 1), at(r, 2), at(r, 3), int64_t(r[0]));
       }},
  };
  return list;
}

const Geometry &geometry(const std::string &name) {
  for (const Geometry &g : geometries())
    if (name == g.name)
      return g;
  std::abort();
}

// A mipmapped float image (four 32-bit channels, multiples of 1/4) of `levels` levels.
Image mipmappedImage(uint32_t width, uint32_t height, uint32_t depth, bool layered, bool cubemap,
                     uint32_t levels, std::mt19937_64 &random) {
  Image image;
  image.kind = ChannelKind::Float;
  image.channels = 4;
  image.channelBits = 32;
  image.width = width;
  image.height = height;
  image.depth = depth;
  image.layered = layered;
  image.cubemap = cubemap;
  image.levels = levels;
  for (size_t i = 0; i < image.bytes() / 4; ++i)
    image.texels.push(float(int64_t(random() % 512) - 256) / 4);
  return image;
}

// A normalized coordinate of a power-of-two dimension of `size` texels, 1/1024 texel past a 1/256
// step of level 0 (so every smaller level keeps it clear of texel edges and weight steps).
float normalizedCoordinate(std::mt19937_64 &random, uint32_t size) {
  double position =
      double(random() % (3 * size)) - size + 0.5 + double(random() % 256) / 256 + 1.0 / 1024;
  return float(position / size);
}

// Rows of normalized coordinates for `g` over `image` (layers, cubes and faces in range).
Operands coordinatesFor(const std::string &g, const Image &image, std::mt19937_64 &random) {
  Operands row{};
  if (g == "cube" || g == "acube") {
    int first = g == "acube" ? 1 : 0;
    if (first)
      row[0] = uint32_t(random() % (image.depth / 6));
    // Face coordinates u, v inside the face, 1/1024 texel past a 1/256 step of level 0, made a
    // direction with major axis 1 (s = 2u - 1, t = 2v - 1 exactly) through the face table.
    float st[2];
    for (float &value : st) {
      double position = double(random() % image.width) + double(random() % 256) / 256 + 1.0 / 1024;
      value = float(2 * position / image.width - 1);
    }
    float s = st[0], t = st[1];
    const float directions[6][3] = {{1, -t, -s}, {-1, -t, s}, {s, 1, t},
                                    {s, -1, -t}, {s, -t, 1},  {-s, -t, -1}};
    const float *direction = directions[random() % 6];
    for (int d = 0; d < 3; ++d)
      row[first + d] = floatBits(direction[d]);
    return row;
  }
  int first = g[0] == 'a' ? 1 : 0;
  if (first)
    row[0] = uint32_t(random() % image.depth);
  int dims = g.find('1') != std::string::npos ? 1 : g.find('2') != std::string::npos ? 2 : 3;
  const uint32_t sizes[3] = {image.width, image.rows(), image.slices()};
  for (int d = 0; d < dims; ++d)
    row[first + d] = floatBits(normalizedCoordinate(random, sizes[d]));
  return row;
}

// Runs `statement` (float results in %f9..%f12, or integers in %r9..%r12) and compares each row
// with the reference blend of the levels `lambda` selects.
void checkLevels(const std::string &statement, bool integerResults, const ImageObject &object,
                 const std::vector<Operands> &rows, const LevelFetch &fetch, const Lambda &lambda) {
  std::string body = "  mov.f32 %f20, 0f00000000;\n" + statement;
  Bytes out = runOk(imageLaunch(imageKernel(body, 1, !integerResults), rows, {object}));
  int failures = 0;
  for (size_t row = 0; row < rows.size() && failures < 8; ++row) {
    double l = lambda(object, rows[row]);
    ref::Texel expected =
        mip::sampleAt(object, l, [&](const ImageObject &level) { return fetch(level, rows[row]); });
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c) {
      bool ok = integerResults ? actual[c] == expected.i[c] : closeFloat(actual[c], expected.f[c]);
      if (!ok && failures++ < 8)
        ADD_FAILURE() << statement << "\n  row " << row << " (lambda " << l << "): component " << c
                      << " is "
                      << (integerResults ? std::to_string(actual[c])
                                         : std::to_string(bitsFloat(actual[c])))
                      << ", expected "
                      << (integerResults ? std::to_string(expected.i[c])
                                         : std::to_string(expected.f[c]));
    }
  }
}

// Samplers for the level cases: point and linear between texels and between levels, with and
// without bias and clamps.
std::vector<Sampler> mipmapSamplers(uint32_t levels) {
  std::vector<Sampler> list;
  for (int i = 0; i < 4; ++i) {
    Sampler sampler;
    sampler.normalizedCoords = true;
    sampler.address[0] = sampler.address[1] = sampler.address[2] =
        i % 2 ? AddressMode::Wrap : AddressMode::Clamp;
    sampler.linearFilter = i & 1;
    sampler.mipmapLinearFilter = i >> 1 & 1;
    sampler.maxLevelClamp = float(levels - 1);
    list.push_back(sampler);
  }
  Sampler biased = list[3];
  biased.levelBias = 0.5f;
  biased.minLevelClamp = 1.0f;
  biased.maxLevelClamp = float(levels) - 1.5f;
  list.push_back(biased);
  Sampler point = list[0];
  point.levelBias = -1.0f;
  point.maxLevelClamp = 2.0f;
  list.push_back(point);
  return list;
}

// A level of detail 1/1024 past a 1/256 step, in [-1.5, levels + 1): away from the nearest-level
// boundaries (halves) and the blend weight's steps, with bias 0.5 or -1 too.
float levelOfDetail(std::mt19937_64 &random, uint32_t levels) {
  return float(int(random() % (256 * (levels + 2) + 128)) - 384) / 256 + 1.0f / 1024;
}

struct Shape {
  const char *geometry;
  uint32_t width, height, depth;
  bool layered, cubemap;
};

const Shape kShapes[] = {
    {"1d", 64, 0, 0, false, false},  {"2d", 32, 16, 0, false, false},
    {"3d", 16, 8, 4, false, false},  {"a1d", 32, 0, 3, true, false},
    {"a2d", 16, 8, 3, true, false},  {"cube", 8, 8, 6, false, true},
    {"acube", 8, 8, 12, true, true},
};

// tex.level.<geometry>.v4.f32.f32 with the level of detail in %f8.
void checkLevelShape(const Shape &shape) {
  std::string caseName = std::string("TextureMipmap.Level.") + shape.geometry;
  std::mt19937_64 random = randomFor(caseName);
  uint32_t largest =
      std::max({shape.width, shape.height, shape.layered || shape.cubemap ? 0u : shape.depth});
  uint32_t levels = 1;
  while (largest >> levels)
    ++levels;
  Image image = mipmappedImage(shape.width, shape.height, shape.depth, shape.layered, shape.cubemap,
                               levels, random);
  const Geometry &g = geometry(shape.geometry);
  for (const Sampler &sampler : mipmapSamplers(levels)) {
    ImageObject object{false, image, sampler};
    std::vector<Operands> rows;
    for (int i = 0; i < 64; ++i) {
      Operands row = coordinatesFor(shape.geometry, image, random);
      row[7] = floatBits(levelOfDetail(random, levels));
      rows.push_back(row);
    }
    checkLevels(std::string("  tex.level.") + g.name + ".v4.f32.f32 {%f9, %f10, %f11, %f12}, " +
                    "[%rd10, " + g.coordinates + "], %f8;",
                false, object, rows, g.fetch,
                [](const ImageObject &, const Operands &row) { return double(at(row, 7)); });
  }
}

PTX_CASE(TextureMipmap, Level1D) {
  checkLevelShape(kShapes[0]);
}
PTX_CASE(TextureMipmap, Level2D) {
  checkLevelShape(kShapes[1]);
}
PTX_CASE(TextureMipmap, Level3D) {
  checkLevelShape(kShapes[2]);
}
PTX_CASE(TextureMipmap, LevelLayered) {
  checkLevelShape(kShapes[3]);
  checkLevelShape(kShapes[4]);
}
PTX_CASE(TextureMipmap, LevelCubemap) {
  checkLevelShape(kShapes[5]);
  checkLevelShape(kShapes[6]);
}

// The register number (%fN) of component `component` of gradient `which` in a geometry's
// "{dPdx...}, {dPdy...}" operands.
int gradientRegister(const std::string &gradients, int which, int component) {
  size_t open = gradients.find('{');
  if (which)
    open = gradients.find('{', open + 1);
  size_t pos = open;
  for (int c = 0; c <= component; ++c)
    pos = gradients.find("%f", pos + 1);
  return std::stoi(gradients.substr(pos + 2));
}

// tex.grad.<geometry>: gradients of random direction and length (2^-3 to 2^levels texels), rows
// whose lambda lies too near a level or weight boundary for float rounding left out.
void checkGradientShape(const Shape &shape) {
  std::string caseName = std::string("TextureMipmap.Gradient.") + shape.geometry;
  std::mt19937_64 random = randomFor(caseName);
  uint32_t largest =
      std::max({shape.width, shape.height, shape.layered || shape.cubemap ? 0u : shape.depth});
  uint32_t levels = 1;
  while (largest >> levels)
    ++levels;
  Image image = mipmappedImage(shape.width, shape.height, shape.depth, shape.layered, shape.cubemap,
                               levels, random);
  const Geometry &g = geometry(shape.geometry);
  bool cube = std::string(g.name).find("cube") != std::string::npos;
  int first = g.name[0] == 'a' ? 1 : 0;
  Lambda lambda = [&g, cube, first](const ImageObject &o, const Operands &row) {
    float dx[3] = {0, 0, 0}, dy[3] = {0, 0, 0};
    int components = cube ? 3 : g.components;
    for (int c = 0; c < components; ++c) {
      int x = gradientRegister(g.gradients, 0, c), y = gradientRegister(g.gradients, 1, c);
      dx[c] = x == 20 ? 0 : at(row, x - 1);
      dy[c] = y == 20 ? 0 : at(row, y - 1);
    }
    if (!cube)
      return mip::gradientLambda(o, components, dx, dy);
    float p[3] = {at(row, first), at(row, first + 1), at(row, first + 2)};
    return mip::cubeGradientLambda(o, p, dx, dy);
  };
  for (const Sampler &sampler : mipmapSamplers(levels)) {
    ImageObject object{false, image, sampler};
    std::vector<Operands> rows;
    while (rows.size() < 64) {
      Operands row = coordinatesFor(shape.geometry, image, random);
      int components = cube ? 3 : g.components;
      for (int which = 0; which < 2; ++which) {
        double length =
            std::ldexp(1.0 + double(random() % 1024) / 1024, int(random() % (levels + 3)) - 3);
        for (int c = 0; c < components; ++c) {
          int reg = gradientRegister(g.gradients, which, c);
          if (reg == 20)
            continue;
          double size = cube ? 1.0
                             : double(c == 0   ? image.width
                                      : c == 1 ? image.rows()
                                               : image.slices());
          double share = double(int(random() % 201) - 100) / 100;
          row[reg - 1] = floatBits(float(length * share / size));
        }
      }
      // Leave out rows near a boundary of the nearest level or of the blend weight.
      double l = mip::clampedLambda(object, lambda(object, row));
      double steps = (l - std::floor(l)) * 256;
      if (std::isnan(l) || std::fabs(steps - std::floor(steps) - 0.5) < 0.05 ||
          std::fabs(l - std::floor(l) - 0.5) < 0.01)
        continue;
      rows.push_back(row);
    }
    checkLevels(std::string("  tex.grad.") + g.name + ".v4.f32.f32 {%f9, %f10, %f11, %f12}, " +
                    "[%rd10, " + g.coordinates + "], " + g.gradients + ";",
                false, object, rows, g.fetch, lambda);
  }
}

PTX_CASE(TextureMipmap, Gradient1D) {
  checkGradientShape(kShapes[0]);
  checkGradientShape(kShapes[3]);
}
PTX_CASE(TextureMipmap, Gradient2D) {
  checkGradientShape(kShapes[1]);
  checkGradientShape(kShapes[4]);
}
PTX_CASE(TextureMipmap, Gradient3D) {
  checkGradientShape(kShapes[2]);
}
PTX_CASE(TextureMipmap, GradientCubemap) {
  checkGradientShape(kShapes[5]);
  checkGradientShape(kShapes[6]);
}

// tex.base and tex without a level of detail read level 0 (the sampler's clamps left at 0).
PTX_CASE(TextureMipmap, BaseAndPlain) {
  std::mt19937_64 random = randomFor("TextureMipmap.BaseAndPlain");
  Image image = mipmappedImage(32, 16, 0, false, false, 6, random);
  const Geometry &g = geometry("2d");
  for (bool linear : {false, true}) {
    Sampler sampler;
    sampler.normalizedCoords = true;
    sampler.linearFilter = linear;
    sampler.mipmapLinearFilter = linear;
    ImageObject object{false, image, sampler};
    std::vector<Operands> rows;
    for (int i = 0; i < 64; ++i)
      rows.push_back(coordinatesFor("2d", image, random));
    Lambda base = [](const ImageObject &, const Operands &) { return 0.0; };
    for (const char *form : {"tex.base.2d", "tex.2d"})
      checkLevels(std::string("  ") + form + ".v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, " +
                      g.coordinates + "];",
                  false, object, rows, g.fetch, base);
  }
}

// .s32 coordinates with an .s32 level: the texel of that level (clamped to the levels there
// are), addressed directly; 8-bit unsigned texels read as integers.
PTX_CASE(TextureMipmap, IntegerLevels) {
  std::mt19937_64 random = randomFor("TextureMipmap.IntegerLevels");
  Image image;
  image.kind = ChannelKind::Unsigned;
  image.channels = 4;
  image.channelBits = 8;
  image.width = 16;
  image.height = 8;
  image.levels = 5;
  for (size_t i = 0; i < image.bytes(); ++i)
    image.texels.push(uint8_t(random()));
  Sampler sampler;
  sampler.maxLevelClamp = 4;
  ImageObject object{false, image, sampler};
  std::vector<Operands> rows;
  for (int i = 0; i < 64; ++i) {
    Operands row{};
    row[0] = uint32_t(int(random() % 24) - 4);
    row[1] = uint32_t(int(random() % 12) - 2);
    row[7] = uint32_t(int(random() % 8) - 1);
    rows.push_back(row);
  }
  checkLevels(
      "  tex.level.2d.v4.u32.s32 {%r9, %r10, %r11, %r12}, [%rd10, {%r1, %r2}], %r8;", true, object,
      rows,
      [](const ImageObject &o, const Operands &r) {
        int64_t index[3] = {int32_t(r[0]), int32_t(r[1]), 0};
        return ref::fetch(o, ref::footprint(o, 2, 0), index);
      },
      [](const ImageObject &, const Operands &r) { return double(int32_t(r[7])); });
  // Float coordinates with point mipmap filtering (the only kind integer texels allow): the
  // nearest level.
  Sampler normalized = sampler;
  normalized.normalizedCoords = true;
  ImageObject floating{false, image, normalized};
  std::vector<Operands> floatRows;
  for (int i = 0; i < 64; ++i) {
    Operands row = coordinatesFor("2d", image, random);
    row[7] = floatBits(levelOfDetail(random, 5));
    floatRows.push_back(row);
  }
  checkLevels("  tex.level.2d.v4.u32.f32 {%r9, %r10, %r11, %r12}, [%rd10, {%f1, %f2}], %f8;", true,
              floating, floatRows, geometry("2d").fetch,
              [](const ImageObject &, const Operands &row) { return double(at(row, 7)); });
}

// txq.num_mipmap_levels and txq.level.{width,height,depth} at every level (and one past).
PTX_CASE(TextureMipmap, QueryLevels) {
  for (const Shape &shape : kShapes) {
    Image image;
    image.width = shape.width;
    image.height = shape.height;
    image.depth = shape.depth;
    image.layered = shape.layered;
    image.cubemap = shape.cubemap;
    image.levels = 3;
    image.texels = Bytes(image.bytes());
    ImageObject object{false, image, Sampler{}};
    std::vector<Operands> rows;
    for (uint32_t l = 0; l < 3; ++l)
      rows.push_back(Operands{l});
    Launch launch = imageLaunch(imageKernel("  txq.level.width.b32 %r9, [%rd10], %r1;\n"
                                            "  txq.level.height.b32 %r10, [%rd10], %r1;\n"
                                            "  txq.level.depth.b32 %r11, [%rd10], %r1;\n"
                                            "  txq.num_mipmap_levels.b32 %r12, [%rd10];",
                                            1, false),
                                rows, {object});
    Bytes out = runOk(launch);
    for (uint32_t l = 0; l < 3; ++l) {
      Image level = image.level(l);
      // A layered image's or cubemap's depth is one slice; an absent dimension reads 1.
      Results expected{level.width, level.rows(),
                       shape.layered || shape.cubemap ? 1u : level.slices(), 3};
      EXPECT_EQ(resultAt(out, l), expected) << shape.geometry << " level " << l;
    }
  }
}

} // namespace
} // namespace cuport::conformance
