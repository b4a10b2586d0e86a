// Special registers (PTX ISA 9.0, "Special Registers"): every value against what the launch
// implies. Where the ISA leaves a value to the implementation (%warpid, %nwarpid, %smid, %nsmid,
// %envreg<32>) the checks are the ISA's bounds and cuport's documented choices
// (docs/execution-model.md): lanes and warps number a block's threads linearly, a cluster is one
// CTA.
#include "tests/ptx/conformance.h"

namespace cuport::conformance {
namespace {

// The linear index of a thread in its block and of a block in its grid, x fastest.
uint32_t linear(uint32_t x, uint32_t y, uint32_t z, const Dim3 &size) {
  return (z * size.y + y) * size.x + x;
}

// Per thread, 26 words (in a 112-byte record, aligned for the vector stores): %tid, %ntid,
// %ctaid, %nctaid, %clusterid, %nclusterid, %cluster_ctaid, %cluster_nctaid (x, y, z each),
// %cluster_ctarank, %cluster_nctarank; at the thread's linear index in the grid.
const char *kGeometryBody = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, %tid.y;
  mov.u32 %r2, %tid.z;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %ntid.y;
  mov.u32 %r5, %ntid.z;
  mov.u32 %r6, %ctaid.x;
  mov.u32 %r7, %ctaid.y;
  mov.u32 %r8, %ctaid.z;
  mov.u32 %r9, %nctaid.x;
  mov.u32 %r10, %nctaid.y;
  mov.u32 %r11, %nctaid.z;
  mov.u32 %r12, %clusterid.x;
  mov.u32 %r13, %clusterid.y;
  mov.u32 %r14, %clusterid.z;
  mov.u32 %r15, %nclusterid.x;
  mov.u32 %r16, %nclusterid.y;
  mov.u32 %r17, %nclusterid.z;
  mov.u32 %r18, %cluster_ctaid.x;
  mov.u32 %r19, %cluster_ctaid.y;
  mov.u32 %r20, %cluster_ctaid.z;
  mov.u32 %r21, %cluster_nctaid.x;
  mov.u32 %r22, %cluster_nctaid.y;
  mov.u32 %r23, %cluster_nctaid.z;
  mov.u32 %r24, %cluster_ctarank;
  mov.u32 %r25, %cluster_nctarank;
  // linear thread = ((ctaid.z * nctaid.y + ctaid.y) * nctaid.x + ctaid.x) * threads + tid linear
  mad.lo.u32 %r30, %r8, %r10, %r7;
  mad.lo.u32 %r30, %r30, %r9, %r6;
  mul.lo.u32 %r31, %r3, %r4;
  mul.lo.u32 %r31, %r31, %r5;
  mad.lo.u32 %r32, %r2, %r4, %r1;
  mad.lo.u32 %r32, %r32, %r3, %r0;
  mad.lo.u32 %r33, %r30, %r31, %r32;
  mul.wide.u32 %rd2, %r33, 112;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v4.u32 [%rd3], {%r0, %r1, %r2, %r3};
  st.global.v4.u32 [%rd3+16], {%r4, %r5, %r6, %r7};
  st.global.v4.u32 [%rd3+32], {%r8, %r9, %r10, %r11};
  st.global.v4.u32 [%rd3+48], {%r12, %r13, %r14, %r15};
  st.global.v4.u32 [%rd3+64], {%r16, %r17, %r18, %r19};
  st.global.v4.u32 [%rd3+80], {%r20, %r21, %r22, %r23};
  st.global.v2.u32 [%rd3+96], {%r24, %r25};
  ret;
}
)";

