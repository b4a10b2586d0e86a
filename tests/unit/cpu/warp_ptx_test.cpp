// Warp collectives and barriers written in PTX, lowered by compiler/lower and run by the CPU
// backend's block scheduler. Every expected value comes from a host reference written from the PTX
// ISA's description of the instruction; results that the ISA leaves undefined are not compared.
#include "cpu_test_support.h"

#include <bit>
#include <optional>
#include <random>

namespace cuport::cpu::test {
namespace {

class WarpPtx : public CpuBackendTest {
protected:
  // Runs `test(in, out)` of `ptx` on one block; `out` starts zeroed.
  std::vector<uint32_t> run(const std::string &ptx, Dim3 block, const std::vector<uint32_t> &in,
                            size_t outWords, uint32_t blocks = 1) {
    std::string error;
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    if (!module)
      return std::vector<uint32_t>(outWords, 0);
    uint32_t *input = allocate<uint32_t>(std::max<size_t>(in.size(), 1));
    std::copy(in.begin(), in.end(), input);
    uint32_t *output = allocate<uint32_t>(outWords);
    std::fill_n(output, outWords, 0u);
    ParamBuffer params;
    params.add(input).add(output);
    EXPECT_EQ(launch(module, "test", {blocks, 1, 1}, block, params, 0, &error), CUPORT_OK) << error;
    return std::vector<uint32_t>(output, output + outWords);
  }

  // Launches expecting a failure; returns the message.
  std::string runFailing(const std::string &ptx, Dim3 block) {
    std::string error;
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    if (!module)
      return error;
    uint32_t *buffer = allocate<uint32_t>(4096);
    ParamBuffer params;
    params.add(buffer).add(buffer);
    EXPECT_EQ(launch(module, "test", {1, 1, 1}, block, params, 0, &error),
              CUPORT_ERROR_LAUNCH_FAILED);
    return error;
  }
};

// Module header and the common prologue: %r0 = linear %tid.x, %rd1 = in, %rd2 = out,
// %rd3 = 4 * tid.
std::string ptxKernel(const std::string &declarations, const std::string &body) {
  return R"(.version 8.0
.target sm_80
.address_size 64
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<20>;
  .reg .pred %p<20>;
)" + declarations +
         R"(
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
)" + body +
         R"(
  ret;
}
)";
}

// shfl.sync per the ISA pseudocode; nullopt where the result is undefined (the source lane does
// not take part).
struct ShuffleResult {
  std::optional<uint32_t> value;
  bool predicate;
};
ShuffleResult shuffleReference(int mode, uint32_t lane, uint32_t b, uint32_t c,
                               const std::vector<uint32_t> &warpValues, uint32_t group) {
  uint32_t bval = b & 0x1f, cval = c & 0x1f, segmask = (c >> 8) & 0x1f;
  int maxLane = int((lane & segmask) | (cval & ~segmask));
  int minLane = int(lane & segmask);
  int j = 0;
  bool pval = false;
  switch (mode) {
  case 0: // up
    j = int(lane) - int(bval);
    pval = j >= maxLane;
    break;
  case 1: // down
    j = int(lane + bval);
    pval = j <= maxLane;
    break;
  case 2: // bfly
    j = int(lane ^ bval);
    pval = j <= maxLane;
    break;
  default: // idx
    j = minLane | int(bval & ~segmask);
    pval = j <= maxLane;
    break;
  }
  if (!pval)
    j = int(lane);
  if (!(group & (1u << j)))
    return {std::nullopt, pval};
  return {warpValues[j], pval};
}

