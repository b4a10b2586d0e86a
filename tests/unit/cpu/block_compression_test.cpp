// BC1..BC5 decoding against blocks assembled by hand, with the values worked out from the format
// descriptions (Khronos Data Format Specification, "S3TC" and "RGTC"): endpoint expansion, both
// BC1 palettes, BC2's explicit alpha, the two interpolation modes of the 8-byte channel blocks,
// signed endpoints and texel order.
#include "backends/cpu/block_compression.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using cuport::cpu::decodeBlockTexel;

std::array<float, 4> texel(uint32_t format, const std::vector<uint8_t> &block, unsigned x,
                           unsigned y) {
  std::array<float, 4> rgba{0, 0, 0, 1};
  decodeBlockTexel(format, block.data(), x, y, rgba.data());
  return rgba;
}

void expectTexel(const std::array<float, 4> &actual, const std::array<float, 4> &expected,
                 const char *what) {
  for (int c = 0; c < 4; ++c)
    EXPECT_NEAR(actual[c], expected[c], 1e-6f) << what << ", channel " << c;
}

// Codes: texel (x, y) has code number y * 4 + x, two bits each for BC1 colours.
std::vector<uint8_t> bc1(uint16_t colour0, uint16_t colour1, uint32_t codes) {
  return {uint8_t(colour0), uint8_t(colour0 >> 8), uint8_t(colour1),     uint8_t(colour1 >> 8),
          uint8_t(codes),   uint8_t(codes >> 8),   uint8_t(codes >> 16), uint8_t(codes >> 24)};
}

// A channel block: two endpoints and sixteen 3-bit codes.
std::vector<uint8_t> channel(uint8_t end0, uint8_t end1, const std::array<unsigned, 16> &codes) {
  uint64_t bits = 0;
  for (int i = 0; i < 16; ++i)
    bits |= uint64_t(codes[i]) << (3 * i);
  std::vector<uint8_t> block{end0, end1};
  for (int i = 0; i < 6; ++i)
    block.push_back(uint8_t(bits >> (8 * i)));
  return block;
}

TEST(BlockCompression, Bc1FourColours) {
  // colour0 = pure red 31:0:0 (0xf800) > colour1 = 0:63:31 (0x07ff): four colours.
  // Codes 0, 1, 2, 3 in texels (0,0), (1,0), (2,0), (3,0); code 1 everywhere else.
  uint32_t codes = 0x55555500u | 0u | 1u << 2 | 2u << 4 | 3u << 6;
  auto block = bc1(0xf800, 0x07ff, codes);
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 0, 0), {1, 0, 0, 1}, "code 0");
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 1, 0), {0, 1, 1, 1}, "code 1");
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 2, 0), {2.0f / 3, 1.0f / 3, 1.0f / 3, 1}, "2/3 c0");
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 3, 0), {1.0f / 3, 2.0f / 3, 2.0f / 3, 1}, "1/3 c0");
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 3, 3), {0, 1, 1, 1}, "last texel");
}

TEST(BlockCompression, Bc1ThreeColoursAndTransparentBlack) {
  // colour0 = 16:32:8 <= colour1 = 31:63:31: the average and transparent black. 16 expands to
  // 132 (10000 100), 32 to 130 (100000 10), 8 to 66 (01000 010).
  uint16_t colour0 = uint16_t(16 << 11 | 32 << 5 | 8);
  uint32_t codes = 2u << 10 | 3u << 30; // texel (1, 1) code 2, texel (3, 3) code 3
  auto block = bc1(colour0, 0xffff, codes);
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 0, 0), {132.0f / 255, 130.0f / 255, 66.0f / 255, 1},
              "expanded endpoint");
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 1, 1),
              {(132.0f / 255 + 1) / 2, (130.0f / 255 + 1) / 2, (66.0f / 255 + 1) / 2, 1},
              "average");
  expectTexel(texel(CUPORT_BLOCK_BC1, block, 3, 3), {0, 0, 0, 0}, "transparent black");
}

TEST(BlockCompression, Bc2ExplicitAlphaAndFourColours) {
  // Alpha nibbles 0..15 in texel order; the colour block has colour0 < colour1 but BC2 always
  // interpolates four colours.
  std::vector<uint8_t> block;
  for (int i = 0; i < 8; ++i)
    block.push_back(uint8_t((2 * i) | (2 * i + 1) << 4));
  auto colour = bc1(0x0000, 0xffff, 3u << 30);
  block.insert(block.end(), colour.begin(), colour.end());
  for (unsigned i = 0; i < 16; ++i)
    EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC2, block, i % 4, i / 4)[3], float(i) / 15) << i;
  expectTexel(texel(CUPORT_BLOCK_BC2, block, 3, 3), {2.0f / 3, 2.0f / 3, 2.0f / 3, 1}, "code 3");
}

