// __constant__ and __device__ arrays with initializers, including pointers to globals.
__constant__ float coefficients[8] = {1.0f, -2.5f, 3.25f, 0.0f, 1e-3f, -1e10f, 7.0f, 0.5f};
__constant__ int table2d[2][3] = {{1, 2, 3}, {-4, 5, -6}};
__device__ double scale = 2.0;
__device__ int counter[4];
__device__ int *counterPtr = &counter[2];
__constant__ unsigned long long masks[3] = {0x1ull, 0xFFFFFFFF00000000ull, 0};

__global__ void applyTable(float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    out[i] = coefficients[i % 8] * (float)table2d[i % 2][i % 3] * (float)scale +
             (float)(masks[i % 3] & 1ull) + (float)*counterPtr;
  }
}
