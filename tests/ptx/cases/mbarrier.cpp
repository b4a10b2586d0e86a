// mbarrier objects in shared memory: init, arrive (with a count, .noComplete, .release),
// arrive_drop, test_wait and try_wait on a state or a phase parity, pending_count, inval, the
// transaction counts of sm_90 (expect_tx, complete_tx, arrive.expect_tx) and
// cp.async.mbarrier.arrive. Expected values follow the ISA's rules: a phase completes when its
// pending arrivals and its transaction count both reach zero; the next phase then expects the
// (possibly dropped) expected count again; an arrive returns the object's state from before the
// arrival.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

// %r0 = tid, %r1 = ntid, %r2 = &buffer (shared), %r4 = &buffer[tid], %r5 = &bar (shared),
// %rd6 = &bar (generic), %r20 / %r21 = the parities 0 / 1, %rd1 = in, %rd2 = out, %rd3 = 4 * tid.
const char *kPrologue = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<40>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 8 .b64 bar;
  .shared .align 4 .b8 buffer[4096];
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, %ntid.x;
  mul.wide.u32 %rd3, %r0, 4;
  mov.u32 %r2, buffer;
  shl.b32 %r3, %r0, 2;
  add.s32 %r4, %r2, %r3;
  mov.u32 %r5, bar;
  mov.u64 %rd6, bar;
  cvta.shared.u64 %rd6, %rd6;
  mov.u32 %r20, 0;
  mov.u32 %r21, 1;
)";

struct Phase {
  std::string arrive; // leaves the state in %rd5 (or discards it)
  std::string wait;   // sets %p2, polled until true
};

// Three phases of one mbarrier initialized with the block size: each thread stores in[tid], and
// after phase 0 reads the mirrored thread's value; phase 1 keeps the reads before the writes of
// 2 * value + tid; after phase 2 each thread stores its right neighbour's result.
std::string threePhaseKernel(unsigned target, const std::string &init, const Phase (&phases)[3]) {
  std::string ptx = header(target) + kPrologue + R"(
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  )" + init + R"(;
$initialized:
  bar.sync 0;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r6, [%rd4];
  st.shared.u32 [%r4], %r6;
)";
  auto phase = [&](int index) {
    std::string label = "$wait" + std::to_string(index);
    return "  " + phases[index].arrive + ";\n" + label + ":\n  " + phases[index].wait +
           ";\n  @!%p2 bra " + label + ";\n";
  };
  ptx += phase(0) + R"(
  sub.u32 %r7, %r1, 1;
  sub.u32 %r7, %r7, %r0;
  shl.b32 %r7, %r7, 2;
  add.s32 %r7, %r2, %r7;
  ld.shared.u32 %r8, [%r7];
)" + phase(1) +
         R"(
  shl.b32 %r8, %r8, 1;
  add.s32 %r8, %r8, %r0;
  st.shared.u32 [%r4], %r8;
)" + phase(2) +
         R"(
  add.s32 %r9, %r0, 1;
  rem.u32 %r9, %r9, %r1;
  shl.b32 %r9, %r9, 2;
  add.s32 %r9, %r2, %r9;
  ld.shared.u32 %r10, [%r9];
  add.s64 %rd7, %rd2, %rd3;
  st.global.u32 [%rd7], %r10;
  ret;
}
)";
  return ptx;
}

void checkThreePhases(unsigned target, const std::string &init, const Phase (&phases)[3]) {
  for (uint32_t threads : {80u, 256u}) {
    Launch launch;
    launch.ptx = threePhaseKernel(target, init, phases);
    launch.block = {threads, 1, 1};
    launch.grid = {2, 1, 1};
    for (uint32_t t = 0; t < threads; ++t)
      launch.in.push(7 * t + 3);
    launch.outSize = threads * 4;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < threads; ++t) {
      uint32_t neighbour = (t + 1) % threads;
      uint32_t mirrored = threads - 1 - neighbour;
      EXPECT_EQ(out.at<uint32_t>(t * 4), 2 * (7 * mirrored + 3) + neighbour)
          << phases[0].wait << ", thread " << t << " of " << threads;
    }
  }
}

PTX_CASE(Mbarrier, ArriveAndTestWaitOnTheState) {
  Phase phase{"mbarrier.arrive.shared.b64 %rd5, [%r5]",
              "mbarrier.test_wait.shared.b64 %p2, [%r5], %rd5"};
  checkThreePhases(80, "mbarrier.init.shared.b64 [%r5], %r1", {phase, phase, phase});
}

PTX_CASE(Mbarrier, GenericAddresses) {
  Phase phase{"mbarrier.arrive.b64 %rd5, [%rd6]", "mbarrier.test_wait.b64 %p2, [%rd6], %rd5"};
  checkThreePhases(80, "mbarrier.init.b64 [%rd6], %r1", {phase, phase, phase});
}

