// Texture sampling against the CUDA programming guide's "Texture Fetching" formulas, with
// expected values worked out by hand: point sampling takes T[floor(x)], linear filtering
// (1 - a) T[i] + a T[i + 1] with i = floor(x - 0.5) and a = frac(x - 0.5) in 8-bit fixed point,
// after the address mode maps each index.
#include "backends/cpu/texture_sampling.h"

#include <gtest/gtest.h>

#include <cstring>
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

// A 1-channel float texture over `texels` laid out width x height.
cuport_texture_descriptor floatTexture(std::vector<float> &texels, uint64_t width,
                                       uint64_t height = 1) {
  cuport_texture_descriptor t{};
  t.magic = CUPORT_TEXTURE_MAGIC;
  t.channels = 1;
  t.channel_bits = 32;
  t.channel_kind = CUPORT_CHANNEL_FLOAT;
  t.element_bytes = 4;
  t.dimensions = height > 1 ? 2 : 1;
  t.data = reinterpret_cast<uint64_t>(texels.data());
  t.width = width;
  t.height = height;
  t.depth = t.layers = 1;
  t.row_pitch = width * 4;
  t.slice_pitch = width * height * 4;
  return t;
}

float sample1D(const cuport_texture_descriptor &t, float x) {
  uint32_t coordinates[4] = {bits(x), 0, 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_1D, coordinates, result);
  return value(result[0]);
}

TEST(TextureSampling, PointFilteringTakesTheFloorTexelAndClamps) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatTexture(texels, 4);
  t.address_mode[0] = CUPORT_ADDRESS_CLAMP;
  EXPECT_EQ(sample1D(t, 0.0f), 0);
  EXPECT_EQ(sample1D(t, 1.99f), 10);
  EXPECT_EQ(sample1D(t, 2.0f), 20);
  EXPECT_EQ(sample1D(t, -3.5f), 0);
  EXPECT_EQ(sample1D(t, 17.0f), 30);
}

TEST(TextureSampling, LinearFilteringUsesEightBitWeights) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatTexture(texels, 4);
  t.linear_filter = 1;
  EXPECT_FLOAT_EQ(sample1D(t, 1.25f), 7.5f);  // between T[0] and T[1], a = 0.75
  EXPECT_FLOAT_EQ(sample1D(t, 2.5f), 20.0f);  // a texel centre
  EXPECT_FLOAT_EQ(sample1D(t, 0.25f), 0.0f);  // clamp: T[-1] is T[0]
  EXPECT_FLOAT_EQ(sample1D(t, 3.75f), 30.0f); // clamp: T[4] is T[3]
  // a = 1/3 is not representable: it becomes round(256 / 3) / 256 = 85 / 256.
  EXPECT_FLOAT_EQ(sample1D(t, 1.5f + 1.0f / 3.0f), 10.0f + 10.0f * 85.0f / 256.0f);
}

TEST(TextureSampling, NormalizedWrapAndMirror) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatTexture(texels, 4);
  t.normalized_coords = 1;
  t.address_mode[0] = CUPORT_ADDRESS_WRAP;
  EXPECT_EQ(sample1D(t, 0.3f), 10);    // 1.2 texels
  EXPECT_EQ(sample1D(t, 1.125f), 0);   // index 4 wraps to 0
  EXPECT_EQ(sample1D(t, -0.125f), 30); // index -1 wraps to 3
  t.address_mode[0] = CUPORT_ADDRESS_MIRROR;
  EXPECT_EQ(sample1D(t, 1.125f), 30); // index 4 mirrors to 3
  EXPECT_EQ(sample1D(t, 1.375f), 20); // index 5 mirrors to 2
  EXPECT_EQ(sample1D(t, -0.125f), 0); // index -1 mirrors to 0
  // Linear filtering across the wrap: x = 0 blends T[3] and T[0] equally.
  t.address_mode[0] = CUPORT_ADDRESS_WRAP;
  t.linear_filter = 1;
  EXPECT_FLOAT_EQ(sample1D(t, 0.0f), 15.0f);
}

