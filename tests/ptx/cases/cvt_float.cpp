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

} // namespace
} // namespace cuport::conformance
