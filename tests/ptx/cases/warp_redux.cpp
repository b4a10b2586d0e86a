// redux.sync (sm_80): add, min, max on u32 and s32, and, or, xor on b32, over the lanes of a
// membermask: the first 20 lanes and the other 12 reduce separately in divergent branches.
#include "tests/ptx/conformance.h"

#include <functional>

namespace cuport::conformance {
namespace {

std::string reduxKernel(const std::string &instruction) {
  return header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<8>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  mov.u32 %r2, %laneid;
  setp.ge.u32 %p1, %r2, 20;
  @%p1 bra $high;
  )" + instruction +
         R"( %r3, %r1, 0x000fffff;
  bra.uni $store;
$high:
  )" + instruction +
         R"( %r3, %r1, 0xfff00000;
$store:
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r3;
  ret;
}
)";
}

void checkRedux(const std::string &instruction, std::function<uint32_t(uint32_t, uint32_t)> op) {
  std::mt19937_64 random = randomFor(instruction);
  const std::vector<uint32_t> &edges = edgeInts32();
  for (int round = 0; round < 8; ++round) {
    Launch launch;
    launch.ptx = reduxKernel(instruction);
    launch.block = {64, 1, 1};
    for (uint32_t t = 0; t < 64; ++t)
      launch.in.push(round % 2 == 0 ? edges[random() % edges.size()] : uint32_t(random()));
    launch.outSize = 64 * 4;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < 64; ++t) {
      uint32_t warp = t / 32;
      bool high = t % 32 >= 20;
      uint32_t first = warp * 32 + (high ? 20 : 0), last = warp * 32 + (high ? 32 : 20);
      uint32_t expected = launch.in.at<uint32_t>(first * 4);
      for (uint32_t u = first + 1; u < last; ++u)
        expected = op(expected, launch.in.at<uint32_t>(u * 4));
      EXPECT_EQ(out.at<uint32_t>(t * 4), expected) << "thread " << t;
    }
  }
}

PTX_CASE(WarpRedux, AddU32) {
  checkRedux("redux.sync.add.u32", [](uint32_t a, uint32_t b) { return a + b; });
}
PTX_CASE(WarpRedux, AddS32) {
  checkRedux("redux.sync.add.s32", [](uint32_t a, uint32_t b) { return a + b; });
}
PTX_CASE(WarpRedux, MinU32) {
  checkRedux("redux.sync.min.u32", [](uint32_t a, uint32_t b) { return std::min(a, b); });
}
PTX_CASE(WarpRedux, MaxU32) {
  checkRedux("redux.sync.max.u32", [](uint32_t a, uint32_t b) { return std::max(a, b); });
}
PTX_CASE(WarpRedux, MinS32) {
  checkRedux("redux.sync.min.s32",
             [](uint32_t a, uint32_t b) { return uint32_t(std::min(int32_t(a), int32_t(b))); });
}
PTX_CASE(WarpRedux, MaxS32) {
  checkRedux("redux.sync.max.s32",
             [](uint32_t a, uint32_t b) { return uint32_t(std::max(int32_t(a), int32_t(b))); });
}
PTX_CASE(WarpRedux, AndB32) {
  checkRedux("redux.sync.and.b32", [](uint32_t a, uint32_t b) { return a & b; });
}
PTX_CASE(WarpRedux, OrB32) {
  checkRedux("redux.sync.or.b32", [](uint32_t a, uint32_t b) { return a | b; });
}
PTX_CASE(WarpRedux, XorB32) {
  checkRedux("redux.sync.xor.b32", [](uint32_t a, uint32_t b) { return a ^ b; });
}

} // namespace
} // namespace cuport::conformance