// Each thread shuffles in[tid] four ways with b = in[1024], c = in[1025] (registers), and once
// with immediates (bfly 1, c = 0x1f); out[tid * 10 + k] = values, then predicates.
const std::string kShuffleKernel = ptxKernel("", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  ld.global.u32 %r2, [%rd1+4096];
  ld.global.u32 %r3, [%rd1+4100];
  shfl.sync.up.b32 %r4|%p1, %r1, %r2, %r3, -1;
  shfl.sync.down.b32 %r5|%p2, %r1, %r2, %r3, -1;
  shfl.sync.bfly.b32 %r6|%p3, %r1, %r2, %r3, -1;
  shfl.sync.idx.b32 %r7|%p4, %r1, %r2, %r3, -1;
  shfl.sync.bfly.b32 %r8, %r1, 1, 31, -1;
  mul.wide.u32 %rd5, %r0, 40;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r4;
  st.global.u32 [%rd6+4], %r5;
  st.global.u32 [%rd6+8], %r6;
  st.global.u32 [%rd6+12], %r7;
  st.global.u32 [%rd6+16], %r8;
  selp.u32 %r9, 1, 0, %p1;
  selp.u32 %r10, 1, 0, %p2;
  selp.u32 %r11, 1, 0, %p3;
  selp.u32 %r12, 1, 0, %p4;
  st.global.u32 [%rd6+20], %r9;
  st.global.u32 [%rd6+24], %r10;
  st.global.u32 [%rd6+28], %r11;
  st.global.u32 [%rd6+32], %r12;
)");

TEST_F(WarpPtx, ShuffleModesClampsAndSegments) {
  std::mt19937 random(7);
  std::vector<std::pair<uint32_t, uint32_t>> operands = {{0, 0x1f},    {1, 0x1f},
                                                         {3, 0x1f},    {16, 0x1f},
                                                         {31, 0x1f},   {33, 0x1f},
                                                         {1, 0x0},     {2, 0x1800},
                                                         {5, 0x181f},  {7, 0x1c1f},
                                                         {4, 0x1f10},  {9, 0x0a},
                                                         {17, 0x1e03}, {0xffffffff, 0xffffffff}};
  for (int i = 0; i < 20; ++i)
    operands.push_back({random(), random()});
  for (uint32_t threads : {64u, 48u}) {
    for (auto [b, c] : operands) {
      std::vector<uint32_t> in(1026);
      for (uint32_t t = 0; t < threads; ++t)
        in[t] = random();
      in[1024] = b;
      in[1025] = c;
      std::vector<uint32_t> out = run(kShuffleKernel, {threads, 1, 1}, in, threads * 10);
      ASSERT_EQ(out.size(), threads * 10);
      for (uint32_t t = 0; t < threads; ++t) {
        uint32_t warp = t / 32, lane = t % 32;
        uint32_t lanes = std::min(32u, threads - warp * 32);
        uint32_t group = lanes == 32 ? ~0u : (1u << lanes) - 1;
        std::vector<uint32_t> values(32, 0);
        for (uint32_t l = 0; l < lanes; ++l)
          values[l] = in[warp * 32 + l];
        for (int mode = 0; mode < 4; ++mode) {
          ShuffleResult expected = shuffleReference(mode, lane, b, c, values, group);
          EXPECT_EQ(out[t * 10 + 5 + mode], expected.predicate ? 1u : 0u)
              << "mode " << mode << " thread " << t << " b " << b << " c 0x" << std::hex << c;
          if (expected.value) {
            EXPECT_EQ(out[t * 10 + mode], *expected.value)
                << "mode " << mode << " thread " << t << " b " << b << " c 0x" << std::hex << c;
          }
        }
        ShuffleResult butterfly = shuffleReference(2, lane, 1, 0x1f, values, group);
        if (butterfly.value) {
          EXPECT_EQ(out[t * 10 + 4], *butterfly.value) << "thread " << t;
        }
      }
    }
  }
}

