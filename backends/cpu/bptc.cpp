#include "backends/cpu/bptc.h"

#include <cmath>
#include <utility>

namespace cuport::cpu {
namespace {

// Reads the block's bits from the least significant bit of byte 0 upwards.
class BitReader {
public:
  explicit BitReader(const unsigned char *block) : block_(block) {}

  unsigned position() const { return position_; }

  unsigned read(unsigned count) {
    unsigned value = 0;
    for (unsigned i = 0; i < count; ++i, ++position_)
      value |= unsigned(block_[position_ / 8] >> (position_ % 8) & 1) << i;
    return value;
  }

private:
  const unsigned char *block_;
  unsigned position_ = 0;
};

// The partition tables of the specification. Two subsets: bit i is the subset of texel i.
constexpr uint16_t kPartitions2[64] = {
    0xcccc, 0x8888, 0xeeee, 0xecc8, 0xc880, 0xfeec, 0xfec8, 0xec80, 0xc800, 0xffec, 0xfe80,
    0xe800, 0xffe8, 0xff00, 0xfff0, 0xf000, 0xf710, 0x008e, 0x7100, 0x08ce, 0x008c, 0x7310,
    0x3100, 0x8cce, 0x088c, 0x3110, 0x6666, 0x366c, 0x17e8, 0x0ff0, 0x718e, 0x399c, 0xaaaa,
    0xf0f0, 0x5a5a, 0x33cc, 0x3c3c, 0x55aa, 0x9696, 0xa55a, 0x73ce, 0x13c8, 0x324c, 0x3bdc,
    0x6996, 0xc33c, 0x9966, 0x0660, 0x0272, 0x04e4, 0x4e40, 0x2720, 0xc936, 0x936c, 0x39c6,
    0x639c, 0x9336, 0x9cc6, 0x817e, 0xe718, 0xccf0, 0x0fcc, 0x7744, 0xee22};

// Three subsets: bits 2i+1..2i are the subset of texel i.
constexpr uint32_t kPartitions3[64] = {
    0xaa685050, 0x6a5a5040, 0x5a5a4200, 0x5450a0a8, 0xa5a50000, 0xa0a05050, 0x5555a0a0, 0x5a5a5050,
    0xaa550000, 0xaa555500, 0xaaaa5500, 0x90909090, 0x94949494, 0xa4a4a4a4, 0xa9a59450, 0x2a0a4250,
    0xa5945040, 0x0a425054, 0xa5a5a500, 0x55a0a0a0, 0xa8a85454, 0x6a6a4040, 0xa4a45000, 0x1a1a0500,
    0x0050a4a4, 0xaaa59090, 0x14696914, 0x69691400, 0xa08585a0, 0xaa821414, 0x50a4a450, 0x6a5a0200,
    0xa9a58000, 0x5090a0a8, 0xa8a09050, 0x24242424, 0x00aa5500, 0x24924924, 0x24499224, 0x50a50a50,
    0x500aa550, 0xaaaa4444, 0x66660000, 0xa5a0a5a0, 0x50a050a0, 0x69286928, 0x44aaaa44, 0x66666600,
    0xaa444444, 0x54a854a8, 0x95809580, 0x96969600, 0xa85454a8, 0x80959580, 0xaa141414, 0x96960000,
    0xaaaa1414, 0xa05050a0, 0xa0a5a5a0, 0x96000000, 0x40804080, 0xa9a8a9a8, 0xaaaaaa44, 0x2a4a5254};

// The anchor texels (whose index drops its high bit, which is 0) of subset 1 of the two-subset
// partitions, and of subsets 1 and 2 of the three-subset ones; texel 0 anchors subset 0.
constexpr uint8_t kAnchor2[64] = {15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
                                  15, 2,  8,  2,  2,  8,  8,  15, 2,  8,  2,  2,  8,  8,  2,  2,
                                  15, 15, 6,  8,  2,  8,  15, 15, 2,  8,  2,  2,  2,  15, 15, 6,
                                  6,  2,  6,  8,  15, 15, 2,  2,  15, 15, 15, 15, 15, 2,  2,  15};
constexpr uint8_t kAnchor3Second[64] = {
    3,  3,  15, 15, 8, 3,  15, 15, 8,  8,  6, 6,  6, 5,  3, 3,  3,  3,  8,  15, 3,  3,
    6,  10, 5,  8,  8, 6,  8,  5,  15, 15, 8, 15, 3, 5,  6, 10, 8,  15, 15, 3,  15, 5,
    15, 15, 15, 15, 3, 15, 5,  5,  5,  8,  5, 10, 5, 10, 8, 13, 15, 12, 3,  3};
constexpr uint8_t kAnchor3Third[64] = {
    15, 8, 8, 3,  15, 15, 3,  8,  15, 15, 15, 15, 15, 15, 15, 8,  15, 8,  15, 3,  15, 8,
    15, 8, 3, 15, 6,  10, 15, 15, 10, 8,  15, 3,  15, 10, 10, 8,  9,  10, 6,  15, 8,  15,
    3,  6, 6, 8,  15, 3,  15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 3,  15, 15, 8};

// Interpolation weights over 64 for 2-, 3- and 4-bit indices.
constexpr uint8_t kWeights2[4] = {0, 21, 43, 64};
constexpr uint8_t kWeights3[8] = {0, 9, 18, 27, 37, 46, 55, 64};
constexpr uint8_t kWeights4[16] = {0, 4, 9, 13, 17, 21, 26, 30, 34, 38, 43, 47, 51, 55, 60, 64};

const uint8_t *weights(unsigned indexBits) {
  return indexBits == 2 ? kWeights2 : indexBits == 3 ? kWeights3 : kWeights4;
}

unsigned subsetOf(unsigned subsets, unsigned partition, unsigned texel) {
  if (subsets == 2)
    return kPartitions2[partition] >> texel & 1;
  if (subsets == 3)
    return kPartitions3[partition] >> (2 * texel) & 3;
  return 0;
}

bool isAnchor(unsigned subsets, unsigned partition, unsigned texel) {
  if (texel == 0)
    return true;
  if (subsets == 2)
    return texel == kAnchor2[partition];
  if (subsets == 3)
    return texel == kAnchor3Second[partition] || texel == kAnchor3Third[partition];
  return false;
}

// BC7's modes 0..7: subsets, partition bits, rotation bits, index-selection bits, colour and
// alpha bits per endpoint, p-bits per endpoint or shared per subset, and the two index widths.
struct Bc7Mode {
  unsigned subsets, partitionBits, rotationBits, selectionBits, colourBits, alphaBits;
  bool endpointPBits, sharedPBits;
  unsigned indexBits, secondIndexBits;
};

constexpr Bc7Mode kBc7Modes[8] = {
    {3, 4, 0, 0, 4, 0, true, false, 3, 0},  {2, 6, 0, 0, 6, 0, false, true, 3, 0},
    {3, 6, 0, 0, 5, 0, false, false, 2, 0}, {2, 6, 0, 0, 7, 0, true, false, 2, 0},
    {1, 0, 2, 1, 5, 6, false, false, 2, 3}, {1, 0, 2, 0, 7, 8, false, false, 2, 2},
    {1, 0, 0, 0, 7, 7, true, false, 4, 0},  {2, 6, 0, 0, 5, 5, true, false, 2, 0},
};

// An endpoint component of `bits` bits (its p-bit included) expanded to 8 by repeating its high
// bits.
unsigned expandTo8(unsigned value, unsigned bits) {
  value <<= 8 - bits;
  return value | value >> bits;
}

// BC6H's endpoint fields: channel * 4 + endpoint (endpoints 0, 1 of region 0, 2, 3 of region 1).
enum Bc6hField : uint8_t { R0, R1, R2, R3, G0, G1, G2, G3, B0, B1, B2, B3 };

// Bits low..high of a field, in the block's order (low first); modes 13 and 14 store some bits
// high first, listed here one by one.
struct Bc6hBits {
  uint8_t field, high, low;
};

// A BC6H mode: its mode bits, whether endpoints 1..3 are deltas from endpoint 0, the endpoint
// precision, the delta precision per channel, the regions and the field layout after the mode
// bits (the specification's table; the 5 partition bits of the two-region modes follow it).
struct Bc6hMode {
  unsigned modeBits;
  bool transformed;
  unsigned endpointBits, deltaBits[3], regions;
  Bc6hBits layout[24];
};

constexpr Bc6hMode kBc6hModes[14] = {
    {0x00,
     true,
     10,
     {5, 5, 5},
     2,
     {{G2, 4, 4},
      {B2, 4, 4},
      {B3, 4, 4},
      {R0, 9, 0},
      {G0, 9, 0},
      {B0, 9, 0},
      {R1, 4, 0},
      {G3, 4, 4},
      {G2, 3, 0},
      {G1, 4, 0},
      {B3, 0, 0},
      {G3, 3, 0},
      {B1, 4, 0},
      {B3, 1, 1},
      {B2, 3, 0},
      {R2, 4, 0},
      {B3, 2, 2},
      {R3, 4, 0},
      {B3, 3, 3}}},
    {0x01, true, 7, {6, 6, 6}, 2, {{G2, 5, 5}, {G3, 5, 4}, {R0, 6, 0}, {B3, 1, 0}, {B2, 4, 4},
                                   {G0, 6, 0}, {B2, 5, 5}, {B3, 2, 2}, {G2, 4, 4}, {B0, 6, 0},
                                   {B3, 3, 3}, {B3, 5, 5}, {B3, 4, 4}, {R1, 5, 0}, {G2, 3, 0},
                                   {G1, 5, 0}, {G3, 3, 0}, {B1, 5, 0}, {B2, 3, 0}, {R2, 5, 0},
                                   {R3, 5, 0}}},
    {0x02,
     true,
     11,
     {5, 4, 4},
     2,
     {{R0, 9, 0},
      {G0, 9, 0},
      {B0, 9, 0},
      {R1, 4, 0},
      {R0, 10, 10},
      {G2, 3, 0},
      {G1, 3, 0},
      {G0, 10, 10},
      {B3, 0, 0},
      {G3, 3, 0},
      {B1, 3, 0},
      {B0, 10, 10},
      {B3, 1, 1},
      {B2, 3, 0},
      {R2, 4, 0},
      {B3, 2, 2},
      {R3, 4, 0},
      {B3, 3, 3}}},
    {0x06, true, 11, {4, 5, 4}, 2, {{R0, 9, 0},   {G0, 9, 0}, {B0, 9, 0}, {R1, 3, 0},
                                    {R0, 10, 10}, {G3, 4, 4}, {G2, 3, 0}, {G1, 4, 0},
                                    {G0, 10, 10}, {G3, 3, 0}, {B1, 3, 0}, {B0, 10, 10},
                                    {B3, 1, 1},   {B2, 3, 0}, {R2, 3, 0}, {B3, 0, 0},
                                    {B3, 2, 2},   {R3, 3, 0}, {G2, 4, 4}, {B3, 3, 3}}},
    {0x0a,
     true,
     11,
     {4, 4, 5},
     2,
     {{R0, 9, 0},
      {G0, 9, 0},
      {B0, 9, 0},
      {R1, 3, 0},
      {R0, 10, 10},
      {B2, 4, 4},
      {G2, 3, 0},
      {G1, 3, 0},
      {G0, 10, 10},
      {B3, 0, 0},
      {G3, 3, 0},
      {B1, 4, 0},
      {B0, 10, 10},
      {B2, 3, 0},
      {R2, 3, 0},
      {B3, 2, 1},
      {R3, 3, 0},
      {B3, 4, 4},
      {B3, 3, 3}}},
    {0x0e,
     true,
     9,
     {5, 5, 5},
     2,
     {{R0, 8, 0},
      {B2, 4, 4},
      {G0, 8, 0},
      {G2, 4, 4},
      {B0, 8, 0},
      {B3, 4, 4},
      {R1, 4, 0},
      {G3, 4, 4},
      {G2, 3, 0},
      {G1, 4, 0},
      {B3, 0, 0},
      {G3, 3, 0},
      {B1, 4, 0},
      {B3, 1, 1},
      {B2, 3, 0},
      {R2, 4, 0},
      {B3, 2, 2},
      {R3, 4, 0},
      {B3, 3, 3}}},
    {0x12,
     true,
     8,
     {6, 5, 5},
     2,
     {{R0, 7, 0},
      {G3, 4, 4},
      {B2, 4, 4},
      {G0, 7, 0},
      {B3, 2, 2},
      {G2, 4, 4},
      {B0, 7, 0},
      {B3, 4, 3},
      {R1, 5, 0},
      {G2, 3, 0},
      {G1, 4, 0},
      {B3, 0, 0},
      {G3, 3, 0},
      {B1, 4, 0},
      {B3, 1, 1},
      {B2, 3, 0},
      {R2, 5, 0},
      {R3, 5, 0}}},
    {0x16, true, 8, {5, 6, 5}, 2, {{R0, 7, 0}, {B3, 0, 0}, {B2, 4, 4}, {G0, 7, 0}, {G2, 5, 5},
                                   {G2, 4, 4}, {B0, 7, 0}, {G3, 5, 5}, {B3, 4, 4}, {R1, 4, 0},
                                   {G3, 4, 4}, {G2, 3, 0}, {G1, 5, 0}, {G3, 3, 0}, {B1, 4, 0},
                                   {B3, 1, 1}, {B2, 3, 0}, {R2, 4, 0}, {B3, 2, 2}, {R3, 4, 0},
                                   {B3, 3, 3}}},
    {0x1a, true, 8, {5, 5, 6}, 2, {{R0, 7, 0}, {B3, 1, 1}, {B2, 4, 4}, {G0, 7, 0}, {B2, 5, 5},
                                   {G2, 4, 4}, {B0, 7, 0}, {B3, 5, 5}, {B3, 4, 4}, {R1, 4, 0},
                                   {G3, 4, 4}, {G2, 3, 0}, {G1, 4, 0}, {B3, 0, 0}, {G3, 3, 0},
                                   {B1, 5, 0}, {B2, 3, 0}, {R2, 4, 0}, {B3, 2, 2}, {R3, 4, 0},
                                   {B3, 3, 3}}},
    {0x1e, false, 6, {6, 6, 6}, 2, {{R0, 5, 0}, {G3, 4, 4}, {B3, 1, 0}, {B2, 4, 4}, {G0, 5, 0},
                                    {G2, 5, 5}, {B2, 5, 5}, {B3, 2, 2}, {G2, 4, 4}, {B0, 5, 0},
                                    {G3, 5, 5}, {B3, 3, 3}, {B3, 5, 5}, {B3, 4, 4}, {R1, 5, 0},
                                    {G2, 3, 0}, {G1, 5, 0}, {G3, 3, 0}, {B1, 5, 0}, {B2, 3, 0},
                                    {R2, 5, 0}, {R3, 5, 0}}},
    {0x03,
     false,
     10,
     {10, 10, 10},
     1,
     {{R0, 9, 0}, {G0, 9, 0}, {B0, 9, 0}, {R1, 9, 0}, {G1, 9, 0}, {B1, 9, 0}}},
    {0x07,
     true,
     11,
     {9, 9, 9},
     1,
     {{R0, 9, 0},
      {G0, 9, 0},
      {B0, 9, 0},
      {R1, 8, 0},
      {R0, 10, 10},
      {G1, 8, 0},
      {G0, 10, 10},
      {B1, 8, 0},
      {B0, 10, 10}}},
    {0x0b,
     true,
     12,
     {8, 8, 8},
     1,
     {{R0, 9, 0},
      {G0, 9, 0},
      {B0, 9, 0},
      {R1, 7, 0},
      {R0, 11, 11},
      {R0, 10, 10},
      {G1, 7, 0},
      {G0, 11, 11},
      {G0, 10, 10},
      {B1, 7, 0},
      {B0, 11, 11},
      {B0, 10, 10}}},
    {0x0f, true, 16, {4, 4, 4}, 1, {{R0, 9, 0},   {G0, 9, 0},   {B0, 9, 0},   {R1, 3, 0},
                                    {R0, 15, 15}, {R0, 14, 14}, {R0, 13, 13}, {R0, 12, 12},
                                    {R0, 11, 11}, {R0, 10, 10}, {G1, 3, 0},   {G0, 15, 15},
                                    {G0, 14, 14}, {G0, 13, 13}, {G0, 12, 12}, {G0, 11, 11},
                                    {G0, 10, 10}, {B1, 3, 0},   {B0, 15, 15}, {B0, 14, 14},
                                    {B0, 13, 13}, {B0, 12, 12}, {B0, 11, 11}, {B0, 10, 10}}},
};

int signExtend(int value, unsigned bits) {
  int sign = 1 << (bits - 1);
  value &= (1 << bits) - 1;
  return (value ^ sign) - sign;
}

// An endpoint component of `bits` bits scaled to the 16-bit (unsigned) or 15-bit-magnitude
// (signed) range the interpolation works in.
int unquantize(int value, unsigned bits, bool isSigned) {
  if (!isSigned) {
    if (bits >= 15 || value == 0)
      return value;
    if (value == (1 << bits) - 1)
      return 0xffff;
    return ((value << 16) + 0x8000) >> bits;
  }
  if (bits >= 16)
    return value;
  bool negative = value < 0;
  int magnitude = negative ? -value : value;
  int result;
  if (magnitude == 0)
    result = 0;
  else if (magnitude >= (1 << (bits - 1)) - 1)
    result = 0x7fff;
  else
    result = ((magnitude << 15) + 0x4000) >> (bits - 1);
  return negative ? -result : result;
}

// An interpolated value scaled to a half float's bits: 31/64 unsigned (0x7bff at most), 31/32
// of the magnitude signed, with the sign in bit 15.
uint16_t finishUnquantize(int value, bool isSigned) {
  if (!isSigned)
    return uint16_t(value * 31 >> 6);
  if (value < 0)
    return uint16_t(0x8000 | (-value * 31 >> 5));
  return uint16_t(value * 31 >> 5);
}

float halfToFloat(uint16_t half) {
  int exponent = half >> 10 & 0x1f, mantissa = half & 0x3ff;
  float magnitude = exponent == 0 ? std::ldexp(float(mantissa), -24)
                                  : std::ldexp(float(mantissa | 0x400), exponent - 25);
  if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  return half & 0x8000 ? -magnitude : magnitude;
}

const Bc6hMode *bc6hMode(const unsigned char *block) {
  unsigned modeBits = block[0] & 3;
  if (modeBits >= 2)
    modeBits = block[0] & 0x1f;
  for (const Bc6hMode &mode : kBc6hModes)
    if (mode.modeBits == modeBits)
      return &mode;
  return nullptr;
}

} // namespace

void decodeBc7Texel(const unsigned char *block, unsigned texel, float rgba[4]) {
  unsigned mode = 0;
  while (mode < 8 && !(block[0] >> mode & 1))
    ++mode;
  if (mode == 8) {
    for (int c = 0; c < 4; ++c)
      rgba[c] = 0;
    return;
  }
  const Bc7Mode &m = kBc7Modes[mode];
  BitReader bits(block);
  bits.read(mode + 1);
  unsigned partition = bits.read(m.partitionBits);
  unsigned rotation = bits.read(m.rotationBits);
  unsigned selection = bits.read(m.selectionBits);

  // endpoints[subset * 2 + end][channel], read channel by channel.
  unsigned endpoints[6][4] = {};
  unsigned ends = m.subsets * 2;
  for (unsigned c = 0; c < 3; ++c)
    for (unsigned e = 0; e < ends; ++e)
      endpoints[e][c] = bits.read(m.colourBits);
  for (unsigned e = 0; e < ends; ++e)
    endpoints[e][3] = m.alphaBits ? bits.read(m.alphaBits) : 255;

  unsigned colourBits = m.colourBits, alphaBits = m.alphaBits;
  if (m.endpointPBits || m.sharedPBits) {
    unsigned pBits[6];
    for (unsigned e = 0; e < ends; ++e)
      pBits[e] = m.endpointPBits || e % 2 == 0 ? bits.read(1) : pBits[e - 1];
    for (unsigned e = 0; e < ends; ++e)
      for (unsigned c = 0; c < 4; ++c)
        if (c < 3 || m.alphaBits)
          endpoints[e][c] = endpoints[e][c] << 1 | pBits[e];
    ++colourBits;
    if (alphaBits)
      ++alphaBits;
  }
  for (unsigned e = 0; e < ends; ++e) {
    for (unsigned c = 0; c < 3; ++c)
      endpoints[e][c] = expandTo8(endpoints[e][c], colourBits);
    if (alphaBits)
      endpoints[e][3] = expandTo8(endpoints[e][3], alphaBits);
  }

  // The index of `texel` in each index set: anchors drop a bit (the first set's anchors are
  // those of the partition, the second set's is texel 0 only).
  unsigned index = 0, secondIndex = 0;
  for (unsigned t = 0; t <= texel; ++t) {
    unsigned width = m.indexBits - (isAnchor(m.subsets, partition, t) ? 1 : 0);
    index = bits.read(width);
  }
  if (m.secondIndexBits) {
    for (unsigned t = texel + 1; t < 16; ++t)
      bits.read(m.indexBits - (isAnchor(m.subsets, partition, t) ? 1 : 0));
    for (unsigned t = 0; t <= texel; ++t)
      secondIndex = bits.read(m.secondIndexBits - (t == 0 ? 1 : 0));
  }

  // Mode 4's selection bit swaps which index set the colour and the alpha use.
  unsigned colourIndex = index, alphaIndex = index;
  unsigned colourIndexBits = m.indexBits, alphaIndexBits = m.indexBits;
  if (m.secondIndexBits) {
    alphaIndex = secondIndex;
    alphaIndexBits = m.secondIndexBits;
    if (selection) {
      std::swap(colourIndex, alphaIndex);
      std::swap(colourIndexBits, alphaIndexBits);
    }
  }

  unsigned subset = subsetOf(m.subsets, partition, texel);
  const unsigned *e0 = endpoints[2 * subset], *e1 = endpoints[2 * subset + 1];
  unsigned result[4];
  for (unsigned c = 0; c < 4; ++c) {
    unsigned weight =
        c < 3 ? weights(colourIndexBits)[colourIndex] : weights(alphaIndexBits)[alphaIndex];
    result[c] = ((64 - weight) * e0[c] + weight * e1[c] + 32) >> 6;
  }
  // Rotation 1, 2, 3 exchanges alpha with red, green, blue.
  if (rotation)
    std::swap(result[3], result[rotation - 1]);
  for (unsigned c = 0; c < 4; ++c)
    rgba[c] = float(result[c]) / 255.0f;
}

void decodeBc6hTexel(const unsigned char *block, unsigned texel, bool isSigned, float rgb[3]) {
  const Bc6hMode *mode = bc6hMode(block);
  if (!mode) {
    for (int c = 0; c < 3; ++c)
      rgb[c] = 0;
    return;
  }
  BitReader bits(block);
  bits.read(mode->modeBits < 2 ? 2 : 5);
  int fields[12] = {};
  // The endpoint fields end at bit 77 with two regions (5 partition bits follow), 65 with one.
  unsigned fieldsEnd = mode->regions == 2 ? 77 : 65;
  for (const Bc6hBits &run : mode->layout) {
    if (bits.position() == fieldsEnd)
      break;
    unsigned count = run.high - run.low + 1;
    fields[run.field] |= int(bits.read(count)) << run.low;
  }
  unsigned partition = mode->regions == 2 ? bits.read(5) : 0;
  unsigned ends = mode->regions * 2;

  // Sign extension, then the inverse transform: endpoints 1..3 are deltas from endpoint 0.
  int endpoints[4][3];
  for (unsigned c = 0; c < 3; ++c) {
    int base = fields[c * 4];
    if (isSigned)
      base = signExtend(base, mode->endpointBits);
    endpoints[0][c] = base;
    for (unsigned e = 1; e < ends; ++e) {
      int value = fields[c * 4 + e];
      if (mode->transformed) {
        value = base + signExtend(value, mode->deltaBits[c]);
        value &= (1 << mode->endpointBits) - 1;
      }
      if (isSigned)
        value = signExtend(value, mode->endpointBits);
      endpoints[e][c] = value;
    }
  }

  // The texel's index: 3 bits with two regions, 4 with one; anchors one bit less.
  unsigned indexBits = mode->regions == 2 ? 3 : 4;
  unsigned index = 0;
  for (unsigned t = 0; t <= texel; ++t) {
    bool anchor = t == 0 || (mode->regions == 2 && t == kAnchor2[partition]);
    index = bits.read(indexBits - (anchor ? 1 : 0));
  }
  unsigned region = mode->regions == 2 ? kPartitions2[partition] >> texel & 1 : 0;
  int weight = weights(indexBits)[index];
  for (unsigned c = 0; c < 3; ++c) {
    int e0 = unquantize(endpoints[2 * region][c], mode->endpointBits, isSigned);
    int e1 = unquantize(endpoints[2 * region + 1][c], mode->endpointBits, isSigned);
    int value = (e0 * (64 - weight) + e1 * weight + 32) >> 6;
    rgb[c] = halfToFloat(finishUnquantize(value, isSigned));
  }
}

} // namespace cuport::cpu
