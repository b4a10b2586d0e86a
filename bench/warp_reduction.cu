// Side-by-side: block sums computed three ways on the same data, as CUDA programs write them:
// a shared-memory tree with __syncthreads between steps, __shfl_down_sync inside each warp then
// one shared-memory step across warps, and cub::BlockReduce. Prints each one's time relative to
// the shared-memory tree (steady state, median of several launches), and checks the sums agree.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include <cub/block/block_reduce.cuh>
#include <cuda_runtime.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    cudaError_t status = (call);                                                                   \
    if (status != cudaSuccess) {                                                                   \
      std::printf("%s failed: %s\n", #call, cudaGetErrorString(status));                          \
      std::exit(EXIT_FAILURE);                                                                     \
    }                                                                                              \
  } while (0)

constexpr int kBlock = 256;

__global__ void sharedTree(const int *in, int *out) {
  __shared__ int sums[kBlock];
  sums[threadIdx.x] = in[blockIdx.x * kBlock + threadIdx.x];
  __syncthreads();
  for (int stride = kBlock / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      sums[threadIdx.x] += sums[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    out[blockIdx.x] = sums[0];
}

__global__ void warpShuffle(const int *in, int *out) {
  __shared__ int warpSums[kBlock / 32];
  int value = in[blockIdx.x * kBlock + threadIdx.x];
  for (int offset = 16; offset > 0; offset /= 2)
    value += __shfl_down_sync(0xffffffff, value, offset);
  if (threadIdx.x % 32 == 0)
    warpSums[threadIdx.x / 32] = value;
  __syncthreads();
  if (threadIdx.x < 32) {
    value = threadIdx.x < kBlock / 32 ? warpSums[threadIdx.x] : 0;
    for (int offset = 16; offset > 0; offset /= 2)
      value += __shfl_down_sync(0xffffffff, value, offset);
    if (threadIdx.x == 0)
      out[blockIdx.x] = value;
  }
}

__global__ void cubBlockReduce(const int *in, int *out) {
  using BlockReduce = cub::BlockReduce<int, kBlock>;
  __shared__ typename BlockReduce::TempStorage storage;
  int sum = BlockReduce(storage).Sum(in[blockIdx.x * kBlock + threadIdx.x]);
  if (threadIdx.x == 0)
    out[blockIdx.x] = sum;
}

double medianSeconds(const std::function<void()> &work, int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int main() {
  const int blocks = 2048, n = blocks * kBlock, runs = 7;
  std::vector<int> host(n);
  for (int i = 0; i < n; ++i)
    host[i] = int(static_cast<long long>(i) * 7919 % 1001) - 500;
  std::vector<long long> expected(blocks, 0);
  for (int i = 0; i < n; ++i)
    expected[i / kBlock] += host[i];
  int *in = nullptr, *out = nullptr;
  CHECK(cudaMalloc(&in, n * sizeof(int)));
  CHECK(cudaMalloc(&out, blocks * sizeof(int)));
  CHECK(cudaMemcpy(in, host.data(), n * sizeof(int), cudaMemcpyHostToDevice));

  struct Variant {
    const char *name;
    void (*kernel)(const int *, int *);
  } variants[] = {{"shared-memory tree", sharedTree},
                  {"warp shuffles", warpShuffle},
                  {"cub::BlockReduce", cubBlockReduce}};
  double baseline = 0;
  bool ok = true;
  for (const Variant &variant : variants) {
    auto launch = [&] {
      variant.kernel<<<blocks, kBlock>>>(in, out);
      CHECK(cudaDeviceSynchronize());
    };
    launch(); // compiles
    double time = medianSeconds(launch, runs);
    std::vector<int> sums(blocks);
    CHECK(cudaMemcpy(sums.data(), out, blocks * sizeof(int), cudaMemcpyDeviceToHost));
    for (int b = 0; b < blocks; ++b)
      ok &= sums[b] == expected[b];
    if (baseline == 0)
      baseline = time;
    std::printf("%-20s %6.2fx the shared-memory tree's time\n", variant.name, time / baseline);
  }
  CHECK(cudaFree(in));
  CHECK(cudaFree(out));
  std::printf(ok ? "sums agree\n" : "sums DIFFER\n");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
