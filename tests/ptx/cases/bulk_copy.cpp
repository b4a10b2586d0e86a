// Bulk asynchronous copies (sm_90, the non-tensor forms): cp.async.bulk from global memory into
// shared memory completing on an mbarrier (unicast, .L2::cache_hint, .multicast::cluster to the
// only CTA, the .shared::cta destination of PTX 8.6), shared::cta -> shared::cluster, shared::cta
// -> global in bulk groups (commit_group, wait_group, wait_group.read), cp.async.bulk.prefetch.L2,
// and the operand rules (16-byte alignment, sizes in multiples of 16, a multicast only to the
// cluster's one CTA) that end the launch when broken. Expected values are the copied bytes: the
// ISA's copies are plain byte moves, and a phase of the mbarrier completes once its arrivals and
// the copies' transaction bytes are in.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

std::vector<uint32_t> randomWords(const std::string &name, size_t count) {
  std::mt19937_64 random = randomFor(name);
  std::vector<uint32_t> words(count);
  for (uint32_t &word : words)
    word = uint32_t(random());
  return words;
}

Bytes pack(const std::vector<uint32_t> &words) {
  Bytes bytes;
  for (uint32_t word : words)
    bytes.push(word);
  return bytes;
}

// 128 threads (4 warps), two phases of one mbarrier with an arrival count of 1. Phase 0: thread 0
// arrives with expect_tx(512) and copies in[0..512) into the buffer in two halves (the second with
// a register size and a cache policy); every thread waits on parity 0, then stores
// 3 * buffer[(tid + 1) % 128] + tid to out[tid]. Phase 1: thread 32 (another warp) first issues a
// multicast copy of in[512..1024) to CTA 0 and only then arrives with expect_tx(512), so the
// transaction count goes below zero before the phase expects it; every thread waits on parity 1
// and stores buffer[127 - tid] ^ 0x5a5a5a5a to out[128 + tid].
const char *kProducerConsumer = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<12>;
  .reg .b16 %h<2>;
  .reg .pred %p<4>;
  .shared .align 16 .b8 buffer[512];
  .shared .align 8 .b64 full;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, buffer;
  mov.u32 %r2, full;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  mbarrier.init.shared::cta.b64 [%r2], 1;
$initialized:
  bar.sync 0;
  @%p1 bra $wait0;
  mbarrier.arrive.expect_tx.release.cta.shared::cta.b64 _, [%r2], 512;
  cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r1], [%rd1], 256, [%r2];
  mov.u32 %r3, 256;
  add.u32 %r4, %r1, 256;
  add.s64 %rd3, %rd1, 256;
  createpolicy.fractional.L2::evict_last.b64 %rd4, 1.0;
  cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.L2::cache_hint [%r4], [%rd3], %r3, [%r2], %rd4;
$wait0:
  mbarrier.try_wait.parity.acquire.cta.shared::cta.b64 %p2, [%r2], 0;
  @!%p2 bra $wait0;
  add.u32 %r5, %r0, 1;
  and.b32 %r5, %r5, 127;
  shl.b32 %r5, %r5, 2;
  add.u32 %r5, %r1, %r5;
  ld.shared.u32 %r6, [%r5];
  mad.lo.u32 %r6, %r6, 3, %r0;
  mul.wide.u32 %rd5, %r0, 4;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r6;
  bar.sync 0;
  setp.ne.u32 %p3, %r0, 32;
  @%p3 bra $wait1;
  add.s64 %rd7, %rd1, 512;
  mov.u16 %h1, 1;
  cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster [%r1], [%rd7], 512, [%r2], %h1;
  mbarrier.arrive.expect_tx.shared::cta.b64 _, [%r2], 512;
$wait1:
  mbarrier.try_wait.parity.shared::cta.b64 %p2, [%r2], 1;
  @!%p2 bra $wait1;
  mov.u32 %r7, 127;
  sub.u32 %r7, %r7, %r0;
  shl.b32 %r7, %r7, 2;
  add.u32 %r7, %r1, %r7;
  ld.shared.u32 %r8, [%r7];
  xor.b32 %r8, %r8, 0x5a5a5a5a;
  st.global.u32 [%rd6+512], %r8;
  ret;
}
)";

