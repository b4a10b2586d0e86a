// Memory instructions from PTX to the CPU backend: cp.async (sizes, zero-fill through src-size,
// ignore-src) with its commit and wait groups, and loads and stores with vectors, memory-order
// qualifiers and cache hints in each state space. Expected values follow the PTX ISA.
#include "cpu_test_support.h"

#include <cstring>
#include <string>
#include <vector>

namespace cuport::cpu::test {
namespace {

class PtxMemory : public CpuBackendTest {};

const std::string kHeader = ".version 8.0\n.target sm_80\n.address_size 64\n";

// Thread t of 8 copies 16 bytes of in[16t..] into shared memory with a form chosen by t, then
// every thread writes its shared bytes to out after the waits and a barrier.
TEST_F(PtxMemory, AsyncCopiesCompleteByTheirWaitAndZeroFill) {
  std::string error;
  cuport_backend_module *module = loadPtx(kHeader + R"(
.visible .entry copies(.param .u64 out, .param .u64 in, .param .u32 skip)
{
  .shared .align 16 .b8 staging[128];
  .reg .pred %p<4>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [in];
  ld.param.u32 %r10, [skip];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd3, %r1, 16;
  add.s64 %rd4, %rd2, %rd3;            // source
  mov.u64 %rd5, staging;
  add.s64 %rd6, %rd5, %rd3;            // destination (shared)
  cvt.u32.u64 %r2, %rd6;
  // Fill the destination with 0xAA so that untouched bytes show.
  mov.u32 %r3, 0xAAAAAAAA;
  st.shared.v4.u32 [%rd6], {%r3, %r3, %r3, %r3};
  bar.sync 0;
  setp.eq.u32 %p1, %r1, 0;
  @%p1 cp.async.ca.shared.global [%rd6], [%rd4], 4;
  setp.eq.u32 %p1, %r1, 1;
  @%p1 cp.async.ca.shared.global [%rd6], [%rd4], 8;
  setp.eq.u32 %p1, %r1, 2;
  @%p1 cp.async.ca.shared.global.L2::128B [%rd6], [%rd4], 16;
  setp.eq.u32 %p1, %r1, 3;
  @%p1 cp.async.cg.shared.global [%rd6], [%rd4], 16;
  setp.eq.u32 %p1, %r1, 4;
  @%p1 cp.async.cg.shared.global [%rd6], [%rd4], 16, 5;      // 5 bytes, 11 zeros
  setp.eq.u32 %p1, %r1, 5;
  @%p1 cp.async.ca.shared::cta.global [%rd6], [%rd4], 8, %r10; // src-size from a register
  setp.eq.u32 %p1, %r1, 6;
  setp.ne.u32 %p2, %r10, 0;
  @%p1 cp.async.ca.shared.global [%rd6], [%rd4], 16, %p2;    // ignore-src: all zeros
  setp.eq.u32 %p1, %r1, 7;
  createpolicy.fractional.L2::evict_last.b64 %rd11, 1.0;
  @%p1 cp.async.cg.shared.global.L2::cache_hint [%rd6], [%rd4], 16, %rd11;
  cp.async.commit_group;
  cp.async.wait_group 0;
  cp.async.wait_all;
  bar.sync 0;
  ld.shared.v2.u64 {%rd7, %rd8}, [%rd6];
  add.s64 %rd9, %rd1, %rd3;
  st.global.v2.u64 [%rd9], {%rd7, %rd8};
  ret;
}
)",
                                          &error);
  ASSERT_NE(module, nullptr) << error;
  uint8_t *in = allocate<uint8_t>(128);
  uint8_t *out = allocate<uint8_t>(128);
  for (int i = 0; i < 128; ++i)
    in[i] = uint8_t(i + 1);
  ParamBuffer params;
  params.add(out).add(in).add(uint32_t{3});
  ASSERT_EQ(launch(module, "copies", {1, 1, 1}, {8, 1, 1}, params, 0, &error), CUPORT_OK) << error;
  const int copied[8] = {4, 8, 16, 16, 5, 3, 0, 16};
  const int written[8] = {4, 8, 16, 16, 16, 8, 16, 16}; // cp-size bytes, zero past src-size
  for (int t = 0; t < 8; ++t)
    for (int i = 0; i < 16; ++i) {
      uint8_t expected = i < copied[t] ? uint8_t(16 * t + i + 1) : i < written[t] ? 0 : 0xAA;
      EXPECT_EQ(out[16 * t + i], expected) << "thread " << t << " byte " << i;
    }
}

// Vectors and qualifiers in every state space a kernel can address directly.
TEST_F(PtxMemory, VectorsAndQualifiersInEveryStateSpace) {
  std::string error;
  cuport_backend_module *module = loadPtx(kHeader + R"(
.const .align 16 .u32 constants[4] = {11, 22, 33, 44};
.visible .entry spaces(.param .u64 out, .param .u64 in, .param .align 16 .b8 block[16])
{
  .local .align 16 .b8 depot[32];
  .shared .align 16 .b8 tile[64];
  .reg .b32 %r<24>;
  .reg .f32 %f<8>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [in];
  cvta.to.global.u64 %rd3, %rd2;
  ld.global.nc.v4.f32 {%f1, %f2, %f3, %f4}, [%rd3];
  ld.global.nc.L1::no_allocate.L2::256B.u32 %r1, [%rd3+16];
  ld.volatile.global.u32 %r2, [%rd3+20];
  ld.relaxed.gpu.global.u32 %r3, [%rd3+24];
  ld.acquire.sys.global.u32 %r4, [%rd3+28];
  createpolicy.fractional.L2::evict_first.b64 %rd10, 0.5;
  ld.global.L2::cache_hint.u32 %r5, [%rd3+16], %rd10;
  ldu.global.u32 %r6, [%rd3+20];
  prefetch.global.L2 [%rd3];
  prefetchu.L1 [%rd3];
  ld.const.v4.u32 {%r7, %r8, %r9, %r10}, [constants];
  ld.param.v4.u32 {%r11, %r12, %r13, %r14}, [block];
  st.local.v2.u32 [depot+8], {%r1, %r2};
  ld.local.v2.u32 {%r15, %r16}, [depot+8];
  st.shared.v4.f32 [tile], {%f4, %f3, %f2, %f1};
  st.release.cta.shared.u32 [tile+16], %r3;
  ld.shared.v4.f32 {%f5, %f6, %f7, %f1}, [tile];
  ld.shared.u32 %r17, [tile+16];
  // Generic addresses of each space.
  mov.u64 %rd4, tile;
  cvta.shared.u64 %rd5, %rd4;
  ld.u32 %r18, [%rd5+16];
  mov.u64 %rd6, depot;
  cvta.local.u64 %rd7, %rd6;
  ld.v2.u32 {%r19, %r20}, [%rd7+8];
  cvta.to.global.u64 %rd8, %rd1;
  st.global.v4.f32 [%rd8], {%f5, %f6, %f7, %f1};
  st.global.v4.u32 [%rd8+16], {%r1, %r2, %r3, %r4};
  st.global.v4.u32 [%rd8+32], {%r5, %r6, %r15, %r16};
  st.global.v4.u32 [%rd8+48], {%r7, %r8, %r9, %r10};
  st.global.v4.u32 [%rd8+64], {%r11, %r12, %r13, %r14};
  st.volatile.global.v4.u32 [%rd8+80], {%r17, %r18, %r19, %r20};
  st.relaxed.sys.global.L2::cache_hint.u32 [%rd8+96], %r1, %rd10;
  ret;
}
)",
                                          &error);
  ASSERT_NE(module, nullptr) << error;
  float *in = allocate<float>(8);
  const float floats[4] = {1.5f, -2.0f, 3.25f, 8.0f};
  std::memcpy(in, floats, sizeof floats);
  const uint32_t words[4] = {101, 202, 303, 404};
  std::memcpy(in + 4, words, sizeof words);
  uint32_t *out = allocate<uint32_t>(28);
  std::memset(out, 0, 28 * 4);
  ParamBuffer params;
  params.add(out).add(in);
  const uint32_t block[4] = {7, 8, 9, 10};
  for (uint32_t word : block)
    params.add(word); // .align 16 after two pointers: offset 16
  ASSERT_EQ(launch(module, "spaces", {1, 1, 1}, {1, 1, 1}, params, 0, &error), CUPORT_OK) << error;
  float got[4];
  std::memcpy(got, out, sizeof got);
  EXPECT_EQ(got[0], 8.0f);
  EXPECT_EQ(got[1], 3.25f);
  EXPECT_EQ(got[2], -2.0f);
  EXPECT_EQ(got[3], 1.5f);
  const uint32_t expected[] = {101, 202, 303, 404, 101, 202, 101, 202, 11,  22, 33,
                               44,  7,   8,   9,   10,  303, 303, 101, 202, 101};
  for (size_t i = 0; i < sizeof expected / 4; ++i)
    EXPECT_EQ(out[4 + i], expected[i]) << i;
}

