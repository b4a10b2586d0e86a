// Sampler references (independent texture mode, `.target ..., texmode_independent`): tex and
// tld4 take `[texture, sampler, coordinates]`, the sampler a `.global .samplerref` whose
// initializer gives filter_mode, addr_mode_0..2 (as words or their positions in the ISA's
// enumerations) and force_unnormalized_coords. The sampler's filter and address modes replace the
// texture's; the texture keeps its image, read mode, border colour and normalized_coords, unless
// the sampler forces unnormalized coordinates. txq reads the sampler's fields from the sampler.
#include "tests/ptx/cases/reference_kernel.h"

#include <algorithm>
#include <optional>

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;

struct SamplerCase {
  const char *initializer; // the .samplerref's fields
  Sampler state;           // what sampling under it means: its modes with the texture's rest
  bool forcesUnnormalized;
};

Sampler state(bool linear, AddressMode x, AddressMode y) {
  Sampler sampler;
  sampler.linearFilter = linear;
  sampler.address[0] = x;
  sampler.address[1] = y;
  return sampler;
}

std::vector<SamplerCase> samplerCases() {
  return {
      {"filter_mode = linear, addr_mode_0 = wrap, addr_mode_1 = mirror",
       state(true, AddressMode::Wrap, AddressMode::Mirror), false},
      {"addr_mode_0 = clamp_to_border, addr_mode_1 = clamp_to_edge, filter_mode = nearest",
       state(false, AddressMode::Border, AddressMode::Clamp), false},
      {"filter_mode = 1, addr_mode_0 = 1, addr_mode_1 = 4",
       state(true, AddressMode::Mirror, AddressMode::Border), false},
      {"force_unnormalized_coords = 1, filter_mode = linear, addr_mode_0 = clamp_to_edge, "
       "addr_mode_1 = clamp_to_border",
       state(true, AddressMode::Clamp, AddressMode::Border), true},
  };
}

// A coordinate in [-2, size + 2) texels away from texel edges and weight steps.
float coordinate(std::mt19937_64 &random, int64_t size, bool linear, bool normalized) {
  double texel = double(int64_t(random() % uint64_t(size + 4)) - 2);
  double position = linear ? texel + 0.5 + double(random() % 256) / 256 + 1.0 / 1024
                           : texel + double(1 + random() % 62) / 64;
  return float(normalized ? position / double(size) : position);
}

// The texture as the program bound it: point sampled, clamped, normalized coordinates, a border
// colour; the sampler decides the rest.
ImageObject boundTexture(std::mt19937_64 &random) {
  Sampler texture;
  texture.normalizedCoords = true;
  texture.border[0] = -1.5f;
  texture.border[1] = 2.0f;
  texture.border[2] = 0.75f;
  texture.border[3] = 1.0f;
  return ImageObject{false, randomImage(ChannelKind::Float, 4, 32, 8, 4, 0, random), texture};
}

// What a fetch through `sampler` reads: the texture with the sampler's state.
ImageObject sampledThrough(const ImageObject &texture, const SamplerCase &sampler) {
  ImageObject object = texture;
  object.sampler.linearFilter = sampler.state.linearFilter;
  for (int d = 0; d < 3; ++d)
    object.sampler.address[d] = sampler.state.address[d];
  object.sampler.normalizedCoords = texture.sampler.normalizedCoords && !sampler.forcesUnnormalized;
  return object;
}

std::string declarations(const SamplerCase &sampler) {
  return std::string(".global .texref tex0;\n.global .samplerref smp0 = { ") + sampler.initializer +
         " };\n";
}

PTX_CASE(SamplerReference, Fetch2D) {
  std::mt19937_64 random = randomFor("SamplerReference.Fetch2D");
  ImageObject texture = boundTexture(random);
  for (const SamplerCase &sampler : samplerCases()) {
    ImageObject expected = sampledThrough(texture, sampler);
    bool normalized = expected.sampler.normalizedCoords;
    std::vector<Operands> rows;
    for (int i = 0; i < 64; ++i)
      rows.push_back(
          Operands{floatBits(coordinate(random, 8, expected.sampler.linearFilter, normalized)),
                   floatBits(coordinate(random, 4, expected.sampler.linearFilter, normalized))});
    BoundLaunch launch = referenceLaunch(
        referenceKernel(declarations(sampler),
                        "  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [tex0, smp0, {%f1, %f2}];",
                        true, /*independent=*/true),
        rows, {texture}, {"tex0"});
    checkTexels(launch, rows.size(), false, [&](size_t row) {
      float x[3] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1]), 0};
      return ref::sample(expected, ref::footprint(expected, 2, 0), x, normalized);
    });
  }
}

