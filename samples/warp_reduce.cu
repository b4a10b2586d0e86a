// Warp-level programming: a grid-stride sum whose blocks reduce with __shfl_down_sync inside each
// warp and cub::BlockReduce across warps, a per-warp ballot census of negative values, and a
// cooperative-groups tile of 8 that finds each tile's maximum. The block size (96) is not a power
// of two and the last block is partial.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cub/block/block_reduce.cuh>
#include <cuda_runtime.h>

#include "check.h"

namespace cg = cooperative_groups;

constexpr int kBlock = 96;

__global__ void sumAndCensus(const int *in, int n, long long *blockSums, long long *warpSums,
                             int *negativesPerWarp) {
  using BlockReduce = cub::BlockReduce<long long, kBlock>;
  __shared__ typename BlockReduce::TempStorage storage;
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  int value = i < n ? in[i] : 0;

  long long warpSum = value;
  for (int offset = 16; offset > 0; offset /= 2)
    warpSum += __shfl_down_sync(0xffffffff, warpSum, offset);
  unsigned negatives = __ballot_sync(0xffffffff, value < 0);
  if (threadIdx.x % 32 == 0) {
    warpSums[i / 32] = warpSum;
    negativesPerWarp[i / 32] = __popc(negatives);
  }

  long long total = BlockReduce(storage).Sum(value);
  if (threadIdx.x == 0)
    blockSums[blockIdx.x] = total;
}

__global__ void tileMaxima(const int *in, int n, int *maxima) {
  cg::thread_block_tile<8> tile = cg::tiled_partition<8>(cg::this_thread_block());
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  int value = i < n ? in[i] : -2147483647 - 1;
  int maximum = cg::reduce(tile, value, cg::greater<int>());
  if (tile.thread_rank() == 0)
    maxima[i / 8] = maximum;
}

int main() {
  const int n = 1000;
  const int blocks = (n + kBlock - 1) / kBlock;
  const int threads = blocks * kBlock;
  std::vector<int> in(n);
  for (int i = 0; i < n; ++i)
    in[i] = (i * 7919) % 2001 - 1000;

  int *dIn = nullptr, *dNegatives = nullptr, *dMaxima = nullptr;
  long long *dSums = nullptr, *dWarpSums = nullptr;
  CHECK(cudaMalloc(&dIn, n * sizeof(int)));
  CHECK(cudaMalloc(&dSums, blocks * sizeof(long long)));
  CHECK(cudaMalloc(&dWarpSums, threads / 32 * sizeof(long long)));
  CHECK(cudaMalloc(&dNegatives, threads / 32 * sizeof(int)));
  CHECK(cudaMalloc(&dMaxima, threads / 8 * sizeof(int)));
  CHECK(cudaMemcpy(dIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  sumAndCensus<<<blocks, kBlock>>>(dIn, n, dSums, dWarpSums, dNegatives);
  CHECK(cudaGetLastError());
  tileMaxima<<<blocks, kBlock>>>(dIn, n, dMaxima);
  CHECK(cudaGetLastError());
  std::vector<long long> sums(blocks), warpSums(threads / 32);
  std::vector<int> negatives(threads / 32), maxima(threads / 8);
  CHECK(cudaMemcpy(sums.data(), dSums, blocks * sizeof(long long), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(warpSums.data(), dWarpSums, warpSums.size() * sizeof(long long),
                   cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(negatives.data(), dNegatives, negatives.size() * sizeof(int),
                   cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(maxima.data(), dMaxima, maxima.size() * sizeof(int), cudaMemcpyDeviceToHost));

  int errors = 0;
  for (int b = 0; b < blocks; ++b) {
    long long expected = 0;
    for (int i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i)
      expected += in[i];
    errors += sums[b] != expected;
  }
  for (int w = 0; w < threads / 32; ++w) {
    int expectedNegatives = 0;
    long long expectedSum = 0;
    for (int i = w * 32; i < std::min(n, (w + 1) * 32); ++i) {
      expectedNegatives += in[i] < 0;
      expectedSum += in[i];
    }
    errors += negatives[w] != expectedNegatives;
    errors += warpSums[w] != expectedSum;
  }
  for (int t = 0; t < threads / 8; ++t) {
    int expected = -2147483647 - 1;
    for (int i = t * 8; i < std::min(n, (t + 1) * 8); ++i)
      expected = std::max(expected, in[i]);
    errors += maxima[t] != expected;
  }
  CHECK(cudaFree(dIn));
  CHECK(cudaFree(dSums));
  CHECK(cudaFree(dWarpSums));
  CHECK(cudaFree(dNegatives));
  CHECK(cudaFree(dMaxima));
  std::printf("warp_reduce: %d blocks of %d threads, %d errors\n", blocks, kBlock, errors);
  std::printf(errors == 0 ? "PASS\n" : "FAIL\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
