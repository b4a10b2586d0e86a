// Spin-waits between threads of one block: a thread loops on memory until another thread of its
// block writes it (flags polled with ld.volatile, ld.acquire and identity atomics, with and without
// nanosleep backoff, a spin lock, a producer/consumer ring in shared memory). The ISA's forward
// progress guarantee for threads of a CTA (sm_70 on) lets every such wait end; the expected
// values are what the handed-over data determines.
#include "tests/ptx/conformance.h"

#include <algorithm>
#include <numeric>

namespace cuport::conformance {
namespace {

// %r0 = tid, %r1 = ntid, %rd1 = in, %rd2 = out, %rd3 = 4 * tid, %r2 = &flag, %r3 = &data (shared).
const char *kPrologue = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 4 .b32 flag;
  .shared .align 4 .b32 data;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, %ntid.x;
  mul.wide.u32 %rd3, %r0, 4;
  mov.u32 %r2, flag;
  mov.u32 %r3, data;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $cleared;
  st.shared.u32 [%r2], 0;
$cleared:
  bar.sync 0;
)";

// The last thread of the block publishes in[0] through `data` and raises the flag with `publish`;
// every other thread waits in `wait` (which leaves the flag in %r10 and loops on
// `@!%p2 bra $wait` when %p2 is false), then stores data + tid.
std::string handoffKernel(const std::string &publish, const std::string &wait) {
  return header(75) + kPrologue + R"(
  sub.u32 %r4, %r1, 1;
  setp.ne.u32 %p1, %r0, %r4;
  @%p1 bra $wait;
  ld.global.u32 %r5, [%rd1];
  st.shared.u32 [%r3], %r5;
  mov.u32 %r6, 1;
  )" + publish +
         R"(
  bra.uni $done;
$wait:
  )" + wait +
         R"(
  @!%p2 bra $wait;
  membar.cta;
$done:
  ld.shared.u32 %r7, [%r3];
  add.u32 %r7, %r7, %r0;
  add.s64 %rd4, %rd2, %rd3;
  st.global.u32 [%rd4], %r7;
  ret;
}
)";
}

void expectHandoff(const std::string &publish, const std::string &wait, uint32_t threads) {
  Launch launch;
  launch.ptx = handoffKernel(publish, wait);
  launch.block = {threads, 1, 1};
  launch.grid = {2, 1, 1};
  launch.in.push(uint32_t(0x5eed));
  launch.outSize = threads * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < threads; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), 0x5eedu + t) << "thread " << t;
}

// Warps 0..2 (and the publisher's own warp) spin on a volatile load with nothing else in the loop.
PTX_CASE(SpinWait, VolatileFlagBetweenWarps) {
  expectHandoff("membar.cta;\n  st.volatile.shared.u32 [%r2], %r6;",
                "ld.volatile.shared.u32 %r10, [%r2];\n  setp.ne.u32 %p2, %r10, 0;", 128);
}

// An acquire poll with nanosleep backoff between polls (what libcu++ emits for sm_70/sm_75 waits).
PTX_CASE(SpinWait, AcquirePollWithNanosleep) {
  expectHandoff("st.release.cta.shared.u32 [%r2], %r6;",
                "ld.acquire.cta.shared.u32 %r10, [%r2];\n  setp.ne.u32 %p2, %r10, 0;\n"
                "  @%p2 bra $polled;\n  nanosleep.u32 100;\n$polled:",
                96);
}

// A relaxed poll through a generic address, the block size not a multiple of the warp size.
PTX_CASE(SpinWait, RelaxedGenericPollPartialWarp) {
  expectHandoff("fence.acq_rel.cta;\n  st.relaxed.cta.shared.u32 [%r2], %r6;",
                "mov.u64 %rd10, flag;\n  cvta.shared.u64 %rd10, %rd10;\n"
                "  ld.relaxed.cta.u32 %r10, [%rd10];\n  setp.ne.u32 %p2, %r10, 0;\n"
                "  fence.acq_rel.cta;",
                70);
}