PTX_CASE(BulkCopy, GlobalToSharedCompletesTheMbarrier) {
  std::vector<uint32_t> in = randomWords("BulkCopy.GlobalToShared", 256);
  Launch launch;
  launch.ptx = header(90) + kProducerConsumer;
  launch.block = {128, 1, 1};
  launch.grid = {2, 1, 1};
  launch.in = pack(in);
  launch.outSize = 1024;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 128; ++t) {
    EXPECT_EQ(out.at<uint32_t>(4 * t), 3 * in[(t + 1) % 128] + t) << "phase 0, thread " << t;
    EXPECT_EQ(out.at<uint32_t>(512 + 4 * t), in[128 + 127 - t] ^ 0x5a5a5a5au)
        << "phase 1, thread " << t;
  }
}

// PTX 8.6: a .shared::cta destination (with and without a cache policy); 64 threads wait, then
// each stores its word of the buffer.
PTX_CASE(BulkCopy, SharedCtaDestination) {
  std::vector<uint32_t> in = randomWords("BulkCopy.SharedCtaDestination", 64);
  Launch launch;
  launch.ptx = header(90, "8.6") + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<10>;
  .reg .pred %p<3>;
  .shared .align 16 .b8 buffer[256];
  .shared .align 8 .b64 full;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, buffer;
  mov.u32 %r2, full;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  mbarrier.init.shared::cta.b64 [%r2], 1;
$initialized:
  bar.sync 0;
  @%p1 bra $wait;
  cp.async.bulk.shared::cta.global.mbarrier::complete_tx::bytes [%r1], [%rd1], 128, [%r2];
  add.u32 %r3, %r1, 128;
  add.s64 %rd3, %rd1, 128;
  createpolicy.fractional.L2::evict_first.b64 %rd4, 0.5;
  cp.async.bulk.shared::cta.global.mbarrier::complete_tx::bytes.L2::cache_hint [%r3], [%rd3], 128, [%r2], %rd4;
  mbarrier.arrive.expect_tx.shared::cta.b64 _, [%r2], 256;
$wait:
  mbarrier.try_wait.parity.shared::cta.b64 %p2, [%r2], 0;
  @!%p2 bra $wait;
  shl.b32 %r4, %r0, 2;
  add.u32 %r4, %r1, %r4;
  ld.shared.u32 %r5, [%r4];
  mul.wide.u32 %rd5, %r0, 4;
  add.s64 %rd6, %rd2, %rd5;
  st.global.u32 [%rd6], %r5;
  ret;
}
)";
  launch.block = {64, 1, 1};
  launch.in = pack(in);
  launch.outSize = 256;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), in[t]) << "thread " << t;
}

// shared::cta -> shared::cluster: 64 threads fill the source with in[tid] + 1, make the writes
// visible to the async proxy, and thread 0 copies the source to the destination (the mapa rank-0
// address) in two copies completing on the mbarrier; every thread then stores destination[tid].
PTX_CASE(BulkCopy, SharedToClusterShared) {
  std::vector<uint32_t> in = randomWords("BulkCopy.SharedToClusterShared", 64);
  Launch launch;
  launch.ptx = header(90) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<16>;
  .reg .b64 %rd<10>;
  .reg .pred %p<3>;
  .shared .align 16 .b8 source[256];
  .shared .align 16 .b8 destination[256];
  .shared .align 8 .b64 full;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, source;
  mov.u32 %r2, full;
  mov.u32 %r3, destination;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r4, [%rd4];
  add.u32 %r4, %r4, 1;
  shl.b32 %r5, %r0, 2;
  add.u32 %r6, %r1, %r5;
  st.shared.u32 [%r6], %r4;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  mbarrier.init.shared::cta.b64 [%r2], 1;
$initialized:
  fence.proxy.async.shared::cta;
  bar.sync 0;
  @%p1 bra $wait;
  mapa.shared::cluster.u32 %r7, %r3, 0;
  mapa.shared::cluster.u32 %r8, %r2, 0;
  mbarrier.arrive.expect_tx.shared::cta.b64 _, [%r2], 256;
  cp.async.bulk.shared::cluster.shared::cta.mbarrier::complete_tx::bytes [%r7], [%r1], 160, [%r8];
  add.u32 %r9, %r7, 160;
  add.u32 %r10, %r1, 160;
  cp.async.bulk.shared::cluster.shared::cta.mbarrier::complete_tx::bytes [%r9], [%r10], 96, [%r8];
$wait:
  mbarrier.try_wait.parity.shared::cta.b64 %p2, [%r2], 0;
  @!%p2 bra $wait;
  add.u32 %r11, %r3, %r5;
  ld.shared.u32 %r12, [%r11];
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r12;
  ret;
}
)";
  launch.block = {64, 1, 1};
  launch.in = pack(in);
  launch.outSize = 256;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), in[t] + 1) << "thread " << t;
}

