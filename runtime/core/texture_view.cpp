#include "runtime/core/texture_view.h"

#include "runtime/core/array.h"
#include "runtime/core/mipmapped_array.h"
#include "support/log.h"

namespace cuport::core {
namespace {

// The block-compressed view formats cuport decodes, and what each needs of the array.
struct BlockFormat {
  cudaResourceViewFormat format;
  uint32_t block;         // enum cuport_block_format
  uint32_t arrayChannels; // of 32-bit unsigned integers: one element is one block
  uint32_t channels;      // what a texel has
  uint32_t kind, bits;    // of a texel's channels: 8-bit UNORM / SNORM, BC6H's half floats
};

constexpr BlockFormat kBlockFormats[] = {
    {cudaResViewFormatUnsignedBlockCompressed1, CUPORT_BLOCK_BC1, 2, 4, CUPORT_CHANNEL_UNSIGNED, 8},
    {cudaResViewFormatUnsignedBlockCompressed2, CUPORT_BLOCK_BC2, 4, 4, CUPORT_CHANNEL_UNSIGNED, 8},
    {cudaResViewFormatUnsignedBlockCompressed3, CUPORT_BLOCK_BC3, 4, 4, CUPORT_CHANNEL_UNSIGNED, 8},
    {cudaResViewFormatUnsignedBlockCompressed4, CUPORT_BLOCK_BC4, 2, 1, CUPORT_CHANNEL_UNSIGNED, 8},
    {cudaResViewFormatSignedBlockCompressed4, CUPORT_BLOCK_BC4_SIGNED, 2, 1, CUPORT_CHANNEL_SIGNED,
     8},
    {cudaResViewFormatUnsignedBlockCompressed5, CUPORT_BLOCK_BC5, 4, 2, CUPORT_CHANNEL_UNSIGNED, 8},
    {cudaResViewFormatSignedBlockCompressed5, CUPORT_BLOCK_BC5_SIGNED, 4, 2, CUPORT_CHANNEL_SIGNED,
     8},
    {cudaResViewFormatUnsignedBlockCompressed6H, CUPORT_BLOCK_BC6H, 4, 3, CUPORT_CHANNEL_FLOAT, 16},
    {cudaResViewFormatSignedBlockCompressed6H, CUPORT_BLOCK_BC6H_SIGNED, 4, 3, CUPORT_CHANNEL_FLOAT,
     16},
    {cudaResViewFormatUnsignedBlockCompressed7, CUPORT_BLOCK_BC7, 4, 4, CUPORT_CHANNEL_UNSIGNED, 8},
};

const BlockFormat *blockFormat(cudaResourceViewFormat format) {
  for (const BlockFormat &entry : kBlockFormats)
    if (entry.format == format)
      return &entry;
  return nullptr;
}

// The element format of a view format that is not block-compressed; false for no such format.
// The formats run in groups of three channel counts (1, 2, 4): unsigned/signed char, short and
// int, then half and float.
bool elementFormat(cudaResourceViewFormat format, uint32_t &channels, uint32_t &bits,
                   uint32_t &kind) {
  if (format < cudaResViewFormatUnsignedChar1 || format > cudaResViewFormatFloat4)
    return false;
  unsigned group = unsigned(format - cudaResViewFormatUnsignedChar1) / 3;
  static constexpr uint32_t kChannels[] = {1, 2, 4};
  channels = kChannels[unsigned(format - cudaResViewFormatUnsignedChar1) % 3];
  static constexpr uint32_t kBits[] = {8, 8, 16, 16, 32, 32, 16, 32};
  static constexpr uint32_t kKinds[] = {CUPORT_CHANNEL_UNSIGNED, CUPORT_CHANNEL_SIGNED,
                                        CUPORT_CHANNEL_UNSIGNED, CUPORT_CHANNEL_SIGNED,
                                        CUPORT_CHANNEL_UNSIGNED, CUPORT_CHANNEL_SIGNED,
                                        CUPORT_CHANNEL_FLOAT,    CUPORT_CHANNEL_FLOAT};
  bits = kBits[group];
  kind = kKinds[group];
  return true;
}

bool reservedZero(const cudaResourceViewDesc &view) {
  for (unsigned word : view.reserved)
    if (word)
      return false;
  return true;
}

} // namespace

std::optional<cudaChannelFormatDesc> viewChannelFormat(cudaResourceViewFormat format) {
  uint32_t channels, bits, kind;
  if (!elementFormat(format, channels, bits, kind))
    return std::nullopt;
  int width = int(bits);
  return cudaChannelFormatDesc{width, channels > 1 ? width : 0, channels > 2 ? width : 0,
                               channels > 3 ? width : 0, cudaChannelFormatKind(kind)};
}

cudaError_t applyResourceView(TextureObject &object) {
  const cudaResourceViewDesc &view = object.view;
  const cudaResourceDesc &resource = object.resource;
  cuport_texture_descriptor &d = object.descriptor;
  if (resource.resType != cudaResourceTypeArray &&
      resource.resType != cudaResourceTypeMipmappedArray) {
    CUPORT_ERROR("a texture resource view needs a CUDA array or mipmapped array resource");
    return cudaErrorInvalidValue;
  }
  if (!reservedZero(view)) {
    CUPORT_ERROR("cudaResourceViewDesc::reserved must be zero");
    return cudaErrorInvalidValue;
  }
  bool mipmapped = resource.resType == cudaResourceTypeMipmappedArray;
  const cudaArray &array =
      mipmapped ? *resource.res.mipmap.mipmap->levels[0] : *resource.res.array.array;

  // The format.
  const BlockFormat *block = blockFormat(view.format);
  uint32_t channels = d.channels, bits = d.channel_bits, kind = d.channel_kind;
  if (block) {
    if (array.format.f != cudaChannelFormatKindUnsigned || d.channel_bits != 32 ||
        d.channels != block->arrayChannels) {
      CUPORT_ERROR("a block-compressed view (format %d) needs an array of %u-channel 32-bit "
                   "unsigned integers",
                   int(view.format), block->arrayChannels);
      return cudaErrorInvalidValue;
    }
    channels = block->channels;
    bits = block->bits;
    kind = block->kind;
  } else if (view.format != cudaResViewFormatNone) {
    if (!elementFormat(view.format, channels, bits, kind)) {
      CUPORT_ERROR("%d is not a resource view format", int(view.format));
      return cudaErrorInvalidValue;
    }
    if (channels * bits / 8 != d.element_bytes) {
      CUPORT_ERROR("texture view format %d has %u-byte elements, the array %u-byte ones",
                   int(view.format), channels * bits / 8, d.element_bytes);
      return cudaErrorInvalidValue;
    }
  }

  // The extent: the array's as allocated, scaled to texels for blocks.
  size_t scale = block ? 4 : 1;
  if (view.width != array.extent.width * scale || view.height != array.extent.height * scale ||
      view.depth != array.extent.depth) {
    CUPORT_ERROR("texture view extent %zux%zux%zu: the array's is %zux%zux%zu%s", view.width,
                 view.height, view.depth, array.extent.width, array.extent.height,
                 array.extent.depth, block ? " (times 4 in width and height for blocks)" : "");
    return cudaErrorInvalidValue;
  }

  // Levels and layers.
  size_t levelCount = mipmapped ? object.levels.size() : 1;
  if (view.firstMipmapLevel > view.lastMipmapLevel || view.lastMipmapLevel >= levelCount) {
    CUPORT_ERROR("texture view levels %u..%u: the resource has %zu", view.firstMipmapLevel,
                 view.lastMipmapLevel, levelCount);
    return cudaErrorInvalidValue;
  }
  bool layered = (array.flags & cudaArrayLayered) != 0;
  bool cubemap = (array.flags & cudaArrayCubemap) != 0;
  size_t layerCount = layered ? d.layers : 1;
  if (view.firstLayer > view.lastLayer || view.lastLayer >= layerCount ||
      (cubemap && layered && (view.firstLayer % 6 != 0 || (view.lastLayer + 1) % 6 != 0))) {
    CUPORT_ERROR("texture view layers %u..%u: the resource has %zu%s", view.firstLayer,
                 view.lastLayer, layerCount, cubemap && layered ? " (whole cubemaps of 6)" : "");
    return cudaErrorInvalidValue;
  }

  // The view: its format, its first level as level 0, its first layer as layer 0.
  d.channels = channels;
  d.channel_bits = bits;
  d.channel_kind = kind;
  // A format of the view's own is plain integers or floats; blocks hold normalized values, and
  // the UNORM / SNORM queries (txq .channel_data_type) answer for them, except BC6H's half
  // floats.
  if (view.format != cudaResViewFormatNone)
    d.normalized_format = block && block->kind != CUPORT_CHANNEL_FLOAT ? 1 : 0;
  if (block) {
    d.block_format = block->block;
    d.width *= 4;
    if (d.dimensions > 1)
      d.height *= 4;
  }
  if (layered)
    d.layers = view.lastLayer - view.firstLayer + 1;
  if (mipmapped) {
    object.levels.erase(object.levels.begin() + view.lastMipmapLevel + 1, object.levels.end());
    object.levels.erase(object.levels.begin(), object.levels.begin() + view.firstMipmapLevel);
    for (cuport_texture_level &level : object.levels) {
      level.data += view.firstLayer * level.slice_pitch;
      if (block) {
        level.width *= 4;
        if (d.dimensions > 1)
          level.height *= 4;
      }
    }
    const cuport_texture_level &first = object.levels.front();
    d.data = first.data;
    d.width = first.width;
    d.height = first.height;
    d.depth = first.depth;
    d.row_pitch = first.row_pitch;
    d.slice_pitch = first.slice_pitch;
    d.levels = uint32_t(object.levels.size());
    d.level_table = reinterpret_cast<uint64_t>(object.levels.data());
  } else {
    d.data += view.firstLayer * d.slice_pitch;
  }
  return cudaSuccess;
}

} // namespace cuport::core
