// st.async and red.async (sm_90, PTX 8.1): stores and reductions into .shared::cluster memory
// (or through generic addresses) that signal an mbarrier with complete_tx of their bytes. The
// reference follows the ISA: a store writes its bytes, a reduction combines like red (inc wraps
// to 0 past the operand, dec to the operand below 0 or above it), and the phase completes only
// once every byte has been signalled.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

#include <algorithm>
#include <cstring>

namespace cuport::conformance {
namespace {

constexpr uint32_t kThreads = 64;
// Per thread: the bytes its st.async forms write (b32, v2.b32, v4.b32, b64, v2.f64, f32 and a
// generic b32) and those of its red.async forms (eight 32-bit and one 64-bit reduction).
constexpr uint32_t kStoreBytes = 4 + 8 + 16 + 8 + 16 + 4 + 4;
constexpr uint32_t kReduceBytes = 8 * 4 + 8;
constexpr uint32_t kRecord = 64; // a thread's store slots

// Thread 0 initializes the counters and the mbarrier (one arrival) and arrives with
// expect_tx(64 * (kStoreBytes + kReduceBytes)); after bar.sync every thread issues its stores into
// its own record and its reductions onto the shared counters, all through mapa rank-0 addresses
// (the generic forms through cvta), then waits for the phase. Thread t then copies its record to
// out[64 * t], and thread 0 the counters to out[64 * 64].
const char *kKernel = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<20>;
  .reg .f32 %f<4>;
  .reg .f64 %fd<4>;
  .reg .pred %p<4>;
  .shared .align 16 .b8 records[4096];
  .shared .align 8 .b8 counters[48];
  .shared .align 8 .b64 full;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, records;
  mov.u32 %r2, counters;
  mov.u32 %r3, full;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $ready;
  mbarrier.init.shared::cta.b64 [%r3], 1;
  mov.u32 %r4, 0;
  st.shared.v4.u32 [%r2], {%r4, %r4, %r4, %r4};
  st.shared.v4.u32 [%r2+16], {%r4, %r4, %r4, %r4};
  st.shared.v2.u32 [%r2+40], {%r4, %r4};
  mov.u32 %r4, 1000;
  st.shared.u32 [%r2+4], %r4;
  mov.u32 %r4, 5;
  st.shared.u32 [%r2+16], %r4;
  mov.u32 %r4, -1;
  st.shared.u32 [%r2+20], %r4;
  mbarrier.arrive.expect_tx.shared::cta.b64 _, [%r3], 6400;
$ready:
  bar.sync 0;
  mapa.shared::cluster.u32 %r5, %r1, 0;
  mapa.shared::cluster.u32 %r6, %r2, 0;
  mapa.shared::cluster.u32 %r7, %r3, 0;
  shl.b32 %r8, %r0, 6;
  add.u32 %r9, %r5, %r8;
  // Stores: the values are functions of tid.
  mad.lo.u32 %r10, %r0, 17, 1;
  add.u32 %r11, %r10, 1;
  add.u32 %r12, %r10, 2;
  add.u32 %r13, %r10, 3;
  st.async.shared::cluster.mbarrier::complete_tx::bytes.b32 [%r9], %r10, [%r7];
  st.async.weak.shared::cluster.mbarrier::complete_tx::bytes.v2.b32 [%r9+8], {%r11, %r12}, [%r7];
  st.async.shared::cluster.mbarrier::complete_tx::bytes.v4.u32 [%r9+16], {%r10, %r11, %r12, %r13}, [%r7];
  cvt.u64.u32 %rd3, %r10;
  shl.b64 %rd3, %rd3, 32;
  or.b64 %rd3, %rd3, 7;
  st.async.shared::cluster.mbarrier::complete_tx::bytes.s64 [%r9+32], %rd3, [%r7];
  cvt.rn.f64.u32 %fd1, %r10;
  mul.f64 %fd2, %fd1, 0d3FE0000000000000;
  st.async.shared::cluster.mbarrier::complete_tx::bytes.v2.f64 [%r9+48], {%fd1, %fd2}, [%r7];
  cvt.rn.f32.u32 %f1, %r11;
  st.async.shared::cluster.mbarrier::complete_tx::bytes.f32 [%r9+4], %f1, [%r7];
  // The generic form: records[tid].word[10] through generic addresses.
  mov.u64 %rd4, records;
  cvta.shared.u64 %rd4, %rd4;
  cvt.u64.u32 %rd5, %r8;
  add.s64 %rd4, %rd4, %rd5;
  mov.u64 %rd6, full;
  cvta.shared.u64 %rd6, %rd6;
  st.async.mbarrier::complete_tx::bytes.b32 [%rd4+40], %r13, [%rd6];
  // Reductions onto the counters.
  mul.lo.u32 %r14, %r0, 3;
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.add.u32 [%r6], %r14, [%r7];
  sub.s32 %r15, %r0, 40;
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.min.s32 [%r6+4], %r15, [%r7];
  mul.lo.u32 %r16, %r0, 7;
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.max.u32 [%r6+8], %r16, [%r7];
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.inc.u32 [%r6+12], 50, [%r7];
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.dec.u32 [%r6+16], 20, [%r7];
  and.b32 %r17, %r0, 15;
  shl.b32 %r17, 1, %r17;
  not.b32 %r17, %r17;
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.and.b32 [%r6+20], %r17, [%r7];
  shl.b32 %r18, %r0, 8;
  mov.u64 %rd7, counters;
  cvta.shared.u64 %rd7, %rd7;
  red.async.relaxed.cluster.mbarrier::complete_tx::bytes.or.b32 [%rd7+24], %r18, [%rd6];
  mul.lo.u32 %r19, %r0, 0x01010101;
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.xor.b32 [%r6+28], %r19, [%r7];
  cvt.u64.u32 %rd8, %r0;
  shl.b64 %rd8, %rd8, 33;
  add.s64 %rd8, %rd8, 1;
  red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.add.u64 [%r6+40], %rd8, [%r7];
$wait:
  mbarrier.try_wait.parity.shared::cta.b64 %p2, [%r3], 0;
  @!%p2 bra $wait;
  add.u32 %r20, %r1, %r8;
  mul.wide.u32 %rd9, %r0, 64;
  add.s64 %rd10, %rd2, %rd9;
  mov.u32 %r21, 0;
$copy:
  add.u32 %r22, %r20, %r21;
  ld.shared.v4.u32 {%r23, %r24, %r25, %r26}, [%r22];
  cvt.u64.u32 %rd11, %r21;
  add.s64 %rd12, %rd10, %rd11;
  st.global.v4.u32 [%rd12], {%r23, %r24, %r25, %r26};
  add.u32 %r21, %r21, 16;
  setp.lt.u32 %p3, %r21, 64;
  @%p3 bra $copy;
  @%p1 bra $done;
  ld.shared.v4.u32 {%r23, %r24, %r25, %r26}, [%r2];
  st.global.v4.u32 [%rd2+4096], {%r23, %r24, %r25, %r26};
  ld.shared.v4.u32 {%r23, %r24, %r25, %r26}, [%r2+16];
  st.global.v4.u32 [%rd2+4112], {%r23, %r24, %r25, %r26};
  ld.shared.v4.u32 {%r23, %r24, %r25, %r26}, [%r2+32];
  st.global.v4.u32 [%rd2+4128], {%r23, %r24, %r25, %r26};
$done:
  ret;
}
)";

