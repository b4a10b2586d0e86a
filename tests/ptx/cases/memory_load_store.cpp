// ld, ldu, st and prefetch (PTX ISA 9.7.9.8-15) in the global, shared, local, const and param
// state spaces and through generic addresses: vectors, .volatile, .relaxed/.acquire/.release with
// scopes, .nc, cache operators, eviction priorities and .L2::cache_hint policies; membar and fence
// of every scope. Each value read is one written by the host or earlier in the kernel.
#include "tests/ptx/conformance.h"

#include <cstring>
#include <string>

namespace cuport::conformance {
namespace {

PTX_CASE(MemoryLoadStore, VectorsAndQualifiersInEveryStateSpace) {
  Launch launch;
  launch.ptx = header(80) + R"(
.const .align 16 .u32 constants[4] = {11, 22, 33, 44};
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .local .align 16 .b8 depot[32];
  .shared .align 16 .b8 tile[64];
  .reg .b16 %rs<4>;
  .reg .b32 %r<24>;
  .reg .f32 %f<8>;
  .reg .f64 %fd<4>;
  .reg .b64 %rd<16>;
  ld.param.u64 %rd2, [in];
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd3, %rd2;
  ld.global.nc.v4.f32 {%f1, %f2, %f3, %f4}, [%rd3];
  ld.global.nc.L1::no_allocate.L2::256B.u32 %r1, [%rd3+16];
  ld.volatile.global.u32 %r2, [%rd3+20];
  ld.relaxed.gpu.global.u32 %r3, [%rd3+24];
  ld.acquire.sys.global.u32 %r4, [%rd3+28];
  createpolicy.fractional.L2::evict_first.b64 %rd10, 0.5;
  ld.global.L2::cache_hint.u32 %r5, [%rd3+16], %rd10;
  ldu.global.u32 %r6, [%rd3+20];
  ld.global.ca.v2.u64 {%rd11, %rd12}, [%rd3+32];
  ld.global.cg.s16 %r21, [%rd3+48];
  ld.global.cs.u8 %r22, [%rd3+50];
  ld.global.lu.s8 %r23, [%rd3+51];
  ld.global.cv.f64 %fd1, [%rd3+56];
  ld.global.L1::evict_last.b16 %rs1, [%rd3+48];
  prefetch.global.L2 [%rd3];
  prefetch.global.L2::evict_last [%rd3];
  prefetchu.L1 [%rd3];
  ld.const.v4.u32 {%r7, %r8, %r9, %r10}, [constants];
  ld.param.u64 %rd13, [out];
  st.local.v2.u32 [depot+8], {%r1, %r2};
  ld.local.v2.u32 {%r15, %r16}, [depot+8];
  st.shared.v4.f32 [tile], {%f4, %f3, %f2, %f1};
  st.release.cta.shared.u32 [tile+16], %r3;
  ld.shared.v4.f32 {%f5, %f6, %f7, %f1}, [tile];
  ld.shared.u32 %r17, [tile+16];
  mov.u64 %rd4, tile;
  cvta.shared.u64 %rd5, %rd4;
  ld.u32 %r18, [%rd5+16];
  mov.u64 %rd6, depot;
  cvta.local.u64 %rd7, %rd6;
  ld.v2.u32 {%r19, %r20}, [%rd7+8];
  mov.u64 %rd8, constants;
  cvta.const.u64 %rd9, %rd8;
  ld.u32 %r11, [%rd9+12];
  cvta.to.global.u64 %rd8, %rd13;
  st.global.v4.f32 [%rd8], {%f5, %f6, %f7, %f1};
  st.global.wb.v4.u32 [%rd8+16], {%r1, %r2, %r3, %r4};
  st.global.cg.v4.u32 [%rd8+32], {%r5, %r6, %r15, %r16};
  st.global.cs.v4.u32 [%rd8+48], {%r7, %r8, %r9, %r10};
  st.global.wt.v4.u32 [%rd8+64], {%r11, %r21, %r22, %r23};
  st.volatile.global.v4.u32 [%rd8+80], {%r17, %r18, %r19, %r20};
  st.relaxed.sys.global.L2::cache_hint.u32 [%rd8+96], %r1, %rd10;
  st.global.L1::no_allocate.b16 [%rd8+100], %rs1;
  st.global.f64 [%rd8+104], %fd1;
  st.global.v2.u64 [%rd8+112], {%rd11, %rd12};
  ret;
}
)";
  const float floats[4] = {1.5f, -2.0f, 3.25f, 8.0f};
  for (float value : floats)
    launch.in.push(value);
  for (uint32_t value : {101u, 202u, 303u, 404u})
    launch.in.push(value);
  launch.in.push(uint64_t{0x0123456789abcdefull}).push(uint64_t{0xfedcba9876543210ull});
  launch.in.push(uint16_t{0x8001}).push(uint8_t{0xf0}).push(uint8_t{0x80});
  launch.in.push(uint32_t{0}); // pads to 56
  launch.in.push(-0.375);
  launch.outSize = 128;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<float>(0), 8.0f);
  EXPECT_EQ(out.at<float>(4), 3.25f);
  EXPECT_EQ(out.at<float>(8), -2.0f);
  EXPECT_EQ(out.at<float>(12), 1.5f);
  const uint32_t words[] = {101,  202,
                            303,  404,
                            101,  202,
                            101,  202,
                            11,   22,
                            33,   44,
                            44,   uint32_t(int32_t(int16_t(0x8001))),
                            0xf0, uint32_t(int32_t(int8_t(0x80))),
                            303,  303,
                            101,  202,
                            101};
  for (size_t i = 0; i < sizeof words / 4; ++i)
    EXPECT_EQ(out.at<uint32_t>(16 + 4 * i), words[i]) << i;
  EXPECT_EQ(out.at<uint16_t>(100), 0x8001);
  EXPECT_EQ(out.at<double>(104), -0.375);
  EXPECT_EQ(out.at<uint64_t>(112), 0x0123456789abcdefull);
  EXPECT_EQ(out.at<uint64_t>(120), 0xfedcba9876543210ull);
}