TEST(BlockCompression, Bc3InterpolatedAlpha) {
  // alpha0 200 > alpha1 60: codes 2..7 are (8 - k) / 7 of alpha0 plus (k - 1) / 7 of alpha1.
  std::array<unsigned, 16> codes{0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 7};
  auto block = channel(200, 60, codes);
  auto colour = bc1(0xf800, 0x001f, 0);
  block.insert(block.end(), colour.begin(), colour.end());
  const float kAlpha[8] = {200,
                           60,
                           (6 * 200 + 60) / 7.0f,
                           (5 * 200 + 2 * 60) / 7.0f,
                           (4 * 200 + 3 * 60) / 7.0f,
                           (3 * 200 + 4 * 60) / 7.0f,
                           (2 * 200 + 5 * 60) / 7.0f,
                           (200 + 6 * 60) / 7.0f};
  for (unsigned k = 0; k < 8; ++k)
    EXPECT_NEAR(texel(CUPORT_BLOCK_BC3, block, k % 4, k / 4)[3], kAlpha[k] / 255, 1e-6f) << k;
  expectTexel(texel(CUPORT_BLOCK_BC3, block, 3, 3), {1, 0, 0, (200 + 6 * 60) / 7.0f / 255},
              "colour and last alpha");
}

TEST(BlockCompression, Bc4UnsignedBothModes) {
  std::array<unsigned, 16> codes{0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  // 50 <= 250: four steps, then 0 and 1.
  auto block = channel(50, 250, codes);
  const float kValues[8] = {50,
                            250,
                            (4 * 50 + 250) / 5.0f,
                            (3 * 50 + 2 * 250) / 5.0f,
                            (2 * 50 + 3 * 250) / 5.0f,
                            (50 + 4 * 250) / 5.0f,
                            0,
                            255};
  for (unsigned k = 0; k < 8; ++k)
    expectTexel(texel(CUPORT_BLOCK_BC4, block, k % 4, k / 4), {kValues[k] / 255, 0, 0, 1},
                "six-value mode");
  // Equal endpoints are the six-value mode too.
  EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC4, channel(9, 9, codes), 2, 1)[0], 0.0f);
}

TEST(BlockCompression, Bc4SignedEndpoints) {
  std::array<unsigned, 16> codes{0, 1, 2, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  // -128 reads as -1 like -127; 100 > -128 as signed: the eight-value mode.
  auto block = channel(100, uint8_t(-128), codes);
  EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC4_SIGNED, block, 0, 0)[0], 100.0f / 127);
  EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC4_SIGNED, block, 1, 0)[0], -1.0f);
  EXPECT_NEAR(texel(CUPORT_BLOCK_BC4_SIGNED, block, 2, 0)[0], (6 * 100.0f / 127 - 1) / 7, 1e-6f);
  EXPECT_NEAR(texel(CUPORT_BLOCK_BC4_SIGNED, block, 3, 0)[0], (2 * 100.0f / 127 - 5) / 7, 1e-6f);
  // -20 <= 30: codes 6 and 7 are -1 and 1.
  auto ends = channel(uint8_t(-20), 30, codes);
  EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC4_SIGNED, ends, 3, 0)[0], -1.0f);
  EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC4_SIGNED, ends, 0, 1)[0], 1.0f);
  EXPECT_FLOAT_EQ(texel(CUPORT_BLOCK_BC4_SIGNED, ends, 3, 3)[0], 30.0f / 127);
  // Read as unsigned, the same bytes are 236 > 30: the eight-value mode.
  EXPECT_NEAR(texel(CUPORT_BLOCK_BC4, ends, 3, 0)[0], (2 * 236 + 5 * 30) / 7.0f / 255, 1e-6f);
}

TEST(BlockCompression, Bc5TwoChannels) {
  std::array<unsigned, 16> red{}, green{};
  red[5] = 1;
  green[5] = 2;
  auto block = channel(10, 20, red);
  auto second = channel(uint8_t(-100), 100, green);
  block.insert(block.end(), second.begin(), second.end());
  // Unsigned, the green endpoints are 156 > 100 (eight values); signed, -100 <= 100 (six).
  expectTexel(texel(CUPORT_BLOCK_BC5, block, 1, 1),
              {20.0f / 255, (6 * 156 + 100) / 7.0f / 255, 0, 1}, "unsigned");
  expectTexel(texel(CUPORT_BLOCK_BC5_SIGNED, block, 1, 1),
              {20.0f / 127, (4 * -100.0f / 127 + 100.0f / 127) / 5, 0, 1}, "signed");
  expectTexel(texel(CUPORT_BLOCK_BC5, block, 0, 0), {10.0f / 255, 156.0f / 255, 0, 1}, "code 0");
}

} // namespace
