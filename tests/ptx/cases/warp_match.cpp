// match.any.sync / match.all.sync on b32 and b64 values, full and partial (48-thread) warps.
#include "tests/ptx/conformance.h"

namespace cuport::conformance {
namespace {

// Value: in[tid] (b32) or {in[tid], in[64 + tid]} (b64); out[tid] = {d, p (match.all)}.
std::string matchKernel(const std::string &instruction, bool wide, bool predicate) {
  std::string value = wide ? "%rd7" : "%r1";
  std::string destination = predicate ? "%r4|%p1" : "%r4";
  return header(75) + R"(
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
  ld.global.u32 %r2, [%rd4+256];
  mov.b64 %rd7, {%r1, %r2};
  setp.eq.u32 %p1, %r0, %r0;
  )" + instruction +
         " " + destination + ", " + value + R"(, -1;
  selp.u32 %r5, 1, 0, %p1;
  mul.wide.u32 %rd5, %r0, 8;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r4;
  st.global.u32 [%rd6+4], %r5;
  ret;
}
)";
}

void checkMatch(const std::string &instruction, bool wide, bool all) {
  std::mt19937_64 random = randomFor(instruction);
  for (uint32_t threads : {64u, 48u}) {
    for (int pattern = 0; pattern < 5; ++pattern) {
      Launch launch;
      launch.ptx = matchKernel(instruction, wide, all);
      launch.block = {threads, 1, 1};
      for (uint32_t i = 0; i < 128; ++i)
        launch.in.push(uint32_t(pattern < 2 ? 3 : random() % (pattern == 2 ? 2 : 4)));
      launch.outSize = threads * 8;
      Bytes out = runOk(launch);
      auto key = [&](uint32_t t) {
        uint64_t low = launch.in.at<uint32_t>(t * 4);
        return wide ? low | uint64_t(launch.in.at<uint32_t>(256 + t * 4)) << 32 : low;
      };
      for (uint32_t t = 0; t < threads; ++t) {
        uint32_t warp = t / 32, lanes = std::min(32u, threads - warp * 32);
        uint32_t group = lanes == 32 ? ~0u : (1u << lanes) - 1;
        uint32_t same = 0;
        bool allSame = true;
        for (uint32_t l = 0; l < lanes; ++l) {
          same |= (key(warp * 32 + l) == key(t) ? 1u : 0u) << l;
          allSame &= key(warp * 32 + l) == key(warp * 32);
        }
        SCOPED_TRACE("thread " + std::to_string(t));
        if (all) {
          EXPECT_EQ(out.at<uint32_t>(t * 8), allSame ? group : 0u);
          EXPECT_EQ(out.at<uint32_t>(t * 8 + 4), allSame ? 1u : 0u);
        } else {
          EXPECT_EQ(out.at<uint32_t>(t * 8), same);
        }
      }
    }
  }
}

PTX_CASE(WarpMatch, AnyB32) {
  checkMatch("match.any.sync.b32", false, false);
}
PTX_CASE(WarpMatch, AnyB64) {
  checkMatch("match.any.sync.b64", true, false);
}
PTX_CASE(WarpMatch, AllB32) {
  checkMatch("match.all.sync.b32", false, true);
}
PTX_CASE(WarpMatch, AllB64) {
  checkMatch("match.all.sync.b64", true, true);
}

} // namespace
} // namespace cuport::conformance