// Fences of every scope, and the proxy fences that an address space with one view needs no more
// than a full fence for.
TEST_F(PtxMemory, FencesOfEveryScope) {
  std::string error;
  // The .cluster scope needs sm_90.
  cuport_backend_module *module =
      loadPtx(std::string(".version 8.0\n.target sm_90\n.address_size 64\n") + R"(
.visible .entry fences(.param .u64 buffer)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [buffer];
  mov.u32 %r1, 1234;
  st.global.u32 [%rd1+4], %r1;
  membar.cta;
  membar.gl;
  membar.sys;
  fence.sc.cta;
  fence.acq_rel.cluster;
  fence.proxy.alias;
  fence.proxy.async;
  fence.proxy.async.shared::cta;
  fence.proxy.async.global;
  fence.sc.sys;
  mov.u32 %r2, 1;
  st.release.gpu.global.u32 [%rd1], %r2;
  ld.acquire.gpu.global.u32 %r3, [%rd1+4];
  st.global.u32 [%rd1+8], %r3;
  ret;
}
)",
              &error);
  ASSERT_NE(module, nullptr) << error;
  uint32_t *buffer = allocate<uint32_t>(3);
  std::memset(buffer, 0, 12);
  ParamBuffer params;
  params.add(buffer);
  ASSERT_EQ(launch(module, "fences", {2, 1, 1}, {32, 1, 1}, params, 0, &error), CUPORT_OK) << error;
  EXPECT_EQ(buffer[0], 1u);
  EXPECT_EQ(buffer[2], 1234u);

  for (const char *fence : {"fence.proxy.tensormap::generic.release.gpu;", "fence.proxy;",
                            "fence.proxy.async.shared::cluster;", "membar;",
                            ".reg .pred %p1;\n .reg .b64 %rd1;\n isspacep %p1, %rd1;"}) {
    EXPECT_EQ(loadPtx(kHeader + ".visible .entry f()\n{\n  " + fence + "\n  ret;\n}\n", &error),
              nullptr)
        << fence;
    EXPECT_NE(error.find("unsupported instruction"), std::string::npos) << error;
  }
}

