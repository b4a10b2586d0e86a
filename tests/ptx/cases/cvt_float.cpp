// cvt between floating-point formats and from integers to floats, in every rounding mode the ISA
// allows. References: the host FPU in the same IEEE 754 mode for f32/f64 results, the
// neighbour-choosing rounding of float_support.h for f16 and bf16 results.
#include "tests/ptx/cases/float_support.h"

namespace cuport::conformance {
namespace {

using namespace floats;

// The exact value of an f16 / bf16 pattern, for operands.
float halfValue(uint16_t bits) {
  return kHalf.isNaN(bits) ? NAN
         : bits == 0x7c00  ? INFINITY
         : bits == 0xfc00  ? -INFINITY
                           : float(kHalf.value(bits));
}

struct Source {
  const char *type; // PTX type
  const char *load; // ld.global type and register class
  const char *reg;
  size_t width;
};
const Source kF32{"f32", "f32", "%f1", 4}, kF64{"f64", "f64", "%fd1", 8};
const Source kS32{"s32", "s32", "%r5", 4}, kU32{"u32", "u32", "%r5", 4};
const Source kS64{"s64", "s64", "%rd7", 8}, kU64{"u64", "u64", "%rd7", 8};
const Source kS16{"s16", "s16", "%h5", 2}, kU16{"u16", "u16", "%h5", 2};
const Source kS8{"s8", "s8", "%h5", 1}, kU8{"u8", "u8", "%h5", 1};

// The exact source value of element bytes `bits`.
long double sourceValue(const Source &source, uint64_t bits) {
  std::string t = source.type;
  if (t == "f32")
    return f32(uint32_t(bits));
  if (t == "f64")
    return f64(bits);
  if (t == "s32")
    return int32_t(uint32_t(bits));
  if (t == "u32")
    return uint32_t(bits);
  if (t == "s64")
    return int64_t(bits);
  if (t == "s16")
    return int16_t(uint16_t(bits));
  if (t == "u16")
    return uint16_t(bits);
  if (t == "s8")
    return int8_t(uint8_t(bits));
  if (t == "u8")
    return uint8_t(bits);
  return bits;
}

std::vector<uint64_t> sourceSamples(const Source &source, const std::string &name) {
  std::vector<uint64_t> values;
  std::string t = source.type;
  if (t == "f32") {
    for (uint32_t v : samples32(name, kRandomSamples))
      values.push_back(v);
    // Values near the f16 and bf16 ranges' ends and ties.
    for (uint32_t v : {0x477fe000u, 0x477ff000u, 0x477fefffu, 0x33800000u, 0x33000000u, 0x33000001u,
                       0x387fc000u, 0x3f801000u, 0x3f803000u, 0x7f7f8000u})
      values.push_back(v);
    std::mt19937_64 random = randomFor(name + ".f16range");
    for (size_t i = 0; i < kRandomSamples; ++i) // exponents around the f16 range
      values.push_back((uint32_t(random()) & 0x807fffff) | (uint32_t(random() % 40 + 97) << 23));
  } else if (t == "f64") {
    values = samples64(name, kRandomSamples);
    std::mt19937_64 random = randomFor(name + ".f32range");
    for (size_t i = 0; i < kRandomSamples; ++i) // exponents around the f32 and f16 ranges
      values.push_back((random() & 0x800fffffffffffffull) | ((random() % 320 + 860) << 52));
  } else {
    std::mt19937_64 random = randomFor(name);
    bool wide = source.width == 8;
    for (uint64_t v : wide ? edgeInts64() : std::vector<uint64_t>())
      values.push_back(v);
    if (!wide)
      for (uint32_t v : edgeInts32())
        values.push_back(v);
    for (size_t i = 0; i < kRandomSamples; ++i) {
      uint64_t v = random() >> (random() % 64);
      values.push_back(wide ? v : uint32_t(v));
    }
  }
  return values;
}

// cvt.<mode>.<dest>.<source> over the samples, every mode in one kernel.
void checkToFloat(const Source &source, const char *dest, const std::string &name, unsigned sm = 75,
                  const std::string &version = "8.0",
                  const std::vector<Mode> &modes = {Mode::rn, Mode::rz, Mode::rm, Mode::rp}) {
  std::vector<uint64_t> values = sourceSamples(source, name);
  std::string d = dest;
  size_t outWidth = d == "f64" ? 8 : d == "f32" ? 4 : 2;
  Bytes in;
  for (uint64_t v : values)
    in.push(v);
  std::string body = std::string("ld.global.") + source.load + " " + source.reg + ", [%rd4];\n";
  const char *outReg = d == "f64" ? "%fd2" : d == "f32" ? "%f2" : "%h2";
  const char *store = d == "f64" ? "f64" : d == "f32" ? "f32" : "b16";
  for (size_t m = 0; m < modes.size(); ++m) {
    body += std::string("cvt.") + modeName(modes[m]) + "." + d + "." + source.type + " " + outReg +
            ", " + source.reg + ";\n";
    body += std::string("st.global.") + store + " [%rd6+" + std::to_string(m * outWidth) + "], " +
            outReg + ";\n";
  }
  Bytes out = runElementwise(body, in, values.size(), 8, modes.size() * outWidth, sm, version);
  int failures = 0;
  for (size_t e = 0; e < values.size() && failures < 10; ++e) {
    long double x = sourceValue(source, values[e]);
    for (size_t m = 0; m < modes.size(); ++m) {
      size_t at = e * modes.size() * outWidth + m * outWidth;
      uint64_t got = 0, want = 0;
      bool same = false;
      if (d == "f32" || d == "f64") {
        volatile long double exact = x;
        volatile double wide = double(x); // exact: only used for an f64 source
        if (d == "f32") {
          float r = inMode(modes[m], [&] {
            volatile float narrowed =
                std::string(source.type) == "f64" ? float(wide) : float(exact);
            return float(narrowed);
          });
          got = out.at<uint32_t>(at);
          want = bits32(r);
          same = sameFloat(uint32_t(got), uint32_t(want));
        } else {
          double r = inMode(modes[m], [&] {
            volatile double narrowed = double(exact);
            return double(narrowed);
          });
          got = out.at<uint64_t>(at);
          want = bits64(r);
          same = sameDouble(got, want);
        }
      } else {
        const NarrowFormat &format = d == "f16" ? kHalf : kBfloat;
        got = out.at<uint16_t>(at);
        if (std::isnan(x)) {
          same = format.isNaN(uint32_t(got));
          want = format.infinity() | (1u << (format.fractionBits - 1));
        } else if (std::isinf(x)) {
          want = format.infinity() | (x < 0 ? format.signBit() : 0);
          same = got == want;
        } else {
          want = format.round(x, modes[m]);
          same = got == want;
        }
      }
      if (!same) {
        ++failures;
        ADD_FAILURE() << "cvt." << modeName(modes[m]) << "." << d << "." << source.type << " of 0x"
                      << std::hex << values[e] << " gave 0x" << got << ", expected 0x" << want;
      }
    }
  }
}

PTX_CASE(CvtFloat, F64ToF32) {
  checkToFloat(kF64, "f32", "CvtFloat.F64ToF32");
}
PTX_CASE(CvtFloat, F32ToF16) {
  checkToFloat(kF32, "f16", "CvtFloat.F32ToF16");
}
PTX_CASE(CvtFloat, F64ToF16) {
  checkToFloat(kF64, "f16", "CvtFloat.F64ToF16");
}
PTX_CASE(CvtFloat, F32ToBf16) {
  checkToFloat(kF32, "bf16", "CvtFloat.F32ToBf16", 80, "8.0", {Mode::rn, Mode::rz});
}
PTX_CASE(CvtFloat, F64ToBf16) {
  checkToFloat(kF64, "bf16", "CvtFloat.F64ToBf16", 90, "7.8");
}
PTX_CASE(CvtFloat, S32ToBf16) {
  checkToFloat(kS32, "bf16", "CvtFloat.S32ToBf16", 90, "7.8");
}
PTX_CASE(CvtFloat, U64ToBf16) {
  checkToFloat(kU64, "bf16", "CvtFloat.U64ToBf16", 90, "7.8");
}
PTX_CASE(CvtFloat, S32ToF32) {
  checkToFloat(kS32, "f32", "CvtFloat.S32ToF32");
}
PTX_CASE(CvtFloat, U32ToF32) {
  checkToFloat(kU32, "f32", "CvtFloat.U32ToF32");
}
PTX_CASE(CvtFloat, S64ToF32) {
  checkToFloat(kS64, "f32", "CvtFloat.S64ToF32");
}
PTX_CASE(CvtFloat, U64ToF32) {
  checkToFloat(kU64, "f32", "CvtFloat.U64ToF32");
}
PTX_CASE(CvtFloat, S64ToF64) {
  checkToFloat(kS64, "f64", "CvtFloat.S64ToF64");
}
PTX_CASE(CvtFloat, U64ToF64) {
  checkToFloat(kU64, "f64", "CvtFloat.U64ToF64");
}
PTX_CASE(CvtFloat, S32ToF16) {
  checkToFloat(kS32, "f16", "CvtFloat.S32ToF16");
}
PTX_CASE(CvtFloat, U32ToF16) {
  checkToFloat(kU32, "f16", "CvtFloat.U32ToF16");
}
PTX_CASE(CvtFloat, S64ToF16) {
  checkToFloat(kS64, "f16", "CvtFloat.S64ToF16");
}
PTX_CASE(CvtFloat, U64ToF16) {
  checkToFloat(kU64, "f16", "CvtFloat.U64ToF16");
}
PTX_CASE(CvtFloat, S32ToF64) {
  checkToFloat(kS32, "f64", "CvtFloat.S32ToF64");
}
PTX_CASE(CvtFloat, U32ToF64) {
  checkToFloat(kU32, "f64", "CvtFloat.U32ToF64");
}
PTX_CASE(CvtFloat, U32ToBf16) {
  checkToFloat(kU32, "bf16", "CvtFloat.U32ToBf16", 90, "7.8");
}
PTX_CASE(CvtFloat, S64ToBf16) {
  checkToFloat(kS64, "bf16", "CvtFloat.S64ToBf16", 90, "7.8");
}
PTX_CASE(CvtFloat, F32ToBf16DirectedModes) {
  checkToFloat(kF32, "bf16", "CvtFloat.F32ToBf16DirectedModes", 90, "7.8", {Mode::rm, Mode::rp});
}
// 8- and 16-bit integers (sign- or zero-extended from the register's low bits) to every float
// format; bf16 takes 16-bit sources only.
PTX_CASE(CvtFloat, SmallIntegersToFloat) {
  for (const Source &source : {kS16, kU16, kS8, kU8})
    for (const char *dest : {"f16", "f32", "f64"})
      checkToFloat(source, dest, std::string("CvtFloat.SmallIntegersToFloat.") + source.type);
  for (const Source &source : {kS16, kU16})
    checkToFloat(source, "bf16", std::string("CvtFloat.SmallIntegersToFloat.bf16.") + source.type,
                 90, "7.8");
}
// .sat on an integer source: the rounded result clamped to [0, 1].
PTX_CASE(CvtFloat, IntegerToFloatSat) {
  std::vector<uint64_t> values;
  for (uint32_t v : edgeInts32())
    values.push_back(v);
  Bytes in;
  for (uint64_t v : values)
    in.push(v);
  Bytes out = runElementwise("ld.global.s32 %r5, [%rd4];\n"
                             "cvt.rn.sat.f32.s32 %f2, %r5;\n st.global.f32 [%rd6], %f2;\n"
                             "cvt.rz.sat.f16.u32 %h2, %r5;\n st.global.b16 [%rd6+4], %h2;\n"
                             "cvt.rm.sat.f64.s32 %fd2, %r5;\n st.global.f64 [%rd6+8], %fd2;\n",
                             in, values.size(), 8, 16);
  for (size_t e = 0; e < values.size(); ++e) {
    int32_t s = int32_t(uint32_t(values[e]));
    uint32_t u = uint32_t(values[e]);
    float wantF32 = s <= 0 ? 0.0f : 1.0f;
    uint16_t wantF16 = u == 0 ? 0 : 0x3c00;
    double wantF64 = s <= 0 ? 0.0 : 1.0;
    EXPECT_EQ(out.at<uint32_t>(e * 16), bits32(wantF32)) << s;
    EXPECT_EQ(out.at<uint16_t>(e * 16 + 4), wantF16) << u;
    EXPECT_EQ(out.at<uint64_t>(e * 16 + 8), bits64(wantF64)) << s;
  }
}

// Widening is exact and takes no rounding modifier: every f16 pattern to f32 and f64.
PTX_CASE(CvtFloat, F16WidensExactly) {
  Bytes in;
  for (uint32_t bits = 0; bits < 0x10000; ++bits)
    in.push(uint16_t(bits));
  Bytes out = runElementwise("ld.global.b16 %h1, [%rd4];\n"
                             "cvt.f32.f16 %f1, %h1;\n st.global.f32 [%rd6], %f1;\n"
                             "cvt.f64.f16 %fd1, %h1;\n st.global.f64 [%rd6+8], %fd1;\n",
                             in, 0x10000, 2, 16);
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float want = halfValue(uint16_t(bits));
    float got = out.at<float>(bits * 16);
    double gotWide = out.at<double>(bits * 16 + 8);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got) && std::isnan(gotWide)) << std::hex << bits;
    } else {
      ASSERT_EQ(bits32(got), bits32(want)) << std::hex << bits;
      ASSERT_EQ(bits64(gotWide), bits64(double(want))) << std::hex << bits;
    }
  }
}

