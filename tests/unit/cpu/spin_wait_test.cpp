// Spin-waits on the CPU backend: which loops yield (only those whose exit depends on an atomic or
// volatile poll, and loops with nanosleep), and how the block scheduler ends a block whose
// spin-waits can never see their word change (a deadlock, never a hang).
#include "cpu_test_support.h"

#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/SourceMgr.h>

namespace cuport::cpu::test {
namespace {

class SpinWaits : public CpuBackendTest {
protected:
  // Whether each kernel of `ir` compiles to a coroutine (true) or a plain function (false).
  std::vector<bool> coroutines(const std::string &ir, const std::vector<std::string> &kernels) {
    llvm::LLVMContext context;
    llvm::SMDiagnostic diagnostic;
    std::unique_ptr<llvm::Module> module = llvm::parseAssemblyString(
        std::string(kIntrinsicDeclarations) + "declare void @cuport.nanosleep(i32) nounwind\n" + ir,
        diagnostic, context);
    EXPECT_NE(module, nullptr) << diagnostic.getMessage().str();
    std::vector<bool> result;
    std::string assembly, error;
    if (!module || !compileToAssembly(*module, assembly, error)) {
      ADD_FAILURE() << error;
      return result;
    }
    for (const std::string &kernel : kernels) {
      size_t header = assembly.find("# kernel " + kernel);
      EXPECT_NE(header, std::string::npos) << kernel;
      size_t line = assembly.find('\n', header);
      result.push_back(assembly.substr(header, line - header).find("coroutine") !=
                       std::string::npos);
    }
    return result;
  }

  // Runs a one-block PTX kernel expecting a launch failure; returns the message.
  std::string runFailing(const std::string &body, uint32_t threads) {
    std::string ptx = R"(.version 8.0
.target sm_75
.address_size 64
.visible .entry test(.param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 4 .b32 flag[4];
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  mov.u32 %r5, flag;
)" + body + R"(
  ret;
}
)";
    std::string error;
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    if (!module)
      return error;
    ParamBuffer params;
    params.add(allocate<uint32_t>(64));
    EXPECT_EQ(launch(module, "test", {1, 1, 1}, {threads, 1, 1}, params, 0, &error),
              CUPORT_ERROR_LAUNCH_FAILED);
    return error;
  }
};

// Loops over plain memory, with counters, and sleeps outside loops cost nothing: those kernels stay
// plain functions. A volatile or atomic poll that decides the loop's exit, or a sleep in a loop,
// makes the kernel a coroutine.
TEST_F(SpinWaits, OnlyWaitingLoopsYield) {
  const std::string ir = R"(
define void @sums(ptr %params) "cuport-kernel" {
entry:
  %in.int = load i64, ptr %params, align 8
  %in = inttoptr i64 %in.int to ptr addrspace(1)
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %at = getelementptr i32, ptr addrspace(1) %in, i32 %i
  %value = load i32, ptr addrspace(1) %at, align 4
  %doubled = add i32 %value, %value
  store i32 %doubled, ptr addrspace(1) %at, align 4
  %next = add i32 %i, 1
  %more = icmp ult i32 %next, %value
  br i1 %more, label %loop, label %done
done:
  call void @cuport.nanosleep(i32 100)
  ret void
}

define void @counts_atomically(ptr %params) "cuport-kernel" {
entry:
  %in.int = load i64, ptr %params, align 8
  %in = inttoptr i64 %in.int to ptr addrspace(1)
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %old = atomicrmw add ptr addrspace(1) %in, i32 1 monotonic, align 4
  %next = add i32 %i, 1
  %more = icmp ult i32 %next, 8
  br i1 %more, label %loop, label %done
done:
  ret void
}

define void @polls(ptr %params) "cuport-kernel" {
entry:
  %in.int = load i64, ptr %params, align 8
  %in = inttoptr i64 %in.int to ptr addrspace(1)
  br label %loop
loop:
  %flag = load volatile i32, ptr addrspace(1) %in, align 4
  %wait = icmp eq i32 %flag, 0
  br i1 %wait, label %loop, label %done
done:
  ret void
}

define void @acquires(ptr %params) "cuport-kernel" {
entry:
  %in.int = load i64, ptr %params, align 8
  %in = inttoptr i64 %in.int to ptr addrspace(1)
  br label %loop
loop:
  %flag = load atomic i32, ptr addrspace(1) %in acquire, align 4
  %wait = icmp eq i32 %flag, 0
  br i1 %wait, label %loop, label %done
done:
  ret void
}

define void @sleeps(ptr %params) "cuport-kernel" {
entry:
  %in.int = load i64, ptr %params, align 8
  %in = inttoptr i64 %in.int to ptr addrspace(1)
  br label %loop
loop:
  %won = cmpxchg ptr addrspace(1) %in, i32 0, i32 1 acquire monotonic, align 4
  %ok = extractvalue { i32, i1 } %won, 1
  br i1 %ok, label %done, label %backoff
backoff:
  call void @cuport.nanosleep(i32 20)
  br label %loop
done:
  ret void
}
)";
  EXPECT_EQ(coroutines(ir, {"sums", "counts_atomically", "polls", "acquires", "sleeps"}),
            (std::vector<bool>{false, false, true, true, true}));
}

