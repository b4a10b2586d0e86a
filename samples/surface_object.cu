// Surface objects: a kernel writes a 2D float cudaArray with surf2Dwrite, a second kernel reads
// it back with surf2Dread (with out-of-range reads in cudaBoundaryModeZero and Clamp) and
// writes a 3D uchar4 array with surf3Dwrite; the host checks everything through
// cudaMemcpy2DFromArray, cudaMemcpy3D and an array-to-array copy.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

// The deprecated linear array copies are still part of the API; this sample exercises them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

constexpr int kWidth = 37, kHeight = 11, kDepth = 5;

__host__ __device__ float pattern(int x, int y) {
  return x * 100.0f + y;
}

__global__ void writeSurface(cudaSurfaceObject_t surface) {
  int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y;
  if (x < kWidth)
    surf2Dwrite(pattern(x, y), surface, x * int(sizeof(float)), y);
}

// out[y][x] = surface(x - 1, y) (zero mode) + surface(x + 1, y) (clamp mode)
__global__ void readSurface(cudaSurfaceObject_t surface, float *out) {
  int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y;
  if (x >= kWidth)
    return;
  float left = surf2Dread<float>(surface, (x - 1) * int(sizeof(float)), y, cudaBoundaryModeZero);
  float right = surf2Dread<float>(surface, (x + 1) * int(sizeof(float)), y, cudaBoundaryModeClamp);
  out[y * kWidth + x] = left + right;
}

__global__ void writeVolume(cudaSurfaceObject_t volume) {
  int x = threadIdx.x, y = blockIdx.x, z = blockIdx.y;
  if (x < kWidth)
    surf3Dwrite(make_uchar4(x, y, z, x ^ y ^ z), volume, x * int(sizeof(uchar4)), y, z);
}

