// Kernel attributes and the occupancy API: cudaFuncGetAttributes, the opt-in for more than 48 KiB
// of dynamic shared memory (cudaFuncSetAttribute), cudaOccupancyMaxPotentialBlockSize and
// cudaLaunchKernelExC with launch attributes. The kernel reverses each block's slice of an array
// through dynamic shared memory, so a launch that gets less shared memory than it asked for
// produces wrong results.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kStaticInts = 256; // 1 KiB of static shared memory

// Each block reverses `perBlock` consecutive ints through dynamic shared memory.
__global__ void reverseSlices(const int *in, int *out, int perBlock) {
  extern __shared__ int slice[];
  __shared__ int hits[kStaticInts];
  const int *source = in + size_t(blockIdx.x) * perBlock;
  int *target = out + size_t(blockIdx.x) * perBlock;
  for (int i = threadIdx.x; i < perBlock; i += blockDim.x)
    slice[i] = source[i];
  hits[threadIdx.x % kStaticInts] = 1;
  __syncthreads();
  for (int i = threadIdx.x; i < perBlock; i += blockDim.x)
    target[i] = slice[perBlock - 1 - i] + hits[0] - 1;
}

__global__ void __launch_bounds__(128) bounded(int *out) {
  out[blockIdx.x * blockDim.x + threadIdx.x] = threadIdx.x;
}

#define EXPECT_ERROR(call, expected)                                                               \
  do {                                                                                             \
    cudaError_t status = (call);                                                                   \
    if (status != (expected)) {                                                                    \
      std::printf("%s:%d: %s gave %s, expected %s\nFAIL\n", __FILE__, __LINE__, #call,             \
                  cudaGetErrorName(status), cudaGetErrorName(expected));                           \
      return EXIT_FAILURE;                                                                         \
    }                                                                                              \
    cudaGetLastError();                                                                            \
  } while (0)

