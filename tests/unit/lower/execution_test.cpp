// Runs nvcc-generated kernels (inputs/kernels.ptx) after lowering, one thread at a time on the
// host, and compares with C++ references of what the CUDA source computes.
#include "lower_test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace cuport::lower::test {
namespace {

class KernelExecution : public ::testing::Test {
protected:
  void SetUp() override {
    lowered_ = lowerText(readInput("kernels.ptx"));
    ASSERT_TRUE(lowered_.module.has_value()) << ::testing::PrintToString(lowered_.diagnostics);
    for (const KernelInfo &info : lowered_.module->kernels)
      infos_[info.name] = info;
    jit_ = std::make_unique<Jit>(lowered_);
  }

  const KernelInfo &info(const std::string &name) { return infos_.at(name); }

  Lowered lowered_;
  std::map<std::string, KernelInfo> infos_;
  std::unique_ptr<Jit> jit_;
};

TEST_F(KernelExecution, Saxpy) {
  const std::string name = "_Z5saxpyifPKfPf";
  const int n = 37;
  const float a = 2.5f;
  std::vector<float> x(64), y(64), expected(64);
  for (int i = 0; i < 64; ++i) {
    x[i] = 0.5f * i - 3.0f;
    y[i] = 1.0f - i;
    expected[i] = i < n ? std::fma(x[i], a, y[i]) : y[i];
  }
  std::vector<uint8_t> params;
  setParam(params, info(name), 0, n);
  setParam(params, info(name), 1, a);
  setParam(params, info(name), 2, x.data());
  setParam(params, info(name), 3, y.data());
  jit_->launch(name, params, {2, 1, 1}, {32, 1, 1});
  EXPECT_EQ(y, expected);
}

struct Pair {
  int first;
  float second;
  double third;
};

TEST_F(KernelExecution, CallsWithScalarAndAggregateParameters) {
  const std::string name = "_Z11callHelpersPiPf4Pairi";
  std::vector<int> out(8);
  std::vector<float> fout(8);
  Pair pair{3, 0.25f, -1.5};
  const int a = 11;
  std::vector<uint8_t> params;
  setParam(params, info(name), 0, out.data());
  setParam(params, info(name), 1, fout.data());
  setParam(params, info(name), 2, pair);
  setParam(params, info(name), 3, a);
  jit_->launch(name, params, {1, 1, 1}, {8, 1, 1});
  const int weights[3] = {3, 5, 7};
  const float table[4] = {1.5f, -2.0f, 0.25f, 8.0f};
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(out[t], a * t + 3 + weights[t % 3] + 7) << t;
    float sum = static_cast<float>(pair.first) + pair.second;
    sum = sum + static_cast<float>(pair.third);
    EXPECT_EQ(fout[t], sum * table[t % 4]) << t;
  }
}

TEST_F(KernelExecution, AtomicsFollowPtxSemantics) {
  const std::string name = "_Z7atomicsPiPjPfS_S_PKi";
  std::vector<int> values{5, -3, 12, 7, 1, 9, -20, 4};
  int counter = 100, maxValue = -1000, swapped = 0;
  unsigned wrap = 0;
  float sum = 0.0f;
  std::vector<uint8_t> params;
  setParam(params, info(name), 0, &counter);
  setParam(params, info(name), 1, &wrap);
  setParam(params, info(name), 2, &sum);
  setParam(params, info(name), 3, &maxValue);
  setParam(params, info(name), 4, &swapped);
  setParam(params, info(name), 5, static_cast<const int *>(values.data()));
  jit_->launch(name, params, {1, 1, 1}, {8, 1, 1});
  int expectedCounter = 100, expectedMax = -1000, expectedSwapped = 0;
  unsigned expectedWrap = 0;
  float expectedSum = 0.0f;
  for (int v : values) {
    expectedCounter += v;
    expectedWrap = expectedWrap >= 4u ? 0u : expectedWrap + 1; // atom.inc with limit 4
    expectedSum += 0.5f * v;
    expectedMax = std::max(expectedMax, v);
    if (expectedSwapped == 0)
      expectedSwapped = v;
  }
  EXPECT_EQ(counter, expectedCounter);
  EXPECT_EQ(wrap, expectedWrap);
  EXPECT_EQ(sum, expectedSum);
  EXPECT_EQ(maxValue, expectedMax);
  EXPECT_EQ(swapped, expectedSwapped);
}