// Polls that are atomic read-modify-writes leaving the word unchanged: or 0 and cas(1, 1).
PTX_CASE(SpinWait, IdentityAtomicPolls) {
  expectHandoff("membar.cta;\n  atom.shared.exch.b32 %r12, [%r2], %r6;",
                "atom.shared.or.b32 %r10, [%r2], 0;\n  setp.ne.u32 %p2, %r10, 0;", 64);
  expectHandoff("membar.cta;\n  atom.shared.exch.b32 %r12, [%r2], %r6;",
                "atom.shared.cas.b32 %r10, [%r2], 1, 1;\n  setp.eq.u32 %p2, %r10, 1;", 64);
}

// A flag in global memory (the output buffer's last word, per block) polled by the other threads.
PTX_CASE(SpinWait, GlobalFlag) {
  constexpr uint32_t kThreads = 64;
  std::string ptx = header(75) + kPrologue + R"(
  mov.u32 %r8, %ctaid.x;
  mul.wide.u32 %rd5, %r8, 4;
  add.s64 %rd5, %rd2, %rd5;
  add.s64 %rd5, %rd5, 4096;
  sub.u32 %r4, %r1, 1;
  setp.ne.u32 %p1, %r0, %r4;
  @%p1 bra $wait;
  ld.global.u32 %r5, [%rd1];
  st.shared.u32 [%r3], %r5;
  mov.u32 %r6, 1;
  st.release.gpu.global.u32 [%rd5], %r6;
  bra.uni $done;
$wait:
  ld.acquire.gpu.global.u32 %r10, [%rd5];
  setp.ne.u32 %p2, %r10, 0;
  @!%p2 bra $wait;
$done:
  ld.shared.u32 %r7, [%r3];
  add.u32 %r7, %r7, %r0;
  add.s64 %rd4, %rd2, %rd3;
  st.global.u32 [%rd4], %r7;
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.block = {kThreads, 1, 1};
  launch.grid = {2, 1, 1};
  launch.in.push(uint32_t(41));
  launch.outSize = 4096 + 8;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < kThreads; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), 41u + t) << "thread " << t;
  EXPECT_EQ(out.at<uint32_t>(4096), 1u);
  EXPECT_EQ(out.at<uint32_t>(4100), 1u);
}

// A spin lock (atom.cas with nanosleep backoff) whose first holder waits, inside the critical
// section, for a flag the last warp raises: every thread takes one ticket from a shared counter.
PTX_CASE(SpinWait, SpinLockWithNanosleepBackoff) {
  constexpr uint32_t kThreads = 96;
  std::string ptx = header(75) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 4 .b32 lock;
  .shared .align 4 .b32 flag;
  .shared .align 4 .b32 tickets;
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, %ntid.x;
  mul.wide.u32 %rd3, %r0, 4;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $cleared;
  st.shared.u32 [lock], 0;
  st.shared.u32 [flag], 0;
  st.shared.u32 [tickets], 0;
$cleared:
  bar.sync 0;
  sub.u32 %r4, %r1, 1;
  setp.ne.u32 %p3, %r0, %r4;
  @%p3 bra $acquire;
  mov.u32 %r6, 1;
  st.release.cta.shared.u32 [flag], %r6;
$acquire:
  atom.acquire.cta.shared.cas.b32 %r10, [lock], 0, 1;
  setp.eq.u32 %p2, %r10, 0;
  @%p2 bra $locked;
  nanosleep.u32 20;
  bra.uni $acquire;
$locked:
  @%p1 bra $critical;
$flag:
  ld.acquire.cta.shared.u32 %r11, [flag];
  setp.eq.u32 %p4, %r11, 0;
  @%p4 bra $flag;
$critical:
  ld.shared.u32 %r12, [tickets];
  add.u32 %r13, %r12, 1;
  st.shared.u32 [tickets], %r13;
  atom.release.cta.shared.exch.b32 %r14, [lock], 0;
  add.s64 %rd4, %rd2, %rd3;
  st.global.u32 [%rd4], %r12;
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.block = {kThreads, 1, 1};
  launch.outSize = kThreads * 4;
  Bytes out = runOk(launch);
  std::vector<uint32_t> tickets(kThreads);
  for (uint32_t t = 0; t < kThreads; ++t)
    tickets[t] = out.at<uint32_t>(t * 4);
  std::sort(tickets.begin(), tickets.end());
  std::vector<uint32_t> expected(kThreads);
  std::iota(expected.begin(), expected.end(), 0u);
  EXPECT_EQ(tickets, expected) << "each thread holds the lock once";
}