int checkReversed(const std::vector<int> &host, const int *device, int blocks, int perBlock) {
  std::vector<int> got(host.size());
  CHECK(cudaMemcpy(got.data(), device, got.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int b = 0; b < blocks; ++b)
    for (int i = 0; i < perBlock; ++i) {
      int expected = host[size_t(b) * perBlock + perBlock - 1 - i];
      if (got[size_t(b) * perBlock + i] != expected) {
        std::printf("block %d element %d: %d, expected %d\nFAIL\n", b, i,
                    got[size_t(b) * perBlock + i], expected);
        return EXIT_FAILURE;
      }
    }
  return EXIT_SUCCESS;
}

int main() {
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  EXPECT(prop.sharedMemPerBlock == 48 * 1024);
  EXPECT(prop.sharedMemPerBlockOptin >= 64 * 1024 + sizeof(int) * kStaticInts);

  cudaFuncAttributes attributes;
  CHECK(cudaFuncGetAttributes(&attributes, reverseSlices));
  EXPECT(attributes.sharedSizeBytes == sizeof(int) * kStaticInts);
  EXPECT(attributes.maxThreadsPerBlock == prop.maxThreadsPerBlock);
  EXPECT(attributes.maxDynamicSharedSizeBytes ==
         int(prop.sharedMemPerBlock - attributes.sharedSizeBytes));
  EXPECT(attributes.ptxVersion > 0);
  EXPECT(attributes.binaryVersion > 0);
  CHECK(cudaFuncGetAttributes(&attributes, bounded));
  EXPECT(attributes.maxThreadsPerBlock == 128);
  EXPECT(attributes.sharedSizeBytes == 0);
  EXPECT_ERROR(cudaFuncGetAttributes(nullptr, bounded), cudaErrorInvalidValue);

  // 64 KiB of dynamic shared memory needs the opt-in.
  const int perBlock = 16 * 1024; // ints: 64 KiB
  const size_t dynamicBytes = perBlock * sizeof(int);
  const int blocks = 6;
  std::vector<int> host(size_t(blocks) * perBlock);
  for (size_t i = 0; i < host.size(); ++i)
    host[i] = int(i * 2654435761u % 1000003);
  int *in = nullptr, *out = nullptr;
  CHECK(cudaMalloc(&in, host.size() * sizeof(int)));
  CHECK(cudaMalloc(&out, host.size() * sizeof(int)));
  CHECK(cudaMemcpy(in, host.data(), host.size() * sizeof(int), cudaMemcpyHostToDevice));

  reverseSlices<<<blocks, 256, dynamicBytes>>>(in, out, perBlock);
  EXPECT_ERROR(cudaGetLastError(), cudaErrorInvalidValue);

  int tooMuch = int(prop.sharedMemPerBlockOptin - sizeof(int) * kStaticInts + 1);
  EXPECT_ERROR(
      cudaFuncSetAttribute(reverseSlices, cudaFuncAttributeMaxDynamicSharedMemorySize, tooMuch),
      cudaErrorInvalidValue);
  CHECK(cudaFuncSetAttribute(reverseSlices, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             int(dynamicBytes)));
  CHECK(cudaFuncGetAttributes(&attributes, reverseSlices));
  EXPECT(attributes.maxDynamicSharedSizeBytes == int(dynamicBytes));
  CHECK(cudaFuncSetAttribute(reverseSlices, cudaFuncAttributePreferredSharedMemoryCarveout, 50));
  EXPECT_ERROR(
      cudaFuncSetAttribute(reverseSlices, cudaFuncAttributePreferredSharedMemoryCarveout, 101),
      cudaErrorInvalidValue);
  CHECK(cudaFuncSetCacheConfig(reverseSlices, cudaFuncCachePreferShared));

  reverseSlices<<<blocks, 256, dynamicBytes>>>(in, out, perBlock);
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());
  if (checkReversed(host, out, blocks, perBlock) != EXIT_SUCCESS)
    return EXIT_FAILURE;

  // The occupancy calculator (a template over the occupancy and attribute calls).
  int minGridSize = 0, blockSize = 0;
  CHECK(
      cudaOccupancyMaxPotentialBlockSize(&minGridSize, &blockSize, reverseSlices, dynamicBytes, 0));
  EXPECT(blockSize > 0 && blockSize <= prop.maxThreadsPerBlock);
  int perMultiprocessor = 0;
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perMultiprocessor, reverseSlices, blockSize,
                                                      dynamicBytes));
  EXPECT(perMultiprocessor >= 1 && perMultiprocessor <= prop.maxBlocksPerMultiProcessor);
  EXPECT(minGridSize == perMultiprocessor * prop.multiProcessorCount);
  EXPECT(perMultiprocessor * blockSize <= prop.maxThreadsPerMultiProcessor);
  CHECK(cudaOccupancyMaxPotentialBlockSize(&minGridSize, &blockSize, bounded, 0, 0));
  EXPECT(blockSize > 0 && blockSize <= 128);
  // Blocks larger than the kernel allows never fit.
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perMultiprocessor, bounded, 256, 0));
  EXPECT(perMultiprocessor == 0);
  size_t available = 0;
  CHECK(cudaOccupancyAvailableDynamicSMemPerBlock(&available, reverseSlices, 1, 256));
  EXPECT(available >= dynamicBytes);

  // cudaLaunchKernelExC with a priority; clusters of one block are no clusters at all.
  CHECK(cudaMemset(out, 0, host.size() * sizeof(int)));
  cudaLaunchAttribute launchAttributes[2] = {};
  launchAttributes[0].id = cudaLaunchAttributePriority;
  launchAttributes[0].val.priority = 0;
  launchAttributes[1].id = cudaLaunchAttributeClusterDimension;
  launchAttributes[1].val.clusterDim.x = 1;
  launchAttributes[1].val.clusterDim.y = 1;
  launchAttributes[1].val.clusterDim.z = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(blocks);
  config.blockDim = dim3(256);
  config.dynamicSmemBytes = dynamicBytes;
  config.attrs = launchAttributes;
  config.numAttrs = 2;
  CHECK(cudaLaunchKernelEx(&config, reverseSlices, static_cast<const int *>(in), out, perBlock));
  CHECK(cudaDeviceSynchronize());
  if (checkReversed(host, out, blocks, perBlock) != EXIT_SUCCESS)
    return EXIT_FAILURE;

  const char *name = nullptr;
  CHECK(cudaFuncGetName(&name, reinterpret_cast<const void *>(bounded)));
  EXPECT(name && std::strcmp(name, "_Z7boundedPi") == 0);

  CHECK(cudaFree(in));
  CHECK(cudaFree(out));
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
