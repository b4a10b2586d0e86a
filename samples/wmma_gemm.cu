// Tensor-core style matrix products with nvcuda::wmma as a user writes them: a 64x48x64 f16
// GEMM with f32 accumulators (row-major A, column-major B, a K loop over 16-wide slices, the
// accumulator scaled element by element and stored column-major) and a 32x16x32 s8 GEMM with
// s32 accumulators through shared memory (m32n8k16). The inputs are small integers, so every
// product is exact and the results compare bit for bit with the host's.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include "check.h"

using namespace nvcuda;

constexpr int kM = 64, kN = 48, kK = 64;

// One warp per 16x16 tile of D; four warps a block.
__global__ void halfGemm(const half *a, const half *b, float *d, float alpha) {
  int warp = (blockIdx.x * blockDim.x + threadIdx.x) / 32;
  int tileRow = warp / (kN / 16), tileCol = warp % (kN / 16);
  if (tileRow >= kM / 16)
    return;
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 0.0f);
  for (int k = 0; k < kK; k += 16) {
    wmma::load_matrix_sync(fa, a + tileRow * 16 * kK + k, kK);
    wmma::load_matrix_sync(fb, b + tileCol * 16 * kK + k, kK);
    wmma::mma_sync(acc, fa, fb, acc);
  }
  for (int i = 0; i < acc.num_elements; ++i)
    acc.x[i] *= alpha;
  wmma::store_matrix_sync(d + tileCol * 16 * kM + tileRow * 16, acc, kM, wmma::mem_col_major);
}

constexpr int kIM = 32, kIN = 16, kIK = 32;

// One block of two warps, each an m32n8 column slice of D, staging A and B in shared memory.
__global__ void byteGemm(const signed char *a, const signed char *b, int *d) {
  __shared__ signed char sa[kIM * kIK], sb[kIK * kIN];
  for (int i = threadIdx.x; i < kIM * kIK; i += blockDim.x)
    sa[i] = a[i];
  for (int i = threadIdx.x; i < kIK * kIN; i += blockDim.x)
    sb[i] = b[i];
  __syncthreads();
  int warp = threadIdx.x / 32;
  wmma::fragment<wmma::matrix_a, 32, 8, 16, signed char, wmma::col_major> fa;
  wmma::fragment<wmma::matrix_b, 32, 8, 16, signed char, wmma::row_major> fb;
  wmma::fragment<wmma::accumulator, 32, 8, 16, int> acc;
  wmma::fill_fragment(acc, 1);
  for (int k = 0; k < kIK; k += 16) {
    wmma::load_matrix_sync(fa, sa + k * kIM, kIM);
    wmma::load_matrix_sync(fb, sb + k * kIN + warp * 8, kIN);
    wmma::mma_sync(acc, fa, fb, acc);
  }
  wmma::store_matrix_sync(d + warp * 8, acc, kIN, wmma::mem_row_major);
}

int main() {
  std::vector<half> a(kM * kK), b(kK * kN);
  std::vector<float> fa(kM * kK), fb(kK * kN);
  for (int i = 0; i < kM * kK; ++i) {
    fa[i] = float(i * 37 % 17 - 8);
    a[i] = __float2half(fa[i]);
  }
  for (int i = 0; i < kK * kN; ++i) { // column-major: element (k, n) at n * kK + k
    fb[i] = float(i * 11 % 13 - 6);
    b[i] = __float2half(fb[i]);
  }
  half *dA = nullptr, *dB = nullptr;
  float *dD = nullptr;
  CHECK(cudaMalloc(&dA, a.size() * sizeof(half)));
  CHECK(cudaMalloc(&dB, b.size() * sizeof(half)));
  CHECK(cudaMalloc(&dD, kM * kN * sizeof(float)));
  CHECK(cudaMemcpy(dA, a.data(), a.size() * sizeof(half), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dB, b.data(), b.size() * sizeof(half), cudaMemcpyHostToDevice));
  const int tiles = (kM / 16) * (kN / 16);
  halfGemm<<<(tiles + 3) / 4, 128>>>(dA, dB, dD, 0.5f);
  CHECK(cudaGetLastError());
  std::vector<float> d(kM * kN);
  CHECK(cudaMemcpy(d.data(), dD, d.size() * sizeof(float), cudaMemcpyDeviceToHost));
  int errors = 0;
  for (int m = 0; m < kM; ++m)
    for (int n = 0; n < kN; ++n) {
      float sum = 0;
      for (int k = 0; k < kK; ++k)
        sum += fa[m * kK + k] * fb[n * kK + k];
      errors += d[n * kM + m] != sum * 0.5f;
    }

  std::vector<signed char> ia(kIM * kIK), ib(kIK * kIN);
  for (int i = 0; i < kIM * kIK; ++i) // column-major: element (m, k) at k * kIM + m
    ia[i] = static_cast<signed char>(i * 29 % 255 - 127);
  for (int i = 0; i < kIK * kIN; ++i) // row-major
    ib[i] = static_cast<signed char>(i * 53 % 251 - 125);
  signed char *dIA = nullptr, *dIB = nullptr;
  int *dID = nullptr;
  CHECK(cudaMalloc(&dIA, ia.size()));
  CHECK(cudaMalloc(&dIB, ib.size()));
  CHECK(cudaMalloc(&dID, kIM * kIN * sizeof(int)));
  CHECK(cudaMemcpy(dIA, ia.data(), ia.size(), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dIB, ib.data(), ib.size(), cudaMemcpyHostToDevice));
  byteGemm<<<1, 64>>>(dIA, dIB, dID);
  CHECK(cudaGetLastError());
  std::vector<int> id(kIM * kIN);
  CHECK(cudaMemcpy(id.data(), dID, id.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int m = 0; m < kIM; ++m)
    for (int n = 0; n < kIN; ++n) {
      int sum = 1;
      for (int k = 0; k < kIK; ++k)
        sum += ia[k * kIM + m] * ib[k * kIN + n];
      errors += id[m * kIN + n] != sum;
    }
  CHECK(cudaFree(dA));
  CHECK(cudaFree(dB));
  CHECK(cudaFree(dD));
  CHECK(cudaFree(dIA));
  CHECK(cudaFree(dIB));
  CHECK(cudaFree(dID));
  std::printf("wmma_gemm: %dx%dx%d f16 and %dx%dx%d s8 products, %d errors\n", kM, kN, kK, kIM, kIN,
              kIK, errors);
  std::printf(errors == 0 ? "PASS\n" : "FAIL\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
