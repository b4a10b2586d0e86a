// createpolicy (PTX ISA 9.7.9.17, sm_80): every form (fractional with and without a fraction,
// range with and without .global, cvt from an access property; every primary and secondary
// priority) loads, and loads, stores and reductions with .L2::cache_hint that use the policies
// reach the right data: a policy only steers the L2 cache.
#include "tests/ptx/conformance.h"

#include <string>
#include <vector>

namespace cuport::conformance {
namespace {

constexpr uint32_t kThreads = 128;

PTX_CASE(MemoryCreatePolicy, EveryFormSteersOnlyTheCache) {
  const std::vector<std::string> policies = {
      "createpolicy.fractional.L2::evict_last.b64 %rd20, 1.0;",
      "createpolicy.fractional.L2::evict_normal.b64 %rd20;",
      "createpolicy.fractional.L2::evict_first.L2::evict_unchanged.b64 %rd20, 0.5;",
      "createpolicy.fractional.L2::evict_unchanged.L2::evict_first.b64 %rd20, %f1;",
      "createpolicy.range.L2::evict_last.L2::evict_first.b64 %rd20, [%rd1], 256, 512;",
      "createpolicy.range.global.L2::evict_normal.b64 %rd20, [%rd7], 4, 4;",
      "createpolicy.cvt.L2.b64 %rd20, %rd19;",
  };
  std::string body;
  for (size_t p = 0; p < policies.size(); ++p) {
    // Each policy: load in[tid] with it, store in[tid] + p into out slot p with it, and add p to
    // the per-thread sum with a reduction under it.
    std::string slot = std::to_string(4 * p);
    body += "  " + policies[p] + "\n";
    body += "  ld.global.L2::cache_hint.u32 %r2, [%rd7], %rd20;\n";
    body += "  add.u32 %r3, %r2, " + std::to_string(p) + ";\n";
    body += "  st.global.L2::cache_hint.u32 [%rd8+" + slot + "], %r3, %rd20;\n";
    body += "  red.global.add.L2::cache_hint.u32 [%rd9], %r2, %rd20;\n";
  }
  body += "  ld.global.L1::evict_last.L2::cache_hint.v2.u32 {%r4, %r5}, [%rd8], %rd20;\n"
          "  add.u32 %r6, %r4, %r5;\n"
          "  st.global.u32 [%rd8+" +
          std::to_string(4 * policies.size()) + "], %r6;\n";
  Launch launch;
  launch.ptx = header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<8>;
  .reg .f32 %f<2>;
  .reg .b64 %rd<24>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd3, %r1, 4;
  add.s64 %rd7, %rd1, %rd3;                 // in[tid]
  mul.wide.u32 %rd4, %r1, 64;
  add.s64 %rd8, %rd2, %rd4;                 // this thread's 16 result words
  add.s64 %rd9, %rd8, 60;                   // the reduction's word
  mov.f32 %f1, 0f3E800000;                  // 0.25
  mov.u64 %rd19, 0;                         // an access property (opaque; any value)
)" + body + "  ret;\n}\n";
  launch.block = {kThreads, 1, 1};
  for (uint32_t t = 0; t < kThreads; ++t)
    launch.in.push(uint32_t(t * 3 + 1));
  launch.outSize = kThreads * 64;
  Bytes out = runOk(launch);
  uint32_t count = uint32_t(policies.size());
  for (uint32_t t = 0; t < kThreads; ++t) {
    uint32_t in = t * 3 + 1;
    for (uint32_t p = 0; p < count; ++p)
      EXPECT_EQ(out.at<uint32_t>(t * 64 + 4 * p), in + p) << "thread " << t << ", policy " << p;
    EXPECT_EQ(out.at<uint32_t>(t * 64 + 4 * count), 2 * in + 1) << "vector load, thread " << t;
    EXPECT_EQ(out.at<uint32_t>(t * 64 + 60), count * in) << "reductions, thread " << t;
  }
}

} // namespace
} // namespace cuport::conformance
