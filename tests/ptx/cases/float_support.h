// Shared pieces of the floating-point and conversion cases: an elementwise kernel (one thread per
// element) and host references written from the PTX ISA's definitions: IEEE 754 rounding in the
// four directed modes through <cfenv>, and the narrow formats (f16, bf16) rounded by choosing
// between the two neighbouring representable values.
#pragma once

#include "tests/ptx/conformance.h"

#include <algorithm>
#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace cuport::conformance::floats {

enum class Mode { rn, rz, rm, rp };
inline constexpr Mode kModes[] = {Mode::rn, Mode::rz, Mode::rm, Mode::rp};
inline const char *modeName(Mode mode) {
  static const char *const kNames[] = {"rn", "rz", "rm", "rp"};
  return kNames[int(mode)];
}
inline int hostMode(Mode mode) {
  static const int kHost[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
  return kHost[int(mode)];
}

// Runs `compute` with the host FPU in `mode`; the volatiles in the callers keep the compiler from
// folding or moving the operation out of the mode.
template <typename Compute> auto inMode(Mode mode, Compute compute) {
  int saved = std::fegetround();
  std::fesetround(hostMode(mode));
  auto result = compute();
  std::fesetround(saved);
  return result;
}

inline float f32(uint32_t bits) {
  return std::bit_cast<float>(bits);
}
inline double f64(uint64_t bits) {
  return std::bit_cast<double>(bits);
}
inline uint32_t bits32(float value) {
  return std::bit_cast<uint32_t>(value);
}
inline uint64_t bits64(double value) {
  return std::bit_cast<uint64_t>(value);
}

// A kernel that runs `body` once per element, with %rd4 pointing at the element's input
// (inStride bytes each) and %rd6 at its output (outStride bytes each). Registers for the body:
// %f<16> f32, %fd<16> f64, %r<16> b32 (%r1..%r4 taken), %rd<16> b64 (%rd1..%rd6 taken),
// %h<16> b16, %p<8> pred (%p7 taken).
inline std::string elementwiseKernel(const std::string &body, size_t count, size_t inStride,
                                     size_t outStride, unsigned sm = 75,
                                     const std::string &version = "8.0") {
  return header(sm, version) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .f32 %f<16>;
  .reg .f64 %fd<16>;
  .reg .b32 %r<16>;
  .reg .b64 %rd<16>;
  .reg .b16 %h<16>;
  .reg .pred %p<8>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.u32 %r4, %r1, %r2, %r3;
  setp.ge.u32 %p7, %r4, )" +
         std::to_string(count) +
         R"(;
  @%p7 bra DONE;
  mul.wide.u32 %rd3, %r4, )" +
         std::to_string(inStride) + R"(;
  add.u64 %rd4, %rd1, %rd3;
  mul.wide.u32 %rd5, %r4, )" +
         std::to_string(outStride) + R"(;
  add.u64 %rd6, %rd2, %rd5;
)" + body +
         R"(
DONE:
  ret;
}
)";
}

// Runs the elementwise kernel over `in` (count elements) and returns the outputs.
inline Bytes runElementwise(const std::string &body, const Bytes &in, size_t count, size_t inStride,
                            size_t outStride, unsigned sm = 75,
                            const std::string &version = "8.0") {
  Launch launch;
  launch.ptx = elementwiseKernel(body, count, inStride, outStride, sm, version);
  launch.block.x = 256;
  launch.grid.x = uint32_t((count + 255) / 256);
  launch.in = in;
  launch.outSize = count * outStride;
  return runOk(launch);
}

