// The edge operands every 32-bit and 64-bit case starts from, as bit patterns.
#include "tests/ptx/conformance.h"

#include <algorithm>

namespace cuport::conformance {
namespace {

template <typename T> std::vector<T> unique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Zeros, small magnitudes of both signs, powers of two and their neighbours, the signed and
// unsigned extremes, and alternating bit patterns.
template <typename T> std::vector<T> integerEdges() {
  constexpr unsigned kBits = sizeof(T) * 8;
  std::vector<T> values;
  for (T small = 0; small <= 4; ++small) {
    values.push_back(small);
    values.push_back(T(0) - small);
  }
  for (unsigned bit = 0; bit < kBits; ++bit) {
    T power = T(1) << bit;
    values.push_back(power);
    values.push_back(power - 1);
    values.push_back(power + 1);
    values.push_back(T(0) - power);
  }
  T signBit = T(1) << (kBits - 1);
  values.push_back(signBit - 1);
  values.push_back(signBit);
  values.push_back(signBit + 1);
  values.push_back(~T(0));
  values.push_back(~T(0) - 1);
  values.push_back(T(0x5555555555555555ull));
  values.push_back(T(0xaaaaaaaaaaaaaaaaull));
  values.push_back(T(0x0f0f0f0f0f0f0f0full));
  values.push_back(T(0xf0f0f0f0f0f0f0f0ull));
  values.push_back(T(0x0123456789abcdefull));
  values.push_back(T(0xfedcba9876543210ull));
  return unique(values);
}

// Floats of an IEEE format with `mantissaBits` stored mantissa bits: both zeros, the smallest and
// largest denormals, the smallest and largest normals, ones and neighbours of one, halves and
// small integers (rounding ties), both infinities, quiet and signalling NaNs with payloads.
template <typename T> std::vector<T> floatEdges(unsigned mantissaBits) {
  constexpr unsigned kBits = sizeof(T) * 8;
  const unsigned exponentBits = kBits - 1 - mantissaBits;
  const T sign = T(1) << (kBits - 1);
  const T mantissaMask = (T(1) << mantissaBits) - 1;
  const T exponentMask = T((T(1) << exponentBits) - 1) << mantissaBits;
  const T bias = (T(1) << (exponentBits - 1)) - 1;
  auto withExponent = [&](T exponent, T mantissa) {
    return T(exponent << mantissaBits | mantissa);
  };
  std::vector<T> magnitudes = {
      0,                                                     // zero
      1,                                                     // smallest denormal
      2,                                                     // another denormal
      mantissaMask,                                          // largest denormal
      T(T(1) << (mantissaBits - 1)),                         // a denormal of half the range
      withExponent(1, 0),                                    // smallest normal
      withExponent(1, 1),                                    // just above it
      withExponent(bias, 0),                                 // 1.0
      withExponent(bias, 1),                                 // just above one
      withExponent(bias - 1, mantissaMask),                  // just below one
      withExponent(bias - 1, 0),                             // 0.5
      withExponent(bias + 1, 0),                             // 2.0
      withExponent(bias + 1, T(T(1) << (mantissaBits - 1))), // 3.0
      withExponent(bias + 2, T(T(1) << (mantissaBits - 2))), // 5.0
      withExponent(bias - 2, T(T(1) << (mantissaBits - 1))), // 0.375
      withExponent(bias + 1, T(T(1) << (mantissaBits - 2))), // 2.5: a rounding tie
      withExponent(bias + mantissaBits, 1),     // the last exponent with a fraction bit
      withExponent(bias + mantissaBits + 1, 0), // the first all-integer exponent
      T(exponentMask - (T(1) << mantissaBits) + mantissaMask), // the largest finite
      exponentMask,                                            // infinity
      T(exponentMask | (T(1) << (mantissaBits - 1))),          // the canonical quiet NaN
      T(exponentMask | mantissaMask),                          // a quiet NaN, every payload bit
      T(exponentMask | 1),                                     // a signalling NaN
      T(exponentMask | (T(1) << (mantissaBits - 1)) | 5),      // a quiet NaN with a payload
  };
  std::vector<T> values;
  for (T magnitude : magnitudes) {
    values.push_back(magnitude);
    values.push_back(T(magnitude | sign));
  }
  return unique(values);
}

} // namespace

const std::vector<uint32_t> &edgeInts32() {
  static const std::vector<uint32_t> values = integerEdges<uint32_t>();
  return values;
}

const std::vector<uint64_t> &edgeInts64() {
  static const std::vector<uint64_t> values = integerEdges<uint64_t>();
  return values;
}

const std::vector<uint32_t> &edgeFloats32() {
  static const std::vector<uint32_t> values = floatEdges<uint32_t>(23);
  return values;
}

const std::vector<uint64_t> &edgeFloats64() {
  static const std::vector<uint64_t> values = floatEdges<uint64_t>(52);
  return values;
}

const std::vector<uint16_t> &edgeHalves() {
  static const std::vector<uint16_t> values = floatEdges<uint16_t>(10);
  return values;
}

const std::vector<uint16_t> &edgeBfloats() {
  static const std::vector<uint16_t> values = floatEdges<uint16_t>(7);
  return values;
}

} // namespace cuport::conformance
