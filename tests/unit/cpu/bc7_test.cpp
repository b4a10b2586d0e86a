// BC7 decoding against blocks assembled field by field, with the texels worked out by hand from
// the format description (Khronos Data Format Specification "BPTC", Direct3D 11's BC7): one block
// per mode, covering 2- and 3-subset partitions and their anchor texels, p-bits per endpoint and
// shared per subset, rotation, mode 4's index selection and the invalid mode.
#include "backends/cpu/block_compression.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using cuport::cpu::decodeBlockTexel;

// Writes a block's fields from bit 0 (the low bit of byte 0) upwards.
class BlockWriter {
public:
  BlockWriter &put(unsigned value, unsigned count) {
    for (unsigned i = 0; i < count; ++i, ++position_)
      bytes_[position_ / 8] |= uint8_t((value >> i & 1) << (position_ % 8));
    return *this;
  }
  // Sixteen indices, texel 0 first, `widths[t]` bits each.
  BlockWriter &indices(const std::array<unsigned, 16> &values,
                       const std::array<unsigned, 16> &widths) {
    for (int t = 0; t < 16; ++t)
      put(values[t], widths[t]);
    return *this;
  }
  const std::vector<uint8_t> &bytes() const {
    EXPECT_EQ(position_, 128u) << "the fields fill the block";
    return bytes_;
  }

private:
  std::vector<uint8_t> bytes_ = std::vector<uint8_t>(16);
  unsigned position_ = 0;
};

// `bits`-bit indices, the anchor texels one bit less.
std::array<unsigned, 16> widths(unsigned bits, std::initializer_list<unsigned> anchors) {
  std::array<unsigned, 16> result;
  result.fill(bits);
  for (unsigned anchor : anchors)
    result[anchor] = bits - 1;
  return result;
}

void expectRgba8(const std::vector<uint8_t> &block, unsigned texel,
                 const std::array<unsigned, 4> &expected) {
  float rgba[4] = {-1, -1, -1, -1};
  decodeBlockTexel(CUPORT_BLOCK_BC7, block.data(), texel % 4, texel / 4, rgba);
  for (int c = 0; c < 4; ++c)
    EXPECT_FLOAT_EQ(rgba[c], float(expected[c]) / 255) << "texel " << texel << ", channel " << c;
}

// Endpoints interpolate as ((64 - w) * e0 + w * e1 + 32) >> 6, w from {0, 21, 43, 64} (2-bit
// indices), {0, 9, 18, 27, 37, 46, 55, 64} (3-bit) or {0, 4, 9, ..., 30, ..., 64} (4-bit).

TEST(BlockCompression, Bc7Mode0ThreeSubsetsEndpointPBits) {
  // Partition 0: subsets 0 0 1 1 / 0 0 1 1 / 0 2 2 1 / 2 2 2 2, anchors 0, 3 and 15.
  // 4-bit colours with a p-bit each, 5 bits expanded to 8 (v << 3 | v >> 2):
  //   e0 (15, 0, 0) p1 -> (255, 8, 8)    e1 (0, 0, 0) p0 -> 0
  //   e2 (0, 15, 0) p0 -> (0, 247, 0)    e3 (0, 0, 0) p1 -> (8, 8, 8)
  //   e4 (0, 0, 15) p1 -> (8, 8, 255)    e5 (7, 7, 7) p1 -> (123, 123, 123)
  std::array<unsigned, 16> index{};
  index[3] = 3;  // anchor, w 27: (37 * 0 + 27 * 8 + 32) >> 6 = 3, (37 * 247 + 216 + 32) >> 6 = 146
  index[4] = 7;  // w 64: e1
  index[9] = 4;  // w 37: (27 * 8 + 37 * 123 + 32) >> 6 = 74, (27 * 255 + 4551 + 32) >> 6 = 179
  index[15] = 1; // anchor, w 9: (55 * 8 + 9 * 123 + 32) >> 6 = 24,
                 // (55 * 255 + 1107 + 32) >> 6 = 236
  BlockWriter w;
  w.put(1, 1).put(0, 4);
  for (unsigned r : {15, 0, 0, 0, 0, 7})
    w.put(r, 4);
  for (unsigned g : {0, 0, 15, 0, 0, 7})
    w.put(g, 4);
  for (unsigned b : {0, 0, 0, 0, 15, 7})
    w.put(b, 4);
  for (unsigned p : {1, 0, 0, 1, 1, 1})
    w.put(p, 1);
  w.indices(index, widths(3, {0, 3, 15}));
  const auto &block = w.bytes();
  expectRgba8(block, 0, {255, 8, 8, 255});
  expectRgba8(block, 3, {3, 146, 3, 255});
  expectRgba8(block, 4, {0, 0, 0, 255});
  expectRgba8(block, 9, {74, 74, 179, 255});
  expectRgba8(block, 15, {24, 24, 236, 255});
}