TEST_F(KernelExecution, LocalArray) {
  const std::string name = "_Z10localArrayPKiPi";
  std::vector<int> indices{3, 17, 0, 15, 8, -1, 6, 2, 9, 10, 11, 12, 13, 14, 4, 5};
  std::vector<int> out(16, -1);
  std::vector<uint8_t> params;
  setParam(params, info(name), 0, static_cast<const int *>(indices.data()));
  setParam(params, info(name), 1, out.data());
  jit_->launch(name, params, {1, 1, 1}, {16, 1, 1});
  for (int t = 0; t < 16; ++t) {
    int i = indices[t] & 15;
    EXPECT_EQ(out[t], i * i + indices[i]) << t;
  }
}

int32_t roundToNearestInt(float x) {
  if (std::isnan(x))
    return 0;
  double r = std::nearbyint(static_cast<double>(x));
  if (r >= 2147483647.0)
    return std::numeric_limits<int32_t>::max();
  if (r <= -2147483648.0)
    return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

uint32_t truncateToUnsigned(float x) {
  if (std::isnan(x) || x <= 0.0f)
    return 0;
  double r = std::trunc(static_cast<double>(x));
  return r >= 4294967295.0 ? 0xffffffffu : static_cast<uint32_t>(r);
}

int64_t truncateToLong(double x) {
  if (std::isnan(x))
    return 0;
  double r = std::trunc(x);
  if (r >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (r <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(r);
}

TEST_F(KernelExecution, ConversionsSaturateAndRoundPerPtx) {
  const std::string name = "_Z11conversionsPKfPKdPiPjPxPfPd";
  const float nanF = std::numeric_limits<float>::quiet_NaN();
  const double nanD = std::numeric_limits<double>::quiet_NaN();
  std::vector<float> f{1.5f,  2.5f,   -2.5f, -0.5f,         nanF,        3e9f,
                       -3e9f, 1e-40f, -1.5f, 4294967296.0f, 0.49999997f, 16777217.0f};
  std::vector<double> d{1e19, -1e19, nanD, -1.9, 2.9, 0.0, -0.0, 1e300, 3.5, -7.25, 1e-310, 42.0};
  const size_t n = f.size();
  std::vector<int> i(n);
  std::vector<unsigned> u(n);
  std::vector<long long> l(n);
  std::vector<float> fo(n);
  std::vector<double> dout(n);
  std::vector<uint8_t> params;
  const KernelInfo &k = info(name);
  setParam(params, k, 0, static_cast<const float *>(f.data()));
  setParam(params, k, 1, static_cast<const double *>(d.data()));
  setParam(params, k, 2, i.data());
  setParam(params, k, 3, u.data());
  setParam(params, k, 4, l.data());
  setParam(params, k, 5, fo.data());
  setParam(params, k, 6, dout.data());
  jit_->launch(name, params, {1, 1, 1}, {static_cast<uint32_t>(n), 1, 1});
  for (size_t t = 0; t < n; ++t) {
    SCOPED_TRACE(t);
    EXPECT_EQ(i[t], roundToNearestInt(f[t]));
    EXPECT_EQ(u[t], truncateToUnsigned(f[t]));
    EXPECT_EQ(l[t], truncateToLong(d[t]));
    float expectedF = static_cast<float>(d[t]) + static_cast<float>(i[t]);
    if (std::isnan(expectedF))
      EXPECT_TRUE(std::isnan(fo[t]));
    else
      EXPECT_EQ(fo[t], expectedF);
    double expectedD = static_cast<double>(f[t]) * 2.0;
    if (std::isnan(expectedD))
      EXPECT_TRUE(std::isnan(dout[t]));
    else
      EXPECT_EQ(dout[t], expectedD);
  }
}

TEST_F(KernelExecution, MathFunctions) {
  const std::string name = "_Z4mathPKfPfPKdPd";
  const float nanF = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x{4.0f, 2.0f, 0.5f, -3.0f, nanF, 0.0f, 1.0f, 10.0f};
  std::vector<double> dx{4.0, 2.0, 0.25, -3.0, 9.0, 0.0, 1e10, -0.5};
  std::vector<float> out(4 * x.size());
  std::vector<double> dout(x.size());
  std::vector<uint8_t> params;
  const KernelInfo &k = info(name);
  setParam(params, k, 0, static_cast<const float *>(x.data()));
  setParam(params, k, 1, out.data());
  setParam(params, k, 2, static_cast<const double *>(dx.data()));
  setParam(params, k, 3, dout.data());
  jit_->launch(name, params, {1, 1, 1}, {static_cast<uint32_t>(x.size()), 1, 1});
  for (size_t t = 0; t < x.size(); ++t) {
    SCOPED_TRACE(t);
    float s = std::sqrt(x[t]);
    if (std::isnan(s))
      EXPECT_TRUE(std::isnan(out[4 * t]));
    else
      EXPECT_EQ(out[4 * t], s);
    EXPECT_EQ(out[4 * t + 1], std::isnan(x[t]) ? 1.0f : std::min(x[t], 1.0f));
    float third = std::fabs(x[t]) / 3.0f;
    if (std::isnan(third))
      EXPECT_TRUE(std::isnan(out[4 * t + 2]));
    else
      EXPECT_EQ(out[4 * t + 2], third);
    float e = std::exp(x[t]);
    if (std::isnan(e))
      EXPECT_TRUE(std::isnan(out[4 * t + 3]));
    else
      EXPECT_NEAR(out[4 * t + 3], e, std::fabs(e) * 1e-5f);
    double ds = std::sqrt(dx[t]) + std::fmax(dx[t], -1.0);
    if (std::isnan(ds))
      EXPECT_TRUE(std::isnan(dout[t]));
    else
      EXPECT_EQ(dout[t], ds);
  }
}

TEST_F(KernelExecution, VectorLoadsAndStores) {
  struct Float4 {
    float x, y, z, w;
  };
  struct Int2 {
    int x, y;
  };
  const std::string name = "_Z7vectorsPK6float4PS_PK4int2Pi";
  alignas(16) Float4 in[4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {-1, -2, -3, -4}, {0.5f, 0, 1, 2}};
  alignas(16) Float4 out[4] = {};
  alignas(8) Int2 pairs[4] = {{1, 2}, {30, 40}, {-5, 5}, {7, -100}};
  int sums[4] = {};
  std::vector<uint8_t> params;
  const KernelInfo &k = info(name);
  setParam(params, k, 0, static_cast<const Float4 *>(in));
  setParam(params, k, 1, out);
  setParam(params, k, 2, static_cast<const Int2 *>(pairs));
  setParam(params, k, 3, sums);
  jit_->launch(name, params, {1, 1, 1}, {4, 1, 1});
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(out[t].x, in[t].w);
    EXPECT_EQ(out[t].y, in[t].z);
    EXPECT_EQ(out[t].z, in[t].y);
    EXPECT_EQ(out[t].w, in[t].x);
    EXPECT_EQ(sums[t], pairs[t].x + pairs[t].y);
  }
}

TEST_F(KernelExecution, EarlyReturn) {
  const std::string name = "_Z11guardedExitPii";
  std::vector<int> out(8, -7);
  std::vector<uint8_t> params;
  setParam(params, info(name), 0, out.data());
  setParam(params, info(name), 1, 5);
  jit_->launch(name, params, {1, 1, 1}, {8, 1, 1});
  EXPECT_EQ(out, (std::vector<int>{0, 2, 4, 6, 8, -7, -7, -7}));
}

// Parameters and results declared in .reg space are registers the body names directly; the
// caller passes and receives registers.
TEST(FunctionExecution, RegisterSpaceParameters) {
  Lowered lowered = lowerText(R"(.version 9.0
.target sm_75
.address_size 64
.visible .func (.reg .b32 sum, .reg .b64 wide) addScaled(.reg .b32 x, .reg .b32 y)
{
  .reg .b32 %r<2>;
  shl.b32 %r1, y, 2;
  add.s32 x, x, %r1;
  mov.b32 sum, x;
  mul.wide.s32 wide, x, 3;
  ret;
}
.visible .func (.reg .b32 out) viaRegisters(.reg .b32 a)
{
  .reg .b32 %r1;
  .reg .b64 %rd1;
  mov.b32 %r1, 10;
  call (out, %rd1), addScaled, (a, %r1);
  add.s32 out, out, 1;
  ret;
}
)");
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  Jit jit(lowered);
  auto *viaRegisters = reinterpret_cast<int32_t (*)(int32_t)>(jit.function("viaRegisters"));
  EXPECT_EQ(viaRegisters(5), 5 + 4 * 10 + 1);
  EXPECT_EQ(viaRegisters(-100), -100 + 40 + 1);
}

TEST(FunctionExecution, RegisterSpaceKernelParameterIsRejected) {
  Lowered lowered = lowerText(".version 9.0\n.target sm_75\n.address_size 64\n"
                              ".visible .entry k(.reg .b32 x)\n{\nret;\n}\n");
  EXPECT_FALSE(lowered.module.has_value());
  ASSERT_FALSE(lowered.diagnostics.empty());
  EXPECT_NE(lowered.diagnostics[0].find(".reg"), std::string::npos) << lowered.diagnostics[0];
}

} // namespace
} // namespace cuport::lower::test