PTX_CASE(SpecialRegisters, ThreadBlockAndClusterGeometry) {
  struct Shape {
    Dim3 grid, block;
  };
  // 2D and 3D grids; blocks whose last warp is partial (4 x 3 x 2 = 24, 5 x 3 = 15 threads).
  for (const Shape &shape : {Shape{{3, 2, 1}, {8, 4, 2}}, Shape{{2, 2, 3}, {5, 3, 1}},
                             Shape{{1, 3, 2}, {4, 3, 2}}, Shape{{4, 1, 1}, {40, 1, 1}}}) {
    Launch launch;
    launch.ptx = header(90, "8.0") + kGeometryBody;
    launch.grid = shape.grid;
    launch.block = shape.block;
    uint32_t threads = shape.block.x * shape.block.y * shape.block.z;
    uint32_t blocks = shape.grid.x * shape.grid.y * shape.grid.z;
    launch.outSize = size_t{threads} * blocks * 112;
    Bytes out = runOk(launch);
    for (uint32_t cz = 0; cz < shape.grid.z; ++cz)
      for (uint32_t cy = 0; cy < shape.grid.y; ++cy)
        for (uint32_t cx = 0; cx < shape.grid.x; ++cx)
          for (uint32_t tz = 0; tz < shape.block.z; ++tz)
            for (uint32_t ty = 0; ty < shape.block.y; ++ty)
              for (uint32_t tx = 0; tx < shape.block.x; ++tx) {
                size_t index = size_t{linear(cx, cy, cz, shape.grid)} * threads +
                               linear(tx, ty, tz, shape.block);
                // A cluster is one CTA: the cluster's id and count are the CTA's; inside the
                // cluster the CTA is at (0, 0, 0) of (1, 1, 1), rank 0 of 1.
                std::vector<uint32_t> expected{tx,
                                               ty,
                                               tz,
                                               shape.block.x,
                                               shape.block.y,
                                               shape.block.z,
                                               cx,
                                               cy,
                                               cz,
                                               shape.grid.x,
                                               shape.grid.y,
                                               shape.grid.z,
                                               cx,
                                               cy,
                                               cz,
                                               shape.grid.x,
                                               shape.grid.y,
                                               shape.grid.z,
                                               0,
                                               0,
                                               0,
                                               1,
                                               1,
                                               1,
                                               0,
                                               1};
                for (size_t word = 0; word < expected.size(); ++word)
                  ASSERT_EQ(out.at<uint32_t>(index * 112 + word * 4), expected[word])
                      << "word " << word << " of block (" << cx << "," << cy << "," << cz
                      << ") thread (" << tx << "," << ty << "," << tz << ")";
              }
  }
}

// Per thread of a one-block launch, 8 words: %laneid, %warpid, %nwarpid, %lanemask_eq, _lt, _le,
// _gt, _ge.
const char *kLaneBody = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %laneid;
  mov.u32 %r1, %warpid;
  mov.u32 %r2, %nwarpid;
  mov.u32 %r3, %lanemask_eq;
  mov.u32 %r4, %lanemask_lt;
  mov.u32 %r5, %lanemask_le;
  mov.u32 %r6, %lanemask_gt;
  mov.u32 %r7, %lanemask_ge;
  mov.u32 %r10, %tid.x;
  mov.u32 %r11, %tid.y;
  mov.u32 %r12, %tid.z;
  mov.u32 %r13, %ntid.x;
  mov.u32 %r14, %ntid.y;
  mad.lo.u32 %r15, %r12, %r14, %r11;
  mad.lo.u32 %r15, %r15, %r13, %r10;
  mul.wide.u32 %rd2, %r15, 32;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v4.u32 [%rd3], {%r0, %r1, %r2, %r3};
  st.global.v4.u32 [%rd3+16], {%r4, %r5, %r6, %r7};
  ret;
}
)";

