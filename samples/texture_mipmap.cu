// Mipmapped textures: a 64x32 float image and its mip chain (each level the 2x2 box average of
// the one before) in a cudaMipmappedArray, written level by level through
// cudaGetMipmappedArrayLevel, then sampled with tex2DLod (explicit levels of detail) and
// tex2DGrad (levels from gradients) under linear filtering between texels and between levels.
// Each result is checked against a host computation: bilinear filtering per level with 8-bit
// fixed-point weights, lambda = log2 of the longer gradient in level-0 texels, clamped to the
// levels there are, and the two levels around it blended with an 8-bit fixed-point weight.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kWidth = 64, kHeight = 32, kLevels = 7, kPoints = 128;

__global__ void sampleLod(cudaTextureObject_t texture, const float4 *points, float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = tex2DLod<float>(texture, points[i].x, points[i].y, points[i].z);
}

__global__ void sampleGrad(cudaTextureObject_t texture, const float4 *points, float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = tex2DGrad<float>(texture, points[i].x, points[i].y, make_float2(points[i].z, 0),
                              make_float2(0, points[i].w));
}

struct Level {
  int width, height;
  std::vector<float> texels;
};

float weight(float fraction) {
  return std::round(fraction * 256) / 256;
}

// Bilinear filtering of one level at normalized (x, y), clamped at the edges.
float bilinear(const Level &level, float x, float y) {
  float xb = x * level.width - 0.5f, yb = y * level.height - 0.5f;
  int i = int(std::floor(xb)), j = int(std::floor(yb));
  float a = weight(xb - std::floor(xb)), b = weight(yb - std::floor(yb));
  auto at = [&](int u, int v) {
    u = std::clamp(u, 0, level.width - 1);
    v = std::clamp(v, 0, level.height - 1);
    return level.texels[size_t(v) * level.width + u];
  };
  return (1 - a) * (1 - b) * at(i, j) + a * (1 - b) * at(i + 1, j) + (1 - a) * b * at(i, j + 1) +
         a * b * at(i + 1, j + 1);
}

float trilinear(const std::vector<Level> &levels, float x, float y, float lambda) {
  lambda = std::clamp(lambda, 0.0f, float(kLevels - 1));
  int first = int(std::floor(lambda));
  int second = std::min(first + 1, kLevels - 1);
  float w = weight(lambda - float(first));
  return (1 - w) * bilinear(levels[first], x, y) + w * bilinear(levels[second], x, y);
}

bool close(float got, float want) {
  return std::fabs(got - want) <= 1e-4f * (1 + std::fabs(want));
}

