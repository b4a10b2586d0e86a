// y = a*x + y with a grid-stride loop, odd sizes, and a scalar passed by value.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

__global__ void saxpy(int n, float a, const float *__restrict__ x, float *__restrict__ y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
    y[i] = fmaf(a, x[i], y[i]);
}

int main() {
  const int n = 1000003; // not a multiple of anything convenient
  const float a = 2.5f;
  std::vector<float> x(n), y(n), expected(n);
  for (int i = 0; i < n; ++i) {
    x[i] = std::sin(static_cast<float>(i));
    y[i] = std::cos(static_cast<float>(i)) * 3.0f;
    expected[i] = std::fma(a, x[i], y[i]);
  }
  float *dx, *dy;
  CHECK(cudaMalloc(&dx, n * sizeof(float)));
  CHECK(cudaMalloc(&dy, n * sizeof(float)));
  CHECK(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dy, y.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  saxpy<<<120, 128>>>(n, a, dx, dy); // fewer threads than elements: the loop strides
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());
  CHECK(cudaMemcpy(y.data(), dy, n * sizeof(float), cudaMemcpyDeviceToHost));
  int errors = 0;
  for (int i = 0; i < n; ++i)
    if (y[i] != expected[i] && errors++ < 5)
      std::printf("mismatch at %d: %.9g != %.9g\n", i, y[i], expected[i]);
  CHECK(cudaFree(dx));
  CHECK(cudaFree(dy));
  std::printf("saxpy: %d elements, %d errors\n", n, errors);
  std::printf(errors == 0 ? "PASS\n" : "FAIL\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
