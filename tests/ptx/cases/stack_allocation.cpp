// alloca, stacksave and stackrestore (PTX 7.3): dynamic allocations in local memory, aligned to
// max(immAlign, 8), released by stackrestore and when the function returns, also in kernels with
// barriers and warp collectives.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

// Per thread, 8 words: three allocations (size from a register: default alignment; immAlign 16;
// immAlign 256), each address modulo its alignment, the words written through st.local and read
// back through generic loads after cvta.local, and whether the allocations overlap.
const char *kAllocaBody = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<20>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd2, %r0, 8;
  add.s64 %rd2, %rd2, 12;
  alloca.u64 %rd3, %rd2;
  alloca.u64 %rd4, 24, 16;
  alloca.u64 %rd5, %rd2, 256;
  and.b64 %rd6, %rd3, 7;
  and.b64 %rd7, %rd4, 15;
  and.b64 %rd8, %rd5, 255;
  cvt.u32.u64 %r1, %rd6;
  cvt.u32.u64 %r2, %rd7;
  cvt.u32.u64 %r3, %rd8;
  // The last word of each allocation, written as a local address and read as a generic one.
  add.s64 %rd9, %rd3, %rd2;
  sub.s64 %rd9, %rd9, 4;
  add.u32 %r4, %r0, 11;
  st.local.u32 [%rd9], %r4;
  add.u32 %r5, %r0, 22;
  st.local.u32 [%rd4+20], %r5;
  add.s64 %rd10, %rd5, %rd2;
  sub.s64 %rd10, %rd10, 4;
  add.u32 %r6, %r0, 33;
  st.local.u32 [%rd10], %r6;
  cvta.local.u64 %rd11, %rd9;
  ld.u32 %r7, [%rd11];
  cvta.local.u64 %rd12, %rd4;
  ld.u32 %r8, [%rd12+20];
  cvta.local.u64 %rd13, %rd10;
  ld.u32 %r9, [%rd13];
  // Disjoint: [rd3, rd3 + size) and [rd4, rd4 + 24) and [rd5, rd5 + size) do not meet.
  add.s64 %rd14, %rd3, %rd2;
  add.s64 %rd15, %rd4, 24;
  add.s64 %rd16, %rd5, %rd2;
  setp.le.u64 %p1, %rd14, %rd4;
  setp.le.u64 %p2, %rd15, %rd3;
  or.pred %p1, %p1, %p2;
  setp.le.u64 %p2, %rd15, %rd5;
  setp.le.u64 %p3, %rd16, %rd4;
  or.pred %p2, %p2, %p3;
  and.pred %p1, %p1, %p2;
  setp.le.u64 %p2, %rd14, %rd5;
  setp.le.u64 %p3, %rd16, %rd3;
  or.pred %p2, %p2, %p3;
  and.pred %p1, %p1, %p2;
  selp.u32 %r10, 1, 0, %p1;
  mul.wide.u32 %rd17, %r0, 32;
  add.s64 %rd18, %rd1, %rd17;
  st.global.v4.u32 [%rd18], {%r1, %r2, %r3, %r7};
  st.global.v4.u32 [%rd18+16], {%r8, %r9, %r10, %r0};
  ret;
}
)";

PTX_CASE(StackAllocation, AllocaAlignmentAndContents) {
  Launch launch;
  launch.ptx = header(75, "7.3") + kAllocaBody;
  const uint32_t threads = 72;
  launch.block = {threads, 1, 1};
  launch.outSize = threads * 32;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < threads; ++t) {
    SCOPED_TRACE("thread " + std::to_string(t));
    size_t at = t * 32;
    EXPECT_EQ(out.at<uint32_t>(at), 0u);     // the default alignment, 8
    EXPECT_EQ(out.at<uint32_t>(at + 4), 0u); // immAlign 16
    EXPECT_EQ(out.at<uint32_t>(at + 8), 0u); // immAlign 256
    EXPECT_EQ(out.at<uint32_t>(at + 12), t + 11);
    EXPECT_EQ(out.at<uint32_t>(at + 16), t + 22);
    EXPECT_EQ(out.at<uint32_t>(at + 20), t + 33);
    EXPECT_EQ(out.at<uint32_t>(at + 24), 1u); // the allocations are disjoint
  }
}

// stacksave, alloca, stackrestore in a loop of 4096 iterations of 64 KiB each (256 MiB in all,
// far more than any stack): only freeing every allocation lets it finish. The stack pointer after
// stackrestore is the one stacksave returned. A .func's allocations go when it returns: 4096
// calls of 64 KiB each.
const char *kRestoreBody = R"(
.func (.param .b32 result) fill(.param .b32 value)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  ld.param.u32 %r0, [value];
  alloca.u64 %rd0, 65536, 64;
  st.local.u32 [%rd0+65532], %r0;
  ld.local.u32 %r1, [%rd0+65532];
  st.param.b32 [result], %r1;
  ret;
}
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<12>;
  .reg .b64 %rd<12>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, 0;
  mov.u32 %r1, 0;
  mov.u32 %r2, 1;
  stacksave.u64 %rd2;
