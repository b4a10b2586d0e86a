// Textures through resource views (cudaResourceViewDesc / CUDA_RESOURCE_VIEW_DESC): a range of a
// mipmapped array's levels, whose first is the view's level 0; a range of a layered array's
// layers (or a cubemap array's whole cubemaps), whose first is the view's layer 0; the same
// elements reinterpreted in another format of their size; and arrays of 32-bit unsigned integers
// read as block-compressed images (BC1..BC5), each element one 4x4 block. The reference for each
// is the image the view describes, built on the host (the levels or layers it keeps, the bytes in
// the view's format, the blocks decoded from their format descriptions) and sampled by the
// texture reference. The view's rules and error codes are unit tests of the runtime
// (cudart_texture_view_test): this suite's cuport driver builds descriptors itself.
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/mipmap_reference.h"
#include "tests/ptx/cases/texture_reference.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;
namespace mip = mipmap_reference;

// cudaResourceViewFormat values (equal to CUresourceViewFormat's).
enum ViewFormat : uint32_t {
  kViewNone = 0x00,
  kViewUnsignedChar4 = 0x03,
  kViewSignedShort2 = 0x0b,
  kViewHalf2 = 0x14,
  kViewFloat1 = 0x16,
  kViewBc1 = 0x19,
  kViewBc2 = 0x1a,
  kViewBc3 = 0x1b,
  kViewBc4 = 0x1c,
  kViewBc4Signed = 0x1d,
  kViewBc5 = 0x1e,
  kViewBc5Signed = 0x1f,
  kViewBc6h = 0x20,
  kViewBc6hSigned = 0x21,
  kViewBc7 = 0x22,
};

ImageView viewOf(const Image &image, uint32_t format) {
  ImageView view;
  view.format = format;
  view.width = image.width;
  view.height = image.height;
  view.depth = image.depth;
  return view;
}

Image floatImage(uint32_t channels, uint32_t width, uint32_t height, uint32_t depth,
                 uint32_t levels, std::mt19937_64 &random) {
  Image image;
  image.channels = channels;
  image.width = width;
  image.height = height;
  image.depth = depth;
  image.levels = levels;
  for (size_t i = 0; i < image.bytes() / 4; ++i)
    image.texels.push(float(int64_t(random() % 512) - 256) / 4);
  return image;
}

// A coordinate 1/1024 texel past a 1/256 step of a dimension of `size` texels (of the finest
// level sampled), in [-1, 2) of the image: clear of texel edges and weight steps at every level.
float coordinate(std::mt19937_64 &random, uint32_t size) {
  double position =
      double(random() % (3 * size)) - size + 0.5 + double(random() % 256) / 256 + 1.0 / 1024;
  return float(position / size);
}

// Levels first..last of a mipmapped image as a mipmapped image of their own.
Image levelRange(const Image &image, uint32_t first, uint32_t last) {
  Image range = image.level(first);
  range.levels = last - first + 1;
  const uint8_t *begin = image.texels.data() + image.levelOffset(first);
  const uint8_t *end = image.texels.data() + image.levelOffset(last + 1);
  for (const uint8_t *p = begin; p != end; ++p)
    range.texels.push(*p);
  return range;
}

