// Modules through the driver API: loading PTX with JIT options, functions, globals, unloading.
#include "tests/unit/driver/driver_test_support.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

using cuport::driver_test::DriverTest;
using cuport::driver_test::kScalePtx;

void *optionValue(size_t value) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(value));
}

TEST_F(DriverTest, LoadsPtxAndFindsItsKernels) {
  CUmodule module = nullptr;
  ASSERT_EQ(cuModuleLoadData(&module, kScalePtx), CUDA_SUCCESS);
  CUfunction scale = nullptr, addOne = nullptr;
  ASSERT_EQ(cuModuleGetFunction(&scale, module, "scale"), CUDA_SUCCESS);
  ASSERT_EQ(cuModuleGetFunction(&addOne, module, "add_one"), CUDA_SUCCESS);
  EXPECT_NE(scale, addOne);
  CUfunction again = nullptr;
  ASSERT_EQ(cuModuleGetFunction(&again, module, "scale"), CUDA_SUCCESS);
  EXPECT_EQ(again, scale);
  EXPECT_EQ(cuModuleGetFunction(&again, module, "missing"), CUDA_ERROR_NOT_FOUND);
  const char *name = nullptr;
  ASSERT_EQ(cuFuncGetName(&name, addOne), CUDA_SUCCESS);
  EXPECT_STREQ(name, "add_one");

  unsigned count = 0;
  ASSERT_EQ(cuModuleGetFunctionCount(&count, module), CUDA_SUCCESS);
  EXPECT_EQ(count, 2u);
  CUfunction all[2] = {};
  ASSERT_EQ(cuModuleEnumerateFunctions(all, 2, module), CUDA_SUCCESS);
  EXPECT_TRUE((all[0] == scale && all[1] == addOne) || (all[0] == addOne && all[1] == scale));

  ASSERT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
  EXPECT_EQ(cuModuleGetFunction(&again, module, "scale"), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuFuncGetName(&name, scale), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuModuleUnload(module), CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(DriverTest, GlobalsHaveTheirInitialValues) {
  CUmodule module = nullptr;
  ASSERT_EQ(cuModuleLoadData(&module, kScalePtx), CUDA_SUCCESS);
  CUdeviceptr counter = 0;
  size_t bytes = 0;
  ASSERT_EQ(cuModuleGetGlobal(&counter, &bytes, module, "counter"), CUDA_SUCCESS);
  EXPECT_EQ(bytes, 4u);
  uint32_t value = 0;
  ASSERT_EQ(cuMemcpyDtoH(&value, counter, sizeof value), CUDA_SUCCESS);
  EXPECT_EQ(value, 7u);
  EXPECT_EQ(cuModuleGetGlobal(&counter, &bytes, module, "absent"), CUDA_ERROR_NOT_FOUND);
  // Either output may be omitted.
  EXPECT_EQ(cuModuleGetGlobal(nullptr, &bytes, module, "counter"), CUDA_SUCCESS);
  ASSERT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
}

TEST_F(DriverTest, MalformedPtxFillsTheErrorLog) {
  char errorLog[1024] = {};
  char infoLog[256] = {'x'};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {errorLog, optionValue(sizeof errorLog), infoLog, optionValue(sizeof infoLog)};
  const char *broken = ".version 7.8\n.target sm_75\n.address_size 64\n"
                       ".visible .entry k() { frobnicate.u32 %r1; ret; }\n";
  CUmodule module = nullptr;
  EXPECT_EQ(cuModuleLoadDataEx(&module, broken, 4, options, values), CUDA_ERROR_INVALID_PTX);
  EXPECT_NE(std::string(errorLog).find("frobnicate"), std::string::npos) << errorLog;
  // The size slot now holds what was written.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(values[1]), std::string(errorLog).size());
  EXPECT_EQ(infoLog[0], '\0');
}

TEST_F(DriverTest, InfoLogAndWallTime) {
  char infoLog[256] = {};
  CUjit_option options[] = {CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_WALL_TIME, CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {infoLog, optionValue(sizeof infoLog), nullptr, optionValue(4)};
  CUmodule module = nullptr;
  ASSERT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 4, options, values), CUDA_SUCCESS);
  EXPECT_NE(std::string(infoLog).find("sm_"), std::string::npos) << infoLog;
  float milliseconds = -1;
  std::memcpy(&milliseconds, &values[2], sizeof milliseconds);
  EXPECT_GE(milliseconds, 0.0f);
  ASSERT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
}

TEST_F(DriverTest, JitOptionsAreChecked) {
  CUmodule module = nullptr;
  CUjit_option unknown[] = {static_cast<CUjit_option>(999)};
  void *values[] = {nullptr};
  EXPECT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 1, unknown, values), CUDA_ERROR_INVALID_VALUE);
  CUjit_option ftz[] = {CU_JIT_FTZ};
  EXPECT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 1, ftz, values), CUDA_ERROR_INVALID_VALUE);
  // A JIT target above the device, and PTX above the JIT target.
  CUjit_option target[] = {CU_JIT_TARGET};
  void *newer[] = {optionValue(CU_TARGET_COMPUTE_120)};
  EXPECT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 1, target, newer), CUDA_ERROR_NO_BINARY_FOR_GPU);
  void *older[] = {optionValue(CU_TARGET_COMPUTE_70)};
  EXPECT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 1, target, older), CUDA_ERROR_INVALID_PTX);
  void *same[] = {optionValue(CU_TARGET_COMPUTE_75)};
  ASSERT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 1, target, same), CUDA_SUCCESS);
  ASSERT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
  CUjit_option fromContext[] = {CU_JIT_TARGET_FROM_CUCONTEXT};
  ASSERT_EQ(cuModuleLoadDataEx(&module, kScalePtx, 1, fromContext, values), CUDA_SUCCESS);
  ASSERT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
}

TEST_F(DriverTest, CubinsHoldNoPtx) {
  const unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  CUmodule module = nullptr;
  EXPECT_EQ(cuModuleLoadData(&module, elf), CUDA_ERROR_NO_BINARY_FOR_GPU);
  EXPECT_EQ(cuModuleLoadData(&module, nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, LoadsAFile) {
  char path[] = "/tmp/cuport_driver_module_XXXXXX";
  int descriptor = mkstemp(path);
  ASSERT_GE(descriptor, 0);
  std::string text = kScalePtx;
  ASSERT_EQ(write(descriptor, text.data(), text.size()), ssize_t(text.size()));
  close(descriptor);
  CUmodule module = nullptr;
  ASSERT_EQ(cuModuleLoad(&module, path), CUDA_SUCCESS);
  CUfunction scale = nullptr;
  EXPECT_EQ(cuModuleGetFunction(&scale, module, "scale"), CUDA_SUCCESS);
  ASSERT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
  std::remove(path);
  EXPECT_EQ(cuModuleLoad(&module, path), CUDA_ERROR_FILE_NOT_FOUND);
}

TEST_F(DriverTest, DestroyingAContextUnloadsItsModules) {
  CUcontext created = nullptr;
  ASSERT_EQ(cuCtxCreate(&created, nullptr, 0, 0), CUDA_SUCCESS);
  CUmodule module = nullptr;
  ASSERT_EQ(cuModuleLoadData(&module, kScalePtx), CUDA_SUCCESS);
  CUfunction scale = nullptr;
  ASSERT_EQ(cuModuleGetFunction(&scale, module, "scale"), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxDestroy(created), CUDA_SUCCESS);
  EXPECT_EQ(cuModuleGetFunction(&scale, module, "scale"), CUDA_ERROR_INVALID_HANDLE);
}

} // namespace