// .relaxed/.acquire/.release vectors: every element is read and written (each one single-copy
// atomic); WARP_SZ, the predefined warp-size constant, is an immediate operand.
PTX_CASE(MemoryLoadStore, OrderedVectorsAndWarpSizeConstant) {
  Launch launch;
  launch.ptx = header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .shared .align 16 .b8 tile[16];
  .reg .b32 %r<12>;
  .reg .f32 %f<4>;
  .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd3, %rd1;
  cvta.to.global.u64 %rd4, %rd2;
  ld.relaxed.gpu.global.v2.u32 {%r1, %r2}, [%rd3];
  ld.acquire.sys.global.v4.f32 {%f0, %f1, %f2, %f3}, [%rd3+16];
  ld.relaxed.cta.global.v2.u64 {%rd5, %rd6}, [%rd3+32];
  st.relaxed.cta.shared.v4.u32 [tile], {%r2, %r1, %r2, %r1};
  ld.acquire.cta.shared.v4.u32 {%r3, %r4, %r5, %r6}, [tile];
  ld.volatile.global.v2.u32 {%r7, _}, [%rd3+4];
  mov.u32 %r8, WARP_SZ;
  add.s32 %r9, %r1, WARP_SZ;
  st.relaxed.gpu.global.v2.u32 [%rd4], {%r2, %r1};
  st.release.sys.global.v4.f32 [%rd4+16], {%f3, %f2, %f1, %f0};
  st.release.gpu.global.v2.u64 [%rd4+32], {%rd6, %rd5};
  st.relaxed.sys.global.v4.u32 [%rd4+48], {%r3, %r4, %r5, %r6};
  st.volatile.global.v4.u32 [%rd4+64], {%r7, %r8, %r9, %r1};
  ret;
}
)";
  launch.in.push(uint32_t{0x11223344}).push(uint32_t{0xdeadbeef});
  launch.in.push(uint64_t{0}); // pads to 16
  for (float value : {0.5f, -7.25f, 1e30f, -0.0f})
    launch.in.push(value);
  launch.in.push(uint64_t{0x0123456789abcdefull}).push(uint64_t{0x8000000000000001ull});
  launch.outSize = 80;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(0), 0xdeadbeefu);
  EXPECT_EQ(out.at<uint32_t>(4), 0x11223344u);
  const float reversed[4] = {-0.0f, 1e30f, -7.25f, 0.5f};
  for (int i = 0; i < 4; ++i) {
    float value = out.at<float>(16 + 4 * i);
    EXPECT_EQ(std::memcmp(&value, &reversed[i], 4), 0) << i;
  }
  EXPECT_EQ(out.at<uint64_t>(32), 0x8000000000000001ull);
  EXPECT_EQ(out.at<uint64_t>(40), 0x0123456789abcdefull);
  const uint32_t words[8] = {0xdeadbeef, 0x11223344, 0xdeadbeef,       0x11223344,
                             0xdeadbeef, 32,         0x11223344u + 32, 0x11223344};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(out.at<uint32_t>(48 + 4 * i), words[i]) << i;
}

// membar and fence of every scope, and the proxy fences, between a store and a load.
PTX_CASE(MemoryLoadStore, FencesOfEveryScope) {
  Launch launch;
  // The .cluster scope needs sm_90.
  launch.ptx = header(90) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd2, %r1, 8;
  add.s64 %rd3, %rd1, %rd2;
  add.u32 %r2, %r1, 1234;
  st.global.u32 [%rd3+4], %r2;
  membar.cta;
  membar.gl;
  membar.sys;
  fence.sc.cta;
  fence.acq_rel.gpu;
  fence.acq_rel.cluster;
  fence.proxy.alias;
  fence.proxy.async;
  fence.proxy.async.shared::cta;
  fence.proxy.async.global;
  fence.sc.sys;
  ld.acquire.gpu.global.u32 %r3, [%rd3+4];
  st.release.gpu.global.u32 [%rd3], %r3;
  ret;
}
)";
  launch.grid = {2, 1, 1};
  launch.block = {64, 1, 1};
  launch.outSize = 64 * 8;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 64; ++t) {
    EXPECT_EQ(out.at<uint32_t>(8 * t), t + 1234) << t;
    EXPECT_EQ(out.at<uint32_t>(8 * t + 4), t + 1234) << t;
  }
}

// ld/st .mmio.relaxed.sys (PTX 8.2): strong system-scope accesses that happen exactly once.
PTX_CASE(MemoryLoadStore, MmioRelaxedSys) {
  Launch launch;
  launch.ptx = header(75, "8.2") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd3, %rd1;
  ld.mmio.relaxed.sys.global.u32 %r1, [%rd3];
  ld.mmio.relaxed.sys.u64 %rd4, [%rd1+8];
  add.u32 %r2, %r1, 1;
  st.mmio.relaxed.sys.global.u32 [%rd2], %r2;
  st.mmio.relaxed.sys.u64 [%rd2+8], %rd4;
  ret;
}
)";
  launch.in.push(uint32_t{0xfffffffe}).push(uint32_t{0}).push(uint64_t{0x0123456789abcdefull});
  launch.outSize = 16;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(0), 0xffffffffu);
  EXPECT_EQ(out.at<uint64_t>(8), 0x0123456789abcdefull);
}

} // namespace
} // namespace cuport::conformance