PTX_CASE(TextureView, LevelRange) {
  std::mt19937_64 random = randomFor("TextureView.LevelRange");
  ImageObject object{false, floatImage(4, 32, 16, 0, 6, random), Sampler{}};
  object.sampler.normalizedCoords = true;
  object.sampler.linearFilter = true;
  object.sampler.mipmapLinearFilter = true;
  object.sampler.maxLevelClamp = 1.5f; // relative to the view's first level
  ImageView view = viewOf(object.image, kViewNone);
  view.firstLevel = 1;
  view.lastLevel = 3;
  object.view = view;
  // What the view samples: levels 1..3, level 1 (16x8) being its level 0.
  ImageObject expected = object;
  expected.image = levelRange(object.image, 1, 3);
  expected.view.reset();
  std::vector<Operands> rows;
  for (int i = 0; i < 128; ++i) {
    float lod = float(int(random() % 20) - 4) / 4 + 1.0f / 1024;
    rows.push_back(Operands{floatBits(coordinate(random, 16)), floatBits(coordinate(random, 8)),
                            floatBits(lod)});
  }
  Launch launch = imageLaunch(
      imageKernel("  tex.level.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}], %f3;", 1,
                  true),
      rows, {object});
  Bytes out = runOk(launch);
  for (size_t row = 0; row < rows.size(); ++row) {
    float x[3] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1]), 0};
    ref::Texel texel = mip::sampleAt(expected, bitsFloat(rows[row][2]), [&](const ImageObject &l) {
      return ref::sample(l, ref::footprint(l, 2, 0), x, true);
    });
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c)
      EXPECT_TRUE(closeFloat(actual[c], texel.f[c]))
          << "row " << row << " channel " << c << ": " << bitsFloat(actual[c]) << ", expected "
          << texel.f[c];
  }
}

// txq answers for the view: its level 0's extent, its level count, its levels by their new
// numbers (a level past the view reads 0).
PTX_CASE(TextureView, LevelQueries) {
  std::mt19937_64 random = randomFor("TextureView.LevelQueries");
  ImageObject object{false, floatImage(1, 32, 16, 0, 6, random), Sampler{}};
  object.sampler.normalizedCoords = true;
  ImageView view = viewOf(object.image, kViewNone);
  view.firstLevel = 2;
  view.lastLevel = 4;
  object.view = view;
  std::vector<Operands> rows;
  for (uint32_t l = 0; l < 4; ++l)
    rows.push_back(Operands{l});
  Launch launch = imageLaunch(imageKernel("  txq.level.width.b32 %r9, [%rd10], %r1;\n"
                                          "  txq.level.height.b32 %r10, [%rd10], %r1;\n"
                                          "  txq.num_mipmap_levels.b32 %r11, [%rd10];\n"
                                          "  txq.width.b32 %r12, [%rd10];",
                                          1, false),
                              rows, {object});
  Bytes out = runOk(launch);
  const Results kExpected[4] = {{8, 4, 3, 8}, {4, 2, 3, 8}, {2, 1, 3, 8}, {0, 0, 3, 8}};
  for (uint32_t l = 0; l < 4; ++l)
    EXPECT_EQ(resultAt(out, l), kExpected[l]) << "view level " << l;
}

