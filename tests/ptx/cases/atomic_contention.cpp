// atom and red with many warps contending for the same addresses (PTX ISA 9.7.13.5-6): across
// several blocks for the operations whose starting value is the zero the output buffer starts
// with, and within one block of 32 warps (initialized behind a barrier) for the others. Final and
// returned values are compared with the ISA's definition of each operation applied one operand
// at a time on the host.
#include "tests/ptx/conformance.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace cuport::conformance {
namespace {

constexpr uint32_t kBlocks = 4;
constexpr uint32_t kThreads = 256; // 8 warps per block
constexpr uint32_t kTotal = kBlocks * kThreads;
constexpr size_t kHeaderSlots = 8; // out[0..7]: contended words; out[8 + i]: thread i's slot

// test(in, out) with %r1 = global thread index, %r2 = %tid.x, %rd1 = out, %rd2 = in,
// %rd3 = &out[8 + %r1] and %rd5 = in[%r1] (8-byte slots); then `body`.
std::string contentionModule(const std::string &body, unsigned sm = 75,
                             const std::string &version = "8.0") {
  return header(sm, version) + R"(.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .pred %p<8>;
  .reg .b16 %rs<8>;
  .reg .b32 %r<16>;
  .reg .f32 %f<8>;
  .reg .b64 %rd<16>;
  .shared .align 8 .b8 scratch[64];
  ld.param.u64 %rd2, [in];
  ld.param.u64 %rd1, [out];
  mov.u32 %r2, %tid.x;
  mov.u32 %r3, %ctaid.x;
  mov.u32 %r4, %ntid.x;
  mad.lo.u32 %r1, %r3, %r4, %r2;
  mul.wide.u32 %rd4, %r1, 8;
  add.s64 %rd3, %rd1, %rd4;
  add.s64 %rd3, %rd3, 64;
  add.s64 %rd6, %rd2, %rd4;
  ld.global.u64 %rd5, [%rd6];
)" + body +
         "\n  ret;\n}\n";
}

std::vector<uint64_t> contend(const std::string &ptx, Dim3 grid, Dim3 block,
                              const std::vector<uint64_t> &in) {
  Launch launch;
  launch.ptx = ptx;
  launch.grid = grid;
  launch.block = block;
  for (uint64_t value : in)
    launch.in.push(value);
  uint32_t threads = grid.x * block.x;
  launch.outSize = (kHeaderSlots + threads) * 8;
  Bytes out = runOk(launch);
  std::vector<uint64_t> words(kHeaderSlots + threads);
  for (size_t i = 0; i < words.size(); ++i)
    words[i] = out.at<uint64_t>(8 * i);
  return words;
}

std::vector<uint64_t> randomInputs(const std::string &name, size_t count) {
  std::mt19937_64 random = randomFor(name);
  std::vector<uint64_t> values(count);
  for (uint64_t &value : values)
    value = random();
  return values;
}

// Every thread adds 1: the returned old values are each count below the total exactly once.
PTX_CASE(AtomicContention, AddAcrossBlocks) {
  std::vector<uint64_t> in = randomInputs("AtomicContention.AddAcrossBlocks", kTotal);
  auto out = contend(contentionModule(R"(
  atom.global.add.u32 %r5, [%rd1], 1;
  cvt.u64.u32 %rd7, %r5;
  st.global.u64 [%rd3], %rd7;
  red.global.add.u64 [%rd1+8], %rd5;
  cvt.u32.u64 %r6, %rd5;
  atom.relaxed.gpu.global.add.s32 %r7, [%rd1+16], %r6;
  atom.add.u64 %rd8, [%rd1+24], 3;
)",
                                      75),
                     {kBlocks}, {kThreads}, in);
  uint64_t sum64 = 0;
  uint32_t sum32 = 0;
  for (uint64_t value : in) {
    sum64 += value;
    sum32 += uint32_t(value);
  }
  EXPECT_EQ(uint32_t(out[0]), kTotal);
  EXPECT_EQ(out[1], sum64);
  EXPECT_EQ(uint32_t(out[2]), sum32);
  EXPECT_EQ(out[3], 3ull * kTotal);
  std::vector<uint64_t> olds(out.begin() + kHeaderSlots, out.end());
  std::sort(olds.begin(), olds.end());
  for (uint32_t i = 0; i < kTotal; ++i)
    ASSERT_EQ(olds[i], i);
}

