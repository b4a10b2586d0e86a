// isspacep.shared (PTX ISA 9.7.9.19): generic addresses of static and dynamic shared memory are
// shared; those of global, local and const memory are not.
#include "tests/ptx/conformance.h"

#include <string>

namespace cuport::conformance {
namespace {

PTX_CASE(MemoryIsSpace, SharedAddresses) {
  Launch launch;
  launch.ptx = header(75) + R"(
.const .align 4 .u32 constant = 7;
.extern .shared .align 16 .b8 dynamic[];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .local .align 8 .b8 depot[8];
  .shared .align 16 .b8 tile[32];
  .reg .pred %p<8>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<16>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mov.u64 %rd2, tile;
  cvta.shared.u64 %rd3, %rd2;
  cvt.u64.u32 %rd4, %r1;
  add.s64 %rd5, %rd3, %rd4;                 // tile + tid (tid < 32)
  mov.u64 %rd6, dynamic;
  cvta.shared.u64 %rd7, %rd6;
  add.s64 %rd8, %rd7, %rd4;                 // dynamic + tid (64 dynamic bytes)
  mov.u64 %rd9, depot;
  cvta.local.u64 %rd10, %rd9;
  mov.u64 %rd11, constant;
  cvta.const.u64 %rd12, %rd11;
  isspacep.shared %p1, %rd5;
  isspacep.shared::cta %p2, %rd8;
  isspacep.shared %p3, %rd1;
  isspacep.shared %p4, %rd10;
  isspacep.shared %p5, %rd12;
  selp.u32 %r2, 1, 0, %p1;
  selp.u32 %r3, 2, 0, %p2;
  selp.u32 %r4, 4, 0, %p3;
  selp.u32 %r5, 8, 0, %p4;
  selp.u32 %r6, 16, 0, %p5;
  or.b32 %r7, %r2, %r3;
  or.b32 %r7, %r7, %r4;
  or.b32 %r7, %r7, %r5;
  or.b32 %r7, %r7, %r6;
  mul.wide.u32 %rd13, %r1, 4;
  add.s64 %rd14, %rd1, %rd13;
  st.global.u32 [%rd14], %r7;
  ret;
}
)";
  launch.grid = {3, 1, 1};
  launch.block = {32, 1, 1};
  launch.dynamicShared = 64;
  launch.outSize = 32 * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 32; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), 3u) << t; // shared (static and dynamic) only
}

} // namespace
} // namespace cuport::conformance
