// shfl.sync: the four modes with the c operand's clamp and segment mask, the predicate output,
// full and partial (48-thread block) warps, registers and immediates; and the deprecated shfl
// without .sync (PTX ISA 6.3 and earlier for sm_70 and later), which shuffles among the warp's
// threads as a full membermask does.
#include "tests/ptx/conformance.h"

#include <optional>

namespace cuport::conformance {
namespace {

// Each thread shuffles in[tid] with b = in[64], c = in[65]; out[tid] = {d, p}.
std::string shuffleKernel(const std::string &mode, bool deprecated) {
  std::string shuffle = deprecated ? "shfl." + mode + ".b32 %r4|%p1, %r1, %r2, %r3;"
                                   : "shfl.sync." + mode + ".b32 %r4|%p1, %r1, %r2, %r3, -1;";
  return header(75, deprecated ? "6.3" : "8.0") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<8>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  ld.global.u32 %r2, [%rd1+256];
  ld.global.u32 %r3, [%rd1+260];
  )" + shuffle +
         R"(
  selp.u32 %r5, 1, 0, %p1;
  mul.wide.u32 %rd5, %r0, 8;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r4;
  st.global.u32 [%rd6+4], %r5;
  ret;
}
)";
}

// The ISA's pseudocode; no value where the source lane does not take part (undefined).
std::pair<std::optional<uint32_t>, bool> reference(const std::string &mode, uint32_t lane,
                                                   uint32_t b, uint32_t c, const uint32_t *values,
                                                   uint32_t lanes) {
  uint32_t bval = b & 31, cval = c & 31, segmask = (c >> 8) & 31;
  int maxLane = int((lane & segmask) | (cval & ~segmask));
  int minLane = int(lane & segmask);
  int j;
  bool pval;
  if (mode == "up") {
    j = int(lane) - int(bval);
    pval = j >= maxLane;
  } else if (mode == "down") {
    j = int(lane + bval);
    pval = j <= maxLane;
  } else if (mode == "bfly") {
    j = int(lane ^ bval);
    pval = j <= maxLane;
  } else {
    j = minLane | int(bval & ~segmask);
    pval = j <= maxLane;
  }
  if (!pval)
    j = int(lane);
  if (j >= int(lanes))
    return {std::nullopt, pval};
  return {values[j], pval};
}

void checkMode(const std::string &mode, bool deprecated = false) {
  std::mt19937_64 random = randomFor("WarpShfl." + mode);
  std::vector<std::pair<uint32_t, uint32_t>> operands = {
      {0, 0x1f},   {1, 0x1f},   {5, 0x1f},   {16, 0x1f},  {31, 0x1f}, {1, 0},
      {2, 0x1800}, {3, 0x181f}, {7, 0x1c1f}, {4, 0x1f10}, {9, 0x0a},  {40, 0xffffffff}};
  for (int i = 0; i < 8; ++i)
    operands.push_back({uint32_t(random()), uint32_t(random())});
  for (uint32_t threads : {64u, 48u}) {
    for (auto [b, c] : operands) {
      Launch launch;
      launch.ptx = shuffleKernel(mode, deprecated);
      launch.block = {threads, 1, 1};
      for (uint32_t t = 0; t < 64; ++t)
        launch.in.push(uint32_t(random()));
      launch.in.push(b).push(c);
      launch.outSize = threads * 8;
      Bytes out = runOk(launch);
      for (uint32_t t = 0; t < threads; ++t) {
        uint32_t warp = t / 32;
        uint32_t values[32] = {};
        uint32_t lanes = std::min(32u, threads - warp * 32);
        for (uint32_t l = 0; l < lanes; ++l)
          values[l] = launch.in.at<uint32_t>((warp * 32 + l) * 4);
        auto [value, predicate] = reference(mode, t % 32, b, c, values, lanes);
        SCOPED_TRACE("thread " + std::to_string(t) + " b " + std::to_string(b) + " c " +
                     std::to_string(c));
        EXPECT_EQ(out.at<uint32_t>(t * 8 + 4), predicate ? 1u : 0u);
        if (value) {
          EXPECT_EQ(out.at<uint32_t>(t * 8), *value);
        }
      }
    }
  }
}

PTX_CASE(WarpShfl, Up) {
  checkMode("up");
}
PTX_CASE(WarpShfl, Down) {
  checkMode("down");
}
PTX_CASE(WarpShfl, Bfly) {
  checkMode("bfly");
}
PTX_CASE(WarpShfl, Idx) {
  checkMode("idx");
}

PTX_CASE(WarpShfl, DeprecatedWithoutSync) {
  for (const char *mode : {"up", "down", "bfly", "idx"}) {
    SCOPED_TRACE(std::string("shfl.") + mode);
    checkMode(mode, true);
  }
}

} // namespace
} // namespace cuport::conformance