TEST(TextureSampling, WrapNeedsNormalizedCoordinatesElseClamps) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatTexture(texels, 4);
  t.address_mode[0] = CUPORT_ADDRESS_WRAP;
  EXPECT_EQ(sample1D(t, 5.0f), 30);
}

TEST(TextureSampling, BorderReadsTheBorderColor) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatTexture(texels, 4);
  t.address_mode[0] = CUPORT_ADDRESS_BORDER;
  t.border_color[0] = -7;
  EXPECT_EQ(sample1D(t, -0.5f), -7);
  EXPECT_EQ(sample1D(t, 4.0f), -7);
  t.linear_filter = 1;
  EXPECT_FLOAT_EQ(sample1D(t, 0.25f), 0.25f * -7 + 0.75f * 0); // T[-1] is the border
}

TEST(TextureSampling, BilinearFilteringIn2D) {
  std::vector<float> texels{0, 1, 2, 3}; // 2 x 2
  auto t = floatTexture(texels, 2, 2);
  t.linear_filter = 1;
  uint32_t coordinates[4] = {bits(1.0f), bits(1.0f), 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_2D, coordinates, result);
  EXPECT_FLOAT_EQ(value(result[0]), 1.5f);
  coordinates[0] = bits(1.25f); // a = 0.75, b = 0.5
  sampleTexture(t, CUPORT_SHAPE_2D, coordinates, result);
  EXPECT_FLOAT_EQ(value(result[0]),
                  0.25f * 0.5f * 0 + 0.75f * 0.5f * 1 + 0.25f * 0.5f * 2 + 0.75f * 0.5f * 3);
  // Missing channels read 0, except alpha which reads 1.
  EXPECT_EQ(value(result[1]), 0.0f);
  EXPECT_EQ(value(result[3]), 1.0f);
}

TEST(TextureSampling, NormalizedFloatReadsOfIntegers) {
  uint8_t u8[4] = {0, 51, 255, 128};
  cuport_texture_descriptor t{};
  t.magic = CUPORT_TEXTURE_MAGIC;
  t.channels = 4;
  t.channel_bits = 8;
  t.channel_kind = CUPORT_CHANNEL_UNSIGNED;
  t.element_bytes = 4;
  t.data = reinterpret_cast<uint64_t>(u8);
  t.width = t.height = t.depth = t.layers = 1;
  t.row_pitch = t.slice_pitch = 4;
  t.normalized_read = 1;
  uint32_t coordinates[4] = {bits(0.5f), 0, 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_1D, coordinates, result);
  EXPECT_EQ(value(result[0]), 0.0f);
  EXPECT_FLOAT_EQ(value(result[1]), 0.2f);
  EXPECT_EQ(value(result[2]), 1.0f);
  EXPECT_FLOAT_EQ(value(result[3]), 128.0f / 255.0f);

  int16_t s16[2] = {-32768, 16384};
  t.channels = 2;
  t.channel_bits = 16;
  t.channel_kind = CUPORT_CHANNEL_SIGNED;
  t.data = reinterpret_cast<uint64_t>(s16);
  sampleTexture(t, CUPORT_SHAPE_1D, coordinates, result);
  EXPECT_EQ(value(result[0]), -1.0f); // clamped: -32768 / 32767 < -1
  EXPECT_FLOAT_EQ(value(result[1]), 16384.0f / 32767.0f);

  // Element-type reads give the integers themselves.
  t.normalized_read = 0;
  sampleTexture(t, CUPORT_SHAPE_1D | CUPORT_TEX_RESULT_INT, coordinates, result);
  EXPECT_EQ(int32_t(result[0]), -32768);
  EXPECT_EQ(int32_t(result[1]), 16384);
}

