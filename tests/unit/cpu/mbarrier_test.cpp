// How the CPU backend fails kernels that misuse mbarrier objects: a wait that can never complete
// ends the grid as a deadlock (never a hang), and operations the ISA forbids end it with a message
// naming the rule.
#include "cpu_test_support.h"

namespace cuport::cpu::test {
namespace {

class MbarrierFailures : public CpuBackendTest {
protected:
  // Launches `body` (after the common prologue) on one block expecting a launch failure; returns
  // the message.
  std::string runFailing(const std::string &body, uint32_t threads) {
    std::string ptx = R"(.version 8.0
.target sm_80
.address_size 64
.visible .entry test(.param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 8 .b64 bar[2];
  ld.param.u64 %rd1, [out];
  mov.u32 %r0, %tid.x;
  mov.u32 %r5, bar;
)" + body + R"(
  ret;
}
)";
    std::string error;
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    if (!module)
      return error;
    uint32_t *buffer = allocate<uint32_t>(64);
    ParamBuffer params;
    params.add(buffer);
    EXPECT_EQ(launch(module, "test", {1, 1, 1}, {threads, 1, 1}, params, 0, &error),
              CUPORT_ERROR_LAUNCH_FAILED);
    return error;
  }
};

// Two arrivals expected, one thread: its poll loop can never see the phase complete.
TEST_F(MbarrierFailures, UnreachablePhaseIsADeadlock) {
  std::string message = runFailing(R"(
  mov.u32 %r1, 2;
  mbarrier.init.shared.b64 [%r5], %r1;
  mbarrier.arrive.shared.b64 %rd2, [%r5];
$wait:
  mbarrier.test_wait.shared.b64 %p1, [%r5], %rd2;
  @!%p1 bra $wait;
)",
                                   1);
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
  EXPECT_NE(message.find("mbarrier.test_wait on the mbarrier at shared offset 0"),
            std::string::npos)
      << message;
}

// Threads that wait at a block barrier while others poll an mbarrier nobody arrives at.
TEST_F(MbarrierFailures, MixedWaitsDeadlock) {
  std::string message = runFailing(R"(
  setp.ne.u32 %p2, %r0, 0;
  @%p2 bra $others;
  mov.u32 %r1, 1;
  mbarrier.init.shared.b64 [%r5], %r1;
$wait:
  mbarrier.test_wait.parity.shared.b64 %p1, [%r5], 0;
  @!%p1 bra $wait;
$others:
  bar.sync 0;
)",
                                   64);
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
}

TEST_F(MbarrierFailures, MoreArrivalsThanPending) {
  std::string message = runFailing(R"(
  mov.u32 %r1, 2;
  mbarrier.init.shared.b64 [%r5], %r1;
  mbarrier.arrive.noComplete.shared.b64 %rd2, [%r5], 3;
)",
                                   1);
  EXPECT_NE(message.find("more arrivals than the current phase has pending"), std::string::npos)
      << message;
}

TEST_F(MbarrierFailures, NoCompleteThatCompletes) {
  std::string message = runFailing(R"(
  mov.u32 %r1, 2;
  mbarrier.init.shared.b64 [%r5], %r1;
  mbarrier.arrive.noComplete.shared.b64 %rd2, [%r5], 2;
)",
                                   1);
  EXPECT_NE(message.find("noComplete completed the current phase"), std::string::npos) << message;
}

TEST_F(MbarrierFailures, InitCountOutOfRange) {
  std::string message = runFailing(R"(
  mov.u32 %r1, 0;
  mbarrier.init.shared.b64 [%r5], %r1;
)",
                                   1);
  EXPECT_NE(message.find("arrival count outside 1..2^20-1"), std::string::npos) << message;
}

// A generic address outside shared memory (the kernel's global output buffer).
TEST_F(MbarrierFailures, ObjectOutsideSharedMemory) {
  std::string message = runFailing(R"(
  mov.u32 %r1, 1;
  mbarrier.init.b64 [%rd1], %r1;
)",
                                   1);
  EXPECT_NE(message.find("not an aligned 64-bit word of the block's shared memory"),
            std::string::npos)
      << message;
}

TEST_F(MbarrierFailures, WaitOnAnObjectOutsideSharedMemory) {
  std::string message = runFailing(R"(
  mbarrier.test_wait.parity.b64 %p1, [%rd1], 0;
)",
                                   1);
  EXPECT_NE(message.find("not an aligned 64-bit word of the block's shared memory"),
            std::string::npos)
      << message;
}

} // namespace
} // namespace cuport::cpu::test
