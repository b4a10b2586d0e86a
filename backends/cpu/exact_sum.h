// An exact sum of f64 values and f64 products, rounded once: what the f64 matrix forms
// (mma.sync, wmma.mma .rn/.rz/.rm/.rp) need to give each element of D as C + sum(A * B) rounded in
// one step in the asked direction, whatever the magnitudes and cancellations of the terms.
#pragma once

#include <cstdint>

namespace cuport::cpu {

enum class SumRounding : uint32_t { NearestEven = 0, TowardZero = 1, Down = 2, Up = 3 };

// A fixed-point accumulator wide enough for every finite product of two doubles (2^-2148 ..
// 2^2048) and the carries of many of them, so adding is exact; infinities, NaNs and the signs of
// zero terms are tracked beside it with IEEE 754 rules.
class ExactSum {
public:
  void add(double value);
  void addProduct(double x, double y);
  // The sum rounded once; NaN for NaN terms, inf * 0 or inf - inf; an infinity for infinite terms;
  // an exact zero is +0 (-0 rounding down) unless every term is a zero of the same sign.
  double rounded(SumRounding rounding) const;

private:
  static constexpr int kLimbs = 68;  // 4352 bits, bit i weighing 2^(i - kBias)
  static constexpr int kBias = 2148; // the least product of two subnormals is 2^-2148
  void addScaled(unsigned __int128 magnitude, int exponent, bool negative);
  void noteZero(bool negative);

  uint64_t limbs_[kLimbs] = {}; // two's complement
  bool nan_ = false, positiveInfinity_ = false, negativeInfinity_ = false;
  bool nonzero_ = false, positiveZero_ = false, negativeZero_ = false;
};

} // namespace cuport::cpu
