#include "backends/cpu/bptc.h"

#include <utility>

namespace cuport::cpu {
namespace {

// Reads the block's bits from the least significant bit of byte 0 upwards.
class BitReader {
public:
  explicit BitReader(const unsigned char *block) : block_(block) {}

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

} // namespace cuport::cpu