// One thread polls a shared word nobody writes while the others have ended.
TEST_F(SpinWaits, UnchangingSharedWordIsADeadlock) {
  std::string message = runFailing(R"(
  setp.ne.u32 %p1, %r0, 5;
  @%p1 bra $end;
  st.shared.u32 [%r5], 0;
$wait:
  ld.volatile.shared.u32 %r1, [%r5];
  setp.eq.u32 %p2, %r1, 0;
  @%p2 bra $wait;
$end:
)",
                                   64);
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
  EXPECT_NE(message.find("thread [5,0,0] (warp 0, lane 5) spins until the shared word at offset 0 "
                         "changes"),
            std::string::npos)
      << message;
}

// The flag's writer waits at a barrier that the spinning thread never reaches.
TEST_F(SpinWaits, SpinnerAndBarrierDeadlock) {
  std::string message = runFailing(R"(
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $writer;
  st.shared.u32 [%r5+4], 0;
$wait:
  ld.acquire.cta.shared.u32 %r1, [%r5+4];
  setp.eq.u32 %p2, %r1, 0;
  @%p2 bra $wait;
  bra.uni $end;
$writer:
  bar.sync 0;
  mov.u32 %r2, 1;
  st.release.cta.shared.u32 [%r5+4], %r2;
$end:
)",
                                   64);
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
  EXPECT_NE(message.find("spins until the shared word at offset 4 changes"), std::string::npos)
      << message;
}

// A poll whose loop also writes may change what it waits for by itself: it runs on, here to the
// end of its bounded wait.
TEST_F(SpinWaits, PollThatWritesIsNoDeadlock) {
  std::string ptx = R"(.version 8.0
.target sm_75
.address_size 64
.visible .entry test(.param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 4 .b32 flag;
  .shared .align 4 .b32 tries;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $end;
  st.shared.u32 [flag], 0;
  st.shared.u32 [tries], 0;
$wait:
  ld.shared.u32 %r2, [tries];
  add.u32 %r2, %r2, 1;
  st.shared.u32 [tries], %r2;
  setp.eq.u32 %p3, %r2, 50;
  @%p3 bra $give_up;
  ld.volatile.shared.u32 %r1, [flag];
  setp.eq.u32 %p2, %r1, 0;
  @%p2 bra $wait;
$give_up:
  st.global.u32 [%rd1], %r2;
$end:
  ret;
}
)";
  std::string error;
  cuport_backend_module *module = loadPtx(ptx, &error);
  ASSERT_NE(module, nullptr) << error;
  uint32_t *out = allocate<uint32_t>(1);
  ParamBuffer params;
  params.add(out);
  ASSERT_EQ(launch(module, "test", {1, 1, 1}, {32, 1, 1}, params, 0, &error), CUPORT_OK) << error;
  EXPECT_EQ(out[0], 50u);
}

// A poll that gives up after a number of tries (a register counter): it ends by itself.
TEST_F(SpinWaits, BoundedPollIsNoDeadlock) {
  std::string ptx = R"(.version 8.0
.target sm_75
.address_size 64
.visible .entry test(.param .u64 out)
{
  .reg .b32 %r<20>;
  .reg .b64 %rd<20>;
  .reg .pred %p<10>;
  .shared .align 4 .b32 flag;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r0, %tid.x;
  setp.ne.u32 %p1, %r0, 0;
  @%p1 bra $end;
  st.shared.u32 [flag], 0;
  mov.u32 %r2, 0;
$wait:
  add.u32 %r2, %r2, 1;
  setp.eq.u32 %p3, %r2, 50;
  @%p3 bra $give_up;
  ld.volatile.shared.u32 %r1, [flag];
  setp.eq.u32 %p2, %r1, 0;
  @%p2 bra $wait;
$give_up:
  st.global.u32 [%rd1], %r2;
$end:
  ret;
}
)";
  std::string error;
  cuport_backend_module *module = loadPtx(ptx, &error);
  ASSERT_NE(module, nullptr) << error;
  uint32_t *out = allocate<uint32_t>(1);
  ParamBuffer params;
  params.add(out);
  ASSERT_EQ(launch(module, "test", {1, 1, 1}, {32, 1, 1}, params, 0, &error), CUPORT_OK) << error;
  EXPECT_EQ(out[0], 50u);
}

} // namespace
} // namespace cuport::cpu::test