// Layers of a layered array and whole cubemaps of a cubemap array: the view's layer 0 is the
// first it keeps, array_size counts what it keeps.
PTX_CASE(TextureView, LayerRange) {
  std::mt19937_64 random = randomFor("TextureView.LayerRange");
  ImageObject layered{false, floatImage(2, 8, 4, 6, 0, random), Sampler{}};
  layered.image.layered = true;
  layered.sampler.linearFilter = true;
  layered.sampler.normalizedCoords = true;
  ImageView view = viewOf(layered.image, kViewNone);
  view.firstLayer = 2;
  view.lastLayer = 4;
  layered.view = view;
  ImageObject whole = layered;
  whole.view.reset();
  std::vector<Operands> rows;
  for (int i = 0; i < 64; ++i)
    rows.push_back(Operands{uint32_t(random() % 3), floatBits(coordinate(random, 8)),
                            floatBits(coordinate(random, 4))});
  Launch launch = imageLaunch(
      imageKernel("  tex.a2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %f2, %f3, %f3}];\n"
                  "  txq.array_size.b32 %r13, [%rd10];\n"
                  "  st.global.u32 [%rd2+4096], %r13;",
                  1, true),
      rows, {layered});
  launch.outSize = 4096 + 4;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(4096), 3u) << "array_size of layers 2..4";
  for (size_t row = 0; row < rows.size(); ++row) {
    float x[3] = {bitsFloat(rows[row][1]), bitsFloat(rows[row][2]), 0};
    ref::Texel texel = ref::sample(whole, ref::footprint(whole, 2, rows[row][0] + 2), x, true);
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c)
      EXPECT_TRUE(closeFloat(actual[c], texel.f[c]))
          << "row " << row << " (layer " << rows[row][0] << ") channel " << c << ": "
          << bitsFloat(actual[c]) << ", expected " << texel.f[c];
  }

  // Cubemaps 1 and 2 of three.
  ImageObject cubes{false, floatImage(1, 4, 4, 18, 0, random), Sampler{}};
  cubes.image.layered = cubes.image.cubemap = true;
  cubes.sampler.linearFilter = true;
  ImageView cubeView = viewOf(cubes.image, kViewNone);
  cubeView.firstLayer = 6;
  cubeView.lastLayer = 17;
  cubes.view = cubeView;
  ImageObject allCubes = cubes;
  allCubes.view.reset();
  rows.clear();
  for (int i = 0; i < 64; ++i) {
    float direction[3];
    for (float &d : direction)
      d = float(int(random() % 33) - 16) / 8 + 1.0f / 1024;
    rows.push_back(Operands{uint32_t(random() % 2), floatBits(direction[0]),
                            floatBits(direction[1]), floatBits(direction[2])});
  }
  launch = imageLaunch(
      imageKernel("  tex.acube.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %f2, %f3, %f4}];\n"
                  "  txq.array_size.b32 %r13, [%rd10];\n"
                  "  st.global.u32 [%rd2+4096], %r13;",
                  1, true),
      rows, {cubes});
  launch.outSize = 4096 + 4;
  out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(4096), 2u) << "array_size of cubemaps 1..2";
  for (size_t row = 0; row < rows.size(); ++row) {
    ref::Texel texel = ref::sampleCube(allCubes, bitsFloat(rows[row][1]), bitsFloat(rows[row][2]),
                                       bitsFloat(rows[row][3]), int64_t(rows[row][0]) + 1);
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c)
      EXPECT_TRUE(closeFloat(actual[c], texel.f[c]))
          << "cube row " << row << " channel " << c << ": " << bitsFloat(actual[c]) << ", expected "
          << texel.f[c];
  }
}

// An array of 32-bit unsigned integers read through views of other formats of four bytes: as
// floats, as four normalized bytes, as two signed shorts and as two halves.
PTX_CASE(TextureView, Reinterpret) {
  std::mt19937_64 random = randomFor("TextureView.Reinterpret");
  Image array;
  array.kind = ChannelKind::Unsigned;
  array.width = 8;
  array.height = 4;
  for (int i = 0; i < 32; ++i) {
    // Bits that are also ordinary floats and halves: exponents away from the extremes.
    uint32_t bits = uint32_t(random()) & 0x3fff3fffu;
    array.texels.push(bits | 0x04000400u);
  }
  struct Case {
    uint32_t format;
    ChannelKind kind;
    uint32_t channels, bits;
    bool normalizedRead, integerResults;
  };
  const Case kCases[] = {
      {kViewFloat1, ChannelKind::Float, 1, 32, false, false},
      {kViewUnsignedChar4, ChannelKind::Unsigned, 4, 8, true, false},
      {kViewUnsignedChar4, ChannelKind::Unsigned, 4, 8, false, true},
      {kViewSignedShort2, ChannelKind::Signed, 2, 16, false, true},
      {kViewHalf2, ChannelKind::Float, 2, 16, false, false},
  };
  for (const Case &c : kCases) {
    ImageObject object{false, array, Sampler{}};
    object.sampler.normalizedRead = c.normalizedRead;
    object.view = viewOf(array, c.format);
    // The same bytes as an image of the view's format.
    ImageObject expected = object;
    expected.view.reset();
    expected.image.kind = c.kind;
    expected.image.channels = c.channels;
    expected.image.channelBits = c.bits;
    std::vector<Operands> rows;
    for (int i = 0; i < 64; ++i)
      rows.push_back(Operands{uint32_t(random() % 10) - 1, uint32_t(random() % 6) - 1});
    std::string statement =
        c.integerResults ? "  tex.2d.v4.s32.s32 {%r9, %r10, %r11, %r12}, [%rd10, {%r1, %r2}];"
                         : "  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}];";
    Launch launch = imageLaunch(imageKernel(statement, 1, !c.integerResults), rows, {object});
    Bytes out = runOk(launch);
    for (size_t row = 0; row < rows.size(); ++row) {
      int64_t index[3] = {int32_t(rows[row][0]), int32_t(rows[row][1]), 0};
      ref::Texel texel = ref::fetch(expected, ref::footprint(expected, 2, 0), index);
      Results actual = resultAt(out, row);
      for (int ch = 0; ch < 4; ++ch) {
        bool ok =
            c.integerResults ? actual[ch] == texel.i[ch] : closeFloat(actual[ch], texel.f[ch]);
        EXPECT_TRUE(ok) << "format " << c.format << " row " << row << " channel " << ch << ": "
                        << actual[ch] << " (" << bitsFloat(actual[ch]) << "), expected "
                        << texel.i[ch] << " (" << texel.f[ch] << ")";
      }
    }
  }
}