int main() {
  cudaChannelFormatDesc floatFormat = cudaCreateChannelDesc<float>();
  cudaArray_t array;
  CHECK(cudaMallocArray(&array, &floatFormat, kWidth, kHeight, cudaArraySurfaceLoadStore));
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  cudaSurfaceObject_t surface;
  CHECK(cudaCreateSurfaceObject(&surface, &resource));
  cudaResourceDesc gotResource;
  CHECK(cudaGetSurfaceObjectResourceDesc(&gotResource, surface));
  if (gotResource.resType != cudaResourceTypeArray || gotResource.res.array.array != array) {
    std::printf("cudaGetSurfaceObjectResourceDesc differs\nFAIL\n");
    return EXIT_FAILURE;
  }

  dim3 grid((kWidth + 31) / 32, kHeight);
  writeSurface<<<grid, 32>>>(surface);
  CHECK(cudaGetLastError());
  std::vector<float> image(kWidth * kHeight);
  CHECK(cudaMemcpy2DFromArray(image.data(), kWidth * sizeof(float), array, 0, 0,
                              kWidth * sizeof(float), kHeight, cudaMemcpyDeviceToHost));
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      if (image[y * kWidth + x] != pattern(x, y)) {
        std::printf("surf2Dwrite (%d,%d): got %g, want %g\nFAIL\n", x, y, image[y * kWidth + x],
                    pattern(x, y));
        return EXIT_FAILURE;
      }

  float *dOut;
  CHECK(cudaMalloc(&dOut, kWidth * kHeight * sizeof(float)));
  readSurface<<<grid, 32>>>(surface, dOut);
  CHECK(cudaGetLastError());
  std::vector<float> sums(kWidth * kHeight);
  CHECK(cudaMemcpy(sums.data(), dOut, sums.size() * sizeof(float), cudaMemcpyDeviceToHost));
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      float left = x > 0 ? pattern(x - 1, y) : 0.0f;
      float right = pattern(x + 1 < kWidth ? x + 1 : kWidth - 1, y);
      if (sums[y * kWidth + x] != left + right) {
        std::printf("surf2Dread (%d,%d): got %g, want %g\nFAIL\n", x, y, sums[y * kWidth + x],
                    left + right);
        return EXIT_FAILURE;
      }
    }

  // An array-to-array copy of a sub-rectangle, read back with the linear FromArray form.
  cudaArray_t copyArray;
  CHECK(cudaMallocArray(&copyArray, &floatFormat, kWidth, kHeight));
  CHECK(cudaMemcpy2DArrayToArray(copyArray, 0, 0, array, 2 * sizeof(float), 1,
                                 (kWidth - 2) * sizeof(float), kHeight - 1,
                                 cudaMemcpyDeviceToDevice));
  std::vector<float> row(kWidth - 2);
  CHECK(cudaMemcpyFromArray(row.data(), copyArray, 0, 3, row.size() * sizeof(float),
                            cudaMemcpyDeviceToHost));
  for (int x = 0; x < kWidth - 2; ++x)
    if (row[x] != pattern(x + 2, 4)) {
      std::printf("array to array copy: x %d: got %g, want %g\nFAIL\n", x, row[x],
                  pattern(x + 2, 4));
      return EXIT_FAILURE;
    }

  // A 3D uchar4 volume written by surf3Dwrite, read back with cudaMemcpy3D into pitched memory.
  cudaChannelFormatDesc rgbaFormat = cudaCreateChannelDesc<uchar4>();
  cudaArray_t volume;
  CHECK(cudaMalloc3DArray(&volume, &rgbaFormat, make_cudaExtent(kWidth, kHeight, kDepth),
                          cudaArraySurfaceLoadStore));
  resource.res.array.array = volume;
  cudaSurfaceObject_t volumeSurface;
  CHECK(cudaCreateSurfaceObject(&volumeSurface, &resource));
  writeVolume<<<dim3(kHeight, kDepth), 64>>>(volumeSurface);
  CHECK(cudaGetLastError());
  const size_t pitch = (kWidth + 3) * sizeof(uchar4); // padded rows on the host side
  std::vector<uchar4> host(pitch / sizeof(uchar4) * kHeight * kDepth);
  cudaMemcpy3DParms copy{};
  copy.srcArray = volume;
  copy.dstPtr = make_cudaPitchedPtr(host.data(), pitch, kWidth, kHeight);
  copy.extent = make_cudaExtent(kWidth, kHeight, kDepth);
  copy.kind = cudaMemcpyDeviceToHost;
  CHECK(cudaMemcpy3D(&copy));
  for (int z = 0; z < kDepth; ++z)
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x) {
        uchar4 v = host[(z * kHeight + y) * (pitch / sizeof(uchar4)) + x];
        if (v.x != x || v.y != y || v.z != z || v.w != (x ^ y ^ z)) {
          std::printf("surf3Dwrite (%d,%d,%d): got (%d,%d,%d,%d)\nFAIL\n", x, y, z, v.x, v.y, v.z,
                      v.w);
          return EXIT_FAILURE;
        }
      }

  // A surface needs cudaArraySurfaceLoadStore.
  resource.res.array.array = copyArray;
  cudaSurfaceObject_t refused;
  if (cudaCreateSurfaceObject(&refused, &resource) != cudaErrorInvalidValue) {
    std::printf("surface over an array without cudaArraySurfaceLoadStore was accepted\nFAIL\n");
    return EXIT_FAILURE;
  }
  cudaGetLastError();

  CHECK(cudaDestroySurfaceObject(surface));
  CHECK(cudaDestroySurfaceObject(volumeSurface));
  CHECK(cudaFreeArray(array));
  CHECK(cudaFreeArray(copyArray));
  CHECK(cudaFreeArray(volume));
  CHECK(cudaFree(dOut));
  std::printf("surface_object: %dx%d surface, %dx%dx%d volume checked\n", kWidth, kHeight, kWidth,
              kHeight, kDepth);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
