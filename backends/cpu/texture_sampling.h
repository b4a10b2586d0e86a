// Texture sampling and surface access on the CPU, following the CUDA programming guide's
// "Texture Fetching" appendix: address modes on texel indices, point and linear filtering with
// 8-bit fixed-point weights (9-bit fixed point, 8 fractional bits), normalized coordinates,
// normalized-float reads of 8/16-bit integers and sRGB.
#pragma once

#include "backends/texture_descriptor.h"

#include <cstdint>

namespace cuport::cpu {

// tex: `op` is a shape | CUPORT_TEX_* flags (backends/texture_descriptor.h); `coordinates` are
// four 32-bit patterns (floats, or integers when CUPORT_TEX_COORDS_INT; the layer of an array
// shape is always an integer and comes first), then with CUPORT_TEX_OFFSET or
// CUPORT_TEX_DEPTH_COMPARE the three texel offsets and the reference (words 4..7), and with
// CUPORT_TEX_LOD_LEVEL the level of detail (word 8) or with CUPORT_TEX_LOD_GRAD the two gradients
// (words 8..15, texture_lod.h), which select the levels of a mipmapped texture; `result` receives
// four f32 or 32-bit integers, and with CUPORT_TEX_RESIDENCY whether the texels are resident. Null
// when done, else why the caller must fail the grid: a depth comparison (CUDA objects have no
// comparison function), an offset outside -8..7, a multisample fetch from an image that is not
// one or a sample number out of range.
const char *sampleTexture(const cuport_texture_descriptor &texture, uint32_t op,
                          const uint32_t coordinates[], uint32_t result[]);
// tld4 (2d, a2d, cube, acube): the component `op >> CUPORT_TEX_GATHER_SHIFT` of the four texels
// linear filtering would weigh, in the order (i, j+1), (i+1, j+1), (i+1, j), (i, j); operands,
// residency and failures as for sampleTexture.
const char *gatherTexture(const cuport_texture_descriptor &texture, uint32_t op,
                          const uint32_t coordinates[], uint32_t result[]);

// suld.b / sust.b: `op` is shape | clamp << 4 | access bytes << 8; the x coordinate is in bytes.
// False when the access is out of range in .trap mode (the caller traps).
bool surfaceLoad(const cuport_texture_descriptor &surface, uint32_t op,
                 const uint32_t coordinates[4], void *data);
bool surfaceStore(const cuport_texture_descriptor &surface, uint32_t op,
                  const uint32_t coordinates[4], const void *data);

// sured.b: `op` is as for surfaceStore plus the reduction << CUPORT_SURED_SHIFT and
// CUPORT_SURED_SIGNED; `operand` is one 32- or 64-bit integer, combined atomically with the
// element. Null when done (or dropped by .zero), else why the caller must trap: an out-of-range
// .trap access or an element not aligned to its size.
const char *surfaceReduce(const cuport_texture_descriptor &surface, uint32_t op,
                          const uint32_t coordinates[4], const void *operand);

// txq / suq: query codes are the order of docs/kernel-ir.md (width, height, depth, array_size,
// normalized_coords, filter_mode, addr_mode_0..2, num_mipmap_levels, num_samples, memory_layout,
// channel_data_type, channel_order), values as the PTX ISA defines them (the channel queries:
// OpenCL's CL_* values).
int32_t queryTexture(const cuport_texture_descriptor &texture, uint32_t query);

} // namespace cuport::cpu
