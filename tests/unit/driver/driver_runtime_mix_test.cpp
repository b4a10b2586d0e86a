// A program that uses both APIs: the runtime's first call initializes the driver too and makes the
// primary context current, and both see one device and one memory.
#include <cuda.h>
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

namespace {

TEST(DriverWithRuntime, RuntimeMakesThePrimaryContextCurrent) {
  void *runtimeMemory = nullptr;
  ASSERT_EQ(cudaMalloc(&runtimeMemory, 64), cudaSuccess);
  // No cuInit, no context made current by the program.
  CUcontext current = nullptr;
  ASSERT_EQ(cuCtxGetCurrent(&current), CUDA_SUCCESS);
  ASSERT_NE(current, nullptr);
  CUcontext primary = nullptr;
  ASSERT_EQ(cuDevicePrimaryCtxRetain(&primary, 0), CUDA_SUCCESS);
  EXPECT_EQ(current, primary);
  unsigned flags = 0;
  int active = 0;
  ASSERT_EQ(cuDevicePrimaryCtxGetState(0, &flags, &active), CUDA_SUCCESS);
  EXPECT_EQ(active, 1);
  // Every thread of the process has it current.
  std::thread([primary] {
    CUcontext seen = nullptr;
    EXPECT_EQ(cuCtxGetCurrent(&seen), CUDA_SUCCESS);
    EXPECT_EQ(seen, primary);
  }).join();
  EXPECT_EQ(cuDevicePrimaryCtxRelease(0), CUDA_SUCCESS);
  ASSERT_EQ(cudaFree(runtimeMemory), cudaSuccess);
}

TEST(DriverWithRuntime, OneMemory) {
  void *runtimeMemory = nullptr;
  ASSERT_EQ(cudaMalloc(&runtimeMemory, 64), cudaSuccess);
  ASSERT_EQ(cudaMemset(runtimeMemory, 0x7f, 64), cudaSuccess);
  uint8_t bytes[64] = {};
  ASSERT_EQ(cuMemcpyDtoH(bytes, reinterpret_cast<CUdeviceptr>(runtimeMemory), sizeof bytes),
            CUDA_SUCCESS);
  for (uint8_t byte : bytes)
    EXPECT_EQ(byte, 0x7f);
  CUdeviceptr driverMemory = 0;
  ASSERT_EQ(cuMemAlloc(&driverMemory, 32), CUDA_SUCCESS);
  ASSERT_EQ(cuMemsetD32(driverMemory, 0xA5A5A5A5u, 8), CUDA_SUCCESS);
  uint32_t words[8] = {};
  ASSERT_EQ(cudaMemcpy(words, reinterpret_cast<void *>(driverMemory), sizeof words,
                       cudaMemcpyDeviceToHost),
            cudaSuccess);
  for (uint32_t word : words)
    EXPECT_EQ(word, 0xA5A5A5A5u);
  // Either API frees the other's memory.
  EXPECT_EQ(cudaFree(reinterpret_cast<void *>(driverMemory)), cudaSuccess);
  EXPECT_EQ(cuMemFree(reinterpret_cast<CUdeviceptr>(runtimeMemory)), CUDA_SUCCESS);
}

} // namespace
