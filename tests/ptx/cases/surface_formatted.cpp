// sust.p and sured.p: formatted surface accesses, x counting samples. sust.p converts its 32-bit
// values (f32 for float and UNORM / SNORM formats, u32 / s32 for integer ones) to the sample's
// channels: float and half (rounded to nearest even) channels, UNORM / SNORM channels (the
// Direct3D conversion rules the ISA's format names come from), and integer channels given values
// they can hold (the ISA does not say what a value out of a channel's range becomes); sured.p
// reduces 32- or 64-bit integer samples, signed or not as the format says.
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/surface_reference.h"

#include <algorithm>
#include <set>

namespace cuport::conformance {
namespace {

namespace ref = surface_reference;
using ref::Geometry;

// The binary16 value nearest `value` (ties to even), by scaling to the half's unit in the last
// place and rounding there; finite inputs only.
uint16_t nearestHalf(float value) {
  uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double magnitude = std::fabs(double(value));
  if (magnitude == 0)
    return sign;
  int exponent = std::max(std::ilogb(magnitude), -14);
  double unit = std::ldexp(1.0, exponent - 10);
  double rounded = std::nearbyint(magnitude / unit) * unit; // the default mode: ties to even
  if (rounded >= 65520.0 || rounded > 65504.0)
    return sign | 0x7c00;
  if (rounded < std::ldexp(1.0, -14))
    return uint16_t(sign | uint16_t(rounded / std::ldexp(1.0, -24)));
  int e = std::ilogb(rounded);
  return uint16_t(sign | uint16_t((e + 15) << 10) |
                  uint16_t(rounded / std::ldexp(1.0, e - 10) - 1024));
}

struct Format {
  ChannelKind kind;
  uint32_t channels, bits;
  bool normalized = false; // UNORM (Unsigned) / SNORM (Signed)
};

// f32 -> an n-bit UNORM or SNORM channel, as Direct3D's data conversion rules give it: NaN is 0;
// the value is clamped to [0, 1] (UNORM) or [-1, 1] (SNORM); it is scaled by 2^n - 1 (UNORM) or
// 2^(n-1) - 1 (SNORM), and the nearest integer taken, a halfway case moving away from zero
// (Direct3D adds 0.5, or subtracts it below zero, and truncates). The only f32 values whose scaled
// value is exactly halfway are +-0.5, where rounding to even would agree.
int64_t normalizedReference(float value, uint32_t bits, bool isSigned) {
  if (std::isnan(value))
    return 0;
  int64_t scale = isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  double low = isSigned ? -1.0 : 0.0;
  double clamped = value < low ? low : value > 1.0 ? 1.0 : double(value);
  double scaled = clamped * double(scale); // exact: 24 + 16 significant bits
  double magnitude = std::floor(std::fabs(scaled) + 0.5);
  return scaled < 0 ? -int64_t(magnitude) : int64_t(magnitude);
}

// Values a UNORM / SNORM store sees: random ones over and beyond [-1, 1], the edges, infinities,
// NaN, the halfway +-0.5, and values 1/64 of a step either side of a halfway point.
float normalizedValue(const Format &format, std::mt19937_64 &random) {
  static const float kSpecial[] = {0.0f,    -0.0f,      1.0f,        -1.0f,      0.5f, -0.5f,
                                   2.0f,    -2.0f,      INFINITY,    -INFINITY,  NAN,  1e-30f,
                                   -1e-30f, 1.0000001f, -1.0000001f, 0.99999994f};
  uint64_t bits = random();
  switch (bits % 4) {
  case 0:
    return kSpecial[(bits >> 8) % std::size(kSpecial)];
  case 1: {
    double scale = format.kind == ChannelKind::Signed ? double((1u << (format.bits - 1)) - 1)
                                                      : double((1u << format.bits) - 1);
    double step = double((bits >> 8) % uint64_t(scale));
    double side = bits >> 40 & 1 ? 1.0 / 64 : -1.0 / 64;
    double value = (step + 0.5 + side) / scale;
    return float(bits >> 41 & 1 && format.kind == ChannelKind::Signed ? -value : value);
  }
  default:
    return float((double(bits >> 11) / double(uint64_t(1) << 53)) * 2.5 - 1.25);
  }
}

// A random 32-bit value for a channel of `format`: floats of every magnitude a half has (some
// beyond it, to round to infinity), integers within the channel's range.
uint32_t randomValue(const Format &format, std::mt19937_64 &random) {
  if (format.normalized)
    return floatBits(normalizedValue(format, random));
  uint64_t bits = random();
  if (format.kind == ChannelKind::Float) {
    if (format.bits == 32)
      return floatBits(float(int64_t(bits % 2001) - 1000) / 8);
    // Exponents from below the smallest subnormal half to above the largest finite one.
    float magnitude = std::ldexp(1.0f + float(bits % 8192) / 8192, int(bits >> 13 & 63) - 40);
    return floatBits(bits >> 20 & 1 ? -magnitude : magnitude);
  }
  if (format.bits == 32)
    return uint32_t(bits);
  uint32_t range = 1u << format.bits;
  uint32_t value = uint32_t(bits % range);
  if (format.kind == ChannelKind::Signed)
    return uint32_t(int32_t(value) - int32_t(range / 2));
  return value;
}

// The bytes of the sample the values convert to.
void writeSample(const Format &format, const uint32_t *values, uint8_t *sample) {
  for (uint32_t c = 0; c < format.channels; ++c) {
    uint8_t *channel = sample + c * format.bits / 8;
    if (format.normalized) {
      auto integer = uint16_t(normalizedReference(bitsFloat(values[c]), format.bits,
                                                  format.kind == ChannelKind::Signed));
      std::memcpy(channel, &integer, format.bits / 8); // two's complement, low bytes
    } else if (format.kind == ChannelKind::Float && format.bits == 16) {
      uint16_t half = nearestHalf(bitsFloat(values[c]));
      std::memcpy(channel, &half, 2);
    } else {
      std::memcpy(channel, &values[c], format.bits / 8); // in range: the low bytes
    }
  }
}

constexpr Format kFormats[] = {
    {ChannelKind::Float, 1, 32},    {ChannelKind::Float, 4, 32},   {ChannelKind::Float, 2, 16},
    {ChannelKind::Float, 4, 16},    {ChannelKind::Unsigned, 4, 8}, {ChannelKind::Signed, 2, 8},
    {ChannelKind::Unsigned, 1, 16}, {ChannelKind::Signed, 4, 16},  {ChannelKind::Unsigned, 2, 32},
    {ChannelKind::Signed, 1, 32},
};

Image formattedImage(const Format &format, Geometry geometry, std::mt19937_64 &random) {
  uint32_t height = geometry == Geometry::D1 ? 0 : 3, depth = geometry == Geometry::D3 ? 2 : 0;
  Image image = randomImage(format.kind, format.channels, format.bits, 5, height, depth, random);
  image.normalizedFormat = format.normalized;
  return image;
}

void checkFormattedStore(const Format &format, Geometry geometry, uint32_t vector,
                         const std::string &mode, std::mt19937_64 &random) {
  ImageObject object{true, formattedImage(format, geometry, random), Sampler{}};
  const Image &image = object.image;
  Image expected = image;
  uint32_t sampleBytes = image.elementBytes();
  std::vector<Operands> rows;
  std::set<size_t> taken;
  int margin = mode == "trap" ? 0 : 1;
  for (int attempt = 0; attempt < 200 && rows.size() < 24; ++attempt) {
    Operands row{};
    row[0] = uint32_t(int32_t(random() % (image.width + 2 * margin)) - margin);
    row[1] = uint32_t(int32_t(random() % (image.rows() + 2 * margin)) - margin);
    row[2] = uint32_t(int32_t(random() % (image.slices() + 2 * margin)) - margin);
    uint32_t values[4];
    for (uint32_t c = 0; c < 4; ++c)
      values[c] = row[4 + c] = randomValue(format, random);
    std::optional<size_t> at =
        ref::offset(image, geometry, int64_t(int32_t(row[0])) * sampleBytes, int32_t(row[1]),
                    int32_t(row[2]), 0, sampleBytes, mode == "clamp");
    if (at && !taken.insert(*at).second)
      continue;
    rows.push_back(row);
    if (at)
      writeSample(format, values, expected.texels.data() + *at);
  }
  std::string source = vector == 1 ? "%r5" : vector == 2 ? "{%r5, %r6}" : "{%r5, %r6, %r7, %r8}";
  std::string statement = std::string("  sust.p.") + ref::geometryName(geometry) +
                          (vector > 1 ? ".v" + std::to_string(vector) : std::string()) + ".b32." +
                          mode + " [%rd10, " + ref::coordinates(geometry) + "], " + source +
                          ";\n  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n"
                          "  mov.u32 %r12, 0;\n";
  std::vector<Bytes> images;
  runOk(imageLaunch(imageKernel(statement, 1, false), rows, {object}), images);
  for (size_t i = 0; i < expected.texels.size(); ++i)
    if (images[0].at<uint8_t>(i) != expected.texels.at<uint8_t>(i)) {
      ADD_FAILURE() << statement << " (" << format.channels << " x " << format.bits << "-bit kind "
                    << int(format.kind) << (format.normalized ? ", normalized" : "")
                    << "): surface byte " << i << " is " << int(images[0].at<uint8_t>(i))
                    << ", expected " << int(expected.texels.at<uint8_t>(i));
      break;
    }
}

PTX_CASE(SurfaceFormatted, StoreConvertsToEveryFormat) {
  std::mt19937_64 random = randomFor("SurfaceFormatted.StoreConvertsToEveryFormat");
  for (const Format &format : kFormats)
    for (Geometry geometry : {Geometry::D1, Geometry::D2, Geometry::D3})
      for (uint32_t vector : {1u, 2u, 4u}) {
        if (vector < format.channels)
          continue; // the sample's other channels would be unpredictable
        for (const char *mode : {"trap", "clamp", "zero"})
          checkFormattedStore(format, geometry, vector, mode, random);
      }
}

// UNORM / SNORM surfaces (cudaChannelFormatKind{Uns|S}ignedNormalized{8|16}X{1|2|4}): sust.p takes
// f32 values and converts them, clamping, rounding to nearest and NaN to 0.
PTX_CASE(SurfaceFormatted, StoreConvertsToNormalizedFormats) {
  std::mt19937_64 random = randomFor("SurfaceFormatted.StoreConvertsToNormalizedFormats");
  for (ChannelKind kind : {ChannelKind::Unsigned, ChannelKind::Signed})
    for (uint32_t bits : {8u, 16u})
      for (uint32_t channels : {1u, 2u, 4u})
        for (Geometry geometry : {Geometry::D1, Geometry::D2, Geometry::D3})
          for (uint32_t vector : {1u, 2u, 4u}) {
            if (vector < channels)
              continue; // the sample's other channels would be unpredictable
            for (const char *mode : {"trap", "clamp", "zero"})
              checkFormattedStore(Format{kind, channels, bits, true}, geometry, vector, mode,
                                  random);
          }
}

struct Reduction {
  const char *operation;
  bool wide; // .b64
};

template <typename T> T combine(const std::string &operation, T element, T operand) {
  if (operation == "add")
    return T(element + operand);
  if (operation == "min")
    return std::min(element, operand);
  if (operation == "max")
    return std::max(element, operand);
  if (operation == "and")
    return element & operand;
  return element | operand;
}

void checkFormattedReduction(const Reduction &reduction, ChannelKind kind, Geometry geometry,
                             const std::string &mode, std::mt19937_64 &random) {
  uint32_t sampleBytes = reduction.wide ? 8 : 4;
  uint32_t height = geometry == Geometry::D1 ? 0 : 3, depth = geometry == Geometry::D3 ? 2 : 0;
  ImageObject object{true, randomImage(kind, reduction.wide ? 2 : 1, 32, 4, height, depth, random),
                     Sampler{}};
  const Image &image = object.image;
  Image expected = image;
  std::vector<Operands> rows;
  int margin = mode == "trap" ? 0 : 1;
  bool isSigned = kind == ChannelKind::Signed;
  std::string operation = reduction.operation;
  for (int t = 0; t < 192; ++t) {
    Operands row{};
    row[0] = uint32_t(int32_t(random() % (image.width + 2 * margin)) - margin);
    row[1] = uint32_t(int32_t(random() % (image.rows() + 2 * margin)) - margin);
    row[2] = uint32_t(int32_t(random() % (image.slices() + 2 * margin)) - margin);
    uint64_t value = random() >> (random() % 64);
    row[4] = uint32_t(value);
    row[5] = uint32_t(value >> 32);
    rows.push_back(row);
    std::optional<size_t> at =
        ref::offset(image, geometry, int64_t(int32_t(row[0])) * sampleBytes, int32_t(row[1]),
                    int32_t(row[2]), 0, sampleBytes, mode == "clamp");
    if (!at)
      continue;
    if (reduction.wide && isSigned)
      expected.texels.set(*at,
                          combine(operation, expected.texels.at<int64_t>(*at), int64_t(value)));
    else if (reduction.wide)
      expected.texels.set(*at, combine(operation, expected.texels.at<uint64_t>(*at), value));
    else if (isSigned)
      expected.texels.set(*at,
                          combine(operation, expected.texels.at<int32_t>(*at), int32_t(row[4])));
    else
      expected.texels.set(*at, combine(operation, expected.texels.at<uint32_t>(*at), row[4]));
  }
  std::string statement = std::string("  mov.b64 %rd20, {%r5, %r6};\n  sured.p.") + operation +
                          "." + ref::geometryName(geometry) + (reduction.wide ? ".b64." : ".b32.") +
                          mode + " [%rd10, " + ref::coordinates(geometry) + "], " +
                          (reduction.wide ? "%rd20" : "%r5") +
                          ";\n  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n"
                          "  mov.u32 %r12, 0;\n";
  std::vector<Bytes> images;
  runOk(imageLaunch(imageKernel(statement, 1, false, 75, "8.1"), rows, {object}), images);
  for (size_t i = 0; i < expected.texels.size(); i += 4)
    if (images[0].at<uint32_t>(i) != expected.texels.at<uint32_t>(i)) {
      ADD_FAILURE() << statement << " (kind " << int(kind) << "): surface word " << i / 4 << " is "
                    << std::hex << images[0].at<uint32_t>(i) << ", expected "
                    << expected.texels.at<uint32_t>(i);
      break;
    }
}

PTX_CASE(SurfaceFormatted, ReductionFollowsTheFormatsSign) {
  std::mt19937_64 random = randomFor("SurfaceFormatted.ReductionFollowsTheFormatsSign");
  static const Reduction kReductions[] = {{"add", false}, {"min", false}, {"max", false},
                                          {"and", false}, {"or", false},  {"min", true},
                                          {"max", true}};
  for (const Reduction &reduction : kReductions)
    for (ChannelKind kind : {ChannelKind::Unsigned, ChannelKind::Signed})
      for (Geometry geometry : {Geometry::D1, Geometry::D2, Geometry::D3})
        for (const char *mode : {"trap", "clamp", "zero"})
          checkFormattedReduction(reduction, kind, geometry, mode, random);
}

} // namespace
} // namespace cuport::conformance