TEST(BlockCompression, Bc7Mode1SharedPBitsAnchorInsideRow) {
  // Partition 17 (0x008e): texels 1, 2, 3, 7 are subset 1, whose anchor is texel 2.
  // 6-bit colours, one p-bit per subset, 7 bits expanded (v << 1 | v >> 6):
  //   p0 = 1: e0 (63, 0, 0) -> (255, 2, 2), e1 (0, 0, 0) -> (2, 2, 2)
  //   p1 = 0: e2 (0, 0, 0) -> 0,            e3 (0, 63, 32) -> (0, 253, 129)
  std::array<unsigned, 16> index{};
  index[1] = 5; // w 46: (46 * 253 + 32) >> 6 = 182, (46 * 129 + 32) >> 6 = 93
  index[2] = 3; // anchor (2 bits), w 27: (27 * 253 + 32) >> 6 = 107, (27 * 129 + 32) >> 6 = 54
  index[4] = 7; // w 64: e1
  BlockWriter w;
  w.put(2, 2).put(17, 6);
  for (unsigned r : {63, 0, 0, 0})
    w.put(r, 6);
  for (unsigned g : {0, 0, 0, 63})
    w.put(g, 6);
  for (unsigned b : {0, 0, 0, 32})
    w.put(b, 6);
  w.put(1, 1).put(0, 1);
  w.indices(index, widths(3, {0, 2}));
  const auto &block = w.bytes();
  expectRgba8(block, 0, {255, 2, 2, 255});
  expectRgba8(block, 1, {0, 182, 93, 255});
  expectRgba8(block, 2, {0, 107, 54, 255});
  expectRgba8(block, 3, {0, 0, 0, 255});
  expectRgba8(block, 4, {2, 2, 2, 255});
}

TEST(BlockCompression, Bc7Mode2ThreeSubsetsTwoBitIndices) {
  // Partition 63: subsets 0 1 1 1 / 2 0 1 1 / 2 2 0 1 / 2 2 2 0, anchors 0, 3 and 8.
  // 5-bit colours, no p-bits: e0 (255, 0, 0), e1 (0, 255, 0), e2 (0, 0, 255), e3 (132, 132, 132),
  // e4 (8, 16, 24), e5 (255, 255, 255).
  std::array<unsigned, 16> index{};
  index[5] = 2;  // subset 0, w 43: (21 * 255 + 32) >> 6 = 84, (43 * 255 + 32) >> 6 = 171
  index[3] = 1;  // anchor of subset 1 (1 bit), w 21: (21 * 132 + 32) >> 6 = 43,
                 // (43 * 255 + 21 * 132 + 32) >> 6 = 215
  index[8] = 0;  // anchor of subset 2: e4
  index[15] = 3; // subset 0: e1
  BlockWriter w;
  w.put(4, 3).put(63, 6);
  for (unsigned r : {31, 0, 0, 16, 1, 31})
    w.put(r, 5);
  for (unsigned g : {0, 31, 0, 16, 2, 31})
    w.put(g, 5);
  for (unsigned b : {0, 0, 31, 16, 3, 31})
    w.put(b, 5);
  w.indices(index, widths(2, {0, 3, 8}));
  const auto &block = w.bytes();
  expectRgba8(block, 5, {84, 171, 0, 255});
  expectRgba8(block, 3, {43, 43, 215, 255});
  expectRgba8(block, 8, {8, 16, 24, 255});
  expectRgba8(block, 15, {0, 255, 0, 255});
  expectRgba8(block, 1, {0, 0, 255, 255}); // subset 1, index 0: e2
}

