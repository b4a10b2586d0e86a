// The optional operands of tex and tld4: the texel offsets (operand e, .s32 in -8..7, added to
// the texel-space position before filtering and addressing; one per spatial coordinate, four for
// 3d with the last ignored, none for cubemaps) and the residency predicate of `d|p` (true: the
// resources CUDA creates without sparse flags are wholly resident).
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/texture_reference.h"

#include <functional>

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;

// Thread t's operands: coordinates in %r1..%r4 (%f1..%f4), offsets in %r5..%r8.
using Expected = std::function<ref::Texel(const Operands &)>;

// Runs `statement` over `rows` and compares the four results (integers when `integerResults`)
// with `expected`; with `predicateLast`, the fourth result is the residency predicate as 0 / 1.
void checkRows(const std::string &statement, bool integerResults, const ImageObject &object,
               const std::vector<Operands> &rows, const Expected &expected,
               bool predicateLast = false) {
  Launch launch = imageLaunch(imageKernel(statement, 1, !integerResults), rows, {object});
  Bytes out = runOk(launch);
  int failures = 0;
  for (size_t row = 0; row < rows.size(); ++row) {
    ref::Texel texel = expected(rows[row]);
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c) {
      bool ok = predicateLast && c == 3 ? actual[c] == 1
                : integerResults        ? actual[c] == texel.i[c]
                                        : closeFloat(actual[c], texel.f[c]);
      if (!ok && failures++ < 8)
        ADD_FAILURE() << statement << "\n  operands " << std::hex << rows[row][0] << " "
                      << rows[row][1] << " " << rows[row][2] << " " << rows[row][3] << " offsets "
                      << rows[row][4] << " " << rows[row][5] << " " << rows[row][6] << std::dec
                      << ": result " << c << " is "
                      << (integerResults || (predicateLast && c == 3)
                              ? std::to_string(actual[c])
                              : std::to_string(bitsFloat(actual[c])))
                      << ", expected "
                      << (predicateLast && c == 3 ? std::string("1 (resident)")
                          : integerResults        ? std::to_string(texel.i[c])
                                                  : std::to_string(texel.f[c]));
    }
  }
}

// A texel-space coordinate (normalized when asked) at least 1/64 texel from a texel edge for
// point sampling, or 1/1024 of a texel past a 1/256 step of the linear weight.
float coordinate(std::mt19937_64 &random, int64_t size, bool linear, bool normalized) {
  double texel = double(-2 + int64_t(random() % uint64_t(size + 4)));
  double position = linear ? texel + 0.5 + double(random() % 256) / 256 + 1.0 / 1024
                           : texel + double(1 + random() % 62) / 64;
  return float(normalized ? position / double(size) : position);
}

int32_t randomOffset(std::mt19937_64 &random) {
  return int32_t(random() % 16) - 8;
}

// Point and linear filtering over unnormalized (clamp, border) and normalized (wrap, mirror,
// border) coordinates.
std::vector<Sampler> samplers() {
  std::vector<Sampler> list;
  for (bool linear : {false, true})
    for (AddressMode mode : {AddressMode::Clamp, AddressMode::Border, AddressMode::Wrap,
                             AddressMode::Mirror, AddressMode::Border}) {
      Sampler sampler;
      sampler.linearFilter = linear;
      sampler.normalizedCoords = list.size() % 5 >= 2;
      sampler.address[0] = sampler.address[1] = sampler.address[2] = mode;
      sampler.border[0] = 0.5f;
      sampler.border[1] = -2.0f;
      sampler.border[2] = 7.25f;
      sampler.border[3] = 1.0f;
      list.push_back(sampler);
    }
  return list;
}

struct Geometry {
  const char *statement; // the tex statement with offsets from %r5..
  int dimensions;
  bool layered;
  uint32_t height, depth; // of the image (width 8)
};

