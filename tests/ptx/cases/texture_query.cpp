// txq and suq on texture and surface objects: the sizes of the dimensions an image has, the
// sampler's settings in the ISA's encodings (filter_mode: nearest 0, linear 1; addr_mode: wrap 0,
// mirror 1, clamp_ogl 2, clamp_to_edge 3, clamp_to_border 4), array_size (the layers of an array,
// the cubemaps of a cubemap array, 0 for anything else) and num_mipmap_levels / num_samples (0:
// these images are neither mipmapped nor multi-sample; TextureMipmap queries mipmapped ones), and
// channel_data_type / channel_order as the OpenCL values of the image's format (the ISA leaves them
// to the source language's enumerations; CUDA has none of its own).
#include "tests/ptx/cases/image_cases.h"

namespace cuport::conformance {
namespace {

struct Query {
  const char *name;
  uint32_t expected;
};

// Runs one txq / suq per query on `object` (one thread) and compares.
void checkQueries(const char *opcode, const ImageObject &object,
                  const std::vector<Query> &queries) {
  std::string body;
  for (size_t i = 0; i < queries.size(); ++i)
    body += std::string("  ") + opcode + "." + queries[i].name + ".b32 %r" +
            std::to_string(9 + i % 4) + ", [%rd10];\n" +
            (i % 4 == 3 || i + 1 == queries.size()
                 ? "  st.global.v4.b32 [%rd2+" + std::to_string(16 * (i / 4) + 16) +
                       "], {%r9, %r10, %r11, %r12};\n"
                 : "");
  Launch launch = imageLaunch(imageKernel(body, 1, false), {Operands{}}, {object});
  launch.outSize = 16 * (queries.size() / 4 + 2);
  Bytes out = runOk(launch);
  for (size_t i = 0; i < queries.size(); ++i)
    EXPECT_EQ(out.at<uint32_t>(16 + 4 * i), queries[i].expected)
        << opcode << "." << queries[i].name << "\n"
        << launch.ptx;
}

ImageObject texture(uint32_t width, uint32_t height, uint32_t depth, bool layered, bool cubemap) {
  ImageObject object;
  object.image.width = width;
  object.image.height = height;
  object.image.depth = depth;
  object.image.layered = layered;
  object.image.cubemap = cubemap;
  object.image.texels = Bytes(object.image.bytes());
  return object;
}

uint32_t isaAddressMode(AddressMode mode) {
  switch (mode) {
  case AddressMode::Wrap:
    return 0;
  case AddressMode::Mirror:
    return 1;
  case AddressMode::Clamp:
    return 3;
  case AddressMode::Border:
    break;
  }
  return 4;
}

PTX_CASE(TextureQuery, SizesOfEveryGeometry) {
  checkQueries("txq", texture(37, 0, 0, false, false),
               {{"width", 37}, {"array_size", 0}, {"num_mipmap_levels", 0}, {"num_samples", 0}});
  checkQueries("txq", texture(19, 11, 0, false, false),
               {{"width", 19}, {"height", 11}, {"array_size", 0}, {"num_mipmap_levels", 0}});
  checkQueries("txq", texture(5, 7, 9, false, false),
               {{"width", 5}, {"height", 7}, {"depth", 9}, {"array_size", 0}});
  checkQueries("txq", texture(23, 0, 6, true, false), {{"width", 23}, {"array_size", 6}});
  checkQueries("txq", texture(13, 3, 4, true, false),
               {{"width", 13}, {"height", 3}, {"array_size", 4}, {"num_samples", 0}});
  checkQueries("txq", texture(8, 8, 6, false, true),
               {{"width", 8}, {"height", 8}, {"array_size", 0}});
  checkQueries("txq", texture(4, 4, 18, true, true),
               {{"width", 4}, {"height", 4}, {"array_size", 3}, {"num_mipmap_levels", 0}});
  ImageObject linear = texture(100, 0, 0, false, false);
  linear.image.resource = Resource::Linear;
  checkQueries("txq", linear, {{"width", 100}});
  ImageObject pitched = texture(30, 6, 0, false, false);
  pitched.image.resource = Resource::Pitch2D;
  pitched.image.pitch = 128;
  checkQueries("txq", pitched, {{"width", 30}, {"height", 6}});
}

PTX_CASE(TextureQuery, SamplerSettings) {
  static const AddressMode kModes[] = {AddressMode::Wrap, AddressMode::Clamp, AddressMode::Mirror,
                                       AddressMode::Border};
  for (int i = 0; i < 8; ++i) {
    ImageObject object = texture(8, 8, 8, false, false);
    object.sampler.linearFilter = i & 1;
    object.sampler.normalizedCoords = i >> 1 & 1;
    for (int d = 0; d < 3; ++d)
      object.sampler.address[d] =
          object.sampler.normalizedCoords ? kModes[(i + d) % 4] : kModes[1 + 2 * ((i + d) % 2)];
    checkQueries("txq", object,
                 {{"normalized_coords", uint32_t(object.sampler.normalizedCoords)},
                  {"filter_mode", uint32_t(object.sampler.linearFilter)},
                  {"addr_mode_0", isaAddressMode(object.sampler.address[0])},
                  {"addr_mode_1", isaAddressMode(object.sampler.address[1])},
                  {"addr_mode_2", isaAddressMode(object.sampler.address[2])}});
  }
}

// The OpenCL C enumerations (OpenCL C specification, get_image_channel_data_type and
// get_image_channel_order; CLK_* equal the API's CL_* values).
constexpr uint32_t kClSignedInt8 = 0x10D7, kClSignedInt16 = 0x10D8, kClSignedInt32 = 0x10D9,
                   kClUnsignedInt8 = 0x10DA, kClUnsignedInt16 = 0x10DB, kClUnsignedInt32 = 0x10DC,
                   kClHalfFloat = 0x10DD, kClFloat = 0x10DE;
constexpr uint32_t kClSnormInt8 = 0x10D0, kClSnormInt16 = 0x10D1, kClUnormInt8 = 0x10D2,
                   kClUnormInt16 = 0x10D3;
constexpr uint32_t kClR = 0x10B0, kClRg = 0x10B2, kClRgba = 0x10B5;

struct ChannelFormat {
  ChannelKind kind;
  uint32_t bits;
  uint32_t dataType; // the CL_* value of one channel
  bool normalizedFormat = false;
};

constexpr ChannelFormat kChannelFormats[] = {
    {ChannelKind::Signed, 8, kClSignedInt8},
    {ChannelKind::Signed, 16, kClSignedInt16},
    {ChannelKind::Signed, 32, kClSignedInt32},
    {ChannelKind::Unsigned, 8, kClUnsignedInt8},
    {ChannelKind::Unsigned, 16, kClUnsignedInt16},
    {ChannelKind::Unsigned, 32, kClUnsignedInt32},
    {ChannelKind::Float, 16, kClHalfFloat},
    {ChannelKind::Float, 32, kClFloat},
    {ChannelKind::Signed, 8, kClSnormInt8, true},
    {ChannelKind::Signed, 16, kClSnormInt16, true},
    {ChannelKind::Unsigned, 8, kClUnormInt8, true},
    {ChannelKind::Unsigned, 16, kClUnormInt16, true},
};

uint32_t clChannelOrder(uint32_t channels) {
  return channels == 1 ? kClR : channels == 2 ? kClRg : kClRgba;
}

// Every array format cuport has (1, 2 and 4 channels of 8/16/32-bit integers, half and float,
// and the 8/16-bit UNORM / SNORM kinds); a normalized-float read of an integer format is the
// sampler's business and leaves the format's type as it is.
PTX_CASE(TextureQuery, ChannelDataTypeAndOrder) {
  for (const ChannelFormat &format : kChannelFormats)
    for (uint32_t channels : {1u, 2u, 4u})
      for (bool normalizedRead : {false, true}) {
        if (normalizedRead && (format.kind == ChannelKind::Float || format.bits == 32))
          continue;
        ImageObject object = texture(6, 5, 0, false, false);
        object.image.kind = format.kind;
        object.image.normalizedFormat = format.normalizedFormat;
        object.image.channelBits = format.bits;
        object.image.channels = channels;
        object.image.texels = Bytes(object.image.bytes());
        object.sampler.normalizedRead = normalizedRead;
        checkQueries("txq", object,
                     {{"channel_data_type", format.dataType},
                      {"channel_order", clChannelOrder(channels)},
                      {"width", 6}});
      }
}

PTX_CASE(SurfaceQuery, ChannelDataTypeAndOrder) {
  for (const ChannelFormat &format : kChannelFormats)
    for (uint32_t channels : {1u, 2u, 4u}) {
      ImageObject object = texture(7, 3, 0, false, false);
      object.surface = true;
      object.image.kind = format.kind;
      object.image.normalizedFormat = format.normalizedFormat;
      object.image.channelBits = format.bits;
      object.image.channels = channels;
      object.image.texels = Bytes(object.image.bytes());
      checkQueries(
          "suq", object,
          {{"channel_data_type", format.dataType}, {"channel_order", clChannelOrder(channels)}});
    }
}

PTX_CASE(SurfaceQuery, SizesOfEveryGeometry) {
  auto surface = [](uint32_t width, uint32_t height, uint32_t depth, bool layered) {
    ImageObject object = texture(width, height, depth, layered, false);
    object.surface = true;
    return object;
  };
  checkQueries("suq", surface(37, 0, 0, false), {{"width", 37}, {"array_size", 0}});
  checkQueries("suq", surface(19, 11, 0, false),
               {{"width", 19}, {"height", 11}, {"array_size", 0}, {"memory_layout", 0}});
  checkQueries("suq", surface(5, 7, 9, false),
               {{"width", 5}, {"height", 7}, {"depth", 9}, {"memory_layout", 0}});
  checkQueries("suq", surface(23, 0, 6, true), {{"width", 23}, {"array_size", 6}});
  checkQueries("suq", surface(13, 3, 4, true), {{"width", 13}, {"height", 3}, {"array_size", 4}});
}

} // namespace
} // namespace cuport::conformance
