// A cooperative kernel: every block stays resident and the whole grid meets at
// cooperative_groups::this_grid().sync() between phases. Phase 1 reduces the input to per-block
// partial sums, phase 2 (block 0) adds the partials, phase 3 centres every element on the mean
// that phase 2 found, phase 4 sums the squares of the centred values. The grid is sized with the
// occupancy API, as cooperative launches require, and launched twice: with
// cudaLaunchCooperativeKernel and with cudaLaunchKernelExC's cooperative attribute.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cooperative_groups.h>
#include <cuda_runtime.h>

#include "check.h"

namespace cg = cooperative_groups;

constexpr int kBlock = 128;

__device__ double blockSum(double value) {
  __shared__ double sums[kBlock];
  sums[threadIdx.x] = value;
  __syncthreads();
  for (int stride = kBlock / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      sums[threadIdx.x] += sums[threadIdx.x + stride];
    __syncthreads();
  }
  double total = sums[0];
  __syncthreads();
  return total;
}

__global__ void centreAndVariance(const float *in, float *centred, double *partial, double *result,
                                  int n) {
  cg::grid_group grid = cg::this_grid();
  unsigned long long stride = grid.size();

  double sum = 0;
  for (unsigned long long i = grid.thread_rank(); i < n; i += stride)
    sum += in[i];
  sum = blockSum(sum);
  if (threadIdx.x == 0)
    partial[blockIdx.x] = sum;
  grid.sync();

  if (blockIdx.x == 0 && threadIdx.x == 0) {
    double total = 0;
    for (unsigned b = 0; b < gridDim.x; ++b)
      total += partial[b];
    result[0] = total;
  }
  grid.sync();

  float mean = static_cast<float>(result[0] / n);
  double squares = 0;
  for (unsigned long long i = grid.thread_rank(); i < n; i += stride) {
    centred[i] = in[i] - mean;
    squares += double(centred[i]) * centred[i];
  }
  squares = blockSum(squares);
  if (threadIdx.x == 0)
    partial[blockIdx.x] = squares;
  grid.sync();

  if (grid.thread_rank() == 0) {
    double total = 0;
    for (unsigned b = 0; b < gridDim.x; ++b)
      total += partial[b];
    result[1] = total;
  }
}

int run(int gridSize, bool viaLaunchEx, const std::vector<float> &host, float *in, float *centred,
        double *partial, double *result) {
  int n = static_cast<int>(host.size());
  CHECK(cudaMemset(result, 0, 2 * sizeof(double)));
  void *args[] = {&in, &centred, &partial, &result, &n};
  if (viaLaunchEx) {
    cudaLaunchAttribute attribute{};
    attribute.id = cudaLaunchAttributeCooperative;
    attribute.val.cooperative = 1;
    cudaLaunchConfig_t config{};
    config.gridDim = dim3(gridSize);
    config.blockDim = dim3(kBlock);
    config.attrs = &attribute;
    config.numAttrs = 1;
    CHECK(cudaLaunchKernelExC(&config, reinterpret_cast<const void *>(centreAndVariance), args));
  } else {
    CHECK(cudaLaunchCooperativeKernel(reinterpret_cast<const void *>(centreAndVariance),
                                      dim3(gridSize), dim3(kBlock), args, 0, nullptr));
  }
  CHECK(cudaDeviceSynchronize());

  double results[2];
  std::vector<float> gotCentred(host.size());
  CHECK(cudaMemcpy(results, result, sizeof results, cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(gotCentred.data(), centred, n * sizeof(float), cudaMemcpyDeviceToHost));

  double sum = 0;
  for (float v : host)
    sum += v;
  float mean = static_cast<float>(sum / n);
  double squares = 0;
  for (int i = 0; i < n; ++i) {
    float expected = host[i] - mean;
    squares += double(expected) * expected;
    if (gotCentred[i] != expected) {
      std::printf("centred[%d] = %f, expected %f\nFAIL\n", i, gotCentred[i], expected);
      return EXIT_FAILURE;
    }
  }
  if (std::fabs(results[0] - sum) > 1e-6 * std::fabs(sum) ||
      std::fabs(results[1] - squares) > 1e-6 * squares) {
    std::printf("sum %f (expected %f), squares %f (expected %f)\nFAIL\n", results[0], sum,
                results[1], squares);
    return EXIT_FAILURE;
  }
  std::printf("grid of %d blocks (%s): sum %.1f, sum of squares %.1f\n", gridSize,
              viaLaunchEx ? "cudaLaunchKernelExC" : "cudaLaunchCooperativeKernel", results[0],
              results[1]);
  return EXIT_SUCCESS;
}

int main() {
  int device = 0, cooperative = 0, multiprocessors = 0, blocksPerMultiprocessor = 0;
  CHECK(cudaGetDevice(&device));
  CHECK(cudaDeviceGetAttribute(&cooperative, cudaDevAttrCooperativeLaunch, device));
  CHECK(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, device));
  if (!cooperative) {
    std::printf("the device does not support cooperative launches\nFAIL\n");
    return EXIT_FAILURE;
  }
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocksPerMultiprocessor, centreAndVariance,
                                                      kBlock, 0));
  int gridSize = blocksPerMultiprocessor * multiprocessors;
  if (gridSize < 1) {
    std::printf("occupancy of 0 blocks\nFAIL\n");
    return EXIT_FAILURE;
  }

  const int n = 100003;
  std::vector<float> host(n);
  for (int i = 0; i < n; ++i)
    host[i] = static_cast<float>((i * 37) % 1001) * 0.25f;
  float *in = nullptr, *centred = nullptr;
  double *partial = nullptr, *result = nullptr;
  CHECK(cudaMalloc(&in, n * sizeof(float)));
  CHECK(cudaMalloc(&centred, n * sizeof(float)));
  CHECK(cudaMalloc(&partial, (gridSize + 1) * sizeof(double)));
  CHECK(cudaMalloc(&result, 2 * sizeof(double)));
  CHECK(cudaMemcpy(in, host.data(), n * sizeof(float), cudaMemcpyHostToDevice));

  if (run(gridSize, false, host, in, centred, partial, result) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  if (run(gridSize, true, host, in, centred, partial, result) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  if (gridSize > 1 && run(1, false, host, in, centred, partial, result) != EXIT_SUCCESS)
    return EXIT_FAILURE;

  // One block more than can be resident at once is refused, and the device stays usable.
  int n32 = n;
  void *args[] = {&in, &centred, &partial, &result, &n32};
  cudaError_t tooLarge =
      cudaLaunchCooperativeKernel(reinterpret_cast<const void *>(centreAndVariance),
                                  dim3(gridSize + 1), dim3(kBlock), args, 0, nullptr);
  if (tooLarge != cudaErrorCooperativeLaunchTooLarge) {
    std::printf("a grid of %d blocks gave %s, expected cudaErrorCooperativeLaunchTooLarge\nFAIL\n",
                gridSize + 1, cudaGetErrorName(tooLarge));
    return EXIT_FAILURE;
  }
  if (cudaGetLastError() != cudaErrorCooperativeLaunchTooLarge) {
    std::printf("cudaGetLastError did not report the refused launch\nFAIL\n");
    return EXIT_FAILURE;
  }
  CHECK(cudaDeviceSynchronize());

  CHECK(cudaFree(in));
  CHECK(cudaFree(centred));
  CHECK(cudaFree(partial));
  CHECK(cudaFree(result));
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
