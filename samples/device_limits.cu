// Device limits and flags: the in-kernel malloc heap follows cudaLimitMallocHeapSize (allocations
// beyond it return NULL; the size is fixed once a kernel using malloc launched, until
// cudaDeviceReset), kernels malloc, use and free memory per thread, and the scheduling flags set
// with cudaSetDeviceFlags read back with cudaGetDeviceFlags.
#include <cstdio>
#include <cstdlib>

#include <cuda_runtime.h>

#include "check.h"

constexpr size_t kChunk = 100 * 1024;
constexpr int kMaxChunks = 64;

// One thread allocates chunks until the heap says no, writes each, then frees them all.
__global__ void exhaustHeap(int *count, int *bigIsNull, size_t bigBytes) {
  char *chunks[kMaxChunks];
  int n = 0;
  while (n < kMaxChunks) {
    char *chunk = static_cast<char *>(malloc(kChunk));
    if (!chunk)
      break;
    chunk[0] = char(n);
    chunk[kChunk - 1] = char(n);
    chunks[n++] = chunk;
  }
  bool intact = true;
  for (int i = 0; i < n; ++i)
    intact = intact && chunks[i][0] == char(i) && chunks[i][kChunk - 1] == char(i);
  for (int i = 0; i < n; ++i)
    free(chunks[i]);
  *count = intact ? n : -1;
  void *big = malloc(bigBytes);
  *bigIsNull = big == nullptr;
  free(big);
}

// Every thread keeps a private array on the device heap.
__global__ void perThreadScratch(long long *out, int length) {
  int thread = blockIdx.x * blockDim.x + threadIdx.x;
  long long *scratch = static_cast<long long *>(malloc(length * sizeof(long long)));
  if (!scratch) {
    out[thread] = -1;
    return;
  }
  for (int i = 0; i < length; ++i)
    scratch[i] = (long long)thread * i;
  long long sum = 0;
  for (int i = 0; i < length; ++i)
    sum += scratch[i];
  free(scratch);
  out[thread] = sum;
}

int main() {
  size_t heap = 0;
  CHECK(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
  EXPECT(heap == 8u << 20); // CUDA's default

  const size_t limit = 1u << 20;
  CHECK(cudaDeviceSetLimit(cudaLimitMallocHeapSize, limit));
  CHECK(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
  EXPECT(heap == limit);

  int *results = nullptr; // chunk count, then whether the big allocation failed
  CHECK(cudaMalloc(&results, 2 * sizeof(int)));
  int host[2];
  exhaustHeap<<<1, 1>>>(results, results + 1, 2 * limit);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(host, results, sizeof host, cudaMemcpyDeviceToHost));
  std::printf("a %zu-byte heap held %d chunks of %zu bytes\n", limit, host[0], kChunk);
  EXPECT(host[0] >= 1 && size_t(host[0]) * kChunk <= limit);
  EXPECT(host[1] == 1);

  // Once a kernel using malloc has launched, the heap size is fixed until cudaDeviceReset.
  cudaError_t late = cudaDeviceSetLimit(cudaLimitMallocHeapSize, 4 * limit);
  EXPECT(late == cudaErrorInvalidValue);
  cudaGetLastError();
  CHECK(cudaDeviceReset());
  CHECK(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
  EXPECT(heap == 8u << 20);

  // A larger heap holds more; a 2 MiB block fits in a 4 MiB heap.
  int smallCount = host[0];
  CHECK(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 4 * limit));
  CHECK(cudaMalloc(&results, 2 * sizeof(int)));
  exhaustHeap<<<1, 1>>>(results, results + 1, 2 * limit);
  CHECK(cudaMemcpy(host, results, sizeof host, cudaMemcpyDeviceToHost));
  std::printf("a %zu-byte heap held %d chunks\n", 4 * limit, host[0]);
  EXPECT(host[0] > smallCount && size_t(host[0]) * kChunk <= 4 * limit);
  EXPECT(host[1] == 0);

  const int blocks = 8, threads = 64, length = 100;
  long long *deviceSums = nullptr;
  CHECK(cudaMalloc(&deviceSums, blocks * threads * sizeof(long long)));
  perThreadScratch<<<blocks, threads>>>(deviceSums, length);
  long long sums[blocks * threads];
  CHECK(cudaMemcpy(sums, deviceSums, sizeof sums, cudaMemcpyDeviceToHost));
  for (int t = 0; t < blocks * threads; ++t) {
    long long expected = (long long)t * (length - 1) * length / 2;
    if (sums[t] != expected) {
      std::printf("thread %d: %lld, expected %lld\nFAIL\n", t, sums[t], expected);
      return EXIT_FAILURE;
    }
  }

  // Other limits read back what was set.
  size_t stack = 0;
  CHECK(cudaDeviceSetLimit(cudaLimitStackSize, 4096));
  CHECK(cudaDeviceGetLimit(&stack, cudaLimitStackSize));
  EXPECT(stack >= 4096);
  size_t fifo = 0;
  CHECK(cudaDeviceGetLimit(&fifo, cudaLimitPrintfFifoSize));
  EXPECT(fifo > 0);

  // Device flags: one scheduling policy at a time.
  CHECK(cudaSetDeviceFlags(cudaDeviceScheduleBlockingSync));
  unsigned flags = 0;
  CHECK(cudaGetDeviceFlags(&flags));
  EXPECT((flags & cudaDeviceScheduleMask) == cudaDeviceScheduleBlockingSync);
  cudaError_t both = cudaSetDeviceFlags(cudaDeviceScheduleSpin | cudaDeviceScheduleYield);
  EXPECT(both == cudaErrorInvalidValue);
  cudaGetLastError();
  CHECK(cudaSetDeviceFlags(cudaDeviceScheduleAuto));

  cudaFuncCache cache;
  CHECK(cudaDeviceSetCacheConfig(cudaFuncCachePreferL1));
  CHECK(cudaDeviceGetCacheConfig(&cache));
  EXPECT(cache == cudaFuncCachePreferL1);

  CHECK(cudaFree(results));
  CHECK(cudaFree(deviceSums));
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
