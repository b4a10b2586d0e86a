// The memory part of the runtime API against our libcudart.so.13: pinned and registered host
// memory, pointer attributes, memory info, managed memory, pitched allocations with 2D/3D copies
// and fills, stream-ordered copies, and stream-ordered allocation with memory pools.
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

// The per-thread-default-stream twins nvcc's --default-stream per-thread selects.
extern "C" {
cudaError_t cudaMemcpyAsync_ptsz(void *dst, const void *src, size_t count, cudaMemcpyKind kind,
                                 cudaStream_t stream);
cudaError_t cudaMemset2D_ptds(void *devPtr, size_t pitch, int value, size_t width, size_t height);
cudaError_t cudaMallocAsync_ptsz(void **devPtr, size_t size, cudaStream_t stream);
cudaError_t cudaFreeAsync_ptsz(void *devPtr, cudaStream_t stream);
cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream);
}

namespace {
cudaExtent extentOf(size_t width, size_t height, size_t depth) {
  return {width, height, depth};
}
} // namespace

namespace {

TEST(CudartHostMemory, AllocFlagsAreValidated) {
  void *block = nullptr;
  EXPECT_EQ(cudaHostAlloc(&block, 64, 0x10), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostAlloc(nullptr, 64, cudaHostAllocDefault), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaHostAlloc(&block, 100, cudaHostAllocPortable | cudaHostAllocWriteCombined),
            cudaSuccess);
  ASSERT_NE(block, nullptr);
  unsigned flags = 0;
  ASSERT_EQ(cudaHostGetFlags(&flags, block), cudaSuccess);
  EXPECT_EQ(flags & (cudaHostAllocPortable | cudaHostAllocWriteCombined),
            cudaHostAllocPortable | cudaHostAllocWriteCombined);
  std::memset(block, 0x5a, 100);
  void *mapped = nullptr;
  EXPECT_EQ(cudaHostGetDevicePointer(&mapped, block, 1), cudaErrorInvalidValue);
  ASSERT_EQ(cudaHostGetDevicePointer(&mapped, static_cast<char *>(block) + 10, 0), cudaSuccess);
  EXPECT_EQ(mapped, static_cast<char *>(block) + 10);
  EXPECT_EQ(cudaFreeHost(static_cast<char *>(block) + 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(block), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(block), cudaErrorInvalidValue); // freed already
  EXPECT_EQ(cudaFreeHost(nullptr), cudaSuccess);
  (void)cudaGetLastError();
}

TEST(CudartHostMemory, RegisterAndUnregister) {
  std::vector<char> buffer(8192);
  int pageable = 0;
  void *mapped = nullptr;
  EXPECT_EQ(cudaHostGetDevicePointer(&mapped, &pageable, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostRegister(nullptr, 16, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostRegister(buffer.data(), 0, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostRegister(buffer.data(), 16, 0x100), cudaErrorInvalidValue);
  EXPECT_EQ(cudaHostRegister(buffer.data(), 16, cudaHostRegisterIoMemory), cudaErrorNotSupported);
  EXPECT_EQ(cudaHostUnregister(buffer.data()), cudaErrorHostMemoryNotRegistered);
  ASSERT_EQ(cudaHostRegister(buffer.data() + 100, 4096, cudaHostRegisterMapped), cudaSuccess);
  EXPECT_EQ(cudaHostRegister(buffer.data() + 100, 4096, 0), cudaErrorHostMemoryAlreadyRegistered);
  EXPECT_EQ(cudaHostRegister(buffer.data(), 200, 0), cudaErrorHostMemoryAlreadyRegistered);
  EXPECT_EQ(cudaHostRegister(buffer.data() + 4000, 1000, 0), cudaErrorHostMemoryAlreadyRegistered);
  ASSERT_EQ(cudaHostGetDevicePointer(&mapped, buffer.data() + 200, 0), cudaSuccess);
  EXPECT_EQ(mapped, buffer.data() + 200);
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, buffer.data() + 150), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeHost);
  EXPECT_EQ(cudaHostUnregister(buffer.data() + 101), cudaErrorHostMemoryNotRegistered);
  EXPECT_EQ(cudaHostUnregister(buffer.data() + 100), cudaSuccess);
  EXPECT_EQ(cudaHostUnregister(buffer.data() + 100), cudaErrorHostMemoryNotRegistered);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, buffer.data() + 150), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  (void)cudaGetLastError();
}

TEST(CudartHostMemory, PointerAttributes) {
  cudaPointerAttributes attributes;
  int local = 0;
  EXPECT_EQ(cudaPointerGetAttributes(nullptr, &local), cudaErrorInvalidValue);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, &local), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  EXPECT_EQ(attributes.devicePointer, nullptr);

  char *device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), 256), cudaSuccess);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, device + 17), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
  EXPECT_EQ(attributes.device, 0);
  EXPECT_EQ(attributes.devicePointer, device + 17);
  EXPECT_EQ(attributes.hostPointer, nullptr);
  ASSERT_EQ(cudaFree(device), cudaSuccess);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, device), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  (void)cudaGetLastError();
}

