// Texture references (unified texture mode): a module-scope `.global .texref` named directly as
// tex / tld4 / txq's texture operand, bound by the program to a CUDA array, linear or pitched
// memory with its sampling state (cuModuleGetTexRef + cuTexRefSet*), and its address taken with
// mov (the ISA's indirect access) as a handle that istypep recognises.
#include "tests/ptx/cases/reference_kernel.h"

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;

constexpr const char *kTexture = ".global .texref tex0;\n";

// A texel-space (or normalized) coordinate in [-2, size + 2) texels, away from texel edges and
// 1/256 weight steps.
float coordinate(std::mt19937_64 &random, int64_t size, bool linear, bool normalized) {
  double texel = double(int64_t(random() % uint64_t(size + 4)) - 2);
  double position = linear ? texel + 0.5 + double(random() % 256) / 256 + 1.0 / 1024
                           : texel + double(1 + random() % 62) / 64;
  return float(normalized ? position / double(size) : position);
}

std::vector<Sampler> samplers() {
  std::vector<Sampler> list;
  for (bool linear : {false, true})
    for (AddressMode mode :
         {AddressMode::Clamp, AddressMode::Border, AddressMode::Wrap, AddressMode::Mirror}) {
      Sampler sampler;
      sampler.linearFilter = linear;
      sampler.normalizedCoords = mode == AddressMode::Wrap || mode == AddressMode::Mirror;
      sampler.address[0] = mode;
      sampler.address[1] = mode == AddressMode::Clamp ? AddressMode::Border : AddressMode::Clamp;
      sampler.border[0] = 0.25f;
      sampler.border[1] = -3.0f;
      sampler.border[2] = 6.5f;
      sampler.border[3] = 1.0f;
      list.push_back(sampler);
    }
  return list;
}

// tex.2d through the reference under every filter and address mode, normalized coordinates or
// not, over a CUDA array and over pitched memory.
PTX_CASE(TextureReference, Fetch2D) {
  std::mt19937_64 random = randomFor("TextureReference.Fetch2D");
  for (Resource resource : {Resource::Array, Resource::Pitch2D}) {
    Image image = randomImage(ChannelKind::Float, 4, 32, 8, 4, 0, random);
    if (resource == Resource::Pitch2D) {
      image.resource = resource;
      image.pitch = 256;
    }
    for (const Sampler &sampler : samplers()) {
      ImageObject object = ImageObject{false, image, sampler};
      std::vector<Operands> rows;
      for (int i = 0; i < 64; ++i)
        rows.push_back(Operands{
            floatBits(coordinate(random, 8, sampler.linearFilter, sampler.normalizedCoords)),
            floatBits(coordinate(random, 4, sampler.linearFilter, sampler.normalizedCoords))});
      BoundLaunch launch = referenceLaunch(
          referenceKernel(kTexture,
                          "  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [tex0, {%f1, %f2}];", true),
          rows, {object}, {"tex0"});
      checkTexels(launch, rows.size(), false, [&](size_t row) {
        float x[3] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1]), 0};
        return ref::sample(object, ref::footprint(object, 2, 0), x, sampler.normalizedCoords);
      });
    }
  }
}

// Integer channels read as integers (.s32 / .u32 results) and as normalized floats, at integer
// coordinates; a 1D reference over linear memory (tex1Dfetch: zero outside).
PTX_CASE(TextureReference, IntegerAndLinear) {
  std::mt19937_64 random = randomFor("TextureReference.IntegerAndLinear");
  for (bool linearMemory : {false, true})
    for (ChannelKind kind : {ChannelKind::Signed, ChannelKind::Unsigned})
      for (bool normalizedRead : {false, true}) {
        Image image = randomImage(kind, 2, linearMemory ? 8 : 16, 24, 0, 0, random);
        if (linearMemory)
          image.resource = Resource::Linear;
        Sampler sampler;
        sampler.normalizedRead = normalizedRead;
        ImageObject object = ImageObject{false, image, sampler};
        std::vector<Operands> rows;
        for (int i = 0; i < 32; ++i)
          rows.push_back(Operands{uint32_t(int32_t(random() % 30) - 3)});
        std::string type = normalizedRead ? "f32" : kind == ChannelKind::Signed ? "s32" : "u32";
        std::string destination =
            normalizedRead ? "{%f9, %f10, %f11, %f12}" : "{%r9, %r10, %r11, %r12}";
        BoundLaunch launch = referenceLaunch(
            referenceKernel(kTexture,
                            "  tex.1d.v4." + type + ".s32 " + destination + ", [tex0, {%r1}];",
                            normalizedRead),
            rows, {object}, {"tex0"});
        checkTexels(launch, rows.size(), !normalizedRead, [&](size_t row) {
          int64_t index[3] = {int32_t(rows[row][0]), 0, 0};
          return ref::fetch(object, ref::footprint(object, 1, 0), index);
        });
      }
}

