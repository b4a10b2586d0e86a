// bar.red / barrier.red: popc.u32, and.pred, or.pred (__syncthreads_count / _and / _or) with
// plain and negated predicates, named barriers, thread counts and a partial last warp.
#include "tests/ptx/conformance.h"

namespace cuport::conformance {
namespace {

std::string reductionKernel(const std::string &instruction, const std::string &operands,
                            bool predicateResult) {
  std::string store = predicateResult ? "selp.u32 %r3, 1, 0, %p2;" : "mov.u32 %r3, %r2;";
  std::string destination = predicateResult ? "%p2, " : "%r2, ";
  return header(75) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<8>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  setp.ne.u32 %p1, %r1, 0;
  )" + instruction +
         " " + destination + operands + R"(;
  )" + store +
         R"(
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r3;
  ret;
}
)";
}

// `operands` follow the destination: barrier, [count,] predicate. `expected(trueCount, threads)`.
void checkReduction(const std::string &instruction, const std::string &operands,
                    bool predicateResult, bool negated, uint32_t (*expected)(uint32_t, uint32_t)) {
  std::mt19937_64 random = randomFor(instruction + operands);
  for (uint32_t threads : {48u, 96u, 256u}) {
    for (int pattern = 0; pattern < 4; ++pattern) {
      Launch launch;
      launch.ptx = reductionKernel(instruction, operands, predicateResult);
      launch.block = {threads, 1, 1};
      uint32_t trueCount = 0;
      for (uint32_t t = 0; t < threads; ++t) {
        uint32_t value = pattern == 0 ? 0 : pattern == 1 ? 7 : uint32_t(random() % 2);
        launch.in.push(value);
        trueCount += (value != 0) != negated;
      }
      launch.outSize = threads * 4;
      Bytes out = runOk(launch);
      for (uint32_t t = 0; t < threads; ++t)
        EXPECT_EQ(out.at<uint32_t>(t * 4), expected(trueCount, threads))
            << instruction << " " << operands << ", thread " << t << " of " << threads;
    }
  }
}

uint32_t popc(uint32_t trueCount, uint32_t) {
  return trueCount;
}
uint32_t all(uint32_t trueCount, uint32_t threads) {
  return trueCount == threads ? 1 : 0;
}
uint32_t any(uint32_t trueCount, uint32_t) {
  return trueCount != 0 ? 1 : 0;
}

PTX_CASE(BarrierRed, PopcU32) {
  checkReduction("bar.red.popc.u32", "0, %p1", false, false, popc);
  checkReduction("barrier.red.popc.u32", "7, !%p1", false, true, popc);
}
PTX_CASE(BarrierRed, AndPred) {
  checkReduction("bar.red.and.pred", "1, %p1", true, false, all);
  checkReduction("barrier.red.and.aligned.pred", "2, !%p1", true, true, all);
}
PTX_CASE(BarrierRed, OrPred) {
  checkReduction("bar.red.or.pred", "3, %p1", true, false, any);
  checkReduction("barrier.cta.red.or.pred", "15, !%p1", true, true, any);
}

} // namespace
} // namespace cuport::conformance
