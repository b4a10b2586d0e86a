// A CUDA program as users write it, built by nvcc (host stubs and all) and linked against our
// libcudart.so.13 instead of NVIDIA's: kernel<<<>>> launches, __device__ variables, errors.
// Prints PASS and exits 0 when every check holds.
#include <cstdio>
#include <cuda_runtime.h>

__device__ int launches;

__global__ void saxpy(float a, const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
  if (i == 0)
    launches += 1;
}

__global__ void fault(int *pointer) { *pointer = 1; }

static int failures = 0;
#define CHECK(condition)                                                                           \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::printf("FAILED: %s (line %d)\n", #condition, __LINE__);                                 \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

int main() {
  const int n = 3000;
  static float x[n], y[n];
  for (int i = 0; i < n; ++i) {
    x[i] = static_cast<float>(i);
    y[i] = 1.0f;
  }
  float *dx, *dy;
  CHECK(cudaMalloc(&dx, n * sizeof(float)) == cudaSuccess);
  CHECK(cudaMalloc(&dy, n * sizeof(float)) == cudaSuccess);
  CHECK(cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice) == cudaSuccess);
  CHECK(cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice) == cudaSuccess);
  int zero = 0;
  CHECK(cudaMemcpyToSymbol(launches, &zero, sizeof zero) == cudaSuccess);

  saxpy<<<(n + 255) / 256, 256>>>(2.0f, dx, dy, n);
  CHECK(cudaGetLastError() == cudaSuccess);
  saxpy<<<(n + 255) / 256, 256>>>(2.0f, dx, dy, n);
  CHECK(cudaDeviceSynchronize() == cudaSuccess);
  CHECK(cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess);
  int wrong = 0;
  for (int i = 0; i < n; ++i)
    wrong += y[i] != 1.0f + 4.0f * i;
  CHECK(wrong == 0);
  int count = -1;
  CHECK(cudaMemcpyFromSymbol(&count, launches, sizeof count) == cudaSuccess);
  CHECK(count == 2);

  saxpy<<<1, 2048>>>(1.0f, dx, dy, n);
  CHECK(cudaGetLastError() == cudaErrorInvalidConfiguration);

  fault<<<1, 1>>>(nullptr);
  CHECK(cudaDeviceSynchronize() == cudaErrorIllegalAddress);
  CHECK(cudaGetLastError() == cudaErrorIllegalAddress);
  CHECK(cudaDeviceReset() == cudaSuccess);
  CHECK(cudaGetLastError() == cudaSuccess);

  std::printf("%s\n", failures ? "FAIL" : "PASS");
  return failures ? 1 : 0;
}