TEST(BlockCompression, Bc7Mode3SevenBitColours) {
  // Partition 0 (0xcccc): columns 2 and 3 are subset 1, anchor 15. 7-bit colours and a p-bit
  // each, 8 bits in all: e0 (100, 0, 0) p1 -> (201, 1, 1), e1 0 p0 -> 0,
  // e2 (0, 0, 127) p1 -> (1, 1, 255), e3 (50, 60, 70) p0 -> (100, 120, 140).
  std::array<unsigned, 16> index{};
  index[0] = 1;  // anchor (1 bit), w 21: (43 * 201 + 32) >> 6 = 135, (43 + 32) >> 6 = 1
  index[2] = 2;  // w 43: (21 + 4300 + 32) >> 6 = 68, (21 + 5160 + 32) >> 6 = 81,
                 // (21 * 255 + 43 * 140 + 32) >> 6 = 178
  index[15] = 1; // anchor, w 21: (43 + 2100 + 32) >> 6 = 33, (43 + 2520 + 32) >> 6 = 40,
                 // (43 * 255 + 2940 + 32) >> 6 = 217
  BlockWriter w;
  w.put(8, 4).put(0, 6);
  for (unsigned r : {100, 0, 0, 50})
    w.put(r, 7);
  for (unsigned g : {0, 0, 0, 60})
    w.put(g, 7);
  for (unsigned b : {0, 0, 127, 70})
    w.put(b, 7);
  for (unsigned p : {1, 0, 1, 0})
    w.put(p, 1);
  w.indices(index, widths(2, {0, 15}));
  const auto &block = w.bytes();
  expectRgba8(block, 0, {135, 1, 1, 255});
  expectRgba8(block, 2, {68, 81, 178, 255});
  expectRgba8(block, 15, {33, 40, 217, 255});
  expectRgba8(block, 1, {201, 1, 1, 255});
}

TEST(BlockCompression, Bc7Mode4IndexSelection) {
  // 5-bit colours, 6-bit alpha: e0 (255, 132, 0, 255), e1 (0, 132, 255, 0). Index selection 1:
  // the colour takes the 3-bit indices, the alpha the 2-bit ones.
  std::array<unsigned, 16> twoBit{}, threeBit{};
  twoBit[3] = 1;   // alpha w 21: (43 * 255 + 32) >> 6 = 171
  threeBit[3] = 5; // colour w 46: (18 * 255 + 32) >> 6 = 72, (46 * 255 + 32) >> 6 = 183
  twoBit[6] = 3;   // alpha e1 = 0; colour index 0: e0
  BlockWriter w;
  w.put(16, 5).put(0, 2).put(1, 1);
  w.put(31, 5).put(0, 5).put(16, 5).put(16, 5).put(0, 5).put(31, 5);
  w.put(63, 6).put(0, 6);
  w.indices(twoBit, widths(2, {0})).indices(threeBit, widths(3, {0}));
  const auto &block = w.bytes();
  expectRgba8(block, 3, {72, 132, 183, 171});
  expectRgba8(block, 6, {255, 132, 0, 0});
  expectRgba8(block, 0, {255, 132, 0, 255});
}

