// BC6H decoding against blocks assembled field by field, with the texels worked out by hand from
// the format description (Direct3D 11's BC6H, Khronos Data Format Specification "BPTC"):
// unquantization (16-bit unsigned, 15-bit magnitude signed, saturation at the top), the 31/64 and
// 31/32 scaling to half floats, sign extension, the transformed (delta) endpoints and their
// wrap-around, a two-region partition with its anchor, 16-bit endpoints stored high bit first,
// fields scattered through the header, and the reserved modes.
#include "backends/cpu/block_compression.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using cuport::cpu::decodeBlockTexel;

class BlockWriter {
public:
  BlockWriter &put(unsigned value, unsigned count) {
    for (unsigned i = 0; i < count; ++i, ++position_)
      bytes_[position_ / 8] |= uint8_t((value >> i & 1) << (position_ % 8));
    return *this;
  }
  // Bits high..low of `value` (a field of the specification's layout tables).
  BlockWriter &bits(unsigned value, unsigned high, unsigned low) {
    return put(value >> low, high - low + 1);
  }
  const std::vector<uint8_t> &bytes() const {
    EXPECT_EQ(position_, 128u) << "the fields fill the block";
    return bytes_;
  }

private:
  std::vector<uint8_t> bytes_ = std::vector<uint8_t>(16);
  unsigned position_ = 0;
};

float halfBits(uint16_t half) {
  int exponent = half >> 10 & 0x1f, mantissa = half & 0x3ff;
  float magnitude = exponent ? std::ldexp(1.0f + mantissa / 1024.0f, exponent - 15)
                             : std::ldexp(float(mantissa), -24);
  return half & 0x8000 ? -magnitude : magnitude;
}

void expectHalves(uint32_t format, const std::vector<uint8_t> &block, unsigned texel,
                  const std::array<uint16_t, 3> &expected) {
  float rgba[4] = {-7, -7, -7, 1};
  decodeBlockTexel(format, block.data(), texel % 4, texel / 4, rgba);
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(rgba[c], halfBits(expected[c])) << "texel " << texel << ", channel " << c
                                              << ": expected half 0x" << std::hex << expected[c];
  EXPECT_EQ(rgba[3], 1.0f) << "alpha is left as it is";
}

// Mode 11 (mode bits 00011): one region, 10-bit endpoints as they are, 4-bit indices (texel 0:
// 3 bits).
std::vector<uint8_t> mode11(const std::array<unsigned, 6> &rgbEndpoints,
                            const std::array<unsigned, 16> &index) {
  BlockWriter w;
  w.put(0x03, 5);
  for (unsigned value : rgbEndpoints) // r0, g0, b0, r1, g1, b1
    w.put(value, 10);
  for (int t = 0; t < 16; ++t)
    w.put(index[t], t == 0 ? 3 : 4);
  return w.bytes();
}

TEST(BlockCompression, Bc6hUnsignedUntransformed) {
  // r 0 .. 1023, g 512 .. 0, b 100 .. 100. Unquantized (10 bits): 0 -> 0, 1023 -> 0xffff,
  // v -> ((v << 16) + 0x8000) >> 10: 512 -> 32800, 100 -> 6432.
  std::array<unsigned, 16> index{};
  index[15] = 15; // w 64
  index[5] = 8;   // w 34
  auto block = mode11({0, 512, 100, 1023, 0, 100}, index);
  // Texel 0: r 0; g 32800 * 31 >> 6 = 15887 (0x3e0f); b 6432 * 31 >> 6 = 3115 (0x0c2b).
  expectHalves(CUPORT_BLOCK_BC6H, block, 0, {0x0000, 0x3e0f, 0x0c2b});
  // Texel 15: r 0xffff * 31 >> 6 = 0x7bff (65504, the largest half); g 0.
  expectHalves(CUPORT_BLOCK_BC6H, block, 15, {0x7bff, 0x0000, 0x0c2b});
  // Texel 5, w 34: r (0xffff * 34 + 32) >> 6 = 34815 -> 16863 (0x41df);
  // g (32800 * 30 + 32) >> 6 = 15375 -> 7447 (0x1d17); b stays 6432.
  expectHalves(CUPORT_BLOCK_BC6H, block, 5, {0x41df, 0x1d17, 0x0c2b});
}

