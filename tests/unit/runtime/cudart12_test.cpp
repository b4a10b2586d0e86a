// libcudart.so.12 is built from the same sources; it reports the CUDA 12 runtime version.
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

namespace {

TEST(Cudart12, ReportsCuda12AndWorks) {
  int version = 0;
  ASSERT_EQ(cudaRuntimeGetVersion(&version), cudaSuccess);
  EXPECT_EQ(version, 12090);
  void *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 64), cudaSuccess);
  EXPECT_EQ(cudaMemset(memory, 1, 64), cudaSuccess);
  unsigned char back[64] = {};
  ASSERT_EQ(cudaMemcpy(back, memory, 64, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(back[63], 1);
  EXPECT_EQ(cudaFree(memory), cudaSuccess);
}

} // namespace
