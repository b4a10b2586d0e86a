// Launches through the driver API: kernelParams, `extra`, cuLaunchKernelEx, cooperative
// launches, function attributes and occupancy. Expected values are host computations.
#include "tests/unit/driver/driver_test_support.h"

#include <cstdint>
#include <vector>

namespace {

using cuport::driver_test::kScalePtx;

class DriverLaunch : public cuport::driver_test::DriverTest {
protected:
  void SetUp() override {
    DriverTest::SetUp();
    ASSERT_EQ(cuModuleLoadData(&module, kScalePtx), CUDA_SUCCESS);
    ASSERT_EQ(cuModuleGetFunction(&scale, module, "scale"), CUDA_SUCCESS);
    ASSERT_EQ(cuModuleGetFunction(&addOne, module, "add_one"), CUDA_SUCCESS);
  }
  void TearDown() override {
    EXPECT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
    DriverTest::TearDown();
  }

  // data[i] = i + 0.5, scaled on the device by `factor`, checked against the host's products.
  void checkScaled(const std::vector<float> &device, float factor, uint32_t n) {
    for (uint32_t i = 0; i < device.size(); ++i) {
      float input = float(i) + 0.5f;
      EXPECT_EQ(device[i], i < n ? input * factor : input) << "element " << i;
    }
  }

  CUmodule module = nullptr;
  CUfunction scale = nullptr;
  CUfunction addOne = nullptr;
};

std::vector<float> ramp(size_t count) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = float(i) + 0.5f;
  return values;
}

TEST_F(DriverLaunch, KernelParams) {
  const uint32_t count = 1000, n = 999; // the last element stays as it is
  std::vector<float> host = ramp(count);
  CUdeviceptr data = 0;
  ASSERT_EQ(cuMemAlloc(&data, count * sizeof(float)), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyHtoD(data, host.data(), count * sizeof(float)), CUDA_SUCCESS);
  float factor = 3.0f;
  uint32_t limit = n;
  void *params[] = {&data, &factor, &limit};
  ASSERT_EQ(
      cuLaunchKernel(scale, (count + 127) / 128, 1, 1, 128, 1, 1, 0, nullptr, params, nullptr),
      CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoH(host.data(), data, count * sizeof(float)), CUDA_SUCCESS);
  checkScaled(host, factor, n);
  ASSERT_EQ(cuMemFree(data), CUDA_SUCCESS);
}

TEST_F(DriverLaunch, ExtraParameterBuffer) {
  const uint32_t count = 64;
  std::vector<float> host = ramp(count);
  CUdeviceptr data = 0;
  ASSERT_EQ(cuMemAlloc(&data, count * sizeof(float)), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyHtoD(data, host.data(), count * sizeof(float)), CUDA_SUCCESS);
  // The .param layout of scale: a pointer at 0, a float at 8, a u32 at 12.
  struct {
    CUdeviceptr data;
    float factor;
    uint32_t n;
  } buffer{data, -2.0f, count};
  size_t size = sizeof buffer;
  void *extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &buffer, CU_LAUNCH_PARAM_BUFFER_SIZE, &size,
                   CU_LAUNCH_PARAM_END};
  ASSERT_EQ(cuLaunchKernel(scale, 1, 1, 1, count, 1, 1, 0, nullptr, nullptr, extra), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoH(host.data(), data, count * sizeof(float)), CUDA_SUCCESS);
  checkScaled(host, -2.0f, count);
  void *params[] = {&data};
  EXPECT_EQ(cuLaunchKernel(addOne, 1, 1, 1, 1, 1, 1, 0, nullptr, params, extra),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemFree(data), CUDA_SUCCESS);
}