// Block decoding from the format descriptions (Khronos Data Format Specification, S3TC and RGTC):
// the palette of each block, then each texel's entry. Colour endpoints are 5:6:5, expanded to 8
// bits by repeating their high bits; BC1 has four colours when colour0 > colour1 (as integers),
// else three and transparent black; BC2 and BC3 always four. Channel blocks (BC3 alpha, BC4, BC5)
// have eight values when endpoint0 > endpoint1, else six and the range's ends.
struct Rgba {
  double c[4] = {0, 0, 0, 1};
};

std::array<Rgba, 4> colourPalette(const uint8_t *block, bool alwaysFour) {
  uint32_t colour0 = block[0] | block[1] << 8, colour1 = block[2] | block[3] << 8;
  auto expand = [](uint32_t colour) {
    Rgba rgba;
    uint32_t r = colour >> 11 & 31, g = colour >> 5 & 63, b = colour & 31;
    rgba.c[0] = double((r << 3) + (r >> 2)) / 255;
    rgba.c[1] = double((g << 2) + (g >> 4)) / 255;
    rgba.c[2] = double((b << 3) + (b >> 2)) / 255;
    return rgba;
  };
  std::array<Rgba, 4> palette{expand(colour0), expand(colour1), Rgba{}, Rgba{}};
  for (int ch = 0; ch < 3; ++ch) {
    double a = palette[0].c[ch], b = palette[1].c[ch];
    if (alwaysFour || colour0 > colour1) {
      palette[2].c[ch] = (2 * a + b) / 3;
      palette[3].c[ch] = (a + 2 * b) / 3;
    } else {
      palette[2].c[ch] = (a + b) / 2;
      palette[3].c[ch] = 0;
    }
  }
  if (!alwaysFour && colour0 <= colour1)
    palette[3].c[3] = 0;
  return palette;
}

std::array<double, 8> channelPalette(const uint8_t *block, bool isSigned) {
  int e0 = isSigned ? int8_t(block[0]) : block[0], e1 = isSigned ? int8_t(block[1]) : block[1];
  double scale = isSigned ? 127 : 255;
  double v0 = std::max(e0 / scale, -1.0), v1 = std::max(e1 / scale, -1.0);
  std::array<double, 8> palette{v0, v1};
  if (e0 > e1) {
    for (int k = 1; k <= 6; ++k)
      palette[1 + k] = ((7 - k) * v0 + k * v1) / 7;
  } else {
    for (int k = 1; k <= 4; ++k)
      palette[1 + k] = ((5 - k) * v0 + k * v1) / 5;
    palette[6] = isSigned ? -1 : 0;
    palette[7] = 1;
  }
  return palette;
}

// Bits [first, first + count) of the little-endian bytes at `bytes`.
uint32_t bitField(const uint8_t *bytes, unsigned first, unsigned count) {
  uint32_t value = 0;
  for (unsigned i = 0; i < count; ++i) {
    unsigned bit = first + i;
    value |= uint32_t(bytes[bit / 8] >> (bit % 8) & 1) << i;
  }
  return value;
}