// A shuffle-down tree reduction, as __reduce / cub::WarpReduce write it, in a loop.
TEST_F(WarpPtx, ShuffleReductionInALoop) {
  std::string ptx = ptxKernel("", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  mov.u32 %r2, 16;
$loop:
  shfl.sync.down.b32 %r3, %r1, %r2, 31, -1;
  add.s32 %r1, %r1, %r3;
  shr.u32 %r2, %r2, 1;
  setp.ne.s32 %p1, %r2, 0;
  @%p1 bra $loop;
  and.b32 %r4, %r0, 31;
  setp.ne.s32 %p2, %r4, 0;
  @%p2 bra $done;
  shr.u32 %r5, %r0, 5;
  mul.wide.u32 %rd5, %r5, 4;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r1;
$done:
)");
  std::vector<uint32_t> in(256);
  for (uint32_t i = 0; i < 256; ++i)
    in[i] = i * 2654435761u;
  std::vector<uint32_t> out = run(ptx, {256, 1, 1}, in, 8);
  for (uint32_t w = 0; w < 8; ++w) {
    uint32_t sum = 0;
    for (uint32_t l = 0; l < 32; ++l)
      sum += in[w * 32 + l];
    EXPECT_EQ(out[w], sum) << "warp " << w;
  }
}

// vote.sync with full masks and, in divergent code, with the mask of the lanes that took the
// branch (even lanes vote with 0x55555555, odd ones with 0xaaaaaaaa, negated predicate).
TEST_F(WarpPtx, VoteFullAndDivergent) {
  std::string ptx = ptxKernel("", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  setp.ne.u32 %p1, %r1, 0;
  vote.sync.all.pred %p2, %p1, -1;
  vote.sync.any.pred %p3, %p1, -1;
  vote.sync.uni.pred %p4, %p1, -1;
  vote.sync.ballot.b32 %r2, %p1, -1;
  and.b32 %r3, %r0, 1;
  setp.eq.u32 %p5, %r3, 0;
  @%p5 bra $even;
  vote.sync.ballot.b32 %r4, !%p1, 0xaaaaaaaa;
  vote.sync.all.pred %p6, !%p1, 0xaaaaaaaa;
  bra.uni $joined;
$even:
  vote.sync.ballot.b32 %r4, %p1, 0x55555555;
  vote.sync.all.pred %p6, %p1, 0x55555555;
$joined:
  mul.wide.u32 %rd5, %r0, 24;
  add.s64 %rd6, %rd2, %rd5;
  selp.u32 %r10, 1, 0, %p2;
  selp.u32 %r11, 1, 0, %p3;
  selp.u32 %r12, 1, 0, %p4;
  selp.u32 %r13, 1, 0, %p6;
  st.global.u32 [%rd6], %r10;
  st.global.u32 [%rd6+4], %r11;
  st.global.u32 [%rd6+8], %r12;
  st.global.u32 [%rd6+12], %r2;
  st.global.u32 [%rd6+16], %r4;
  st.global.u32 [%rd6+20], %r13;
)");
  std::mt19937 random(11);
  for (int pattern = 0; pattern < 8; ++pattern) {
    std::vector<uint32_t> in(64);
    for (uint32_t t = 0; t < 64; ++t)
      in[t] = pattern == 0 ? 0 : pattern == 1 ? 1 : pattern == 2 ? (t % 2) : random() % 3 != 0;
    std::vector<uint32_t> out = run(ptx, {64, 1, 1}, in, 64 * 6);
    for (uint32_t w = 0; w < 2; ++w) {
      uint32_t ballot = 0;
      for (uint32_t l = 0; l < 32; ++l)
        ballot |= (in[w * 32 + l] != 0 ? 1u : 0u) << l;
      for (uint32_t l = 0; l < 32; ++l) {
        uint32_t t = w * 32 + l;
        EXPECT_EQ(out[t * 6 + 0], ballot == ~0u ? 1u : 0u) << t;
        EXPECT_EQ(out[t * 6 + 1], ballot != 0 ? 1u : 0u) << t;
        EXPECT_EQ(out[t * 6 + 2], ballot == 0 || ballot == ~0u ? 1u : 0u) << t;
        EXPECT_EQ(out[t * 6 + 3], ballot) << t;
        uint32_t half = l % 2 == 0 ? 0x55555555u : 0xaaaaaaaau;
        uint32_t votes = l % 2 == 0 ? (ballot & half) : (~ballot & half);
        EXPECT_EQ(out[t * 6 + 4], votes) << t;
        EXPECT_EQ(out[t * 6 + 5], votes == half ? 1u : 0u) << t;
      }
    }
  }
}

