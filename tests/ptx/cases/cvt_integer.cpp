// cvt to integers: from f16, f32 and f64 with .rni/.rzi/.rmi/.rpi (always saturating to the
// destination range, NaN to 0, as the ISA defines), .ftz on f32 sources, and between integer
// types with and without .sat.
#include "tests/ptx/cases/float_support.h"
#include "tests/ptx/elementwise.h"

namespace cuport::conformance {
namespace {

using namespace floats;

struct IntType {
  const char *name;
  int bits;
  bool isSigned;
  const char *reg; // destination register
  const char *store;
};
const IntType kIntTypes[] = {
    {"s8", 8, true, "%h2", "b8"},     {"u8", 8, false, "%h2", "b8"},
    {"s16", 16, true, "%h2", "b16"},  {"u16", 16, false, "%h2", "b16"},
    {"s32", 32, true, "%r6", "b32"},  {"u32", 32, false, "%r6", "b32"},
    {"s64", 64, true, "%rd8", "b64"}, {"u64", 64, false, "%rd8", "b64"},
};
const char *const kIntegerModes[] = {"rni", "rzi", "rmi", "rpi"};

long double roundIntegral(long double x, int mode) {
  switch (mode) {
  case 0:
    return std::nearbyint(x); // the default environment rounds to nearest even
  case 1:
    return std::trunc(x);
  case 2:
    return std::floor(x);
  default:
    return std::ceil(x);
  }
}

// The ISA's float-to-integer result: round, clamp to the range, NaN gives 0.
uint64_t toInteger(long double x, int mode, const IntType &type) {
  if (std::isnan(x))
    return 0;
  long double low = type.isSigned ? -std::ldexp(1.0L, type.bits - 1) : 0.0L;
  long double high = std::ldexp(1.0L, type.isSigned ? type.bits - 1 : type.bits) - 1;
  long double r = std::clamp(roundIntegral(x, mode), low, high);
  uint64_t mask = type.bits == 64 ? ~0ull : (1ull << type.bits) - 1;
  return (r < 0 ? uint64_t(int64_t(r)) : uint64_t(r)) & mask;
}

// Every destination type and mode from one source type: `load` reads the element into `reg`.
void checkFloatToInteger(const char *source, const std::vector<uint64_t> &values,
                         const std::function<long double(uint64_t)> &valueOf, const char *load,
                         const char *reg, bool ftz = false, unsigned sm = 75,
                         const std::string &version = "8.0", bool byteDestinations = true) {
  auto included = [&](const IntType &type) { return byteDestinations || type.bits > 8; };
  Bytes in;
  for (uint64_t v : values)
    in.push(v);
  std::string body = std::string(load) + " " + reg + ", [%rd4];\n";
  size_t slot = 0;
  for (const IntType &type : kIntTypes)
    for (int mode = 0; mode < 4 && included(type); ++mode, ++slot) {
      body += std::string("cvt.") + kIntegerModes[mode] + (ftz ? ".ftz." : ".") + type.name + "." +
              source + " " + type.reg + ", " + reg + ";\n";
      body += std::string("st.global.") + type.store + " [%rd6+" + std::to_string(slot * 8) +
              "], " + type.reg + ";\n";
    }
  Bytes out = runElementwise(body, in, values.size(), 8, slot * 8, sm, version);
  int failures = 0;
  for (size_t e = 0; e < values.size() && failures < 10; ++e) {
    long double x = valueOf(values[e]);
    size_t s = 0;
    for (const IntType &type : kIntTypes)
      for (int mode = 0; mode < 4 && included(type); ++mode, ++s) {
        uint64_t mask = type.bits == 64 ? ~0ull : (1ull << type.bits) - 1;
        uint64_t got = out.at<uint64_t>(e * slot * 8 + s * 8) & mask;
        uint64_t want = toInteger(x, mode, type);
        if (got != want && ++failures <= 10)
          ADD_FAILURE() << "cvt." << kIntegerModes[mode] << (ftz ? ".ftz." : ".") << type.name
                        << "." << source << " of " << double(x) << " (0x" << std::hex << values[e]
                        << ") gave 0x" << got << ", expected 0x" << want;
      }
  }
}

// Values where rounding and saturation matter: halves, range ends of every destination type.
std::vector<long double> integerEdges() {
  std::vector<long double> edges;
  for (int bits : {8, 16, 32, 64})
    for (long double base : {std::ldexp(1.0L, bits - 1), std::ldexp(1.0L, bits)})
      for (long double delta : {-1.5L, -1.0L, -0.5L, 0.0L, 0.5L, 1.0L})
        for (long double sign : {1.0L, -1.0L})
          edges.push_back(sign * (base + delta));
  for (long double v : {0.5L, 1.5L, 2.5L, -0.5L, -1.5L, -2.5L, 0.49999997L, -0.75L, 3.75L})
    edges.push_back(v);
  return edges;
}

PTX_CASE(CvtInteger, FromF32) {
  std::vector<uint64_t> values;
  for (uint32_t v : samples32("CvtInteger.FromF32", kRandomSamples))
    values.push_back(v);
  for (long double v : integerEdges())
    values.push_back(bits32(float(v)));
  std::mt19937_64 random = randomFor("CvtInteger.FromF32.range");
  for (size_t i = 0; i < kRandomSamples; ++i) // magnitudes within every destination's range
    values.push_back((uint32_t(random()) & 0x807fffff) | (uint32_t(random() % 70 + 120) << 23));
  checkFloatToInteger(
      "f32", values, [](uint64_t v) { return (long double)f32(uint32_t(v)); }, "ld.global.f32",
      "%f1");
}

PTX_CASE(CvtInteger, FromF32Ftz) {
  std::vector<uint64_t> values = {0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
                                  0x00800000, 0x3f000000, 0x3fc00000, 0xbfc00000};
  checkFloatToInteger(
      "f32", values,
      [](uint64_t v) {
        float x = f32(uint32_t(v));
        return (long double)(std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x);
      },
      "ld.global.f32", "%f1", true);
}

PTX_CASE(CvtInteger, FromF64) {
  std::vector<uint64_t> values = samples64("CvtInteger.FromF64", kRandomSamples);
  for (long double v : integerEdges())
    values.push_back(bits64(double(v)));
  std::mt19937_64 random = randomFor("CvtInteger.FromF64.range");
  for (size_t i = 0; i < kRandomSamples; ++i)
    values.push_back((random() & 0x800fffffffffffffull) | ((random() % 70 + 1016) << 52));
  checkFloatToInteger(
      "f64", values, [](uint64_t v) { return (long double)f64(v); }, "ld.global.f64", "%fd1");
}

PTX_CASE(CvtInteger, FromF16EveryPattern) {
  std::vector<uint64_t> values;
  for (uint32_t bits = 0; bits < 0x10000; ++bits)
    values.push_back(bits);
  checkFloatToInteger(
      "f16", values,
      [](uint64_t v) -> long double {
        uint32_t bits = uint32_t(v);
        if (kHalf.isNaN(bits))
          return NAN;
        if ((bits & 0x7fff) == 0x7c00)
          return bits & 0x8000 ? -INFINITY : INFINITY;
        return kHalf.value(bits);
      },
      "ld.global.b16", "%h1");
}

// bf16 sources (sm_90) to every 16-, 32- and 64-bit integer type (the ISA has no 8-bit form).
PTX_CASE(CvtInteger, FromBf16EveryPattern) {
  std::vector<uint64_t> values;
  for (uint32_t bits = 0; bits < 0x10000; ++bits)
    values.push_back(bits);
  checkFloatToInteger(
      "bf16", values,
      [](uint64_t v) -> long double {
        uint32_t bits = uint32_t(v);
        if (kBfloat.isNaN(bits))
          return NAN;
        if ((bits & 0x7fff) == 0x7f80)
          return bits & 0x8000 ? -INFINITY : INFINITY;
        return kBfloat.value(bits);
      },
      "ld.global.b16", "%h1", false, 90, "7.8", false);
}

// The ISA allows .sat between integers only where the source's range exceeds the destination's
// (ptxas refuses cvt.sat.s32.s16 and its kin).
bool canSaturate(const IntType &to, const IntType &from) {
  return to.bits < from.bits || (from.isSigned && !to.isSigned) ||
         (to.bits == from.bits && to.isSigned != from.isSigned);
}

// Integer to integer: truncation or extension, and with .sat clamping to the destination range.
PTX_CASE(CvtInteger, BetweenIntegersWithSat) {
  const IntType sources[] = {
      {"s8", 8, true, "%h1", "s8"},     {"u8", 8, false, "%h1", "u8"},
      {"s16", 16, true, "%h1", "s16"},  {"u16", 16, false, "%h1", "u16"},
      {"s32", 32, true, "%r5", "s32"},  {"u32", 32, false, "%r5", "u32"},
      {"s64", 64, true, "%rd7", "s64"}, {"u64", 64, false, "%rd7", "u64"},
  };
  std::vector<uint64_t> values = edgeInts64();
  for (uint64_t v : edgeInts32())
    values.push_back(v);
  for (uint64_t v : {0x7full, 0x80ull, 0xffull, 0x7fffull, 0x8000ull, 0xffffull, 0xff80ull,
                     0xffffffffffffff80ull, 0xffffffffffff8000ull})
    values.push_back(v);
  std::mt19937_64 random = randomFor("CvtInteger.BetweenIntegersWithSat");
  for (size_t i = 0; i < 512; ++i)
    values.push_back(random() >> (random() % 64));
  Bytes in;
  for (uint64_t v : values)
    in.push(v);
  for (const IntType &from : sources) {
    std::string body = std::string("ld.global.") + from.store + " " + from.reg + ", [%rd4];\n";
    size_t slot = 0;
    for (const IntType &to : kIntTypes)
      for (bool sat : {false, true}) {
        if (sat && !canSaturate(to, from))
          continue;
        body += std::string("cvt") + (sat ? ".sat." : ".") + to.name + "." + from.name + " " +
                to.reg + ", " + from.reg + ";\n";
        body += std::string("st.global.") + to.store + " [%rd6+" + std::to_string(slot * 8) +
                "], " + to.reg + ";\n";
        ++slot;
      }
    Bytes out = runElementwise(body, in, values.size(), 8, slot * 8);
    int failures = 0;
    for (size_t e = 0; e < values.size(); ++e) {
      // The source value: the element's low bits, sign- or zero-extended.
      uint64_t raw = values[e];
      __int128 x;
      if (from.bits == 64)
        x = from.isSigned ? __int128(int64_t(raw)) : __int128(raw);
      else {
        uint64_t low = raw & ((1ull << from.bits) - 1);
        bool negative = from.isSigned && (low >> (from.bits - 1));
        x = negative ? __int128(low) - (__int128(1) << from.bits) : __int128(low);
      }
      size_t s = 0;
      for (const IntType &to : kIntTypes)
        for (bool sat : {false, true}) {
          if (sat && !canSaturate(to, from))
            continue;
          uint64_t mask = to.bits == 64 ? ~0ull : (1ull << to.bits) - 1;
          __int128 value = x;
          if (sat) {
            __int128 low = to.isSigned ? -(__int128(1) << (to.bits - 1)) : 0;
            __int128 high = (__int128(1) << (to.isSigned ? to.bits - 1 : to.bits)) - 1;
            value = std::clamp(value, low, high);
          }
          uint64_t want = uint64_t(value) & mask;
          uint64_t got = out.at<uint64_t>(e * slot * 8 + s * 8) & mask;
          if (got != want && ++failures <= 10)
            ADD_FAILURE() << "cvt" << (sat ? ".sat." : ".") << to.name << "." << from.name
                          << " of 0x" << std::hex << raw << " gave 0x" << got << ", expected 0x"
                          << want;
          ++s;
        }
    }
  }
}

// 8- and 16-bit types in 32-bit registers (PTX ISA 5.2.4, operand size exceeding the type): the
// source is chopped to its type, the result extended to the register by the destination's
// signedness.
PTX_CASE(CvtInteger, WideRegisters) {
  auto chop = [](uint64_t value, int bits, bool isSigned) -> int64_t {
    uint64_t low = value & ((1ull << bits) - 1);
    return isSigned && (low >> (bits - 1)) ? int64_t(low) - (int64_t(1) << bits) : int64_t(low);
  };
  struct Form {
    const char *text;
    int toBits, fromBits;
    bool toSigned, fromSigned, sat;
  };
  const Form forms[] = {
      {"cvt.s8.s32", 8, 32, true, true, false},       {"cvt.u8.s32", 8, 32, false, true, false},
      {"cvt.s32.s8", 32, 8, true, true, false},       {"cvt.u32.u16", 32, 16, false, false, false},
      {"cvt.s16.u8", 16, 8, true, false, false},      {"cvt.u16.s8", 16, 8, false, true, false},
      {"cvt.sat.s8.s32", 8, 32, true, true, true},    {"cvt.sat.u8.s32", 8, 32, false, true, true},
      {"cvt.sat.s16.u16", 16, 16, true, false, true}, {"cvt.sat.u8.s16", 8, 16, false, true, true},
  };
  for (const Form &form : forms) {
    checkOperation({{"b32"}, {"b32"}, std::string("  ") + form.text + " %r0, %a0;"},
                   [&](const uint64_t *a, uint64_t *r) {
                     int64_t x = chop(a[0], form.fromBits, form.fromSigned);
                     if (form.sat) {
                       int64_t low = form.toSigned ? -(int64_t(1) << (form.toBits - 1)) : 0;
                       int64_t high =
                           (int64_t(1) << (form.toSigned ? form.toBits - 1 : form.toBits)) - 1;
                       x = std::clamp(x, low, high);
                     }
                     r[0] = uint32_t(chop(uint64_t(x), form.toBits, form.toSigned));
                   });
  }
}

} // namespace
} // namespace cuport::conformance