Rgba decodeTexel(uint32_t format, const uint8_t *block, unsigned texel) {
  Rgba result;
  switch (format) {
  case kViewBc1:
    return colourPalette(block, false)[bitField(block + 4, 2 * texel, 2)];
  case kViewBc2:
    result = colourPalette(block + 8, true)[bitField(block + 12, 2 * texel, 2)];
    result.c[3] = double(bitField(block, 4 * texel, 4)) / 15;
    return result;
  case kViewBc3:
    result = colourPalette(block + 8, true)[bitField(block + 12, 2 * texel, 2)];
    result.c[3] = channelPalette(block, false)[bitField(block + 2, 3 * texel, 3)];
    return result;
  case kViewBc4:
  case kViewBc4Signed:
    result.c[0] =
        channelPalette(block, format == kViewBc4Signed)[bitField(block + 2, 3 * texel, 3)];
    return result;
  default: // BC5
    result.c[0] =
        channelPalette(block, format == kViewBc5Signed)[bitField(block + 2, 3 * texel, 3)];
    result.c[1] =
        channelPalette(block + 8, format == kViewBc5Signed)[bitField(block + 10, 3 * texel, 3)];
    return result;
  }
}

// The view's texels decoded into a four-channel float image of four times the array's extent.
Image decodedImage(const Image &array, uint32_t format) {
  Image image;
  image.channels = 4;
  image.width = array.width * 4;
  image.height = array.height * 4;
  image.texels = Bytes(size_t(image.width) * image.height * 16);
  for (uint32_t y = 0; y < image.height; ++y)
    for (uint32_t x = 0; x < image.width; ++x) {
      const uint8_t *block =
          array.texels.data() + (size_t(y / 4) * array.width + x / 4) * array.elementBytes();
      Rgba rgba = decodeTexel(format, block, (y % 4) * 4 + x % 4);
      for (int c = 0; c < 4; ++c)
        image.texels.set<float>((size_t(y) * image.width + x) * 16 + c * 4, float(rgba.c[c]));
    }
  return image;
}

// Decoders may round palette entries to 8 bits: half a step of 1/255 (1/127 signed) apart.
bool closeDecoded(uint32_t actual, float expected) {
  return std::fabs(bitsFloat(actual) - expected) <= 0.5f / 127 + 4e-5f;
}

