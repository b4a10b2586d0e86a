// cvt to the packed and narrow formats: f16x2 / bf16x2 from two f32 (.rn, .rz, .relu,
// .satfinite), tf32 (.rna, .rn, .rz, .satfinite), e4m3x2 / e5m2x2 from f32 pairs and f16x2 and
// back to f16x2. References pick the nearest representable value among all patterns of the
// format (ties to the even pattern, or away from zero for .rna).
#include "tests/ptx/cases/float_support.h"

#include <map>

namespace cuport::conformance {
namespace {

using namespace floats;

// Every finite value of an 8-bit float, by pattern.
struct ByteFormat {
  int exponentBits, mantissaBits, bias;
  bool hasInfinity;
  long double value(uint8_t bits) const {
    int field = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
    int mantissa = bits & ((1 << mantissaBits) - 1);
    long double magnitude = field ? std::ldexp((long double)(mantissa | (1 << mantissaBits)),
                                               field - bias - mantissaBits)
                                  : std::ldexp((long double)mantissa, 1 - bias - mantissaBits);
    return bits & 0x80 ? -magnitude : magnitude;
  }
  bool isNaN(uint8_t bits) const {
    int field = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
    int mantissa = bits & ((1 << mantissaBits) - 1);
    if (!hasInfinity)
      return (bits & 0x7f) == 0x7f;
    return field == (1 << exponentBits) - 1 && mantissa;
  }
  bool isInfinite(uint8_t bits) const {
    return hasInfinity && (bits & 0x7f) == ((1 << exponentBits) - 1) << mantissaBits;
  }
  uint8_t largest() const { return hasInfinity ? 0x7b : 0x7e; }
  // .rn.satfinite: nearest finite value (ties to even pattern), beyond the largest: the largest.
  uint8_t round(long double x) const {
    if (std::isnan(x))
      return 0x7f;
    uint8_t sign = std::signbit(x) ? 0x80 : 0;
    long double magnitude = std::fabs(x);
    if (magnitude >= value(largest()))
      return sign | largest();
    uint8_t best = 0;
    for (uint8_t p = 0; p <= largest(); ++p) {
      long double distance = std::fabs(value(p) - magnitude),
                  bestDistance = std::fabs(value(best) - magnitude);
      if (distance < bestDistance || (distance == bestDistance && !(p & 1)))
        best = p;
    }
    return sign | best;
  }
};
const ByteFormat kE4M3{4, 3, 7, false}, kE5M2{5, 2, 15, true};

uint16_t halfWithSatRelu(const NarrowFormat &f, float x, Mode mode, bool relu, bool satfinite) {
  uint16_t result;
  if (std::isnan(x))
    result = 0x7fff;
  else if (std::isinf(x))
    result = uint16_t(f.infinity() | (x < 0 ? f.signBit() : 0));
  else
    result = uint16_t(f.round(x, mode));
  if (satfinite && (result & 0x7fff) == f.infinity())
    result = uint16_t((result & 0x8000) | f.maxFinite());
  if (relu && !std::isnan(x) && (result & 0x8000))
    result = 0;
  return result;
}

PTX_CASE(CvtNarrow, PackedHalvesFromF32) {
  std::vector<uint32_t> pool = samples32("CvtNarrow.PackedHalvesFromF32", kRandomSamples);
  for (uint32_t v : {0x477fefffu, 0x477ff000u, 0x47800000u, 0x7f7f8000u, 0x7f7fffffu, 0x33000000u})
    pool.push_back(v);
  Bytes in;
  for (size_t i = 0; i < pool.size(); ++i)
    in.push(pool[i]).push(pool[(i * 13 + 5) % pool.size()]);
  struct Variant {
    std::string text;
    bool bfloat;
    Mode mode;
    bool relu, satfinite;
  };
  // Every combination: f16x2 / bf16x2, .rn / .rz, with and without .relu and .satfinite.
  std::vector<Variant> variants;
  for (bool bfloat : {false, true})
    for (Mode mode : {Mode::rn, Mode::rz})
      for (bool relu : {false, true})
        for (bool satfinite : {false, true})
          variants.push_back({std::string("cvt.") + modeName(mode) + (relu ? ".relu" : "") +
                                  (satfinite ? ".satfinite" : "") +
                                  (bfloat ? ".bf16x2" : ".f16x2") + ".f32",
                              bfloat, mode, relu, satfinite});
  std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n";
  size_t slot = 0;
  for (const Variant &v : variants)
    body += std::string(v.text) + " %r5, %f1, %f2;\nst.global.b32 [%rd6+" +
            std::to_string(4 * slot++) + "], %r5;\n";
  Bytes out = runElementwise(body, in, pool.size(), 8, 4 * slot, 90, "8.1");
  int failures = 0;
  for (size_t e = 0; e < pool.size(); ++e) {
    float a = in.at<float>(e * 8), b = in.at<float>(e * 8 + 4);
    for (size_t s = 0; s < slot; ++s) {
      const Variant &v = variants[s];
      const NarrowFormat &f = v.bfloat ? kBfloat : kHalf;
      uint32_t want = uint32_t(halfWithSatRelu(f, a, v.mode, v.relu, v.satfinite)) << 16 |
                      halfWithSatRelu(f, b, v.mode, v.relu, v.satfinite);
      uint32_t got = out.at<uint32_t>(e * 4 * slot + 4 * s);
      auto lanesMatch = [&](int shift) {
        uint16_t g = uint16_t(got >> shift), w = uint16_t(want >> shift);
        // NaN lanes: any NaN, except the canonical one .relu promises.
        return g == w || (f.isNaN(g) && f.isNaN(w) && !v.relu);
      };
      if (!(lanesMatch(0) && lanesMatch(16)) && ++failures <= 10)
        ADD_FAILURE() << v.text << " (" << a << ", " << b << ") gave 0x" << std::hex << got
                      << ", expected 0x" << want;
    }
  }
}

// The scalar forms: cvt.frnd2{.relu}{.satfinite}.{f16,bf16}.f32 d, a.
PTX_CASE(CvtNarrow, ScalarHalvesFromF32) {
  std::vector<uint32_t> pool = samples32("CvtNarrow.ScalarHalvesFromF32", kRandomSamples);
  for (uint32_t v : {0x477fefffu, 0x477ff000u, 0x47800000u, 0x7f7f8000u, 0x7f7fffffu, 0x33000000u,
                     0xc77ff000u, 0xff7fffffu, 0x80000000u, 0xff800000u})
    pool.push_back(v);
  Bytes in;
  for (uint32_t v : pool)
    in.push(v);
  struct Variant {
    std::string text;
    bool bfloat;
    Mode mode;
    bool relu, satfinite;
  };
  std::vector<Variant> variants;
  for (bool bfloat : {false, true})
    for (Mode mode : {Mode::rn, Mode::rz})
      for (bool relu : {false, true})
        for (bool satfinite : {false, true})
          if (relu || satfinite)
            variants.push_back({std::string("cvt.") + modeName(mode) + (relu ? ".relu" : "") +
                                    (satfinite ? ".satfinite" : "") + (bfloat ? ".bf16" : ".f16") +
                                    ".f32",
                                bfloat, mode, relu, satfinite});
  std::string body = "ld.global.f32 %f1, [%rd4];\n";
  for (size_t s = 0; s < variants.size(); ++s)
    body +=
        variants[s].text + " %h1, %f1;\nst.global.b16 [%rd6+" + std::to_string(2 * s) + "], %h1;\n";
  Bytes out = runElementwise(body, in, pool.size(), 4, 2 * variants.size(), 90, "8.1");
  int failures = 0;
  for (size_t e = 0; e < pool.size(); ++e) {
    float a = in.at<float>(e * 4);
    for (size_t s = 0; s < variants.size(); ++s) {
      const Variant &v = variants[s];
      const NarrowFormat &f = v.bfloat ? kBfloat : kHalf;
      uint16_t want = halfWithSatRelu(f, a, v.mode, v.relu, v.satfinite);
      uint16_t got = out.at<uint16_t>(e * 2 * variants.size() + 2 * s);
      // NaN: any NaN, except the canonical one .relu promises.
      bool same = got == want || (f.isNaN(got) && f.isNaN(want) && !v.relu);
      if (!same && ++failures <= 10)
        ADD_FAILURE() << v.text << " (" << a << ") gave 0x" << std::hex << got << ", expected 0x"
                      << want;
    }
  }
}

uint32_t tf32Reference(float x, const std::string &mode, bool satfinite, bool relu) {
  if (std::isnan(x))
    return 0x7fffffff;
  uint32_t sign = std::signbit(x) ? 0x80000000u : 0;
  uint32_t result;
  if (std::isinf(x)) {
    result = bits32(x);
  } else {
    const NarrowFormat tf32{8, 10};
    uint32_t down = tf32.round(x, Mode::rz),
             up = tf32.round(x, std::signbit(x) ? Mode::rm : Mode::rp);
    uint32_t chosen;
    if (mode == "rz") {
      chosen = down;
    } else if (mode == "rn") {
      chosen = tf32.round(x, Mode::rn);
    } else { // rna: nearest, ties away from zero
      long double below = std::fabs(tf32.value(down)), x_ = std::fabs((long double)x);
      long double above = (up & (tf32.signBit() - 1)) == tf32.infinity()
                              ? std::ldexp(1.0L, 128)
                              : std::fabs(tf32.value(up));
      chosen = x_ - below < above - x_ ? down : up;
    }
    result = (chosen & (tf32.signBit() - 1)) << 13 | sign;
  }
  if (satfinite && (result & 0x7fffffff) == 0x7f800000)
    result = sign | 0x7f7fe000;
  if (relu && sign)
    result = 0;
  return result;
}

PTX_CASE(CvtNarrow, Tf32) {
  std::vector<uint32_t> pool = samples32("CvtNarrow.Tf32", kRandomSamples);
  for (uint32_t v : {0x3f801000u, 0x3f803000u, 0x3f800fffu, 0x7f7ff000u, 0x7f7fefffu, 0xbf801000u})
    pool.push_back(v);
  Bytes in;
  for (uint32_t v : pool)
    in.push(v);
  struct Variant {
    std::string text, mode;
    bool satfinite, relu;
  };
  // .rna with and without .satfinite (sm_80); .rn / .rz with and without .relu (sm_90; with
  // .satfinite they need sm_100, which ptxas enforces).
  std::vector<Variant> variants = {{"cvt.rna.tf32.f32", "rna", false, false},
                                   {"cvt.rna.satfinite.tf32.f32", "rna", true, false}};
  for (const char *mode : {"rn", "rz"})
    for (bool relu : {false, true})
      variants.push_back(
          {std::string("cvt.") + mode + (relu ? ".relu" : "") + ".tf32.f32", mode, false, relu});
  std::string body = "ld.global.f32 %f1, [%rd4];\n";
  size_t slot = 0;
  for (const Variant &v : variants)
    body += std::string(v.text) + " %r5, %f1;\nst.global.b32 [%rd6+" + std::to_string(4 * slot++) +
            "], %r5;\n";
  Bytes out = runElementwise(body, in, pool.size(), 4, 4 * slot, 90, "8.1");
  int failures = 0;
  for (size_t e = 0; e < pool.size(); ++e)
    for (size_t s = 0; s < slot; ++s) {
      float x = in.at<float>(e * 4);
      uint32_t want = tf32Reference(x, variants[s].mode, variants[s].satfinite, variants[s].relu);
      uint32_t got = out.at<uint32_t>(e * 4 * slot + 4 * s);
      if (got != want && ++failures <= 10)
        ADD_FAILURE() << variants[s].text << " (" << x << ", 0x" << std::hex << bits32(x)
                      << ") gave 0x" << got << ", expected 0x" << want;
    }
}

PTX_CASE(CvtNarrow, Fp8PairsFromF32AndF16x2) {
  std::vector<uint32_t> pool = samples32("CvtNarrow.Fp8PairsFromF32AndF16x2", kRandomSamples);
  std::mt19937_64 random = randomFor("CvtNarrow.Fp8.range");
  for (size_t i = 0; i < kRandomSamples; ++i) // the e4m3 / e5m2 ranges
    pool.push_back((uint32_t(random()) & 0x807fffff) | (uint32_t(random() % 36 + 105) << 23));
  for (uint32_t v : {0x43e00000u, 0x43e80000u, 0x43f00000u, 0x47600000u, 0x47700000u, 0x3b000000u,
                     0x3a800000u, 0x37800000u, 0x37000000u})
    pool.push_back(v);
  Bytes in;
  for (size_t i = 0; i < pool.size(); ++i) {
    float a = f32(pool[i]), b = f32(pool[(i * 7 + 3) % pool.size()]);
    // The f16x2 operand: the same values rounded to f16 (b low, a high).
    uint32_t halves = kHalf.round(std::isfinite(b) ? (long double)b : 0.0L, Mode::rn) |
                      kHalf.round(std::isfinite(a) ? (long double)a : 0.0L, Mode::rn) << 16;
    in.push(bits32(a)).push(bits32(b)).push(halves);
  }
  const char *formats[] = {"e4m3x2", "e5m2x2"};
  std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n"
                     "ld.global.b32 %r5, [%rd4+8];\n";
  size_t slot = 0;
  for (const char *format : formats)
    for (const char *relu : {"", ".relu"}) {
      body += std::string("cvt.rn.satfinite") + relu + "." + format + ".f32 %h1, %f1, %f2;\n" +
              "st.global.b16 [%rd6+" + std::to_string(2 * slot++) + "], %h1;\n";
      body += std::string("cvt.rn.satfinite") + relu + "." + format + ".f16x2 %h1, %r5;\n" +
              "st.global.b16 [%rd6+" + std::to_string(2 * slot++) + "], %h1;\n";
      // And back: the pair just converted from f16x2, widened to f16x2 again.
      body += std::string("cvt.rn") + relu + ".f16x2." + format + " %r6, %h1;\n" +
              "st.global.b32 [%rd6+" + std::to_string(2 * slot) + "], %r6;\n";
      slot += 2;
    }
  Bytes out = runElementwise(body, in, pool.size(), 12, 2 * slot, 89, "8.1");
  int failures = 0;
  for (size_t e = 0; e < pool.size(); ++e) {
    float a = in.at<float>(e * 12), b = in.at<float>(e * 12 + 4);
    uint32_t halves = in.at<uint32_t>(e * 12 + 8);
    size_t s = 0;
    for (int fmt = 0; fmt < 2; ++fmt)
      for (bool relu : {false, true}) {
        const ByteFormat &f = fmt ? kE5M2 : kE4M3;
        auto convert = [&](long double x) {
          uint8_t r = f.round(x);
          if (relu && !std::isnan(x) && (r & 0x80))
            r = 0;
          return r;
        };
        auto halfValue = [&](uint16_t h) -> long double {
          if (kHalf.isNaN(h))
            return NAN;
          if ((h & 0x7fff) == 0x7c00)
            return h & 0x8000 ? -INFINITY : INFINITY;
          return kHalf.value(h);
        };
        uint16_t wantF32 = uint16_t(convert(a) << 8 | convert(b));
        uint16_t wantF16 = uint16_t(convert(halfValue(uint16_t(halves >> 16))) << 8 |
                                    convert(halfValue(uint16_t(halves))));
        uint16_t gotF32 = out.at<uint16_t>(e * 2 * slot + 2 * s);
        uint16_t gotF16 = out.at<uint16_t>(e * 2 * slot + 2 * s + 2);
        uint32_t gotBack = out.at<uint32_t>(e * 2 * slot + 2 * s + 4);
        // The widened pair: the same (exact) values as f16, NaN as the canonical 0x7fff.
        auto widen = [&](uint8_t byte) -> uint16_t {
          if (f.isNaN(byte))
            return 0x7fff;
          if (f.isInfinite(byte))
            return byte & 0x80 ? 0xfc00 : 0x7c00;
          uint16_t h = uint16_t(kHalf.round(f.value(byte), Mode::rn));
          return relu && (h & 0x8000) ? 0 : h;
        };
        uint32_t wantBack = uint32_t(widen(uint8_t(gotF16 >> 8))) << 16 | widen(uint8_t(gotF16));
        const char *name = fmt ? "e5m2x2" : "e4m3x2";
        if ((gotF32 != wantF32 || gotF16 != wantF16 || gotBack != wantBack) && ++failures <= 10)
          ADD_FAILURE() << name << (relu ? " relu" : "") << " (" << a << ", " << b
                        << "): from f32 0x" << std::hex << gotF32 << " want 0x" << wantF32
                        << ", from f16x2 0x" << gotF16 << " want 0x" << wantF16 << ", back 0x"
                        << gotBack << " want 0x" << wantBack;
        s += 4;
      }
  }
}

} // namespace
} // namespace cuport::conformance
