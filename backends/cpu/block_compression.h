// Decoding of the block-compressed formats a texture view can give a CUDA array (BC1..BC5, the
// S3TC / RGTC formats of the Khronos Data Format Specification, Direct3D's BC1..BC5, and BC7, its
// BPTC, in backends/cpu/bptc): each 4x4 block of texels is one element of the array, 8 bytes for
// BC1 and BC4, 16 for the others.
// Texels read as normalized floats: endpoints are expanded to 8 bits (5- and 6-bit colours by
// repeating their high bits) and divided by 255 (signed channels by 127, -128 reading as -1), and
// the palette entries between them are their weighted averages.
#pragma once

#include "backends/texture_descriptor.h"

#include <cstdint>

namespace cuport::cpu {

// Texel (x, y) (0..3 each) of the block at `block`, in format `format` (enum
// cuport_block_format): the channels the format has are written to `rgba`, the others are left
// as they are (a texel without them reads 0, alpha 1).
void decodeBlockTexel(uint32_t format, const unsigned char *block, unsigned x, unsigned y,
                      float rgba[4]);

} // namespace cuport::cpu
