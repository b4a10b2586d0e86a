// ex2.approx and tanh.approx on half-precision operands (PTX ISA 9.7.4.9-10): .f16 / .f16x2 and
// .bf16 / .bf16x2 (ex2 only as .ftz), over every 16-bit input, scalar and in both lanes of a pair.
// The reference is the exact function in long double; results must lie within the ISA's stated
// error: ex2 relative 2^-9.9 (f16) and 2^-7 (bf16), tanh absolute 2^-10.987 (f16) and 2^-8 (bf16).
#include "tests/ptx/cases/float_support.h"
#include "tests/ptx/invalid_ptx.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace cuport::conformance {
namespace {

using namespace floats;

struct Approx {
  const char *instruction; // without the type
  bool bfloat;
  bool ex2;         // ex2 (relative bound), else tanh (absolute bound)
  double log2Bound; // the bound is 2^log2Bound
  unsigned sm;
  const char *version;
};

const NarrowFormat &formatOf(bool bfloat) {
  return bfloat ? kBfloat : kHalf;
}

// The value of a pattern: NaN and the infinities included; .ftz reads a subnormal as a zero.
long double valueOf(uint16_t bits, bool bfloat, bool ftz) {
  const NarrowFormat &f = formatOf(bfloat);
  if (f.isNaN(bits))
    return NAN;
  if ((bits & 0x7fff) == f.infinity())
    return bits & 0x8000 ? -INFINITY : INFINITY;
  if (ftz && (bits & f.infinity()) == 0)
    return bits & 0x8000 ? -0.0L : 0.0L;
  return f.value(bits);
}

// Whether `got` is an acceptable result for the input `a`.
bool acceptable(const Approx &approx, uint16_t a, uint16_t got) {
  const NarrowFormat &f = formatOf(approx.bfloat);
  bool ftz = approx.bfloat && approx.ex2; // ex2.approx.ftz.bf16
  long double x = valueOf(a, approx.bfloat, ftz);
  long double bound = std::exp2l(approx.log2Bound);
  bool gotNaN = f.isNaN(got);
  if (std::isnan(x))
    return gotNaN;
  if (gotNaN)
    return false;
  long double value = valueOf(got, approx.bfloat, false);
  if (!approx.ex2) {
    long double exact = std::tanh(x);
    return std::fabs(value - exact) <= bound;
  }
  long double exact = std::exp2(x);
  // Past the largest finite value plus half an ulp the result rounds to infinity.
  long double overflow =
      f.value(f.maxFinite()) + std::ldexp(1.0L, (1 << (f.exponentBits - 1)) - f.fractionBits - 2);
  if (std::isinf(value))
    return value > 0 && (std::isinf(exact) || exact * (1 + bound) >= overflow);
  if (std::isinf(exact))
    return false;
  long double smallestNormal = f.value(1u << f.fractionBits);
  // .ftz flushes a subnormal result to zero.
  if (ftz && value == 0 && exact * (1 - bound) < smallestNormal)
    return true;
  // Subnormal f16 results: within one unit of the last place as well.
  long double floor = ftz ? 0 : f.value(1);
  return std::fabs(value - exact) <= std::max(bound * exact, floor);
}

void checkApprox(const Approx &approx) {
  std::string type = approx.bfloat ? "bf16" : "f16";
  std::string scalar = std::string(approx.instruction) + "." + type;
  std::string body = "ld.global.b32 %r5, [%rd4];\n"
                     "mov.b32 {%h1, %h2}, %r5;\n" +
                     scalar + " %h3, %h1;\nst.global.b16 [%rd6], %h3;\n" + scalar +
                     "x2 %r6, %r5;\nst.global.b32 [%rd6+4], %r6;\n";
  // Every pattern in the low lane, and a different one in the high lane.
  Bytes in;
  const size_t count = 1 << 16;
  for (uint32_t i = 0; i < count; ++i)
    in.push(uint32_t(i | ((i * 40503u + 12345u) & 0xffff) << 16));
  Bytes out = runElementwise(body, in, count, 4, 8, approx.sm, approx.version);
  int failures = 0;
  for (size_t e = 0; e < count; ++e) {
    uint32_t a = in.at<uint32_t>(e * 4);
    uint16_t inputs[3] = {uint16_t(a), uint16_t(a), uint16_t(a >> 16)};
    uint16_t gots[3] = {out.at<uint16_t>(e * 8), out.at<uint16_t>(e * 8 + 4),
                        out.at<uint16_t>(e * 8 + 6)};
    for (int k = 0; k < 3; ++k)
      if (!acceptable(approx, inputs[k], gots[k]) && ++failures <= 10)
        ADD_FAILURE() << scalar << (k ? "x2 lane " + std::to_string(k - 1) : "") << " (0x"
                      << std::hex << inputs[k] << ") gave 0x" << gots[k];
  }
}

PTX_CASE(FloatHalfApprox, Ex2F16) {
  checkApprox({"ex2.approx", false, true, -9.9, 75, "7.0"});
}
PTX_CASE(FloatHalfApprox, Ex2Bf16) {
  checkApprox({"ex2.approx.ftz", true, true, -7, 90, "7.8"});
}
PTX_CASE(FloatHalfApprox, TanhF16) {
  checkApprox({"tanh.approx", false, false, -10.987, 75, "7.0"});
}
PTX_CASE(FloatHalfApprox, TanhBf16) {
  checkApprox({"tanh.approx", true, false, -8, 90, "7.8"});
}

// ex2.approx.bf16 needs .ftz, tanh.approx takes no .ftz, ex2.approx.f16 no .ftz: rejected at load.
PTX_CASE(FloatHalfApprox, RejectedForms) {
  for (const char *form : {"ex2.approx.bf16 %h3, %h1;", "tanh.approx.ftz.f16 %h3, %h1;",
                           "ex2.approx.ftz.f16 %h3, %h1;", "ex2.f16 %h3, %h1;"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(
        elementwiseKernel(std::string("ld.global.b16 %h1, [%rd4];\n") + form, 1, 2, 2, 90, "7.8"));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << form;
    EXPECT_NE(outcome.message.find("unsupported"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