PTX_CASE(TextureView, BlockCompressed) {
  std::mt19937_64 random = randomFor("TextureView.BlockCompressed");
  const uint32_t kFormats[] = {kViewBc1,       kViewBc2, kViewBc3,      kViewBc4,
                               kViewBc4Signed, kViewBc5, kViewBc5Signed};
  for (uint32_t format : kFormats) {
    bool halfBlocks = format == kViewBc1 || format == kViewBc4 || format == kViewBc4Signed;
    Image array;
    array.kind = ChannelKind::Unsigned;
    array.channels = halfBlocks ? 2 : 4;
    array.width = 3;
    array.height = 2;
    for (size_t i = 0; i < array.bytes(); ++i)
      array.texels.push(uint8_t(random()));
    // Block 0 of BC1 in its three-colour mode, block 1 in its four-colour one (both words
    // ordered), whatever the random bytes gave.
    if (format == kViewBc1) {
      uint8_t *blocks = array.texels.data();
      if ((blocks[0] | blocks[1] << 8) > (blocks[2] | blocks[3] << 8)) {
        std::swap(blocks[0], blocks[2]);
        std::swap(blocks[1], blocks[3]);
      }
      if ((blocks[8] | blocks[9] << 8) < (blocks[10] | blocks[11] << 8)) {
        std::swap(blocks[8], blocks[10]);
        std::swap(blocks[9], blocks[11]);
      }
    }
    ImageObject object{false, array, Sampler{}};
    object.view = viewOf(array, format);
    object.view->width = 12;
    object.view->height = 8;
    ImageObject expected{false, decodedImage(array, format), Sampler{}};
    // Every texel by integer coordinates, and beyond the edges (clamped).
    std::vector<Operands> rows;
    for (int32_t y = -1; y <= 8; ++y)
      for (int32_t x = -1; x <= 12; ++x)
        rows.push_back(Operands{uint32_t(x), uint32_t(y)});
    Launch launch = imageLaunch(
        imageKernel("  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}];", 1, true),
        rows, {object});
    Bytes out = runOk(launch);
    int failures = 0;
    for (size_t row = 0; row < rows.size() && failures < 8; ++row) {
      int64_t index[3] = {int32_t(rows[row][0]), int32_t(rows[row][1]), 0};
      ref::Texel texel = ref::fetch(expected, ref::footprint(expected, 2, 0), index);
      Results actual = resultAt(out, row);
      for (int c = 0; c < 4; ++c)
        if (!closeDecoded(actual[c], texel.f[c]) && failures++ < 8)
          ADD_FAILURE() << "format 0x" << std::hex << format << std::dec << " texel (" << index[0]
                        << ", " << index[1] << ") channel " << c << ": " << bitsFloat(actual[c])
                        << ", expected " << texel.f[c];
    }

    // Linear filtering across blocks and tld4 through the view, normalized coordinates.
    object.sampler.linearFilter = expected.sampler.linearFilter = true;
    object.sampler.normalizedCoords = expected.sampler.normalizedCoords = true;
    rows.clear();
    for (int i = 0; i < 64; ++i)
      rows.push_back(Operands{floatBits(coordinate(random, 12)), floatBits(coordinate(random, 8))});
    for (int gather = 0; gather < 2; ++gather) {
      std::string statement =
          gather ? "  tld4.g.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}];"
                 : "  tex.2d.v4.f32.f32 {%f9, %f10, %f11, %f12}, [%rd10, {%f1, %f2}];";
      launch = imageLaunch(imageKernel(statement, 1, true), rows, {object});
      out = runOk(launch);
      for (size_t row = 0; row < rows.size() && failures < 8; ++row) {
        float x[3] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1]), 0};
        ref::Footprint where = ref::footprint(expected, 2, 0);
        ref::Texel texel = gather ? ref::gather(expected, where, x, true, 1)
                                  : ref::sample(expected, where, x, true);
        Results actual = resultAt(out, row);
        for (int c = 0; c < 4; ++c)
          if (!closeDecoded(actual[c], texel.f[c]) && failures++ < 8)
            ADD_FAILURE() << "format 0x" << std::hex << format << std::dec
                          << (gather ? " tld4.g" : " linear") << " row " << row << " channel " << c
                          << ": " << bitsFloat(actual[c]) << ", expected " << texel.f[c];
      }
    }
  }
}

// One BC7 block per mode (0..7, left to right, top to bottom in a 4x2-block array) and the
// texels of each worked out by hand from the format description (Khronos Data Format
// Specification "BPTC"): partitions and anchors, p-bits, rotation, index selection. Texels are
// RGBA8 unorm values over 255.
const uint8_t kBc7Blocks[8][16] = {
    {0xe1, 0x01, 0x00, 0x0e, 0xe0, 0x01, 0x0e, 0x00, 0xe0, 0x2f, 0x07, 0xf8, 0x00, 0x40, 0x00,
     0x40},
    {0x46, 0x3f, 0x00, 0x00, 0x00, 0x00, 0xfc, 0x00, 0x00, 0x80, 0xd1, 0x71, 0x00, 0x00, 0x00,
     0x00},
    {0xfc, 0x3f, 0x00, 0x30, 0x7c, 0xf0, 0x01, 0x14, 0x1f, 0x80, 0x0f, 0xc7, 0x07, 0x11, 0x00,
     0xc0},
    {0x08, 0x90, 0x01, 0x00, 0x19, 0x00, 0x00, 0xe0, 0x01, 0x00, 0x7f, 0x63, 0x45, 0x00, 0x00,
     0x80},
    {0x90, 0x1f, 0x40, 0x08, 0xfe, 0x0f, 0x80, 0x60, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
     0x00},
    {0x60, 0x7f, 0x00, 0x10, 0x08, 0xf8, 0x03, 0x20, 0x13, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00,
     0x00},
    {0xc0, 0x3f, 0x00, 0xf0, 0x07, 0x82, 0xfe, 0x80, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x00, 0x00,
     0x70},
    {0x80, 0xc1, 0x07, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x00, 0x7c, 0xf0, 0x7e, 0x02, 0x86, 0x00,
     0x00},
};