TEST(CudartHostMemory, MemGetInfo) {
  size_t free = 0, total = 0;
  EXPECT_EQ(cudaMemGetInfo(nullptr, &total), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaMemGetInfo(&free, &total), cudaSuccess);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(total, prop.totalGlobalMem);
  EXPECT_GT(free, 0u);
  EXPECT_LE(free, total);
}

TEST(CudartManagedMemory, AllocateUseAndFree) {
  int *data = nullptr;
  EXPECT_EQ(cudaMallocManaged(reinterpret_cast<void **>(&data), 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocManaged(reinterpret_cast<void **>(&data), 64, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocManaged(reinterpret_cast<void **>(&data), 64,
                              cudaMemAttachGlobal | cudaMemAttachHost),
            cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(
      cudaMallocManaged(reinterpret_cast<void **>(&data), 64 * sizeof(int), cudaMemAttachHost),
      cudaSuccess);
  for (int i = 0; i < 64; ++i)
    data[i] = i;
  ASSERT_EQ(cudaMemset(data + 32, 0, 32 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  for (int i = 0; i < 64; ++i)
    EXPECT_EQ(data[i], i < 32 ? i : 0);
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, data), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeManaged);
  EXPECT_EQ(attributes.hostPointer, data);
  EXPECT_EQ(attributes.devicePointer, data);

  cudaMemLocation device{cudaMemLocationTypeDevice, 0};
  cudaMemLocation otherDevice{cudaMemLocationTypeDevice, 1};
  cudaMemLocation host{cudaMemLocationTypeHost, 0};
  EXPECT_EQ(cudaMemPrefetchAsync(data, 256, device, 0, 0), cudaSuccess);
  EXPECT_EQ(cudaMemPrefetchAsync(data, 256, host, 0, 0), cudaSuccess);
  EXPECT_EQ(cudaMemPrefetchAsync(data, 256, device, 1, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPrefetchAsync(data, 256, otherDevice, 0, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemPrefetchAsync(data, 512, device, 0, 0), cudaErrorInvalidValue); // past the end
  EXPECT_EQ(cudaMemAdvise(data, 256, cudaMemAdviseSetReadMostly, device), cudaSuccess);
  EXPECT_EQ(cudaMemAdvise(data, 256, static_cast<cudaMemoryAdvise>(42), device),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemAdvise(data, 256, cudaMemAdviseSetAccessedBy, otherDevice),
            cudaErrorInvalidDevice);

  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, data, 0, cudaMemAttachSingle), cudaSuccess);
  EXPECT_EQ(cudaStreamAttachMemAsync(nullptr, data, 0, cudaMemAttachSingle), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, data, 16, cudaMemAttachGlobal), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, data, 0, 0x8), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamAttachMemAsync(stream, data, 256, cudaMemAttachGlobal), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);

  void *plain = nullptr;
  ASSERT_EQ(cudaMalloc(&plain, 64), cudaSuccess);
  EXPECT_EQ(cudaMemPrefetchAsync(plain, 64, device, 0, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFree(plain), cudaSuccess);
  EXPECT_EQ(cudaFree(data), cudaSuccess);
  EXPECT_EQ(cudaFree(data), cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

TEST(CudartPitchedMemory, PitchRespectsTheReportedAlignment) {
  int alignment = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&alignment, cudaDevAttrTexturePitchAlignment, 0), cudaSuccess);
  ASSERT_GT(alignment, 0);
  void *block = nullptr;
  size_t pitch = 0;
  EXPECT_EQ(cudaMallocPitch(&block, nullptr, 10, 10), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaMallocPitch(&block, &pitch, 300, 5), cudaSuccess);
  EXPECT_GE(pitch, 300u);
  EXPECT_EQ(pitch % alignment, 0u);
  EXPECT_EQ(cudaFree(block), cudaSuccess);

  cudaPitchedPtr volume;
  ASSERT_EQ(cudaMalloc3D(&volume, extentOf(33, 4, 3)), cudaSuccess);
  EXPECT_EQ(volume.xsize, 33u);
  EXPECT_EQ(volume.ysize, 4u);
  EXPECT_EQ(volume.pitch % alignment, 0u);
  // The whole volume is one allocation: its last byte is in device memory.
  EXPECT_EQ(cudaMemset(static_cast<char *>(volume.ptr) + volume.pitch * 4 * 3 - 1, 0, 1),
            cudaSuccess);
  EXPECT_EQ(cudaMemset3D(volume, 9, extentOf(33, 4, 3)), cudaSuccess);
  std::vector<unsigned char> host(33 * 4 * 3);
  for (size_t z = 0; z < 3; ++z)
    ASSERT_EQ(cudaMemcpy2D(host.data() + z * 33 * 4, 33,
                           static_cast<char *>(volume.ptr) + z * volume.pitch * 4, volume.pitch, 33,
                           4, cudaMemcpyDeviceToHost),
              cudaSuccess);
  for (unsigned char byte : host)
    EXPECT_EQ(byte, 9);
  EXPECT_EQ(cudaFree(volume.ptr), cudaSuccess);
}

TEST(CudartPitchedMemory, Copy2DAndMemset2D) {
  const size_t width = 20, height = 6;
  char *image = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMallocPitch(reinterpret_cast<void **>(&image), &pitch, width, height), cudaSuccess);
  std::vector<char> in(width * height), out(width * height, 0);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = static_cast<char>(i);
  EXPECT_EQ(cudaMemcpy2D(image, pitch, in.data(), width, width + 1, height, cudaMemcpyHostToDevice),
            cudaErrorInvalidPitchValue);
  EXPECT_EQ(cudaMemcpy2D(image, pitch, in.data(), width, width, height + 1, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue); // the last row runs past the allocation
  EXPECT_EQ(cudaMemset2D(image, pitch, 0, pitch + 1, 2), cudaErrorInvalidPitchValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaMemcpy2D(image, pitch, in.data(), width, width, height, cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemset2D(image + 5, pitch, 0x7f, 3, height - 1), cudaSuccess);
  ASSERT_EQ(
      cudaMemcpy2DAsync(out.data(), width, image, pitch, width, height, cudaMemcpyDeviceToHost, 0),
      cudaSuccess);
  // Pageable destination: the asynchronous copy has finished when the call returns.
  for (size_t y = 0; y < height; ++y)
    for (size_t x = 0; x < width; ++x) {
      char expected = (x >= 5 && x < 8 && y < height - 1) ? 0x7f : in[y * width + x];
      EXPECT_EQ(out[y * width + x], expected) << x << "," << y;
    }
  EXPECT_EQ(cudaFree(image), cudaSuccess);
}

TEST(CudartAsyncCopies, OrderedOnTheirStreams) {
  const size_t n = 1 << 20;
  char *device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), n), cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  EXPECT_EQ(cudaMemsetAsync(device, 1, n, reinterpret_cast<cudaStream_t>(0x1234)),
            cudaErrorInvalidResourceHandle);
  (void)cudaGetLastError();
  // Work on a blocking stream comes before a later cudaMemcpy on the legacy default stream.
  ASSERT_EQ(cudaMemsetAsync(device, 3, n, stream), cudaSuccess);
  std::vector<char> host(n, 0);
  ASSERT_EQ(cudaMemcpy(host.data(), device, n, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(host[0], 3);
  EXPECT_EQ(host[n - 1], 3);

  // Pinned memory: the copy completes by the stream synchronization.
  char *pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(reinterpret_cast<void **>(&pinned), n), cudaSuccess);
  std::memset(pinned, 5, n);
  ASSERT_EQ(cudaMemcpyAsync(device, pinned, n, cudaMemcpyHostToDevice, stream), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device + 10, 6, 1, stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(pinned, device, n, cudaMemcpyDefault, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(pinned[9], 5);
  EXPECT_EQ(pinned[10], 6);
  // Mapped pinned memory is device-accessible: a fill may target it.
  ASSERT_EQ(cudaMemsetAsync(pinned + 1, 4, 2, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(pinned[0], 5);
  EXPECT_EQ(pinned[1], 4);
  EXPECT_EQ(pinned[3], 5);

  // Pageable source: the caller may overwrite it as soon as the call returns.
  std::vector<char> pageable(n, 8);
  ASSERT_EQ(cudaMemcpyAsync(device, pageable.data(), n, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  std::fill(pageable.begin(), pageable.end(), 9);
  ASSERT_EQ(cudaMemcpyAsync(host.data(), device, n, cudaMemcpyDeviceToHost, stream), cudaSuccess);
  EXPECT_EQ(host[0], 8);
  EXPECT_EQ(host[n - 1], 8);

  EXPECT_EQ(cudaMemcpyPeer(device, 1, device + 1, 0, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemcpyPeerAsync(device, 0, device + n / 2, 0, 16, stream), cudaSuccess);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

TEST(CudartMemoryPools, FreedBlocksAreReusedInStreamOrder) {
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  void *first = nullptr, *second = nullptr;
  EXPECT_EQ(cudaMallocAsync(nullptr, 16, stream), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaMallocAsync(&first, 1000, stream), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(first, 1, 1000, stream), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(first, stream), cudaSuccess);
  // The freed block is past its free on this stream: a later allocation on it may take it.
  ASSERT_EQ(cudaMallocAsync(&second, 1000, stream), cudaSuccess);
  EXPECT_EQ(second, first);
  ASSERT_EQ(cudaFreeAsync(second, stream), cudaSuccess);
  EXPECT_EQ(cudaFreeAsync(second, stream), cudaErrorInvalidValue); // freed already
  // cudaFree takes a stream-ordered block too, after waiting for the device.
  void *third = nullptr;
  ASSERT_EQ(cudaMallocAsync(&third, 64, stream), cudaSuccess);
  EXPECT_EQ(cudaFree(third), cudaSuccess);
  EXPECT_EQ(cudaFree(third), cudaErrorInvalidValue);
  int local = 0;
  EXPECT_EQ(cudaFreeAsync(&local, stream), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST(CudartMemoryPools, CreatedPoolAttributesAndLifetime) {
  cudaMemPool_t defaultPool = nullptr, current = nullptr;
  ASSERT_EQ(cudaDeviceGetDefaultMemPool(&defaultPool, 0), cudaSuccess);
  EXPECT_EQ(cudaDeviceGetDefaultMemPool(&defaultPool, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaMemPoolDestroy(defaultPool), cudaErrorInvalidValue);
  (void)cudaGetLastError();

  cudaMemPoolProps props = {};
  props.allocType = cudaMemAllocationTypePinned;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = 1;
  cudaMemPool_t pool = nullptr;
  EXPECT_EQ(cudaMemPoolCreate(&pool, &props), cudaErrorInvalidDevice);
  props.location.id = 0;
  props.handleTypes = cudaMemHandleTypePosixFileDescriptor;
  EXPECT_EQ(cudaMemPoolCreate(&pool, &props), cudaErrorNotSupported);
  props.handleTypes = cudaMemHandleTypeNone;
  props.allocType = cudaMemAllocationTypeInvalid;
  EXPECT_EQ(cudaMemPoolCreate(&pool, &props), cudaErrorInvalidValue);
  props.allocType = cudaMemAllocationTypePinned;
  (void)cudaGetLastError();
  ASSERT_EQ(cudaMemPoolCreate(&pool, &props), cudaSuccess);

  ASSERT_EQ(cudaDeviceSetMemPool(0, pool), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetMemPool(&current, 0), cudaSuccess);
  EXPECT_EQ(current, pool);
  void *block = nullptr;
  ASSERT_EQ(cudaMallocAsync(&block, 4000, 0), cudaSuccess); // from the current pool
  uint64_t used = 0, reserved = 0, high = 0;
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used), cudaSuccess);
  EXPECT_GE(used, 4000u);
  EXPECT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &used),
            cudaErrorInvalidValue);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaFreeAsync(block, 0), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used), cudaSuccess);
  EXPECT_EQ(used, 0u);
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &high), cudaSuccess);
  EXPECT_GE(high, 4000u);
  uint64_t zero = 0;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &zero), cudaSuccess);
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &high), cudaSuccess);
  EXPECT_EQ(high, 0u);
  // The release threshold is 0: memory whose free has completed went back already.
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved),
            cudaSuccess);
  EXPECT_EQ(reserved, 0u);

  uint64_t threshold = 1 << 20;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold),
            cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&block, 4000, pool, 0), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(block, 0), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved),
            cudaSuccess);
  EXPECT_GE(reserved, 4000u); // kept under the threshold
  ASSERT_EQ(cudaMemPoolTrimTo(pool, 0), cudaSuccess);
  ASSERT_EQ(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved),
            cudaSuccess);
  EXPECT_EQ(reserved, 0u);

  cudaMemLocation device0{cudaMemLocationTypeDevice, 0};
  cudaMemLocation host{cudaMemLocationTypeHost, 0};
  ASSERT_EQ(cudaMemGetMemPool(&current, &device0, cudaMemAllocationTypePinned), cudaSuccess);
  EXPECT_EQ(current, pool);
  EXPECT_EQ(cudaMemGetMemPool(&current, &host, cudaMemAllocationTypePinned), cudaErrorNotSupported);
  cudaMemAccessFlags access = cudaMemAccessFlagsProtNone;
  ASSERT_EQ(cudaMemPoolGetAccess(&access, pool, &device0), cudaSuccess);
  EXPECT_EQ(access, cudaMemAccessFlagsProtReadWrite);
  cudaMemAccessDesc readOnly{device0, cudaMemAccessFlagsProtRead};
  EXPECT_EQ(cudaMemPoolSetAccess(pool, &readOnly, 1), cudaErrorInvalidValue);
  (void)cudaGetLastError();

  ASSERT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetMemPool(&current, 0), cudaSuccess);
  EXPECT_EQ(current, defaultPool); // the destroyed pool is no longer current
  cudaMemPool_t viaLocation = nullptr;
  ASSERT_EQ(cudaMemGetDefaultMemPool(&viaLocation, &device0, cudaMemAllocationTypePinned),
            cudaSuccess);
  EXPECT_EQ(viaLocation, defaultPool);
  EXPECT_EQ(cudaMemPoolTrimTo(pool, 0), cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

TEST(CudartAsyncCopies, PerThreadDefaultStreamTwins) {
  // Handle 0 is the calling thread's default stream in these entry points.
  char *block = nullptr;
  ASSERT_EQ(cudaMallocAsync_ptsz(reinterpret_cast<void **>(&block), 64, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemset2D_ptds(block, 16, 2, 16, 4), cudaSuccess);
  char host[64] = {};
  ASSERT_EQ(cudaMemcpyAsync_ptsz(host, block, 64, cudaMemcpyDeviceToHost, nullptr), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync_ptsz(block, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize_ptsz(nullptr), cudaSuccess);
  for (char byte : host)
    EXPECT_EQ(byte, 2);
}

TEST(CudartMemoryPools, CrossStreamReuseWaitsForTheFree) {
  cudaMemPoolProps props = {};
  props.allocType = cudaMemAllocationTypePinned;
  props.location.type = cudaMemLocationTypeDevice;
  cudaMemPool_t pool = nullptr;
  ASSERT_EQ(cudaMemPoolCreate(&pool, &props), cudaSuccess);
  uint64_t keep = 1 << 20;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep), cudaSuccess);
  cudaStream_t first, second;
  ASSERT_EQ(cudaStreamCreate(&first), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&second), cudaSuccess);
  void *block = nullptr, *other = nullptr;
  ASSERT_EQ(cudaMallocFromPoolAsync(&block, 256, pool, first), cudaSuccess);
  ASSERT_EQ(cudaFreeAsync(block, first), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(first), cudaSuccess);
  // The free has been reached: another stream may take the block (opportunistic reuse).
  ASSERT_EQ(cudaMallocFromPoolAsync(&other, 256, pool, second), cudaSuccess);
  EXPECT_EQ(other, block);
  ASSERT_EQ(cudaFreeAsync(other, second), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(second), cudaSuccess);
  int opportunistic = 0;
  ASSERT_EQ(cudaMemPoolSetAttribute(pool, cudaMemPoolReuseAllowOpportunistic, &opportunistic),
            cudaSuccess);
  ASSERT_EQ(cudaMallocFromPoolAsync(&block, 256, pool, first), cudaSuccess);
  EXPECT_NE(block, other); // freed on another stream, and opportunistic reuse is off
  ASSERT_EQ(cudaFreeAsync(block, first), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(first), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(first), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(second), cudaSuccess);
  ASSERT_EQ(cudaMemPoolDestroy(pool), cudaSuccess);
}

