// sured.b: atomic reductions of surface elements by many threads at once, for every operation and
// type the ISA pairs (add: u32, u64, s32; min / max: u32, s32, u64, s64; and / or: b32), every
// geometry (1d, 2d, 3d) and out-of-range mode, against surface_reference.h.
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/surface_reference.h"

#include <algorithm>

namespace cuport::conformance {
namespace {

namespace ref = surface_reference;
using ref::Geometry;

struct Reduction {
  const char *operation;
  const char *type;
};

constexpr Reduction kReductions[] = {
    {"add", "u32"}, {"add", "u64"}, {"add", "s32"}, {"min", "u32"}, {"min", "s32"},
    {"min", "u64"}, {"min", "s64"}, {"max", "u32"}, {"max", "s32"}, {"max", "u64"},
    {"max", "s64"}, {"and", "b32"}, {"or", "b32"},
};

template <typename T> T combine(const std::string &operation, T element, T operand) {
  if (operation == "add")
    return T(element + operand);
  if (operation == "min")
    return std::min(element, operand);
  if (operation == "max")
    return std::max(element, operand);
  if (operation == "and")
    return element & operand;
  return element | operand;
}

void checkReduction(const Reduction &reduction, Geometry geometry, const std::string &mode,
                    std::mt19937_64 &random) {
  bool wide = std::string(reduction.type).substr(1) == "64";
  uint32_t bytes = wide ? 8 : 4;
  uint32_t width = 4, height = geometry == Geometry::D1 ? 0 : 3,
           depth = geometry == Geometry::D3 ? 2 : 0;
  ImageObject object{
      true, randomImage(ChannelKind::Unsigned, wide ? 2 : 1, 32, width, height, depth, random),
      Sampler{}};
  const Image &image = object.image;
  Image expected = image;
  std::vector<Operands> rows;
  bool outside = mode != "trap";
  for (int t = 0; t < 256; ++t) {
    Operands row{};
    auto pick = [&](uint32_t count) {
      int64_t margin = outside ? 1 : 0;
      return uint32_t(int32_t(int64_t(random() % (count + 2 * margin)) - margin));
    };
    row[0] = pick(width) * bytes;
    row[1] = pick(image.rows());
    row[2] = pick(image.slices());
    // Operands of every size, so min and max see both signs.
    uint64_t value = random() >> (random() % 64);
    row[4] = uint32_t(value);
    row[5] = uint32_t(value >> 32);
    rows.push_back(row);
    std::optional<size_t> at = ref::offset(image, geometry, int32_t(row[0]), int32_t(row[1]),
                                           int32_t(row[2]), 0, bytes, mode == "clamp");
    if (!at)
      continue;
    std::string operation = reduction.operation, type = reduction.type;
    if (type == "s32")
      expected.texels.set(*at,
                          combine(operation, expected.texels.at<int32_t>(*at), int32_t(row[4])));
    else if (type == "s64")
      expected.texels.set(*at,
                          combine(operation, expected.texels.at<int64_t>(*at), int64_t(value)));
    else if (wide)
      expected.texels.set(*at, combine(operation, expected.texels.at<uint64_t>(*at), value));
    else
      expected.texels.set(*at, combine(operation, expected.texels.at<uint32_t>(*at), row[4]));
  }
  std::string statement = std::string("  mov.b64 %rd20, {%r5, %r6};\n  sured.b.") +
                          reduction.operation + "." + ref::geometryName(geometry) + "." +
                          reduction.type + "." + mode + " [%rd10, " + ref::coordinates(geometry) +
                          "], " + (wide ? "%rd20" : "%r5") +
                          ";\n  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n"
                          "  mov.u32 %r12, 0;\n";
  std::vector<Bytes> images;
  // 64-bit min and max came with PTX 8.1.
  runOk(imageLaunch(imageKernel(statement, 1, false, 75, "8.1"), rows, {object}), images);
  for (size_t i = 0; i < expected.texels.size(); i += 4)
    if (images[0].at<uint32_t>(i) != expected.texels.at<uint32_t>(i)) {
      ADD_FAILURE() << statement << ": surface word " << i / 4 << " is " << std::hex
                    << images[0].at<uint32_t>(i) << ", expected "
                    << expected.texels.at<uint32_t>(i);
      break;
    }
}

PTX_CASE(SurfaceReduction, EveryOperationTypeGeometryAndMode) {
  std::mt19937_64 random = randomFor("SurfaceReduction.EveryOperationTypeGeometryAndMode");
  for (const Reduction &reduction : kReductions)
    for (Geometry geometry : {Geometry::D1, Geometry::D2, Geometry::D3})
      for (const char *mode : {"trap", "clamp", "zero"})
        checkReduction(reduction, geometry, mode, random);
}

// A reduction outside the surface under .trap ends the launch with an error.
PTX_CASE(SurfaceReduction, TrapOutOfRange) {
  std::mt19937_64 random = randomFor("SurfaceReduction.TrapOutOfRange");
  ImageObject object{true, randomImage(ChannelKind::Unsigned, 1, 32, 4, 3, 0, random), Sampler{}};
  Operands row{};
  row[1] = 3; // one row past the last
  Outcome outcome =
      run(imageLaunch(imageKernel("  sured.b.add.2d.u32.trap [%rd10, {%r1, %r2}], %r5;", 1, false),
                      {row}, {object}));
  EXPECT_TRUE(outcome.loaded) << outcome.message;
  EXPECT_FALSE(outcome.launched);
}

} // namespace
} // namespace cuport::conformance
