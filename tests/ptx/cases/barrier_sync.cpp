// bar.sync / barrier.sync / bar.arrive on named barriers: whole-block barriers with a partial last
// warp, explicit thread counts (warps arrive as units), a subset of the block's warps, and a
// producer/consumer pair that signals with bar.arrive.
#include "tests/ptx/conformance.h"

namespace cuport::conformance {
namespace {

const char *kPrologue = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<30>;
  .reg .b64 %rd<10>;
  .reg .pred %p<6>;
  .shared .align 4 .b8 buffer[4096];
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  mov.u32 %r9, 96;
)";

// Every participant stores in[tid] to shared memory, meets the others at `barrier`, and reads
// the value of thread participants - 1 - tid. Threads from `participants` on leave first.
std::string mirrorKernel(const std::string &barrier, uint32_t participants) {
  return header(75) + kPrologue + R"(
  setp.ge.u32 %p1, %r0, )" +
         std::to_string(participants) + R"(;
  @%p1 bra $done;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  mov.u32 %r2, buffer;
  shl.b32 %r3, %r0, 2;
  add.s32 %r4, %r2, %r3;
  st.shared.u32 [%r4], %r1;
  )" + barrier +
         R"(;
  mov.u32 %r5, )" +
         std::to_string(participants - 1) + R"(;
  sub.u32 %r5, %r5, %r0;
  shl.b32 %r6, %r5, 2;
  add.s32 %r7, %r2, %r6;
  ld.shared.u32 %r8, [%r7];
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r8;
$done:
  ret;
}
)";
}

void checkMirror(const std::string &barrier, uint32_t threads, uint32_t participants) {
  Launch launch;
  launch.ptx = mirrorKernel(barrier, participants);
  launch.block = {threads, 1, 1};
  launch.grid = {3, 1, 1};
  for (uint32_t t = 0; t < threads; ++t)
    launch.in.push(1000 + t);
  launch.outSize = threads * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < threads; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), t < participants ? 1000 + participants - 1 - t : 0u)
        << barrier << ", thread " << t << " of " << threads;
}

PTX_CASE(BarrierSync, WholeBlock) {
  checkMirror("bar.sync 0", 48, 48);
  checkMirror("barrier.sync 3", 96, 96);
  checkMirror("barrier.sync.aligned 15", 1024, 1024);
  checkMirror("bar.sync 0", 96, 70); // exited threads no longer count
}

PTX_CASE(BarrierSync, ThreadCountCountsWholeWarps) {
  checkMirror("bar.sync 1, 64", 48, 48); // the partial last warp arrives as 32 threads
  checkMirror("barrier.sync 2, 96", 96, 96);
  checkMirror("bar.sync 4, 64", 128, 64);      // two of four warps
  checkMirror("barrier.sync 5, %r9", 160, 96); // a count in a register (96)
}

// Warp 0 produces eight rounds of 32 values into a shared slot, signalling FULL (bar.arrive 0)
// without waiting and waiting for EMPTY (barrier.sync 1) before refilling; warp 1 consumes
// (bar.sync 0), writes 3 * value, and signals EMPTY (barrier.arrive 1).
PTX_CASE(BarrierSync, ProducerConsumerWithArrive) {
  std::string ptx = header(75) + kPrologue + R"(
  mov.u32 %r20, %laneid;
  mov.u32 %r21, %warpid;
  mov.u32 %r22, buffer;
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
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.block = {64, 1, 1};
  launch.grid = {2, 1, 1};
  for (uint32_t i = 0; i < 256; ++i)
    launch.in.push(i * 7 + 1);
  launch.outSize = 256 * 4;
  Bytes out = runOk(launch);
  for (uint32_t i = 0; i < 256; ++i)
    EXPECT_EQ(out.at<uint32_t>(i * 4), (i * 7 + 1) * 3) << i;
}

} // namespace
} // namespace cuport::conformance