// Conversions between the four float formats (and with .sat / .ftz), each checked bit for bit
// against the rounding of float_support.h. Results of every statement land in 8-byte slots.
enum class Format { f16, bf16, f32, f64 };

const char *formatName(Format format) {
  static const char *const kNames[] = {"f16", "bf16", "f32", "f64"};
  return kNames[int(format)];
}
const NarrowFormat kSingle{8, 23};

bool isNaNPattern(Format format, uint64_t bits) {
  switch (format) {
  case Format::f16:
    return kHalf.isNaN(uint32_t(bits & 0xffff));
  case Format::bf16:
    return kBfloat.isNaN(uint32_t(bits & 0xffff));
  case Format::f32:
    return std::isnan(f32(uint32_t(bits)));
  default:
    return std::isnan(f64(bits));
  }
}

// The exact value of a pattern (NaN and infinities included).
long double valueOf(Format format, uint64_t bits) {
  if (isNaNPattern(format, bits))
    return NAN;
  if (format == Format::f32)
    return f32(uint32_t(bits));
  if (format == Format::f64)
    return f64(bits);
  const NarrowFormat &f = format == Format::f16 ? kHalf : kBfloat;
  uint32_t pattern = uint32_t(bits & 0xffff);
  if ((pattern & ~f.signBit()) == f.infinity())
    return pattern & f.signBit() ? -INFINITY : INFINITY;
  return f.value(pattern);
}