// tld4 with a sampler: the footprint's address modes are the sampler's.
PTX_CASE(SamplerReference, Gather) {
  std::mt19937_64 random = randomFor("SamplerReference.Gather");
  ImageObject texture = boundTexture(random);
  for (const SamplerCase &sampler : samplerCases()) {
    ImageObject expected = sampledThrough(texture, sampler);
    bool normalized = expected.sampler.normalizedCoords;
    std::vector<Operands> rows;
    for (int i = 0; i < 32; ++i)
      rows.push_back(Operands{floatBits(coordinate(random, 8, true, normalized)),
                              floatBits(coordinate(random, 4, true, normalized))});
    BoundLaunch launch = referenceLaunch(
        referenceKernel(declarations(sampler),
                        "  tld4.b.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [tex0, smp0, {%f1, %f2}];",
                        true, /*independent=*/true),
        rows, {texture}, {"tex0"});
    checkTexels(launch, rows.size(), false, [&](size_t row) {
      float x[2] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1])};
      return ref::gather(expected, ref::footprint(expected, 2, 0), x, normalized, 2);
    });
  }
}

// clamp_ogl, OpenGL's GL_CLAMP (OpenGL 2.1, section 3.8.8 and table 3.19 of the 3.0
// compatibility profile): the coordinate is clamped to [0, 1] (to [0, size] in texels), then
// nearest filtering reads texel clamp(floor(u), 0, size - 1) and linear filtering the texels
// floor(u - 1/2) and one up, where those outside the image (-1 and size, which the clamped
// position reaches at the edges) read the border colour. `ogl` says which dimensions use it; the
// others address as `texture.sampler.address` says.
struct ClampOglSampler {
  const ImageObject &texture;
  bool ogl[2];

  int64_t size(int d) const { return d == 0 ? texture.image.width : texture.image.rows(); }
  // The texel-space position of normalized coordinate x in dimension d.
  double position(int d, float x) const {
    double texels = double(x) * double(size(d));
    return ogl[d] ? std::clamp(texels, 0.0, double(size(d))) : texels;
  }
  // Texel index `index` of dimension d after addressing; nothing for the border.
  std::optional<int64_t> place(int d, int64_t index) const {
    if (ogl[d])
      return index < 0 || index >= size(d) ? std::nullopt : std::optional<int64_t>(index);
    return ref::address(texture.sampler.address[d], index, size(d));
  }
  ref::Texel texel(int64_t i, int64_t j) const {
    std::optional<int64_t> x = place(0, i), y = place(1, j);
    return x && y ? ref::readTexel(texture, *x, *y, 0) : ref::borderTexel(texture);
  }

  ref::Texel sample(const float x[2]) const {
    if (!texture.sampler.linearFilter) {
      int64_t index[2];
      for (int d = 0; d < 2; ++d) {
        index[d] = int64_t(std::floor(position(d, x[d])));
        if (ogl[d])
          index[d] = std::clamp<int64_t>(index[d], 0, size(d) - 1);
      }
      return texel(index[0], index[1]);
    }
    int64_t base[2];
    double weight[2];
    for (int d = 0; d < 2; ++d) {
      double shifted = position(d, x[d]) - 0.5;
      base[d] = int64_t(std::floor(shifted));
      weight[d] = std::round((shifted - std::floor(shifted)) * 256) / 256;
    }
    std::array<double, 4> sum{0, 0, 0, 0};
    for (int corner = 0; corner < 4; ++corner) {
      bool right = corner & 1, up = corner & 2;
      double w = (right ? weight[0] : 1 - weight[0]) * (up ? weight[1] : 1 - weight[1]);
      ref::Texel t = texel(base[0] + right, base[1] + up);
      for (int c = 0; c < 4; ++c)
        sum[c] += w * t.f[c];
    }
    ref::Texel result;
    for (int c = 0; c < 4; ++c)
      result.f[c] = float(sum[c]);
    return result;
  }

  // tld4.r: the red channel of the four texels linear filtering weighs, in the ISA's order
  // (i, j+1), (i+1, j+1), (i+1, j), (i, j).
  ref::Texel gatherRed(const float x[2]) const {
    int64_t base[2];
    for (int d = 0; d < 2; ++d)
      base[d] = int64_t(std::floor(position(d, x[d]) - 0.5));
    static constexpr int kCorners[4][2] = {{0, 1}, {1, 1}, {1, 0}, {0, 0}};
    ref::Texel result;
    for (int k = 0; k < 4; ++k)
      result.f[k] = texel(base[0] + kCorners[k][0], base[1] + kCorners[k][1]).f[0];
    return result;
  }
};

