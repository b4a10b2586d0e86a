// Sums an array: each block reduces its slice in shared memory with __syncthreads between the
// steps of a tree, then the host adds the per-block partial sums. Uses dynamic shared memory for
// one kernel and static shared memory for the other, and a block size that is not a power of two.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kStaticBlock = 256;

__global__ void reduceStatic(const int *in, long long *partial, int n) {
  __shared__ long long sums[kStaticBlock];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  sums[threadIdx.x] = i < n ? in[i] : 0;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      sums[threadIdx.x] += sums[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    partial[blockIdx.x] = sums[0];
}

// Any block size: threads fold the tail beyond the largest power of two first.
__global__ void reduceDynamic(const int *in, long long *partial, int n) {
  extern __shared__ long long buffer[];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  buffer[threadIdx.x] = i < n ? in[i] : 0;
  __syncthreads();
  int active = 1;
  while (active * 2 <= static_cast<int>(blockDim.x))
    active *= 2;
  if (threadIdx.x >= active)
    buffer[threadIdx.x - active] += buffer[threadIdx.x];
  __syncthreads();
  for (int stride = active / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      buffer[threadIdx.x] += buffer[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    partial[blockIdx.x] = buffer[0];
}

int main() {
  const int n = 3000017;
  std::vector<int> data(n);
  long long expected = 0;
  for (int i = 0; i < n; ++i) {
    data[i] = (i * 2654435761u) % 2001 - 1000;
    expected += data[i];
  }
  int *din;
  CHECK(cudaMalloc(&din, n * sizeof(int)));
  CHECK(cudaMemcpy(din, data.data(), n * sizeof(int), cudaMemcpyHostToDevice));

  bool ok = true;
  const int blockSizes[] = {kStaticBlock, 200};
  for (int variant = 0; variant < 2; ++variant) {
    const int threads = blockSizes[variant];
    const int blocks = (n + threads - 1) / threads;
    long long *dpartial;
    CHECK(cudaMalloc(&dpartial, blocks * sizeof(long long)));
    if (variant == 0)
      reduceStatic<<<blocks, threads>>>(din, dpartial, n);
    else
      reduceDynamic<<<blocks, threads, threads * sizeof(long long)>>>(din, dpartial, n);
    CHECK(cudaGetLastError());
    std::vector<long long> partial(blocks);
    CHECK(cudaMemcpy(partial.data(), dpartial, blocks * sizeof(long long), cudaMemcpyDeviceToHost));
    CHECK(cudaFree(dpartial));
    long long total = 0;
    for (long long p : partial)
      total += p;
    std::printf("block_reduce (%s shared, %d threads): %lld, expected %lld\n",
                variant == 0 ? "static" : "dynamic", threads, total, expected);
    ok = ok && total == expected;
  }
  CHECK(cudaFree(din));
  std::printf(ok ? "PASS\n" : "FAIL\n");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