// isspacep.const knows the .const variables of every loaded module: an address of another
// module's constant, passed in as a pointer, is const; while a global variable's is global.
TEST_F(PtxMemory, ConstWindowCoversEveryLoadedModule) {
  std::string error;
  cuport_backend_module *holder = loadPtx(kHeader + R"(
.const .align 8 .b8 coefficients[64];
.global .align 8 .b8 plain[64];
)",
                                          &error);
  ASSERT_NE(holder, nullptr) << error;
  cuport_backend_module *asker = loadPtx(kHeader + R"(
.visible .entry ask(.param .u64 out, .param .u64 a, .param .u64 b, .param .u64 c)
{
  .reg .pred %p<4>;
  .reg .b32 %r<4>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [out];
  ld.param.u64 %rd2, [a];
  ld.param.u64 %rd3, [b];
  ld.param.u64 %rd4, [c];
  isspacep.const %p1, %rd2;
  isspacep.const %p2, %rd3;
  isspacep.const %p3, %rd4;
  selp.u32 %r1, 1, 0, %p1;
  selp.u32 %r2, 2, 0, %p2;
  selp.u32 %r3, 4, 0, %p3;
  or.b32 %r1, %r1, %r2;
  or.b32 %r1, %r1, %r3;
  isspacep.global %p1, %rd2;
  selp.u32 %r2, 8, 0, %p1;
  or.b32 %r1, %r1, %r2;
  st.global.u32 [%rd1], %r1;
  ret;
}
)",
                                         &error);
  ASSERT_NE(asker, nullptr) << error;
  void *coefficients = nullptr, *plain = nullptr;
  size_t size = 0;
  ASSERT_EQ(
      backend_->module_get_global(backend_->self, holder, "coefficients", &coefficients, &size),
      CUPORT_OK);
  ASSERT_EQ(backend_->module_get_global(backend_->self, holder, "plain", &plain, &size), CUPORT_OK);
  uint32_t *out = allocate<uint32_t>(1);
  ParamBuffer params;
  params.add(out)
      .add(static_cast<char *>(coefficients) + 63) // the last byte: const
      .add(static_cast<char *>(coefficients) + 64) // one past the end: not this variable
      .add(plain);
  ASSERT_EQ(launch(asker, "ask", {1, 1, 1}, {1, 1, 1}, params, 0, &error), CUPORT_OK) << error;
  // Bit 0: the last byte is const; bit 3 clear: so it is not global. One past the end may be the
  // next constant of the module (none here) or anything else; the global variable is not const.
  EXPECT_EQ(*out & 1u, 1u);
  EXPECT_EQ(*out & 4u, 0u);
  EXPECT_EQ(*out & 8u, 0u);
}

} // namespace
} // namespace cuport::cpu::test
