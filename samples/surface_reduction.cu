// Surface reductions (PTX sured.b, reachable from CUDA C++ through inline PTX): many threads
// add to, take the signed minimum into and OR bits into the elements of a 2D unsigned surface at
// once; the host recomputes each element from the PTX ISA's definition of the reductions.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kWidth = 8, kBlocks = 16, kThreads = 128;

__host__ __device__ int minimumOperand(int t) {
  return (t * 7919) % 2001 - 1000;
}

// Row 0: add 1; row 1: signed min; row 2: OR bit t % 32; each into element t % kWidth.
__global__ void reduce(cudaSurfaceObject_t surface) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  int x = (t % kWidth) * int(sizeof(unsigned));
  unsigned one = 1, bit = 1u << (t % 32);
  int operand = minimumOperand(t);
  asm volatile("sured.b.add.2d.u32.trap [%0, {%1, %2}], %3;" ::"l"(surface), "r"(x), "r"(0),
               "r"(one)
               : "memory");
  asm volatile("sured.b.min.2d.s32.trap [%0, {%1, %2}], %3;" ::"l"(surface), "r"(x), "r"(1),
               "r"(operand)
               : "memory");
  asm volatile("sured.b.or.2d.b32.trap [%0, {%1, %2}], %3;" ::"l"(surface), "r"(x), "r"(2), "r"(bit)
               : "memory");
}

int main() {
  cudaChannelFormatDesc format = cudaCreateChannelDesc<unsigned>();
  cudaArray_t array;
  CHECK(cudaMallocArray(&array, &format, kWidth, 3, cudaArraySurfaceLoadStore));
  // Starting values: the sums start at x, the minima at 500 - x, the bit sets at 1 << 31.
  std::vector<unsigned> start(kWidth * 3);
  for (int x = 0; x < kWidth; ++x) {
    start[x] = x;
    start[kWidth + x] = unsigned(500 - x);
    start[2 * kWidth + x] = 1u << 31;
  }
  CHECK(cudaMemcpy2DToArray(array, 0, 0, start.data(), kWidth * sizeof(unsigned),
                            kWidth * sizeof(unsigned), 3, cudaMemcpyHostToDevice));
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  cudaSurfaceObject_t surface;
  CHECK(cudaCreateSurfaceObject(&surface, &resource));
  reduce<<<kBlocks, kThreads>>>(surface);
  CHECK(cudaGetLastError());
  std::vector<unsigned> got(kWidth * 3);
  CHECK(cudaMemcpy2DFromArray(got.data(), kWidth * sizeof(unsigned), array, 0, 0,
                              kWidth * sizeof(unsigned), 3, cudaMemcpyDeviceToHost));

  std::vector<unsigned> want = start;
  for (int t = 0; t < kBlocks * kThreads; ++t) {
    int x = t % kWidth;
    want[x] += 1;
    want[kWidth + x] = unsigned(std::min(int(want[kWidth + x]), minimumOperand(t)));
    want[2 * kWidth + x] |= 1u << (t % 32);
  }
  for (int i = 0; i < kWidth * 3; ++i)
    if (got[i] != want[i]) {
      std::printf("element (%d,%d): got 0x%x, want 0x%x\nFAIL\n", i % kWidth, i / kWidth, got[i],
                  want[i]);
      return EXIT_FAILURE;
    }
  CHECK(cudaDestroySurfaceObject(surface));
  CHECK(cudaFreeArray(array));
  std::printf("surface_reduction: %d threads reduced into %d elements\n", kBlocks * kThreads,
              kWidth * 3);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