struct Bc7Texel {
  unsigned block, texel; // texel y * 4 + x of the block
  unsigned rgba[4];
};

const Bc7Texel kBc7Texels[] = {
    // Mode 0: three subsets (partition 0, anchors 3 and 15), a p-bit per endpoint.
    {0, 0, {255, 8, 8, 255}},
    {0, 3, {3, 146, 3, 255}},
    {0, 4, {0, 0, 0, 255}},
    {0, 9, {74, 74, 179, 255}},
    {0, 15, {24, 24, 236, 255}},
    // Mode 1: partition 17 (subset 1's anchor is texel 2), p-bits shared per subset.
    {1, 0, {255, 2, 2, 255}},
    {1, 1, {0, 182, 93, 255}},
    {1, 2, {0, 107, 54, 255}},
    {1, 4, {2, 2, 2, 255}},
    // Mode 2: partition 63 (anchors 3 and 8), 2-bit indices.
    {2, 1, {0, 0, 255, 255}},
    {2, 3, {43, 43, 215, 255}},
    {2, 5, {84, 171, 0, 255}},
    {2, 8, {8, 16, 24, 255}},
    {2, 15, {0, 255, 0, 255}},
    // Mode 3: 7-bit colours and p-bits.
    {3, 0, {135, 1, 1, 255}},
    {3, 1, {201, 1, 1, 255}},
    {3, 2, {68, 81, 178, 255}},
    {3, 15, {33, 40, 217, 255}},
    // Mode 4: index selection 1 (colour from the 3-bit indices).
    {4, 0, {255, 132, 0, 255}},
    {4, 3, {72, 132, 183, 171}},
    {4, 6, {255, 132, 0, 0}},
    // Mode 5: rotation 1 (red and alpha exchanged).
    {5, 0, {0, 129, 0, 255}},
    {5, 1, {200, 129, 171, 84}},
    // Mode 6: 4-bit indices.
    {6, 0, {255, 1, 129, 255}},
    {6, 5, {0, 254, 64, 0}},
    {6, 15, {135, 120, 99, 135}},
    // Mode 7: colour and alpha, two subsets.
    {7, 0, {255, 4, 4, 255}},
    {7, 3, {0, 0, 0, 121}},
    {7, 4, {0, 0, 0, 0}},
    {7, 7, {1, 84, 1, 165}},
};

PTX_CASE(TextureView, Bc7Modes) {
  Image array;
  array.kind = ChannelKind::Unsigned;
  array.channels = 4;
  array.width = 4;
  array.height = 2;
  for (const auto &block : kBc7Blocks)
    for (uint8_t byte : block)
      array.texels.push(byte);
  ImageObject object{false, array, Sampler{}};
  object.view = viewOf(array, kViewBc7);
  object.view->width = 16;
  object.view->height = 8;
  std::vector<Operands> rows;
  for (const Bc7Texel &t : kBc7Texels)
    rows.push_back(Operands{t.block % 4 * 4 + t.texel % 4, t.block / 4 * 4 + t.texel / 4});
  Launch launch = imageLaunch(
      imageKernel("  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}];", 1, true),
      rows, {object});
  Bytes out = runOk(launch);
  for (size_t row = 0; row < rows.size(); ++row) {
    Results actual = resultAt(out, row);
    const Bc7Texel &t = kBc7Texels[row];
    for (int c = 0; c < 4; ++c)
      EXPECT_NEAR(bitsFloat(actual[c]), float(t.rgba[c]) / 255, 1e-6f)
          << "mode " << t.block << " texel " << t.texel << " channel " << c;
  }
}