PTX_CASE(SpecialRegisters, LanesWarpsAndLaneMasks) {
  // Whole warps, a partial last warp (80 = 2.5 warps), 2D and 3D blocks, the largest block.
  for (Dim3 block : {Dim3{96, 1, 1}, Dim3{80, 1, 1}, Dim3{10, 7, 1}, Dim3{7, 5, 3}, Dim3{1, 1, 1},
                     Dim3{1024, 1, 1}}) {
    Launch launch;
    launch.ptx = header(75) + kLaneBody;
    launch.block = block;
    uint32_t threads = block.x * block.y * block.z;
    launch.outSize = size_t{threads} * 32;
    Bytes out = runOk(launch);
    uint32_t warps = (threads + 31) / 32;
    for (uint32_t t = 0; t < threads; ++t) {
      SCOPED_TRACE("block " + std::to_string(block.x) + "x" + std::to_string(block.y) + "x" +
                   std::to_string(block.z) + ", thread " + std::to_string(t));
      uint32_t lane = t % 32;
      uint32_t eq = 1u << lane, lt = eq - 1, le = lt | eq;
      ASSERT_EQ(out.at<uint32_t>(t * 32), lane);
      // The ISA requires only %warpid < %nwarpid; cuport numbers warps linearly.
      uint32_t warp = out.at<uint32_t>(t * 32 + 4), nwarp = out.at<uint32_t>(t * 32 + 8);
      ASSERT_LT(warp, nwarp);
      ASSERT_EQ(warp, t / 32);
      ASSERT_EQ(nwarp, warps);
      ASSERT_EQ(out.at<uint32_t>(t * 32 + 12), eq);
      ASSERT_EQ(out.at<uint32_t>(t * 32 + 16), lt);
      ASSERT_EQ(out.at<uint32_t>(t * 32 + 20), le);
      ASSERT_EQ(out.at<uint32_t>(t * 32 + 24), ~le);
      ASSERT_EQ(out.at<uint32_t>(t * 32 + 28), ~lt);
    }
  }
}

// Per thread: %dynamic_smem_size, %total_smem_size, %aggr_smem_size, and the last byte of the
// dynamic area written and read back (the size is real, not only reported).
const char *kSharedSizeBody = R"(
.shared .align 16 .b8 fixed[128];
.extern .shared .align 16 .b8 dynamic[];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<12>;
  .reg .b64 %rd<8>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %dynamic_smem_size;
  mov.u32 %r1, %total_smem_size;
  mov.u32 %r2, %aggr_smem_size;
  mov.u32 %r3, %tid.x;
  mov.u32 %r4, 255;
  st.shared.u8 [fixed+127], %r4;
  ld.shared.u8 %r5, [fixed+127];
  mov.u32 %r6, 0;
  setp.eq.u32 %p1, %r0, 0;
  @%p1 bra $store;
  mov.u32 %r7, dynamic;
  add.u32 %r7, %r7, %r0;
  sub.u32 %r7, %r7, 1;
  add.u32 %r8, %r3, 1;
  st.shared.u8 [%r7], %r8;
  ld.shared.u8 %r6, [%r7];
$store:
  mul.wide.u32 %rd2, %r3, 20;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v4.u32 [%rd3], {%r0, %r1, %r2, %r5};
  st.global.u32 [%rd3+16], %r6;
  ret;
}
)";

PTX_CASE(SpecialRegisters, SharedMemorySizes) {
  for (uint32_t dynamicBytes : {0u, 1u, 256u, 4096u, 48u * 1024 - 128}) {
    Launch launch;
    launch.ptx = header(90, "8.1") + kSharedSizeBody;
    launch.block = {1, 1, 1};
    launch.dynamicShared = dynamicBytes;
    launch.outSize = 20;
    Bytes out = runOk(launch);
    SCOPED_TRACE("dynamic shared memory " + std::to_string(dynamicBytes));
    EXPECT_EQ(out.at<uint32_t>(0), dynamicBytes);
    // Static plus dynamic; the device reserves no shared memory, so the aggregate is the same.
    EXPECT_EQ(out.at<uint32_t>(4), 128 + dynamicBytes);
    EXPECT_EQ(out.at<uint32_t>(8), 128 + dynamicBytes);
    EXPECT_EQ(out.at<uint32_t>(12), 255u);
    EXPECT_EQ(out.at<uint32_t>(16), dynamicBytes ? 1u : 0u);
  }
}

