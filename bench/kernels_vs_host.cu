// Side-by-side: the same computations as CUDA kernels (run by whatever libcudart the program binds
// to: cuport's CPU backend here) and as plain host C++ loops compiled by the host compiler, in one
// process on the same data. Prints the kernel/host time ratio per workload, and the first launch
// (which includes cuport's JIT compilation) separately from the steady state.
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

constexpr int kTile = 16;

__global__ void saxpy(int n, float a, const float *x, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

__global__ void blockSum(const float *in, float *out, int n) {
  __shared__ float sums[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  sums[threadIdx.x] = i < n ? in[i] : 0.0f;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      sums[threadIdx.x] += sums[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    out[blockIdx.x] = sums[0];
}

__global__ void matmul(const float *a, const float *b, float *c, int n) {
  __shared__ float tileA[kTile][kTile];
  __shared__ float tileB[kTile][kTile];
  int row = blockIdx.y * kTile + threadIdx.y, col = blockIdx.x * kTile + threadIdx.x;
  float sum = 0.0f;
  for (int t = 0; t < n / kTile; ++t) {
    tileA[threadIdx.y][threadIdx.x] = a[row * n + t * kTile + threadIdx.x];
    tileB[threadIdx.y][threadIdx.x] = b[(t * kTile + threadIdx.y) * n + col];
    __syncthreads();
    for (int i = 0; i < kTile; ++i)
      sum += tileA[threadIdx.y][i] * tileB[i][threadIdx.x];
    __syncthreads();
  }
  c[row * n + col] = sum;
}

double seconds(const std::function<void()> &work) {
  auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Median of several runs: robust against a noisy machine.
double median(const std::function<void()> &work, int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i)
    times.push_back(seconds(work));
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void report(const char *name, double first, double kernel, double host) {
  std::printf("%-28s first launch %8.2f ms   kernel/host ratio %6.2f   (first/steady %.1f)\n",
              name, first * 1e3, kernel / host, first / kernel);
}

int main() {
  const int runs = 5;
  { // saxpy: memory bound, no barriers
    const int n = 1 << 24;
    std::vector<float> x(n, 1.5f), y(n, 2.0f);
    float *dx, *dy;
    CHECK(cudaMalloc(&dx, n * sizeof(float)));
    CHECK(cudaMalloc(&dy, n * sizeof(float)));
    CHECK(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dy, y.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    auto kernel = [&] {
      saxpy<<<(n + 255) / 256, 256>>>(n, 0.5f, dx, dy);
      CHECK(cudaDeviceSynchronize());
    };
    double first = seconds(kernel);
    double device = median(kernel, runs);
    double host = median(
        [&] {
          for (int i = 0; i < n; ++i)
            y[i] = 0.5f * x[i] + y[i];
        },
        runs);
    report("saxpy (16M floats)", first, device, host);
    CHECK(cudaFree(dx));
    CHECK(cudaFree(dy));
  }
  { // block reduction: barriers in a loop
    const int n = 1 << 24, blocks = n / 256;
    std::vector<float> in(n, 1.0f), partial(blocks);
    float *din, *dout;
    CHECK(cudaMalloc(&din, n * sizeof(float)));
    CHECK(cudaMalloc(&dout, blocks * sizeof(float)));
    CHECK(cudaMemcpy(din, in.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    auto kernel = [&] {
      blockSum<<<blocks, 256>>>(din, dout, n);
      CHECK(cudaDeviceSynchronize());
    };
    double first = seconds(kernel);
    double device = median(kernel, runs);
    double host = median(
        [&] {
          for (int b = 0; b < blocks; ++b) {
            float sum = 0;
            for (int i = 0; i < 256; ++i)
              sum += in[b * 256 + i];
            partial[b] = sum;
          }
        },
        runs);
    report("block reduction (16M)", first, device, host);
    CHECK(cudaFree(din));
    CHECK(cudaFree(dout));
  }
  { // tiled matmul: barriers, shared memory reuse, compute bound
    const int n = 512;
    std::vector<float> a(n * n, 0.5f), b(n * n, 0.25f), c(n * n);
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, n * n * sizeof(float)));
    CHECK(cudaMalloc(&db, n * n * sizeof(float)));
    CHECK(cudaMalloc(&dc, n * n * sizeof(float)));
    CHECK(cudaMemcpy(da, a.data(), n * n * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, b.data(), n * n * sizeof(float), cudaMemcpyHostToDevice));
    auto kernel = [&] {
      matmul<<<dim3(n / kTile, n / kTile), dim3(kTile, kTile)>>>(da, db, dc, n);
      CHECK(cudaDeviceSynchronize());
    };
    double first = seconds(kernel);
    double device = median(kernel, runs);
    double host = median(
        [&] {
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
              float sum = 0;
              for (int k = 0; k < n; ++k)
                sum += a[i * n + k] * b[k * n + j];
              c[i * n + j] = sum;
            }
        },
        runs);
    report("tiled matmul (512x512)", first, device, host);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
  }
  std::printf("ratios below 1 mean the kernel through cuport beat one host thread; the kernels use "
              "every core, the host loops one\n");
  return 0;
}
