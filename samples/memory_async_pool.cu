// Stream-ordered allocation: cudaMallocAsync / cudaFreeAsync in a loop on a stream (freed blocks
// are reused in stream order), a created pool with cudaMallocFromPoolAsync, and the pool's
// reserved/used statistics and release threshold.
#include "check.h"

#include <cstdint>
#include <vector>

__global__ void fill(int *data, int value, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    data[i] = value + i;
}

__global__ void accumulate(const int *data, long long *sum, int n) {
  for (int i = 0; i < n; ++i)
    *sum += data[i];
}

int main() {
  const int n = 4096;
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  long long *sum = nullptr;
  CHECK(cudaMallocAsync(&sum, sizeof(long long), stream));
  CHECK(cudaMemsetAsync(sum, 0, sizeof(long long), stream));

  long long expected = 0;
  for (int round = 0; round < 8; ++round) {
    int *data = nullptr;
    CHECK(cudaMallocAsync(&data, n * sizeof(int), stream));
    fill<<<(n + 255) / 256, 256, 0, stream>>>(data, round * 10, n);
    accumulate<<<1, 1, 0, stream>>>(data, sum, n);
    CHECK(cudaFreeAsync(data, stream));
    for (int i = 0; i < n; ++i)
      expected += round * 10 + i;
  }
  long long result = 0;
  CHECK(cudaMemcpyAsync(&result, sum, sizeof result, cudaMemcpyDeviceToHost, stream));
  CHECK(cudaStreamSynchronize(stream));
  if (result != expected) {
    std::printf("sum %lld, expected %lld\nFAIL\n", result, expected);
    return 1;
  }

  cudaMemPool_t pool;
  CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
  uint64_t used = 0;
  CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
  if (used < sizeof(long long)) {
    std::printf("default pool uses %llu bytes with one block live\nFAIL\n",
                static_cast<unsigned long long>(used));
    return 1;
  }
  CHECK(cudaFreeAsync(sum, stream));

  // A pool of our own that keeps up to 1 MiB across synchronizations.
  cudaMemPoolProps props = {};
  props.allocType = cudaMemAllocationTypePinned;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = 0;
  cudaMemPool_t own;
  CHECK(cudaMemPoolCreate(&own, &props));
  uint64_t threshold = 1 << 20;
  CHECK(cudaMemPoolSetAttribute(own, cudaMemPoolAttrReleaseThreshold, &threshold));
  int *block = nullptr;
  CHECK(
      cudaMallocFromPoolAsync(reinterpret_cast<void **>(&block), 1000 * sizeof(int), own, stream));
  fill<<<4, 256, 0, stream>>>(block, 7, 1000);
  std::vector<int> host(1000);
  CHECK(cudaMemcpyAsync(host.data(), block, 1000 * sizeof(int), cudaMemcpyDeviceToHost, stream));
  CHECK(cudaFreeAsync(block, stream));
  CHECK(cudaStreamSynchronize(stream));
  for (int i = 0; i < 1000; ++i)
    if (host[i] != 7 + i) {
      std::printf("pool block[%d] = %d, expected %d\nFAIL\n", i, host[i], 7 + i);
      return 1;
    }
  uint64_t reserved = 0, usedHigh = 0;
  CHECK(cudaMemPoolGetAttribute(own, cudaMemPoolAttrUsedMemCurrent, &used));
  CHECK(cudaMemPoolGetAttribute(own, cudaMemPoolAttrReservedMemCurrent, &reserved));
  CHECK(cudaMemPoolGetAttribute(own, cudaMemPoolAttrUsedMemHigh, &usedHigh));
  if (used != 0 || reserved < 1000 * sizeof(int) || usedHigh < 1000 * sizeof(int)) {
    std::printf("pool stats used=%llu reserved=%llu usedHigh=%llu\nFAIL\n",
                static_cast<unsigned long long>(used), static_cast<unsigned long long>(reserved),
                static_cast<unsigned long long>(usedHigh));
    return 1;
  }
  CHECK(cudaMemPoolTrimTo(own, 0));
  CHECK(cudaMemPoolGetAttribute(own, cudaMemPoolAttrReservedMemCurrent, &reserved));
  if (reserved != 0) {
    std::printf("trimmed pool still reserves %llu bytes\nFAIL\n",
                static_cast<unsigned long long>(reserved));
    return 1;
  }
  CHECK(cudaMemPoolDestroy(own));
  CHECK(cudaStreamDestroy(stream));
  std::printf("8 stream-ordered rounds summed to %lld\n", result);
  std::printf("PASS\n");
  return 0;
}
