// libcu++'s asynchronous barriers and copies as real code uses them: cuda::barrier with
// thread_scope_block in shared memory (mbarrier.init / arrive / test_wait or try_wait), fed by
// cuda::memcpy_async (cp.async with cp.async.mbarrier.arrive), arrive_and_drop for threads that
// leave early, cuda::pipeline for double-buffered copies, a barrier split into arrive and wait
// with work between, and a tile copied by one thread with a 16-byte-aligned size (a bulk copy,
// cp.async.bulk, on sm_90). Every result is checked against the same computation on the host.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cooperative_groups.h>
#include <cuda/barrier>
#include <cuda/pipeline>
#include <cuda_runtime.h>

#include "check.h"

namespace cg = cooperative_groups;
using BlockBarrier = cuda::barrier<cuda::thread_scope_block>;

constexpr int kThreads = 256;
constexpr int kBlocks = 8;
constexpr int kTile = kThreads;
constexpr int kStages = 4; // tiles each block streams through its pipeline

// Each block copies its tile to shared memory through the barrier, then every thread reads a
// neighbour's element: out[i] = 3 * tile[(t + 1) % kTile] + t, in two rounds of the barrier.
__global__ void tileThroughBarrier(const int *in, int *out) {
#pragma nv_diag_suppress static_var_with_dynamic_init
  __shared__ BlockBarrier barrier;
  __shared__ int tile[kTile];
  auto block = cg::this_thread_block();
  if (block.thread_rank() == 0)
    init(&barrier, block.size());
  block.sync();

  cuda::memcpy_async(block, tile, in + blockIdx.x * kTile, sizeof(int) * kTile, barrier);
  barrier.arrive_and_wait();
  int t = threadIdx.x;
  int value = 3 * tile[(t + 1) % kTile] + t;
  // Nobody may overwrite the tile before every thread has read it: arrive now, wait later.
  BlockBarrier::arrival_token token = barrier.arrive();
  value += blockIdx.x;
  barrier.wait(std::move(token));
  tile[t] = value;
  barrier.arrive_and_wait();
  out[blockIdx.x * kTile + t] = tile[(t + kTile - 1) % kTile];
}

// Odd threads drop out of the barrier after the first phase; even threads go through three more
// phases, each adding what the others stored in the phase before.
__global__ void dropOut(int *out) {
#pragma nv_diag_suppress static_var_with_dynamic_init
  __shared__ BlockBarrier barrier;
  __shared__ int slots[kThreads];
  int t = threadIdx.x;
  if (t == 0)
    init(&barrier, blockDim.x);
  __syncthreads();
  slots[t] = t;
  if (t % 2 == 1) {
    out[blockIdx.x * kThreads + t] = -1;
    barrier.arrive_and_drop();
    return;
  }
  int sum = 0;
  for (int round = 0; round < 3; ++round) {
    barrier.arrive_and_wait();
    sum += slots[(t + 2) % kThreads];
    barrier.arrive_and_wait();
    slots[t] += 1;
  }
  out[blockIdx.x * kThreads + t] = sum;
}

// One thread copies the whole tile with a 16-byte-aligned size: on sm_90 libcu++ issues it as a
// bulk copy (cp.async.bulk with the barrier's transaction count), elsewhere as cp.async. Every
// thread then reads a neighbour's element: out[i] = tile[(t + 5) % kTile] - t.
__global__ void bulkTile(const int *in, int *out) {
#pragma nv_diag_suppress static_var_with_dynamic_init
  __shared__ BlockBarrier barrier;
  __shared__ alignas(16) int tile[kTile];
  auto block = cg::this_thread_block();
  if (block.thread_rank() == 0)
    init(&barrier, block.size());
  block.sync();
  if (block.thread_rank() == 0)
    cuda::memcpy_async(tile, in + blockIdx.x * kTile, cuda::aligned_size_t<16>(sizeof(tile)),
                       barrier);
  barrier.arrive_and_wait();
  int t = threadIdx.x;
  out[blockIdx.x * kTile + t] = tile[(t + 5) % kTile] - t;
}