PTX_CASE(AsyncStore, StoresAndReductionsCompleteTheMbarrier) {
  static_assert(kThreads * (kStoreBytes + kReduceBytes) == 6400);
  Launch launch;
  launch.ptx = header(90, "8.1") + kKernel;
  launch.block = {kThreads, 1, 1};
  launch.outSize = kThreads * kRecord + 48;
  Bytes out = runOk(launch);
  uint32_t sum = 0, maximum = 0, increments = 0, decrements = 5, ones = 0xffffffff, bits = 0,
           mixed = 0;
  int32_t minimum = 1000;
  uint64_t wide = 0;
  for (uint32_t t = 0; t < kThreads; ++t) {
    uint32_t value = 17 * t + 1;
    size_t at = t * kRecord;
    EXPECT_EQ(out.at<uint32_t>(at), value) << "b32, thread " << t;
    EXPECT_EQ(out.at<float>(at + 4), float(value + 1)) << "f32, thread " << t;
    EXPECT_EQ(out.at<uint32_t>(at + 8), value + 1) << "v2.b32, thread " << t;
    EXPECT_EQ(out.at<uint32_t>(at + 12), value + 2) << "v2.b32, thread " << t;
    for (uint32_t i = 0; i < 4; ++i)
      EXPECT_EQ(out.at<uint32_t>(at + 16 + 4 * i), value + i) << "v4.u32, thread " << t;
    EXPECT_EQ(out.at<uint64_t>(at + 32), (uint64_t(value) << 32) | 7) << "s64, thread " << t;
    EXPECT_EQ(out.at<uint32_t>(at + 40), value + 3) << "generic b32, thread " << t;
    EXPECT_EQ(out.at<double>(at + 48), double(value)) << "v2.f64, thread " << t;
    EXPECT_EQ(out.at<double>(at + 56), double(value) / 2) << "v2.f64, thread " << t;
    sum += 3 * t;
    minimum = std::min(minimum, int32_t(t) - 40);
    maximum = std::max(maximum, 7 * t);
    increments = increments >= 50 ? 0 : increments + 1;
    decrements = (decrements == 0 || decrements > 20) ? 20 : decrements - 1;
    ones &= ~(1u << (t % 16));
    bits |= t << 8;
    mixed ^= t * 0x01010101u;
    wide += (uint64_t(t) << 33) + 1;
  }
  size_t counters = kThreads * kRecord;
  EXPECT_EQ(out.at<uint32_t>(counters), sum) << "add.u32";
  EXPECT_EQ(out.at<int32_t>(counters + 4), minimum) << "min.s32";
  EXPECT_EQ(out.at<uint32_t>(counters + 8), maximum) << "max.u32";
  EXPECT_EQ(out.at<uint32_t>(counters + 12), increments) << "inc.u32";
  EXPECT_EQ(out.at<uint32_t>(counters + 16), decrements) << "dec.u32";
  EXPECT_EQ(out.at<uint32_t>(counters + 20), ones) << "and.b32";
  EXPECT_EQ(out.at<uint32_t>(counters + 24), bits) << "or.b32";
  EXPECT_EQ(out.at<uint32_t>(counters + 28), mixed) << "xor.b32";
  EXPECT_EQ(out.at<uint64_t>(counters + 40), wide) << "add.u64";
}