TEST(CudartManagedMemory, RangeAttributesReportAdviceAndPrefetches) {
  char *data = nullptr;
  const size_t bytes = 8192, half = bytes / 2;
  ASSERT_EQ(cudaMallocManaged(reinterpret_cast<void **>(&data), bytes), cudaSuccess);
  cudaMemLocation device{cudaMemLocationTypeDevice, 0};
  cudaMemLocation host{cudaMemLocationTypeHost, 0};
  int value = 7;
  ASSERT_EQ(
      cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly, data, bytes),
      cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaMemAdvise(data, half, cudaMemAdviseSetReadMostly, device), cudaSuccess);
  ASSERT_EQ(cudaMemAdvise(data, bytes, cudaMemAdviseSetPreferredLocation, device), cudaSuccess);
  ASSERT_EQ(cudaMemAdvise(data + half, half, cudaMemAdviseSetPreferredLocation, host), cudaSuccess);
  ASSERT_EQ(cudaMemAdvise(data, bytes, cudaMemAdviseSetAccessedBy, device), cudaSuccess);
  ASSERT_EQ(cudaMemPrefetchAsync(data, bytes, host, 0, 0), cudaSuccess);

  ASSERT_EQ(
      cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly, data, half),
      cudaSuccess);
  EXPECT_EQ(value, 1);
  ASSERT_EQ(
      cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributeReadMostly, data, bytes),
      cudaSuccess);
  EXPECT_EQ(value, 0); // only half of the range is read-mostly
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributePreferredLocation,
                                     data, half),
            cudaSuccess);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value, cudaMemRangeAttributePreferredLocation,
                                     data, bytes),
            cudaSuccess);
  EXPECT_EQ(value, cudaInvalidDeviceId); // the halves prefer different places
  ASSERT_EQ(cudaMemRangeGetAttribute(&value, sizeof value,
                                     cudaMemRangeAttributeLastPrefetchLocation, data + 10, 100),
            cudaSuccess);
  EXPECT_EQ(value, cudaCpuDeviceId);
  int accessedBy[3] = {};
  ASSERT_EQ(cudaMemRangeGetAttribute(accessedBy, sizeof accessedBy, cudaMemRangeAttributeAccessedBy,
                                     data, bytes),
            cudaSuccess);
  EXPECT_EQ(accessedBy[0], 0);
  EXPECT_EQ(accessedBy[1], cudaInvalidDeviceId);
  EXPECT_EQ(cudaMemRangeGetAttribute(&value, 2, cudaMemRangeAttributeReadMostly, data, bytes),
            cudaErrorInvalidValue);
  (void)cudaGetLastError();

  int location = 0, type = 0;
  void *results[] = {&type, &location};
  size_t sizes[] = {sizeof type, sizeof location};
  cudaMemRangeAttribute which[] = {cudaMemRangeAttributePreferredLocationType,
                                   cudaMemRangeAttributePreferredLocationId};
  ASSERT_EQ(cudaMemRangeGetAttributes(results, sizes, which, 2, data, half), cudaSuccess);
  EXPECT_EQ(type, cudaMemLocationTypeDevice);
  EXPECT_EQ(location, 0);
  ASSERT_EQ(cudaFree(data), cudaSuccess);
}