// Coordinates around and beyond both edges: exactly 0 and 1 (the ends of the clamp), within two
// texels of an edge, and past the image by up to a quarter of it.
float edgeCoordinate(std::mt19937_64 &random, int64_t size) {
  switch (random() % 4) {
  case 0:
    return random() % 2 ? 0.0f : 1.0f;
  case 1:
    return float((double(random() % 512) / 256 + 1.0 / 1024) / double(size));
  case 2:
    return float(1 - (double(random() % 512) / 256 + 1.0 / 1024) / double(size));
  default:
    return float((double(random() % 1024) / 1024 - 0.5) * 1.5 + 0.5 + 1.0 / 4096);
  }
}

PTX_CASE(SamplerReference, ClampOgl) {
  std::mt19937_64 random = randomFor("SamplerReference.ClampOgl");
  ImageObject texture = boundTexture(random);
  struct Case {
    const char *initializer;
    bool linear;
    bool ogl[2];
    AddressMode other; // the dimension that is not clamp_ogl
  };
  const Case kCases[] = {
      {"filter_mode = nearest, addr_mode_0 = clamp_ogl, addr_mode_1 = clamp_ogl",
       false,
       {true, true},
       AddressMode::Clamp},
      {"filter_mode = linear, addr_mode_0 = clamp_ogl, addr_mode_1 = clamp_ogl",
       true,
       {true, true},
       AddressMode::Clamp},
      {"filter_mode = linear, addr_mode_0 = 2, addr_mode_1 = clamp_to_edge",
       true,
       {true, false},
       AddressMode::Clamp},
      {"filter_mode = linear, addr_mode_0 = clamp_to_border, addr_mode_1 = clamp_ogl",
       true,
       {false, true},
       AddressMode::Border},
  };
  for (const Case &sampler : kCases) {
    ImageObject expected = texture;
    expected.sampler.linearFilter = sampler.linear;
    expected.sampler.address[0] = expected.sampler.address[1] = sampler.other;
    ClampOglSampler reference{expected, {sampler.ogl[0], sampler.ogl[1]}};
    std::vector<Operands> rows;
    for (int i = 0; i < 128; ++i)
      rows.push_back(Operands{floatBits(edgeCoordinate(random, texture.image.width)),
                              floatBits(edgeCoordinate(random, texture.image.rows()))});
    std::string declarations = std::string(".global .texref tex0;\n.global .samplerref smp0 = { ") +
                               sampler.initializer + " };\n";
    BoundLaunch fetch = referenceLaunch(
        referenceKernel(declarations,
                        "  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [tex0, smp0, {%f1, %f2}];",
                        true, /*independent=*/true),
        rows, {texture}, {"tex0"});
    checkTexels(fetch, rows.size(), false, [&](size_t row) {
      float x[2] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1])};
      return reference.sample(x);
    });
    if (!sampler.linear)
      continue;
    // tld4 gathers the texels linear filtering weighs: the border among them at the edges.
    BoundLaunch gather = referenceLaunch(
        referenceKernel(declarations,
                        "  tld4.r.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [tex0, smp0, {%f1, %f2}];",
                        true, /*independent=*/true),
        rows, {texture}, {"tex0"});
    checkTexels(gather, rows.size(), false, [&](size_t row) {
      float x[2] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1])};
      return reference.gatherRed(x);
    });
  }
}

