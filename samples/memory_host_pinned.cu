// Pinned host memory: cudaMallocHost / cudaHostAlloc buffers and a cudaHostRegister'd buffer
// used with cudaMemcpyAsync on a stream, a kernel writing straight into mapped host memory
// through cudaHostGetDevicePointer, and cudaPointerGetAttributes telling them apart.
#include "check.h"

#include <vector>

__global__ void scale(const float *in, float *out, float factor, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = in[i] * factor;
}

int main() {
  const int n = 1 << 16;
  const size_t bytes = n * sizeof(float);
  float *input = nullptr, *output = nullptr, *device = nullptr;
  CHECK(cudaMallocHost(&input, bytes));
  CHECK(cudaHostAlloc(&output, bytes, cudaHostAllocMapped));
  CHECK(cudaMalloc(&device, bytes));
  for (int i = 0; i < n; ++i)
    input[i] = static_cast<float>(i % 1000);

  cudaPointerAttributes attributes;
  CHECK(cudaPointerGetAttributes(&attributes, input));
  if (attributes.type != cudaMemoryTypeHost) {
    std::printf("pinned buffer reported as type %d\nFAIL\n", attributes.type);
    return 1;
  }
  CHECK(cudaPointerGetAttributes(&attributes, device));
  if (attributes.type != cudaMemoryTypeDevice) {
    std::printf("device buffer reported as type %d\nFAIL\n", attributes.type);
    return 1;
  }

  // Host -> device -> kernel -> mapped host memory, all ordered on one stream.
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  CHECK(cudaMemcpyAsync(device, input, bytes, cudaMemcpyHostToDevice, stream));
  float *mapped = nullptr;
  CHECK(cudaHostGetDevicePointer(reinterpret_cast<void **>(&mapped), output, 0));
  scale<<<(n + 255) / 256, 256, 0, stream>>>(device, mapped, 3.0f, n);
  CHECK(cudaGetLastError());
  CHECK(cudaStreamSynchronize(stream));
  for (int i = 0; i < n; ++i)
    if (output[i] != input[i] * 3.0f) {
      std::printf("mapped output[%d] = %f, expected %f\nFAIL\n", i, output[i], input[i] * 3.0f);
      return 1;
    }

  // A registered pageable buffer: device -> host asynchronously, then synchronize.
  std::vector<float> registered(n, -1.0f);
  CHECK(cudaHostRegister(registered.data(), bytes, cudaHostRegisterDefault));
  if (cudaHostRegister(registered.data(), bytes, cudaHostRegisterDefault) !=
      cudaErrorHostMemoryAlreadyRegistered) {
    std::printf("registering twice did not fail\nFAIL\n");
    return 1;
  }
  (void)cudaGetLastError();
  scale<<<(n + 255) / 256, 256, 0, stream>>>(device, device, 0.5f, n);
  CHECK(cudaMemcpyAsync(registered.data(), device, bytes, cudaMemcpyDeviceToHost, stream));
  CHECK(cudaStreamSynchronize(stream));
  for (int i = 0; i < n; ++i)
    if (registered[i] != input[i] * 0.5f) {
      std::printf("registered[%d] = %f, expected %f\nFAIL\n", i, registered[i], input[i] * 0.5f);
      return 1;
    }
  CHECK(cudaHostUnregister(registered.data()));

  unsigned flags = 0;
  CHECK(cudaHostGetFlags(&flags, output));
  if (!(flags & cudaHostAllocMapped)) {
    std::printf("cudaHostGetFlags lost cudaHostAllocMapped (%#x)\nFAIL\n", flags);
    return 1;
  }
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(device));
  CHECK(cudaFreeHost(output));
  CHECK(cudaFreeHost(input));
  std::printf("scaled %d floats through pinned, mapped and registered host memory\n", n);
  std::printf("PASS\n");
  return 0;
}
