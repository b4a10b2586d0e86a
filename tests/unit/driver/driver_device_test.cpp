// Devices through the driver API: one device, its identity and attributes.
#include "tests/unit/driver/driver_test_support.h"

#include <cstring>
#include <string>

// cuDeviceComputeCapability and cuDeviceGetProperties are deprecated API that programs still call.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

using cuport::driver_test::DriverTest;

TEST_F(DriverTest, OneDevice) {
  int count = 0;
  ASSERT_EQ(cuDeviceGetCount(&count), CUDA_SUCCESS);
  EXPECT_EQ(count, 1);
  CUdevice device = -1;
  EXPECT_EQ(cuDeviceGet(&device, 0), CUDA_SUCCESS);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cuDeviceGet(&device, 1), CUDA_ERROR_INVALID_DEVICE);
  EXPECT_EQ(cuDeviceGet(nullptr, 0), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuDeviceGetCount(nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, NameIsTruncatedToTheBuffer) {
  char name[256] = {};
  ASSERT_EQ(cuDeviceGetName(name, sizeof name, 0), CUDA_SUCCESS);
  ASSERT_GT(std::strlen(name), 3u);
  char shortName[4] = {'x', 'x', 'x', 'x'};
  ASSERT_EQ(cuDeviceGetName(shortName, sizeof shortName, 0), CUDA_SUCCESS);
  EXPECT_EQ(std::string(shortName), std::string(name, 3));
  EXPECT_EQ(cuDeviceGetName(name, sizeof name, 1), CUDA_ERROR_INVALID_DEVICE);
  EXPECT_EQ(cuDeviceGetName(nullptr, 10, 0), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, AttributesAgreeWithTheOtherQueries) {
  int major = 0, minor = 0;
  ASSERT_EQ(cuDeviceComputeCapability(&major, &minor, 0), CUDA_SUCCESS);
  int value = -1;
  ASSERT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 0),
            CUDA_SUCCESS);
  EXPECT_EQ(value, major);
  ASSERT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 0),
            CUDA_SUCCESS);
  EXPECT_EQ(value, minor);
  ASSERT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0), CUDA_SUCCESS);
  EXPECT_EQ(value, 32);
  CUdevprop prop{};
  ASSERT_EQ(cuDeviceGetProperties(&prop, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 0),
            CUDA_SUCCESS);
  EXPECT_EQ(value, prop.maxThreadsPerBlock);
  ASSERT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT, 0), CUDA_SUCCESS);
  EXPECT_EQ(value, prop.textureAlign);
  ASSERT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, 0), CUDA_SUCCESS);
  EXPECT_EQ(value, 1);
  size_t total = 0;
  ASSERT_EQ(cuDeviceTotalMem(&total, 0), CUDA_SUCCESS);
  EXPECT_GT(total, 0u);
}

TEST_F(DriverTest, UnknownAttributeIsInvalid) {
  int value = 0;
  EXPECT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_MAX, 0), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 1),
            CUDA_ERROR_INVALID_DEVICE);
  EXPECT_EQ(cuDeviceGetAttribute(nullptr, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0),
            CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, PciBusIdRoundTrips) {
  char busId[32] = {};
  ASSERT_EQ(cuDeviceGetPCIBusId(busId, sizeof busId, 0), CUDA_SUCCESS);
  CUdevice device = -1;
  ASSERT_EQ(cuDeviceGetByPCIBusId(&device, busId), CUDA_SUCCESS);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cuDeviceGetByPCIBusId(&device, "0000:17:00.0"), CUDA_ERROR_INVALID_DEVICE);
  EXPECT_EQ(cuDeviceGetByPCIBusId(&device, "not a bus id"), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, NoPeers) {
  int canAccess = -1;
  ASSERT_EQ(cuDeviceCanAccessPeer(&canAccess, 0, 0), CUDA_SUCCESS);
  EXPECT_EQ(canAccess, 0);
  EXPECT_EQ(cuDeviceCanAccessPeer(&canAccess, 0, 1), CUDA_ERROR_INVALID_DEVICE);
}

TEST_F(DriverTest, UuidIsStable) {
  CUuuid first{}, second{};
  ASSERT_EQ(cuDeviceGetUuid(&first, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuDeviceGetUuid(&second, 0), CUDA_SUCCESS);
  EXPECT_EQ(std::memcmp(first.bytes, second.bytes, sizeof first.bytes), 0);
  EXPECT_EQ(cuDeviceGetUuid(nullptr, 0), CUDA_ERROR_INVALID_VALUE);
}

} // namespace