// match.any / match.all on b32 and b64 keys with few distinct values; a 48-thread block makes the
// second warp partial (the full membermask then names lanes that do not exist).
TEST_F(WarpPtx, MatchAnyAndAll) {
  std::string ptx = ptxKernel("", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  ld.global.u32 %r2, [%rd4+256];
  mov.b64 %rd7, {%r1, %r2};
  match.any.sync.b32 %r3, %r1, -1;
  match.all.sync.b32 %r4|%p1, %r1, -1;
  match.any.sync.b64 %r5, %rd7, -1;
  match.all.sync.b64 %r6|%p2, %rd7, -1;
  mul.wide.u32 %rd5, %r0, 24;
  add.s64 %rd6, %rd2, %rd5;
  selp.u32 %r7, 1, 0, %p1;
  selp.u32 %r8, 1, 0, %p2;
  st.global.u32 [%rd6], %r3;
  st.global.u32 [%rd6+4], %r4;
  st.global.u32 [%rd6+8], %r7;
  st.global.u32 [%rd6+12], %r5;
  st.global.u32 [%rd6+16], %r6;
  st.global.u32 [%rd6+20], %r8;
)");
  std::mt19937 random(5);
  for (uint32_t threads : {64u, 48u}) {
    for (int pattern = 0; pattern < 6; ++pattern) {
      std::vector<uint32_t> in(128);
      for (uint32_t t = 0; t < 64; ++t) {
        in[t] = pattern < 2 ? 7 : random() % (pattern == 2 ? 2 : 5);
        in[64 + t] = pattern == 0 ? 1 : random() % 2;
      }
      std::vector<uint32_t> out = run(ptx, {threads, 1, 1}, in, threads * 6);
      for (uint32_t t = 0; t < threads; ++t) {
        uint32_t warp = t / 32;
        uint32_t lanes = std::min(32u, threads - warp * 32);
        uint32_t group = lanes == 32 ? ~0u : (1u << lanes) - 1;
        auto key64 = [&](uint32_t u) { return uint64_t(in[64 + u]) << 32 | in[u]; };
        uint32_t same32 = 0, same64 = 0;
        bool all32 = true, all64 = true;
        for (uint32_t l = 0; l < lanes; ++l) {
          uint32_t u = warp * 32 + l;
          same32 |= (in[u] == in[t] ? 1u : 0u) << l;
          same64 |= (key64(u) == key64(t) ? 1u : 0u) << l;
          all32 &= in[u] == in[warp * 32];
          all64 &= key64(u) == key64(warp * 32);
        }
        EXPECT_EQ(out[t * 6 + 0], same32) << t;
        EXPECT_EQ(out[t * 6 + 1], all32 ? group : 0u) << t;
        EXPECT_EQ(out[t * 6 + 2], all32 ? 1u : 0u) << t;
        EXPECT_EQ(out[t * 6 + 3], same64) << t;
        EXPECT_EQ(out[t * 6 + 4], all64 ? group : 0u) << t;
        EXPECT_EQ(out[t * 6 + 5], all64 ? 1u : 0u) << t;
      }
    }
  }
}