// Per thread, 8 words: %smid, %nsmid, %gridid (64 bits), %current_graph_exec (64 bits),
// %envreg0 and %envreg31.
const char *kDeviceBody = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<12>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %smid;
  mov.u32 %r1, %nsmid;
  mov.u64 %rd4, %gridid;
  mov.u64 %rd5, %current_graph_exec;
  mov.u32 %r2, %envreg0;
  mov.u32 %r3, %envreg31;
  mov.u32 %r4, %ctaid.x;
  mov.u32 %r5, %ntid.x;
  mov.u32 %r6, %tid.x;
  mad.lo.u32 %r7, %r4, %r5, %r6;
  mul.wide.u32 %rd2, %r7, 32;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v2.u32 [%rd3], {%r0, %r1};
  st.global.u64 [%rd3+8], %rd4;
  st.global.u64 [%rd3+16], %rd5;
  st.global.v2.u32 [%rd3+24], {%r2, %r3};
  ret;
}
)";

PTX_CASE(SpecialRegisters, MultiprocessorGridAndEnvironment) {
  Launch launch;
  launch.ptx = header(90, "8.0") + kDeviceBody;
  const uint32_t blocks = 64, threads = 64;
  launch.grid = {blocks, 1, 1};
  launch.block = {threads, 1, 1};
  launch.outSize = blocks * threads * 32;
  Bytes out = runOk(launch);
  uint32_t nsmid = out.at<uint32_t>(4);
  uint64_t gridid = out.at<uint64_t>(8);
  ASSERT_GT(nsmid, 0u);
  for (uint32_t block = 0; block < blocks; ++block) {
    uint32_t smid = out.at<uint32_t>(block * threads * 32);
    for (uint32_t t = 0; t < threads; ++t) {
      size_t at = (size_t{block} * threads + t) * 32;
      SCOPED_TRACE("block " + std::to_string(block) + " thread " + std::to_string(t));
      // One block runs on one multiprocessor; %smid < %nsmid, which is the same for the grid.
      ASSERT_EQ(out.at<uint32_t>(at), smid);
      ASSERT_LT(smid, nsmid);
      ASSERT_EQ(out.at<uint32_t>(at + 4), nsmid);
      ASSERT_EQ(out.at<uint64_t>(at + 8), gridid);
      // Not a device graph launch.
      ASSERT_EQ(out.at<uint64_t>(at + 16), 0u);
      // The environment registers of a launch that is not cooperative are zero
      // (docs/execution-model.md).
      ASSERT_EQ(out.at<uint32_t>(at + 24), 0u);
      ASSERT_EQ(out.at<uint32_t>(at + 28), 0u);
    }
  }
  // A later launch is another grid.
  Bytes again = runOk(launch);
  EXPECT_NE(again.at<uint64_t>(8), gridid);
}

// Per thread: %clock64, %clock, %clock_hi, %clock64 again; %globaltimer, %globaltimer_lo,
// %globaltimer_hi, %globaltimer again, read in that order around a short loop; and %pm0, %pm7_64
// (performance monitor counters, undefined by the ISA: they are only read).
const char *kClockBody = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<16>;
  .reg .b64 %rd<16>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u64 %rd4, %clock64;
  mov.u32 %r0, %clock;
  mov.u32 %r1, %clock_hi;
  mov.u64 %rd5, %globaltimer;
  mov.u32 %r2, %globaltimer_lo;
  mov.u32 %r3, %globaltimer_hi;
  mov.u32 %r4, 0;
$spin:
  add.u32 %r4, %r4, 1;
  setp.lt.u32 %p1, %r4, 100000;
  @%p1 bra $spin;
  mov.u64 %rd6, %clock64;
  mov.u64 %rd7, %globaltimer;
  mov.u32 %r5, %pm0;
  mov.u64 %rd8, %pm7_64;
  mov.u32 %r6, %tid.x;
  mul.wide.u32 %rd2, %r6, 48;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u64 [%rd3], %rd4;
  st.global.v2.u32 [%rd3+8], {%r0, %r1};
  st.global.u64 [%rd3+16], %rd6;
  st.global.u64 [%rd3+24], %rd5;
  st.global.v2.u32 [%rd3+32], {%r2, %r3};
  st.global.u64 [%rd3+40], %rd7;
  ret;
}
)";

