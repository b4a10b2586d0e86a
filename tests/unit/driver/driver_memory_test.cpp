// Linear memory through the driver API: allocations, copies, fills (checked against host
// fills), pinned and managed memory, pointer attributes.
#include "tests/unit/driver/driver_test_support.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using cuport::driver_test::DriverTest;

TEST_F(DriverTest, AllocateCopyAndFree) {
  EXPECT_EQ(cuMemAlloc(nullptr, 16), CUDA_ERROR_INVALID_VALUE);
  CUdeviceptr memory = 0;
  EXPECT_EQ(cuMemAlloc(&memory, 0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemAlloc(&memory, 256), CUDA_SUCCESS);
  std::vector<uint8_t> in(256), out(256);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = uint8_t(i * 7 + 1);
  ASSERT_EQ(cuMemcpyHtoD(memory, in.data(), in.size()), CUDA_SUCCESS);
  CUdeviceptr other = 0;
  ASSERT_EQ(cuMemAlloc(&other, 256), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoD(other, memory, 256), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoHAsync(out.data(), other, 256, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  EXPECT_EQ(in, out);
  // Past the end of the allocation.
  EXPECT_EQ(cuMemcpyHtoD(memory + 128, in.data(), 256), CUDA_ERROR_INVALID_VALUE);
  CUdeviceptr base = 0;
  size_t size = 0;
  ASSERT_EQ(cuMemGetAddressRange(&base, &size, memory + 100), CUDA_SUCCESS);
  EXPECT_EQ(base, memory);
  EXPECT_EQ(size, 256u);
  EXPECT_EQ(cuMemGetAddressRange(&base, &size, reinterpret_cast<CUdeviceptr>(&size)),
            CUDA_ERROR_NOT_FOUND);
  ASSERT_EQ(cuMemFree(memory), CUDA_SUCCESS);
  ASSERT_EQ(cuMemFree(other), CUDA_SUCCESS);
  EXPECT_EQ(cuMemFree(memory), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, FillsOfEveryWidth) {
  const size_t bytes = 64;
  CUdeviceptr memory = 0;
  ASSERT_EQ(cuMemAlloc(&memory, bytes), CUDA_SUCCESS);
  std::vector<uint8_t> device(bytes), expected(bytes);
  // A 32-bit pattern over 5 words from byte 4: little-endian copies of 0xA1B2C3D4.
  ASSERT_EQ(cuMemsetD8(memory, 0x11, bytes), CUDA_SUCCESS);
  ASSERT_EQ(cuMemsetD32(memory + 4, 0xA1B2C3D4u, 5), CUDA_SUCCESS);
  ASSERT_EQ(cuMemsetD16Async(memory + 40, 0xBEEF, 3, nullptr), CUDA_SUCCESS);
  std::memset(expected.data(), 0x11, bytes);
  for (size_t word = 0; word < 5; ++word) {
    uint32_t pattern = 0xA1B2C3D4u;
    std::memcpy(expected.data() + 4 + 4 * word, &pattern, 4);
  }
  for (size_t half = 0; half < 3; ++half) {
    uint16_t pattern = 0xBEEF;
    std::memcpy(expected.data() + 40 + 2 * half, &pattern, 2);
  }
  ASSERT_EQ(cuMemcpyDtoH(device.data(), memory, bytes), CUDA_SUCCESS);
  EXPECT_EQ(device, expected);
  // Destinations that are not aligned to the element.
  EXPECT_EQ(cuMemsetD32(memory + 2, 0, 1), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemsetD16(memory + 1, 0, 1), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemFree(memory), CUDA_SUCCESS);
}

TEST_F(DriverTest, PitchedAllocationAnd2DFill) {
  CUdeviceptr memory = 0;
  size_t pitch = 0;
  EXPECT_EQ(cuMemAllocPitch(&memory, &pitch, 100, 4, 3), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemAllocPitch(&memory, &pitch, 100, 4, 4), CUDA_SUCCESS);
  ASSERT_GE(pitch, 100u);
  EXPECT_EQ(pitch % 256, 0u);
  ASSERT_EQ(cuMemsetD8(memory, 0, pitch * 4), CUDA_SUCCESS);
  // 10 32-bit elements in rows 0..2 (row 3 untouched).
  ASSERT_EQ(cuMemsetD2D32(memory, pitch, 0x01020304u, 10, 3), CUDA_SUCCESS);
  std::vector<uint8_t> device(pitch * 4), expected(pitch * 4, 0);
  for (size_t row = 0; row < 3; ++row)
    for (size_t i = 0; i < 10; ++i) {
      uint32_t pattern = 0x01020304u;
      std::memcpy(expected.data() + row * pitch + 4 * i, &pattern, 4);
    }
  ASSERT_EQ(cuMemcpyDtoH(device.data(), memory, device.size()), CUDA_SUCCESS);
  EXPECT_EQ(device, expected);
  ASSERT_EQ(cuMemFree(memory), CUDA_SUCCESS);
}

TEST_F(DriverTest, MemoryInfo) {
  size_t free = 0, total = 0;
  ASSERT_EQ(cuMemGetInfo(&free, &total), CUDA_SUCCESS);
  EXPECT_GT(total, 0u);
  EXPECT_LE(free, total);
  EXPECT_EQ(cuMemGetInfo(nullptr, &total), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, PinnedHostMemory) {
  void *host = nullptr;
  ASSERT_EQ(cuMemHostAlloc(&host, 128, CU_MEMHOSTALLOC_DEVICEMAP), CUDA_SUCCESS);
  CUdeviceptr mapped = 0;
  ASSERT_EQ(cuMemHostGetDevicePointer(&mapped, host, 0), CUDA_SUCCESS);
  EXPECT_EQ(mapped, reinterpret_cast<CUdeviceptr>(host));
  unsigned type = 0;
  ASSERT_EQ(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, mapped), CUDA_SUCCESS);
  EXPECT_EQ(type, unsigned(CU_MEMORYTYPE_HOST));
  ASSERT_EQ(cuMemsetD8(mapped, 0x5a, 128), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  EXPECT_EQ(static_cast<uint8_t *>(host)[127], 0x5a);
  ASSERT_EQ(cuMemFreeHost(host), CUDA_SUCCESS);
  EXPECT_EQ(cuMemHostAlloc(&host, 128, 0x80), CUDA_ERROR_INVALID_VALUE);

  std::vector<uint8_t> mine(4096);
  ASSERT_EQ(cuMemHostRegister(mine.data(), mine.size(), 0), CUDA_SUCCESS);
  EXPECT_EQ(cuMemHostRegister(mine.data(), mine.size(), 0),
            CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
  ASSERT_EQ(cuMemHostUnregister(mine.data()), CUDA_SUCCESS);
  EXPECT_EQ(cuMemHostUnregister(mine.data()), CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
}

TEST_F(DriverTest, ManagedMemoryAndPointerAttributes) {
  CUdeviceptr managed = 0;
  EXPECT_EQ(cuMemAllocManaged(&managed, 64, 0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemAllocManaged(&managed, 64, CU_MEM_ATTACH_GLOBAL), CUDA_SUCCESS);
  bool isManaged = false;
  ASSERT_EQ(cuPointerGetAttribute(&isManaged, CU_POINTER_ATTRIBUTE_IS_MANAGED, managed + 8),
            CUDA_SUCCESS);
  EXPECT_TRUE(isManaged);
  CUdeviceptr start = 0;
  ASSERT_EQ(cuPointerGetAttribute(&start, CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, managed + 8),
            CUDA_SUCCESS);
  EXPECT_EQ(start, managed);
  size_t size = 0;
  ASSERT_EQ(cuPointerGetAttribute(&size, CU_POINTER_ATTRIBUTE_RANGE_SIZE, managed), CUDA_SUCCESS);
  EXPECT_EQ(size, 64u);
  // The host writes managed memory directly.
  reinterpret_cast<uint32_t *>(managed)[0] = 41;
  uint32_t read = 0;
  ASSERT_EQ(cuMemcpyDtoH(&read, managed, 4), CUDA_SUCCESS);
  EXPECT_EQ(read, 41u);
  ASSERT_EQ(cuMemFree(managed), CUDA_SUCCESS);

  CUdeviceptr device = 0;
  ASSERT_EQ(cuMemAlloc(&device, 32), CUDA_SUCCESS);
  unsigned type = 0;
  ASSERT_EQ(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, device), CUDA_SUCCESS);
  EXPECT_EQ(type, unsigned(CU_MEMORYTYPE_DEVICE));
  int ordinal = -1;
  ASSERT_EQ(cuPointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, device),
            CUDA_SUCCESS);
  EXPECT_EQ(ordinal, 0);
  ASSERT_EQ(cuMemFree(device), CUDA_SUCCESS);
  int local = 0;
  EXPECT_EQ(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                  reinterpret_cast<CUdeviceptr>(&local)),
            CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTest, PointerAttributesTogether) {
  CUdeviceptr device = 0;
  ASSERT_EQ(cuMemAlloc(&device, 48), CUDA_SUCCESS);
  unsigned type = 0;
  size_t size = 0;
  void *host = reinterpret_cast<void *>(1);
  CUpointer_attribute attributes[] = {CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                      CU_POINTER_ATTRIBUTE_RANGE_SIZE,
                                      CU_POINTER_ATTRIBUTE_HOST_POINTER};
  void *data[] = {&type, &size, &host};
  ASSERT_EQ(cuPointerGetAttributes(3, attributes, data, device + 4), CUDA_SUCCESS);
  EXPECT_EQ(type, unsigned(CU_MEMORYTYPE_DEVICE));
  EXPECT_EQ(size, 48u);
  EXPECT_EQ(host, nullptr); // device memory has no host address
  // Memory no context knows: zero values, and success.
  int local = 0;
  ASSERT_EQ(cuPointerGetAttributes(3, attributes, data, reinterpret_cast<CUdeviceptr>(&local)),
            CUDA_SUCCESS);
  EXPECT_EQ(type, 0u);
  EXPECT_EQ(size, 0u);
  bool sync = true;
  EXPECT_EQ(cuPointerSetAttribute(&sync, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, device), CUDA_SUCCESS);
  EXPECT_EQ(cuPointerSetAttribute(&sync, CU_POINTER_ATTRIBUTE_IS_MANAGED, device),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemFree(device), CUDA_SUCCESS);
}

TEST_F(DriverTest, PeerCopiesBetweenContexts) {
  CUcontext created = nullptr;
  ASSERT_EQ(cuCtxCreate(&created, nullptr, 0, 0), CUDA_SUCCESS);
  CUdeviceptr from = 0, to = 0;
  ASSERT_EQ(cuMemAlloc(&from, 16), CUDA_SUCCESS);
  ASSERT_EQ(cuMemsetD32(from, 0x01020304u, 4), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxPopCurrent(nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuMemAlloc(&to, 16), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyPeer(to, primary, from, created, 16), CUDA_SUCCESS);
  uint32_t words[4] = {};
  ASSERT_EQ(cuMemcpyDtoH(words, to, sizeof words), CUDA_SUCCESS);
  for (uint32_t word : words)
    EXPECT_EQ(word, 0x01020304u);
  EXPECT_EQ(cuMemcpyPeer(to, reinterpret_cast<CUcontext>(&words), from, created, 16),
            CUDA_ERROR_INVALID_CONTEXT);
  ASSERT_EQ(cuMemFree(from), CUDA_SUCCESS);
  ASSERT_EQ(cuMemFree(to), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxDestroy(created), CUDA_SUCCESS);
}

TEST_F(DriverTest, StreamOrderedAllocation) {
  CUdeviceptr block = 0;
  EXPECT_EQ(cuMemAllocAsync(&block, 0, nullptr), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemAllocAsync(&block, 256, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuMemsetD32Async(block, 0x11223344u, 64, nullptr), CUDA_SUCCESS);
  uint32_t words[64] = {};
  ASSERT_EQ(cuMemcpyDtoH(words, block, sizeof words), CUDA_SUCCESS);
  for (uint32_t word : words)
    EXPECT_EQ(word, 0x11223344u);
  ASSERT_EQ(cuMemFreeAsync(block, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  EXPECT_EQ(cuMemFreeAsync(block, nullptr), CUDA_ERROR_INVALID_VALUE); // freed already

  CUmemoryPool defaultPool = nullptr, current = nullptr;
  ASSERT_EQ(cuDeviceGetDefaultMemPool(&defaultPool, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuDeviceGetMemPool(&current, 0), CUDA_SUCCESS);
  EXPECT_EQ(current, defaultPool);
  ASSERT_EQ(cuDeviceSetMemPool(0, defaultPool), CUDA_SUCCESS);
  EXPECT_EQ(cuDeviceSetMemPool(0, reinterpret_cast<CUmemoryPool>(&current)),
            CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMemAllocFromPoolAsync(&block, 64, defaultPool, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuMemFreeAsync(block, nullptr), CUDA_SUCCESS);
  EXPECT_EQ(cuMemAllocFromPoolAsync(&block, 64, nullptr, nullptr), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
}

TEST_F(DriverTest, CreatedPools) {
  CUmemPoolProps props{};
  props.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
  props.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  props.location.id = 0;
  CUmemoryPool pool = nullptr;
  ASSERT_EQ(cuMemPoolCreate(&pool, &props), CUDA_SUCCESS);
  cuuint64_t threshold = 1 << 20;
  ASSERT_EQ(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &threshold),
            CUDA_SUCCESS);
  cuuint64_t read = 0;
  ASSERT_EQ(cuMemPoolGetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &read), CUDA_SUCCESS);
  EXPECT_EQ(read, threshold);
  CUdeviceptr block = 0;
  ASSERT_EQ(cuMemAllocFromPoolAsync(&block, 4096, pool, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  ASSERT_EQ(cuMemPoolGetAttribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &read), CUDA_SUCCESS);
  EXPECT_GE(read, 4096u);
  ASSERT_EQ(cuMemFreeAsync(block, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  ASSERT_EQ(cuMemPoolTrimTo(pool, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuMemPoolDestroy(pool), CUDA_SUCCESS);
  EXPECT_EQ(cuMemPoolTrimTo(pool, 0), CUDA_ERROR_INVALID_VALUE);
  props.handleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR;
  EXPECT_EQ(cuMemPoolCreate(&pool, &props), CUDA_ERROR_NOT_SUPPORTED);
}

} // namespace
