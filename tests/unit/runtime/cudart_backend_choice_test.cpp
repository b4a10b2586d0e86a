// Run under different $CUPORT_BACKEND values (see CMakeLists.txt); $CUPORT_TEST_EXPECT says what
// this run must see: "fake" (the test backend library loads and describes the device) or "none"
// (a backend that cannot load, or speaks another ABI version, leaves no device).
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace {

std::string expected() {
  const char *value = std::getenv("CUPORT_TEST_EXPECT");
  return value ? value : "";
}

TEST(CudartBackendChoice, DeviceComesFromTheChosenBackend) {
  int count = -1;
  if (expected() == "none") {
    EXPECT_EQ(cudaGetDeviceCount(&count), cudaErrorNoDevice);
    EXPECT_EQ(count, 0);
    void *memory = nullptr;
    EXPECT_EQ(cudaMalloc(&memory, 16), cudaErrorNoDevice);
    return;
  }
  ASSERT_EQ(expected(), "fake");
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(count, 1);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_STREQ(prop.name, "fake test device");
  EXPECT_EQ(prop.multiProcessorCount, 3);
  EXPECT_EQ(prop.maxThreadsPerBlock, 256);
  EXPECT_EQ(prop.major, 7);
  EXPECT_EQ(prop.minor, 5);
  int value = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrMaxBlockDimZ, 0), cudaSuccess);
  EXPECT_EQ(value, 4);

  // Memory goes through the backend; launches are validated against its limits.
  int *device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), 4 * sizeof(int)), cudaSuccess);
  int in[4] = {1, 2, 3, 4}, out[4] = {};
  ASSERT_EQ(cudaMemcpy(device, in, sizeof in, cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(out, device, sizeof out, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(out[3], 4);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

} // namespace
