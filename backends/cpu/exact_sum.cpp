// The exact f64 sum of exact_sum.h: each finite nonzero term is an integer significand times a
// power of two (a product's significand is the 106-bit product of its factors'), added into a
// two's-complement fixed-point accumulator at its exponent; rounding reads the top 53 bits at the
// double's precision there (or at the subnormal quantum) and the bits below them.
#include "backends/cpu/exact_sum.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <limits>

namespace cuport::cpu {
namespace {

// A finite nonzero double as significand * 2^exponent, significand < 2^53, exponent >= -1074.
struct Decomposed {
  uint64_t significand;
  int exponent;
  bool negative;
};

Decomposed decompose(double value) {
  auto bits = std::bit_cast<uint64_t>(value);
  uint64_t fraction = bits & ((uint64_t(1) << 52) - 1);
  auto biased = int((bits >> 52) & 0x7ff);
  if (biased == 0)
    return {fraction, -1074, (bits >> 63) != 0};
  return {fraction | uint64_t(1) << 52, biased - 1075, (bits >> 63) != 0};
}

} // namespace

void ExactSum::noteZero(bool negative) {
  (negative ? negativeZero_ : positiveZero_) = true;
}

void ExactSum::addScaled(unsigned __int128 magnitude, int exponent, bool negative) {
  nonzero_ = true;
  int position = exponent + kBias;
  int limb = position / 64, shift = position % 64;
  auto low = uint64_t(magnitude), high = uint64_t(magnitude >> 64);
  uint64_t parts[3] = {low << shift, (shift ? low >> (64 - shift) : 0) | high << shift,
                       shift ? high >> (64 - shift) : 0};
  uint64_t carry = 0; // the carry (adding) or the borrow (subtracting) into the next limb
  for (int i = limb; i < kLimbs && (i - limb < 3 || carry); ++i) {
    uint64_t part = i - limb < 3 ? parts[i - limb] : 0;
    unsigned __int128 before = limbs_[i];
    if (negative) {
      unsigned __int128 taken = (unsigned __int128)part + carry;
      limbs_[i] = uint64_t(before - taken);
      carry = before < taken ? 1 : 0;
    } else {
      unsigned __int128 sum = before + part + carry;
      limbs_[i] = uint64_t(sum);
      carry = uint64_t(sum >> 64);
    }
  }
}

void ExactSum::add(double value) {
  if (std::isnan(value)) {
    nan_ = true;
  } else if (std::isinf(value)) {
    (value > 0 ? positiveInfinity_ : negativeInfinity_) = true;
  } else if (value == 0) {
    noteZero(std::signbit(value));
  } else {
    Decomposed term = decompose(value);
    addScaled(term.significand, term.exponent, term.negative);
  }
}

void ExactSum::addProduct(double x, double y) {
  bool negative = std::signbit(x) != std::signbit(y);
  if (std::isnan(x) || std::isnan(y)) {
    nan_ = true;
  } else if (std::isinf(x) || std::isinf(y)) {
    if (x == 0 || y == 0)
      nan_ = true; // inf * 0
    else
      (negative ? negativeInfinity_ : positiveInfinity_) = true;
  } else if (x == 0 || y == 0) {
    noteZero(negative);
  } else {
    Decomposed first = decompose(x), second = decompose(y);
    addScaled((unsigned __int128)first.significand * second.significand,
              first.exponent + second.exponent, negative);
  }
}

double ExactSum::rounded(SumRounding rounding) const {
  if (nan_ || (positiveInfinity_ && negativeInfinity_))
    return std::numeric_limits<double>::quiet_NaN();
  if (positiveInfinity_ || negativeInfinity_)
    return positiveInfinity_ ? INFINITY : -INFINITY;
  bool negative = (limbs_[kLimbs - 1] >> 63) != 0;
  uint64_t magnitude[kLimbs];
  uint64_t carry = 1; // negation: invert and add one
  for (int i = 0; i < kLimbs; ++i) {
    uint64_t limb = negative ? ~limbs_[i] : limbs_[i];
    if (negative) {
      limb += carry;
      carry = carry && limb == 0;
    }
    magnitude[i] = limb;
  }
  int top = -1;
  for (int i = kLimbs - 1; i >= 0 && top < 0; --i)
    if (magnitude[i])
      top = i * 64 + 63 - std::countl_zero(magnitude[i]);
  if (top < 0) { // an exact zero
    bool down = rounding == SumRounding::Down;
    if (!nonzero_ && (down ? negativeZero_ : negativeZero_ && !positiveZero_))
      return -0.0;
    return down && nonzero_ ? -0.0 : 0.0;
  }
  auto bit = [&](int index) { return (magnitude[index / 64] >> (index % 64)) & 1; };
  // The bit of the result's last significand place: 52 below the top, or the subnormal quantum.
  int quantum = std::max(top - 52, -1074 + kBias);
  uint64_t significand = 0;
  for (int index = top; index >= quantum; --index)
    significand = significand << 1 | bit(index);
  bool half = bit(quantum - 1) != 0;
  int below = quantum - 1; // the bits under the rounding bit
  bool sticky = false;
  for (int i = 0; i < below / 64 && !sticky; ++i)
    sticky = magnitude[i] != 0;
  if (!sticky && below % 64)
    sticky = (magnitude[below / 64] & ((uint64_t(1) << (below % 64)) - 1)) != 0;
  bool inexact = half || sticky;
  bool up = false;
  switch (rounding) {
  case SumRounding::NearestEven:
    up = half && (sticky || (significand & 1));
    break;
  case SumRounding::TowardZero:
    break;
  case SumRounding::Down:
    up = negative && inexact;
    break;
  case SumRounding::Up:
    up = !negative && inexact;
    break;
  }
  double value = std::ldexp(double(significand + (up ? 1 : 0)), quantum - kBias);
  if (std::isinf(value)) { // overflow: the directions that move toward zero stop at the largest
    bool toInfinity = rounding == SumRounding::NearestEven ||
                      (rounding == SumRounding::Up && !negative) ||
                      (rounding == SumRounding::Down && negative);
    value = toInfinity ? INFINITY : DBL_MAX;
  }
  return negative ? -value : value;
}

} // namespace cuport::cpu