PTX_CASE(SpecialRegisters, ClocksAndTimersAdvanceWithinAThread) {
  Launch launch;
  launch.ptx = header(90, "8.0") + kClockBody;
  const uint32_t threads = 40;
  launch.block = {threads, 1, 1};
  launch.outSize = threads * 48;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < threads; ++t) {
    SCOPED_TRACE("thread " + std::to_string(t));
    size_t at = t * 48;
    // A 64-bit counter read, its halves read after it, the counter read again: each half lies
    // between the first and the last reading's (the counters do not go back).
    auto checkHalves = [&](uint64_t first, uint32_t low, uint32_t high, uint64_t last) {
      ASSERT_LE(first, last);
      ASSERT_GE(high, uint32_t(first >> 32));
      ASSERT_LE(high, uint32_t(last >> 32));
      ASSERT_LE(uint64_t(uint32_t(low - uint32_t(first))), last - first);
    };
    checkHalves(out.at<uint64_t>(at), out.at<uint32_t>(at + 8), out.at<uint32_t>(at + 12),
                out.at<uint64_t>(at + 16));
    checkHalves(out.at<uint64_t>(at + 24), out.at<uint32_t>(at + 32), out.at<uint32_t>(at + 36),
                out.at<uint64_t>(at + 40));
    // 100000 iterations take time: both counters moved on.
    EXPECT_LT(out.at<uint64_t>(at), out.at<uint64_t>(at + 16));
  }
}

// Registers the ISA defines but cuport refuses, with a diagnostic naming them.
// %is_explicit_cluster: true in kernels declaring .explicitcluster or .reqnctapercluster (launched
// here without a cluster launch attribute), false otherwise; read in the kernel and in a function
// it calls.
PTX_CASE(SpecialRegisters, IsExplicitCluster) {
  struct Variant {
    const char *directives;
    bool expected;
  };
  for (const Variant &variant :
       std::initializer_list<Variant>{{"", false},
                                      {".explicitcluster", true},
                                      {".reqnctapercluster 1, 1, 1", true},
                                      {".explicitcluster .reqnctapercluster 1", true},
                                      {".maxclusterrank 4", false}}) {
    Launch launch;
    launch.ptx = header(90, "8.0") + R"(
.func (.param .b32 result) explicitness()
{
  .reg .pred %e;
  .reg .b32 %v;
  mov.pred %e, %is_explicit_cluster;
  selp.u32 %v, 1, 0, %e;
  st.param.b32 [result], %v;
  ret;
}
.visible .entry test(.param .u64 in, .param .u64 out) )" +
                 variant.directives + R"(
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  .reg .pred %p;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.pred %p, %is_explicit_cluster;
  selp.u32 %r1, 1, 0, %p;
  {
    .param .b32 returned;
    call (returned), explicitness, ();
    ld.param.b32 %r2, [returned];
  }
  mov.u32 %r3, %ctaid.x;
  mul.wide.u32 %rd2, %r3, 8;
  add.s64 %rd1, %rd1, %rd2;
  st.global.v2.u32 [%rd1], {%r1, %r2};
  ret;
}
)";
    launch.grid = {2, 1, 1};
    launch.outSize = 16;
    SCOPED_TRACE(variant.directives);
    Bytes out = runOk(launch);
    for (uint32_t at = 0; at < 16; at += 4)
      EXPECT_EQ(out.at<uint32_t>(at), variant.expected ? 1u : 0u) << "word " << at / 4;
  }
}

PTX_CASE(SpecialRegisters, UnsupportedRegistersAreRefused) {
  for (const char *name :
       {"%reserved_smem_offset_begin", "%reserved_smem_offset_end", "%reserved_smem_offset_cap",
        "%reserved_smem_offset_0", "%reserved_smem_offset_1"}) {
    Launch launch;
    launch.ptx = header(90, "8.1") +
                 ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n  .reg .b32 %v;\n"
                 "  mov.u32 %v, " +
                 name + ";\n  ret;\n}\n";
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << name;
    EXPECT_NE(outcome.message.find(name), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