// A ring of four slots in shared memory between a producer (thread 0) and a consumer (thread
// 32): each waits with a volatile poll for the other's counter (head: items written, tail:
// items taken). The consumer stores 3 * item + index for each of 64 items in order.
PTX_CASE(SpinWait, ProducerConsumerRing) {
  constexpr uint32_t kItems = 64;
  std::string ptx = header(75) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 4 .b32 head;
  .shared .align 4 .b32 tail;
  .shared .align 4 .b32 ring[4];
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r20, ring;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $cleared;
  st.shared.u32 [head], 0;
  st.shared.u32 [tail], 0;
$cleared:
  bar.sync 0;
  mov.u32 %r1, 0;
  setp.eq.u32 %p1, %r0, 0;
  @%p1 bra $produce;
  setp.eq.u32 %p1, %r0, 32;
  @%p1 bra $consume;
  ret;
$produce:
  ld.volatile.shared.u32 %r2, [tail];
  sub.u32 %r3, %r1, %r2;
  setp.ge.u32 %p2, %r3, 4;
  @%p2 bra $produce;
  mul.wide.u32 %rd4, %r1, 4;
  add.s64 %rd4, %rd1, %rd4;
  ld.global.u32 %r4, [%rd4];
  and.b32 %r5, %r1, 3;
  shl.b32 %r5, %r5, 2;
  add.u32 %r5, %r20, %r5;
  st.shared.u32 [%r5], %r4;
  membar.cta;
  add.u32 %r1, %r1, 1;
  st.volatile.shared.u32 [head], %r1;
  setp.lt.u32 %p3, %r1, )" +
                    std::to_string(kItems) +
                    R"(;
  @%p3 bra $produce;
  ret;
$consume:
  ld.volatile.shared.u32 %r2, [head];
  setp.ge.u32 %p2, %r1, %r2;
  @%p2 bra $consume;
  membar.cta;
  and.b32 %r5, %r1, 3;
  shl.b32 %r5, %r5, 2;
  add.u32 %r5, %r20, %r5;
  ld.shared.u32 %r4, [%r5];
  mul.lo.u32 %r6, %r4, 3;
  add.u32 %r6, %r6, %r1;
  mul.wide.u32 %rd4, %r1, 4;
  add.s64 %rd4, %rd2, %rd4;
  st.global.u32 [%rd4], %r6;
  membar.cta;
  add.u32 %r1, %r1, 1;
  st.volatile.shared.u32 [tail], %r1;
  setp.lt.u32 %p3, %r1, )" +
                    std::to_string(kItems) +
                    R"(;
  @%p3 bra $consume;
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.block = {64, 1, 1};
  for (uint32_t i = 0; i < kItems; ++i)
    launch.in.push(uint32_t(i * 2654435761u));
  launch.outSize = kItems * 4;
  Bytes out = runOk(launch);
  for (uint32_t i = 0; i < kItems; ++i)
    EXPECT_EQ(out.at<uint32_t>(i * 4), i * 2654435761u * 3u + i) << "item " << i;
}

} // namespace
} // namespace cuport::conformance