// txq's sampler queries on the .samplerref (the ISA's encodings: nearest 0, linear 1; wrap 0,
// mirror 1, clamp_ogl 2, clamp_to_edge 3, clamp_to_border 4; fields left out are the first of their
// enumeration), texture queries on the .texref.
PTX_CASE(SamplerReference, Query) {
  std::mt19937_64 random = randomFor("SamplerReference.Query");
  ImageObject texture = boundTexture(random);
  struct Expected {
    const char *initializer;
    uint32_t values[5]; // filter_mode, addr_mode_0..2, force_unnormalized_coords
  };
  const Expected kCases[] = {
      {"filter_mode = linear, addr_mode_0 = wrap, addr_mode_1 = mirror, addr_mode_2 = "
       "clamp_to_border",
       {1, 0, 1, 4, 0}},
      {"addr_mode_2 = clamp_to_edge, force_unnormalized_coords = 1, addr_mode_0 = 4",
       {0, 4, 0, 3, 1}},
      {"addr_mode_1 = clamp_ogl, addr_mode_2 = 2", {0, 0, 2, 2, 0}},
  };
  for (const Expected &sampler : kCases) {
    std::string body = "  txq.filter_mode.b32 %r9, [smp0];\n"
                       "  txq.addr_mode_0.b32 %r10, [smp0];\n"
                       "  txq.addr_mode_1.b32 %r11, [smp0];\n"
                       "  txq.addr_mode_2.b32 %r12, [smp0];\n"
                       "  st.global.v4.b32 [%rd2+16], {%r9, %r10, %r11, %r12};\n"
                       "  txq.force_unnormalized_coords.b32 %r9, [smp0];\n"
                       "  txq.width.b32 %r10, [tex0];\n"
                       "  txq.height.b32 %r11, [tex0];\n"
                       "  txq.normalized_coords.b32 %r12, [tex0];\n"
                       "  st.global.v4.b32 [%rd2+32], {%r9, %r10, %r11, %r12};\n";
    std::string module =
        referenceKernel(std::string(".global .texref tex0;\n.global .samplerref smp0 = { ") +
                            sampler.initializer + " };\n",
                        body, false, /*independent=*/true);
    BoundLaunch launch = referenceLaunch(module, {Operands{}}, {texture}, {"tex0"});
    launch.launch.outSize = 48;
    Bytes out = runBound(launch);
    const uint32_t expected[8] = {sampler.values[0],
                                  sampler.values[1],
                                  sampler.values[2],
                                  sampler.values[3],
                                  sampler.values[4],
                                  8,
                                  4,
                                  1};
    for (int i = 0; i < 8; ++i)
      EXPECT_EQ(out.at<uint32_t>(16 + 4 * i), expected[i])
          << sampler.initializer << ", query " << i;
  }
}

// Register handles in independent mode: the addresses of the texture and sampler references
// (mov), which tex takes and istypep tells apart.
PTX_CASE(SamplerReference, RegisterHandles) {
  std::mt19937_64 random = randomFor("SamplerReference.RegisterHandles");
  ImageObject texture = boundTexture(random);
  SamplerCase sampler = samplerCases()[1];
  ImageObject expected = sampledThrough(texture, sampler);
  std::string body = "  mov.u64 %rd10, tex0;\n"
                     "  mov.u64 %rd11, smp0;\n"
                     "  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, %rd11, {%f1, %f2}];\n"
                     "  istypep.samplerref %p1, %rd11;\n"
                     "  istypep.texref %p2, %rd11;\n"
                     "  istypep.samplerref %p3, %rd10;\n"
                     "  istypep.texref %p4, %rd10;\n"
                     "  selp.u32 %r13, 1, 0, %p1;\n"
                     "  selp.u32 %r14, 2, 0, %p2;\n"
                     "  or.b32 %r13, %r13, %r14;\n"
                     "  selp.u32 %r14, 4, 0, %p3;\n"
                     "  or.b32 %r13, %r13, %r14;\n"
                     "  selp.u32 %r14, 8, 0, %p4;\n"
                     "  or.b32 %r13, %r13, %r14;\n"
                     "  mul.wide.u32 %rd12, %r0, 4;\n"
                     "  add.s64 %rd12, %rd2, %rd12;\n"
                     "  st.global.u32 [%rd12+1024], %r13;\n";
  std::vector<Operands> rows;
  for (int i = 0; i < 32; ++i)
    rows.push_back(Operands{floatBits(coordinate(random, 8, false, true)),
                            floatBits(coordinate(random, 4, false, true))});
  BoundLaunch launch = referenceLaunch(referenceKernel(declarations(sampler), body, true, true),
                                       rows, {texture}, {"tex0"});
  launch.launch.outSize = 1024 + 4 * rows.size();
  Bytes out = runBound(launch);
  for (size_t row = 0; row < rows.size(); ++row) {
    float x[3] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1]), 0};
    ref::Texel texel = ref::sample(expected, ref::footprint(expected, 2, 0), x, true);
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c)
      EXPECT_TRUE(closeFloat(actual[c], texel.f[c]))
          << "thread " << row << " component " << c << ": " << bitsFloat(actual[c]) << ", expected "
          << texel.f[c];
    EXPECT_EQ(out.at<uint32_t>(1024 + 4 * row), 1u | 8u) << "istypep results of thread " << row;
  }
}

} // namespace
} // namespace cuport::conformance
