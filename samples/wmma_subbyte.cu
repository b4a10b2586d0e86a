// The sub-byte tensor-core products of nvcuda::wmma::experimental as a user writes them: a
// 16x16x64 GEMM of packed 4-bit signed integers (m8n8k32 .s4, two elements a byte, row-major A,
// column-major B, a K loop over 32-wide slices) and a 16x8x256 binary product (m8n8k128 .b1,
// eight elements a byte, D = C + popc(A row XOR B column)), both with s32 accumulators. Integer
// results compare exactly with the host's.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>
#include <mma.h>

#include "check.h"

using namespace nvcuda;
namespace precision = nvcuda::wmma::experimental::precision;

constexpr int kM = 16, kN = 16, kK = 64;     // the s4 product
constexpr int kBM = 16, kBN = 8, kBK = 256;  // the b1 product

// One warp per 8x8 tile of D; A is kM x kK row-major, B kK x kN column-major, both packed two
// elements a byte (the element with the even index in the low nibble).
__global__ void nibbleGemm(const unsigned char *a, const unsigned char *b, int *d) {
  int warp = threadIdx.x / 32;
  int tileRow = warp / (kN / 8), tileCol = warp % (kN / 8);
  wmma::fragment<wmma::matrix_a, 8, 8, 32, precision::s4, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 8, 8, 32, precision::s4, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 8, 8, 32, int> acc;
  wmma::fill_fragment(acc, 0);
  for (int k = 0; k < kK; k += 32) {
    wmma::load_matrix_sync(fa, a + (tileRow * 8 * kK + k) / 2, kK);
    wmma::load_matrix_sync(fb, b + (tileCol * 8 * kK + k) / 2, kK);
    wmma::mma_sync(acc, fa, fb, acc);
  }
  wmma::store_matrix_sync(d + tileRow * 8 * kN + tileCol * 8, acc, kN, wmma::mem_row_major);
}

// One warp per 8x8 tile; A (kBM x kBK, row-major) and B (kBK x kBN, column-major) packed eight
// elements a byte; C starts at 3 and D is stored column-major.
__global__ void bitGemm(const unsigned char *a, const unsigned char *b, int *d) {
  int warp = threadIdx.x / 32;
  wmma::fragment<wmma::matrix_a, 8, 8, 128, precision::b1, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 8, 8, 128, precision::b1, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 8, 8, 128, int> acc;
  wmma::fill_fragment(acc, 3);
  for (int k = 0; k < kBK; k += 128) {
    wmma::load_matrix_sync(fa, a + (warp * 8 * kBK + k) / 8, kBK);
    wmma::load_matrix_sync(fb, b + k / 8, kBK);
    wmma::bmma_sync(acc, fa, fb, acc, wmma::experimental::bmmaBitOpXOR);
  }
  wmma::store_matrix_sync(d + warp * 8, acc, kBM, wmma::mem_col_major);
}

int main() {
  // s4: element values in -8..7.
  // a is row-major, b column-major (element (k, n) at n * kK + k).
  std::vector<int> a(kM * kK), b(kK * kN);
  std::vector<unsigned char> pa(kM * kK / 2), pb(kK * kN / 2);
  for (int i = 0; i < kM * kK; ++i) {
    a[i] = i * 7 % 16 - 8;
    pa[i / 2] |= static_cast<unsigned char>((a[i] & 15) << (4 * (i % 2)));
  }
  for (int i = 0; i < kK * kN; ++i) {
    b[i] = i * 5 % 15 - 7;
    pb[i / 2] |= static_cast<unsigned char>((b[i] & 15) << (4 * (i % 2)));
  }
  unsigned char *dA = nullptr, *dB = nullptr;
  int *dD = nullptr;
  CHECK(cudaMalloc(&dA, pa.size()));
  CHECK(cudaMalloc(&dB, pb.size()));
  CHECK(cudaMalloc(&dD, kM * kN * sizeof(int)));
  CHECK(cudaMemcpy(dA, pa.data(), pa.size(), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dB, pb.data(), pb.size(), cudaMemcpyHostToDevice));
  nibbleGemm<<<1, 32 * (kM / 8) * (kN / 8)>>>(dA, dB, dD);
  CHECK(cudaGetLastError());
  std::vector<int> d(kM * kN);
  CHECK(cudaMemcpy(d.data(), dD, d.size() * sizeof(int), cudaMemcpyDeviceToHost));
  int errors = 0;
  for (int m = 0; m < kM; ++m)
    for (int n = 0; n < kN; ++n) {
      int sum = 0;
      for (int k = 0; k < kK; ++k)
        sum += a[m * kK + k] * b[n * kK + k];
      errors += d[m * kN + n] != sum;
    }

  // b1: bit i of an operand lies in byte i / 8 at bit i % 8.
  std::vector<int> ba(kBM * kBK), bb(kBK * kBN);
  std::vector<unsigned char> pba(kBM * kBK / 8), pbb(kBK * kBN / 8);
  for (int i = 0; i < kBM * kBK; ++i) {
    ba[i] = (i * 13 + i / 7) % 3 == 0;
    pba[i / 8] |= static_cast<unsigned char>(ba[i] << (i % 8));
  }
  for (int i = 0; i < kBK * kBN; ++i) {
    bb[i] = (i * 11 + i / 5) % 4 == 1;
    pbb[i / 8] |= static_cast<unsigned char>(bb[i] << (i % 8));
  }
  unsigned char *dBA = nullptr, *dBB = nullptr;
  int *dBD = nullptr;
  CHECK(cudaMalloc(&dBA, pba.size()));
  CHECK(cudaMalloc(&dBB, pbb.size()));
  CHECK(cudaMalloc(&dBD, kBM * kBN * sizeof(int)));
  CHECK(cudaMemcpy(dBA, pba.data(), pba.size(), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dBB, pbb.data(), pbb.size(), cudaMemcpyHostToDevice));
  bitGemm<<<1, 32 * (kBM / 8)>>>(dBA, dBB, dBD);
  CHECK(cudaGetLastError());
  std::vector<int> bd(kBM * kBN);
  CHECK(cudaMemcpy(bd.data(), dBD, bd.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int m = 0; m < kBM; ++m)
    for (int n = 0; n < kBN; ++n) {
      int sum = 3;
      for (int k = 0; k < kBK; ++k)
        sum += ba[m * kBK + k] ^ bb[n * kBK + k];
      errors += bd[n * kBM + m] != sum;
    }
  CHECK(cudaFree(dA));
  CHECK(cudaFree(dB));
  CHECK(cudaFree(dD));
  CHECK(cudaFree(dBA));
  CHECK(cudaFree(dBB));
  CHECK(cudaFree(dBD));
  std::printf("wmma_subbyte: %dx%dx%d s4 and %dx%dx%d b1 products, %d errors\n", kM, kN, kK, kBM,
              kBN, kBK, errors);
  std::printf(errors == 0 ? "PASS\n" : "FAIL\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