// inc: (old >= b) ? 0 : old + 1; dec: (old == 0 || old > b) ? b : old - 1, from zero.
PTX_CASE(AtomicContention, IncDecWrapAcrossBlocks) {
  auto out = contend(contentionModule(R"(
  atom.global.inc.u32 %r5, [%rd1], 100;
  atom.global.dec.u32 %r6, [%rd1+8], 100;
  red.global.inc.u32 [%rd1+16], 7;
  red.global.dec.u32 [%rd1+24], 0;
  red.global.inc.u32 [%rd1+32], 0xFFFFFFFF;
)"),
                     {kBlocks}, {kThreads}, std::vector<uint64_t>(kTotal));
  uint32_t inc = 0, dec = 0, inc7 = 0, dec0 = 0, incMax = 0;
  for (uint32_t i = 0; i < kTotal; ++i) {
    inc = inc >= 100 ? 0 : inc + 1;
    dec = dec == 0 || dec > 100 ? 100 : dec - 1;
    inc7 = inc7 >= 7 ? 0 : inc7 + 1;
    dec0 = dec0 == 0 || dec0 > 0 ? 0 : dec0 - 1;
    incMax = incMax >= 0xFFFFFFFFu ? 0 : incMax + 1;
  }
  EXPECT_EQ(uint32_t(out[0]), inc);
  EXPECT_EQ(uint32_t(out[1]), dec);
  EXPECT_EQ(uint32_t(out[2]), inc7);
  EXPECT_EQ(uint32_t(out[3]), dec0);
  EXPECT_EQ(uint32_t(out[4]), incMax);
}

// min/max/or/xor from zero across blocks, signed and unsigned, 32 and 64 bits.
PTX_CASE(AtomicContention, MinMaxOrXorAcrossBlocks) {
  std::vector<uint64_t> in = randomInputs("AtomicContention.MinMaxOrXorAcrossBlocks", kTotal);
  auto out = contend(contentionModule(R"(
  cvt.u32.u64 %r5, %rd5;
  atom.global.min.s64 %rd7, [%rd1], %rd5;
  atom.global.max.u64 %rd8, [%rd1+8], %rd5;
  red.global.min.s32 [%rd1+16], %r5;
  red.global.max.s32 [%rd1+20], %r5;
  atom.global.or.b64 %rd9, [%rd1+24], %rd5;
  red.global.xor.b32 [%rd1+32], %r5;
  atom.global.xor.b64 %rd10, [%rd1+40], %rd5;
  red.global.max.u32 [%rd1+48], %r5;
  red.global.min.u64 [%rd1+56], %rd5;
)"),
                     {kBlocks}, {kThreads}, in);
  int64_t minS64 = 0, maxS32 = 0, minS32 = 0;
  uint64_t maxU64 = 0, orB64 = 0, xorB64 = 0;
  uint32_t xorB32 = 0, maxU32 = 0;
  for (uint64_t v : in) {
    minS64 = std::min(minS64, int64_t(v));
    maxU64 = std::max(maxU64, v);
    minS32 = std::min<int64_t>(minS32, int32_t(uint32_t(v)));
    maxS32 = std::max<int64_t>(maxS32, int32_t(uint32_t(v)));
    orB64 |= v;
    xorB32 ^= uint32_t(v);
    xorB64 ^= v;
    maxU32 = std::max(maxU32, uint32_t(v));
  }
  EXPECT_EQ(int64_t(out[0]), minS64);
  EXPECT_EQ(out[1], maxU64);
  EXPECT_EQ(int32_t(uint32_t(out[2])), minS32);
  EXPECT_EQ(int32_t(uint32_t(out[2] >> 32)), maxS32);
  EXPECT_EQ(out[3], orB64);
  EXPECT_EQ(uint32_t(out[4]), xorB32);
  EXPECT_EQ(out[5], xorB64);
  EXPECT_EQ(uint32_t(out[6]), maxU32);
  EXPECT_EQ(out[7], 0u); // min.u64 from zero stays zero
}

