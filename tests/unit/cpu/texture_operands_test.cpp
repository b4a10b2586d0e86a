// The optional operands of tex / tld4 on the CPU backend, with expected values worked out by hand
// from the PTX ISA: texel offsets move the texel-space position by whole texels before filtering
// and addressing (and must lie in -8..7), the residency word is 1 (no sparse resources), a depth
// comparison is refused (CUDA objects carry no comparison function), and tex.2dms / tex.a2dms
// read sample s of texel (x, y) from an image of `samples` samples per texel.
#include "backends/cpu/texture_sampling.h"
#include "cpu_test_support.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace cuport::cpu {
namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
float value(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

// A 1-channel float image of `width` x `height` elements per layer.
cuport_texture_descriptor floatImage(std::vector<float> &texels, uint64_t width, uint64_t height,
                                     uint64_t layers = 1) {
  cuport_texture_descriptor t{};
  t.magic = CUPORT_TEXTURE_MAGIC;
  t.channels = 1;
  t.channel_bits = 32;
  t.channel_kind = CUPORT_CHANNEL_FLOAT;
  t.element_bytes = 4;
  t.dimensions = 2;
  t.data = reinterpret_cast<uint64_t>(texels.data());
  t.width = width;
  t.height = height;
  t.depth = 1;
  t.layers = layers;
  t.layered = layers > 1;
  t.row_pitch = width * 4;
  t.slice_pitch = width * height * 4;
  t.address_mode[0] = t.address_mode[1] = CUPORT_ADDRESS_CLAMP;
  return t;
}

// tex.1d at x with offset `offset` (the whole operand word layout of cuport.tex).
float sample1DWithOffset(const cuport_texture_descriptor &t, float x, int32_t offset) {
  uint32_t coordinates[8] = {bits(x), 0, 0, 0, uint32_t(offset), 0, 0, 0}, result[4];
  EXPECT_EQ(sampleTexture(t, CUPORT_SHAPE_1D | CUPORT_TEX_OFFSET, coordinates, result), nullptr);
  return value(result[0]);
}

TEST(TextureOperands, OffsetsMoveThePositionByWholeTexels) {
  std::vector<float> texels{0, 10, 20, 30, 40, 50, 60, 70};
  auto t = floatImage(texels, 8, 1);
  EXPECT_EQ(sample1DWithOffset(t, 2.5f, -2), 0);
  EXPECT_EQ(sample1DWithOffset(t, 2.5f, 3), 50);
  EXPECT_EQ(sample1DWithOffset(t, 2.5f, 7), 70); // texel 9 clamps to 7
  t.linear_filter = 1;
  // 2.75 + 1 - 0.5 = 3.25: a quarter of the way from T[3] to T[4].
  EXPECT_FLOAT_EQ(sample1DWithOffset(t, 2.75f, 1), 32.5f);
  // Normalized: 0.25 is texel 2.0; the offset counts texels, not normalized units.
  t.linear_filter = 0;
  t.normalized_coords = 1;
  EXPECT_EQ(sample1DWithOffset(t, 0.25f, 1), 30);
  EXPECT_EQ(sample1DWithOffset(t, 0.25f, -8), 0);
}

TEST(TextureOperands, OffsetsApplyToIntegerCoordinatesAndGathers) {
  std::vector<float> texels{0, 1, 2, 3, 4, 5, 6, 7, 8}; // 3 x 3: T[x, y] = x + 3y
  auto t = floatImage(texels, 3, 3);
  uint32_t coordinates[8] = {0, 2, 0, 0, 2, uint32_t(-1), 0, 0}, result[4];
  ASSERT_EQ(sampleTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_COORDS_INT | CUPORT_TEX_OFFSET,
                          coordinates, result),
            nullptr);
  EXPECT_EQ(value(result[0]), 5); // (0 + 2, 2 - 1)
  // tld4 at (1, 1) gathers (0..1, 0..1); the offset (1, 1) moves it to (1..2, 1..2).
  uint32_t gatherAt[8] = {bits(1.0f), bits(1.0f), 0, 0, 1, 1, 0, 0};
  ASSERT_EQ(gatherTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_OFFSET, gatherAt, result), nullptr);
  EXPECT_EQ(value(result[0]), 7); // (i, j+1)
  EXPECT_EQ(value(result[1]), 8); // (i+1, j+1)
  EXPECT_EQ(value(result[2]), 5); // (i+1, j)
  EXPECT_EQ(value(result[3]), 4); // (i, j)
}

