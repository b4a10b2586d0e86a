// Tiled matrix multiplication with static shared tiles and an unrolled inner loop.
#define TILE 16
__global__ void __launch_bounds__(256, 2)
    matmulTiled(const float *A, const float *B, float *C, int n) {
  __shared__ float tileA[TILE][TILE];
  __shared__ float tileB[TILE][TILE];
  int row = blockIdx.y * TILE + threadIdx.y;
  int col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.0f;
  for (int t = 0; t < (n + TILE - 1) / TILE; ++t) {
    int ac = t * TILE + threadIdx.x;
    int br = t * TILE + threadIdx.y;
    tileA[threadIdx.y][threadIdx.x] = (row < n && ac < n) ? A[row * n + ac] : 0.0f;
    tileB[threadIdx.y][threadIdx.x] = (br < n && col < n) ? B[br * n + col] : 0.0f;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < TILE; ++k)
      acc = fmaf(tileA[threadIdx.y][k], tileB[k][threadIdx.x], acc);
    __syncthreads();
  }
  if (row < n && col < n)
    C[row * n + col] = acc;
}
