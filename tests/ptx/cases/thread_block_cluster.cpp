// Thread block clusters (sm_90) as cuport runs them: every cluster is one CTA
// (docs/execution-model.md). mapa and getctarank on rank 0, the .shared::cluster window of ld, st,
// atom and red, barrier.cluster's arrive/wait phases, the cluster launch directives, and
// griddepcontrol. Expected values follow the ISA for a cluster of one CTA.
#include "tests/ptx/conformance.h"

#include <algorithm>
#include <numeric>

namespace cuport::conformance {
namespace {

// Per thread, 6 words (in a 32-byte record): mapa.u64 of the generic address of word tid (1 when it
// is that address), getctarank.u64 of it, getctarank.shared::cluster.u32 of the mapped shared
// address, the word of the next thread read back through ld.shared::cluster after
// st.shared::cluster through the mapped address and bar.sync, %cluster_ctarank, and the shared::cta
// address equality.
const char *kMapaBody = R"(
.shared .align 4 .b32 words[256];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<12>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, %ntid.x;
  mov.u32 %r2, %cluster_ctarank;
  // The generic address of words[tid] mapped to the CTA's own rank.
  mov.u64 %rd2, words;
  cvta.shared.u64 %rd2, %rd2;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd2, %rd3;
  mapa.u64 %rd5, %rd4, %r2;
  setp.eq.u64 %p1, %rd5, %rd4;
  selp.u32 %r3, 1, 0, %p1;
  getctarank.u64 %r4, %rd5;
  // The shared::cta address of words[tid] mapped into the shared::cluster window.
  mov.u32 %r5, words;
  shl.b32 %r6, %r0, 2;
  add.u32 %r7, %r5, %r6;
  mapa.shared::cluster.u32 %r8, %r7, 0;
  getctarank.shared::cluster.u32 %r9, %r8;
  setp.eq.u32 %p2, %r8, %r7;
  selp.u32 %r10, 1, 0, %p2;
  mad.lo.u32 %r11, %r0, 7, 3;
  st.shared::cluster.u32 [%r8], %r11;
  bar.sync 0;
  add.u32 %r12, %r0, 1;
  rem.u32 %r12, %r12, %r1;
  shl.b32 %r12, %r12, 2;
  add.u32 %r12, %r5, %r12;
  ld.shared::cluster.u32 %r13, [%r12];
  mov.u32 %r14, %ctaid.x;
  mad.lo.u32 %r15, %r14, %r1, %r0;
  mul.wide.u32 %rd6, %r15, 32;
  add.s64 %rd7, %rd1, %rd6;
  st.global.v4.u32 [%rd7], {%r3, %r4, %r9, %r13};
  st.global.v2.u32 [%rd7+16], {%r2, %r10};
  ret;
}
)";

PTX_CASE(ThreadBlockCluster, MapaAndGetctarankOfTheOwnRank) {
  for (uint32_t threads : {256u, 40u}) {
    Launch launch;
    launch.ptx = header(90, "8.0") + kMapaBody;
    launch.grid = {3, 1, 1};
    launch.block = {threads, 1, 1};
    launch.outSize = 3 * threads * 32;
    Bytes out = runOk(launch);
    for (uint32_t block = 0; block < 3; ++block)
      for (uint32_t t = 0; t < threads; ++t) {
        SCOPED_TRACE("block " + std::to_string(block) + " thread " + std::to_string(t));
        size_t at = (size_t{block} * threads + t) * 32;
        EXPECT_EQ(out.at<uint32_t>(at), 1u);     // rank 0 maps an address to itself
        EXPECT_EQ(out.at<uint32_t>(at + 4), 0u); // ... which is in rank 0
        EXPECT_EQ(out.at<uint32_t>(at + 8), 0u);
        EXPECT_EQ(out.at<uint32_t>(at + 12), ((t + 1) % threads) * 7 + 3);
        EXPECT_EQ(out.at<uint32_t>(at + 16), 0u); // %cluster_ctarank
        EXPECT_EQ(out.at<uint32_t>(at + 20), 1u); // shared::cta address = shared::cluster one
      }
  }
}