// and, min.u32/u64 and max.s64 need a start other than zero: one block of 32 warps sets it
// behind a barrier, contends, and copies the results after another barrier.
PTX_CASE(AtomicContention, AndMinWithinABlockOf32Warps) {
  constexpr uint32_t kBlockThreads = 1024;
  std::vector<uint64_t> in =
      randomInputs("AtomicContention.AndMinWithinABlockOf32Warps", kBlockThreads);
  for (uint64_t &value : in)
    value |= 0x0101010101010101ull; // keep some bits set in the and
  auto out = contend(contentionModule(R"(
  setp.eq.u32 %p1, %r2, 0;
  mov.u64 %rd7, -1;
  mov.u64 %rd8, 0x8000000000000000;
  @%p1 st.global.u64 [%rd1], %rd7;
  @%p1 st.global.u64 [%rd1+8], %rd7;
  @%p1 st.global.u64 [%rd1+16], %rd7;
  @%p1 st.global.u64 [%rd1+24], %rd8;
  bar.sync 0;
  cvt.u32.u64 %r5, %rd5;
  atom.global.and.b64 %rd9, [%rd1], %rd5;
  red.global.and.b32 [%rd1+8], %r5;
  atom.global.min.u32 %r6, [%rd1+12], %r5;
  red.global.min.u64 [%rd1+16], %rd5;
  atom.global.max.s64 %rd10, [%rd1+24], %rd5;
)"),
                     {1}, {kBlockThreads}, in);
  uint64_t andB64 = ~0ull, minU64 = ~0ull;
  uint32_t andB32 = ~0u, minU32 = ~0u;
  int64_t maxS64 = INT64_MIN;
  for (uint64_t v : in) {
    andB64 &= v;
    andB32 &= uint32_t(v);
    minU32 = std::min(minU32, uint32_t(v));
    minU64 = std::min(minU64, v);
    maxS64 = std::max(maxS64, int64_t(v));
  }
  EXPECT_EQ(out[0], andB64);
  EXPECT_EQ(uint32_t(out[1]), andB32);
  EXPECT_EQ(uint32_t(out[1] >> 32), minU32);
  EXPECT_EQ(out[2], minU64);
  EXPECT_EQ(int64_t(out[3]), maxS64);
}

// A lock of cas (acquire) and exch (release) guards a plain read-modify-write: no update is
// lost; exch hands every thread the value the previous one left.
PTX_CASE(AtomicContention, CasExchLock) {
  auto out = contend(contentionModule(R"(
  mov.u32 %r8, 1;
  mov.u32 %r9, 0;
spin:
  atom.acquire.gpu.global.cas.b32 %r5, [%rd1], %r9, %r8;
  setp.ne.u32 %p1, %r5, 0;
  @%p1 bra spin;
  ld.global.u32 %r6, [%rd1+8];
  add.u32 %r6, %r6, %r1;
  st.global.u32 [%rd1+8], %r6;
  atom.release.gpu.global.exch.b32 %r7, [%rd1], %r9;
  atom.global.exch.b64 %rd7, [%rd1+16], %rd4;
  st.global.u64 [%rd3], %rd7;
  atom.global.cas.b64 %rd8, [%rd1+24], 0, 0;
)",
                                      75),
                     {kBlocks}, {kThreads}, std::vector<uint64_t>(kTotal));
  EXPECT_EQ(out[0], 0u);
  EXPECT_EQ(uint32_t(out[1]), kTotal * (kTotal - 1) / 2);
  std::vector<uint64_t> seen(out.begin() + kHeaderSlots, out.end());
  seen.push_back(out[2]);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen[0], 0u);
  for (uint32_t i = 0; i < kTotal; ++i)
    ASSERT_EQ(seen[i + 1], uint64_t(i) * 8);
  EXPECT_EQ(out[3], 0u);
}

// f32 and f64 adds of exactly representable values (the total does not depend on the order), and
// a counter incremented through a compare-and-swap loop on 16 bits (cas.b16, sm_70).
PTX_CASE(AtomicContention, FloatAddsAndHalfwordCas) {
  auto out = contend(contentionModule(R"(
  mov.f32 %f1, 0f3F800000;
  atom.global.add.f32 %f2, [%rd1], %f1;
  red.global.add.f32 [%rd1+4], %f1;
  mov.f64 %rd7, 0d3FE0000000000000;
  red.global.add.f64 [%rd1+8], %rd7;
  ld.global.u16 %rs1, [%rd1+16];
retry:
  add.u16 %rs2, %rs1, 1;
  atom.global.cas.b16 %rs3, [%rd1+16], %rs1, %rs2;
  setp.ne.u16 %p1, %rs3, %rs1;
  mov.u16 %rs1, %rs3;
  @%p1 bra retry;
  cvt.u64.u16 %rd8, %rs1;
  st.global.u64 [%rd3], %rd8;
)",
                                      75),
                     {kBlocks}, {kThreads}, std::vector<uint64_t>(kTotal));
  float f32[2];
  std::memcpy(f32, &out[0], 8);
  EXPECT_EQ(f32[0], float(kTotal));
  EXPECT_EQ(f32[1], float(kTotal));
  double f64;
  std::memcpy(&f64, &out[1], 8);
  EXPECT_EQ(f64, 0.5 * kTotal);
  EXPECT_EQ(uint16_t(out[2]), uint16_t(kTotal));
  // Each thread saw a distinct count before its own increment.
  std::vector<uint64_t> seen(out.begin() + kHeaderSlots, out.end());
  std::sort(seen.begin(), seen.end());
  for (uint32_t i = 0; i < kTotal; ++i)
    ASSERT_EQ(seen[i], i);
}

