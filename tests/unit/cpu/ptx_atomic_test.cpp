// Atomics from PTX to the CPU backend, with many warps of several blocks contending for the same
// addresses: the results are compared with what the PTX ISA's definition of each operation gives
// for the same set of operands (host references below).
#include "cpu_test_support.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

namespace cuport::cpu::test {
namespace {

constexpr uint32_t kBlocks = 4;
constexpr uint32_t kThreads = 256; // 8 warps
constexpr uint32_t kTotal = kBlocks * kThreads;

const std::string kHeader = ".version 8.0\n.target sm_80\n.address_size 64\n";

// A kernel whose threads each run `body` with %r1 = global thread index, %rd1 = out, %rd2 = in,
// %rd3 = &out[8 + index] (a per-thread slot for returned values).
std::string atomicKernel(const std::string &name, const std::string &body, unsigned sm = 80) {
  std::string header = ".version 8.0\n.target sm_" + std::to_string(sm) + "\n.address_size 64\n";
  return header + ".visible .entry " + name + R"((.param .u64 out, .param .u64 in)
{
  .reg .pred %p<8>;
  .reg .b16 %rs<8>;
  .reg .b32 %r<16>;
  .reg .f32 %f<8>;
  .reg .b64 %rd<16>;
  .shared .align 8 .b8 scratch[64];
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [in];
  mov.u32 %r2, %tid.x;
  mov.u32 %r3, %ctaid.x;
  mov.u32 %r4, %ntid.x;
  mad.lo.u32 %r1, %r3, %r4, %r2;
  mul.wide.u32 %rd4, %r1, 8;
  add.s64 %rd3, %rd1, %rd4;
  add.s64 %rd3, %rd3, 64;
)" + body +
         "\n  ret;\n}\n";
}

class PtxAtomics : public CpuBackendTest {
protected:
  // Runs `ptx`'s kernel `name` over kBlocks x kThreads with `out` (8 header slots + one per
  // thread, 8 bytes each) zeroed except for `initial`, and `in`.
  std::vector<uint64_t> run(const std::string &ptx, const std::string &name,
                            std::vector<uint64_t> initial = {},
                            const std::vector<uint64_t> &in = {}) {
    std::string error;
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    if (!module)
      return {};
    uint64_t *out = allocate<uint64_t>(8 + kTotal);
    std::memset(out, 0, (8 + kTotal) * 8);
    std::copy(initial.begin(), initial.end(), out);
    uint64_t *input = allocate<uint64_t>(std::max<size_t>(in.size(), 1));
    std::copy(in.begin(), in.end(), input);
    ParamBuffer params;
    params.add(out).add(input);
    EXPECT_EQ(launch(module, name.c_str(), {kBlocks, 1, 1}, {kThreads, 1, 1}, params, 0, &error),
              CUPORT_OK)
        << error;
    return std::vector<uint64_t>(out, out + 8 + kTotal);
  }
};

// Every thread adds 1: the total is the thread count, and the old values returned are each
// count from 0 to total - 1 exactly once.
TEST_F(PtxAtomics, AddReturnsEveryIntermediateCountOnce) {
  auto out = run(atomicKernel("count", R"(
  atom.global.add.u32 %r5, [%rd1], 1;
  st.global.u64 [%rd3], %r5;
  red.global.add.u64 [%rd1+8], 3;
  atom.relaxed.gpu.global.add.s32 %r6, [%rd1+16], -2;
)"),
                 "count");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(uint32_t(out[0]), kTotal);
  EXPECT_EQ(out[1], 3u * kTotal);
  EXPECT_EQ(int32_t(uint32_t(out[2])), -2 * int32_t(kTotal));
  std::vector<uint64_t> olds(out.begin() + 8, out.end());
  std::sort(olds.begin(), olds.end());
  for (uint32_t i = 0; i < kTotal; ++i)
    ASSERT_EQ(olds[i], i);
}

// inc/dec wrap at the operand: inc gives (old >= b) ? 0 : old + 1, dec gives
// (old == 0 || old > b) ? b : old - 1.
TEST_F(PtxAtomics, IncAndDecWrapAtTheOperand) {
  auto out = run(atomicKernel("wrap", R"(
  atom.global.inc.u32 %r5, [%rd1], 100;
  atom.global.dec.u32 %r6, [%rd1+8], 100;
  red.global.inc.u32 [%rd1+16], 7;
  red.global.dec.u32 [%rd1+24], 7;
)"),
                 "wrap", {0, 0, 5, 500});
  ASSERT_FALSE(out.empty());
  uint32_t inc = 0, dec = 0, inc7 = 5, dec7 = 500;
  for (uint32_t i = 0; i < kTotal; ++i) {
    inc = inc >= 100 ? 0 : inc + 1;
    dec = dec == 0 || dec > 100 ? 100 : dec - 1;
    inc7 = inc7 >= 7 ? 0 : inc7 + 1;
    dec7 = dec7 == 0 || dec7 > 7 ? 7 : dec7 - 1;
  }
  EXPECT_EQ(uint32_t(out[0]), inc);
  EXPECT_EQ(uint32_t(out[1]), dec);
  EXPECT_EQ(uint32_t(out[2]), inc7);
  EXPECT_EQ(uint32_t(out[3]), dec7);
}

// min/max (signed and unsigned, 32 and 64 bits) and and/or/xor over every thread's value.
TEST_F(PtxAtomics, MinMaxAndBitwiseOverAllThreads) {
  std::vector<uint64_t> in(kTotal);
  for (uint32_t i = 0; i < kTotal; ++i)
    in[i] = (uint64_t(i) * 0x9e3779b97f4a7c15ull) ^ (uint64_t(i) << 40);
  auto out = run(
      atomicKernel("minmax", R"(
  mul.wide.u32 %rd5, %r1, 8;
  add.s64 %rd6, %rd2, %rd5;
  ld.global.u64 %rd7, [%rd6];
  cvt.u32.u64 %r5, %rd7;
  atom.global.min.s64 %rd8, [%rd1], %rd7;
  atom.global.max.u64 %rd9, [%rd1+8], %rd7;
  red.global.min.u32 [%rd1+16], %r5;
  red.global.max.s32 [%rd1+20], %r5;
  atom.global.and.b64 %rd10, [%rd1+24], %rd7;
  atom.global.or.b64 %rd11, [%rd1+32], %rd7;
  red.global.xor.b32 [%rd1+40], %r5;
  atom.global.xor.b64 %rd12, [%rd1+48], %rd7;
)"),
      "minmax",
      {uint64_t(INT64_MAX), 0, 0xffffffffu | (uint64_t(0x80000000u) << 32), ~0ull, 0, 0, 0}, in);
  ASSERT_FALSE(out.empty());
  int64_t minS64 = INT64_MAX;
  uint64_t maxU64 = 0, andB64 = ~0ull, orB64 = 0, xorB64 = 0;
  uint32_t minU32 = 0xffffffffu, xorB32 = 0;
  int32_t maxS32 = INT32_MIN;
  for (uint64_t v : in) {
    minS64 = std::min(minS64, int64_t(v));
    maxU64 = std::max(maxU64, v);
    minU32 = std::min(minU32, uint32_t(v));
    maxS32 = std::max(maxS32, int32_t(uint32_t(v)));
    andB64 &= v;
    orB64 |= v;
    xorB32 ^= uint32_t(v);
    xorB64 ^= v;
  }
  EXPECT_EQ(int64_t(out[0]), minS64);
  EXPECT_EQ(out[1], maxU64);
  EXPECT_EQ(uint32_t(out[2]), minU32);
  EXPECT_EQ(int32_t(uint32_t(out[2] >> 32)), maxS32);
  EXPECT_EQ(out[3], andB64);
  EXPECT_EQ(out[4], orB64);
  EXPECT_EQ(uint32_t(out[5]), xorB32);
  EXPECT_EQ(out[6], xorB64);
}

// A spin lock made of cas and exch guards a plain read-modify-write: no update is lost.
TEST_F(PtxAtomics, CasAndExchMakeALock) {
  auto out = run(atomicKernel("locked", R"(
spin:
  atom.acquire.gpu.global.cas.b32 %r5, [%rd1], 0, 1;
  setp.ne.u32 %p1, %r5, 0;
  @%p1 bra spin;
  ld.global.u32 %r6, [%rd1+8];
  add.u32 %r6, %r6, %r1;
  st.global.u32 [%rd1+8], %r6;
  atom.release.gpu.global.exch.b32 %r7, [%rd1], 0;
  atom.global.cas.b64 %rd5, [%rd1+16], 0, 0;
  atom.global.exch.b64 %rd6, [%rd1+24], %rd4;
  st.global.u64 [%rd3], %rd6;
)"),
                 "locked");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0], 0u);
  EXPECT_EQ(uint32_t(out[1]), kTotal * (kTotal - 1) / 2);
  // exch hands each thread the value the previous one left: together with the final value they
  // are every thread's value once, plus the initial 0.
  std::vector<uint64_t> seen(out.begin() + 8, out.end());
  seen.push_back(out[3]);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen[0], 0u);
  for (uint32_t i = 0; i < kTotal; ++i)
    ASSERT_EQ(seen[i + 1], uint64_t(i) * 8);
}