// x (exact, or NaN / infinite) rounded to `format` in `mode`; NaN as the format's default NaN
// (compared as "any NaN").
uint64_t roundTo(Format format, long double x, Mode mode) {
  if (format == Format::f64) {
    volatile long double exact = x;
    return bits64(inMode(mode, [&] {
      volatile double narrowed = double(exact);
      return double(narrowed);
    }));
  }
  const NarrowFormat &f = format == Format::f16    ? kHalf
                          : format == Format::bf16 ? kBfloat
                                                   : kSingle;
  if (std::isnan(x))
    return f.infinity() | (1u << (f.fractionBits - 1));
  if (std::isinf(x))
    return f.infinity() | (x < 0 ? f.signBit() : 0);
  return f.round(x, mode);
}

// Sign-preserving zero for subnormal values of f32 (.ftz).
long double flushSingle(long double x) {
  return std::isfinite(x) && x != 0 && std::fabs(x) < std::ldexp(1.0L, -126)
             ? std::copysign(0.0L, x)
             : x;
}

struct Conversion {
  std::string text; // the cvt with its modifiers, e.g. "cvt.rni.f32.f32"
  Format to;
  std::function<uint64_t(long double)> reference; // from the exact source value
};

void checkConversions(Format from, const std::vector<uint64_t> &values,
                      const std::vector<Conversion> &conversions, unsigned sm = 75,
                      const std::string &version = "8.0") {
  auto reg = [](Format f, int n) {
    return std::string(f == Format::f64   ? "%fd"
                       : f == Format::f32 ? "%f"
                                          : "%h") +
           std::to_string(n);
  };
  auto memoryType = [](Format f) {
    return f == Format::f64 ? "f64" : f == Format::f32 ? "f32" : "b16";
  };
  Bytes in;
  for (uint64_t v : values)
    in.push(v);
  std::string body =
      std::string("ld.global.") + memoryType(from) + " " + reg(from, 1) + ", [%rd4];\n";
  for (size_t c = 0; c < conversions.size(); ++c) {
    Format to = conversions[c].to;
    body += conversions[c].text + " " + reg(to, 2) + ", " + reg(from, 1) + ";\n";
    body += std::string("st.global.") + memoryType(to) + " [%rd6+" + std::to_string(8 * c) + "], " +
            reg(to, 2) + ";\n";
  }
  Bytes out = runElementwise(body, in, values.size(), 8, 8 * conversions.size(), sm, version);
  int failures = 0;
  for (size_t e = 0; e < values.size(); ++e) {
    long double x = valueOf(from, values[e]);
    for (size_t c = 0; c < conversions.size(); ++c) {
      Format to = conversions[c].to;
      size_t width = to == Format::f64 ? 8 : to == Format::f32 ? 4 : 2;
      uint64_t mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
      uint64_t got = out.at<uint64_t>(e * 8 * conversions.size() + 8 * c) & mask;
      uint64_t want = conversions[c].reference(x) & mask;
      bool same = got == want || (isNaNPattern(to, got) && isNaNPattern(to, want));
      if (!same && ++failures <= 10)
        ADD_FAILURE() << conversions[c].text << " of 0x" << std::hex << values[e] << " gave 0x"
                      << got << ", expected 0x" << want;
    }
  }
}