PTX_CASE(Mbarrier, TestWaitOnTheParity) {
  checkThreePhases(80, "mbarrier.init.shared::cta.b64 [%r5], %r1",
                   {{"mbarrier.arrive.shared.b64 _, [%r5]",
                     "mbarrier.test_wait.parity.shared.b64 %p2, [%r5], %r20"},
                    {"mbarrier.arrive.shared::cta.b64 _, [%r5]",
                     "mbarrier.test_wait.parity.shared::cta.b64 %p2, [%r5], %r21"},
                    {"mbarrier.arrive.shared.b64 _, [%r5]",
                     "mbarrier.test_wait.parity.shared.b64 %p2, [%r5], %r20"}});
}

// sm_90: try_wait (with and without a suspend-time hint), arrive with a count, and the memory
// ordering and scope qualifiers.
PTX_CASE(Mbarrier, TryWaitAndQualifiers) {
  checkThreePhases(90, "mbarrier.init.shared::cta.b64 [%r5], %r1",
                   {{"mbarrier.arrive.shared::cta.b64 %rd5, [%r5], 1",
                     "mbarrier.try_wait.shared::cta.b64 %p2, [%r5], %rd5"},
                    {"mbarrier.arrive.release.cta.shared::cta.b64 _, [%r5]",
                     "mbarrier.try_wait.parity.acquire.cta.shared::cta.b64 %p2, [%r5], %r21, 1000"},
                    {"mbarrier.arrive.release.cluster.shared::cta.b64 %rd5, [%r5]",
                     "mbarrier.test_wait.acquire.cluster.shared::cta.b64 %p2, [%r5], %rd5"}});
}

// sm_90 remote arrivals: arrive, arrive_drop, expect_tx and complete_tx on .shared::cluster
// addresses (the CTA's own object: a cluster is one CTA), through mapa of rank 0 and through the
// .shared::cta address. Phase 1 expects and completes 8 transaction bytes per thread around its
// arrival, so the last arrival alone does not end it.
PTX_CASE(Mbarrier, RemoteArrivalsReachTheOwnCta) {
  checkThreePhases(90, "mbarrier.init.shared::cta.b64 [%r5], %r1",
                   {{"mapa.shared::cluster.u32 %r30, %r5, 0;\n"
                     "  mbarrier.arrive.release.cluster.shared::cluster.b64 _, [%r30]",
                     "mbarrier.test_wait.parity.shared::cta.b64 %p2, [%r5], %r20"},
                    {"mbarrier.expect_tx.relaxed.cluster.shared::cluster.b64 [%r5], 8;\n"
                     "  mbarrier.arrive.shared::cluster.b64 _, [%r5];\n"
                     "  mbarrier.complete_tx.relaxed.cluster.shared::cluster.b64 [%r5], 8",
                     "mbarrier.try_wait.parity.shared::cta.b64 %p2, [%r5], %r21"},
                    {"mapa.shared::cluster.u32 %r30, %r5, 0;\n"
                     "  mbarrier.arrive_drop.release.cluster.shared::cluster.b64 _, [%r30]",
                     "mbarrier.test_wait.parity.shared::cta.b64 %p2, [%r5], %r20"}});
}

// Remote arrivals return no state and have no .noComplete form; waits take no remote object.
PTX_CASE(Mbarrier, RemoteFormsOutsideTheIsaAreRefused) {
  for (const char *instruction : {"mbarrier.arrive.shared::cluster.b64 %rd5, [%r5]",
                                  "mbarrier.arrive.noComplete.shared::cluster.b64 _, [%r5], 1",
                                  "mbarrier.test_wait.shared::cluster.b64 %p1, [%r5], %rd5"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(90) + kPrologue + "  " + instruction + ";\n  ret;\n}\n");
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("mbarrier"), std::string::npos) << outcome.message;
  }
}