PTX_CASE(ThreadBlockCluster, MapaOfAnotherRankFailsTheLaunch) {
  for (const char *form :
       {"mapa.u64 %rd3, %rd2, %r1;", "mapa.shared::cluster.u64 %rd3, %rd2, %r1;"}) {
    Launch launch;
    launch.ptx = header(90, "8.0") + R"(
.shared .align 8 .b64 word;
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  mov.u64 %rd2, word;
  mov.u32 %r1, 1;
  )" + std::string(form) +
                 R"(
  st.global.u64 [%rd1], %rd3;
  ret;
}
)";
    launch.outSize = 8;
    Outcome outcome = run(launch);
    EXPECT_TRUE(outcome.loaded) << form << ": " << outcome.message;
    EXPECT_FALSE(outcome.launched) << form;
  }
}

// Every thread: atom.shared::cluster.add (its old value), red.shared::cluster.add and .max,
// atom.shared::cluster.cas of a per-thread word, all through the shared::cluster window; thread 0
// reports the totals after bar.sync.
const char *kAtomicBody = R"(
.shared .align 4 .b32 counter;
.shared .align 4 .b32 sum;
.shared .align 4 .b32 largest;
.shared .align 4 .b32 slots[128];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<12>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  mov.u32 %r15, 0;
  st.shared::cluster.u32 [counter], %r15;
  st.shared::cluster.u32 [sum], %r15;
  st.shared::cluster.u32 [largest], %r15;
$initialized:
  shl.b32 %r1, %r0, 2;
  mov.u32 %r2, slots;
  add.u32 %r2, %r2, %r1;
  st.shared.u32 [%r2], %r0;
  bar.sync 0;
  atom.shared::cluster.add.u32 %r3, [counter], 1;
  mul.lo.u32 %r4, %r0, %r0;
  red.shared::cluster.add.u32 [sum], %r4;
  red.relaxed.cluster.shared::cluster.max.u32 [largest], %r4;
  add.u32 %r5, %r0, 1000;
  atom.acq_rel.cluster.shared::cluster.cas.b32 %r6, [%r2], %r0, %r5;
  atom.shared::cluster.cas.b32 %r7, [%r2], %r0, 5;
  bar.sync 0;
  ld.shared::cluster.u32 %r8, [%r2];
  mul.wide.u32 %rd2, %r0, 16;
  add.s64 %rd3, %rd1, %rd2;
  st.global.v4.u32 [%rd3], {%r3, %r6, %r7, %r8};
  @%p1 bra $done;
  ld.shared::cluster.u32 %r9, [counter];
  ld.shared::cluster.u32 %r10, [sum];
  ld.shared::cluster.u32 %r11, [largest];
  st.global.v4.u32 [%rd1+2048], {%r9, %r10, %r11, %r0};
$done:
  ret;
}
)";

PTX_CASE(ThreadBlockCluster, AtomicsAndReductionsOnClusterSharedMemory) {
  const uint32_t threads = 128;
  Launch launch;
  launch.ptx = header(90, "8.0") + kAtomicBody;
  launch.block = {threads, 1, 1};
  launch.outSize = 2048 + 16;
  Bytes out = runOk(launch);
  std::vector<uint32_t> tickets;
  uint32_t sum = 0, largest = 0;
  for (uint32_t t = 0; t < threads; ++t) {
    SCOPED_TRACE("thread " + std::to_string(t));
    tickets.push_back(out.at<uint32_t>(t * 16));
    sum += t * t;
    largest = std::max(largest, t * t);
    EXPECT_EQ(out.at<uint32_t>(t * 16 + 4), t);         // cas found the thread's own id ...
    EXPECT_EQ(out.at<uint32_t>(t * 16 + 8), t + 1000);  // ... so the second cas found t + 1000
    EXPECT_EQ(out.at<uint32_t>(t * 16 + 12), t + 1000); // and did not store
  }
  std::sort(tickets.begin(), tickets.end());
  std::vector<uint32_t> expected(threads);
  std::iota(expected.begin(), expected.end(), 0u);
  EXPECT_EQ(tickets, expected); // every old value of the counter once
  EXPECT_EQ(out.at<uint32_t>(2048), threads);
  EXPECT_EQ(out.at<uint32_t>(2052), sum);
  EXPECT_EQ(out.at<uint32_t>(2056), largest);
}

