// C = A * B with 16x16 shared-memory tiles: two __syncthreads inside the loop over tiles, 2D
// blocks and grids, and matrix sizes that are not multiples of the tile.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kTile = 16;

__global__ void matmul(const float *a, const float *b, float *c, int m, int k, int n) {
  __shared__ float tileA[kTile][kTile];
  __shared__ float tileB[kTile][kTile];
  int row = blockIdx.y * kTile + threadIdx.y;
  int col = blockIdx.x * kTile + threadIdx.x;
  float sum = 0.0f;
  for (int t = 0; t < (k + kTile - 1) / kTile; ++t) {
    int aCol = t * kTile + threadIdx.x;
    int bRow = t * kTile + threadIdx.y;
    tileA[threadIdx.y][threadIdx.x] = row < m && aCol < k ? a[row * k + aCol] : 0.0f;
    tileB[threadIdx.y][threadIdx.x] = bRow < k && col < n ? b[bRow * n + col] : 0.0f;
    __syncthreads();
    for (int i = 0; i < kTile; ++i)
      sum += tileA[threadIdx.y][i] * tileB[i][threadIdx.x];
    __syncthreads();
  }
  if (row < m && col < n)
    c[row * n + col] = sum;
}

int main() {
  const int m = 197, k = 131, n = 173;
  std::vector<float> a(m * k), b(k * n), c(m * n);
  for (int i = 0; i < m * k; ++i)
    a[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
  for (int i = 0; i < k * n; ++i)
    b[i] = static_cast<float>((i * 53) % 89) / 44.0f - 1.0f;
  float *da, *db, *dc;
  CHECK(cudaMalloc(&da, a.size() * sizeof(float)));
  CHECK(cudaMalloc(&db, b.size() * sizeof(float)));
  CHECK(cudaMalloc(&dc, c.size() * sizeof(float)));
  CHECK(cudaMemcpy(da, a.data(), a.size() * sizeof(float), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(db, b.data(), b.size() * sizeof(float), cudaMemcpyHostToDevice));
  dim3 block(kTile, kTile);
  dim3 grid((n + kTile - 1) / kTile, (m + kTile - 1) / kTile);
  matmul<<<grid, block>>>(da, db, dc, m, k, n);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(c.data(), dc, c.size() * sizeof(float), cudaMemcpyDeviceToHost));
  // The device sums in a different order than a naive host loop; compare with a tolerance
  // scaled to the magnitude of the terms.
  double worst = 0;
  for (int r = 0; r < m; ++r)
    for (int col = 0; col < n; ++col) {
      double ref = 0, scale = 0;
      for (int i = 0; i < k; ++i) {
        ref += static_cast<double>(a[r * k + i]) * b[i * n + col];
        scale += std::fabs(static_cast<double>(a[r * k + i]) * b[i * n + col]);
      }
      double error = std::fabs(c[r * n + col] - ref) / (scale + 1e-30);
      worst = error > worst ? error : worst;
    }
  CHECK(cudaFree(da));
  CHECK(cudaFree(db));
  CHECK(cudaFree(dc));
  bool ok = worst < 1e-5;
  std::printf("matrix_multiply: %dx%d * %dx%d, worst relative error %.3g\n", m, k, k, n, worst);
  std::printf(ok ? "PASS\n" : "FAIL\n");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