// Three BC6H blocks and texels worked out by hand from the format description (Direct3D 11's
// BC6H): mode 11 (10-bit endpoints as they are) read unsigned and signed, and mode 1 (5-bit
// deltas, two regions, partition 0). Texels are half floats, alpha 1.
const uint8_t kBc6hBlocks[3][16] = {
    {0x03, 0x00, 0x00, 0xc9, 0xf8, 0x1f, 0x00, 0x32, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
     0xf0},
    {0xe3, 0xff, 0xff, 0x02, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0xf0},
    {0x80, 0x8c, 0xff, 0x01, 0xf8, 0x20, 0x00, 0x00, 0xa0, 0x07, 0x8c, 0x03, 0x00, 0x00, 0x00,
     0x00},
};

struct Bc6hTexel {
  uint32_t format;
  unsigned block, texel;
  uint16_t rgb[3];
};

const Bc6hTexel kBc6hTexels[] = {
    // Block 0: r 0 .. 1023, g 512 .. 0, b 100 .. 100 (unquantized 0, 0xffff, 32800, 6432).
    {kViewBc6h, 0, 0, {0x0000, 0x3e0f, 0x0c2b}},
    {kViewBc6h, 0, 15, {0x7bff, 0x0000, 0x0c2b}},
    {kViewBc6h, 0, 5, {0x41df, 0x1d17, 0x0c2b}},
    // Block 1 signed: r -1 .. -512, g 511 .. 0, b 1 .. 0; and the same bits unsigned.
    {kViewBc6hSigned, 1, 0, {0x805d, 0x7bff, 0x005d}},
    {kViewBc6hSigned, 1, 15, {0xfbff, 0x0000, 0x0000}},
    {kViewBc6h, 1, 0, {0x7bff, 0x3df0, 0x002e}},
    // Block 2: r 100 with deltas -1, -16, 15; g 1023 with deltas 1 (wrapping to 0), 0, 0.
    {kViewBc6h, 2, 0, {0x0c1e, 0x47af, 0x0000}},
    {kViewBc6h, 2, 2, {0x0dfc, 0x7bff, 0x0000}},
    {kViewBc6h, 2, 15, {0x0a3b, 0x7bff, 0x0000}},
};

PTX_CASE(TextureView, Bc6hModes) {
  Image array;
  array.kind = ChannelKind::Unsigned;
  array.channels = 4;
  array.width = 3;
  array.height = 1;
  for (const auto &block : kBc6hBlocks)
    for (uint8_t byte : block)
      array.texels.push(byte);
  for (uint32_t format : {kViewBc6h, kViewBc6hSigned}) {
    ImageObject object{false, array, Sampler{}};
    object.view = viewOf(array, format);
    object.view->width = 12;
    object.view->height = 4;
    std::vector<Operands> rows;
    std::vector<const Bc6hTexel *> expected;
    for (const Bc6hTexel &t : kBc6hTexels)
      if (t.format == format) {
        rows.push_back(Operands{t.block * 4 + t.texel % 4, t.texel / 4});
        expected.push_back(&t);
      }
    Launch launch = imageLaunch(
        imageKernel("  tex.2d.v4.f32.s32 {%f9, %f10, %f11, %f12}, [%rd10, {%r1, %r2}];", 1, true),
        rows, {object});
    Bytes out = runOk(launch);
    for (size_t row = 0; row < rows.size(); ++row) {
      Results actual = resultAt(out, row);
      const Bc6hTexel &t = *expected[row];
      for (int c = 0; c < 4; ++c)
        EXPECT_EQ(bitsFloat(actual[c]), c < 3 ? ref::halfValue(t.rgb[c]) : 1.0f)
            << (format == kViewBc6h ? "unsigned" : "signed") << " block " << t.block << " texel "
            << t.texel << " channel " << c;
    }
  }
}

} // namespace
} // namespace cuport::conformance