// tld4 through the reference: each component of the bilinear footprint.
PTX_CASE(TextureReference, Gather) {
  std::mt19937_64 random = randomFor("TextureReference.Gather");
  Image image = randomImage(ChannelKind::Float, 4, 32, 8, 8, 0, random);
  for (bool normalized : {false, true}) {
    Sampler sampler;
    sampler.normalizedCoords = normalized;
    sampler.address[0] = normalized ? AddressMode::Wrap : AddressMode::Border;
    sampler.address[1] = AddressMode::Clamp;
    sampler.border[2] = 9.0f;
    ImageObject object = ImageObject{false, image, sampler};
    for (int component = 0; component < 4; ++component) {
      std::vector<Operands> rows;
      for (int i = 0; i < 32; ++i)
        rows.push_back(Operands{floatBits(coordinate(random, 8, true, normalized)),
                                floatBits(coordinate(random, 8, true, normalized))});
      std::string statement = std::string("  tld4.") + "rgba"[component] +
                              ".2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [tex0, {%f1, %f2}];";
      checkTexels(
          referenceLaunch(referenceKernel(kTexture, statement, true), rows, {object}, {"tex0"}),
          rows.size(), false, [&](size_t row) {
            float x[2] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1])};
            return ref::gather(object, ref::footprint(object, 2, 0), x, normalized, component);
          });
    }
  }
}

// txq on the reference: its image's size and the sampling state the program bound, in the ISA's
// encodings (filter_mode: nearest 0, linear 1; addr_mode: wrap 0, mirror 1, clamp_to_edge 3,
// clamp_to_border 4).
PTX_CASE(TextureReference, Query) {
  std::mt19937_64 random = randomFor("TextureReference.Query");
  Sampler sampler;
  sampler.linearFilter = true;
  sampler.normalizedCoords = true;
  sampler.address[0] = AddressMode::Mirror;
  sampler.address[1] = AddressMode::Border;
  sampler.address[2] = AddressMode::Wrap;
  ImageObject object =
      ImageObject{false, randomImage(ChannelKind::Float, 1, 32, 13, 5, 3, random), sampler};
  std::string body = "  txq.width.b32 %r9, [tex0];\n"
                     "  txq.height.b32 %r10, [tex0];\n"
                     "  txq.depth.b32 %r11, [tex0];\n"
                     "  txq.normalized_coords.b32 %r12, [tex0];\n"
                     "  st.global.v4.b32 [%rd2+16], {%r9, %r10, %r11, %r12};\n"
                     "  txq.filter_mode.b32 %r9, [tex0];\n"
                     "  txq.addr_mode_0.b32 %r10, [tex0];\n"
                     "  txq.addr_mode_1.b32 %r11, [tex0];\n"
                     "  txq.addr_mode_2.b32 %r12, [tex0];\n"
                     "  st.global.v4.b32 [%rd2+32], {%r9, %r10, %r11, %r12};\n";
  BoundLaunch launch =
      referenceLaunch(referenceKernel(kTexture, body, false), {Operands{}}, {object}, {"tex0"});
  launch.launch.outSize = 48;
  Bytes out = runBound(launch);
  const uint32_t expected[8] = {13, 5, 3, 1, 1, 1, 4, 0};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(out.at<uint32_t>(16 + 4 * i), expected[i]) << "query " << i;
}

// Indirect access: `mov.u64 %rd, tex0` is a handle tex takes and istypep.texref recognises (and
// .surfref / .samplerref do not); two references in one module keep their own bindings.
PTX_CASE(TextureReference, IndirectAndTwoReferences) {
  std::mt19937_64 random = randomFor("TextureReference.IndirectAndTwoReferences");
  ImageObject first =
      ImageObject{false, randomImage(ChannelKind::Float, 1, 32, 8, 0, 0, random), Sampler{}};
  ImageObject second =
      ImageObject{false, randomImage(ChannelKind::Float, 1, 32, 8, 0, 0, random), Sampler{}};
  std::string body = "  mov.u64 %rd10, tex1;\n"
                     "  tex.1d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [tex0, {%r1}];\n"
                     "  tex.1d.v4.f32.s32 {%f13, %f14, %f15, %f16}, [%rd10, {%r1}];\n"
                     "  mov.f32 %f10, %f13;\n"
                     "  istypep.texref %p1, %rd10;\n"
                     "  istypep.surfref %p2, %rd10;\n"
                     "  selp.u32 %r13, 1, 0, %p1;\n"
                     "  selp.u32 %r14, 2, 0, %p2;\n"
                     "  or.b32 %r13, %r13, %r14;\n"
                     "  mov.b32 %f11, %r13;\n";
  std::vector<Operands> rows;
  for (uint32_t x = 0; x < 8; ++x)
    rows.push_back(Operands{x});
  BoundLaunch launch =
      referenceLaunch(referenceKernel(".global .texref tex0;\n.global .texref tex1;\n", body, true),
                      rows, {first, second}, {"tex0", "tex1"});
  Bytes out = runBound(launch);
  for (uint32_t x = 0; x < 8; ++x) {
    Results actual = resultAt(out, x);
    EXPECT_EQ(actual[0], first.image.texels.at<uint32_t>(4 * x)) << "tex0 at " << x;
    EXPECT_EQ(actual[1], second.image.texels.at<uint32_t>(4 * x)) << "tex1 at " << x;
    EXPECT_EQ(actual[2], 1u) << "istypep.texref / .surfref of tex1's address";
  }
}

} // namespace
} // namespace cuport::conformance
