// Cooperative groups as real code uses them: the block is split with tiled_partition (a static
// 32-thread tile and a dynamic 8-thread one), each tile reduces with cg::reduce and scans with
// cg::inclusive_scan, tiles vote with any/all and ballot through their group, and a cooperative
// launch meets at grid.sync() before block 0 adds the per-block sums. Checked against the host.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>
#include <cuda_runtime.h>

#include "check.h"

namespace cg = cooperative_groups;

constexpr int kBlock = 128;

__global__ void tiles(const int *in, int *tileSums32, int *tileMax8, int *scan32, unsigned *votes,
                      long long *blockSums, long long *total) {
  cg::grid_group grid = cg::this_grid();
  cg::thread_block block = cg::this_thread_block();
  int i = grid.thread_rank();
  int value = in[i];

  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  int warpSum = cg::reduce(warp, value, cg::plus<int>());
  if (warp.thread_rank() == 0)
    tileSums32[i / 32] = warpSum;
  scan32[i] = cg::inclusive_scan(warp, value, cg::plus<int>());
  bool negative = value < 0;
  // Every lane of the tile votes; lane 0 writes the combined result.
  unsigned ballot = warp.ballot(negative);
  bool any = warp.any(value > 900), all = warp.all(value > -1001);
  if (warp.thread_rank() == 0)
    votes[i / 32] = ballot ^ (any ? 0x80000000u : 0u) ^ (all ? 0x1u : 0u);

  cg::thread_group eight = cg::tiled_partition(block, 8);
  __shared__ int scratch[kBlock];
  scratch[block.thread_rank()] = value;
  eight.sync();
  if (eight.thread_rank() == 0) {
    int maximum = value;
    for (unsigned k = 1; k < eight.size(); ++k)
      maximum = max(maximum, scratch[block.thread_rank() + k]);
    tileMax8[i / 8] = maximum;
  }

  __shared__ long long sum;
  if (block.thread_rank() == 0)
    sum = 0;
  block.sync();
  if (warp.thread_rank() == 0)
    atomicAdd(reinterpret_cast<unsigned long long *>(&sum), static_cast<long long>(warpSum));
  block.sync();
  if (block.thread_rank() == 0)
    blockSums[blockIdx.x] = sum;
  grid.sync();
  if (grid.thread_rank() == 0) {
    long long all = 0;
    for (unsigned b = 0; b < gridDim.x; ++b)
      all += blockSums[b];
    *total = all;
  }
}

int main() {
  int device = 0, multiprocessors = 0, perMultiprocessor = 0;
  CHECK(cudaGetDevice(&device));
  CHECK(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, device));
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perMultiprocessor, tiles, kBlock, 0));
  int blocks = std::min(4, perMultiprocessor * multiprocessors);
  EXPECT(blocks >= 1);
  int n = blocks * kBlock;
  std::vector<int> host(n);
  for (int i = 0; i < n; ++i)
    host[i] = static_cast<int>((i * 2654435761u) % 2001u) - 1000;

  int *in, *tileSums32, *tileMax8, *scan32;
  unsigned *votes;
  long long *blockSums, *total;
  CHECK(cudaMalloc(&in, n * sizeof(int)));
  CHECK(cudaMalloc(&tileSums32, n / 32 * sizeof(int)));
  CHECK(cudaMalloc(&tileMax8, n / 8 * sizeof(int)));
  CHECK(cudaMalloc(&scan32, n * sizeof(int)));
  CHECK(cudaMalloc(&votes, n / 32 * sizeof(unsigned)));
  CHECK(cudaMalloc(&blockSums, blocks * sizeof(long long)));
  CHECK(cudaMalloc(&total, sizeof(long long)));
  CHECK(cudaMemcpy(in, host.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  void *args[] = {&in, &tileSums32, &tileMax8, &scan32, &votes, &blockSums, &total};
  CHECK(cudaLaunchCooperativeKernel(reinterpret_cast<const void *>(tiles), dim3(blocks),
                                    dim3(kBlock), args, 0, nullptr));
  CHECK(cudaDeviceSynchronize());

  std::vector<int> gotSums32(n / 32), gotMax8(n / 8), gotScan32(n);
  std::vector<unsigned> gotVotes(n / 32);
  long long gotTotal = 0;
  CHECK(cudaMemcpy(gotSums32.data(), tileSums32, n / 32 * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotMax8.data(), tileMax8, n / 8 * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotScan32.data(), scan32, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotVotes.data(), votes, n / 32 * sizeof(unsigned), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(&gotTotal, total, sizeof gotTotal, cudaMemcpyDeviceToHost));

  long long expectedTotal = 0;
  for (int t = 0; t < n / 32; ++t) {
    int sum = 0;
    unsigned ballot = 0;
    bool any = false, all = true;
    for (int k = 0; k < 32; ++k) {
      int value = host[t * 32 + k];
      sum += value;
      EXPECT(gotScan32[t * 32 + k] == sum);
      ballot |= (value < 0 ? 1u : 0u) << k;
      any |= value > 900;
      all &= value > -1001;
    }
    EXPECT(gotSums32[t] == sum);
    EXPECT(gotVotes[t] == (ballot ^ (any ? 0x80000000u : 0u) ^ (all ? 0x1u : 0u)));
    expectedTotal += sum;
  }
  for (int t = 0; t < n / 8; ++t) {
    int maximum = host[t * 8];
    for (int k = 1; k < 8; ++k)
      maximum = std::max(maximum, host[t * 8 + k]);
    EXPECT(gotMax8[t] == maximum);
  }
  EXPECT(gotTotal == expectedTotal);
  std::printf("%d blocks: tile reduce, scan, votes and the grid-wide sum %lld match\n", blocks,
              gotTotal);

  CHECK(cudaFree(in));
  CHECK(cudaFree(tileSums32));
  CHECK(cudaFree(tileMax8));
  CHECK(cudaFree(scan32));
  CHECK(cudaFree(votes));
  CHECK(cudaFree(blockSums));
  CHECK(cudaFree(total));
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