TEST(TextureOperands, OffsetsOutsideTheIsaRangeFail) {
  std::vector<float> texels{0, 10};
  auto t = floatImage(texels, 2, 1);
  for (int32_t offset : {8, -9, 1000}) {
    uint32_t coordinates[8] = {bits(0.5f), 0, 0, 0, uint32_t(offset), 0, 0, 0}, result[4];
    const char *failure =
        sampleTexture(t, CUPORT_SHAPE_1D | CUPORT_TEX_OFFSET, coordinates, result);
    ASSERT_NE(failure, nullptr) << offset;
    EXPECT_NE(std::string(failure).find("-8..7"), std::string::npos) << failure;
    failure = gatherTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_OFFSET, coordinates, result);
    ASSERT_NE(failure, nullptr) << offset;
  }
}

TEST(TextureOperands, ResidencyIsReportedForEveryFetch) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatImage(texels, 2, 2);
  uint32_t coordinates[4] = {bits(1.5f), bits(0.5f), 0, 0}, result[5] = {0, 0, 0, 0, 7};
  ASSERT_EQ(sampleTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_RESIDENCY, coordinates, result), nullptr);
  EXPECT_EQ(value(result[0]), 10);
  EXPECT_EQ(result[4], 1u);
  result[4] = 7;
  ASSERT_EQ(gatherTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_RESIDENCY, coordinates, result), nullptr);
  EXPECT_EQ(result[4], 1u);
}

TEST(TextureOperands, DepthComparisonIsRefused) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatImage(texels, 2, 2);
  uint32_t coordinates[8] = {bits(0.5f), bits(0.5f), 0, 0, 0, 0, 0, bits(5.0f)}, result[4];
  for (const char *failure :
       {sampleTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_DEPTH_COMPARE, coordinates, result),
        gatherTexture(t, CUPORT_SHAPE_2D | CUPORT_TEX_DEPTH_COMPARE, coordinates, result)}) {
    ASSERT_NE(failure, nullptr);
    EXPECT_NE(std::string(failure).find("comparison function"), std::string::npos) << failure;
  }
}

// Two samples per texel, 2 x 2 texels, two layers: sample s of (x, y) in layer l holds
// 1000 l + 100 y + 10 x + s.
struct MultisampleImage {
  std::vector<float> texels;
  cuport_texture_descriptor descriptor;
  MultisampleImage(uint32_t samples) {
    for (int l = 0; l < 2; ++l)
      for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x)
          for (uint32_t s = 0; s < samples; ++s)
            texels.push_back(float(1000 * l + 100 * y + 10 * x + int(s)));
    descriptor = floatImage(texels, 2, 2, 2);
    descriptor.samples = samples;
    descriptor.row_pitch = 2 * samples * 4;
    descriptor.slice_pitch = 2 * descriptor.row_pitch;
  }
};

float fetchSample(const cuport_texture_descriptor &t, uint32_t op,
                  std::vector<uint32_t> coordinates) {
  coordinates.resize(8, 0);
  uint32_t result[4];
  EXPECT_EQ(sampleTexture(t, op | CUPORT_TEX_COORDS_INT, coordinates.data(), result), nullptr);
  return value(result[0]);
}