std::vector<uint64_t> everyHalfPattern() {
  std::vector<uint64_t> values;
  for (uint64_t bits = 0; bits < 0x10000; ++bits)
    values.push_back(bits);
  return values;
}

std::vector<uint64_t> singleSamples(const std::string &name) {
  std::vector<uint64_t> values;
  for (uint32_t v : samples32(name, kRandomSamples))
    values.push_back(v);
  for (uint32_t v : {0x3f000000u, 0x3fc00000u, 0x40200000u, 0xbf000000u, 0xbfc00000u, 0x3f7fffffu,
                     0x3f800001u, 0x4b000001u, 0xcb7fffffu, 0x00000001u, 0x807fffffu})
    values.push_back(v);
  return values;
}

long double roundIntegral(long double x, Mode mode) {
  switch (mode) {
  case Mode::rn:
    return std::nearbyint(x); // the default environment rounds to nearest even
  case Mode::rz:
    return std::trunc(x);
  case Mode::rm:
    return std::floor(x);
  default:
    return std::ceil(x);
  }
}
const char *integralName(Mode mode) {
  static const char *const kNames[] = {"rni", "rzi", "rmi", "rpi"};
  return kNames[int(mode)];
}

// .sat: the result clamped to [0.0, 1.0], NaN to +0.0.
long double saturateUnit(long double x) {
  return std::isnan(x) || x == 0 ? 0.0L : std::clamp(x, 0.0L, 1.0L); // -0.0 too
}