// redux.sync over the lanes of the membermask: the first 20 lanes (mask 0x000fffff) and the rest
// (0xfff00000), in two branches.
TEST_F(WarpPtx, ReduxEveryOperationWithPartialMasks) {
  std::string ptx = ptxKernel("", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  mov.u32 %r20, %laneid;
  setp.ge.u32 %p1, %r20, 20;
  @%p1 bra $high;
  redux.sync.add.u32 %r2, %r1, 0x000fffff;
  redux.sync.min.u32 %r3, %r1, 0x000fffff;
  redux.sync.max.u32 %r4, %r1, 0x000fffff;
  redux.sync.min.s32 %r5, %r1, 0x000fffff;
  redux.sync.max.s32 %r6, %r1, 0x000fffff;
  redux.sync.and.b32 %r7, %r1, 0x000fffff;
  redux.sync.or.b32 %r8, %r1, 0x000fffff;
  redux.sync.xor.b32 %r9, %r1, 0x000fffff;
  bra.uni $store;
$high:
  redux.sync.add.s32 %r2, %r1, 0xfff00000;
  redux.sync.min.u32 %r3, %r1, 0xfff00000;
  redux.sync.max.u32 %r4, %r1, 0xfff00000;
  redux.sync.min.s32 %r5, %r1, 0xfff00000;
  redux.sync.max.s32 %r6, %r1, 0xfff00000;
  redux.sync.and.b32 %r7, %r1, 0xfff00000;
  redux.sync.or.b32 %r8, %r1, 0xfff00000;
  redux.sync.xor.b32 %r9, %r1, 0xfff00000;
$store:
  mul.wide.u32 %rd5, %r0, 32;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r2;
  st.global.u32 [%rd6+4], %r3;
  st.global.u32 [%rd6+8], %r4;
  st.global.u32 [%rd6+12], %r5;
  st.global.u32 [%rd6+16], %r6;
  st.global.u32 [%rd6+20], %r7;
  st.global.u32 [%rd6+24], %r8;
  st.global.u32 [%rd6+28], %r9;
)");
  std::mt19937 random(3);
  std::vector<uint32_t> in(64);
  for (uint32_t t = 0; t < 64; ++t)
    in[t] = t % 7 == 0 ? 0x80000000u + t : random();
  std::vector<uint32_t> out = run(ptx, {64, 1, 1}, in, 64 * 8);
  for (uint32_t t = 0; t < 64; ++t) {
    uint32_t warp = t / 32;
    bool high = t % 32 >= 20;
    uint32_t first = warp * 32 + (high ? 20 : 0), last = warp * 32 + (high ? 32 : 20);
    uint32_t sum = 0, minU = ~0u, maxU = 0, andAll = ~0u, orAll = 0, xorAll = 0;
    int32_t minS = INT32_MAX, maxS = INT32_MIN;
    for (uint32_t u = first; u < last; ++u) {
      sum += in[u];
      minU = std::min(minU, in[u]);
      maxU = std::max(maxU, in[u]);
      minS = std::min(minS, int32_t(in[u]));
      maxS = std::max(maxS, int32_t(in[u]));
      andAll &= in[u];
      orAll |= in[u];
      xorAll ^= in[u];
    }
    std::vector<uint32_t> expected{sum,    minU,  maxU,  uint32_t(minS), uint32_t(maxS),
                                   andAll, orAll, xorAll};
    for (int k = 0; k < 8; ++k)
      EXPECT_EQ(out[t * 8 + k], expected[k]) << "thread " << t << " op " << k;
  }
}

// elect.sync elects the lowest lane of the membermask's non-exited lanes; activemask is the set
// of lanes that reached the same activemask together (here: one of three branches).
TEST_F(WarpPtx, ElectAndActiveMaskUnderDivergence) {
  std::string ptx = ptxKernel("", R"(
  mov.u32 %r20, %laneid;
  rem.u32 %r1, %r20, 3;
  setp.eq.u32 %p1, %r1, 0;
  setp.eq.u32 %p2, %r1, 1;
  @%p1 bra $zero;
  @%p2 bra $one;
  activemask.b32 %r2;
  elect.sync %r3|%p3, %r2;
  bra.uni $store;
$zero:
  activemask.b32 %r2;
  elect.sync %r3|%p3, %r2;
  bra.uni $store;
$one:
  activemask.b32 %r2;
  elect.sync _|%p3, 0x92492492;
  mov.u32 %r3, 99;
$store:
  elect.sync %r4|%p4, -1;
  mul.wide.u32 %rd5, %r0, 16;
  add.s64 %rd6, %rd2, %rd5;
  selp.u32 %r5, 1, 0, %p3;
  st.global.u32 [%rd6], %r2;
  st.global.u32 [%rd6+4], %r3;
  st.global.u32 [%rd6+8], %r5;
  st.global.u32 [%rd6+12], %r4;
)");
  ptx.replace(ptx.find("sm_80"), 5, "sm_90"); // elect.sync came with sm_90
  for (uint32_t threads : {64u, 48u}) {
    std::vector<uint32_t> out = run(ptx, {threads, 1, 1}, {}, threads * 4);
    for (uint32_t t = 0; t < threads; ++t) {
      uint32_t lane = t % 32;
      uint32_t lanes = std::min(32u, threads - t / 32 * 32);
      uint32_t sameClass = 0;
      for (uint32_t l = 0; l < lanes; ++l)
        sameClass |= (l % 3 == lane % 3 ? 1u : 0u) << l;
      uint32_t leader = uint32_t(std::countr_zero(sameClass));
      EXPECT_EQ(out[t * 4 + 0], sameClass) << "thread " << t;
      EXPECT_EQ(out[t * 4 + 1], lane % 3 == 1 ? 99u : leader) << "thread " << t;
      EXPECT_EQ(out[t * 4 + 2], lane == leader ? 1u : 0u) << "thread " << t;
      EXPECT_EQ(out[t * 4 + 3], 0u) << "thread " << t;
    }
  }
}