// Shared-memory atomics inside each block, then one global add per block.
TEST_F(PtxAtomics, SharedMemoryCountsPerBlock) {
  auto out = run(atomicKernel("shared", R"(
  setp.eq.u32 %p1, %r2, 0;
  mov.u32 %r11, 0;
  @%p1 st.shared.u32 [scratch], %r11;
  @%p1 st.shared.u32 [scratch+4], %r11;
  @%p1 st.shared.u32 [scratch+8], %r11;
  bar.sync 0;
  atom.shared.add.u32 %r5, [scratch], 1;
  atom.shared::cta.max.u32 %r6, [scratch+4], %r2;
  bar.sync 0;
  ld.shared.u32 %r7, [scratch];
  ld.shared.u32 %r8, [scratch+4];
  @%p1 red.global.add.u32 [%rd1], %r7;
  @%p1 red.global.add.u32 [%rd1+8], %r8;
  mov.u64 %rd5, scratch;
  cvta.shared.u64 %rd6, %rd5;
  atom.add.u32 %r9, [%rd6+8], 1;
  bar.sync 0;
  ld.shared.u32 %r10, [scratch+8];
  @%p1 red.add.u32 [%rd1+16], %r10;
)"),
                 "shared");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(uint32_t(out[0]), kTotal);
  EXPECT_EQ(uint32_t(out[1]), kBlocks * (kThreads - 1));
  EXPECT_EQ(uint32_t(out[2]), kTotal); // generic addresses of shared memory
}