TEST(TextureOperands, MultisampleFetchesReadTheSample) {
  MultisampleImage image(2);
  const auto &t = image.descriptor;
  EXPECT_EQ(fetchSample(t, CUPORT_SHAPE_2DMS, {1, 1, 0}), 11);
  EXPECT_EQ(fetchSample(t, CUPORT_SHAPE_2DMS, {0, 0, 1}), 100);
  EXPECT_EQ(fetchSample(t, CUPORT_SHAPE_2DMS, {1, 5, -3u}), 11); // clamped to (1, 0)
  // a2dms: {layer, sample, x, y}.
  EXPECT_EQ(fetchSample(t, CUPORT_SHAPE_A2DMS, {1, 0, 1, 1}), 1110);
  EXPECT_EQ(fetchSample(t, CUPORT_SHAPE_A2DMS, {1, 1, 0, 1}), 1101);
  // Offsets move (x, y): (1 - 1, 0 + 1).
  EXPECT_EQ(
      fetchSample(t, CUPORT_SHAPE_2DMS | CUPORT_TEX_OFFSET, {1, 1, 0, 0, uint32_t(-1), 1, 0, 0}),
      101);
  EXPECT_EQ(queryTexture(t, 10), 2); // num_samples
  // Border addressing reads the border colour outside the image.
  cuport_texture_descriptor bordered = t;
  bordered.address_mode[0] = bordered.address_mode[1] = CUPORT_ADDRESS_BORDER;
  bordered.border_color[0] = -4;
  EXPECT_EQ(fetchSample(bordered, CUPORT_SHAPE_2DMS, {0, 2, 0}), -4);
}

// One sample per texel: the same image an ordinary 2D fetch reads.
TEST(TextureOperands, OneSampleImagesReadLikeOrdinaryImages) {
  MultisampleImage image(1);
  const auto &t = image.descriptor;
  for (uint32_t y = 0; y < 2; ++y)
    for (uint32_t x = 0; x < 2; ++x) {
      uint32_t ordinary[4] = {1, x, y, 0}, result[4];
      ASSERT_EQ(sampleTexture(t, CUPORT_SHAPE_A2D | CUPORT_TEX_COORDS_INT, ordinary, result),
                nullptr);
      EXPECT_EQ(fetchSample(t, CUPORT_SHAPE_A2DMS, {1, 0, x, y}), value(result[0]));
    }
}

TEST(TextureOperands, MultisampleFetchesNeedAMultisampleImageAndAValidSample) {
  MultisampleImage image(2);
  uint32_t coordinates[8] = {2, 0, 0, 0, 0, 0, 0, 0}, result[4];
  const char *failure = sampleTexture(image.descriptor, CUPORT_SHAPE_2DMS | CUPORT_TEX_COORDS_INT,
                                      coordinates, result);
  ASSERT_NE(failure, nullptr);
  EXPECT_NE(std::string(failure).find("sample number"), std::string::npos) << failure;
  cuport_texture_descriptor single = image.descriptor;
  single.samples = 0; // what every CUDA texture object has
  coordinates[0] = 0;
  failure = sampleTexture(single, CUPORT_SHAPE_2DMS | CUPORT_TEX_COORDS_INT, coordinates, result);
  ASSERT_NE(failure, nullptr);
  EXPECT_NE(std::string(failure).find("not a multisample image"), std::string::npos) << failure;
}

// txq / suq .channel_data_type and .channel_order: OpenCL's CL_* values (opencl-c-base.h).
TEST(TextureOperands, ChannelQueriesAnswerOpenClValues) {
  std::vector<float> texels(4);
  auto t = floatImage(texels, 2, 2);
  EXPECT_EQ(queryTexture(t, 13), 0x10DE); // CL_FLOAT
  EXPECT_EQ(queryTexture(t, 14), 0x10B0); // CL_R
  t.channel_bits = 16;
  t.channels = 4;
  EXPECT_EQ(queryTexture(t, 13), 0x10DD); // CL_HALF_FLOAT
  EXPECT_EQ(queryTexture(t, 14), 0x10B5); // CL_RGBA
  t.channel_kind = CUPORT_CHANNEL_SIGNED;
  t.channels = 2;
  EXPECT_EQ(queryTexture(t, 13), 0x10D8); // CL_SIGNED_INT16
  EXPECT_EQ(queryTexture(t, 14), 0x10B2); // CL_RG
  t.channel_kind = CUPORT_CHANNEL_UNSIGNED;
  t.channel_bits = 8;
  t.normalized_read = 1; // a read mode, not a format: still CL_UNSIGNED_INT8
  EXPECT_EQ(queryTexture(t, 13), 0x10DA);
  t.channel_bits = 32;
  EXPECT_EQ(queryTexture(t, 13), 0x10DC); // CL_UNSIGNED_INT32
  EXPECT_EQ(queryTexture(t, 10), 0);      // num_samples: not multisample
}