// Two phases of barrier.cluster. Phase 1: each thread writes its word, arrives (.release,
// .aligned), waits (.acquire, .aligned) and reads its neighbour's. Phase 2 splits arrive and wait:
// the first warp arrives (.relaxed), then meets the second warp at named barrier 1 before it
// waits; the second warp arrives and waits first, then meets the first warp at barrier 1. That
// completes only if a wait returns once every thread has arrived, whether or not the others have
// reached their wait yet.
const char *kBarrierBody = R"(
.shared .align 4 .b32 words[64];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<12>;
  .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  shl.b32 %r1, %r0, 2;
  mov.u32 %r2, words;
  add.u32 %r3, %r2, %r1;
  add.u32 %r4, %r0, 100;
  st.shared.u32 [%r3], %r4;
  barrier.cluster.arrive.release.aligned;
  barrier.cluster.wait.acquire.aligned;
  add.u32 %r5, %r0, 1;
  rem.u32 %r5, %r5, 64;
  shl.b32 %r5, %r5, 2;
  add.u32 %r5, %r2, %r5;
  ld.shared.u32 %r6, [%r5];
  mov.u32 %r7, %warpid;
  setp.eq.u32 %p1, %r7, 0;
  barrier.cluster.arrive.relaxed;
  @%p1 bra $first_warp;
  barrier.cluster.wait;
  bar.sync 1, 64;
  bra.uni $joined;
$first_warp:
  bar.sync 1, 64;
  barrier.cluster.wait;
$joined:
  barrier.cluster.arrive;
  barrier.cluster.wait;
  mov.u32 %r8, %ctaid.x;
  mad.lo.u32 %r9, %r8, 64, %r0;
  mul.wide.u32 %rd2, %r9, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r6;
  ret;
}
)";

PTX_CASE(ThreadBlockCluster, BarrierArriveAndWaitPhases) {
  Launch launch;
  launch.ptx = header(90, "8.0") + kBarrierBody;
  launch.grid = {2, 1, 1};
  launch.block = {64, 1, 1};
  launch.outSize = 2 * 64 * 4;
  Bytes out = runOk(launch);
  for (uint32_t block = 0; block < 2; ++block)
    for (uint32_t t = 0; t < 64; ++t)
      EXPECT_EQ(out.at<uint32_t>((block * 64 + t) * 4), (t + 1) % 64 + 100)
          << "block " << block << " thread " << t;
}

// Threads that exit without arriving do not hold up the others' wait (the ISA's rule for exit).
PTX_CASE(ThreadBlockCluster, ExitedThreadsReleaseTheBarrier) {
  Launch launch;
  launch.ptx = header(90, "8.0") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  setp.ge.u32 %p1, %r0, 40;
  @%p1 exit;
  barrier.cluster.arrive;
  barrier.cluster.wait;
  mul.wide.u32 %rd2, %r0, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], 1;
  ret;
}
)";
  launch.block = {96, 1, 1};
  launch.outSize = 96 * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 96; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), t < 40 ? 1u : 0u) << "thread " << t;
}

// Misuse the ISA leaves undefined ends the grid instead of hanging: a second arrive before the
// wait, a wait with no arrive.
PTX_CASE(ThreadBlockCluster, BarrierMisuseFailsTheLaunch) {
  for (const char *statements :
       {"barrier.cluster.arrive;\n  barrier.cluster.arrive;", "barrier.cluster.wait;"}) {
    Launch launch;
    launch.ptx = header(90, "8.0") +
                 ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n  " + statements +
                 "\n  ret;\n}\n";
    launch.block = {32, 1, 1};
    Outcome outcome = run(launch);
    EXPECT_TRUE(outcome.loaded) << outcome.message;
    EXPECT_FALSE(outcome.launched) << statements;
    EXPECT_NE(outcome.message.find("barrier.cluster"), std::string::npos) << outcome.message;
  }
}