int main() {
  std::vector<Level> levels;
  Level base{kWidth, kHeight, std::vector<float>(kWidth * kHeight)};
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      base.texels[y * kWidth + x] = std::sin(0.4f * x) * std::cos(0.3f * y) + 0.01f * x * y;
  levels.push_back(base);
  while (int(levels.size()) < kLevels) {
    const Level &above = levels.back();
    Level next{std::max(above.width / 2, 1), std::max(above.height / 2, 1), {}};
    next.texels.resize(size_t(next.width) * next.height);
    for (int y = 0; y < next.height; ++y)
      for (int x = 0; x < next.width; ++x) {
        int x1 = std::min(2 * x + 1, above.width - 1), y1 = std::min(2 * y + 1, above.height - 1);
        next.texels[y * next.width + x] =
            0.25f *
            (above.texels[2 * y * above.width + 2 * x] + above.texels[2 * y * above.width + x1] +
             above.texels[y1 * above.width + 2 * x] + above.texels[y1 * above.width + x1]);
      }
    levels.push_back(next);
  }

  cudaChannelFormatDesc format = cudaCreateChannelDesc<float>();
  cudaMipmappedArray_t mipmapped;
  // More levels than the extent allows are clamped to 1 + floor(log2(64)) = 7.
  CHECK(cudaMallocMipmappedArray(&mipmapped, &format, make_cudaExtent(kWidth, kHeight, 0), 20));
  for (int l = 0; l < kLevels; ++l) {
    cudaArray_t level;
    CHECK(cudaGetMipmappedArrayLevel(&level, mipmapped, l));
    cudaExtent extent;
    CHECK(cudaArrayGetInfo(nullptr, &extent, nullptr, level));
    EXPECT(int(extent.width) == levels[l].width && int(extent.height) == levels[l].height);
    size_t row = levels[l].width * sizeof(float);
    CHECK(cudaMemcpy2DToArray(level, 0, 0, levels[l].texels.data(), row, row, levels[l].height,
                              cudaMemcpyHostToDevice));
  }
  cudaArray_t past;
  EXPECT(cudaGetMipmappedArrayLevel(&past, mipmapped, kLevels) == cudaErrorInvalidValue);
  cudaGetLastError();

  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeMipmappedArray;
  resource.res.mipmap.mipmap = mipmapped;
  cudaTextureDesc description{};
  description.addressMode[0] = description.addressMode[1] = cudaAddressModeClamp;
  description.filterMode = cudaFilterModeLinear;
  description.mipmapFilterMode = cudaFilterModeLinear;
  description.normalizedCoords = 1;
  description.maxMipmapLevelClamp = float(kLevels - 1);
  cudaTextureObject_t texture;
  CHECK(cudaCreateTextureObject(&texture, &resource, &description, nullptr));

  // Points 1/1024 texel past a 1/256 step of level 0 (clear of every level's weight steps),
  // levels of detail 1/1024 past a 1/256 step, and gradients of the same lambdas.
  std::vector<float4> lodPoints(kPoints), gradPoints(kPoints);
  std::vector<float> lambdas(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    float x = (float(i * 7 % kWidth) + float(i * 37 % 256) / 256 + 1.0f / 1024) / kWidth;
    float y = (float(i * 5 % kHeight) + float(i * 53 % 256) / 256 + 1.0f / 1024) / kHeight;
    lambdas[i] = float(i * 29 % (256 * 8)) / 256 - 0.5f + 1.0f / 1024;
    lodPoints[i] = make_float4(x, y, lambdas[i], 0);
    // dPdx along x of 2^lambda level-0 texels; dPdy along y, shorter.
    float texels = std::exp2(lambdas[i]);
    gradPoints[i] = make_float4(x, y, texels / kWidth, 0.5f * texels / kHeight);
  }
  float4 *dPoints;
  float *dOut;
  CHECK(cudaMalloc(&dPoints, kPoints * sizeof(float4)));
  CHECK(cudaMalloc(&dOut, kPoints * sizeof(float)));
  std::vector<float> out(kPoints);
  for (bool gradients : {false, true}) {
    const std::vector<float4> &points = gradients ? gradPoints : lodPoints;
    CHECK(cudaMemcpy(dPoints, points.data(), kPoints * sizeof(float4), cudaMemcpyHostToDevice));
    if (gradients)
      sampleGrad<<<4, 32>>>(texture, dPoints, dOut, kPoints);
    else
      sampleLod<<<4, 32>>>(texture, dPoints, dOut, kPoints);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(out.data(), dOut, kPoints * sizeof(float), cudaMemcpyDeviceToHost));
    for (int i = 0; i < kPoints; ++i) {
      float lambda = gradients ? std::log2(std::max(points[i].z * kWidth, points[i].w * kHeight))
                               : points[i].z;
      float want = trilinear(levels, points[i].x, points[i].y, lambda);
      if (!close(out[i], want)) {
        std::printf("%s: point %d (%g, %g) lambda %g: got %.7g, want %.7g\nFAIL\n",
                    gradients ? "tex2DGrad" : "tex2DLod", i, points[i].x, points[i].y, lambda,
                    out[i], want);
        return EXIT_FAILURE;
      }
    }
  }
  CHECK(cudaDestroyTextureObject(texture));
  CHECK(cudaFreeMipmappedArray(mipmapped));
  CHECK(cudaFree(dPoints));
  CHECK(cudaFree(dOut));
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
