// Managed memory: a cudaMallocManaged array written by the host, updated by a kernel and read back
// by the host without copies, and a __managed__ variable both sides update.
#include "check.h"

__managed__ int launches = 0;
__managed__ float bias = 1.5f;

__global__ void addBias(float *data, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    data[i] += bias;
  if (i == 0)
    launches += 1;
}

int main() {
  const int n = 10000;
  float *data = nullptr;
  CHECK(cudaMallocManaged(&data, n * sizeof(float)));
  for (int i = 0; i < n; ++i)
    data[i] = static_cast<float>(i);

  cudaMemLocation device = {cudaMemLocationTypeDevice, 0};
  CHECK(cudaMemAdvise(data, n * sizeof(float), cudaMemAdviseSetPreferredLocation, device));
  CHECK(cudaMemPrefetchAsync(data, n * sizeof(float), device, 0, 0));
  addBias<<<(n + 127) / 128, 128>>>(data, n);
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());

  bias = -0.5f; // the host writes the variable the next launch reads
  addBias<<<(n + 127) / 128, 128>>>(data, n);
  CHECK(cudaDeviceSynchronize());

  for (int i = 0; i < n; ++i)
    if (data[i] != static_cast<float>(i) + 1.0f) {
      std::printf("data[%d] = %f, expected %f\nFAIL\n", i, data[i], i + 1.0f);
      return 1;
    }
  if (launches != 2) {
    std::printf("launches = %d, expected 2\nFAIL\n", launches);
    return 1;
  }
  cudaPointerAttributes attributes;
  CHECK(cudaPointerGetAttributes(&attributes, data));
  if (attributes.type != cudaMemoryTypeManaged) {
    std::printf("managed buffer reported as type %d\nFAIL\n", attributes.type);
    return 1;
  }
  CHECK(cudaPointerGetAttributes(&attributes, &launches));
  if (attributes.type != cudaMemoryTypeManaged) {
    std::printf("__managed__ variable reported as type %d\nFAIL\n", attributes.type);
    return 1;
  }
  CHECK(cudaMemPrefetchAsync(&bias, sizeof bias, device, 0, 0));
  CHECK(cudaFree(data));
  std::printf("%d managed floats updated by %d launches\n", n, launches);
  std::printf("PASS\n");
  return 0;
}