// tex.{1d,2d,3d,a1d,a2d}.v4.f32.f32 with register offsets under every sampler; 3d's fourth offset
// holds random bits, which the ISA says are ignored.
PTX_CASE(TextureOffset, FloatCoordinates) {
  static const Geometry kGeometries[] = {
      {"tex.1d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1}], {%r5};", 1, false, 0, 0},
      {"tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}], {%r5, %r6};", 2, false, 4,
       0},
      {"tex.3d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2, %f3, %f4}], "
       "{%r5, %r6, %r7, %r8};",
       3, false, 4, 4},
      {"tex.a1d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %f2}], {%r5};", 1, true, 0, 3},
      {"tex.a2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %f2, %f3, %f4}], {%r5, %r6};", 2,
       true, 4, 3},
  };
  std::mt19937_64 random = randomFor("TextureOffset.FloatCoordinates");
  for (const Geometry &geometry : kGeometries) {
    Image image =
        randomImage(ChannelKind::Float, 2, 32, 8, geometry.height, geometry.depth, random);
    image.layered = geometry.layered;
    for (const Sampler &sampler : samplers()) {
      ImageObject object{false, image, sampler};
      int first = geometry.layered ? 1 : 0;
      std::vector<Operands> rows;
      for (int i = 0; i < 64; ++i) {
        Operands row{};
        if (geometry.layered)
          row[0] = uint32_t(random() % geometry.depth);
        const int64_t sizes[3] = {8, int64_t(image.rows()), int64_t(image.slices())};
        for (int d = 0; d < geometry.dimensions; ++d) {
          row[first + d] = floatBits(
              coordinate(random, sizes[d], sampler.linearFilter, sampler.normalizedCoords));
          row[4 + d] = uint32_t(randomOffset(random));
        }
        if (geometry.dimensions == 3)
          row[7] = uint32_t(random());
        rows.push_back(row);
      }
      checkRows(std::string("  ") + geometry.statement, false, object, rows,
                [&](const Operands &row) {
                  float x[3] = {bitsFloat(row[first]), bitsFloat(row[first + 1]),
                                bitsFloat(row[first + 2])};
                  int32_t offset[3] = {int32_t(row[4]), int32_t(row[5]), int32_t(row[6])};
                  int64_t slice = geometry.layered ? int64_t(row[0]) : 0;
                  return ref::sample(object, ref::footprint(object, geometry.dimensions, slice), x,
                                     sampler.normalizedCoords, offset);
                });
    }
  }
}

// .s32 coordinates plus offsets address texels directly (clamp and border), into .f32 and .s32
// results; immediate offsets at both ends of the range.
PTX_CASE(TextureOffset, IntegerCoordinates) {
  std::mt19937_64 random = randomFor("TextureOffset.IntegerCoordinates");
  for (AddressMode mode : {AddressMode::Clamp, AddressMode::Border}) {
    Sampler sampler;
    sampler.address[0] = sampler.address[1] = sampler.address[2] = mode;
    ImageObject floats{false, randomImage(ChannelKind::Float, 4, 32, 8, 6, 0, random), sampler};
    ImageObject integers{false, randomImage(ChannelKind::Signed, 2, 16, 8, 6, 0, random), sampler};
    std::vector<Operands> rows;
    for (int i = 0; i < 128; ++i) {
      Operands row{};
      row[0] = uint32_t(int32_t(random() % 24) - 8);
      row[1] = uint32_t(int32_t(random() % 20) - 7);
      row[4] = uint32_t(randomOffset(random));
      row[5] = uint32_t(randomOffset(random));
      rows.push_back(row);
    }
    auto fetchAt = [](const ImageObject &object, int64_t x, int64_t y) {
      int64_t index[3] = {x, y, 0};
      return ref::fetch(object, ref::footprint(object, 2, 0), index);
    };
    checkRows("  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}], {%r5, %r6};",
              false, floats, rows, [&](const Operands &row) {
                return fetchAt(floats, int32_t(row[0]) + int32_t(row[4]),
                               int32_t(row[1]) + int32_t(row[5]));
              });
    checkRows("  tex.2d.v4.s32.s32 {%r9, %r10, %r11, %r12}, [%rd10, {%r1, %r2}], {%r5, %r6};", true,
              integers, rows, [&](const Operands &row) {
                return fetchAt(integers, int32_t(row[0]) + int32_t(row[4]),
                               int32_t(row[1]) + int32_t(row[5]));
              });
    checkRows("  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}], {-8, 7};", false,
              floats, rows, [&](const Operands &row) {
                return fetchAt(floats, int32_t(row[0]) - 8, int32_t(row[1]) + 7);
              });
  }
}