// bar.red: __syncthreads_count / _and / _or over the block, on three barriers, with a partial
// last warp (48 threads) and several warps (96).
TEST_F(WarpPtx, BarrierReductions) {
  std::string ptx = ptxKernel("", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  setp.ne.u32 %p1, %r1, 0;
  bar.red.popc.u32 %r2, 0, %p1;
  bar.red.and.pred %p2, 1, %p1;
  barrier.red.or.pred %p3, 2, !%p1;
  barrier.cta.red.popc.aligned.u32 %r3, 3, !%p1;
  mul.wide.u32 %rd5, %r0, 16;
  add.s64 %rd6, %rd2, %rd5;
  selp.u32 %r4, 1, 0, %p2;
  selp.u32 %r5, 1, 0, %p3;
  st.global.u32 [%rd6], %r2;
  st.global.u32 [%rd6+4], %r4;
  st.global.u32 [%rd6+8], %r5;
  st.global.u32 [%rd6+12], %r3;
)");
  std::mt19937 random(13);
  for (uint32_t threads : {48u, 96u}) {
    for (int pattern = 0; pattern < 4; ++pattern) {
      std::vector<uint32_t> in(threads);
      for (uint32_t t = 0; t < threads; ++t)
        in[t] = pattern == 0 ? 0 : pattern == 1 ? 5 : random() % 2;
      uint32_t popc = 0;
      for (uint32_t value : in)
        popc += value != 0;
      std::vector<uint32_t> out = run(ptx, {threads, 1, 1}, in, threads * 4);
      for (uint32_t t = 0; t < threads; ++t) {
        EXPECT_EQ(out[t * 4 + 0], popc) << t;
        EXPECT_EQ(out[t * 4 + 1], popc == threads ? 1u : 0u) << t;
        EXPECT_EQ(out[t * 4 + 2], popc != threads ? 1u : 0u) << t;
        EXPECT_EQ(out[t * 4 + 3], threads - popc) << t;
      }
    }
  }
}