// Reference rounding of a double to f16 (round to nearest even; overflow to infinity).
uint16_t toHalf(double x) {
  uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  x = std::fabs(x);
  if (x == 0)
    return sign;
  int exponent = std::ilogb(x);
  if (exponent < -14)
    exponent = -14; // subnormal: fixed quantum 2^-24
  double quantum = std::ldexp(1.0, exponent - 10);
  double rounded = std::nearbyint(x / quantum) * quantum;
  if (rounded >= 65520.0 || rounded >= std::ldexp(1.0, 16))
    return sign | 0x7c00;
  int e = std::ilogb(rounded);
  if (rounded < std::ldexp(1.0, -14))
    return sign | uint16_t(rounded / std::ldexp(1.0, -24));
  uint16_t mantissa = uint16_t(std::ldexp(rounded, -e) * 1024 - 1024);
  return sign | uint16_t((e + 15) << 10) | mantissa;
}

double fromHalf(uint16_t h) {
  int e = (h >> 10) & 31;
  double m = h & 1023;
  double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25);
  return h & 0x8000 ? -v : v;
}

// Reference rounding of a double to bf16 (round to nearest even), for normal values.
uint16_t toBfloat(double x) {
  uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  x = std::fabs(x);
  if (x == 0)
    return sign;
  int e = std::ilogb(x);
  double quantum = std::ldexp(1.0, e - 7);
  double rounded = std::nearbyint(x / quantum) * quantum;
  e = std::ilogb(rounded);
  uint16_t mantissa = uint16_t(std::ldexp(rounded, -e) * 128 - 128);
  return sign | uint16_t((e + 127) << 7) | mantissa;
}

