// ExactSum: exact sums of doubles and products of doubles, rounded once in each IEEE 754
// direction. The expected values are worked out by hand from the exact sums.
#include "backends/cpu/exact_sum.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <utility>

namespace cuport::cpu {
namespace {

// Terms: a value alone, or a product of two.
struct Term {
  double x, y;
  bool product;
};
Term value(double x) {
  return {x, 1, false};
}
Term product(double x, double y) {
  return {x, y, true};
}

double sum(std::initializer_list<Term> terms, SumRounding rounding) {
  ExactSum exact;
  for (const Term &term : terms) {
    if (term.product)
      exact.addProduct(term.x, term.y);
    else
      exact.add(term.x);
  }
  return exact.rounded(rounding);
}

uint64_t bitsOf(double value) {
  return std::bit_cast<uint64_t>(value);
}

constexpr SumRounding kNearest = SumRounding::NearestEven, kZero = SumRounding::TowardZero,
                      kDown = SumRounding::Down, kUp = SumRounding::Up;

TEST(ExactSum, SmallTermsBeyondThePrecisionDecideTheDirection) {
  // 1 + 2^-60: below half an ulp of 1.
  std::initializer_list<Term> above = {value(1), product(std::ldexp(1, -30), std::ldexp(1, -30))};
  EXPECT_EQ(sum(above, kNearest), 1.0);
  EXPECT_EQ(sum(above, kZero), 1.0);
  EXPECT_EQ(sum(above, kDown), 1.0);
  EXPECT_EQ(sum(above, kUp), std::nextafter(1.0, 2.0));
  // -(1 + 2^-60)
  std::initializer_list<Term> below = {value(-1), product(std::ldexp(1, -30), -std::ldexp(1, -30))};
  EXPECT_EQ(sum(below, kNearest), -1.0);
  EXPECT_EQ(sum(below, kZero), -1.0);
  EXPECT_EQ(sum(below, kDown), -std::nextafter(1.0, 2.0));
  EXPECT_EQ(sum(below, kUp), -1.0);
}

TEST(ExactSum, TiesGoToTheEvenSignificand) {
  double half = std::ldexp(1, -53), ulp = std::ldexp(1, -52);
  EXPECT_EQ(sum({value(1), value(half)}, kNearest), 1.0);
  EXPECT_EQ(sum({value(1 + ulp), value(half)}, kNearest), 1 + 2 * ulp);
  // Just above the tie: rounds up.
  EXPECT_EQ(sum({value(1), value(half), product(half, half)}, kNearest), 1 + ulp);
}

TEST(ExactSum, ProductsAreNotRoundedBeforeTheSum) {
  // (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104; taking away its rounded value leaves 2^-104.
  double x = 1 + std::ldexp(1, -52);
  EXPECT_EQ(sum({product(x, x), value(-(1 + std::ldexp(1, -51)))}, kNearest), std::ldexp(1, -104));
  // Huge products that cancel leave the small term alone.
  EXPECT_EQ(sum({product(std::ldexp(1, 1000), std::ldexp(1, 23)), value(1),
                 product(-std::ldexp(1, 1000), std::ldexp(1, 23))},
                kNearest),
            1.0);
}

TEST(ExactSum, ZeroSigns) {
  EXPECT_EQ(bitsOf(sum({value(-0.0), product(-0.0, 1.0)}, kNearest)), bitsOf(-0.0));
  EXPECT_EQ(bitsOf(sum({value(-0.0), product(-1.0, -0.0)}, kNearest)), bitsOf(0.0));
  EXPECT_EQ(bitsOf(sum({value(-0.0), product(-1.0, -0.0)}, kDown)), bitsOf(-0.0));
  EXPECT_EQ(bitsOf(sum({value(0.0), product(0.0, 1.0)}, kDown)), bitsOf(0.0));
  for (SumRounding rounding : {kNearest, kZero, kUp})
    EXPECT_EQ(bitsOf(sum({value(1), product(-1, 1)}, rounding)), bitsOf(0.0));
  EXPECT_EQ(bitsOf(sum({value(1), product(-1, 1)}, kDown)), bitsOf(-0.0));
}

TEST(ExactSum, OverflowFollowsTheDirection) {
  std::initializer_list<Term> positive = {product(DBL_MAX, 2)};
  EXPECT_EQ(sum(positive, kNearest), INFINITY);
  EXPECT_EQ(sum(positive, kZero), DBL_MAX);
  EXPECT_EQ(sum(positive, kDown), DBL_MAX);
  EXPECT_EQ(sum(positive, kUp), INFINITY);
  std::initializer_list<Term> negative = {product(-DBL_MAX, 2)};
  EXPECT_EQ(sum(negative, kNearest), -INFINITY);
  EXPECT_EQ(sum(negative, kZero), -DBL_MAX);
  EXPECT_EQ(sum(negative, kDown), -INFINITY);
  EXPECT_EQ(sum(negative, kUp), -DBL_MAX);
  // An overflowing product brought back into range by another term is exact.
  EXPECT_EQ(sum({product(DBL_MAX, 2), value(-DBL_MAX)}, kNearest), DBL_MAX);
}

TEST(ExactSum, SubnormalResults) {
  double least = std::ldexp(1, -1074);
  EXPECT_EQ(sum({product(least, 3)}, kNearest), 3 * least);
  // 2^-1075 is half the least subnormal: a tie, to the even 0.
  std::initializer_list<Term> half = {product(least, 0.5)};
  EXPECT_EQ(bitsOf(sum(half, kNearest)), bitsOf(0.0));
  EXPECT_EQ(bitsOf(sum(half, kDown)), bitsOf(0.0));
  EXPECT_EQ(sum(half, kUp), least);
  std::initializer_list<Term> tiny = {product(std::ldexp(1, -600), -std::ldexp(1, -600))};
  EXPECT_EQ(bitsOf(sum(tiny, kNearest)), bitsOf(-0.0));
  EXPECT_EQ(sum(tiny, kDown), -least);
  EXPECT_EQ(bitsOf(sum(tiny, kZero)), bitsOf(-0.0));
  // The least product of all, 2^-2148, still moves a directed rounding.
  std::initializer_list<Term> smallest = {value(least), product(least, least)};
  EXPECT_EQ(sum(smallest, kNearest), least);
  EXPECT_EQ(sum(smallest, kUp), 2 * least);
}

TEST(ExactSum, SpecialValues) {
  EXPECT_TRUE(std::isnan(sum({value(INFINITY), value(-INFINITY)}, kNearest)));
  EXPECT_TRUE(std::isnan(sum({product(INFINITY, 0.0), value(1)}, kNearest)));
  EXPECT_TRUE(std::isnan(sum({value(1), product(NAN, 2)}, kUp)));
  EXPECT_EQ(sum({value(1), product(-INFINITY, 2)}, kUp), -INFINITY);
  EXPECT_EQ(sum({value(INFINITY), product(DBL_MAX, -DBL_MAX)}, kZero), INFINITY);
}

} // namespace
} // namespace cuport::cpu
