// Normalized-integer arrays (CUDA 11.5's UNORM / SNORM channel kinds): a kernel stores floats into
// a 2D SignedNormalized8X4 array and a 1D UnsignedNormalized16X1 array with formatted surface
// stores (sust.p, which converts f32 to the format: clamping, rounding to nearest, NaN to 0), and a
// second kernel reads them back through texture objects in cudaReadModeElementType, which for
// these kinds still returns normalized floats. The host checks the stored integers and the fetched
// floats against the Direct3D conversion rules.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kWidth = 19, kHeight = 7;

// The float each channel receives: a spread over [-1.5, 1.5], halfway cases (+-0.5), and NaN.
__host__ __device__ float input(int x, int y, int c) {
  if ((x + y + c) % 11 == 0)
    return nanf("");
  if ((x * 3 + y + c) % 7 == 0)
    return c % 2 ? -0.5f : 0.5f;
  return (float((x * 37 + y * 11 + c * 5) % 61) - 30.0f) / 20.0f;
}

__global__ void storeFormatted(cudaSurfaceObject_t rgba, cudaSurfaceObject_t line) {
  int x = threadIdx.x, y = blockIdx.x;
  if (x >= kWidth)
    return;
  asm volatile("sust.p.2d.v4.b32.trap [%0, {%1, %2}], {%3, %4, %5, %6};" ::"l"(rgba), "r"(x),
               "r"(y), "f"(input(x, y, 0)), "f"(input(x, y, 1)), "f"(input(x, y, 2)),
               "f"(input(x, y, 3))
               : "memory");
  if (y == 0)
    asm volatile("sust.p.1d.b32.trap [%0, {%1}], %2;" ::"l"(line), "r"(x), "f"(input(x, 9, 0))
                 : "memory");
}

__global__ void fetch(cudaTextureObject_t rgba, cudaTextureObject_t line, float4 *out,
                      float *lineOut) {
  int x = threadIdx.x, y = blockIdx.x;
  if (x >= kWidth)
    return;
  out[y * kWidth + x] = tex2D<float4>(rgba, x + 0.5f, y + 0.5f);
  if (y == 0)
    lineOut[x] = tex1D<float>(line, x + 0.5f);
}

// Direct3D's FLOAT -> SNORM / UNORM: NaN 0, clamp, scale, round half away from zero.
int normalizedInteger(float value, int bits, bool isSigned) {
  if (std::isnan(value))
    return 0;
  double scale = isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  double clamped = std::fmin(std::fmax(double(value), isSigned ? -1.0 : 0.0), 1.0) * scale;
  return int(clamped < 0 ? -std::floor(-clamped + 0.5) : std::floor(clamped + 0.5));
}

int main() {
  cudaChannelFormatDesc snorm = cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized8X4>();
  cudaChannelFormatDesc unorm =
      cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized16X1>();
  cudaArray_t rgbaArray, lineArray;
  CHECK(cudaMallocArray(&rgbaArray, &snorm, kWidth, kHeight, cudaArraySurfaceLoadStore));
  CHECK(cudaMallocArray(&lineArray, &unorm, kWidth, 0, cudaArraySurfaceLoadStore));
  cudaChannelFormatDesc got{};
  CHECK(cudaGetChannelDesc(&got, rgbaArray));
  EXPECT(got.f == cudaChannelFormatKindSignedNormalized8X4 && got.x == 8 && got.w == 8);

  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = rgbaArray;
  cudaSurfaceObject_t rgbaSurface, lineSurface;
  CHECK(cudaCreateSurfaceObject(&rgbaSurface, &resource));
  cudaTextureDesc texture{};
  texture.readMode = cudaReadModeElementType; // normalized kinds read as floats all the same
  cudaTextureObject_t rgbaTexture, lineTexture;
  CHECK(cudaCreateTextureObject(&rgbaTexture, &resource, &texture, nullptr));
  resource.res.array.array = lineArray;
  CHECK(cudaCreateSurfaceObject(&lineSurface, &resource));
  CHECK(cudaCreateTextureObject(&lineTexture, &resource, &texture, nullptr));

  storeFormatted<<<kHeight, 32>>>(rgbaSurface, lineSurface);
  CHECK(cudaGetLastError());
  float4 *dOut;
  float *dLine;
  CHECK(cudaMalloc(&dOut, kWidth * kHeight * sizeof(float4)));
  CHECK(cudaMalloc(&dLine, kWidth * sizeof(float)));
  fetch<<<kHeight, 32>>>(rgbaTexture, lineTexture, dOut, dLine);
  CHECK(cudaGetLastError());

  std::vector<int8_t> stored(kWidth * kHeight * 4);
  CHECK(cudaMemcpy2DFromArray(stored.data(), kWidth * 4, rgbaArray, 0, 0, kWidth * 4, kHeight,
                              cudaMemcpyDeviceToHost));
  std::vector<float4> fetched(kWidth * kHeight);
  CHECK(cudaMemcpy(fetched.data(), dOut, fetched.size() * sizeof(float4), cudaMemcpyDeviceToHost));
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      for (int c = 0; c < 4; ++c) {
        int want = normalizedInteger(input(x, y, c), 8, true);
        int have = stored[(y * kWidth + x) * 4 + c];
        const float4 &texel = fetched[y * kWidth + x];
        float value = c == 0 ? texel.x : c == 1 ? texel.y : c == 2 ? texel.z : texel.w;
        if (have != want || value != float(want) / 127.0f) {
          std::printf("snorm8 (%d,%d) channel %d: stored %d, fetched %g; want %d, %g\nFAIL\n", x, y,
                      c, have, value, want, float(want) / 127.0f);
          return EXIT_FAILURE;
        }
      }
  std::vector<uint16_t> line(kWidth);
  std::vector<float> lineFetched(kWidth);
  CHECK(cudaMemcpy2DFromArray(line.data(), kWidth * 2, lineArray, 0, 0, kWidth * 2, 1,
                              cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(lineFetched.data(), dLine, kWidth * sizeof(float), cudaMemcpyDeviceToHost));
  for (int x = 0; x < kWidth; ++x) {
    int want = normalizedInteger(input(x, 9, 0), 16, false);
    if (line[x] != want || lineFetched[x] != float(want) / 65535.0f) {
      std::printf("unorm16 %d: stored %d, fetched %g; want %d\nFAIL\n", x, line[x], lineFetched[x],
                  want);
      return EXIT_FAILURE;
    }
  }

  CHECK(cudaDestroyTextureObject(rgbaTexture));
  CHECK(cudaDestroyTextureObject(lineTexture));
  CHECK(cudaDestroySurfaceObject(rgbaSurface));
  CHECK(cudaDestroySurfaceObject(lineSurface));
  CHECK(cudaFreeArray(rgbaArray));
  CHECK(cudaFreeArray(lineArray));
  CHECK(cudaFree(dOut));
  CHECK(cudaFree(dLine));
  std::printf("texture_normalized: %dx%d snorm8x4 and %d unorm16 samples checked\n", kWidth,
              kHeight, kWidth);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
