// vote.sync: all / any / uni / ballot over full warps, and with the membermask of a divergent
// branch's lanes and a negated predicate; and the deprecated vote without .sync (PTX ISA 6.3 and
// earlier for sm_70 and later) over full and partial (48-thread block) warps.
#include "tests/ptx/conformance.h"

#include <algorithm>

namespace cuport::conformance {
namespace {

// p1 = in[tid] != 0; even lanes vote over 0x55555555 with p1, odd lanes over 0xaaaaaaaa with !p1.
// out[tid] = {result of the full-mask vote, result of the divergent vote}.
std::string voteKernel(const std::string &vote, bool predicateResult) {
  std::string store = predicateResult ? "selp.u32 %r4, 1, 0, %p2;\n  selp.u32 %r5, 1, 0, %p3;\n"
                                      : "mov.u32 %r4, %r6;\n  mov.u32 %r5, %r7;\n";
  std::string full = predicateResult ? "%p2" : "%r6";
  std::string divergent = predicateResult ? "%p3" : "%r7";
  return header(75) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<8>;
  .reg .pred %p<6>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  setp.ne.u32 %p1, %r1, 0;
  )" + vote +
         " " + full + R"(, %p1, -1;
  and.b32 %r2, %r0, 1;
  setp.eq.u32 %p4, %r2, 0;
  @%p4 bra $even;
  )" + vote +
         " " + divergent + R"(, !%p1, 0xaaaaaaaa;
  bra.uni $joined;
$even:
  )" + vote +
         " " + divergent + R"(, %p1, 0x55555555;
$joined:
  )" + store +
         R"(
  mul.wide.u32 %rd5, %r0, 8;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r4;
  st.global.u32 [%rd6+4], %r5;
  ret;
}
)";
}

using Combine = uint32_t (*)(uint32_t votes, uint32_t mask);

void checkVote(const std::string &vote, bool predicateResult, Combine combine) {
  std::mt19937_64 random = randomFor(vote);
  for (int pattern = 0; pattern < 6; ++pattern) {
    Launch launch;
    launch.ptx = voteKernel(vote, predicateResult);
    launch.block = {64, 1, 1};
    for (uint32_t t = 0; t < 64; ++t)
      launch.in.push(uint32_t(pattern == 0 ? 0 : pattern == 1 ? 1 : random() % 2));
    launch.outSize = 64 * 8;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < 64; ++t) {
      uint32_t warp = t / 32, lane = t % 32, votes = 0;
      for (uint32_t l = 0; l < 32; ++l)
        votes |= (launch.in.at<uint32_t>((warp * 32 + l) * 4) != 0 ? 1u : 0u) << l;
      uint32_t half = lane % 2 == 0 ? 0x55555555u : 0xaaaaaaaau;
      uint32_t halfVotes = (lane % 2 == 0 ? votes : ~votes) & half;
      SCOPED_TRACE("thread " + std::to_string(t));
      EXPECT_EQ(out.at<uint32_t>(t * 8), combine(votes, ~0u));
      EXPECT_EQ(out.at<uint32_t>(t * 8 + 4), combine(halfVotes, half));
    }
  }
}

PTX_CASE(WarpVote, All) {
  checkVote("vote.sync.all.pred", true, [](uint32_t v, uint32_t m) { return v == m ? 1u : 0u; });
}
PTX_CASE(WarpVote, Any) {
  checkVote("vote.sync.any.pred", true, [](uint32_t v, uint32_t) { return v != 0 ? 1u : 0u; });
}
PTX_CASE(WarpVote, Uni) {
  checkVote("vote.sync.uni.pred", true,
            [](uint32_t v, uint32_t m) { return v == 0 || v == m ? 1u : 0u; });
}
PTX_CASE(WarpVote, Ballot) {
  checkVote("vote.sync.ballot.b32", false, [](uint32_t v, uint32_t) { return v; });
}

// vote.mode d, p1 and vote.mode d, !p1 without .sync: every thread of the warp that exists takes
// part. out[tid] = {vote over p1, vote over !p1}.
std::string deprecatedVoteKernel(const std::string &vote, bool predicateResult) {
  std::string result = predicateResult ? "%p2" : "%r4", negated = predicateResult ? "%p3" : "%r5";
  std::string store =
      predicateResult ? "selp.u32 %r4, 1, 0, %p2;\n  selp.u32 %r5, 1, 0, %p3;\n" : "";
  return header(75, "6.3") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<8>;
  .reg .pred %p<6>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  setp.ne.u32 %p1, %r1, 0;
  )" + vote +
         " " + result + ", %p1;\n  " + vote + " " + negated + ", !%p1;\n  " + store + R"(
  mul.wide.u32 %rd5, %r0, 8;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r4;
  st.global.u32 [%rd6+4], %r5;
  ret;
}
)";
}

PTX_CASE(WarpVote, DeprecatedWithoutSync) {
  struct Mode {
    const char *vote;
    bool predicateResult;
    Combine combine;
  };
  const Mode modes[] = {
      {"vote.all.pred", true, [](uint32_t v, uint32_t m) { return v == m ? 1u : 0u; }},
      {"vote.any.pred", true, [](uint32_t v, uint32_t) { return v != 0 ? 1u : 0u; }},
      {"vote.uni.pred", true, [](uint32_t v, uint32_t m) { return v == 0 || v == m ? 1u : 0u; }},
      {"vote.ballot.b32", false, [](uint32_t v, uint32_t) { return v; }},
  };
  for (const Mode &mode : modes) {
    std::mt19937_64 random = randomFor(std::string("deprecated.") + mode.vote);
    for (uint32_t threads : {64u, 48u})
      for (int pattern = 0; pattern < 6; ++pattern) {
        Launch launch;
        launch.ptx = deprecatedVoteKernel(mode.vote, mode.predicateResult);
        launch.block = {threads, 1, 1};
        for (uint32_t t = 0; t < threads; ++t)
          launch.in.push(uint32_t(pattern == 0 ? 0 : pattern == 1 ? 1 : random() % 2));
        launch.outSize = threads * 8;
        Bytes out = runOk(launch);
        for (uint32_t t = 0; t < threads; ++t) {
          uint32_t warp = t / 32, lanes = std::min(32u, threads - warp * 32), votes = 0;
          uint32_t members = lanes == 32 ? ~0u : (1u << lanes) - 1;
          for (uint32_t l = 0; l < lanes; ++l)
            votes |= (launch.in.at<uint32_t>((warp * 32 + l) * 4) != 0 ? 1u : 0u) << l;
          SCOPED_TRACE(std::string(mode.vote) + " thread " + std::to_string(t) + " of " +
                       std::to_string(threads));
          EXPECT_EQ(out.at<uint32_t>(t * 8), mode.combine(votes, members));
          EXPECT_EQ(out.at<uint32_t>(t * 8 + 4), mode.combine(~votes & members, members));
        }
      }
  }
}

} // namespace
} // namespace cuport::conformance
