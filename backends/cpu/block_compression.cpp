#include "backends/cpu/block_compression.h"

#include "backends/cpu/bptc.h"

#include <algorithm>

namespace cuport::cpu {
namespace {

uint64_t littleEndian(const unsigned char *bytes, int count) {
  uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i)
    value = value << 8 | bytes[i];
  return value;
}

// A 5:6:5 colour's channels as 8-bit values over 255: the high bits repeated into the low ones.
void expand565(uint16_t colour, float rgb[3]) {
  uint32_t r = colour >> 11, g = colour >> 5 & 0x3f, b = colour & 0x1f;
  rgb[0] = float(r << 3 | r >> 2) / 255.0f;
  rgb[1] = float(g << 2 | g >> 4) / 255.0f;
  rgb[2] = float(b << 3 | b >> 2) / 255.0f;
}

// The colour half of BC1..BC3: two 5:6:5 endpoints and 2-bit codes. BC1 with colour0 <= colour1
// has three colours and transparent black; BC2 and BC3 always have four (`fourColours`).
void decodeColour(const unsigned char *block, unsigned texel, bool fourColours, float rgba[4]) {
  auto colour0 = uint16_t(littleEndian(block, 2)), colour1 = uint16_t(littleEndian(block + 2, 2));
  unsigned code = unsigned(littleEndian(block + 4, 4) >> (2 * texel)) & 3;
  float e0[3], e1[3];
  expand565(colour0, e0);
  expand565(colour1, e1);
  rgba[3] = 1;
  for (int c = 0; c < 3; ++c) {
    if (code == 0)
      rgba[c] = e0[c];
    else if (code == 1)
      rgba[c] = e1[c];
    else if (fourColours || colour0 > colour1)
      rgba[c] = code == 2 ? (2 * e0[c] + e1[c]) / 3 : (e0[c] + 2 * e1[c]) / 3;
    else
      rgba[c] = code == 2 ? (e0[c] + e1[c]) / 2 : 0;
  }
  if (!fourColours && colour0 <= colour1 && code == 3)
    rgba[3] = 0;
}

// The 8-byte single-channel block of BC3's alpha, BC4 and BC5: two 8-bit endpoints and 3-bit
// codes. With endpoint0 > endpoint1 the codes 2..7 are six steps between them; otherwise 2..5 are
// four steps and 6, 7 the ends of the range (0 or -1, and 1).
float decodeChannel(const unsigned char *block, unsigned texel, bool isSigned) {
  int raw0 = isSigned ? int(int8_t(block[0])) : int(block[0]);
  int raw1 = isSigned ? int(int8_t(block[1])) : int(block[1]);
  float scale = isSigned ? 127.0f : 255.0f;
  float e0 = std::max(float(raw0) / scale, -1.0f), e1 = std::max(float(raw1) / scale, -1.0f);
  unsigned code = unsigned(littleEndian(block + 2, 6) >> (3 * texel)) & 7;
  if (code == 0)
    return e0;
  if (code == 1)
    return e1;
  if (raw0 > raw1)
    return (float(8 - code) * e0 + float(code - 1) * e1) / 7;
  if (code == 6)
    return isSigned ? -1.0f : 0.0f;
  if (code == 7)
    return 1.0f;
  return (float(6 - code) * e0 + float(code - 1) * e1) / 5;
}

} // namespace

void decodeBlockTexel(uint32_t format, const unsigned char *block, unsigned x, unsigned y,
                      float rgba[4]) {
  unsigned texel = y * 4 + x; // codes are in row-major order, texel 0 in the low bits
  switch (format) {
  case CUPORT_BLOCK_BC1:
    decodeColour(block, texel, /*fourColours=*/false, rgba);
    return;
  case CUPORT_BLOCK_BC2:
    // 4-bit alpha per texel, then a BC1 colour block.
    decodeColour(block + 8, texel, /*fourColours=*/true, rgba);
    rgba[3] = float(littleEndian(block, 8) >> (4 * texel) & 0xf) / 15.0f;
    return;
  case CUPORT_BLOCK_BC3:
    decodeColour(block + 8, texel, /*fourColours=*/true, rgba);
    rgba[3] = decodeChannel(block, texel, false);
    return;
  case CUPORT_BLOCK_BC4:
  case CUPORT_BLOCK_BC4_SIGNED:
    rgba[0] = decodeChannel(block, texel, format == CUPORT_BLOCK_BC4_SIGNED);
    return;
  case CUPORT_BLOCK_BC5:
  case CUPORT_BLOCK_BC5_SIGNED:
    rgba[0] = decodeChannel(block, texel, format == CUPORT_BLOCK_BC5_SIGNED);
    rgba[1] = decodeChannel(block + 8, texel, format == CUPORT_BLOCK_BC5_SIGNED);
    return;
  case CUPORT_BLOCK_BC6H:
  case CUPORT_BLOCK_BC6H_SIGNED:
    decodeBc6hTexel(block, texel, format == CUPORT_BLOCK_BC6H_SIGNED, rgba);
    return;
  case CUPORT_BLOCK_BC7:
    decodeBc7Texel(block, texel, rgba);
    return;
  default:
    return;
  }
}

} // namespace cuport::cpu
