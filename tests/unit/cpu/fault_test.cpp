// Faults inside kernels end the grid with a status; the process survives and launches again.
// Bad input fails with a message.
#include "cpu_test_support.h"

#include "backends/cpu/context.h"

namespace cuport::cpu::test {
namespace {

using Faults = CpuBackendTest;

// Stores through the address given as parameter (the compiler cannot see it is null), in one
// chosen block only; plus a well-behaved kernel to launch afterwards.
const char *kFaulting = R"(
define void @store_to(ptr %params) "cuport-kernel" {
entry:
  %target = load i64, ptr %params, align 8
  %which.at = getelementptr i8, ptr %params, i64 8
  %which = load i32, ptr %which.at, align 4
  %ctaid = call i32 @cuport.ctaid.x()
  %hit = icmp eq i32 %ctaid, %which
  br i1 %hit, label %store, label %done
store:
  %p = inttoptr i64 %target to ptr
  store volatile i32 1, ptr %p, align 4
  br label %done
done:
  ret void
}

define void @fill(ptr %params) "cuport-kernel" {
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  %slot = getelementptr i32, ptr addrspace(1) %out, i32 %tid
  store i32 %tid, ptr addrspace(1) %slot, align 4
  ret void
}

define void @trap_in_block(ptr %params) "cuport-kernel" {
entry:
  %ctaid = call i32 @cuport.ctaid.x()
  %tid = call i32 @cuport.tid.x()
  %b = icmp eq i32 %ctaid, 2
  %t = icmp eq i32 %tid, 3
  %both = and i1 %b, %t
  br i1 %both, label %boom, label %done
boom:
  call void @cuport.trap()
  unreachable
done:
  ret void
}

@staging = internal addrspace(3) global [64 x i32] undef, align 4
define void @store_shared_at(ptr %params) "cuport-kernel" {
  %index = load i32, ptr %params, align 4
  %slot = getelementptr [64 x i32], ptr addrspace(3) @staging, i32 0, i32 %index
  store volatile i32 7, ptr addrspace(3) %slot, align 4
  ret void
}

@barrier_stage = internal addrspace(3) global i32 undef, align 4
define void @trap_after_barrier(ptr %params) "cuport-kernel" {
entry:
  %tid = call i32 @cuport.tid.x()
  store i32 %tid, ptr addrspace(3) @barrier_stage, align 4
  call void @cuport.bar.sync(i32 0, i32 -1)
  %t = icmp eq i32 %tid, 5
  br i1 %t, label %boom, label %done
boom:
  call void @cuport.trap()
  unreachable
done:
  ret void
}
)";

class FaultsThenRecovery : public Faults {
protected:
  void checkFillStillWorks(cuport_backend_module *module) {
    int32_t *out = allocate<int32_t>(128);
    std::fill(out, out + 128, -1);
    ParamBuffer params;
    params.add(out);
    std::string error;
    ASSERT_EQ(launch(module, "fill", {1, 1, 1}, {128, 1, 1}, params, 0, &error), CUPORT_OK)
        << error;
    for (int t = 0; t < 128; ++t)
      ASSERT_EQ(out[t], t);
  }
};

TEST_F(FaultsThenRecovery, NullStoreIsAnIllegalAddress) {
  cuport_backend_module *module = load(kFaulting);
  ASSERT_NE(module, nullptr);
  for (uint64_t address : {uint64_t{0}, uint64_t{8}}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      ParamBuffer params;
      params.add(address).add(uint32_t{17});
      std::string error;
      EXPECT_EQ(launch(module, "store_to", {64, 1, 1}, {32, 1, 1}, params, 0, &error),
                CUPORT_ERROR_ILLEGAL_ADDRESS);
      EXPECT_NE(error.find("illegal address"), std::string::npos) << error;
      EXPECT_NE(error.find("store_to"), std::string::npos) << error;
      EXPECT_NE(error.find("block: [17,0,0]"), std::string::npos) << error;
      checkFillStillWorks(module);
    }
  }
  // And a valid address works.
  int32_t *target = allocate<int32_t>(1);
  *target = 0;
  ParamBuffer params;
  params.add(target).add(uint32_t{0});
  EXPECT_EQ(launch(module, "store_to", {4, 1, 1}, {1, 1, 1}, params), CUPORT_OK);
  EXPECT_EQ(*target, 1);
}