// Same-type cvt with .rni/.rzi/.rmi/.rpi: the value rounded to an integral value in the same
// format (exact, so the format cannot round it again); f32 also with .ftz and .sat.
void checkRoundToIntegral(Format format, const std::vector<uint64_t> &values, unsigned sm = 75,
                          const std::string &version = "8.0") {
  std::vector<Conversion> conversions;
  for (Mode mode : kModes) {
    std::string text = std::string("cvt.") + integralName(mode) + "." + formatName(format) + "." +
                       formatName(format);
    conversions.push_back({text, format, [=](long double x) {
                             return roundTo(format, roundIntegral(x, mode), Mode::rn);
                           }});
    if (format == Format::f32) {
      conversions.push_back(
          {std::string("cvt.") + integralName(mode) + ".ftz.sat.f32.f32", format,
           [=](long double x) {
             return roundTo(format, saturateUnit(roundIntegral(flushSingle(x), mode)), Mode::rn);
           }});
    }
  }
  if (format != Format::bf16) // .sat alone: no rounding, only the clamp
    conversions.push_back(
        {std::string("cvt.sat.") + formatName(format) + "." + formatName(format), format,
         [=](long double x) { return roundTo(format, saturateUnit(x), Mode::rn); }});
  checkConversions(format, values, conversions, sm, version);
}