TEST(TextureSampling, SrgbConvertsColorButNotAlpha) {
  uint8_t texel[4] = {128, 255, 10, 128};
  cuport_texture_descriptor t{};
  t.channels = 4;
  t.channel_bits = 8;
  t.channel_kind = CUPORT_CHANNEL_UNSIGNED;
  t.element_bytes = 4;
  t.data = reinterpret_cast<uint64_t>(texel);
  t.width = t.height = t.depth = t.layers = 1;
  t.row_pitch = t.slice_pitch = 4;
  t.normalized_read = 1;
  t.srgb = 1;
  uint32_t coordinates[4] = {bits(0.5f), 0, 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_1D, coordinates, result);
  EXPECT_NEAR(value(result[0]), 0.2158605f, 1e-6f); // sRGB 128 in linear light
  EXPECT_FLOAT_EQ(value(result[1]), 1.0f);
  EXPECT_NEAR(value(result[2]), 0.0030352698f, 1e-7f); // the linear segment: 10 / 255 / 12.92
  EXPECT_FLOAT_EQ(value(result[3]), 128.0f / 255.0f);
}

TEST(TextureSampling, HalfChannels) {
  uint16_t half[2] = {0x3c00, 0xc100}; // 1.0, -2.5
  cuport_texture_descriptor t{};
  t.channels = 2;
  t.channel_bits = 16;
  t.channel_kind = CUPORT_CHANNEL_FLOAT;
  t.element_bytes = 4;
  t.data = reinterpret_cast<uint64_t>(half);
  t.width = t.height = t.depth = t.layers = 1;
  t.row_pitch = t.slice_pitch = 4;
  uint32_t coordinates[4] = {bits(0.5f), 0, 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_1D, coordinates, result);
  EXPECT_EQ(value(result[0]), 1.0f);
  EXPECT_EQ(value(result[1]), -2.5f);
}

TEST(TextureSampling, IntegerCoordinatesFetchTexels) {
  std::vector<float> texels{0, 10, 20, 30};
  auto t = floatTexture(texels, 4);
  t.address_mode[0] = CUPORT_ADDRESS_BORDER; // linear memory: zero outside
  uint32_t coordinates[4] = {2, 0, 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_1D | CUPORT_TEX_COORDS_INT, coordinates, result);
  EXPECT_EQ(value(result[0]), 20);
  coordinates[0] = uint32_t(-1);
  sampleTexture(t, CUPORT_SHAPE_1D | CUPORT_TEX_COORDS_INT, coordinates, result);
  EXPECT_EQ(value(result[0]), 0);
}

TEST(TextureSampling, LayersSelectSlices) {
  std::vector<float> texels{1, 2, 3, 4, 5, 6}; // 2 wide, 3 layers
  auto t = floatTexture(texels, 2);
  t.layered = 1;
  t.layers = 3;
  t.slice_pitch = 8;
  uint32_t coordinates[4] = {2, bits(1.5f), 0, 0}, result[4];
  sampleTexture(t, CUPORT_SHAPE_A1D, coordinates, result);
  EXPECT_EQ(value(result[0]), 6);
  coordinates[0] = 7; // clamped to the last layer
  coordinates[1] = bits(0.5f);
  sampleTexture(t, CUPORT_SHAPE_A1D, coordinates, result);
  EXPECT_EQ(value(result[0]), 5);
}

TEST(TextureSampling, GatherReturnsTheFourTexelsInPtxOrder) {
  std::vector<float> texels{0, 1, 2, 3}; // 2 x 2: T[x, y] = x + 2y
  auto t = floatTexture(texels, 2, 2);
  uint32_t coordinates[4] = {bits(1.0f), bits(1.0f), 0, 0}, result[4];
  gatherTexture(t, CUPORT_SHAPE_2D, coordinates, result);
  EXPECT_EQ(value(result[0]), 2); // (i, j+1)
  EXPECT_EQ(value(result[1]), 3); // (i+1, j+1)
  EXPECT_EQ(value(result[2]), 1); // (i+1, j)
  EXPECT_EQ(value(result[3]), 0); // (i, j)
}

