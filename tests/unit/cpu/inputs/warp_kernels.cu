// Warp-level and block-level collectives as CUDA programs write them. warp_kernels.sm80.ptx is
// `nvcc -ptx -arch=sm_80 warp_kernels.cu` (CUDA 13; CUB and cooperative groups reduce with
// redux.sync there), warp_kernels.sm75.ptx the same with -arch=sm_75 (they shuffle instead);
// warp_nvcc_test.cpp runs both.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>
#include <cub/warp/warp_reduce.cuh>

namespace cg = cooperative_groups;

// out[warp] = sum of the warp's inputs (shfl.sync.down tree).
extern "C" __global__ void shuffleSum(const int *in, int *out) {
  int value = in[threadIdx.x];
  for (int offset = 16; offset > 0; offset /= 2)
    value += __shfl_down_sync(0xffffffff, value, offset);
  if (threadIdx.x % 32 == 0)
    out[threadIdx.x / 32] = value;
}

// out[tid] = inclusive prefix sum within segments of 8 lanes (shfl.sync.up with a width).
extern "C" __global__ void segmentedScan(const int *in, int *out) {
  int value = in[threadIdx.x];
  for (int offset = 1; offset < 8; offset *= 2) {
    int other = __shfl_up_sync(0xffffffff, value, offset, 8);
    if (threadIdx.x % 8 >= offset)
      value += other;
  }
  out[threadIdx.x] = value;
}

// Ballot, activemask in a divergent branch, match.any and redux.
extern "C" __global__ void votes(const int *in, int *out) {
  int value = in[threadIdx.x];
  unsigned ballot = __ballot_sync(0xffffffff, value > 0);
  unsigned active = 0;
  if (value % 2 == 0)
    active = __activemask();
  unsigned same = __match_any_sync(0xffffffff, value);
#if __CUDA_ARCH__ >= 800
  unsigned sum = __reduce_add_sync(0xffffffff, unsigned(value));
#else
  unsigned sum = unsigned(value);
  for (int mask = 16; mask > 0; mask /= 2)
    sum += __shfl_xor_sync(0xffffffff, sum, mask);
#endif
  int allPositive = __all_sync(0xffffffff, value > 0);
  out[threadIdx.x * 5 + 0] = int(ballot);
  out[threadIdx.x * 5 + 1] = int(active);
  out[threadIdx.x * 5 + 2] = int(same);
  out[threadIdx.x * 5 + 3] = int(sum);
  out[threadIdx.x * 5 + 4] = allPositive;
}

// cooperative_groups: tiles of 16 reduce with cg::reduce, and a tile's thread_rank and
// meta_group_rank.
extern "C" __global__ void tiles(const int *in, int *out) {
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<16> tile = cg::tiled_partition<16>(block);
  int value = in[block.thread_rank()];
  int sum = cg::reduce(tile, value, cg::plus<int>());
  int maximum = cg::reduce(tile, value, cg::greater<int>());
  out[block.thread_rank() * 3 + 0] = sum;
  out[block.thread_rank() * 3 + 1] = maximum;
  out[block.thread_rank() * 3 + 2] = int(tile.meta_group_rank() * 100 + tile.thread_rank());
}

// cub::WarpReduce: every warp's sum in lane 0.
extern "C" __global__ void cubWarpSum(const int *in, int *out) {
  using WarpReduce = cub::WarpReduce<int>;
  __shared__ typename WarpReduce::TempStorage storage[4];
  int warp = threadIdx.x / 32;
  int sum = WarpReduce(storage[warp]).Sum(in[threadIdx.x]);
  if (threadIdx.x % 32 == 0)
    out[warp] = sum;
}

// cub::BlockReduce (warp reductions, default algorithm) and cub::BlockScan over 128 threads.
extern "C" __global__ void cubBlock(const int *in, int *out) {
  using BlockReduce = cub::BlockReduce<int, 128>;
  using BlockScan = cub::BlockScan<int, 128>;
  __shared__ typename BlockReduce::TempStorage reduceStorage;
  __shared__ typename BlockScan::TempStorage scanStorage;
  int value = in[blockIdx.x * 128 + threadIdx.x];
  int sum = BlockReduce(reduceStorage).Sum(value);
  __syncthreads(); // reduceStorage is reused
  int maximum = BlockReduce(reduceStorage).Reduce(value, cuda::maximum<>{});
  int prefix = 0;
  BlockScan(scanStorage).ExclusiveSum(value, prefix);
  if (threadIdx.x == 0) {
    out[blockIdx.x * 130 + 128] = sum;
    out[blockIdx.x * 130 + 129] = maximum;
  }
  out[blockIdx.x * 130 + threadIdx.x] = prefix;
}

// __syncthreads_count / _and / _or.
extern "C" __global__ void syncthreadsReductions(const int *in, int *out) {
  int value = in[threadIdx.x];
  int count = __syncthreads_count(value > 10);
  int all = __syncthreads_and(value > 10);
  int any = __syncthreads_or(value > 10);
  out[threadIdx.x * 3 + 0] = count;
  out[threadIdx.x * 3 + 1] = all;
  out[threadIdx.x * 3 + 2] = any;
}