// Forms the ISA does not have are refused at load, naming the instruction; so is every form
// before sm_90.
PTX_CASE(AsyncStore, InvalidFormsAreRefused) {
  struct Refused {
    unsigned target;
    const char *instruction;
  };
  for (const Refused &refused : std::initializer_list<Refused>{
           {90, "st.async.shared::cluster.b32 [%r1], %r2, [%r1]"},
           {90, "st.async.shared::cluster.mbarrier::complete_tx::bytes.b16 [%r1], %h1, [%r1]"},
           {90, "st.async.shared::cluster.mbarrier::complete_tx::bytes.v4.b64 [%r1], "
                "{%rd1, %rd1, %rd1, %rd1}, [%r1]"},
           {90, "red.async.shared::cluster.mbarrier::complete_tx::bytes.add.u32 [%r1], %r2, [%r1]"},
           {90, "red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.and.b64 "
                "[%r1], %rd1, [%r1]"},
           {90, "red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.add.f32 "
                "[%r1], %r2, [%r1]"},
           {80, "st.async.shared::cluster.mbarrier::complete_tx::bytes.b32 [%r1], %r2, [%r1]"},
           {80, "red.async.relaxed.cluster.shared::cluster.mbarrier::complete_tx::bytes.add.u32 "
                "[%r1], %r2, [%r1]"},
       }) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(refused.target, "8.1") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  .reg .b16 %h<2>;
  .shared .align 16 .b8 buffer[256];
  mov.u32 %r1, buffer;
  mov.u32 %r2, 1;
  mov.u64 %rd1, 1;
  mov.u16 %h1, 1;
  )" + std::string(refused.instruction) +
                                  R"(;
  ret;
}
)");
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << refused.instruction;
    EXPECT_NE(outcome.message.find("async"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