TEST(BlockCompression, Bc6hSignedUntransformed) {
  // Signed, the 10-bit endpoints sign-extend: r 0x3ff = -1 .. 0x200 = -512, g 511 .. 0,
  // b 1 .. 0. Unquantized: magnitude m -> ((m << 15) + 0x4000) >> 9, 511 and more -> 0x7fff:
  // -1 -> -96, -512 -> -0x7fff, 511 -> 0x7fff, 1 -> 96.
  std::array<unsigned, 16> index{};
  index[15] = 15;
  auto block = mode11({0x3ff, 511, 1, 0x200, 0, 0}, index);
  // Texel 0: magnitudes * 31 >> 5 with the sign in bit 15: -93 (0x805d), 0x7bff, 93 (0x005d).
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 0, {0x805d, 0x7bff, 0x005d});
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 15, {0xfbff, 0x0000, 0x0000});
  // The same bits unsigned: r 1023 -> 0xffff -> 0x7bff; g 511 -> 32736 -> 15856 (0x3df0);
  // b 1 -> 96 -> 46 (0x002e).
  expectHalves(CUPORT_BLOCK_BC6H, block, 0, {0x7bff, 0x3df0, 0x002e});
}

TEST(BlockCompression, Bc6hTransformedTwoRegions) {
  // Mode 1 (mode bits 00): 10-bit endpoint 0 and 5-bit signed deltas for the others, partition
  // 0 (columns 2 and 3 are region 1, anchor texel 15), 3-bit indices.
  //   r: 100, deltas -1, -16, 15 -> 99, 84, 115
  //   g: 1023, deltas 1, 0, 0 -> (1023 + 1) & 0x3ff = 0, 1023, 1023
  //   b: 0 everywhere
  unsigned r0 = 100, r1 = 0x1f, r2 = 0x10, r3 = 0x0f;
  unsigned g0 = 1023, g1 = 1, g2 = 0, g3 = 0;
  unsigned b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  BlockWriter w;
  // m[1:0], g2[4], b2[4], b3[4], r0[9:0], g0[9:0], b0[9:0], r1[4:0], g3[4], g2[3:0], g1[4:0],
  // b3[0], g3[3:0], b1[4:0], b3[1], b2[3:0], r2[4:0], b3[2], r3[4:0], b3[3], d[4:0]
  w.put(0, 2).bits(g2, 4, 4).bits(b2, 4, 4).bits(b3, 4, 4);
  w.bits(r0, 9, 0).bits(g0, 9, 0).bits(b0, 9, 0);
  w.bits(r1, 4, 0).bits(g3, 4, 4).bits(g2, 3, 0).bits(g1, 4, 0).bits(b3, 0, 0);
  w.bits(g3, 3, 0).bits(b1, 4, 0).bits(b3, 1, 1).bits(b2, 3, 0).bits(r2, 4, 0);
  w.bits(b3, 2, 2).bits(r3, 4, 0).bits(b3, 3, 3);
  w.put(0, 5); // partition 0
  std::array<unsigned, 16> index{};
  index[0] = 3; // anchor (2 bits)
  index[2] = 7;
  index[15] = 0; // anchor of region 1
  for (int t = 0; t < 16; ++t)
    w.put(index[t], t == 0 || t == 15 ? 2 : 3);
  const auto &block = w.bytes();
  // Unquantized: 100 -> 6432, 99 -> 6368, 84 -> 5408, 115 -> 7392, 1023 -> 0xffff.
  // Texel 0, region 0, w 27: r (6432 * 37 + 6368 * 27 + 32) >> 6 = 6405 -> 3102 (0x0c1e);
  // g (0xffff * 37 + 32) >> 6 = 37887 -> 18351 (0x47af).
  expectHalves(CUPORT_BLOCK_BC6H, block, 0, {0x0c1e, 0x47af, 0});
  // Texel 2, region 1, w 64: r 7392 -> 3580 (0x0dfc), g 0xffff -> 0x7bff.
  expectHalves(CUPORT_BLOCK_BC6H, block, 2, {0x0dfc, 0x7bff, 0});
  // Texel 15, region 1's anchor, index 0 (endpoint 2): r 5408 -> 2619 (0x0a3b), g 1023 -> 0x7bff.
  expectHalves(CUPORT_BLOCK_BC6H, block, 15, {0x0a3b, 0x7bff, 0});
}