// Shared memory is fenced: a store past the block's shared allocation is an illegal address, not
// a write into whatever lies next to it.
TEST_F(FaultsThenRecovery, SharedOverflowIsAnIllegalAddress) {
  cuport_backend_module *module = load(kFaulting);
  ASSERT_NE(module, nullptr);
  for (uint32_t index : {0u, 63u}) {
    ParamBuffer params;
    params.add(index);
    EXPECT_EQ(launch(module, "store_shared_at", {2, 1, 1}, {32, 1, 1}, params), CUPORT_OK);
  }
  // All within the arena's trailing guard (SharedArena::kGuardBytes).
  for (uint32_t index : {64u, 1000u, 5000u}) {
    ParamBuffer params;
    params.add(index);
    std::string error;
    EXPECT_EQ(launch(module, "store_shared_at", {2, 1, 1}, {32, 1, 1}, params, 0, &error),
              CUPORT_ERROR_ILLEGAL_ADDRESS)
        << "index " << index;
    EXPECT_NE(error.find("illegal address"), std::string::npos) << error;
    checkFillStillWorks(module);
  }
}

TEST_F(FaultsThenRecovery, TrapIsALaunchFailure) {
  cuport_backend_module *module = load(kFaulting);
  ASSERT_NE(module, nullptr);
  for (const char *kernel : {"trap_in_block", "trap_after_barrier"}) {
    ParamBuffer none;
    std::string error;
    EXPECT_EQ(launch(module, kernel, {8, 1, 1}, {64, 1, 1}, none, 0, &error),
              CUPORT_ERROR_LAUNCH_FAILED)
        << kernel;
    EXPECT_NE(error.find("trap"), std::string::npos) << error;
    EXPECT_NE(error.find("thread: ["), std::string::npos) << error;
    checkFillStillWorks(module);
  }
}

// A kernel with a barrier takes its run-time allocations from a bounded region per thread: one
// that does not fit ends the grid, naming the sizes; the next launch runs.
TEST_F(FaultsThenRecovery, AllocaBeyondTheThreadsRegionIsALaunchFailure) {
  std::string error;
  cuport_backend_module *module = loadPtx(R"(.version 7.3
.target sm_75
.address_size 64
.visible .entry test(.param .u64 bytes)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [bytes];
  alloca.u64 %rd2, %rd1;
  mov.u32 %r0, %tid.x;
  st.local.u32 [%rd2], %r0;
  bar.sync 0;
  ret;
}
)",
                                          &error);
  ASSERT_NE(module, nullptr) << error;
  ParamBuffer tooMany;
  tooMany.add(uint64_t{kDynamicStackBytes + 1});
  EXPECT_EQ(launch(module, "test", {2, 1, 1}, {64, 1, 1}, tooMany, 0, &error),
            CUPORT_ERROR_LAUNCH_FAILED);
  EXPECT_NE(error.find("alloca of 65537 bytes (aligned to 8) exceeds the 65536 bytes"),
            std::string::npos)
      << error;
  ParamBuffer all;
  all.add(uint64_t{kDynamicStackBytes});
  EXPECT_EQ(launch(module, "test", {2, 1, 1}, {64, 1, 1}, all, 0, &error), CUPORT_OK) << error;
}

// __assertfail with the strings CUDA passes (generic addresses of .global byte arrays).
const char *kAssert = R"(
@message = internal addrspace(1) global [6 x i8] c"x < 3\00", align 1
@file = internal addrspace(1) global [8 x i8] c"test.cu\00", align 1
@function = internal addrspace(1) global [12 x i8] c"void kern()\00", align 1

declare void @__assertfail(i64, i64, i32, i64, i64)

define void @asserting(ptr %params) "cuport-kernel" {
entry:
  %tid = call i32 @cuport.tid.x()
  %bad = icmp eq i32 %tid, 5
  br i1 %bad, label %fail, label %done
fail:
  %m = ptrtoint ptr addrspacecast (ptr addrspace(1) @message to ptr) to i64
  %f = ptrtoint ptr addrspacecast (ptr addrspace(1) @file to ptr) to i64
  %fn = ptrtoint ptr addrspacecast (ptr addrspace(1) @function to ptr) to i64
  call void @__assertfail(i64 %m, i64 %f, i32 12, i64 %fn, i64 1)
  br label %done
done:
  ret void
}
)";

