// CUB's block-wide primitives as real code uses them: each block loads a tile with
// BLOCK_LOAD_WARP_TRANSPOSE, reduces it (BlockReduce), scans it (BlockScan, inclusive and
// exclusive), sorts it (BlockRadixSort) and stores the results with BLOCK_STORE_WARP_TRANSPOSE.
// Every result is checked against the same computation on the host.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cub/block/block_load.cuh>
#include <cub/block/block_radix_sort.cuh>
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>
#include <cub/block/block_store.cuh>
#include <cuda/functional>
#include <cuda_runtime.h>

#include "check.h"

constexpr int kThreads = 128;
constexpr int kItemsPerThread = 4;
constexpr int kTile = kThreads * kItemsPerThread;

__global__ void blockPrimitives(const int *in, int *sums, int *inclusive, int *exclusive,
                                unsigned *sorted) {
  using Load = cub::BlockLoad<int, kThreads, kItemsPerThread, cub::BLOCK_LOAD_WARP_TRANSPOSE>;
  using StoreInt = cub::BlockStore<int, kThreads, kItemsPerThread, cub::BLOCK_STORE_WARP_TRANSPOSE>;
  using StoreUnsigned =
      cub::BlockStore<unsigned, kThreads, kItemsPerThread, cub::BLOCK_STORE_WARP_TRANSPOSE>;
  using Reduce = cub::BlockReduce<int, kThreads>;
  using Scan = cub::BlockScan<int, kThreads>;
  using Sort = cub::BlockRadixSort<unsigned, kThreads, kItemsPerThread>;
  __shared__ union {
    typename Load::TempStorage load;
    typename StoreInt::TempStorage storeInt;
    typename StoreUnsigned::TempStorage storeUnsigned;
    typename Reduce::TempStorage reduce;
    typename Scan::TempStorage scan;
    typename Sort::TempStorage sort;
  } temp;

  int offset = blockIdx.x * kTile;
  int items[kItemsPerThread];
  Load(temp.load).Load(in + offset, items);
  __syncthreads();

  int sum = Reduce(temp.reduce).Sum(items);
  if (threadIdx.x == 0)
    sums[blockIdx.x] = sum;
  __syncthreads();

  int scanned[kItemsPerThread];
  Scan(temp.scan).InclusiveSum(items, scanned);
  __syncthreads();
  StoreInt(temp.storeInt).Store(inclusive + offset, scanned);
  __syncthreads();
  Scan(temp.scan).ExclusiveScan(items, scanned, 0, cuda::maximum<>{});
  __syncthreads();
  StoreInt(temp.storeInt).Store(exclusive + offset, scanned);
  __syncthreads();

  unsigned keys[kItemsPerThread];
  for (int i = 0; i < kItemsPerThread; ++i)
    keys[i] = static_cast<unsigned>(items[i]) * 2654435761u;
  Sort(temp.sort).Sort(keys);
  __syncthreads();
  StoreUnsigned(temp.storeUnsigned).Store(sorted + offset, keys);
}

int main() {
  const int blocks = 5;
  const int n = blocks * kTile;
  std::vector<int> host(n);
  for (int i = 0; i < n; ++i)
    host[i] = static_cast<int>((i * 7919u) % 2003u) - 1000;

  int *in = nullptr, *sums = nullptr, *inclusive = nullptr, *exclusive = nullptr;
  unsigned *sorted = nullptr;
  CHECK(cudaMalloc(&in, n * sizeof(int)));
  CHECK(cudaMalloc(&sums, blocks * sizeof(int)));
  CHECK(cudaMalloc(&inclusive, n * sizeof(int)));
  CHECK(cudaMalloc(&exclusive, n * sizeof(int)));
  CHECK(cudaMalloc(&sorted, n * sizeof(unsigned)));
  CHECK(cudaMemcpy(in, host.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  blockPrimitives<<<blocks, kThreads>>>(in, sums, inclusive, exclusive, sorted);
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());

  std::vector<int> gotSums(blocks), gotInclusive(n), gotExclusive(n);
  std::vector<unsigned> gotSorted(n);
  CHECK(cudaMemcpy(gotSums.data(), sums, blocks * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotInclusive.data(), inclusive, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotExclusive.data(), exclusive, n * sizeof(int), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotSorted.data(), sorted, n * sizeof(unsigned), cudaMemcpyDeviceToHost));

  for (int b = 0; b < blocks; ++b) {
    const int *tile = host.data() + b * kTile;
    int sum = 0, running = 0, maximum = 0;
    std::vector<unsigned> keys(kTile);
    for (int i = 0; i < kTile; ++i) {
      int at = b * kTile + i;
      // ExclusiveScan with an initial value: element i gets max(init, tile[0..i-1]).
      EXPECT(gotExclusive[at] == maximum);
      maximum = std::max(maximum, tile[i]);
      running += tile[i];
      EXPECT(gotInclusive[at] == running);
      sum += tile[i];
      keys[i] = static_cast<unsigned>(tile[i]) * 2654435761u;
    }
    EXPECT(gotSums[b] == sum);
    std::sort(keys.begin(), keys.end());
    for (int i = 0; i < kTile; ++i)
      EXPECT(gotSorted[b * kTile + i] == keys[i]);
  }
  std::printf("%d tiles of %d: reduce, inclusive and exclusive scan, radix sort match\n", blocks,
              kTile);

  CHECK(cudaFree(in));
  CHECK(cudaFree(sums));
  CHECK(cudaFree(inclusive));
  CHECK(cudaFree(exclusive));
  CHECK(cudaFree(sorted));
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