PTX_CASE(CvtFloat, RoundToIntegralF16) {
  checkRoundToIntegral(Format::f16, everyHalfPattern());
}
PTX_CASE(CvtFloat, RoundToIntegralBf16) {
  checkRoundToIntegral(Format::bf16, everyHalfPattern(), 90, "7.8");
}
PTX_CASE(CvtFloat, RoundToIntegralF32) {
  checkRoundToIntegral(Format::f32, singleSamples("CvtFloat.RoundToIntegralF32"));
}
PTX_CASE(CvtFloat, RoundToIntegralF64) {
  std::vector<uint64_t> values = samples64("CvtFloat.RoundToIntegralF64", kRandomSamples);
  for (double v : {0.5, 1.5, 2.5, -0.5, -2.5, 4503599627370495.5, -0.49999999999999994})
    values.push_back(bits64(v));
  checkRoundToIntegral(Format::f64, values);
}

// f16 <-> bf16 (sm_90): neither holds the other, so both directions round; no modifier means .rn.
PTX_CASE(CvtFloat, BetweenF16AndBf16) {
  for (Format from : {Format::f16, Format::bf16}) {
    Format to = from == Format::f16 ? Format::bf16 : Format::f16;
    std::vector<Conversion> conversions;
    for (Mode mode : kModes)
      conversions.push_back(
          {std::string("cvt.") + modeName(mode) + "." + formatName(to) + "." + formatName(from), to,
           [=](long double x) { return roundTo(to, x, mode); }});
    conversions.push_back({std::string("cvt.") + formatName(to) + "." + formatName(from), to,
                           [=](long double x) { return roundTo(to, x, Mode::rn); }});
    checkConversions(from, everyHalfPattern(), conversions, 90, "7.8");
  }
}

// bf16 widens exactly to f32 and f64; the ISA also takes (and has no use for) a rounding
// modifier there.
PTX_CASE(CvtFloat, Bf16WidensExactly) {
  std::vector<Conversion> conversions;
  for (Format to : {Format::f32, Format::f64}) {
    conversions.push_back({std::string("cvt.") + formatName(to) + ".bf16", to,
                           [=](long double x) { return roundTo(to, x, Mode::rn); }});
    conversions.push_back({std::string("cvt.rp.") + formatName(to) + ".bf16", to,
                           [=](long double x) { return roundTo(to, x, Mode::rn); }});
  }
  conversions.push_back({"cvt.ftz.f32.bf16", Format::f32, [](long double x) {
                           return roundTo(Format::f32, flushSingle(x), Mode::rn);
                         }});
  checkConversions(Format::bf16, everyHalfPattern(), conversions, 90, "7.8");
}