TEST_F(DriverLaunch, LaunchKernelExAndCooperative) {
  const uint32_t count = 32;
  std::vector<uint32_t> host(count);
  for (uint32_t i = 0; i < count; ++i)
    host[i] = i * 3;
  CUdeviceptr data = 0;
  ASSERT_EQ(cuMemAlloc(&data, count * 4), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyHtoD(data, host.data(), count * 4), CUDA_SUCCESS);
  void *params[] = {&data};
  CUlaunchAttribute attribute{};
  attribute.id = CU_LAUNCH_ATTRIBUTE_PRIORITY;
  attribute.value.priority = -1;
  CUlaunchConfig config{};
  config.gridDimX = config.gridDimY = config.gridDimZ = 1;
  config.blockDimX = count;
  config.blockDimY = config.blockDimZ = 1;
  config.attrs = &attribute;
  config.numAttrs = 1;
  ASSERT_EQ(cuLaunchKernelEx(&config, addOne, params, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuLaunchCooperativeKernel(addOne, 1, 1, 1, count, 1, 1, 0, nullptr, params),
            CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoH(host.data(), data, count * 4), CUDA_SUCCESS);
  for (uint32_t i = 0; i < count; ++i)
    EXPECT_EQ(host[i], i * 3 + 2);
  // Clusters of more than one block are not something this device has.
  attribute.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attribute.value.clusterDim.x = 2;
  attribute.value.clusterDim.y = attribute.value.clusterDim.z = 1;
  config.gridDimX = 2;
  EXPECT_EQ(cuLaunchKernelEx(&config, addOne, params, nullptr), CUDA_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(cuLaunchKernelEx(nullptr, addOne, params, nullptr), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemFree(data), CUDA_SUCCESS);
}

TEST_F(DriverLaunch, BadLaunchesAreRefused) {
  CUdeviceptr data = 0;
  ASSERT_EQ(cuMemAlloc(&data, 4), CUDA_SUCCESS);
  void *params[] = {&data};
  EXPECT_EQ(cuLaunchKernel(reinterpret_cast<CUfunction>(&data), 1, 1, 1, 1, 1, 1, 0, nullptr,
                           params, nullptr),
            CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr),
            CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuLaunchKernel(addOne, 1, 1, 1, 2048, 1, 1, 0, nullptr, params, nullptr),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(addOne, 0, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(addOne, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemFree(data), CUDA_SUCCESS);
}

TEST_F(DriverLaunch, FunctionAttributes) {
  int value = 0;
  ASSERT_EQ(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, scale),
            CUDA_SUCCESS);
  EXPECT_EQ(value, 1024);
  ASSERT_EQ(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_PTX_VERSION, scale), CUDA_SUCCESS);
  EXPECT_EQ(value, 75); // .target sm_75
  ASSERT_EQ(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, scale), CUDA_SUCCESS);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cuFuncSetAttribute(scale, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 65536),
            CUDA_SUCCESS);
  ASSERT_EQ(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, scale),
            CUDA_SUCCESS);
  EXPECT_EQ(value, 65536);
  EXPECT_EQ(cuFuncSetAttribute(scale, CU_FUNC_ATTRIBUTE_NUM_REGS, 1), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_MAX, scale), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuFuncSetCacheConfig(scale, CU_FUNC_CACHE_PREFER_SHARED), CUDA_SUCCESS);
  EXPECT_EQ(cuFuncSetCacheConfig(scale, static_cast<CUfunc_cache>(9)), CUDA_ERROR_INVALID_VALUE);
  int blocks = 0;
  ASSERT_EQ(cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, scale, 128, 0), CUDA_SUCCESS);
  EXPECT_GE(blocks, 1);
  EXPECT_EQ(cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, scale, 0, 0),
            CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverLaunch, FunctionModuleParametersAndLoading) {
  CUmodule owner = nullptr;
  ASSERT_EQ(cuFuncGetModule(&owner, scale), CUDA_SUCCESS);
  EXPECT_EQ(owner, module);
  // scale(.u64 data, .f32 factor, .u32 n): offsets 0, 8, 12.
  size_t offset = 0, size = 0;
  ASSERT_EQ(cuFuncGetParamInfo(scale, 1, &offset, &size), CUDA_SUCCESS);
  EXPECT_EQ(offset, 8u);
  EXPECT_EQ(size, 4u);
  ASSERT_EQ(cuFuncGetParamInfo(scale, 2, &offset, &size), CUDA_SUCCESS);
  EXPECT_EQ(offset, 12u);
  EXPECT_EQ(cuFuncGetParamInfo(scale, 3, &offset, &size), CUDA_ERROR_INVALID_VALUE);
  CUfunctionLoadingState state = CU_FUNCTION_LOADING_STATE_UNLOADED;
  ASSERT_EQ(cuFuncIsLoaded(&state, scale), CUDA_SUCCESS);
  EXPECT_EQ(state, CU_FUNCTION_LOADING_STATE_LOADED);
  EXPECT_EQ(cuFuncLoad(scale), CUDA_SUCCESS);
  CUmoduleLoadingMode mode = CU_MODULE_LAZY_LOADING;
  ASSERT_EQ(cuModuleGetLoadingMode(&mode), CUDA_SUCCESS);
  EXPECT_EQ(mode, CU_MODULE_EAGER_LOADING);
}

TEST_F(DriverLaunch, PotentialBlockSizeIsTheBestOccupancy) {
  int minGrid = 0, blockSize = 0;
  ASSERT_EQ(cuOccupancyMaxPotentialBlockSize(&minGrid, &blockSize, scale, nullptr, 0, 0),
            CUDA_SUCCESS);
  // The block size of the largest blocks x block size product over every block size.
  CUdevice device = 0;
  int multiprocessors = 0;
  ASSERT_EQ(
      cuDeviceGetAttribute(&multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
      CUDA_SUCCESS);
  int best = 0, bestSize = 0, bestBlocks = 0;
  for (int size = 1024; size > 0; size -= 32) {
    int blocks = 0;
    ASSERT_EQ(cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&blocks, scale, size, 0,
                                                                   CU_OCCUPANCY_DEFAULT),
              CUDA_SUCCESS);
    if (size * blocks > best) {
      best = size * blocks;
      bestSize = size;
      bestBlocks = blocks;
    }
  }
  EXPECT_EQ(blockSize, bestSize);
  EXPECT_EQ(minGrid, bestBlocks * multiprocessors);
  ASSERT_EQ(cuOccupancyMaxPotentialBlockSize(&minGrid, &blockSize, scale, nullptr, 0, 100),
            CUDA_SUCCESS);
  EXPECT_LE(blockSize, 100);
  size_t shared = 0;
  ASSERT_EQ(cuOccupancyAvailableDynamicSMemPerBlock(&shared, scale, 1, 128), CUDA_SUCCESS);
  EXPECT_GT(shared, 0u);
  EXPECT_EQ(cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&minGrid, scale, 128, 0, 5),
            CUDA_ERROR_INVALID_VALUE);
}

} // namespace
