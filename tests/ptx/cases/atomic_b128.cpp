// 128-bit atom.exch and atom.cas (PTX ISA 9.7.13.5, sm_90): the whole 16 bytes change at once.
#include "tests/ptx/conformance.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace cuport::conformance {
namespace {

constexpr uint32_t kBlocks = 4;
constexpr uint32_t kThreads = 128;
constexpr uint32_t kTotal = kBlocks * kThreads;

// Every thread exchanges the pair (t, ~t) into one 16-byte word and increments a 128-bit counter
// (carry from the low into the high half) through a cas.b128 loop. The exchanged-out pairs and
// the final pair are every thread's pair once plus the initial zero, never a mix of two.
PTX_CASE(AtomicB128, ExchAndCasUnderContention) {
  Launch launch;
  launch.ptx = header(90, "8.3") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .pred %p<2>;
  .reg .b32 %r<6>;
  .reg .b64 %rd<16>;
  .reg .b128 %q<6>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mad.lo.u32 %r4, %r2, %r3, %r1;
  cvt.u64.u32 %rd2, %r4;
  not.b64 %rd3, %rd2;
  mov.b128 %q1, {%rd2, %rd3};
  atom.global.exch.b128 %q2, [%rd1], %q1;
  mov.b128 {%rd4, %rd5}, %q2;
  mul.wide.u32 %rd6, %r4, 16;
  add.s64 %rd7, %rd1, %rd6;
  st.global.v2.u64 [%rd7+32], {%rd4, %rd5};
  ld.global.v2.u64 {%rd8, %rd9}, [%rd1+16];
retry:
  mov.b128 %q3, {%rd8, %rd9};
  add.cc.u64 %rd10, %rd8, 0x8000000000000001;
  addc.u64 %rd11, %rd9, 0;
  mov.b128 %q4, {%rd10, %rd11};
  atom.global.cas.b128 %q5, [%rd1+16], %q3, %q4;
  mov.b128 {%rd12, %rd13}, %q5;
  setp.ne.u64 %p1, %rd12, %rd8;
  setp.ne.or.u64 %p1, %rd13, %rd9, %p1;
  mov.u64 %rd8, %rd12;
  mov.u64 %rd9, %rd13;
  @%p1 bra retry;
  ret;
}
)";
  launch.grid = {kBlocks, 1, 1};
  launch.block = {kThreads, 1, 1};
  launch.outSize = 32 + 16 * kTotal;
  Bytes out = runOk(launch);
  std::vector<std::pair<uint64_t, uint64_t>> pairs;
  pairs.emplace_back(out.at<uint64_t>(0), out.at<uint64_t>(8));
  for (uint32_t t = 0; t < kTotal; ++t)
    pairs.emplace_back(out.at<uint64_t>(32 + 16 * t), out.at<uint64_t>(40 + 16 * t));
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(pairs[0], std::make_pair(uint64_t{0}, uint64_t{0}));
  for (uint32_t t = 0; t < kTotal; ++t)
    ASSERT_EQ(pairs[t + 1], std::make_pair(uint64_t{t}, ~uint64_t{t})) << t;
  // kTotal additions of 2^63 + 1 to a 128-bit zero.
  unsigned __int128 step = (unsigned __int128)0x8000000000000001ull;
  unsigned __int128 counter = step * kTotal;
  EXPECT_EQ(out.at<uint64_t>(16), uint64_t(counter));
  EXPECT_EQ(out.at<uint64_t>(24), uint64_t(counter >> 64));
}

} // namespace
} // namespace cuport::conformance