// One thread: pending counts read from the states arrivals return, waits on a completed and on a
// current phase, and a re-initialized object after mbarrier.inval.
PTX_CASE(Mbarrier, PendingCountNoCompleteAndInval) {
  std::string ptx = header(80) + kPrologue + R"(
  mov.u32 %r10, 5;
  mbarrier.init.shared.b64 [%r5], %r10;
  mbarrier.arrive.noComplete.shared.b64 %rd7, [%r5], 2;
  mbarrier.pending_count.b64 %r11, %rd7;
  mbarrier.arrive.noComplete.shared.b64 %rd8, [%r5], %r21;
  mbarrier.pending_count.b64 %r12, %rd8;
  mbarrier.test_wait.shared.b64 %p1, [%r5], %rd8;
  mbarrier.arrive.noComplete.shared.b64 %rd9, [%r5], 1;
  mbarrier.arrive.shared.b64 %rd9, [%r5];
  mbarrier.pending_count.b64 %r13, %rd9;
  mbarrier.test_wait.shared.b64 %p2, [%r5], %rd7;
  mbarrier.test_wait.parity.shared.b64 %p3, [%r5], %r20;
  mbarrier.test_wait.parity.shared.b64 %p4, [%r5], %r21;
  mbarrier.arrive_drop.noComplete.shared.b64 %rd10, [%r5], 2;
  mbarrier.pending_count.b64 %r14, %rd10;
  mbarrier.arrive.noComplete.shared.b64 %rd10, [%r5], 2;
  mbarrier.arrive.shared.b64 %rd10, [%r5];
  mbarrier.arrive.noComplete.shared.b64 %rd10, [%r5], 1;
  mbarrier.pending_count.b64 %r17, %rd10;
  mbarrier.inval.shared.b64 [%r5];
  mbarrier.init.shared.b64 [%r5], %r21;
  mbarrier.arrive.shared.b64 %rd11, [%r5];
  mbarrier.pending_count.b64 %r15, %rd11;
  mbarrier.test_wait.shared.b64 %p5, [%r5], %rd11;
  st.global.u32 [%rd2], %r11;
  st.global.u32 [%rd2+4], %r12;
  st.global.u32 [%rd2+8], %r13;
  st.global.u32 [%rd2+12], %r14;
  st.global.u32 [%rd2+16], %r15;
  selp.u32 %r16, 1, 0, %p1;
  st.global.u32 [%rd2+20], %r16;
  selp.u32 %r16, 1, 0, %p2;
  st.global.u32 [%rd2+24], %r16;
  selp.u32 %r16, 1, 0, %p3;
  st.global.u32 [%rd2+28], %r16;
  selp.u32 %r16, 1, 0, %p4;
  st.global.u32 [%rd2+32], %r16;
  selp.u32 %r16, 1, 0, %p5;
  st.global.u32 [%rd2+36], %r16;
  st.global.u32 [%rd2+40], %r17;
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.outSize = 44;
  Bytes out = runOk(launch);
  // Pending counts before each arrival: 5, then 3; the arrival that ends phase 0 sees 1; phase 1
  // starts with 5 again (and drops 2 for later phases, so phase 2 starts with 3); the
  // re-initialized object expects 1.
  EXPECT_EQ(out.at<uint32_t>(0), 5u);
  EXPECT_EQ(out.at<uint32_t>(4), 3u);
  EXPECT_EQ(out.at<uint32_t>(8), 1u);
  EXPECT_EQ(out.at<uint32_t>(12), 5u);
  EXPECT_EQ(out.at<uint32_t>(16), 1u);
  EXPECT_EQ(out.at<uint32_t>(20), 0u); // phase 0 still had two arrivals pending
  EXPECT_EQ(out.at<uint32_t>(24), 1u); // phase 0 completed
  EXPECT_EQ(out.at<uint32_t>(28), 1u); // parity 0: the completed phase before the current one
  EXPECT_EQ(out.at<uint32_t>(32), 0u); // parity 1: the current phase
  EXPECT_EQ(out.at<uint32_t>(36), 1u); // one arrival completes the re-initialized object's phase
  EXPECT_EQ(out.at<uint32_t>(40), 3u);
}

// Odd threads arrive_drop and exit; even threads go through four phases, which complete with
// their arrivals alone, and count them.
PTX_CASE(Mbarrier, ArriveDropLowersLaterPhases) {
  std::string ptx = header(80) + kPrologue + R"(
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  mbarrier.init.shared.b64 [%r5], %r1;
$initialized:
  bar.sync 0;
  and.b32 %r10, %r0, 1;
  setp.eq.u32 %p1, %r10, 0;
  @%p1 bra $stay;
  mbarrier.arrive_drop.shared.b64 _, [%r5];
  ret;
$stay:
  mov.u32 %r11, 0;
$phase:
  mbarrier.arrive.shared.b64 %rd5, [%r5];
$wait:
  mbarrier.test_wait.shared.b64 %p2, [%r5], %rd5;
  @!%p2 bra $wait;
  add.u32 %r11, %r11, 1;
  setp.lt.u32 %p4, %r11, 4;
  @%p4 bra $phase;
  add.s64 %rd7, %rd2, %rd3;
  st.global.u32 [%rd7], %r11;
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.block = {96, 1, 1};
  launch.outSize = 96 * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 96; ++t)
    EXPECT_EQ(out.at<uint32_t>(t * 4), t % 2 == 0 ? 4u : 0u) << t;
}

