// Decoding of the BPTC block formats (Khronos Data Format Specification "BPTC", Direct3D's BC6H
// and BC7): 16-byte blocks of 4x4 texels whose first bits select one of several modes, each with
// its own number of subsets (partitions), endpoint precision and index width.
#pragma once

#include <cstdint>

namespace cuport::cpu {

// Texel `texel` (y * 4 + x) of a BC7 block as RGBA8 unorm values over 255. A block whose first
// byte is 0 (no mode) reads as transparent black.
void decodeBc7Texel(const unsigned char *block, unsigned texel, float rgba[4]);

// Texel `texel` of a BC6H block as RGB half-float values (alpha is left as it is); `isSigned`
// selects the signed format. The reserved modes read as 0.
void decodeBc6hTexel(const unsigned char *block, unsigned texel, bool isSigned, float rgb[3]);

} // namespace cuport::cpu
