// Kernels in the style of the CUDA samples: a 256-bin histogram with per-block shared-memory
// atomics (histogram256), a tiled matrix transpose through padded shared memory (transpose) and a
// scalar product with a shared-memory tree per block (scalarProd). Each result is checked against
// the host.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kBins = 256;
constexpr int kTileDim = 32;
constexpr int kBlockRows = 8;

__global__ void histogram256(const uint8_t *data, int n, unsigned *bins) {
  __shared__ unsigned local[kBins];
  for (int b = threadIdx.x; b < kBins; b += blockDim.x)
    local[b] = 0;
  __syncthreads();
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
    atomicAdd(&local[data[i]], 1u);
  __syncthreads();
  for (int b = threadIdx.x; b < kBins; b += blockDim.x)
    atomicAdd(&bins[b], local[b]);
}

__global__ void transpose(float *out, const float *in, int width, int height) {
  __shared__ float tile[kTileDim][kTileDim + 1];
  int x = blockIdx.x * kTileDim + threadIdx.x;
  int y = blockIdx.y * kTileDim + threadIdx.y;
  for (int j = 0; j < kTileDim; j += kBlockRows)
    if (x < width && y + j < height)
      tile[threadIdx.y + j][threadIdx.x] = in[(y + j) * width + x];
  __syncthreads();
  x = blockIdx.y * kTileDim + threadIdx.x;
  y = blockIdx.x * kTileDim + threadIdx.y;
  for (int j = 0; j < kTileDim; j += kBlockRows)
    if (x < height && y + j < width)
      out[(y + j) * height + x] = tile[threadIdx.x][threadIdx.y + j];
}

__global__ void scalarProd(const float *a, const float *b, float *products, int vectorLength) {
  __shared__ float accumulator[256];
  const float *va = a + blockIdx.x * vectorLength;
  const float *vb = b + blockIdx.x * vectorLength;
  float sum = 0;
  for (int i = threadIdx.x; i < vectorLength; i += blockDim.x)
    sum += va[i] * vb[i];
  accumulator[threadIdx.x] = sum;
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    __syncthreads();
    if (threadIdx.x < stride)
      accumulator[threadIdx.x] += accumulator[threadIdx.x + stride];
  }
  if (threadIdx.x == 0)
    products[blockIdx.x] = accumulator[0];
}

int checkHistogram() {
  const int n = 100000;
  std::vector<uint8_t> data(n);
  for (int i = 0; i < n; ++i)
    data[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  uint8_t *deviceData;
  unsigned *bins;
  CHECK(cudaMalloc(&deviceData, n));
  CHECK(cudaMalloc(&bins, kBins * sizeof(unsigned)));
  CHECK(cudaMemcpy(deviceData, data.data(), n, cudaMemcpyHostToDevice));
  CHECK(cudaMemset(bins, 0, kBins * sizeof(unsigned)));
  histogram256<<<24, 192>>>(deviceData, n, bins);
  CHECK(cudaGetLastError());
  std::vector<unsigned> got(kBins), expected(kBins, 0);
  CHECK(cudaMemcpy(got.data(), bins, kBins * sizeof(unsigned), cudaMemcpyDeviceToHost));
  for (uint8_t value : data)
    ++expected[value];
  EXPECT(got == expected);
  CHECK(cudaFree(deviceData));
  CHECK(cudaFree(bins));
  return EXIT_SUCCESS;
}

int checkTranspose() {
  const int width = 100, height = 70;
  std::vector<float> in(width * height), got(width * height);
  for (int i = 0; i < width * height; ++i)
    in[i] = static_cast<float>(i) * 0.5f;
  float *deviceIn, *deviceOut;
  CHECK(cudaMalloc(&deviceIn, in.size() * sizeof(float)));
  CHECK(cudaMalloc(&deviceOut, in.size() * sizeof(float)));
  CHECK(cudaMemcpy(deviceIn, in.data(), in.size() * sizeof(float), cudaMemcpyHostToDevice));
  dim3 grid((width + kTileDim - 1) / kTileDim, (height + kTileDim - 1) / kTileDim);
  transpose<<<grid, dim3(kTileDim, kBlockRows)>>>(deviceOut, deviceIn, width, height);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(got.data(), deviceOut, got.size() * sizeof(float), cudaMemcpyDeviceToHost));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      EXPECT(got[x * height + y] == in[y * width + x]);
  CHECK(cudaFree(deviceIn));
  CHECK(cudaFree(deviceOut));
  return EXIT_SUCCESS;
}

int checkScalarProd() {
  const int vectors = 16, length = 1000;
  std::vector<float> a(vectors * length), b(vectors * length), got(vectors);
  for (int i = 0; i < vectors * length; ++i) {
    a[i] = static_cast<float>(i % 17) * 0.25f;
    b[i] = static_cast<float>(i % 13) - 6.0f;
  }
  float *deviceA, *deviceB, *products;
  CHECK(cudaMalloc(&deviceA, a.size() * sizeof(float)));
  CHECK(cudaMalloc(&deviceB, b.size() * sizeof(float)));
  CHECK(cudaMalloc(&products, vectors * sizeof(float)));
  CHECK(cudaMemcpy(deviceA, a.data(), a.size() * sizeof(float), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(deviceB, b.data(), b.size() * sizeof(float), cudaMemcpyHostToDevice));
  scalarProd<<<vectors, 256>>>(deviceA, deviceB, products, length);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(got.data(), products, vectors * sizeof(float), cudaMemcpyDeviceToHost));
  // Every product and partial sum is a multiple of 0.25 below 2^24 * 0.25: exact in float.
  for (int v = 0; v < vectors; ++v) {
    double expected = 0;
    for (int i = 0; i < length; ++i)
      expected += double(a[v * length + i]) * b[v * length + i];
    EXPECT(got[v] == static_cast<float>(expected));
  }
  CHECK(cudaFree(deviceA));
  CHECK(cudaFree(deviceB));
  CHECK(cudaFree(products));
  return EXIT_SUCCESS;
}

int main() {
  if (checkHistogram() != EXIT_SUCCESS || checkTranspose() != EXIT_SUCCESS ||
      checkScalarProd() != EXIT_SUCCESS)
    return EXIT_FAILURE;
  std::printf("histogram256, transpose and scalar product match\n");
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
