/* What a texture or surface object handle points to, read by kernel code through the
   cuport.tex / tld4 / suld / sust / sured intrinsics (docs/kernel-ir.md), and the
   operation codes those intrinsics take. A cudaTextureObject_t / cudaSurfaceObject_t is the
   address of one of these: the runtime fills it, the backend samples through it (memory is
   shared between host and device on the CPU backend).

   Image layout (runtime/core/array.h): element (x, y, z) of layer l lives at
     data + (l * depth + z) * slice_pitch + y * row_pitch + x * element_bytes
   where a layered image has depth 1 and a cubemap is 6 layers (faces +x, -x, +y, -y, +z, -z). */
#ifndef CUPORT_BACKENDS_TEXTURE_DESCRIPTOR_H
#define CUPORT_BACKENDS_TEXTURE_DESCRIPTOR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUPORT_TEXTURE_MAGIC 0x43545854u /* "TXTC": a live texture descriptor */
#define CUPORT_SURFACE_MAGIC 0x43465253u /* "SRFC": a live surface descriptor */
/* "SMPC": a sampler (a .samplerref of independent texture mode). Only the sampling state is
   filled, and normalized_coords is 0 when the sampler forces unnormalized coordinates, 1 when
   the texture's setting applies. */
#define CUPORT_SAMPLER_MAGIC 0x43504d53u

/* Channel kinds: the values of cudaChannelFormatKind. */
enum cuport_channel_kind {
  CUPORT_CHANNEL_SIGNED = 0,
  CUPORT_CHANNEL_UNSIGNED = 1,
  CUPORT_CHANNEL_FLOAT = 2,
};

/* Address modes: the values of cudaTextureAddressMode, and the PTX ISA's clamp_ogl, which only a
   .samplerref of independent texture mode sets: OpenGL's GL_CLAMP, where the coordinate is clamped
   to the image ([0, 1] normalized, [0, size] in texels) and then nearest filtering clamps its
   texel to the image while linear filtering blends the border colour into the edge texels. */
enum cuport_address_mode {
  CUPORT_ADDRESS_WRAP = 0,
  CUPORT_ADDRESS_CLAMP = 1,
  CUPORT_ADDRESS_MIRROR = 2,
  CUPORT_ADDRESS_BORDER = 3,
  CUPORT_ADDRESS_CLAMP_OGL = 4,
};

struct cuport_texture_descriptor {
  uint32_t magic;
  uint32_t channels;      /* 1, 2 or 4 */
  uint32_t channel_bits;  /* 8, 16 or 32 (16-bit float channels are half) */
  uint32_t channel_kind;  /* enum cuport_channel_kind */
  uint32_t element_bytes; /* channels * channel_bits / 8 */
  uint32_t dimensions;    /* 1, 2 or 3 */
  uint32_t layered;       /* nonzero: an array of `layers` images */
  uint32_t cubemap;       /* nonzero: six square faces (times `layers` / 6 when layered) */
  uint64_t data;
  uint64_t width, height, depth, layers; /* in elements; 1 for an absent dimension */
  uint64_t row_pitch, slice_pitch;       /* bytes */
  /* Sampling state (textures only). */
  uint32_t address_mode[3]; /* enum cuport_address_mode per coordinate */
  uint32_t linear_filter;   /* cudaFilterModeLinear */
  uint32_t normalized_read; /* cudaReadModeNormalizedFloat (8/16-bit integer channels) */
  uint32_t normalized_coords;
  uint32_t srgb;
  float border_color[4];
  /* Samples per texel of a multisample image (tex.2dms / tex.a2dms), stored side by side: sample
     s of element (x, y) is element x * samples + s of its row. 0 for an image that is not
     multisample, which is every image CUDA creates (neither API makes multisample arrays). */
  uint32_t samples;
  /* Mipmaps (a texture over a mipmapped array): `levels` images, level 0 being the one above and
     level l described by ((const struct cuport_texture_level *)level_table)[l]; 0 levels for a
     plain image. The level of detail is clamped to [min_level_clamp, max_level_clamp] after
     level_bias is added, then to the levels that exist. */
  uint32_t levels;
  uint32_t mipmap_linear_filter; /* cudaFilterModeLinear between two levels */
  float level_bias, min_level_clamp, max_level_clamp;
  uint64_t level_table;
  /* Nonzero for the UNORM / SNORM formats (8- or 16-bit channels of kind CUPORT_CHANNEL_UNSIGNED
     or CUPORT_CHANNEL_SIGNED): a texture reads them as normalized floats whatever its read mode
     (normalized_read is set too), sust.p converts f32 data to them, and sured.p refuses them. */
  uint32_t normalized_format;
  /* A block-compressed image (enum cuport_block_format; a texture view in a
     cudaResViewFormat*BlockCompressed* format): each element of the storage, element_bytes bytes
     (8 for BC1 and BC4, 16 for the others), is a 4x4 block of texels, and width / height (a
     level's too) count texels, four per element in a dimension the image has; row_pitch and
     slice_pitch are the storage's. Texels read as normalized floats (normalized_read is 1): the
     channels are 4 (BC1..BC3, BC7), 1 (BC4) or 2 (BC5), 8-bit unsigned or signed, or 3 16-bit
     floats (BC6H, channel_kind CUPORT_CHANNEL_FLOAT; alpha reads 1). */
  uint32_t block_format;
};