// Through PTX: the lowering, the JIT and the backend's runtime call together.
class TextureOperandKernels : public test::CpuBackendTest {
protected:
  // Runs `body` on one thread with the texture handle in %rd2 and `out` in %rd1 (16 words);
  // returns the launch status and leaves the message in `error`.
  cuport_status run(const std::string &body, const cuport_texture_descriptor &texture,
                    uint32_t *out, std::string &error) {
    std::string ptx = R"(.version 8.0
.target sm_75
.address_size 64
.visible .entry test(.param .u64 out, .param .u64 texture)
{
  .reg .b32 %r<16>;
  .reg .f32 %f<16>;
  .reg .b64 %rd<4>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [texture];
)" + body + R"(
  ret;
}
)";
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    if (!module)
      return CUPORT_ERROR_INVALID_VALUE;
    test::ParamBuffer params;
    params.add(out).add(&texture);
    return launch(module, "test", {1, 1, 1}, {1, 1, 1}, params, 0, &error);
  }
};

TEST_F(TextureOperandKernels, MultisampleFetchWithOffsetAndResidency) {
  MultisampleImage image(2);
  uint32_t *out = allocate<uint32_t>(16);
  std::string error;
  // a2dms {layer 1, sample 1, x 1, y 0} moved by (-1, +1): sample 1 of (0, 1) in layer 1.
  ASSERT_EQ(run(R"(
  mov.u32 %r1, 1;
  mov.u32 %r2, 0;
  tex.a2dms.v4.f32.s32 {%f1, %f2, %f3, %f4}|%p1, [%rd2, {%r1, %r1, %r1, %r2}], {-1, 1};
  selp.u32 %r3, 1, 0, %p1;
  st.global.f32 [%rd1], %f1;
  st.global.u32 [%rd1+4], %r3;
  tex.2dms.v4.f32.s32 {%f5, %f6, %f7, %f8}, [%rd2, {%r2, %r1, %r1, %r1}];
  st.global.f32 [%rd1+8], %f5;
  txq.num_samples.b32 %r4, [%rd2];
  st.global.u32 [%rd1+12], %r4;)",
                image.descriptor, out, error),
            CUPORT_OK)
      << error;
  EXPECT_EQ(value(out[0]), 1101);
  EXPECT_EQ(out[1], 1u);
  EXPECT_EQ(value(out[2]), 110); // sample 0 of (1, 1) in layer 0
  EXPECT_EQ(out[3], 2u);
}

// What a kernel gets from CUDA's objects: a clear launch failure naming the cause.
TEST_F(TextureOperandKernels, RefusedFetchesFailTheLaunch) {
  MultisampleImage image(2);
  cuport_texture_descriptor ordinary = image.descriptor;
  ordinary.samples = 0;
  uint32_t *out = allocate<uint32_t>(16);
  struct Refusal {
    const char *body;
    const char *message;
  };
  for (const Refusal &refusal :
       {Refusal{"  mov.f32 %f1, 0f3F000000;\n"
                "  tex.2d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd2, {%f1, %f1}], %f1;",
                "comparison function"},
        Refusal{"  mov.f32 %f1, 0f3F000000;\n"
                "  tld4.r.2d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd2, {%f1, %f1}], %f1;",
                "comparison function"},
        Refusal{"  mov.u32 %r1, 0;\n"
                "  tex.2dms.v4.f32.s32 {%f2, %f3, %f4, %f5}, [%rd2, {%r1, %r1, %r1, %r1}];",
                "not a multisample image"},
        Refusal{"  mov.f32 %f1, 0f3F000000;\n  mov.u32 %r1, 8;\n"
                "  tex.2d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd2, {%f1, %f1}], {%r1, %r1};",
                "-8..7"}}) {
    std::string error;
    EXPECT_EQ(run(refusal.body, ordinary, out, error), CUPORT_ERROR_LAUNCH_FAILED) << refusal.body;
    EXPECT_NE(error.find(refusal.message), std::string::npos) << error;
  }
}

} // namespace
} // namespace cuport::cpu
