// The runtime side of directed rounding. Arithmetic runs on the host FPU with its rounding mode
// switched for the one operation (this file is built with -frounding-math, and the operands go
// through volatiles, so the compiler neither folds nor moves the operations across the mode
// change). Conversions round in software, exactly, for every pair of formats.
#include "backends/cpu/directed_rounding.h"

#include <bit>
#include <cfenv>
#include <cmath>

namespace cuport::cpu {
namespace {

int hostMode(uint32_t mode) {
  switch (static_cast<RoundingKind>(mode)) {
  case RoundingKind::TowardZero:
    return FE_TOWARDZERO;
  case RoundingKind::Down:
    return FE_DOWNWARD;
  case RoundingKind::Up:
    return FE_UPWARD;
  default:
    return FE_TONEAREST;
  }
}

template <typename T> T compute(uint32_t op, T a, T b, T c, uint32_t mode) {
  volatile T x = a, y = b, z = c;
  int saved = std::fegetround();
  std::fesetround(hostMode(mode));
  T result;
  switch (static_cast<RoundedOp>(op)) {
  case RoundedOp::Add:
    result = x + y;
    break;
  case RoundedOp::Sub:
    result = x - y;
    break;
  case RoundedOp::Mul:
    result = x * y;
    break;
  case RoundedOp::Div:
    result = x / y;
    break;
  case RoundedOp::Fma:
    result = std::fma(T(x), T(y), T(z));
    break;
  default:
    result = std::sqrt(T(x));
    break;
  }
  volatile T settled = result; // computed before the mode is restored
  std::fesetround(saved);
  return settled;
}

struct Format {
  int exponentBits;
  int mantissaBits;
};

Format formatOf(NumberKind kind) {
  switch (kind) {
  case NumberKind::F16:
    return {5, 10};
  case NumberKind::BF16:
    return {8, 7};
  case NumberKind::F32:
    return {8, 23};
  default:
    return {11, 52};
  }
}

// The exact value (-1)^negative * magnitude * 2^exponent.
struct Exact {
  bool negative = false;
  uint64_t magnitude = 0;
  int exponent = 0;
};

// Rounds `value` to `format` in `mode`: IEEE 754 binary rounding with subnormals, overflow to
// infinity or to the largest finite value as the mode directs.
uint64_t roundExact(const Exact &value, Format format, RoundingKind mode) {
  uint64_t sign = uint64_t(value.negative) << (format.exponentBits + format.mantissaBits);
  if (value.magnitude == 0)
    return sign;
  int bias = (1 << (format.exponentBits - 1)) - 1;
  int msb = 63 - std::countl_zero(value.magnitude);
  int top = msb + value.exponent; // value lies in [2^top, 2^(top+1))
  int minExponent = 1 - bias;
  int quantum = std::max(top, minExponent) - format.mantissaBits; // exponent of the last bit
  int drop = quantum - value.exponent;
  uint64_t kept = value.magnitude;
  bool half = false, rest = false;
  if (drop > 0) {
    kept = drop >= 64 ? 0 : value.magnitude >> drop;
    half = drop <= 64 && ((value.magnitude >> (drop - 1)) & 1);
    uint64_t below =
        drop - 1 >= 64 ? value.magnitude : value.magnitude & ((uint64_t{1} << (drop - 1)) - 1);
    rest = below != 0;
  } else {
    kept <<= -drop; // exact; fits because the magnitude has at most mantissaBits + 1 bits here
  }
  bool inexact = half || rest;
  bool up = false;
  switch (mode) {
  case RoundingKind::NearestEven:
    up = half && (rest || (kept & 1));
    break;
  case RoundingKind::TowardZero:
    break;
  case RoundingKind::Down:
    up = value.negative && inexact;
    break;
  case RoundingKind::Up:
    up = !value.negative && inexact;
    break;
  }
  kept += up;
  uint64_t implicit = uint64_t{1} << format.mantissaBits;
  if (kept == implicit << 1) {
    kept >>= 1;
    ++quantum;
  }
  uint64_t maxBiased = (uint64_t{1} << format.exponentBits) - 1;
  if (kept < implicit) // subnormal (or rounded to zero)
    return sign | kept;
  uint64_t biased = uint64_t(quantum + format.mantissaBits + bias);
  if (biased >= maxBiased) {
    bool toInfinity = mode == RoundingKind::NearestEven ||
                      (mode == RoundingKind::Up && !value.negative) ||
                      (mode == RoundingKind::Down && value.negative);
    uint64_t infinity = maxBiased << format.mantissaBits;
    return sign | (toInfinity ? infinity : infinity - 1);
  }
  return sign | (biased << format.mantissaBits) | (kept - implicit);
}

uint64_t convertDouble(double value, Format format, RoundingKind mode) {
  uint64_t bits = std::bit_cast<uint64_t>(value);
  bool negative = bits >> 63;
  uint64_t sign = uint64_t(negative) << (format.exponentBits + format.mantissaBits);
  uint64_t infinity = ((uint64_t{1} << format.exponentBits) - 1) << format.mantissaBits;
  if (std::isnan(value)) // quiet, keeping the payload's top bits as fptrunc does
    return sign | infinity | (uint64_t{1} << (format.mantissaBits - 1)) |
           ((bits & ((uint64_t{1} << 52) - 1)) >> (52 - format.mantissaBits));
  if (std::isinf(value))
    return sign | infinity;
  uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  int biased = int((bits >> 52) & 0x7ff);
  Exact exact{negative, biased ? fraction | (uint64_t{1} << 52) : fraction,
              (biased ? biased : 1) - 1075};
  return roundExact(exact, format, mode);
}

} // namespace

extern "C" {

float cuport_cpu_rounded_f32(uint32_t op, float a, float b, float c, uint32_t mode) {
  return compute<float>(op, a, b, c, mode);
}

double cuport_cpu_rounded_f64(uint32_t op, double a, double b, double c, uint32_t mode) {
  return compute<double>(op, a, b, c, mode);
}

uint64_t cuport_cpu_rounded_convert(uint64_t value, uint32_t from, uint32_t to, uint32_t mode) {
  Format format = formatOf(static_cast<NumberKind>(to));
  auto rounding = static_cast<RoundingKind>(mode);
  switch (static_cast<NumberKind>(from)) {
  case NumberKind::Signed: {
    auto integer = static_cast<int64_t>(value);
    uint64_t magnitude = integer < 0 ? 0 - value : value;
    return roundExact({integer < 0, magnitude, 0}, format, rounding);
  }
  case NumberKind::Unsigned:
    return roundExact({false, value, 0}, format, rounding);
  case NumberKind::F32:
    return convertDouble(double(std::bit_cast<float>(uint32_t(value))), format, rounding);
  default:
    return convertDouble(std::bit_cast<double>(value), format, rounding);
  }
}

} // extern "C"

} // namespace cuport::cpu