// Edge values and random bit patterns (half of them near 1.0, where rounding is dense).
inline std::vector<uint32_t> samples32(const std::string &name, size_t randoms) {
  std::vector<uint32_t> values = edgeFloats32();
  std::mt19937_64 random = randomFor(name);
  for (size_t i = 0; i < randoms; ++i) {
    uint32_t bits = uint32_t(random());
    values.push_back(i % 2 ? bits : (bits & 0x807fffff) | ((uint32_t(random()) % 16 + 120) << 23));
  }
  return values;
}
inline std::vector<uint64_t> samples64(const std::string &name, size_t randoms) {
  std::vector<uint64_t> values = edgeFloats64();
  std::mt19937_64 random = randomFor(name);
  for (size_t i = 0; i < randoms; ++i) {
    uint64_t bits = random();
    values.push_back(i % 2 ? bits
                           : (bits & 0x800fffffffffffffull) | ((random() % 16 + 1016) << 52));
  }
  return values;
}

// NaN results may carry any payload unless the ISA names one: equal when both are NaN.
inline bool sameFloat(uint32_t got, uint32_t want) {
  return got == want || (std::isnan(f32(got)) && std::isnan(f32(want)));
}
inline bool sameDouble(uint64_t got, uint64_t want) {
  return got == want || (std::isnan(f64(got)) && std::isnan(f64(want)));
}

// A narrow binary format (f16: 5 exponent and 10 fraction bits, bf16: 8 and 7) and its values.
struct NarrowFormat {
  int exponentBits, fractionBits;
  // The value of a bit pattern (finite patterns only).
  long double value(uint32_t bits) const {
    uint32_t fraction = bits & ((1u << fractionBits) - 1);
    int biased = int((bits >> fractionBits) & ((1u << exponentBits) - 1));
    int bias = (1 << (exponentBits - 1)) - 1;
    long double magnitude = biased ? std::ldexp((long double)(fraction | (1u << fractionBits)),
                                                biased - bias - fractionBits)
                                   : std::ldexp((long double)fraction, 1 - bias - fractionBits);
    return (bits >> (exponentBits + fractionBits)) & 1 ? -magnitude : magnitude;
  }
  uint32_t signBit() const { return 1u << (exponentBits + fractionBits); }
  uint32_t infinity() const { return ((1u << exponentBits) - 1) << fractionBits; }
  uint32_t maxFinite() const { return infinity() - 1; }
  bool isNaN(uint32_t bits) const {
    return (bits & infinity()) == infinity() && (bits & ((1u << fractionBits) - 1));
  }

  // Rounds the exact value x (finite) as IEEE 754 defines it: the neighbours below and above,
  // the choice by mode (ties to the even pattern for rn), overflow past the largest finite value
  // to infinity or to that value as the mode directs.
  uint32_t round(long double x, Mode mode) const {
    bool negative = std::signbit(x);
    uint32_t sign = negative ? signBit() : 0;
    long double magnitude = std::fabs(x);
    long double largest = value(maxFinite());
    // Largest magnitude pattern whose value is <= |x| (binary search over ordered patterns).
    uint32_t low = 0, high = maxFinite();
    if (magnitude >= largest) {
      low = maxFinite();
    } else {
      while (low < high) {
        uint32_t mid = (low + high + 1) / 2;
        if (value(mid) <= magnitude)
          low = mid;
        else
          high = mid - 1;
      }
    }
    long double below = value(low);
    bool exact = below == magnitude;
    long double above = low == maxFinite()
                            ? std::ldexp(1.0L, (1 << (exponentBits - 1))) // 2^(emax+1)
                            : value(low + 1);
    uint32_t up = low + 1; // maxFinite + 1 is the infinity pattern
    if (exact)
      return sign | low;
    bool towardUp = false; // away from zero
    switch (mode) {
    case Mode::rn: {
      long double toBelow = magnitude - below, toAbove = above - magnitude;
      towardUp = toAbove < toBelow || (toAbove == toBelow && (low & 1));
      break;
    }
    case Mode::rz:
      break;
    case Mode::rm:
      towardUp = negative;
      break;
    case Mode::rp:
      towardUp = !negative;
      break;
    }
    return sign | (towardUp ? up : low);
  }
};
inline constexpr NarrowFormat kHalf{5, 10};
inline constexpr NarrowFormat kBfloat{8, 7};

} // namespace cuport::conformance::floats
