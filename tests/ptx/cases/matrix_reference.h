// The host side of the matrix cases (matrix_mma.cpp, matrix_wmma.cpp): element types, random
// inputs whose products and sums are exact in double, and D's elements rounded once from the exact
// result, as the PTX ISA's matrix instructions define them.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cuport::conformance::matrix {

enum class Type { F16, BF16, TF32, F32, F64, S8, U8, S32, E4M3, E5M2, S4, U4, B1 };

inline const char *typeName(Type type) {
  switch (type) {
  case Type::F16:
    return "f16";
  case Type::BF16:
    return "bf16";
  case Type::TF32:
    return "tf32";
  case Type::F32:
    return "f32";
  case Type::F64:
    return "f64";
  case Type::S8:
    return "s8";
  case Type::U8:
    return "u8";
  case Type::E4M3:
    return "e4m3";
  case Type::E5M2:
    return "e5m2";
  case Type::S4:
    return "s4";
  case Type::U4:
    return "u4";
  case Type::B1:
    return "b1";
  default:
    return "s32";
  }
}

inline unsigned bitsOf(Type type) {
  switch (type) {
  case Type::F16:
  case Type::BF16:
    return 16;
  case Type::S8:
  case Type::U8:
  case Type::E4M3:
  case Type::E5M2:
    return 8;
  case Type::S4:
  case Type::U4:
    return 4;
  case Type::B1:
    return 1;
  case Type::F64:
    return 64;
  default:
    return 32;
  }
}

inline double fromHalf(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f;
  double mantissa = bits & 0x3ff;
  double value = exponent == 0 ? mantissa * std::pow(2.0, -24)
                               : (1024 + mantissa) * std::pow(2.0, exponent - 25);
  return (bits & 0x8000) ? -value : value;
}

// The nearest f16 (ties to the even encoding) by search over the finite values.
inline uint16_t toHalf(double value) {
  static const std::vector<double> finite = [] {
    std::vector<double> values;
    for (uint32_t bits = 0; bits < 0x7c00; ++bits)
      values.push_back(fromHalf(uint16_t(bits)));
    return values;
  }();
  uint16_t sign = value < 0 ? 0x8000 : 0;
  double magnitude = std::fabs(value);
  if (magnitude >= 65520.0)
    return sign | 0x7c00;
  auto above = std::lower_bound(finite.begin(), finite.end(), magnitude);
  auto upper = uint16_t(above - finite.begin());
  if (*above == magnitude || upper == 0)
    return sign | upper;
  double up = *above - magnitude, down = magnitude - finite[upper - 1];
  if (up < down || (up == down && upper % 2 == 0))
    return sign | upper;
  return sign | uint16_t(upper - 1);
}

// A random input element as its bits and its value. Floating values have exponents in
// [-6, 1], so every product and sum of a fragment is exact in double.
struct Drawn {
  uint64_t bits;
  double real;
  int64_t integer;
};

inline Drawn draw(Type type, std::mt19937_64 &random) {
  auto exponent = [&] { return int(random() % 8) - 6; };
  bool negative = random() % 2;
  switch (type) {
  case Type::F16: {
    auto bits =
        uint16_t((negative ? 0x8000 : 0) | uint32_t(exponent() + 15) << 10 | (random() & 0x3ff));
    return {bits, fromHalf(bits), 0};
  }
  case Type::BF16: {
    auto bits =
        uint16_t((negative ? 0x8000 : 0) | uint32_t(exponent() + 127) << 7 | (random() & 0x7f));
    return {bits, double(std::bit_cast<float>(uint32_t(bits) << 16)), 0};
  }
  case Type::TF32: {
    auto bits = uint32_t((negative ? 0x80000000u : 0) | uint32_t(exponent() + 127) << 23 |
                         (random() & 0x7fffff));
    return {bits, double(std::bit_cast<float>(bits & 0xffffe000u)), 0};
  }
  case Type::F32: {
    auto bits = uint32_t((negative ? 0x80000000u : 0) | uint32_t(exponent() + 127) << 23 |
                         (random() & 0x7fffff));
    return {bits, double(std::bit_cast<float>(bits)), 0};
  }
  case Type::F64: {
    double value = double(int(random() % 64) - 32) / 8.0;
    return {std::bit_cast<uint64_t>(value), value, 0};
  }
  case Type::S8: {
    auto value = int8_t(random());
    return {uint8_t(value), 0, value};
  }
  case Type::U8: {
    auto value = uint8_t(random());
    return {value, 0, value};
  }
  case Type::E4M3: { // normal values: exponent bias 7, three mantissa bits
    unsigned mantissa = random() & 0x7;
    auto bits = uint8_t((negative ? 0x80 : 0) | unsigned(exponent() + 7) << 3 | mantissa);
    double value = std::ldexp(1.0 + mantissa / 8.0, int((bits >> 3) & 0xf) - 7);
    return {bits, negative ? -value : value, 0};
  }
  case Type::E5M2: { // normal values: exponent bias 15, two mantissa bits
    unsigned mantissa = random() & 0x3;
    auto bits = uint8_t((negative ? 0x80 : 0) | unsigned(exponent() + 15) << 2 | mantissa);
    double value = std::ldexp(1.0 + mantissa / 4.0, int((bits >> 2) & 0x1f) - 15);
    return {bits, negative ? -value : value, 0};
  }
  case Type::S4: {
    int value = int(random() % 16) - 8;
    return {uint64_t(value) & 0xf, 0, value};
  }
  case Type::U4: {
    int value = int(random() % 16);
    return {uint64_t(value), 0, value};
  }
  case Type::B1: {
    int value = int(random() % 2);
    return {uint64_t(value), 0, value};
  }
  default: { // S32: small values, or values near the ends of the range (wrap and .satfinite)
    int64_t value = random() % 2 ? int64_t(int32_t(random() % 2000000) - 1000000)
                                 : (negative ? INT32_MIN + int64_t(random() % 100000)
                                             : INT32_MAX - int64_t(random() % 100000));
    return {uint32_t(int32_t(value)), 0, value};
  }
  }
}

inline uint64_t encodeResult(Type type, double real, int64_t integer, bool satfinite) {
  switch (type) {
  case Type::F16:
    return toHalf(real);
  case Type::F32:
    return std::bit_cast<uint32_t>(float(real));
  case Type::F64:
    return std::bit_cast<uint64_t>(real);
  default:
    if (satfinite)
      integer = std::clamp<int64_t>(integer, INT32_MIN, INT32_MAX);
    return uint32_t(uint64_t(integer));
  }
}

// Registers of a lane's fragment of `elements` elements of `type`.
inline unsigned registersOf(unsigned elements, Type type) {
  return bitsOf(type) == 64 ? elements : elements * bitsOf(type) / 32;
}

inline const char *registerType(Type type) {
  return type == Type::F64 ? "f64" : type == Type::F32 ? "f32" : "b32";
}

// Packs element values into a lane's registers: element i goes to register i / perRegister at
// bit offset bits * (i % perRegister) (the ISA packs .f16x2 / .s8x4 low element first).
inline void packInto(std::vector<uint64_t> &registers, Type type, unsigned i, uint64_t bits) {
  unsigned width = bitsOf(type);
  unsigned perRegister = width == 64 ? 1 : 32 / width;
  registers[i / perRegister] |= width == 64 ? bits : bits << (width * (i % perRegister));
}

} // namespace cuport::conformance::matrix