TEST(CudartAsyncCopies, CapturedCopiesAndFillsReplayInGraphs) {
  const size_t n = 4096;
  char *device = nullptr, *pinned = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), n), cudaSuccess);
  ASSERT_EQ(cudaMallocHost(reinterpret_cast<void **>(&pinned), n), cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 0x21, n, stream), cudaSuccess);
  ASSERT_EQ(cudaMemset2DAsync(device, 64, 0x22, 8, 4, stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(pinned, device, n, cudaMemcpyDeviceToHost, stream), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_NE(pinned[0], 0x22); // captured work does not run before the graph launches
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(pinned[0], 0x22);
  EXPECT_EQ(pinned[8], 0x21);
  EXPECT_EQ(pinned[64 * 3 + 7], 0x22);
  EXPECT_EQ(pinned[64 * 4], 0x21);

  // A synchronous copy is unsafe during a global capture; stream-ordered allocation during
  // capture (graph memory nodes) is refused.
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(pinned, device, 16, cudaMemcpyDeviceToHost),
            cudaErrorStreamCaptureUnsupported);
  cudaGraph_t broken = nullptr;
  EXPECT_EQ(cudaStreamEndCapture(stream, &broken), cudaErrorStreamCaptureInvalidated);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  void *block = nullptr;
  EXPECT_EQ(cudaMallocAsync(&block, 64, stream), cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaStreamEndCapture(stream, &broken), cudaErrorStreamCaptureInvalidated);
  (void)cudaGetLastError();

  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  ASSERT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  ASSERT_EQ(cudaFreeHost(pinned), cudaSuccess);
  ASSERT_EQ(cudaFree(device), cudaSuccess);
}

} // namespace
