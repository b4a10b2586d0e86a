// Side-by-side: what a spin-wait costs on the CPU backend. The same per-thread work (a short
// polynomial over a strided slice of the input) run three ways: plain; after a wait on a shared
// flag that is already raised when the thread gets there (the loop never iterates, but the kernel
// becomes a coroutine with a yield on its back edge); and after a wait on a flag the block's last
// warp raises, so that the first warps really wait (yield) for it. Prints each one's time relative
// to the plain kernel (steady state, median of several launches) and checks the results agree.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

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
constexpr int kSteps = 64; // elements each thread reads

__device__ int work(const int *in, int base) {
  int sum = 0;
  for (int step = 0; step < kSteps; ++step)
    sum = sum * 3 + in[base + step * kBlock];
  return sum;
}

__global__ void plain(const int *in, int *out) {
  int base = blockIdx.x * kBlock * kSteps + threadIdx.x;
  out[blockIdx.x * kBlock + threadIdx.x] = work(in, base) + 1;
}

// Thread 0 raises the flag before any thread of the block polls it (threads of a block run in
// order up to their first wait), so no poll ever fails; on a GPU it is an ordinary handoff.
__global__ void raisedFlag(const int *in, int *out) {
  __shared__ volatile int flag;
  if (threadIdx.x == 0)
    flag = 1;
  while (flag == 0) {
  }
  int base = blockIdx.x * kBlock * kSteps + threadIdx.x;
  out[blockIdx.x * kBlock + threadIdx.x] = work(in, base) + flag;
}

// The last thread raises the flag: every earlier warp yields until it has run.
__global__ void lastWarpRaises(const int *in, int *out) {
  __shared__ volatile int flag;
  if (threadIdx.x == 0)
    flag = 0;
  __syncthreads();
  if (threadIdx.x == kBlock - 1)
    flag = 1;
  while (flag == 0) {
  }
  int base = blockIdx.x * kBlock * kSteps + threadIdx.x;
  out[blockIdx.x * kBlock + threadIdx.x] = work(in, base) + flag;
}

double medianSeconds(const std::function<void()> &launch, int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    launch();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int main() {
  const int blocks = 512, n = blocks * kBlock * kSteps, runs = 9;
  std::vector<int> host(n);
  for (int i = 0; i < n; ++i)
    host[i] = int(static_cast<long long>(i) * 7919 % 1001) - 500;
  int *in = nullptr, *out = nullptr;
  CHECK(cudaMalloc(&in, n * sizeof(int)));
  CHECK(cudaMalloc(&out, blocks * kBlock * sizeof(int)));
  CHECK(cudaMemcpy(in, host.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  std::vector<int> expected(blocks * kBlock);
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < kBlock; ++t) {
      int sum = 0;
      for (int step = 0; step < kSteps; ++step)
        sum = int(unsigned(sum) * 3u + unsigned(host[b * kBlock * kSteps + t + step * kBlock]));
      expected[b * kBlock + t] = int(unsigned(sum) + 1u);
    }

  struct Variant {
    const char *name;
    void (*kernel)(const int *, int *);
  } variants[] = {{"plain", plain},
                  {"raised flag (coroutine)", raisedFlag},
                  {"last warp raises flag", lastWarpRaises}};
  double baseline = 0;
  bool ok = true;
  for (const Variant &variant : variants) {
    auto launch = [&] {
      variant.kernel<<<blocks, kBlock>>>(in, out);
      CHECK(cudaDeviceSynchronize());
    };
    launch(); // compiles
    double time = medianSeconds(launch, runs);
    std::vector<int> results(blocks * kBlock);
    CHECK(cudaMemcpy(results.data(), out, results.size() * sizeof(int), cudaMemcpyDeviceToHost));
    ok &= results == expected;
    if (baseline == 0)
      baseline = time;
    std::printf("%-26s %8.3f ms %6.2fx the plain kernel's time\n", variant.name, time * 1e3,
                time / baseline);
  }
  CHECK(cudaFree(in));
  CHECK(cudaFree(out));
  std::printf(ok ? "results agree\n" : "results DIFFER\n");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