TEST(BlockCompression, Bc7Mode5Rotation) {
  // 7-bit colours (v << 1 | v >> 6), 8-bit alpha: e0 (255, 129, 0, 0), e1 (0, 129, 255, 200).
  // Rotation 1 exchanges red and alpha after interpolation.
  std::array<unsigned, 16> colour{}, alpha{};
  colour[1] = 2; // w 43: (21 * 255 + 32) >> 6 = 84, 129, (43 * 255 + 32) >> 6 = 171
  alpha[1] = 3;  // 200
  BlockWriter w;
  w.put(32, 6).put(1, 2);
  w.put(127, 7).put(0, 7).put(64, 7).put(64, 7).put(0, 7).put(127, 7);
  w.put(0, 8).put(200, 8);
  w.indices(colour, widths(2, {0})).indices(alpha, widths(2, {0}));
  const auto &block = w.bytes();
  expectRgba8(block, 1, {200, 129, 171, 84});
  expectRgba8(block, 0, {0, 129, 0, 255});
}

TEST(BlockCompression, Bc7Mode6FourBitIndices) {
  // 7-bit channels and a p-bit each: e0 (127, 0, 64, 127) p1 -> (255, 1, 129, 255),
  // e1 (0, 127, 32, 0) p0 -> (0, 254, 64, 0).
  std::array<unsigned, 16> index{};
  index[5] = 15; // e1
  index[15] = 7; // w 30: (34 * 255 + 32) >> 6 = 135, (34 + 30 * 254 + 32) >> 6 = 120,
                 // (34 * 129 + 30 * 64 + 32) >> 6 = 99, alpha 135
  BlockWriter w;
  w.put(64, 7);
  w.put(127, 7).put(0, 7).put(0, 7).put(127, 7).put(64, 7).put(32, 7).put(127, 7).put(0, 7);
  w.put(1, 1).put(0, 1);
  w.indices(index, widths(4, {0}));
  const auto &block = w.bytes();
  expectRgba8(block, 0, {255, 1, 129, 255});
  expectRgba8(block, 5, {0, 254, 64, 0});
  expectRgba8(block, 15, {135, 120, 99, 135});
}

TEST(BlockCompression, Bc7Mode7ColourAndAlphaSubsets) {
  // Partition 1 (0x8888): column 3 is subset 1, anchor 15. 5-bit channels and a p-bit each, 6
  // bits expanded (v << 2 | v >> 4): e0 (31, 0, 0, 31) p1 -> (255, 4, 4, 255), e1 0,
  // e2 (0, 0, 0, 15) p0 -> (0, 0, 0, 121), e3 (0, 31, 0, 31) p1 -> (4, 255, 4, 255).
  std::array<unsigned, 16> index{};
  index[7] = 1; // w 21: (21 * 4 + 32) >> 6 = 1, (21 * 255 + 32) >> 6 = 84,
                // (43 * 121 + 21 * 255 + 32) >> 6 = 165
  index[4] = 3; // e1
  BlockWriter w;
  w.put(128, 8).put(1, 6);
  for (unsigned r : {31, 0, 0, 0})
    w.put(r, 5);
  for (unsigned g : {0, 0, 0, 31})
    w.put(g, 5);
  for (unsigned b : {0, 0, 0, 0})
    w.put(b, 5);
  for (unsigned a : {31, 0, 15, 31})
    w.put(a, 5);
  for (unsigned p : {1, 0, 0, 1})
    w.put(p, 1);
  w.indices(index, widths(2, {0, 15}));
  const auto &block = w.bytes();
  expectRgba8(block, 0, {255, 4, 4, 255});
  expectRgba8(block, 7, {1, 84, 1, 165});
  expectRgba8(block, 4, {0, 0, 0, 0});
  expectRgba8(block, 3, {0, 0, 0, 121});
}

TEST(BlockCompression, Bc7InvalidModeIsTransparentBlack) {
  std::vector<uint8_t> block(16, 0xff);
  block[0] = 0;
  for (unsigned texel : {0u, 7u, 15u})
    expectRgba8(block, texel, {0, 0, 0, 0});
}

} // namespace