TEST(BlockCompression, Bc6hSixteenBitEndpointsReversedBits) {
  // Mode 14 (mode bits 01111): 16-bit endpoint 0 whose bits 15..10 are stored high bit first
  // after each 4-bit delta, one region. r 0xc000 + 7, g 0x0400 - 1, b 0 + 1.
  unsigned r0 = 0xc000, g0 = 0x0400, b0 = 0, r1 = 7, g1 = 0xf, b1 = 1;
  BlockWriter w;
  w.put(0x0f, 5).bits(r0, 9, 0).bits(g0, 9, 0).bits(b0, 9, 0);
  w.bits(r1, 3, 0);
  for (unsigned bit = 15; bit >= 10; --bit)
    w.bits(r0, bit, bit);
  w.bits(g1, 3, 0);
  for (unsigned bit = 15; bit >= 10; --bit)
    w.bits(g0, bit, bit);
  w.bits(b1, 3, 0);
  for (unsigned bit = 15; bit >= 10; --bit)
    w.bits(b0, bit, bit);
  for (int t = 0; t < 16; ++t)
    w.put(t == 15 ? 15 : 0, t == 0 ? 3 : 4);
  const auto &block = w.bytes();
  // Unsigned, 16-bit endpoints unquantize to themselves: 0xc000 * 31 >> 6 = 23808 (0x5d00),
  // 0xc007 -> 23811 (0x5d03), 0x0400 -> 496 (0x01f0), 0x03ff -> 495 (0x01ef), 1 -> 0.
  expectHalves(CUPORT_BLOCK_BC6H, block, 0, {0x5d00, 0x01f0, 0x0000});
  expectHalves(CUPORT_BLOCK_BC6H, block, 15, {0x5d03, 0x01ef, 0x0000});
  // Signed: 0xc000 is -16384 -> -(16384 * 31 >> 5) = -15872 (0xbe00); 0xc007 = -16377 ->
  // -15865 (0xbdf9); 1024 -> 992 (0x03e0), 1023 -> 991 (0x03df), 1 -> 0.
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 0, {0xbe00, 0x03e0, 0x0000});
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 15, {0xbdf9, 0x03df, 0x0000});
}

TEST(BlockCompression, Bc6hSignedScatteredFields) {
  // Mode 10 (mode bits 11110): 6-bit endpoints as they are, fields scattered through the
  // header; partition 13 (rows 2 and 3 are region 1, anchor texel 15). Signed, the 6-bit values
  // sign-extend: region 1 is e2 (0, 0x21 = -31, 31) and e3 (0x20 = -32, 16, 0x2a = -22).
  unsigned r0 = 0, g0 = 0, b0 = 0, r1 = 0, g1 = 0, b1 = 0;
  unsigned r2 = 0, g2 = 0x21, b2 = 0x1f, r3 = 0x20, g3 = 0x10, b3 = 0x2a;
  BlockWriter w;
  // m[4:0], r0[5:0], g3[4], b3[1:0], b2[4], g0[5:0], g2[5], b2[5], b3[2], g2[4], b0[5:0], g3[5],
  // b3[3], b3[5], b3[4], r1[5:0], g2[3:0], g1[5:0], g3[3:0], b1[5:0], b2[3:0], r2[5:0],
  // r3[5:0], d[4:0]
  w.put(0x1e, 5).bits(r0, 5, 0).bits(g3, 4, 4).bits(b3, 1, 0).bits(b2, 4, 4).bits(g0, 5, 0);
  w.bits(g2, 5, 5).bits(b2, 5, 5).bits(b3, 2, 2).bits(g2, 4, 4).bits(b0, 5, 0).bits(g3, 5, 5);
  w.bits(b3, 3, 3).bits(b3, 5, 5).bits(b3, 4, 4).bits(r1, 5, 0).bits(g2, 3, 0).bits(g1, 5, 0);
  w.bits(g3, 3, 0).bits(b1, 5, 0).bits(b2, 3, 0).bits(r2, 5, 0).bits(r3, 5, 0).put(13, 5);
  for (int t = 0; t < 16; ++t)
    w.put(t == 15 ? 3 : 0, t == 0 || t == 15 ? 2 : 3);
  const auto &block = w.bytes();
  // Unquantized (6 bits signed): magnitude 31 and more -> 0x7fff, m -> ((m << 15) + 0x4000) >> 5:
  // e2 (0, -0x7fff, 0x7fff), e3 (-0x7fff, 16896, -23040).
  // Texel 8, index 0: e2 -> (0, -31743 (0xfbff), 31743 (0x7bff)).
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 8, {0x0000, 0xfbff, 0x7bff});
  // Texel 15, anchor (2 bits), index 3, w 27, arithmetic shifts:
  //   r (-0x7fff * 27 + 32) >> 6 = -13824 -> -13392 (0xb450)
  //   g (-0x7fff * 37 + 16896 * 27 + 32) >> 6 = -11815 -> -11445 (0xacb5)
  //   b (0x7fff * 37 - 23040 * 27 + 32) >> 6 = 9223 -> 8934 (0x22e6)
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 15, {0xb450, 0xacb5, 0x22e6});
  // Region 0 is all zero.
  expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 0, {0, 0, 0});
}

TEST(BlockCompression, Bc6hReservedModesAreZero) {
  for (unsigned modeBits : {0x13u, 0x17u, 0x1bu, 0x1fu}) {
    std::vector<uint8_t> block(16, 0xa5);
    block[0] = uint8_t((block[0] & ~0x1fu) | modeBits);
    expectHalves(CUPORT_BLOCK_BC6H, block, 0, {0, 0, 0});
    expectHalves(CUPORT_BLOCK_BC6H_SIGNED, block, 9, {0, 0, 0});
  }
}

} // namespace