TEST(SurfaceAccess, ModesOutOfRange) {
  std::vector<float> texels{1, 2, 3, 4, 5, 6}; // 3 x 2
  auto s = floatTexture(texels, 3, 2);
  s.magic = CUPORT_SURFACE_MAGIC;
  float data = 0;
  uint32_t inside[4] = {8, 1, 0, 0}; // x in bytes: element 2 of row 1
  EXPECT_TRUE(surfaceLoad(s, CUPORT_SHAPE_2D | CUPORT_SURFACE_TRAP << 4 | 4 << 8, inside, &data));
  EXPECT_EQ(data, 6);
  float stored = 42;
  EXPECT_TRUE(
      surfaceStore(s, CUPORT_SHAPE_2D | CUPORT_SURFACE_TRAP << 4 | 4 << 8, inside, &stored));
  EXPECT_EQ(texels[5], 42);

  uint32_t outside[4] = {12, 1, 0, 0};
  EXPECT_FALSE(surfaceLoad(s, CUPORT_SHAPE_2D | CUPORT_SURFACE_TRAP << 4 | 4 << 8, outside, &data));
  EXPECT_TRUE(surfaceLoad(s, CUPORT_SHAPE_2D | CUPORT_SURFACE_ZERO << 4 | 4 << 8, outside, &data));
  EXPECT_EQ(data, 0);
  EXPECT_TRUE(surfaceLoad(s, CUPORT_SHAPE_2D | CUPORT_SURFACE_CLAMP << 4 | 4 << 8, outside, &data));
  EXPECT_EQ(data, 42); // clamped to element 2 of row 1
  stored = 9;
  EXPECT_TRUE(
      surfaceStore(s, CUPORT_SHAPE_2D | CUPORT_SURFACE_ZERO << 4 | 4 << 8, outside, &stored));
  EXPECT_EQ(texels, (std::vector<float>{1, 2, 3, 4, 5, 42})); // ignored
}

// sured.b: the reductions on 32-bit unsigned and signed elements, worked out by hand.
TEST(SurfaceReduction, CombinesTheElementWithTheOperand) {
  std::vector<uint32_t> elements{10, 0xF0, 0xFFFFFFFEu, 5}; // a 4-element 1D surface
  cuport_texture_descriptor s{};
  s.magic = CUPORT_SURFACE_MAGIC;
  s.channels = 1;
  s.channel_bits = 32;
  s.element_bytes = 4;
  s.dimensions = 1;
  s.data = reinterpret_cast<uint64_t>(elements.data());
  s.width = 4;
  s.height = s.depth = s.layers = 1;
  s.row_pitch = s.slice_pitch = 16;
  auto reduce = [&](uint32_t reduction, uint32_t flags, uint32_t x, uint32_t operand) {
    uint32_t coordinates[4] = {x, 0, 0, 0};
    return surfaceReduce(s, CUPORT_SHAPE_1D | flags | 4u << 8 | reduction << CUPORT_SURED_SHIFT,
                         coordinates, &operand);
  };
  uint32_t trap = CUPORT_SURFACE_TRAP << 4;
  EXPECT_EQ(reduce(CUPORT_SURED_ADD, trap, 0, 0xFFFFFFFFu), nullptr); // 10 + (-1) wraps
  EXPECT_EQ(elements[0], 9u);
  EXPECT_EQ(reduce(CUPORT_SURED_OR, trap, 4, 0x0F), nullptr);
  EXPECT_EQ(reduce(CUPORT_SURED_AND, trap, 4, 0x3C), nullptr);
  EXPECT_EQ(elements[1], 0x3Cu);
  // 0xFFFFFFFE is 4294967294 unsigned but -2 signed.
  EXPECT_EQ(reduce(CUPORT_SURED_MIN, trap, 8, 3), nullptr);
  EXPECT_EQ(elements[2], 3u);
  elements[2] = 0xFFFFFFFEu;
  EXPECT_EQ(reduce(CUPORT_SURED_MIN, trap | CUPORT_SURED_SIGNED, 8, 3), nullptr);
  EXPECT_EQ(elements[2], 0xFFFFFFFEu);
  EXPECT_EQ(reduce(CUPORT_SURED_MAX, trap | CUPORT_SURED_SIGNED, 12, 0xFFFFFFF0u), nullptr);
  EXPECT_EQ(elements[3], 5u);
  EXPECT_EQ(reduce(CUPORT_SURED_MAX, trap, 12, 0xFFFFFFF0u), nullptr);
  EXPECT_EQ(elements[3], 0xFFFFFFF0u);

  // Out of range: .trap reports, .zero drops, .clamp reduces the last element.
  EXPECT_NE(reduce(CUPORT_SURED_ADD, trap, 16, 1), nullptr);
  EXPECT_EQ(reduce(CUPORT_SURED_ADD, CUPORT_SURFACE_ZERO << 4, 16, 1), nullptr);
  EXPECT_EQ(elements[3], 0xFFFFFFF0u);
  EXPECT_EQ(reduce(CUPORT_SURED_ADD, CUPORT_SURFACE_CLAMP << 4, 16, 1), nullptr);
  EXPECT_EQ(elements[3], 0xFFFFFFF1u);
  // A byte offset inside an element cannot be reduced atomically.
  EXPECT_NE(reduce(CUPORT_SURED_ADD, trap, 2, 1), nullptr);
}