// The cluster directives that a cluster of one CTA satisfies: a kernel requiring clusters of one
// CTA, declaring its clusters explicit, or bounding their size runs as any other, in a cluster of
// one. (Kernels requiring larger clusters are refused by the runtime at launch:
// docs/execution-model.md.)
PTX_CASE(ThreadBlockCluster, ClusterDirectivesOfOneCta) {
  for (const char *directives :
       {".reqnctapercluster 1, 1, 1", ".explicitcluster .reqnctapercluster 1", ".maxclusterrank 8",
        ".explicitcluster"}) {
    Launch launch;
    launch.ptx = header(90, "8.0") + ".visible .entry test(.param .u64 in, .param .u64 out) " +
                 directives + R"(
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %cluster_nctarank;
  mov.u32 %r1, %cluster_ctarank;
  st.global.v2.u32 [%rd1], {%r0, %r1};
  ret;
}
)";
    launch.grid = {2, 1, 1};
    launch.outSize = 8;
    SCOPED_TRACE(directives);
    Bytes out = runOk(launch);
    EXPECT_EQ(out.at<uint32_t>(0), 1u);
    EXPECT_EQ(out.at<uint32_t>(4), 0u);
  }
}

// griddepcontrol.wait returns with the prerequisite grids' writes visible, and
// launch_dependents lets the next grid start: two launches of a stream in a row see each other's
// results in order.
PTX_CASE(ThreadBlockCluster, GridDependencyControl) {
  Launch launch;
  launch.ptx = header(90, "8.0") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<6>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  griddepcontrol.wait;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  griddepcontrol.launch_dependents;
  mul.lo.u32 %r2, %r1, 3;
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r2;
  ret;
}
)";
  launch.block = {64, 1, 1};
  for (uint32_t t = 0; t < 64; ++t)
    launch.in.push<uint32_t>(t + 5);
  launch.outSize = 64 * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), (t + 5) * 3) << "thread " << t;
}

// The fences of sm_90 that order proxies and cluster-scoped memory: each lowers and keeps the
// order of the accesses around it.
PTX_CASE(ThreadBlockCluster, ProxyAndClusterFences) {
  for (const char *fence :
       {"fence.proxy.async.shared::cluster;", "fence.proxy.async.shared::cta;",
        "fence.proxy.async.global;", "fence.proxy.async;", "fence.proxy.alias;",
        "fence.mbarrier_init.release.cluster;", "fence.proxy.tensormap::generic.release.gpu;",
        "fence.proxy.tensormap::generic.release.cta;",
        "fence.proxy.tensormap::generic.acquire.sys [%rd1], 128;",
        "fence.proxy.tensormap::generic.acquire.cluster [%rd1], 128;",
        "fence.acquire.sync_restrict::shared::cluster.cluster;",
        "fence.release.sync_restrict::shared::cta.cluster;",
        "fence.proxy.async::generic.acquire.sync_restrict::shared::cluster.cluster;",
        "fence.proxy.async::generic.release.sync_restrict::shared::cta.cluster;",
        "fence.acq_rel.cluster;", "fence.sc.cluster;"}) {
    Launch launch;
    launch.ptx = header(90, "8.6") + R"(
.shared .align 4 .b32 word;
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<6>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  add.u32 %r1, %r0, 7;
  st.shared::cta.u32 [word], %r1;
  )" + std::string(fence) +
                 R"(
  ld.shared::cluster.u32 %r2, [word];
  st.global.u32 [%rd1], %r2;
  ret;
}
)";
    launch.outSize = 4;
    SCOPED_TRACE(fence);
    Bytes out = runOk(launch);
    EXPECT_EQ(out.at<uint32_t>(0), 7u);
  }
}

} // namespace
} // namespace cuport::conformance
