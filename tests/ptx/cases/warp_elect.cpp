// elect.sync, activemask and bar.warp.sync in divergent code: lanes split three ways by
// laneid % 3; a 48-thread block makes the second warp partial.
#include "tests/ptx/conformance.h"

#include <bit>

namespace cuport::conformance {
namespace {

// Per thread: {activemask in its branch, elected lane, is leader, elect over the full mask after
// the branches join (the leader's lane), lane read through shfl after bar.warp.sync}.
const char *kBody = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<12>;
  .reg .b64 %rd<8>;
  .reg .pred %p<6>;
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, %laneid;
  rem.u32 %r2, %r1, 3;
  setp.eq.u32 %p1, %r2, 0;
  setp.eq.u32 %p2, %r2, 1;
  @%p1 bra $zero;
  @%p2 bra $one;
  activemask.b32 %r3;
  elect.sync %r4|%p3, %r3;
  bra.uni $joined;
$zero:
  activemask.b32 %r3;
  elect.sync %r4|%p3, %r3;
  bra.uni $joined;
$one:
  activemask.b32 %r3;
  elect.sync %r4|%p3, %r3;
$joined:
  bar.warp.sync -1;
  elect.sync %r5|%p4, -1;
  shfl.sync.idx.b32 %r6, %r1, 1, 31, -1;
  selp.u32 %r7, 1, 0, %p3;
  mul.wide.u32 %rd5, %r0, 20;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r3;
  st.global.u32 [%rd6+4], %r4;
  st.global.u32 [%rd6+8], %r7;
  st.global.u32 [%rd6+12], %r5;
  st.global.u32 [%rd6+16], %r6;
  ret;
}
)";

PTX_CASE(WarpElect, DivergentActiveMaskElectAndSyncwarp) {
  for (uint32_t threads : {64u, 48u}) {
    Launch launch;
    launch.ptx = header(90, "8.0") + kBody;
    launch.block = {threads, 1, 1};
    launch.outSize = threads * 20;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < threads; ++t) {
      uint32_t lane = t % 32, lanes = std::min(32u, threads - t / 32 * 32);
      uint32_t sameClass = 0;
      for (uint32_t l = 0; l < lanes; ++l)
        sameClass |= (l % 3 == lane % 3 ? 1u : 0u) << l;
      uint32_t leader = uint32_t(std::countr_zero(sameClass));
      SCOPED_TRACE("thread " + std::to_string(t));
      EXPECT_EQ(out.at<uint32_t>(t * 20), sameClass);
      EXPECT_EQ(out.at<uint32_t>(t * 20 + 4), leader);
      EXPECT_EQ(out.at<uint32_t>(t * 20 + 8), lane == leader ? 1u : 0u);
      EXPECT_EQ(out.at<uint32_t>(t * 20 + 12), 0u);
      EXPECT_EQ(out.at<uint32_t>(t * 20 + 16), 1u);
    }
  }
}

} // namespace
} // namespace cuport::conformance