// cp.async copies tracked by the mbarrier: with .noinc the copy's arrival is one of the expected
// ones (init with 2 * ntid); without it the pending count is raised first, so init with ntid.
PTX_CASE(Mbarrier, AsyncCopyArrive) {
  for (bool noIncrement : {true, false}) {
    std::string ptx = header(80) + kPrologue + R"(
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $initialized;
  )" + (noIncrement ? "shl.b32 %r10, %r1, 1;" : "mov.u32 %r10, %r1;") +
                      R"(
  mbarrier.init.shared.b64 [%r5], %r10;
$initialized:
  bar.sync 0;
  add.s64 %rd4, %rd1, %rd3;
  cp.async.ca.shared.global [%r4], [%rd4], 4;
  )" +
                      (noIncrement ? "cp.async.mbarrier.arrive.noinc.shared.b64 [%r5];"
                                   : "cp.async.mbarrier.arrive.shared.b64 [%r5];") +
                      R"(
  mbarrier.arrive.shared.b64 %rd5, [%r5];
$wait:
  mbarrier.test_wait.shared.b64 %p2, [%r5], %rd5;
  @!%p2 bra $wait;
  add.s32 %r9, %r0, 1;
  rem.u32 %r9, %r9, %r1;
  shl.b32 %r9, %r9, 2;
  add.s32 %r9, %r2, %r9;
  ld.shared.u32 %r10, [%r9];
  add.s64 %rd7, %rd2, %rd3;
  st.global.u32 [%rd7], %r10;
  ret;
}
)";
    Launch launch;
    launch.ptx = ptx;
    launch.block = {64, 1, 1};
    launch.grid = {2, 1, 1};
    for (uint32_t t = 0; t < 64; ++t)
      launch.in.push(t * t + 11);
    launch.outSize = 64 * 4;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < 64; ++t) {
      uint32_t neighbour = (t + 1) % 64;
      EXPECT_EQ(out.at<uint32_t>(t * 4), neighbour * neighbour + 11)
          << (noIncrement ? ".noinc" : "") << " thread " << t;
    }
  }
}

// sm_90 transaction counts, one thread: a phase with all arrivals in still waits for its
// transactions; complete_tx ends it once the count is back to zero.
PTX_CASE(Mbarrier, TransactionCounts) {
  std::string ptx = header(90) + kPrologue + R"(
  mbarrier.init.shared::cta.b64 [%r5], %r21;
  mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [%r5], 16;
  mbarrier.arrive.shared::cta.b64 %rd7, [%r5];
  mbarrier.test_wait.shared::cta.b64 %p1, [%r5], %rd7;
  mbarrier.complete_tx.relaxed.cta.shared::cta.b64 [%r5], 8;
  mbarrier.test_wait.shared::cta.b64 %p2, [%r5], %rd7;
  mbarrier.complete_tx.shared::cta.b64 [%r5], 8;
  mbarrier.test_wait.shared::cta.b64 %p3, [%r5], %rd7;
  mbarrier.arrive.expect_tx.shared::cta.b64 %rd8, [%r5], 4;
  mbarrier.test_wait.parity.shared::cta.b64 %p4, [%r5], %r21;
  mbarrier.expect_tx.b64 [%rd6], 2;
  mbarrier.complete_tx.b64 [%rd6], 4;
  mbarrier.test_wait.parity.shared::cta.b64 %p5, [%r5], %r21;
  mbarrier.complete_tx.shared::cta.b64 [%r5], 2;
  mbarrier.test_wait.parity.shared::cta.b64 %p6, [%r5], %r21;
  selp.u32 %r16, 1, 0, %p1;
  st.global.u32 [%rd2], %r16;
  selp.u32 %r16, 1, 0, %p2;
  st.global.u32 [%rd2+4], %r16;
  selp.u32 %r16, 1, 0, %p3;
  st.global.u32 [%rd2+8], %r16;
  selp.u32 %r16, 1, 0, %p4;
  st.global.u32 [%rd2+12], %r16;
  selp.u32 %r16, 1, 0, %p5;
  st.global.u32 [%rd2+16], %r16;
  selp.u32 %r16, 1, 0, %p6;
  st.global.u32 [%rd2+20], %r16;
  ret;
}
)";
  Launch launch;
  launch.ptx = ptx;
  launch.outSize = 24;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(0), 0u);  // arrived, 16 bytes outstanding
  EXPECT_EQ(out.at<uint32_t>(4), 0u);  // 8 bytes outstanding
  EXPECT_EQ(out.at<uint32_t>(8), 1u);  // phase 0 complete
  EXPECT_EQ(out.at<uint32_t>(12), 0u); // phase 1: arrived, 4 bytes outstanding
  EXPECT_EQ(out.at<uint32_t>(16), 0u); // 4 + 2 - 4 = 2 bytes outstanding
  EXPECT_EQ(out.at<uint32_t>(20), 1u); // phase 1 complete
}

} // namespace
} // namespace cuport::conformance
