// applypriority and discard (sm_80) and prefetch.tensormap (sm_90): cache effects only. The CPU's
// caches need none of them; discard leaves the line's contents unspecified, so only values
// written after it are checked, and every other location keeps its value.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

const char *kCacheBody = R"(
.const .align 64 .b8 tensor_map[128];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<8>;
  .reg .b64 %rd<8>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd2, %r0, 4;
  add.s64 %rd3, %rd1, %rd2;
  add.u32 %r1, %r0, 40;
  st.global.u32 [%rd3], %r1;
  bar.sync 0;
  // Thread 0 handles the first 128-byte line (threads 0..31 wrote it), thread 32 the second.
  and.b32 %r2, %r0, 31;
  setp.ne.u32 %p1, %r2, 0;
  @%p1 bra $skip;
  applypriority.global.L2::evict_normal [%rd3], 128;
  applypriority.L2::evict_normal [%rd3], 128;
  setp.ne.u32 %p2, %r0, 32;
  @%p2 bra $skip;
  discard.global.L2 [%rd3], 128;
  discard.L2 [%rd3], 128;
$skip:
  bar.sync 0;
  prefetch.tensormap [%rd1];
  prefetch.const.tensormap [tensor_map];
  prefetch.param.tensormap [in];
  // Threads of the discarded line write theirs again.
  setp.lt.u32 %p3, %r0, 32;
  @%p3 bra $done;
  setp.ge.u32 %p3, %r0, 64;
  @%p3 bra $done;
  add.u32 %r3, %r0, 70;
  st.global.u32 [%rd3], %r3;
$done:
  ret;
}
)";

PTX_CASE(CacheControl, ApplyPriorityDiscardAndTensormapPrefetch) {
  Launch launch;
  launch.ptx = header(90, "8.0") + kCacheBody;
  launch.block = {96, 1, 1};
  launch.outSize = 96 * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 96; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), t >= 32 && t < 64 ? t + 70 : t + 40) << "thread " << t;
}

// Sizes other than the 128-byte line, and the spaces the ISA does not list, are refused at load.
PTX_CASE(CacheControl, RefusedForms) {
  for (const char *statement :
       {"discard.global.L2 [%rd1], 64;", "applypriority.global.L2::evict_normal [%rd1], 256;",
        "applypriority.global.L2::evict_last [%rd1], 128;", "discard.global.L1 [%rd1], 128;",
        "prefetch.global.tensormap [%rd1];", "prefetchu.tensormap [%rd1];"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(90, "8.0") +
                                  ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                                  "  .reg .b64 %rd<2>;\n  ld.param.u64 %rd1, [out];\n  " +
                                  statement + "\n  ret;\n}\n");
    Outcome outcome = run(launch);
    std::string opcode(statement, std::string_view(statement).find('.'));
    EXPECT_FALSE(outcome.loaded) << statement;
    EXPECT_NE(outcome.message.find(opcode), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