$loop:
  stacksave.u64 %rd3;
  alloca.u64 %rd4, 65536;
  st.local.u32 [%rd4+65532], %r0;
  ld.local.u32 %r3, [%rd4+65532];
  add.u32 %r1, %r1, %r3;
  stackrestore.u64 %rd3;
  stacksave.u64 %rd5;
  setp.eq.u64 %p1, %rd5, %rd3;
  selp.u32 %r4, 1, 0, %p1;
  and.b32 %r2, %r2, %r4;
  {
    .param .b32 argument;
    .param .b32 returned;
    st.param.b32 [argument], %r0;
    call (returned), fill, (argument);
    ld.param.b32 %r5, [returned];
  }
  add.u32 %r1, %r1, %r5;
  add.u32 %r0, %r0, 1;
  setp.lt.u32 %p2, %r0, 4096;
  @%p2 bra $loop;
  stacksave.u64 %rd6;
  setp.eq.u64 %p3, %rd6, %rd2;
  selp.u32 %r6, 1, 0, %p3;
  st.global.v4.u32 [%rd1], {%r1, %r2, %r6, %r0};
  ret;
}
)";

PTX_CASE(StackAllocation, StacksaveAndStackrestoreFreeAllocations) {
  Launch launch;
  launch.ptx = header(75, "7.3") + kRestoreBody;
  launch.outSize = 16;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(0), 2u * (4095u * 4096u / 2)); // the loop's and the calls' values
  EXPECT_EQ(out.at<uint32_t>(4), 1u);                       // restored to what was saved
  EXPECT_EQ(out.at<uint32_t>(8), 1u);
  EXPECT_EQ(out.at<uint32_t>(12), 4096u);
}

// The .u32 forms (32-bit local addresses, valid PTX that cuport does not implement) and
// alignments the ISA forbids (invalid PTX, which ptxas refuses too) are refused at load.
PTX_CASE(StackAllocation, RefusedForms) {
  for (const char *statement : {"alloca.u32 %r1, 16;", "stacksave.u32 %r1;",
                                "stackrestore.u32 %r1;", "alloca.u64 %rd1, 16, 12;",
                                "alloca.u64 %rd1, 16, 16777216;", "alloca.u64 %rd1, 16, %r1;"}) {
    Launch launch;
    launch.ptx = header(75, "7.3") +
                 ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                 "  .reg .b32 %r<2>;\n  .reg .b64 %rd<2>;\n  mov.u32 %r1, 0;\n  " +
                 statement + "\n  ret;\n}\n";
    if (std::string_view(statement).find(".u32") == std::string_view::npos)
      launch.ptx = invalidOnPurpose(launch.ptx);
    Outcome outcome = run(launch);
    std::string opcode(statement, std::string_view(statement).find('.'));
    EXPECT_FALSE(outcome.loaded) << statement;
    EXPECT_NE(outcome.message.find(opcode), std::string::npos) << outcome.message;
  }
}

// Allocations live across barriers and warp collectives (kernels with them run as coroutines):
// each thread allocates 8 * (tid % 5) + 12 bytes aligned to 64 and writes tid + 100 at its end,
// passes the word through a shuffle and a barrier, and reads its own word back afterwards. Then
// 256 rounds of stacksave, a 1 KiB alloca, bar.sync and stackrestore: only freeing each round's
// allocation keeps the thread within its stack.
PTX_CASE(StackAllocation, AllocaAcrossBarriersAndCollectives) {
  constexpr uint32_t kThreads = 96;
  Launch launch;
  launch.ptx = header(75, "7.3") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<20>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd9, %r0, 16;
  add.s64 %rd9, %rd1, %rd9;
  rem.u32 %r1, %r0, 5;
  mul.wide.u32 %rd2, %r1, 8;
  add.s64 %rd2, %rd2, 12;
  alloca.u64 %rd3, %rd2, 64;
  and.b64 %rd4, %rd3, 63;
  cvt.u32.u64 %r2, %rd4;
  add.s64 %rd5, %rd3, %rd2;
  sub.s64 %rd5, %rd5, 4;
  add.u32 %r3, %r0, 100;
  st.local.u32 [%rd5], %r3;
  ld.local.u32 %r4, [%rd5];
  shfl.sync.bfly.b32 %r5, %r4, 1, 31, -1;
  bar.sync 0;
  ld.local.u32 %r6, [%rd5];
  mov.u32 %r7, 0;
  mov.u32 %r8, 0;
  stacksave.u64 %rd6;
$round:
  stacksave.u64 %rd7;
  alloca.u64 %rd8, 1024;
  st.local.u32 [%rd8+1020], %r7;
  bar.sync 0;
  ld.local.u32 %r9, [%rd8+1020];
  add.u32 %r8, %r8, %r9;
  stackrestore.u64 %rd7;
  add.u32 %r7, %r7, 1;
  setp.lt.u32 %p1, %r7, 256;
  @%p1 bra $round;
  stacksave.u64 %rd10;
  setp.eq.u64 %p2, %rd10, %rd6;
  selp.u32 %r10, 1, 0, %p2;
  st.global.u32 [%rd9], %r2;
  st.global.u32 [%rd9+4], %r5;
  st.global.u32 [%rd9+8], %r6;
  add.u32 %r8, %r8, %r10;
  st.global.u32 [%rd9+12], %r8;
  ret;
}
)";
  launch.block = {kThreads, 1, 1};
  launch.grid = {2, 1, 1};
  launch.outSize = kThreads * 16;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < kThreads; ++t) {
    SCOPED_TRACE("thread " + std::to_string(t));
    EXPECT_EQ(out.at<uint32_t>(t * 16), 0u);                // aligned to 64
    EXPECT_EQ(out.at<uint32_t>(t * 16 + 4), (t ^ 1) + 100); // the partner lane's word
    EXPECT_EQ(out.at<uint32_t>(t * 16 + 8), t + 100);       // its own, after the barrier
    // 0 + 1 + ... + 255 from the rounds, plus 1: the stack pointer is back where it was.
    EXPECT_EQ(out.at<uint32_t>(t * 16 + 12), 255u * 256u / 2 + 1);
  }
}

} // namespace
} // namespace cuport::conformance