TEST(SurfaceReduction, SixtyFourBitMinimumComparesSigned) {
  std::vector<int64_t> elements{-5, 7};
  cuport_texture_descriptor s{};
  s.magic = CUPORT_SURFACE_MAGIC;
  s.element_bytes = 8;
  s.data = reinterpret_cast<uint64_t>(elements.data());
  s.width = 2;
  s.height = s.depth = s.layers = 1;
  s.row_pitch = s.slice_pitch = 16;
  int64_t operand = -9;
  uint32_t coordinates[4] = {8, 0, 0, 0};
  uint32_t op = CUPORT_SHAPE_1D | CUPORT_SURFACE_TRAP << 4 | 8u << 8 |
                CUPORT_SURED_MIN << CUPORT_SURED_SHIFT | CUPORT_SURED_SIGNED;
  EXPECT_EQ(surfaceReduce(s, op, coordinates, &operand), nullptr);
  EXPECT_EQ(elements, (std::vector<int64_t>{-5, -9}));
  operand = 4; // unsigned, -9 is the larger
  EXPECT_EQ(surfaceReduce(s, op & ~CUPORT_SURED_SIGNED, coordinates, &operand), nullptr);
  EXPECT_EQ(elements[1], 4);
}

// sured.p reduces integer samples only: a UNORM / SNORM surface (normalized_format) is refused even
// when its samples are as wide as the operand, while the same layout as a plain integer format
// reduces.
TEST(SurfaceReduction, FormattedReductionRefusesNormalizedFormats) {
  std::vector<uint16_t> elements{1, 2, 3, 4};
  cuport_texture_descriptor s{};
  s.magic = CUPORT_SURFACE_MAGIC;
  s.channels = 2;
  s.channel_bits = 16;
  s.channel_kind = CUPORT_CHANNEL_UNSIGNED;
  s.normalized_format = 1;
  s.element_bytes = 4;
  s.data = reinterpret_cast<uint64_t>(elements.data());
  s.width = 2;
  s.height = s.depth = s.layers = 1;
  s.row_pitch = s.slice_pitch = 8;
  uint32_t operand = 0x00010001;
  uint32_t coordinates[4] = {1, 0, 0, 0};
  uint32_t op = CUPORT_SHAPE_1D | CUPORT_SURFACE_TRAP << 4 | 4u << 8 |
                CUPORT_SURED_ADD << CUPORT_SURED_SHIFT | CUPORT_SURFACE_FORMATTED;
  EXPECT_NE(surfaceReduce(s, op, coordinates, &operand), nullptr);
  EXPECT_EQ(elements, (std::vector<uint16_t>{1, 2, 3, 4}));
  s.normalized_format = 0;
  EXPECT_EQ(surfaceReduce(s, op, coordinates, &operand), nullptr);
  EXPECT_EQ(elements, (std::vector<uint16_t>{1, 2, 4, 5}));
}

} // namespace
} // namespace cuport::cpu