// Shared memory: atomics by every thread of each block, then one global add per block; also
// through generic addresses of shared memory.
PTX_CASE(AtomicContention, SharedMemoryPerBlock) {
  auto out = contend(contentionModule(R"(
  setp.eq.u32 %p1, %r2, 0;
  mov.u32 %r11, 0;
  @%p1 st.shared.u32 [scratch], %r11;
  @%p1 st.shared.u32 [scratch+4], %r11;
  @%p1 st.shared.u32 [scratch+8], %r11;
  bar.sync 0;
  atom.shared.add.u32 %r5, [scratch], 1;
  atom.shared::cta.max.u32 %r6, [scratch+4], %r2;
  mov.u64 %rd7, scratch;
  cvta.shared.u64 %rd8, %rd7;
  atom.add.u32 %r9, [%rd8+8], 2;
  bar.sync 0;
  ld.shared.u32 %r7, [scratch];
  ld.shared.u32 %r8, [scratch+4];
  ld.shared.u32 %r10, [scratch+8];
  @%p1 red.global.add.u32 [%rd1], %r7;
  @%p1 red.global.add.u32 [%rd1+8], %r8;
  @%p1 red.add.u32 [%rd1+16], %r10;
)"),
                     {kBlocks}, {kThreads}, std::vector<uint64_t>(kTotal));
  EXPECT_EQ(uint32_t(out[0]), kTotal);
  EXPECT_EQ(uint32_t(out[1]), kBlocks * (kThreads - 1));
  EXPECT_EQ(uint32_t(out[2]), 2 * kTotal);
}

// f16 / bf16 helpers for the host references: exact decoding, and rounding of a double to the
// nearest even half value (normal and subnormal f16; normal bf16).
double fromHalf(uint16_t h) {
  int e = (h >> 10) & 31;
  double m = h & 1023;
  double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25);
  return h & 0x8000 ? -v : v;
}

uint16_t toHalf(double x) {
  uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  x = std::fabs(x);
  if (x == 0)
    return sign;
  int exponent = std::max(std::ilogb(x), -14);
  double quantum = std::ldexp(1.0, exponent - 10);
  double rounded = std::nearbyint(x / quantum) * quantum;
  if (rounded >= 65520.0)
    return sign | 0x7c00;
  if (rounded < std::ldexp(1.0, -14))
    return sign | uint16_t(rounded / std::ldexp(1.0, -24));
  int e = std::ilogb(rounded);
  return sign | uint16_t((e + 15) << 10) | uint16_t(std::ldexp(rounded, -e) * 1024 - 1024);
}

double fromBfloat(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t toBfloat(double x) {
  uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  x = std::fabs(x);
  if (x == 0)
    return sign;
  double quantum = std::ldexp(1.0, std::ilogb(x) - 7);
  double rounded = std::nearbyint(x / quantum) * quantum;
  int e = std::ilogb(rounded);
  return sign | uint16_t((e + 127) << 7) | uint16_t(std::ldexp(rounded, -e) * 128 - 128);
}

// add.noftz on f16, bf16 and both halves of f16x2 / bf16x2, every thread adding the same value:
// each step rounds, so bf16 stops at 256 (257 is not representable).
PTX_CASE(AtomicContention, HalfPrecisionAdd) {
  auto out = contend(contentionModule(R"(
  mov.b16 %rs1, 0x3C00;
  atom.global.add.noftz.f16 %rs2, [%rd1], %rs1;
  mov.b16 %rs3, 0x3F80;
  red.global.add.noftz.bf16 [%rd1+8], %rs3;
  mov.b32 %r5, 0x40003C00;
  atom.global.add.noftz.f16x2 %r6, [%rd1+16], %r5;
  mov.b32 %r7, 0x3F803F80;
  red.global.add.noftz.bf16x2 [%rd1+24], %r7;
)",
                                      90, "7.8"),
                     {kBlocks}, {kThreads}, std::vector<uint64_t>(kTotal));
  uint16_t f16 = 0, bf16 = 0, high = 0;
  for (uint32_t i = 0; i < kTotal; ++i) {
    f16 = toHalf(fromHalf(f16) + 1.0);
    bf16 = toBfloat(fromBfloat(bf16) + 1.0);
    high = toHalf(fromHalf(high) + 2.0);
  }
  EXPECT_EQ(uint16_t(out[0]), f16);
  EXPECT_EQ(uint16_t(out[1]), bf16);
  EXPECT_EQ(fromBfloat(uint16_t(out[1])), 256.0);
  EXPECT_EQ(uint32_t(out[2]), uint32_t(f16) | uint32_t(high) << 16);
  EXPECT_EQ(uint32_t(out[3]), uint32_t(bf16) | uint32_t(bf16) << 16);
}