// .ftz flushes f32 subnormal operands and results; .sat clamps float results to [0, 1].
PTX_CASE(CvtFloat, FtzAndSatBetweenFormats) {
  std::vector<uint64_t> singles = singleSamples("CvtFloat.FtzAndSatBetweenFormats");
  std::vector<Conversion> fromSingle = {
      {"cvt.ftz.f32.f32", Format::f32,
       [](long double x) { return roundTo(Format::f32, flushSingle(x), Mode::rn); }},
      {"cvt.f64.f32", Format::f64, [](long double x) { return roundTo(Format::f64, x, Mode::rn); }},
      {"cvt.ftz.f64.f32", Format::f64,
       [](long double x) { return roundTo(Format::f64, flushSingle(x), Mode::rn); }},
      {"cvt.sat.f64.f32", Format::f64,
       [](long double x) { return roundTo(Format::f64, saturateUnit(x), Mode::rn); }},
      {"cvt.ftz.sat.f64.f32", Format::f64,
       [](long double x) { return roundTo(Format::f64, saturateUnit(flushSingle(x)), Mode::rn); }},
      {"cvt.rn.ftz.f16.f32", Format::f16,
       [](long double x) { return roundTo(Format::f16, flushSingle(x), Mode::rn); }},
      {"cvt.rm.sat.f16.f32", Format::f16,
       [](long double x) { return roundTo(Format::f16, saturateUnit(x), Mode::rm); }},
  };
  checkConversions(Format::f32, singles, fromSingle);

  std::vector<uint64_t> doubles = samples64("CvtFloat.FtzAndSatBetweenFormats.f64", kRandomSamples);
  std::mt19937_64 random = randomFor("CvtFloat.FtzAndSatBetweenFormats.subnormal");
  for (size_t i = 0; i < kRandomSamples / 4; ++i) // around the f32 subnormal range
    doubles.push_back((random() & 0x800fffffffffffffull) | ((random() % 40 + 850) << 52));
  std::vector<Conversion> fromDouble;
  for (Mode mode : kModes) {
    fromDouble.push_back(
        {std::string("cvt.") + modeName(mode) + ".ftz.f32.f64", Format::f32, [=](long double x) {
           // The f64 rounds to f32 first; a subnormal result then flushes.
           uint64_t r = roundTo(Format::f32, x, mode);
           return roundTo(Format::f32, flushSingle(f32(uint32_t(r))), Mode::rn);
         }});
    fromDouble.push_back(
        {std::string("cvt.") + modeName(mode) + ".sat.f32.f64", Format::f32,
         [=](long double x) { return roundTo(Format::f32, saturateUnit(x), mode); }});
  }
  fromDouble.push_back({"cvt.sat.f64.f64", Format::f64, [](long double x) {
                          return roundTo(Format::f64, saturateUnit(x), Mode::rn);
                        }});
  checkConversions(Format::f64, doubles, fromDouble);

  std::vector<Conversion> fromHalf = {
      {"cvt.ftz.f32.f16", Format::f32,
       [](long double x) { return roundTo(Format::f32, x, Mode::rn); }},
      {"cvt.sat.f32.f16", Format::f32,
       [](long double x) { return roundTo(Format::f32, saturateUnit(x), Mode::rn); }},
      {"cvt.sat.f64.f16", Format::f64,
       [](long double x) { return roundTo(Format::f64, saturateUnit(x), Mode::rn); }},
  };
  checkConversions(Format::f16, everyHalfPattern(), fromHalf);
}

} // namespace
} // namespace cuport::conformance
