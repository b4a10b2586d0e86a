// cp.async (PTX ISA 9.7.9.25): 4, 8 and 16-byte copies from global to shared memory, the bytes
// past src-size zero-filled, ignore-src, cache hints; complete once cp.async.wait_group /
// wait_all covers them.
#include "tests/ptx/conformance.h"

#include <string>

namespace cuport::conformance {
namespace {

// Thread t (of 8) fills its 16 shared bytes with 0xAA, then copies in[16t..] with a form chosen by
// t; after the waits and a barrier each thread writes its shared bytes to out[16t..].
PTX_CASE(MemoryAsyncCopy, SizesZeroFillAndIgnoreSource) {
  Launch launch;
  launch.ptx = header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .shared .align 16 .b8 staging[128];
  .reg .pred %p<4>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd2, [in];
  ld.param.u64 %rd1, [out];
  ld.global.u32 %r10, [%rd2+128];        // a src-size of 3 and a true ignore-src
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd3, %r1, 16;
  add.s64 %rd4, %rd2, %rd3;
  mov.u64 %rd5, staging;
  add.s64 %rd6, %rd5, %rd3;
  mov.u32 %r3, 0xAAAAAAAA;
  st.shared.v4.u32 [%rd6], {%r3, %r3, %r3, %r3};
  bar.sync 0;
  setp.eq.u32 %p1, %r1, 0;
  @%p1 cp.async.ca.shared.global [%rd6], [%rd4], 4;
  setp.eq.u32 %p1, %r1, 1;
  @%p1 cp.async.ca.shared.global [%rd6], [%rd4], 8;
  setp.eq.u32 %p1, %r1, 2;
  @%p1 cp.async.ca.shared.global.L2::128B [%rd6], [%rd4], 16;
  setp.eq.u32 %p1, %r1, 3;
  @%p1 cp.async.cg.shared.global [%rd6], [%rd4], 16;
  setp.eq.u32 %p1, %r1, 4;
  @%p1 cp.async.cg.shared.global [%rd6], [%rd4], 16, 5;
  setp.eq.u32 %p1, %r1, 5;
  @%p1 cp.async.ca.shared::cta.global [%rd6], [%rd4], 8, %r10;
  setp.eq.u32 %p1, %r1, 6;
  setp.ne.u32 %p2, %r10, 0;
  @%p1 cp.async.ca.shared.global [%rd6], [%rd4], 16, %p2;
  setp.eq.u32 %p1, %r1, 7;
  createpolicy.fractional.L2::evict_last.b64 %rd11, 1.0;
  @%p1 cp.async.cg.shared.global.L2::cache_hint [%rd6], [%rd4], 16, %rd11;
  cp.async.commit_group;
  cp.async.wait_group 0;
  cp.async.wait_all;
  bar.sync 0;
  ld.shared.v2.u64 {%rd7, %rd8}, [%rd6];
  add.s64 %rd9, %rd1, %rd3;
  st.global.v2.u64 [%rd9], {%rd7, %rd8};
  ret;
}
)";
  launch.block = {8, 1, 1};
  for (int i = 0; i < 128; ++i)
    launch.in.push(uint8_t(i + 1));
  launch.in.push(uint32_t{3});
  launch.outSize = 128;
  Bytes out = runOk(launch);
  const int copied[8] = {4, 8, 16, 16, 5, 3, 0, 16};
  const int written[8] = {4, 8, 16, 16, 16, 8, 16, 16}; // cp-size bytes: zeros past src-size
  for (int t = 0; t < 8; ++t)
    for (int i = 0; i < 16; ++i) {
      uint8_t expected = i < copied[t] ? uint8_t(16 * t + i + 1) : i < written[t] ? 0 : 0xAA;
      EXPECT_EQ(out.at<uint8_t>(16 * t + i), expected) << "thread " << t << " byte " << i;
    }
}

// A block stages a tile in two commit groups and waits for the older one first.
PTX_CASE(MemoryAsyncCopy, GroupsWaitInOrder) {
  Launch launch;
  launch.ptx = header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .shared .align 16 .b8 tile[2048];
  .reg .b32 %r<8>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd2, [in];
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd3, %r1, 16;
  add.s64 %rd4, %rd2, %rd3;
  mov.u64 %rd5, tile;
  add.s64 %rd6, %rd5, %rd3;
  cp.async.cg.shared.global [%rd6], [%rd4], 16;
  cp.async.commit_group;
  cp.async.cg.shared.global [%rd6+1024], [%rd4+1024], 16;
  cp.async.commit_group;
  cp.async.wait_group 1;
  bar.sync 0;
  xor.b32 %r2, %r1, 63;
  mul.wide.u32 %rd7, %r2, 16;
  add.s64 %rd8, %rd5, %rd7;
  ld.shared.v4.u32 {%r3, %r4, %r5, %r6}, [%rd8];
  add.s64 %rd9, %rd1, %rd3;
  st.global.v4.u32 [%rd9], {%r3, %r4, %r5, %r6};
  cp.async.wait_group 0;
  bar.sync 0;
  ld.shared.v4.u32 {%r3, %r4, %r5, %r6}, [%rd8+1024];
  st.global.v4.u32 [%rd9+1024], {%r3, %r4, %r5, %r6};
  ret;
}
)";
  launch.block = {64, 1, 1};
  for (uint32_t i = 0; i < 512; ++i)
    launch.in.push(i * 2654435761u);
  launch.outSize = 2048;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 64; ++t)
    for (uint32_t w = 0; w < 4; ++w)
      for (uint32_t half = 0; half < 2; ++half) {
        uint32_t source = half * 256 + (t ^ 63) * 4 + w;
        EXPECT_EQ(out.at<uint32_t>(half * 1024 + t * 16 + w * 4), source * 2654435761u)
            << t << " " << w << " " << half;
      }
}

} // namespace
} // namespace cuport::conformance
