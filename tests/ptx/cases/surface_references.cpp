// Surface references: a module-scope `.global .surfref` named directly as suld / sust / sured /
// suq's surface operand, bound by the program to a CUDA array (cuModuleGetSurfRef +
// cuSurfRefSetArray), and its address taken with mov as a handle istypep.surfref recognises.
#include "tests/ptx/cases/reference_kernel.h"
#include "tests/ptx/cases/surface_reference.h"

#include <set>

namespace cuport::conformance {
namespace {

constexpr const char *kSurface = ".global .surfref surf0;\n";

ImageObject surface(std::mt19937_64 &random, uint32_t width, uint32_t height, uint32_t depth) {
  ImageObject object{true, randomImage(ChannelKind::Unsigned, 1, 32, width, height, depth, random),
                     Sampler{}};
  return object;
}

// suld.b then sust.b through the reference, each thread at its own element (x in bytes), with
// the .trap, .clamp and .zero behaviours out of range.
PTX_CASE(SurfaceReference, LoadStore) {
  std::mt19937_64 random = randomFor("SurfaceReference.LoadStore");
  for (const char *mode : {"trap", "clamp", "zero"}) {
    ImageObject object = surface(random, 6, 4, 0);
    bool outside = std::string(mode) != "trap";
    std::vector<Operands> rows;
    Image expected = object.image;
    std::set<size_t> taken;
    for (uint32_t t = 0; t < 24; ++t) {
      int32_t x = int32_t(t % 6), y = int32_t(t / 6);
      if (outside && t % 5 == 4) // some threads outside the surface, past its right edge
        x += 7;
      Operands row{uint32_t(x * 4), uint32_t(y), 0, 0, uint32_t(random()), 0, 0, 0};
      std::optional<size_t> at = surface_reference::offset(
          object.image, surface_reference::Geometry::D2, x * 4, y, 0, 0, 4, mode[0] == 'c');
      if (at && !taken.insert(*at).second)
        continue; // stores go to distinct elements, so their order does not matter
      rows.push_back(row);
    }
    std::string body = std::string("  suld.b.2d.b32.") + mode + " {%r9}, [surf0, {%r1, %r2}];\n" +
                       "  sust.b.2d.b32." + mode + " [surf0, {%r1, %r2}], %r5;\n" +
                       "  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n  mov.u32 %r12, 0;\n";
    std::vector<Bytes> images;
    Bytes out = runBound(
        referenceLaunch(referenceKernel(kSurface, body, false), rows, {object}, {"surf0"}), images);
    for (size_t t = 0; t < rows.size(); ++t) {
      std::optional<size_t> at =
          surface_reference::offset(object.image, surface_reference::Geometry::D2,
                                    int32_t(rows[t][0]), rows[t][1], 0, 0, 4, mode[0] == 'c');
      EXPECT_EQ(resultAt(out, t)[0], at ? object.image.texels.at<uint32_t>(*at) : 0u)
          << mode << " load of thread " << t;
      if (at)
        expected.texels.set<uint32_t>(*at, rows[t][4]);
    }
    for (size_t i = 0; i < expected.texels.size(); i += 4)
      EXPECT_EQ(images[0].at<uint32_t>(i), expected.texels.at<uint32_t>(i))
          << mode << ": surface word " << i / 4;
  }
}

// sured through the reference: every thread adds to, and takes the maximum of, one of a few
// elements (atomic, so the result does not depend on the order).
PTX_CASE(SurfaceReference, Reduction) {
  std::mt19937_64 random = randomFor("SurfaceReference.Reduction");
  ImageObject object = surface(random, 8, 0, 0);
  std::vector<Operands> rows;
  Image expected = object.image;
  for (uint32_t t = 0; t < 64; ++t) {
    Operands row{t % 4 * 4, 0, 0, 0, uint32_t(random() % 1000), uint32_t(random()), 0, 0};
    rows.push_back(row);
    size_t add = t % 4 * 4, max = (4 + t % 4) * 4;
    expected.texels.set<uint32_t>(add, expected.texels.at<uint32_t>(add) + row[4]);
    expected.texels.set<uint32_t>(max, std::max(expected.texels.at<uint32_t>(max), row[5]));
  }
  std::string body = "  sured.b.add.1d.u32.trap [surf0, {%r1}], %r5;\n"
                     "  add.u32 %r1, %r1, 16;\n"
                     "  sured.b.max.1d.u32.trap [surf0, {%r1}], %r6;\n"
                     "  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n"
                     "  mov.u32 %r12, 0;\n";
  std::vector<Bytes> images;
  runBound(referenceLaunch(referenceKernel(kSurface, body, false), rows, {object}, {"surf0"}),
           images);
  for (size_t i = 0; i < expected.texels.size(); i += 4)
    EXPECT_EQ(images[0].at<uint32_t>(i), expected.texels.at<uint32_t>(i)) << "element " << i / 4;
}

// suq on the reference, and its address as a handle: istypep.surfref holds (and .texref does
// not), and sust through the register reaches the same surface.
PTX_CASE(SurfaceReference, QueryAndIndirect) {
  std::mt19937_64 random = randomFor("SurfaceReference.QueryAndIndirect");
  ImageObject object = surface(random, 7, 3, 5);
  std::string body = "  suq.width.b32 %r9, [surf0];\n"
                     "  suq.height.b32 %r10, [surf0];\n"
                     "  suq.depth.b32 %r11, [surf0];\n"
                     "  mov.u64 %rd10, surf0;\n"
                     "  istypep.surfref %p1, %rd10;\n"
                     "  istypep.texref %p2, %rd10;\n"
                     "  selp.u32 %r12, 1, 0, %p1;\n"
                     "  selp.u32 %r13, 2, 0, %p2;\n"
                     "  or.b32 %r12, %r12, %r13;\n"
                     "  mov.u32 %r14, 0;\n"
                     "  sust.b.3d.b32.trap [%rd10, {%r14, %r14, %r14, %r14}], %r1;\n";
  Operands row{0xfeedbeefu};
  std::vector<Bytes> images;
  Bytes out = runBound(
      referenceLaunch(referenceKernel(kSurface, body, false), {row}, {object}, {"surf0"}), images);
  Results actual = resultAt(out, 0);
  EXPECT_EQ(actual[0], 7u);
  EXPECT_EQ(actual[1], 3u);
  EXPECT_EQ(actual[2], 5u);
  EXPECT_EQ(actual[3], 1u) << "istypep.surfref / .texref of surf0's address";
  EXPECT_EQ(images[0].at<uint32_t>(0), 0xfeedbeefu);
}

} // namespace
} // namespace cuport::conformance
