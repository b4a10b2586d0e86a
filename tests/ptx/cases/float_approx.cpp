// The .approx (and .full) operations: each result must lie within the error bound the PTX ISA
// states for the instruction, and special inputs (zeros, infinities, NaN, negatives; subnormals
// with .ftz) must give the results of the ISA's tables exactly. The reference is the long double
// libm function.
#include "tests/ptx/cases/float_support.h"

#include <sstream>

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

// The ISA's special results, bit for bit (a NaN result may be any NaN).
struct Special {
  uint32_t in, out, second = 0x3f800000u;
};
constexpr uint32_t kNegInf = 0xff800000u, kPosInf = 0x7f800000u, kNegZero = 0x80000000u,
                   kPosZero = 0, kNaN = 0x7fffffffu, kOne = 0x3f800000u, kNegOne = 0xbf800000u,
                   kNegTwo = 0xc0000000u, kTiny = 0x00000001u, kNegTiny = 0x80000001u,
                   kBigSubnormal = 0x007fffffu;

void checkSpecials(const std::string &instruction, int arity, const std::vector<Special> &table) {
  Bytes in;
  for (const Special &special : table)
    in.push(special.in).push(special.second);
  std::string operands = arity == 1 ? "%f1" : "%f1, %f2";
  std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n" + instruction +
                     ".f32 %f3, " + operands + ";\nst.global.f32 [%rd6], %f3;\n";
  Bytes out = runElementwise(body, in, table.size(), 8, 4);
  for (size_t i = 0; i < table.size(); ++i) {
    std::ostringstream operands;
    operands << std::hex << "0x" << table[i].in;
    if (arity == 2)
      operands << ", 0x" << table[i].second;
    EXPECT_TRUE(sameFloat(out.at<uint32_t>(i * 4), table[i].out))
        << instruction << ".f32 (" << operands.str() << ") gave 0x" << std::hex
        << out.at<uint32_t>(i * 4) << ", the ISA says 0x" << table[i].out;
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

// sin/cos.approx: absolute error at most 2^-20.5 over [-2pi, 2pi], 2^-14.7 over [-100pi, 100pi].
PTX_CASE(FloatApprox, SinCos) {
  auto wide = inputsIn("FloatApprox.SinCos", -314.159f, 314.159f);
  // Outside that range only the special values are defined: keep the edge values in range.
  std::erase_if(wide, [](uint32_t v) {
    float x = f32(v);
    return std::isfinite(x) && std::fabs(x) > 314.159f;
  });
  auto near = inputsIn("FloatApprox.SinCos.near", -6.2831853f, 6.2831853f);
  std::erase_if(near, [](uint32_t v) {
    float x = f32(v);
    return std::isfinite(x) && std::fabs(x) > 6.2831853f;
  });
  auto sine = [](long double x, long double) { return std::sin(x); };
  auto cosine = [](long double x, long double) { return std::cos(x); };
  for (const auto &[inputs, bits] : {std::pair{near, -20.5L}, std::pair{wide, -14.7L}}) {
    Bound bound{0, std::exp2(bits)};
    checkApprox({"sin.approx", sine, bound}, inputs);
    checkApprox({"cos.approx", cosine, bound}, inputs);
    checkApprox({"sin.approx.ftz", sine, bound, 1, true}, inputs);
    checkApprox({"cos.approx.ftz", cosine, bound, 1, true}, inputs);
  }
  std::vector<Special> sin = {
      {kNegInf, kNaN}, {kNegZero, kNegZero}, {kPosZero, kPosZero}, {kPosInf, kNaN}, {kNaN, kNaN}};
  std::vector<Special> cos = {
      {kNegInf, kNaN}, {kNegZero, kOne}, {kPosZero, kOne}, {kPosInf, kNaN}, {kNaN, kNaN}};
  checkSpecials("sin.approx", 1, sin);
  checkSpecials("cos.approx", 1, cos);
  sin.insert(sin.end(), {{kTiny, kPosZero}, {kNegTiny, kNegZero}, {kBigSubnormal, kPosZero}});
  cos.insert(cos.end(), {{kTiny, kOne}, {kNegTiny, kOne}});
  checkSpecials("sin.approx.ftz", 1, sin);
  checkSpecials("cos.approx.ftz", 1, cos);
}

// lg2.approx: absolute error at most 2^-22 for inputs in (0.5, 2), relative error 2^-22 beyond;
// ex2.approx: 2 ulp from the correctly rounded result over the full range.
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
  Bound ex2{0, 0, 2};
  checkApprox({"ex2.approx", [](long double x, long double) { return std::exp2(x); }, ex2},
              exponents);
  checkApprox({"ex2.approx.ftz",
               [](long double x, long double) { return std::exp2(x); },
               {0, 0, 2},
               1,
               true},
              exponents);
  std::vector<Special> lg2Specials = {{kNegInf, kNaN},     {kNegTwo, kNaN},    {kNegZero, kNegInf},
                                      {kPosZero, kNegInf}, {kPosInf, kPosInf}, {kNaN, kNaN}};
  std::vector<Special> ex2Specials = {
      {kNegInf, kPosZero}, {kNegZero, kOne}, {kPosZero, kOne}, {kPosInf, kPosInf}, {kNaN, kNaN}};
  checkSpecials("lg2.approx", 1, lg2Specials);
  checkSpecials("ex2.approx", 1, ex2Specials);
  lg2Specials.insert(lg2Specials.end(), {{kTiny, kNegInf}, {kNegTiny, kNegInf}});
  // 2^-130 is subnormal: flushed to +0.
  ex2Specials.insert(ex2Specials.end(), {{kTiny, kOne}, {kNegTiny, kOne}, {0xc3020000u, kPosZero}});
  checkSpecials("lg2.approx.ftz", 1, lg2Specials);
  checkSpecials("ex2.approx.ftz", 1, ex2Specials);
}

// rsqrt.approx: relative error 2^-22.9; sqrt.approx: relative 2^-23; rcp.approx: 1 ulp;
// tanh.approx: relative 2^-11; div.approx / div.full: 2 ulp.
PTX_CASE(FloatApprox, RsqrtSqrtRcpTanhDiv) {
  auto inputs = samples32("FloatApprox.RsqrtSqrtRcpTanhDiv", kRandomSamples);
  checkApprox({"rsqrt.approx",
               [](long double x, long double) { return 1.0L / std::sqrt(x); },
               {std::ldexp(1.0L, -22) / std::exp2(0.9L)}},
              inputs);
  checkApprox({"rsqrt.approx.ftz",
               [](long double x, long double) { return 1.0L / std::sqrt(x); },
               {std::ldexp(1.0L, -22) / std::exp2(0.9L)},
               1,
               true},
              inputs);
  checkApprox({"sqrt.approx",
               [](long double x, long double) { return std::sqrt(x); },
               {std::ldexp(1.0L, -23)}},
              inputs);
  checkApprox({"sqrt.approx.ftz",
               [](long double x, long double) { return std::sqrt(x); },
               {std::ldexp(1.0L, -23)},
               1,
               true},
              inputs);
  checkApprox({"rcp.approx", [](long double x, long double) { return 1.0L / x; }, {0, 0, 1}},
              inputs);
  checkApprox(
      {"rcp.approx.ftz", [](long double x, long double) { return 1.0L / x; }, {0, 0, 1}, 1, true},
      inputs);
  checkApprox({"tanh.approx",
               [](long double x, long double) { return std::tanh(x); },
               {std::ldexp(1.0L, -11)}},
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
  checkApprox(
      {"div.approx.ftz", [](long double x, long double y) { return x / y; }, {0, 0, 2}, 2, true},
      dividends, limited);
  checkApprox(
      {"div.full.ftz", [](long double x, long double y) { return x / y; }, {0, 0, 2}, 2, true},
      dividends, divisors);

  std::vector<Special> rsqrt = {{kNegInf, kNaN},     {kNegTwo, kNaN},     {kNegZero, kNegInf},
                                {kPosZero, kPosInf}, {kPosInf, kPosZero}, {kNaN, kNaN}};
  std::vector<Special> sqrt = {{kNegInf, kNaN},      {kNegTwo, kNaN},    {kNegZero, kNegZero},
                               {kPosZero, kPosZero}, {kPosInf, kPosInf}, {kNaN, kNaN}};
  std::vector<Special> rcp = {{kNegInf, kNegZero},
                              {kNegZero, kNegInf},
                              {kPosZero, kPosInf},
                              {kPosInf, kPosZero},
                              {kNaN, kNaN}};
  std::vector<Special> tanh = {{kNegInf, kNegOne},
                               {kNegZero, kNegZero},
                               {kPosZero, kPosZero},
                               {kPosInf, kOne},
                               {kNaN, kNaN},
                               // "subnormal inputs get passed through to the output"
                               {kTiny, kTiny},
                               {kNegTiny, kNegTiny},
                               {kBigSubnormal, kBigSubnormal}};
  checkSpecials("rsqrt.approx", 1, rsqrt);
  checkSpecials("sqrt.approx", 1, sqrt);
  checkSpecials("rcp.approx", 1, rcp);
  checkSpecials("tanh.approx", 1, tanh);
  rsqrt.insert(rsqrt.end(), {{kTiny, kPosInf}, {kNegTiny, kNegInf}});
  sqrt.insert(sqrt.end(), {{kTiny, kPosZero}, {kNegTiny, kNegZero}});
  // 1/2^127 is subnormal: flushed to +0.
  rcp.insert(rcp.end(), {{kTiny, kPosInf}, {kNegTiny, kNegInf}, {0x7f000000u, kPosZero}});
  checkSpecials("rsqrt.approx.ftz", 1, rsqrt);
  checkSpecials("sqrt.approx.ftz", 1, sqrt);
  checkSpecials("rcp.approx.ftz", 1, rcp);

  // div.approx is a * (1/b): for 2^126 < |b| < 2^128 a zero signed as a * b, NaN for infinite a.
  std::vector<Special> vanishing = {
      {kOne, kPosZero, 0x7f000000u}, {kNegOne, kNegZero, 0x7f000000u},
      {kOne, kNegZero, 0xff7fffffu}, {0x7f7fffffu, kPosZero, 0x7e800001u},
      {kPosInf, kNaN, 0x7f000000u},  {kNegInf, kNaN, 0xff000000u},
      {kNaN, kNaN, 0x7f000000u},     {kNegZero, kNegZero, 0x7f000000u}};
  checkSpecials("div.approx", 2, vanishing);
  checkSpecials("div.approx.ftz", 2, vanishing);
}

// rcp.approx.ftz.f64 and rsqrt.approx.ftz.f64 read the upper word of a (1.11.20 format) and
// write the upper word of d, whose lower 32 bits are zero: the result must be one of the two
// 1.11.20 values around the exact 1/tmp (or 1/sqrt(tmp)); subnormal inputs and results flush to
// a zero of the same sign; a NaN result is 0x7fffffff00000000. rsqrt.approx.f64 uses all of a;
// the ISA states no bound for it; CUDA documents rsqrt() for doubles, which is this instruction,
// within 1 ulp, and the case holds it to that.
PTX_CASE(FloatApprox, ReciprocalsF64) {
  std::vector<uint64_t> inputs = samples64("FloatApprox.ReciprocalsF64", kRandomSamples);
  for (uint64_t v :
       {0x000fffff00000000ull, 0x8000000012345678ull, 0x7ff0000000000001ull, 0x7fe0000000000000ull,
        0xffefffffffffffffull, 0x0010000000000000ull, 0xbff0000000000000ull, 0x3ff00000ffffffffull})
    inputs.push_back(v); // upper-word subnormal, zero, infinity; results that flush; negatives
  Bytes in;
  for (uint64_t v : inputs)
    in.push(v);
  Bytes out = runElementwise("ld.global.f64 %fd1, [%rd4];\n"
                             "rcp.approx.ftz.f64 %fd2, %fd1;\nst.global.f64 [%rd6], %fd2;\n"
                             "rsqrt.approx.ftz.f64 %fd2, %fd1;\nst.global.f64 [%rd6+8], %fd2;\n"
                             "rsqrt.approx.f64 %fd2, %fd1;\nst.global.f64 [%rd6+16], %fd2;\n",
                             in, inputs.size(), 8, 24);
  int failures = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint64_t upper = inputs[i] & 0xffffffff00000000ull;
    double tmp = f64(upper);
    if (std::fpclassify(tmp) == FP_SUBNORMAL)
      tmp = std::copysign(0.0, tmp);
    for (int k = 0; k < 2; ++k) {
      long double exact = k == 0 ? 1.0L / tmp : 1.0L / std::sqrt((long double)tmp);
      if (k == 1 && tmp == 0)
        exact = 1.0L / tmp; // 1/sqrt(-0) is -inf
      uint64_t got = out.at<uint64_t>(i * 24 + 8 * k);
      bool ok;
      if (std::isnan(exact))
        ok = got == 0x7fffffff00000000ull;
      else if (std::isinf(exact) || exact == 0)
        ok = got == bits64(double(exact));
      else if (std::fabs(exact) < 0x1p-1022L)
        ok = got == bits64(std::copysign(0.0, double(exact)));
      else
        ok = (got & 0xffffffffull) == 0 &&
             std::fabs((long double)f64(got) - exact) < std::ldexp(1.0L, std::ilogb(exact) - 20);
      if (!ok && ++failures <= 10)
        ADD_FAILURE() << (k == 0 ? "rcp" : "rsqrt") << ".approx.ftz.f64 (0x" << std::hex
                      << inputs[i] << ") gave 0x" << got << ", exact " << double(exact);
    }
    double a = f64(inputs[i]);
    long double exact = a == 0 ? 1.0L / a : 1.0L / std::sqrt((long double)a);
    double got = out.at<double>(i * 24 + 16);
    bool ok = std::isnan(exact)   ? std::isnan(got)
              : std::isinf(exact) ? got == exact
              : exact == 0
                  ? bits64(got) == bits64(double(exact))
                  : std::fabs(got - exact) <= std::ldexp(1.0L, std::ilogb(double(exact)) - 52);
    if (!ok && ++failures <= 10)
      ADD_FAILURE() << "rsqrt.approx.f64 (" << a << ") gave " << got << ", exact " << double(exact);
  }
}

} // namespace
} // namespace cuport::conformance