// tld4.{r,g,b,a}.{2d,a2d} with offsets: the footprint moves by whole texels.
PTX_CASE(TextureOffset, Gather) {
  std::mt19937_64 random = randomFor("TextureOffset.Gather");
  Image flat = randomImage(ChannelKind::Float, 4, 32, 8, 6, 0, random);
  Image layered = randomImage(ChannelKind::Float, 4, 32, 8, 6, 3, random);
  layered.layered = true;
  for (bool array : {false, true})
    for (const Sampler &sampler : samplers()) {
      if (sampler.linearFilter) // tld4 ignores the filter; one pass over the address modes
        continue;
      ImageObject object{false, array ? layered : flat, sampler};
      int first = array ? 1 : 0;
      std::vector<Operands> rows;
      for (int i = 0; i < 64; ++i) {
        Operands row{};
        if (array)
          row[0] = uint32_t(random() % 3);
        // Footprints move at texel centres: stay 1/64 of a texel away from them.
        for (int d = 0; d < 2; ++d) {
          int64_t size = d == 0 ? 8 : 6;
          double position = double(-2 + int64_t(random() % uint64_t(size + 4))) + 0.5 +
                            double(1 + random() % 62) / 64;
          row[first + d] =
              floatBits(float(sampler.normalizedCoords ? position / double(size) : position));
          row[4 + d] = uint32_t(randomOffset(random));
        }
        rows.push_back(row);
      }
      for (int component = 0; component < 4; ++component) {
        std::string statement = std::string("  tld4.") + "rgba"[component] +
                                (array ? ".a2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, "
                                         "%f2, %f3, %f4}], {%r5, %r6};"
                                       : ".2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, "
                                         "%f2}], {%r5, %r6};");
        checkRows(statement, false, object, rows, [&](const Operands &row) {
          float x[2] = {bitsFloat(row[first]), bitsFloat(row[first + 1])};
          int32_t offset[2] = {int32_t(row[4]), int32_t(row[5])};
          return ref::gather(object, ref::footprint(object, 2, array ? int64_t(row[0]) : 0), x,
                             sampler.normalizedCoords, component, offset);
        });
      }
    }
}

// `d|p`: the texels of an ordinary array are resident, so p is true and d is what the fetch
// without the predicate returns; with offsets too, for tex and tld4, float and integer results.
PTX_CASE(TextureResidency, PredicateIsTrueForResidentTexels) {
  std::mt19937_64 random = randomFor("TextureResidency.PredicateIsTrueForResidentTexels");
  Sampler linear;
  linear.linearFilter = true;
  ImageObject floats{false, randomImage(ChannelKind::Float, 4, 32, 8, 6, 0, random), linear};
  ImageObject integers{false, randomImage(ChannelKind::Unsigned, 4, 8, 8, 6, 0, random), Sampler{}};
  std::vector<Operands> rows;
  for (int i = 0; i < 64; ++i) {
    Operands row{};
    row[0] = floatBits(coordinate(random, 8, true, false));
    row[1] = floatBits(coordinate(random, 6, true, false));
    row[2] = uint32_t(random() % 8);
    row[3] = uint32_t(random() % 6);
    row[4] = uint32_t(randomOffset(random));
    row[5] = uint32_t(randomOffset(random));
    rows.push_back(row);
  }
  auto sampleAt = [&](const Operands &row, bool withOffset) {
    float x[3] = {bitsFloat(row[0]), bitsFloat(row[1]), 0};
    int32_t offset[3] = {int32_t(row[4]), int32_t(row[5]), 0};
    return ref::sample(floats, ref::footprint(floats, 2, 0), x, false,
                       withOffset ? offset : nullptr);
  };
  const std::string predicate = "\n  selp.f32 %f12, 0f3F800000, 0f00000000, %p1;";
  const std::string integerPredicate = "\n  selp.b32 %r12, 1, 0, %p1;";
  // The float results' fourth register carries p as 1.0f: compare it as the float 1.
  auto withPredicateAsFloat = [&](ref::Texel texel) {
    texel.f[3] = 1.0f;
    return texel;
  };
  checkRows("  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f13}|%p1, [%rd10, {%f1, %f2}];" + predicate,
            false, floats, rows,
            [&](const Operands &row) { return withPredicateAsFloat(sampleAt(row, false)); });
  checkRows("  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f13}|%p1, [%rd10, {%f1, %f2}], {%r5, %r6};" +
                predicate,
            false, floats, rows,
            [&](const Operands &row) { return withPredicateAsFloat(sampleAt(row, true)); });
  checkRows(
      "  tex.2d.v4.u32.s32 {%r9, %r10, %r11, %r13}|%p1, [%rd10, {%r3, %r4}];" + integerPredicate,
      true, integers, rows,
      [&](const Operands &row) {
        int64_t index[3] = {int64_t(row[2]), int64_t(row[3]), 0};
        return ref::fetch(integers, ref::footprint(integers, 2, 0), index);
      },
      /*predicateLast=*/true);
  checkRows("  tld4.b.2d.v4.f32.f32 {%f9, %f10, %f11, %f13}|%p1, [%rd10, {%f1, %f2}], {%r5, %r6};" +
                predicate,
            false, floats, rows, [&](const Operands &row) {
              float x[2] = {bitsFloat(row[0]), bitsFloat(row[1])};
              int32_t offset[2] = {int32_t(row[4]), int32_t(row[5])};
              return withPredicateAsFloat(
                  ref::gather(floats, ref::footprint(floats, 2, 0), x, false, 2, offset));
            });
}

} // namespace
} // namespace cuport::conformance