// shared::cta -> global in bulk groups: 128 threads store 5 * in[tid] + 1 into shared memory and
// fence it for the async proxy; lane 0 of each warp copies its warp's 128 bytes to out[warp] in
// one group (warps 0 and 2 with a cache policy) and to out[256 + 128 * (3 - warp)] in a second;
// after wait_group.read 0 the source may be reused, which lane 0 does by overwriting its first
// word, before wait_group 0 and a prefetch of the input.
PTX_CASE(BulkCopy, SharedToGlobalBulkGroups) {
  std::vector<uint32_t> in = randomWords("BulkCopy.SharedToGlobal", 128);
  Launch launch;
  launch.ptx = header(90) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<16>;
  .reg .b64 %rd<12>;
  .reg .pred %p<4>;
  .shared .align 16 .b8 source[512];
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, source;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r2, [%rd4];
  mad.lo.u32 %r2, %r2, 5, 1;
  shl.b32 %r3, %r0, 2;
  add.u32 %r4, %r1, %r3;
  st.shared.u32 [%r4], %r2;
  fence.proxy.async.shared::cta;
  bar.sync 0;
  and.b32 %r5, %r0, 31;
  setp.ne.u32 %p1, %r5, 0;
  @%p1 bra $done;
  shr.u32 %r6, %r0, 5;
  and.b32 %r7, %r6, 1;
  setp.eq.u32 %p2, %r7, 0;
  mul.wide.u32 %rd5, %r6, 128;
  add.s64 %rd6, %rd2, %rd5;
  @%p2 createpolicy.fractional.L2::evict_normal.b64 %rd7, 1.0;
  @%p2 cp.async.bulk.global.shared::cta.bulk_group.L2::cache_hint [%rd6], [%r4], 128, %rd7;
  @!%p2 cp.async.bulk.global.shared::cta.bulk_group [%rd6], [%r4], 128;
  cp.async.bulk.commit_group;
  mov.u32 %r8, 3;
  sub.u32 %r8, %r8, %r6;
  mul.wide.u32 %rd8, %r8, 128;
  add.s64 %rd9, %rd2, %rd8;
  mov.u32 %r9, 128;
  cp.async.bulk.global.shared::cta.bulk_group [%rd9+512], [%r4], %r9;
  cp.async.bulk.commit_group;
  cp.async.bulk.wait_group.read 0;
  st.shared.u32 [%r4], 0xdeadbeef;
  cp.async.bulk.wait_group 0;
  cp.async.bulk.prefetch.L2.global [%rd1], 512;
  createpolicy.fractional.L2::evict_last.b64 %rd10, 1.0;
  cp.async.bulk.prefetch.L2.global.L2::cache_hint [%rd1+256], 256, %rd10;
$done:
  ret;
}
)";
  launch.block = {128, 1, 1};
  launch.in = pack(in);
  launch.outSize = 1024;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 128; ++t) {
    uint32_t want = 5 * in[t] + 1, warp = t / 32, lane = t % 32;
    EXPECT_EQ(out.at<uint32_t>(4 * t), want) << "first group, thread " << t;
    EXPECT_EQ(out.at<uint32_t>(512 + 128 * (3 - warp) + 4 * lane), want)
        << "second group, thread " << t;
  }
}