// Producer/consumer on named barriers: warp 0 fills a shared slot and signals FULL (bar.arrive 0)
// without waiting; warp 1 waits for FULL (bar.sync 0), consumes, and signals EMPTY (bar.arrive 1),
// which the producer waits for before the next round.
TEST_F(WarpPtx, ProducerConsumerOnNamedBarriers) {
  std::string ptx = ptxKernel(".shared .align 4 .b8 slot[128];", R"(
  mov.u32 %r20, %laneid;
  mov.u32 %r21, %warpid;
  mov.u32 %r22, slot;
  shl.b32 %r23, %r20, 2;
  add.s32 %r24, %r22, %r23;
  mov.u32 %r1, 0;
  setp.ne.u32 %p1, %r21, 0;
  @%p1 bra $consumer;
$produce:
  setp.eq.u32 %p2, %r1, 0;
  @%p2 bra $fill;
  barrier.sync 1, 64;
$fill:
  shl.b32 %r2, %r1, 5;
  add.s32 %r2, %r2, %r20;
  mul.wide.u32 %rd4, %r2, 4;
  add.s64 %rd5, %rd1, %rd4;
  ld.global.u32 %r3, [%rd5];
  st.shared.u32 [%r24], %r3;
  bar.arrive 0, 64;
  add.s32 %r1, %r1, 1;
  setp.lt.u32 %p3, %r1, 8;
  @%p3 bra $produce;
  bra.uni $done;
$consumer:
  bar.sync 0, 64;
  ld.shared.u32 %r3, [%r24];
  mul.lo.u32 %r3, %r3, 3;
  shl.b32 %r2, %r1, 5;
  add.s32 %r2, %r2, %r20;
  mul.wide.u32 %rd4, %r2, 4;
  add.s64 %rd5, %rd2, %rd4;
  st.global.u32 [%rd5], %r3;
  barrier.arrive 1, 64;
  add.s32 %r1, %r1, 1;
  setp.lt.u32 %p3, %r1, 8;
  @%p3 bra $consumer;
$done:
)");
  std::vector<uint32_t> in(256);
  for (uint32_t i = 0; i < 256; ++i)
    in[i] = i * 7 + 1;
  std::vector<uint32_t> out = run(ptx, {64, 1, 1}, in, 256, 3);
  for (uint32_t i = 0; i < 256; ++i)
    EXPECT_EQ(out[i], in[i] * 3) << i;
}

// bar.sync with a thread count on a block whose last warp is partial: warps arrive as units, so
// 48 threads (two warps) complete a barrier of 64. The third barrier is a subset of the block:
// only warps 0 and 1 of a 96-thread block take part.
TEST_F(WarpPtx, BarrierCountsCountWarps) {
  std::string ptx = ptxKernel(".shared .align 4 .b8 buffer[512];", R"(
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  mov.u32 %r2, buffer;
  shl.b32 %r3, %r0, 2;
  add.s32 %r4, %r2, %r3;
  st.shared.u32 [%r4], %r1;
  mov.u32 %r10, %ntid.x;
  setp.eq.u32 %p1, %r10, 96;
  @%p1 bra $subset;
  bar.sync 1, 64;
  bra.uni $read;
$subset:
  setp.ge.u32 %p2, %r0, 64;
  @%p2 bra $done;
  barrier.sync 5, 64;
$read:
  mov.u32 %r11, %ntid.x;
  setp.eq.u32 %p3, %r11, 96;
  selp.u32 %r11, 64, %r11, %p3;
  sub.u32 %r5, %r11, 1;
  sub.u32 %r5, %r5, %r0;
  shl.b32 %r6, %r5, 2;
  add.s32 %r7, %r2, %r6;
  ld.shared.u32 %r8, [%r7];
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r8;
$done:
)");
  for (uint32_t threads : {48u, 96u}) {
    std::vector<uint32_t> in(threads);
    for (uint32_t t = 0; t < threads; ++t)
      in[t] = 1000 + t;
    std::vector<uint32_t> out = run(ptx, {threads, 1, 1}, in, threads);
    uint32_t participants = threads == 96 ? 64 : threads;
    for (uint32_t t = 0; t < threads; ++t)
      EXPECT_EQ(out[t], t < participants ? in[participants - 1 - t] : 0u) << t;
  }
}