// A two-stage pipeline per thread: stage s + 1 is in flight while stage s is consumed.
__global__ void pipelinedSum(const int *in, int *out) {
  __shared__ int buffers[2][kThreads];
  auto pipeline = cuda::make_pipeline();
  int t = threadIdx.x;
  const int *source = in + blockIdx.x * kStages * kThreads;
  pipeline.producer_acquire();
  cuda::memcpy_async(&buffers[0][t], source + t, sizeof(int), pipeline);
  pipeline.producer_commit();
  int sum = 0;
  for (int stage = 0; stage < kStages; ++stage) {
    if (stage + 1 < kStages) {
      pipeline.producer_acquire();
      cuda::memcpy_async(&buffers[(stage + 1) % 2][t], source + (stage + 1) * kThreads + t,
                         sizeof(int), pipeline);
      pipeline.producer_commit();
    }
    pipeline.consumer_wait();
    sum = sum * 3 + buffers[stage % 2][t];
    pipeline.consumer_release();
  }
  out[blockIdx.x * kThreads + t] = sum;
}

int main() {
  std::vector<int> in(kBlocks * kStages * kThreads);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = int((i * 7919u) % 1000u) - 500;
  int *deviceIn = nullptr, *deviceOut = nullptr;
  CHECK(cudaMalloc(&deviceIn, in.size() * sizeof(int)));
  CHECK(cudaMalloc(&deviceOut, kBlocks * kThreads * sizeof(int)));
  CHECK(cudaMemcpy(deviceIn, in.data(), in.size() * sizeof(int), cudaMemcpyHostToDevice));
  std::vector<int> out(kBlocks * kThreads);

  tileThroughBarrier<<<kBlocks, kThreads>>>(deviceIn, deviceOut);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(out.data(), deviceOut, out.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int b = 0; b < kBlocks; ++b) {
    for (int t = 0; t < kThreads; ++t) {
      int source = (t + kTile - 1) % kTile; // the thread whose value lands here
      int expected = 3 * in[b * kTile + (source + 1) % kTile] + source + b;
      EXPECT(out[b * kThreads + t] == expected);
    }
  }

  dropOut<<<kBlocks, kThreads>>>(deviceOut);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(out.data(), deviceOut, out.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int b = 0; b < kBlocks; ++b) {
    for (int t = 0; t < kThreads; ++t) {
      int expected = -1;
      if (t % 2 == 0) {
        // slots[n] starts at n; even slots gain 1 per round, odd ones stay.
        int neighbour = (t + 2) % kThreads;
        expected = 0;
        for (int round = 0; round < 3; ++round)
          expected += neighbour + round;
      }
      EXPECT(out[b * kThreads + t] == expected);
    }
  }

  bulkTile<<<kBlocks, kThreads>>>(deviceIn, deviceOut);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(out.data(), deviceOut, out.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int b = 0; b < kBlocks; ++b)
    for (int t = 0; t < kThreads; ++t)
      EXPECT(out[b * kThreads + t] == in[b * kTile + (t + 5) % kTile] - t);

  pipelinedSum<<<kBlocks, kThreads>>>(deviceIn, deviceOut);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(out.data(), deviceOut, out.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int b = 0; b < kBlocks; ++b) {
    for (int t = 0; t < kThreads; ++t) {
      int expected = 0;
      for (int stage = 0; stage < kStages; ++stage)
        expected = expected * 3 + in[(b * kStages + stage) * kThreads + t];
      EXPECT(out[b * kThreads + t] == expected);
    }
  }

  CHECK(cudaFree(deviceIn));
  CHECK(cudaFree(deviceOut));
  std::printf("%d blocks: barrier tiles, arrive_and_drop, bulk and pipelined copies match\nPASS\n",
              kBlocks);
  return EXIT_SUCCESS;
}
