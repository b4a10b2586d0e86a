// The warp-shuffle step of the CUDA samples' reduction: each warp folds its values with
// __shfl_down_sync over warpSize / 2, warpSize / 4, ... lanes, and lane 0 adds the warp's sum to
// the total with a 64-bit atomic. Checked against the host sum.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

__global__ void warpReduce(const int *in, int n, long long *sum) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  int value = i < n ? in[i] : 0;
  for (int offset = warpSize / 2; offset > 0; offset /= 2)
    value += __shfl_down_sync(0xffffffffu, value, offset);
  if ((threadIdx.x & (warpSize - 1)) == 0)
    atomicAdd(reinterpret_cast<unsigned long long *>(sum), static_cast<long long>(value));
}

int main() {
  const int n = 10007;
  std::vector<int> in(n);
  long long expected = 0;
  for (int i = 0; i < n; ++i) {
    in[i] = static_cast<int>((i * 7919u) % 4001u) - 2000;
    expected += in[i];
  }
  int *deviceIn;
  long long *sum, got = 0;
  CHECK(cudaMalloc(&deviceIn, n * sizeof(int)));
  CHECK(cudaMalloc(&sum, sizeof(long long)));
  CHECK(cudaMemcpy(deviceIn, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
  CHECK(cudaMemset(sum, 0, sizeof(long long)));
  warpReduce<<<(n + 127) / 128, 128>>>(deviceIn, n, sum);
  CHECK(cudaGetLastError());
  CHECK(cudaMemcpy(&got, sum, sizeof got, cudaMemcpyDeviceToHost));
  EXPECT(got == expected);
  CHECK(cudaFree(deviceIn));
  CHECK(cudaFree(sum));
  std::printf("%d values: warp-shuffle sum %lld matches\nPASS\n", n, got);
  return EXIT_SUCCESS;
}