// %laneid, %warpid, %nwarpid and %lanemask_* follow lane = linear thread index % 32 in a 2-D
// block, as do the lanes of a ballot.
TEST_F(WarpPtx, LaneNumberingIn2DBlocks) {
  std::string ptx = ptxKernel("", R"(
  mov.u32 %r1, %tid.y;
  mov.u32 %r2, %ntid.x;
  mad.lo.u32 %r3, %r1, %r2, %r0;
  mov.u32 %r4, %laneid;
  mov.u32 %r5, %warpid;
  mov.u32 %r6, %nwarpid;
  mov.u32 %r7, %lanemask_lt;
  mov.u32 %r8, %lanemask_ge;
  setp.eq.u32 %p1, %r1, 1;
  vote.sync.ballot.b32 %r9, %p1, -1;
  mul.wide.u32 %rd5, %r3, 24;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r4;
  st.global.u32 [%rd6+4], %r5;
  st.global.u32 [%rd6+8], %r6;
  st.global.u32 [%rd6+12], %r7;
  st.global.u32 [%rd6+16], %r8;
  st.global.u32 [%rd6+20], %r9;
)");
  const uint32_t nx = 12, ny = 4, threads = nx * ny; // 48: a full warp and a half one
  std::vector<uint32_t> out = run(ptx, {nx, ny, 1}, {}, threads * 6);
  for (uint32_t linear = 0; linear < threads; ++linear) {
    uint32_t lane = linear % 32, warp = linear / 32;
    uint32_t ballot = 0;
    for (uint32_t other = warp * 32; other < std::min(threads, warp * 32 + 32); ++other)
      ballot |= (other / nx == 1 ? 1u : 0u) << (other % 32);
    EXPECT_EQ(out[linear * 6 + 0], lane) << linear;
    EXPECT_EQ(out[linear * 6 + 1], warp) << linear;
    EXPECT_EQ(out[linear * 6 + 2], 2u) << linear;
    EXPECT_EQ(out[linear * 6 + 3], (1u << lane) - 1) << linear;
    EXPECT_EQ(out[linear * 6 + 4], ~((1u << lane) - 1)) << linear;
    EXPECT_EQ(out[linear * 6 + 5], ballot) << linear;
  }
}

// A lane that exits lets its warp's collectives complete without it (bar.warp.sync, shfl) and no
// longer counts for __syncthreads.
TEST_F(WarpPtx, ExitedLanesDoNotBlockCollectivesOrBarriers) {
  std::string ptx = ptxKernel("", R"(
  setp.ge.u32 %p1, %r0, 40;
  @%p1 bra $gone;
  bar.warp.sync -1;
  shfl.sync.idx.b32 %r1, %r0, 3, 31, -1;
  bar.sync 0;
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r1;
$gone:
)");
  std::vector<uint32_t> out = run(ptx, {64, 1, 1}, {}, 64);
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out[t], t < 40 ? (t / 32) * 32 + 3 : 0u) << t;
}

TEST_F(WarpPtx, DeadlockEndsTheGridWithAMessage) {
  std::string message = runFailing(ptxKernel("", R"(
  bar.sync 1, 64;
)"),
                                   {32, 1, 1});
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
  EXPECT_NE(message.find("'test'"), std::string::npos) << message;
  EXPECT_NE(message.find("bar.sync on barrier 1"), std::string::npos) << message;
}

TEST_F(WarpPtx, MismatchedCollectivesDeadlock) {
  std::string message = runFailing(ptxKernel("", R"(
  and.b32 %r1, %r0, 1;
  setp.eq.u32 %p1, %r1, 0;
  @%p1 bra $even;
  shfl.sync.idx.b32 %r2, %r0, 0, 31, -1;
  bra.uni $done;
$even:
  vote.sync.any.pred %p2, %p1, -1;
$done:
)"),
                                   {32, 1, 1});
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
}

TEST_F(WarpPtx, MembermaskWithoutTheOwnLaneFails) {
  std::string message = runFailing(ptxKernel("", R"(
  shfl.sync.idx.b32 %r2, %r0, 0, 31, 1;
)"),
                                   {32, 1, 1});
  EXPECT_NE(message.find("does not include its own lane"), std::string::npos) << message;
}

TEST_F(WarpPtx, InvalidBarrierUseFails) {
  EXPECT_NE(runFailing(ptxKernel("", "  bar.sync 16;\n"), {32, 1, 1}).find("barrier ids are 0..15"),
            std::string::npos);
  EXPECT_NE(runFailing(ptxKernel("", "  bar.sync 1, 48;\n"), {64, 1, 1}).find("multiple of"),
            std::string::npos);
}

} // namespace
} // namespace cuport::cpu::test