// f16 add.noftz rounding over edge operands and random normal pairs, one pair per thread: the
// old value comes back and the sum is rounded to nearest even with subnormals kept.
PTX_CASE(AtomicContention, HalfAddRounding) {
  std::vector<uint64_t> in;
  const std::vector<uint16_t> &edges = edgeHalves();
  std::mt19937_64 random = randomFor("AtomicContention.HalfAddRounding");
  for (uint32_t i = 0; i < kTotal; ++i) {
    uint16_t a, b;
    if (i < edges.size() * edges.size()) {
      a = edges[i / edges.size()];
      b = edges[i % edges.size()];
    } else {
      a = uint16_t(random()) & 0x7bff; // finite values
      b = uint16_t(random()) & 0xfbff;
    }
    in.push_back(uint64_t(a) | uint64_t(b) << 16);
  }
  auto out = contend(contentionModule(R"(
  cvt.u16.u64 %rs1, %rd5;
  shr.u64 %rd7, %rd5, 16;
  cvt.u16.u64 %rs2, %rd7;
  st.global.u16 [%rd3], %rs1;
  atom.global.add.noftz.f16 %rs3, [%rd3], %rs2;
  st.global.u16 [%rd3+2], %rs3;
)",
                                      75, "7.8"),
                     {kBlocks}, {kThreads}, in);
  int failures = 0;
  for (uint32_t i = 0; i < kTotal && failures < 10; ++i) {
    uint16_t a = uint16_t(in[i]), b = uint16_t(in[i] >> 16);
    auto isNaN = [](uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); };
    bool aInf = (a & 0x7fff) == 0x7c00, bInf = (b & 0x7fff) == 0x7c00;
    uint16_t got = uint16_t(out[kHeaderSlots + i]);
    uint16_t expected;
    if (isNaN(a) || isNaN(b) || (aInf && bInf && a != b))
      expected = 0x7fff; // the canonical NaN
    else if (aInf || bInf)
      expected = aInf ? a : b;
    else
      expected = toHalf(fromHalf(a) + fromHalf(b));
    if (got != expected || uint16_t(out[kHeaderSlots + i] >> 16) != a) {
      ADD_FAILURE() << std::hex << a << " + " << b << ": got " << got << " expected " << expected;
      ++failures;
    }
  }
}

// sm_90 vector atomics: every element added atomically on its own.
PTX_CASE(AtomicContention, VectorFloatAdd) {
  auto out = contend(contentionModule(R"(
  mov.f32 %f1, 0f3F800000;
  mov.f32 %f2, 0f40000000;
  mov.f32 %f3, 0f40400000;
  mov.f32 %f4, 0f40800000;
  red.global.add.v4.f32 [%rd1], {%f1, %f2, %f3, %f4};
  atom.global.add.v2.f32 {%f5, %f6}, [%rd1+16], {%f1, %f2};
)",
                                      90, "8.1"),
                     {kBlocks}, {kThreads}, std::vector<uint64_t>(kTotal));
  float sums[6];
  for (int i = 0; i < 6; ++i) {
    uint32_t bits = uint32_t(out[i / 2] >> (32 * (i % 2)));
    std::memcpy(&sums[i], &bits, 4);
  }
  const float expected[6] = {1.0f * kTotal, 2.0f * kTotal, 3.0f * kTotal,
                             4.0f * kTotal, 1.0f * kTotal, 2.0f * kTotal};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(sums[i], expected[i]) << i;
}

} // namespace
} // namespace cuport::conformance