TEST_F(Faults, FailedAssertReportsLikeCuda) {
  cuport_backend_module *module = load(kAssert);
  ASSERT_NE(module, nullptr);
  ParamBuffer none;
  std::string error;
  testing::internal::CaptureStderr();
  cuport_status status = launch(module, "asserting", {1, 1, 1}, {32, 1, 1}, none, 0, &error);
  std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, CUPORT_ERROR_ASSERT);
  const std::string expected =
      "test.cu:12: void kern(): block: [0,0,0], thread: [5,0,0] Assertion `x < 3` failed.";
  EXPECT_NE(printed.find(expected), std::string::npos) << printed;
  EXPECT_NE(error.find(expected), std::string::npos) << error;
}

const char *kUnresolved = R"(
declare i32 @undefined_device_function(i64, i64)
declare i32 @cuport.not.an.intrinsic(i32)

define void @prints(ptr %params) "cuport-kernel" {
  %r = call i32 @undefined_device_function(i64 0, i64 0)
  ret void
}

define void @unknown(ptr %params) "cuport-kernel" {
  %r = call i32 @cuport.not.an.intrinsic(i32 0)
  ret void
}

define void @fine(ptr %params) "cuport-kernel" {
  ret void
}
)";

TEST_F(Faults, UnresolvedFunctionsAreNamedAtCompileTime) {
  cuport_backend_module *module = load(kUnresolved);
  ASSERT_NE(module, nullptr);
  ParamBuffer none;
  std::string error;
  EXPECT_EQ(launch(module, "prints", {1, 1, 1}, {1, 1, 1}, none, 0, &error),
            CUPORT_ERROR_INVALID_IR);
  EXPECT_NE(error.find("undefined_device_function"), std::string::npos) << error;
  // The failure is sticky and does not poison the other kernels.
  EXPECT_EQ(launch(module, "prints", {1, 1, 1}, {1, 1, 1}, none, 0, &error),
            CUPORT_ERROR_INVALID_IR);
  EXPECT_EQ(launch(module, "unknown", {1, 1, 1}, {1, 1, 1}, none, 0, &error),
            CUPORT_ERROR_INVALID_IR);
  EXPECT_NE(error.find("cuport.not.an.intrinsic"), std::string::npos) << error;
  EXPECT_EQ(launch(module, "fine", {1, 1, 1}, {1, 1, 1}, none, 0, &error), CUPORT_OK) << error;
}

TEST_F(Faults, MalformedBitcodeIsRejected) {
  char message[512] = {};
  cuport_backend_module *module = nullptr;
  const char garbage[] = "this is not bitcode at all";
  EXPECT_EQ(backend_->module_load(backend_->self, garbage, sizeof garbage, &module,
                                  cuport_error_buffer{message, sizeof message}),
            CUPORT_ERROR_INVALID_IR);
  EXPECT_NE(std::string(message).find("bitcode"), std::string::npos) << message;

  std::vector<char> valid = assemble(R"(
define void @k(ptr %params) "cuport-kernel" {
  ret void
}
)");
  ASSERT_GT(valid.size(), 64u);
  for (size_t cut : {size_t{4}, valid.size() / 2, valid.size() - 3}) {
    EXPECT_EQ(backend_->module_load(backend_->self, valid.data(), cut, &module,
                                    cuport_error_buffer{message, sizeof message}),
              CUPORT_ERROR_INVALID_IR)
        << "truncated to " << cut;
  }
  EXPECT_EQ(backend_->module_load(backend_->self, nullptr, 0, &module,
                                  cuport_error_buffer{message, sizeof message}),
            CUPORT_ERROR_INVALID_VALUE);
  // A kernel with the wrong signature.
  std::string error;
  EXPECT_EQ(tryLoad(R"(
define void @k(i32 %x) "cuport-kernel" {
  ret void
}
)",
                    &error),
            CUPORT_ERROR_INVALID_IR);
  EXPECT_NE(error.find("signature"), std::string::npos) << error;
}

} // namespace
} // namespace cuport::cpu::test

namespace cuport::cpu::test {
namespace {

// Outside kernel code the handlers step aside: a host fault still kills the process.
TEST_F(FaultsThenRecovery, HostFaultsAreNotSwallowed) {
  cuport_backend_module *module = load(kFaulting);
  ASSERT_NE(module, nullptr);
  checkFillStillWorks(module); // the handlers are installed by now
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        volatile int *nowhere = nullptr;
        *nowhere = 1;
      },
      "");
}

} // namespace
} // namespace cuport::cpu::test