// Each broken operand rule ends the launch with a diagnostic naming it (the module loads).
PTX_CASE(BulkCopy, OperandRulesFailTheLaunch) {
  struct Broken {
    const char *instruction;
    const char *diagnostic;
  };
  // Sizes come from a register (%r3 = 24, %r4 = 40, %r5 = 20): ptxas refuses immediate sizes that
  // are not multiples of 16 (so does the lowering: SizeImmediatesAreCheckedAtLoad).
  const Broken cases[] = {
      {"cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r1], [%rd1], %r3, "
       "[%r2]",
       "cp.async.bulk: size 24 is not a multiple of 16"},
      {"cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r1+8], [%rd1], 16, "
       "[%r2]",
       "cp.async.bulk: destination address"},
      {"cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r1], [%rd1+4], 16, "
       "[%r2]",
       "cp.async.bulk: source address"},
      {"cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r1], [%rd1], 512, "
       "[%r2]",
       "not in the block's shared memory"},
      {"cp.async.bulk.global.shared::cta.bulk_group [%rd1], [%r1], %r4",
       "size 40 is not a multiple of 16"},
      {"cp.async.bulk.global.shared::cta.bulk_group [%rd1], [%r1+512], 16", "source [0x"},
      {"cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster "
       "[%r1], [%rd1], 16, [%r2], %h1",
       "ctaMask 0x3"},
      {"cp.async.bulk.prefetch.L2.global [%rd1+8], 16", "cp.async.bulk.prefetch: source address"},
      {"cp.async.bulk.prefetch.L2.global [%rd1], %r4", "cp.async.bulk.prefetch: size 40"},
      {"cp.reduce.async.bulk.global.shared::cta.bulk_group.add.u32 [%rd1], [%r1], %r5",
       "cp.reduce.async.bulk: size 20"},
      {"cp.reduce.async.bulk.global.shared::cta.bulk_group.add.u32 [%rd1+8], [%r1], 16",
       "cp.reduce.async.bulk: destination address"},
  };
  for (const Broken &broken : cases) {
    Launch launch;
    launch.ptx = header(90) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<8>;
  .reg .b64 %rd<4>;
  .reg .b16 %h<2>;
  .shared .align 16 .b8 buffer[256];
  .shared .align 8 .b64 full;
  ld.param.u64 %rd1, [in];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r1, buffer;
  mov.u32 %r2, full;
  mov.u16 %h1, 3;
  mov.u32 %r3, 24;
  mov.u32 %r4, 40;
  mov.u32 %r5, 20;
  mbarrier.init.shared::cta.b64 [%r2], 1;
  )" + std::string(broken.instruction) +
                 R"(;
  ret;
}
)";
    launch.in = Bytes(1024);
    Outcome outcome = run(launch);
    EXPECT_TRUE(outcome.loaded) << broken.instruction << ": " << outcome.message;
    EXPECT_FALSE(outcome.launched) << broken.instruction;
    EXPECT_NE(outcome.message.find(broken.diagnostic), std::string::npos)
        << broken.instruction << ": " << outcome.message;
  }
}

// Immediate sizes that are not multiples of 16 are refused at load, as ptxas refuses them.
PTX_CASE(BulkCopy, SizeImmediatesAreCheckedAtLoad) {
  for (const char *instruction :
       {"cp.async.bulk.global.shared::cta.bulk_group [%rd1], [%r1], 24",
        "cp.async.bulk.prefetch.L2.global [%rd1], 8",
        "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.u32 [%rd1], [%r1], 20"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(90) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  .shared .align 16 .b8 buffer[256];
  ld.param.u64 %rd1, [in];
  mov.u32 %r1, buffer;
  )" + std::string(instruction) +
                                  R"(;
  ret;
}
)");
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("is not a multiple of 16"), std::string::npos)
        << outcome.message;
  }
}

// Before sm_90 the bulk copies do not exist: the module is refused at load.
PTX_CASE(BulkCopy, RefusedBeforeSm90) {
  for (const char *instruction :
       {"cp.async.bulk.global.shared::cta.bulk_group [%rd1], [%r1], 16",
        "cp.async.bulk.commit_group", "cp.async.bulk.wait_group 0",
        "cp.async.bulk.prefetch.L2.global [%rd1], 16",
        "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.u32 [%rd1], [%r1], 16"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  .shared .align 16 .b8 buffer[256];
  ld.param.u64 %rd1, [in];
  mov.u32 %r1, buffer;
  )" + std::string(instruction) +
                                  R"(;
  ret;
}
)");
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("before sm_90"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