enum cuport_block_format {
  CUPORT_BLOCK_NONE = 0,
  CUPORT_BLOCK_BC1 = 1,
  CUPORT_BLOCK_BC2 = 2,
  CUPORT_BLOCK_BC3 = 3,
  CUPORT_BLOCK_BC4 = 4,
  CUPORT_BLOCK_BC4_SIGNED = 5,
  CUPORT_BLOCK_BC5 = 6,
  CUPORT_BLOCK_BC5_SIGNED = 7,
  CUPORT_BLOCK_BC7 = 8,
  CUPORT_BLOCK_BC6H = 9,
  CUPORT_BLOCK_BC6H_SIGNED = 10,
};

/* One level of a mipmapped image: its own storage and extent, layers (faces) as at level 0. */
struct cuport_texture_level {
  uint64_t data;
  uint64_t width, height, depth; /* in elements; 1 for an absent dimension */
  uint64_t row_pitch, slice_pitch;
};

/* The `op` argument of cuport.tex and cuport.tld4: shape | coordinate type | result type. */
enum cuport_texture_shape {
  CUPORT_SHAPE_1D = 0,
  CUPORT_SHAPE_2D = 1,
  CUPORT_SHAPE_3D = 2,
  CUPORT_SHAPE_A1D = 3,
  CUPORT_SHAPE_A2D = 4,
  CUPORT_SHAPE_CUBE = 5,
  CUPORT_SHAPE_ACUBE = 6,
  CUPORT_SHAPE_2DMS = 7,  /* coordinates {sample, x, y, -} */
  CUPORT_SHAPE_A2DMS = 8, /* coordinates {layer, sample, x, y} */
  CUPORT_SHAPE_MASK = 0xf,
};
#define CUPORT_TEX_COORDS_INT 0x10u /* coordinates are .s32 (else .f32) */
#define CUPORT_TEX_RESULT_INT 0x20u /* result is .s32/.u32 (else .f32) */
#define CUPORT_TEX_GATHER_SHIFT 8u  /* tld4: component (0 r, 1 g, 2 b, 3 a) << 8 */
/* Optional operands, after the four coordinates in %coords: the .s32 texel offsets of the spatial
   coordinates in words 4..6 (CUPORT_TEX_OFFSET) and the .f32 depth-compare reference in word 7
   (CUPORT_TEX_DEPTH_COMPARE). CUPORT_TEX_RESIDENCY: %result has a fifth word, set to 1 when the
   texels read are resident (the destination predicate of `d|p`). */
#define CUPORT_TEX_OFFSET 0x40u
#define CUPORT_TEX_DEPTH_COMPARE 0x80u
#define CUPORT_TEX_RESIDENCY 0x400u
/* tex.level: word 8 of %coords is the level of detail (f32, or s32 with .s32 coordinates).
   tex.grad: words 8..11 and 12..15 are dPdx and dPdy (f32, the components a shape has).
   tex.base and plain tex sample level 0. */
#define CUPORT_TEX_LOD_LEVEL 0x1000u
#define CUPORT_TEX_LOD_GRAD 0x2000u

/* The clamp mode of cuport.suld / sust / sured: what an out-of-range access does. */
enum cuport_surface_clamp {
  CUPORT_SURFACE_TRAP = 0,
  CUPORT_SURFACE_CLAMP = 1,
  CUPORT_SURFACE_ZERO = 2,
};

/* cuport.sured: the reduction << CUPORT_SURED_SHIFT, and CUPORT_SURED_SIGNED for .s32 / .s64
   operands (min and max compare them as signed). */
enum cuport_surface_reduction {
  CUPORT_SURED_ADD = 0,
  CUPORT_SURED_MIN = 1,
  CUPORT_SURED_MAX = 2,
  CUPORT_SURED_AND = 3,
  CUPORT_SURED_OR = 4,
};
#define CUPORT_SURED_SHIFT 16u
#define CUPORT_SURED_SIGNED 0x100000u

/* sust.p / sured.p: x counts samples, not bytes, and the surface's format decides how the data
   converts (sust.p: `%data` holds up to four 32-bit values, f32 for float formats, u32 / s32 for
   integer ones) or how the operand compares (sured.p: signed for signed integer formats). */
#define CUPORT_SURFACE_FORMATTED 0x200000u

/* cuport.istypep's kinds. */
enum cuport_object_kind {
  CUPORT_ISTYPEP_TEXREF = 0,
  CUPORT_ISTYPEP_SAMPLERREF = 1,
  CUPORT_ISTYPEP_SURFREF = 2,
};

#ifdef __cplusplus
}
#endif

#endif