double fromBfloat(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Half-precision adds (.noftz): 1.0 added by every thread in f16 (exact up to 2048), in bf16
// (257 is not representable: the sum stops at 256, as the reference shows), and in both halves
// of f16x2 / bf16x2.
TEST_F(PtxAtomics, HalfPrecisionAddsRoundEachStep) {
  auto out = run(atomicKernel("halves", R"(
  mov.b16 %rs1, 0x3C00;
  atom.global.add.noftz.f16 %rs2, [%rd1], %rs1;
  mov.b16 %rs3, 0x3F80;
  red.global.add.noftz.bf16 [%rd1+8], %rs3;
  mov.b32 %r5, 0x40003C00;
  atom.global.add.noftz.f16x2 %r6, [%rd1+16], %r5;
  mov.b32 %r7, 0x3F803F80;
  red.global.add.noftz.bf16x2 [%rd1+24], %r7;
)"),
                 "halves");
  ASSERT_FALSE(out.empty());
  uint16_t f16 = 0, bf16 = 0, pairLow = 0, pairHigh = 0;
  for (uint32_t i = 0; i < kTotal; ++i) {
    f16 = toHalf(fromHalf(f16) + 1.0);
    bf16 = toBfloat(fromBfloat(bf16) + 1.0);
    pairLow = toHalf(fromHalf(pairLow) + 1.0);
    pairHigh = toHalf(fromHalf(pairHigh) + 2.0);
  }
  EXPECT_EQ(uint16_t(out[0]), f16);
  EXPECT_EQ(uint16_t(out[1]), bf16);
  EXPECT_EQ(fromBfloat(uint16_t(out[1])), 256.0);
  EXPECT_EQ(uint32_t(out[2]), uint32_t(pairLow) | uint32_t(pairHigh) << 16);
  EXPECT_EQ(uint32_t(out[3]), uint32_t(bf16) | uint32_t(bf16) << 16);
}

// One thread per operand pair: f16 add rounding, subnormals kept (.noftz), and the old value.
TEST_F(PtxAtomics, HalfAddRoundsToNearestEvenAndKeepsSubnormals) {
  const std::vector<std::pair<uint16_t, uint16_t>> pairs = {
      {0x3C00, 0x1400}, // 1 + 2^-10 * 0.25: rounds to 1
      {0x3C01, 0x1400}, // ties go to even
      {0x0001, 0x0001}, // subnormal + subnormal
      {0x8200, 0x0100}, // subnormal result of opposite signs
      {0x7BFF, 0x5000}, // overflows to infinity
      {0xC000, 0x4000}, // -2 + 2 = +0
      {0x3555, 0x3555}, {0x6400, 0x3C00},
  };
  std::vector<uint64_t> in;
  for (auto [a, b] : pairs)
    in.push_back(uint64_t(a) | uint64_t(b) << 16);
  auto out = run(atomicKernel("halfEdges", R"(
  setp.ge.u32 %p1, %r1, )" + std::to_string(pairs.size()) +
                                               R"(;
  @%p1 bra skip;
  mul.wide.u32 %rd5, %r1, 8;
  add.s64 %rd6, %rd2, %rd5;
  ld.global.u16 %rs1, [%rd6];
  ld.global.u16 %rs2, [%rd6+2];
  st.global.u16 [%rd3], %rs1;
  atom.global.add.noftz.f16 %rs3, [%rd3], %rs2;
  st.global.u16 [%rd3+2], %rs3;
skip:
)"),
                 "halfEdges", {}, in);
  ASSERT_FALSE(out.empty());
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto [a, b] = pairs[i];
    EXPECT_EQ(uint16_t(out[8 + i]), toHalf(fromHalf(a) + fromHalf(b))) << i;
    EXPECT_EQ(uint16_t(out[8 + i] >> 16), a) << i;
  }
}

// sm_90 vector atomics: each element is added atomically on its own.
TEST_F(PtxAtomics, VectorFloatAdds) {
  auto out = run(atomicKernel("vectors", R"(
  mov.f32 %f1, 0f3F800000;
  mov.f32 %f2, 0f40000000;
  mov.f32 %f3, 0f40400000;
  mov.f32 %f4, 0f40800000;
  red.global.add.v4.f32 [%rd1], {%f1, %f2, %f3, %f4};
  atom.global.add.v2.f32 {%f5, %f6}, [%rd1+16], {%f1, %f2};
)",
                              90),
                 "vectors");
  ASSERT_FALSE(out.empty());
  float sums[6];
  std::memcpy(sums, out.data(), sizeof sums);
  const float expected[6] = {1.0f * kTotal, 2.0f * kTotal, 3.0f * kTotal,
                             4.0f * kTotal, 1.0f * kTotal, 2.0f * kTotal};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(sums[i], expected[i]) << i;
}

TEST_F(PtxAtomics, UndefinedCombinationsAreRefused) {
  for (const char *instruction :
       {"atom.global.add.f16 %rs1, [%rd1], %rs2;", "atom.global.inc.u64 %rd5, [%rd1], 1;",
        "atom.global.add.noftz.f32 %f1, [%rd1], %f2;", "red.global.cas.b32 [%rd1], 1, 2;",
        "atom.shared.add.v2.f32 {%f1, %f2}, [%rd1], {%f3, %f4};",
        "atom.global.and.b16 %rs1, [%rd1], %rs2;", "atom.local.add.u32 %r5, [%rd1], 1;"}) {
    std::string error;
    EXPECT_EQ(loadPtx(atomicKernel("refused", instruction), &error), nullptr) << instruction;
    EXPECT_NE(error.find("unsupported instruction"), std::string::npos) << error;
  }
}

} // namespace
} // namespace cuport::cpu::test
