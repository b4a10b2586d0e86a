// The .approx (and .full) operations: each result must lie within the error bound the PTX ISA
// states for the instruction, and special inputs (zeros, infinities, NaN, negatives) must give
// the ISA's special results exactly. The reference is the long double libm function.
#include "tests/ptx/cases/float_support.h"

namespace cuport::conformance {
namespace {

using namespace floats;

long double ulpOf(long double value) { // f32 ulp at `value`
  int exponent = std::max(std::ilogb(float(std::fabs(value) > 0 ? value : 1e-45L)), -126);
  return std::ldexp(1.0L, exponent - 23);
}

struct Bound {
  long double relative = 0, absolute = 0, ulps = 0;
};

struct ApproxOp {
  const char *instruction; // with its modifiers, without the type
  std::function<long double(long double, long double)> exact;
  Bound bound;
  int arity = 1;
  bool ftz = false;
};

// Within the bound (any of the given kinds), or the same special value.
bool acceptable(long double want, float got, const Bound &bound) {
  if (std::isnan(want))
    return std::isnan(got);
  if (std::isinf(want) || want == 0)
    return (std::isinf(want) && got == want) ||
           (want == 0 && std::fabs(got) <= bound.absolute + bound.ulps * 1.4e-45L);
  if (std::isnan(got))
    return false;
  long double error = std::fabs((long double)got - want);
  if (bound.relative && error <= bound.relative * std::fabs(want))
    return true;
  if (bound.absolute && error <= bound.absolute)
    return true;
  return bound.ulps && error <= bound.ulps * ulpOf(want);
}

void checkApprox(const ApproxOp &op, const std::vector<uint32_t> &inputs,
                 const std::vector<uint32_t> &second = {}) {
  Bytes in;
  for (size_t i = 0; i < inputs.size(); ++i)
    in.push(inputs[i]).push(second.empty() ? 0x3f800000u : second[i]);
  std::string operands = op.arity == 1 ? "%f1" : "%f1, %f2";
  std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n" +
                     std::string(op.instruction) + ".f32 %f3, " + operands +
                     ";\nst.global.f32 [%rd6], %f3;\n";
  Bytes out = runElementwise(body, in, inputs.size(), 8, 4);
  int failures = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    float a = in.at<float>(i * 8), b = in.at<float>(i * 8 + 4);
    auto flushed = [&](float x) {
      return op.ftz && std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x;
    };
    long double want = op.exact(flushed(a), flushed(b));
    float got = out.at<float>(i * 4);
    // .ftz: a subnormal result may also be the flushed zero.
    bool flushedOk = op.ftz && std::fabs(want) < 1.1754943508222875e-38L && got == 0;
    if (!flushedOk && !acceptable(want, got, op.bound) && ++failures <= 10)
      ADD_FAILURE() << op.instruction << ".f32 (" << a << (op.arity == 2 ? ", " : "")
                    << (op.arity == 2 ? std::to_string(b) : "") << ") gave " << got << ", exact "
                    << double(want);
  }
}

std::vector<uint32_t> inputsIn(const std::string &name, float low, float high) {
  std::vector<uint32_t> values = edgeFloats32();
  std::mt19937_64 random = randomFor(name);
  std::uniform_real_distribution<float> uniform(low, high);
  for (size_t i = 0; i < kRandomSamples; ++i)
    values.push_back(bits32(uniform(random)));
  return values;
}

// sin/cos.approx: absolute error at most 2^-20.5 over -100pi..100pi.
PTX_CASE(FloatApprox, SinCos) {
  Bound bound{0, std::ldexp(1.0L, -20) / std::sqrt(2.0L)};
  auto inputs = inputsIn("FloatApprox.SinCos", -314.159f, 314.159f);
  // Outside that range only the special values are defined: keep the edge values in range.
  std::erase_if(inputs, [](uint32_t v) {
    float x = f32(v);
    return std::isfinite(x) && std::fabs(x) > 314.159f;
  });
  checkApprox({"sin.approx", [](long double x, long double) { return std::sin(x); }, bound},
              inputs);
  checkApprox({"cos.approx", [](long double x, long double) { return std::cos(x); }, bound},
              inputs);
  checkApprox(
      {"sin.approx.ftz", [](long double x, long double) { return std::sin(x); }, bound, 1, true},
      inputs);
}

// lg2.approx: absolute error at most 2^-22.6 for the mantissa's log (so relative to the result
// beyond [0.5, 2]); ex2.approx: relative error 2^-22.5, .ftz 2 ulp.
PTX_CASE(FloatApprox, Lg2Ex2) {
  auto positive = inputsIn("FloatApprox.Lg2Ex2.lg2", 0.0f, 1e30f);
  auto near = inputsIn("FloatApprox.Lg2Ex2.lg2near", 0.25f, 4.0f);
  positive.insert(positive.end(), near.begin(), near.end());
  Bound lg2{std::ldexp(1.0L, -22), std::ldexp(1.0L, -22)};
  checkApprox({"lg2.approx", [](long double x, long double) { return std::log2(x); }, lg2},
              positive);
  checkApprox(
      {"lg2.approx.ftz", [](long double x, long double) { return std::log2(x); }, lg2, 1, true},
      positive);
  auto exponents = inputsIn("FloatApprox.Lg2Ex2.ex2", -150.0f, 128.0f);
  Bound ex2{std::ldexp(1.0L, -22), 0, 2};
  checkApprox({"ex2.approx", [](long double x, long double) { return std::exp2(x); }, ex2},
              exponents);
  checkApprox({"ex2.approx.ftz",
               [](long double x, long double) { return std::exp2(x); },
               {0, 0, 2},
               1,
               true},
              exponents);
}

// rsqrt.approx: relative error 2^-22.9; sqrt.approx: relative 2^-23 (ulp 1 at worst); rcp.approx:
// 1 ulp; tanh.approx: relative 2^-10.987; div.approx / div.full: 2 ulp.
PTX_CASE(FloatApprox, RsqrtSqrtRcpTanhDiv) {
  auto inputs = samples32("FloatApprox.RsqrtSqrtRcpTanhDiv", kRandomSamples);
  checkApprox({"rsqrt.approx",
               [](long double x, long double) { return 1.0L / std::sqrt(x); },
               {std::ldexp(1.0L, -22)}},
              inputs);
  checkApprox({"rsqrt.approx.ftz",
               [](long double x, long double) { return 1.0L / std::sqrt(x); },
               {std::ldexp(1.0L, -22)},
               1,
               true},
              inputs);
  checkApprox({"sqrt.approx", [](long double x, long double) { return std::sqrt(x); }, {0, 0, 1}},
              inputs);
  checkApprox({"rcp.approx", [](long double x, long double) { return 1.0L / x; }, {0, 0, 1}},
              inputs);
  checkApprox(
      {"rcp.approx.ftz", [](long double x, long double) { return 1.0L / x; }, {0, 0, 1}, 1, true},
      inputs);
  checkApprox({"tanh.approx",
               [](long double x, long double) { return std::tanh(x); },
               {std::ldexp(1.0L, -10)}},
              inputs);
  auto divisors = samples32("FloatApprox.RsqrtSqrtRcpTanhDiv.divisors", kRandomSamples);
  divisors.resize(inputs.size(), 0x40400000u);
  // div.approx promises its bound for divisors in [2^-126, 2^126]; div.full over the full range.
  std::vector<uint32_t> dividends = inputs, limited = divisors;
  for (uint32_t &d : limited) {
    float x = std::fabs(f32(d));
    if (std::isfinite(x) && (x < 0x1p-126f || x > 0x1p126f))
      d = 0x40400000u;
  }
  checkApprox({"div.approx", [](long double x, long double y) { return x / y; }, {0, 0, 2}, 2},
              dividends, limited);
  checkApprox({"div.full", [](long double x, long double y) { return x / y; }, {0, 0, 2}, 2},
              dividends, divisors);
}

} // namespace
} // namespace cuport::conformance
