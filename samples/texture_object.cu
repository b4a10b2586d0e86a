// Texture objects: a 2D float cudaArray sampled with linear filtering and clamping, the same
// array with normalized coordinates and wrapping, a layered array, 1D fetches from linear memory
// (out of range reads zero) and an 8-bit RGBA array read as normalized floats. Each result is
// checked against a host implementation of the CUDA programming guide's texture fetching rules.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kWidth = 13, kHeight = 7, kLayers = 3, kPoints = 64;

__global__ void sample2D(cudaTextureObject_t texture, const float2 *points, float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = tex2D<float>(texture, points[i].x, points[i].y);
}

__global__ void sampleLayered(cudaTextureObject_t texture, const float2 *points, float *out,
                              int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = tex2DLayered<float>(texture, points[i].x, points[i].y, i % kLayers);
}

__global__ void fetch1D(cudaTextureObject_t texture, float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = tex1Dfetch<float>(texture, i - 4); // starts and ends out of range
}

__global__ void sampleRgba(cudaTextureObject_t texture, const float2 *points, float4 *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = tex2D<float4>(texture, points[i].x, points[i].y);
}

// Host reference of one texel fetch after addressing (clamp, wrap or mirror on texel indices).
int address(int index, int size, cudaTextureAddressMode mode) {
  if (mode == cudaAddressModeWrap)
    return ((index % size) + size) % size;
  if (mode == cudaAddressModeMirror) {
    int m = ((index % (2 * size)) + 2 * size) % (2 * size);
    return m < size ? m : 2 * size - 1 - m;
  }
  return index < 0 ? 0 : index >= size ? size - 1 : index;
}

// tex2D per the programming guide: point filtering takes texel floor(x), linear filtering
// blends the four texels around x - 0.5 with weights in 8-bit fixed point.
float reference2D(const float *image, float x, float y, bool linear, bool normalized,
                  cudaTextureAddressMode mode) {
  if (normalized) {
    x *= kWidth;
    y *= kHeight;
  }
  auto at = [&](int i, int j) {
    return image[address(j, kHeight, mode) * kWidth + address(i, kWidth, mode)];
  };
  if (!linear)
    return at(int(std::floor(x)), int(std::floor(y)));
  float xb = x - 0.5f, yb = y - 0.5f;
  int i = int(std::floor(xb)), j = int(std::floor(yb));
  float a = std::round((xb - std::floor(xb)) * 256) / 256;
  float b = std::round((yb - std::floor(yb)) * 256) / 256;
  return (1 - a) * (1 - b) * at(i, j) + a * (1 - b) * at(i + 1, j) + (1 - a) * b * at(i, j + 1) +
         a * b * at(i + 1, j + 1);
}

bool close(float got, float want) {
  return std::fabs(got - want) <= 1e-5f * (1 + std::fabs(want));
}

int main() {
  // A 2D float image and sample points that reach past every edge.
  std::vector<float> image(kWidth * kHeight);
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      image[y * kWidth + x] = std::sin(0.7f * x) + 0.25f * y * y;
  std::vector<float2> points(kPoints), normalizedPoints(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    points[i] = make_float2(-2.0f + 0.37f * i, -1.5f + 0.173f * i);
    normalizedPoints[i] = make_float2(-1.3f + 0.061f * i, 2.2f - 0.07f * i);
  }
  float2 *dPoints, *dNormalized;
  float *dOut;
  CHECK(cudaMalloc(&dPoints, kPoints * sizeof(float2)));
  CHECK(cudaMalloc(&dNormalized, kPoints * sizeof(float2)));
  CHECK(cudaMalloc(&dOut, kPoints * sizeof(float)));
  CHECK(cudaMemcpy(dPoints, points.data(), kPoints * sizeof(float2), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(dNormalized, normalizedPoints.data(), kPoints * sizeof(float2),
                   cudaMemcpyHostToDevice));

  cudaChannelFormatDesc floatFormat = cudaCreateChannelDesc<float>();
  cudaArray_t array;
  CHECK(cudaMallocArray(&array, &floatFormat, kWidth, kHeight));
  CHECK(cudaMemcpy2DToArray(array, 0, 0, image.data(), kWidth * sizeof(float),
                            kWidth * sizeof(float), kHeight, cudaMemcpyHostToDevice));
  cudaChannelFormatDesc gotFormat;
  cudaExtent gotExtent;
  unsigned gotFlags;
  CHECK(cudaArrayGetInfo(&gotFormat, &gotExtent, &gotFlags, array));
  if (gotFormat.x != 32 || gotFormat.f != cudaChannelFormatKindFloat || gotExtent.width != kWidth ||
      gotExtent.height != kHeight || gotExtent.depth != 0) {
    std::printf("cudaArrayGetInfo: wrong description\nFAIL\n");
    return EXIT_FAILURE;
  }

  struct Case {
    const char *name;
    cudaTextureFilterMode filter;
    cudaTextureAddressMode mode;
    bool normalized;
  } cases[] = {
      {"linear+clamp", cudaFilterModeLinear, cudaAddressModeClamp, false},
      {"point+clamp", cudaFilterModePoint, cudaAddressModeClamp, false},
      {"normalized linear+wrap", cudaFilterModeLinear, cudaAddressModeWrap, true},
      {"normalized point+mirror", cudaFilterModePoint, cudaAddressModeMirror, true},
  };
  std::vector<float> out(kPoints);
  for (const Case &c : cases) {
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = array;
    cudaTextureDesc description{};
    description.addressMode[0] = description.addressMode[1] = c.mode;
    description.filterMode = c.filter;
    description.readMode = cudaReadModeElementType;
    description.normalizedCoords = c.normalized;
    cudaTextureObject_t texture;
    CHECK(cudaCreateTextureObject(&texture, &resource, &description, nullptr));
    cudaTextureDesc gotDescription;
    CHECK(cudaGetTextureObjectTextureDesc(&gotDescription, texture));
    if (gotDescription.filterMode != c.filter || gotDescription.addressMode[1] != c.mode) {
      std::printf("%s: cudaGetTextureObjectTextureDesc differs\nFAIL\n", c.name);
      return EXIT_FAILURE;
    }
    sample2D<<<2, 32>>>(texture, c.normalized ? dNormalized : dPoints, dOut, kPoints);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(out.data(), dOut, kPoints * sizeof(float), cudaMemcpyDeviceToHost));
    CHECK(cudaDestroyTextureObject(texture));
    for (int i = 0; i < kPoints; ++i) {
      float2 p = c.normalized ? normalizedPoints[i] : points[i];
      float want = reference2D(image.data(), p.x, p.y, c.filter == cudaFilterModeLinear,
                               c.normalized, c.mode);
      if (!close(out[i], want)) {
        std::printf("%s: point %d (%g, %g): got %.7g, want %.7g\nFAIL\n", c.name, i, p.x, p.y,
                    out[i], want);
        return EXIT_FAILURE;
      }
    }
  }

  // A layered array: layer l holds the image plus 10 * l, written with cudaMemcpy3D.
  std::vector<float> layers(kWidth * kHeight * kLayers);
  for (int l = 0; l < kLayers; ++l)
    for (int i = 0; i < kWidth * kHeight; ++i)
      layers[l * kWidth * kHeight + i] = image[i] + 10.0f * l;
  cudaArray_t layered;
  CHECK(cudaMalloc3DArray(&layered, &floatFormat, make_cudaExtent(kWidth, kHeight, kLayers),
                          cudaArrayLayered));
  cudaMemcpy3DParms copy{};
  copy.srcPtr = make_cudaPitchedPtr(layers.data(), kWidth * sizeof(float), kWidth, kHeight);
  copy.dstArray = layered;
  copy.extent = make_cudaExtent(kWidth, kHeight, kLayers);
  copy.kind = cudaMemcpyHostToDevice;
  CHECK(cudaMemcpy3D(&copy));
  {
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = layered;
    cudaTextureDesc description{};
    description.addressMode[0] = description.addressMode[1] = cudaAddressModeClamp;
    description.filterMode = cudaFilterModeLinear;
    cudaTextureObject_t texture;
    CHECK(cudaCreateTextureObject(&texture, &resource, &description, nullptr));
    sampleLayered<<<2, 32>>>(texture, dPoints, dOut, kPoints);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(out.data(), dOut, kPoints * sizeof(float), cudaMemcpyDeviceToHost));
    CHECK(cudaDestroyTextureObject(texture));
    for (int i = 0; i < kPoints; ++i) {
      int l = i % kLayers;
      float want = reference2D(layers.data() + l * kWidth * kHeight, points[i].x, points[i].y, true,
                               false, cudaAddressModeClamp);
      if (!close(out[i], want)) {
        std::printf("layered: point %d layer %d: got %.7g, want %.7g\nFAIL\n", i, l, out[i], want);
        return EXIT_FAILURE;
      }
    }
  }

  // tex1Dfetch from linear memory: indices -4 .. n+3, zero outside.
  const int n = kPoints - 8;
  std::vector<float> linear(n);
  for (int i = 0; i < n; ++i)
    linear[i] = 0.5f * i - 3;
  float *dLinear;
  CHECK(cudaMalloc(&dLinear, n * sizeof(float)));
  CHECK(cudaMemcpy(dLinear, linear.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  {
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeLinear;
    resource.res.linear.devPtr = dLinear;
    resource.res.linear.desc = floatFormat;
    resource.res.linear.sizeInBytes = n * sizeof(float);
    cudaTextureDesc description{};
    cudaTextureObject_t texture;
    CHECK(cudaCreateTextureObject(&texture, &resource, &description, nullptr));
    cudaResourceDesc gotResource;
    CHECK(cudaGetTextureObjectResourceDesc(&gotResource, texture));
    if (gotResource.resType != cudaResourceTypeLinear || gotResource.res.linear.devPtr != dLinear) {
      std::printf("cudaGetTextureObjectResourceDesc differs\nFAIL\n");
      return EXIT_FAILURE;
    }
    fetch1D<<<1, kPoints>>>(texture, dOut, kPoints);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(out.data(), dOut, kPoints * sizeof(float), cudaMemcpyDeviceToHost));
    CHECK(cudaDestroyTextureObject(texture));
    for (int i = 0; i < kPoints; ++i) {
      int index = i - 4;
      float want = index >= 0 && index < n ? linear[index] : 0.0f;
      if (out[i] != want) {
        std::printf("tex1Dfetch(%d): got %g, want %g\nFAIL\n", index, out[i], want);
        return EXIT_FAILURE;
      }
    }
  }

  // uchar4 texels read as normalized floats with linear filtering and border addressing.
  std::vector<uchar4> rgba(kWidth * kHeight);
  for (int i = 0; i < kWidth * kHeight; ++i)
    rgba[i] = make_uchar4(i * 7 % 256, 255 - i * 3 % 256, i * 13 % 256, 200);
  cudaChannelFormatDesc rgbaFormat = cudaCreateChannelDesc<uchar4>();
  cudaArray_t rgbaArray;
  CHECK(cudaMallocArray(&rgbaArray, &rgbaFormat, kWidth, kHeight));
  CHECK(cudaMemcpy2DToArray(rgbaArray, 0, 0, rgba.data(), kWidth * sizeof(uchar4),
                            kWidth * sizeof(uchar4), kHeight, cudaMemcpyHostToDevice));
  float4 *dRgbaOut;
  CHECK(cudaMalloc(&dRgbaOut, kPoints * sizeof(float4)));
  {
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = rgbaArray;
    cudaTextureDesc description{};
    description.addressMode[0] = description.addressMode[1] = cudaAddressModeBorder;
    description.filterMode = cudaFilterModeLinear;
    description.readMode = cudaReadModeNormalizedFloat;
    description.borderColor[0] = 0.25f; // only channel x is checked against the border
    cudaTextureObject_t texture;
    CHECK(cudaCreateTextureObject(&texture, &resource, &description, nullptr));
    sampleRgba<<<2, 32>>>(texture, dPoints, dRgbaOut, kPoints);
    CHECK(cudaGetLastError());
    std::vector<float4> got(kPoints);
    CHECK(cudaMemcpy(got.data(), dRgbaOut, kPoints * sizeof(float4), cudaMemcpyDeviceToHost));
    CHECK(cudaDestroyTextureObject(texture));
    for (int c = 0; c < 4; ++c) {
      std::vector<float> channel(kWidth * kHeight);
      for (int i = 0; i < kWidth * kHeight; ++i) {
        const unsigned char *texel = &rgba[i].x;
        channel[i] = texel[c] / 255.0f;
      }
      float border = description.borderColor[c];
      for (int i = 0; i < kPoints; ++i) {
        // Border addressing: indices outside the image read the border color.
        float x = points[i].x - 0.5f, y = points[i].y - 0.5f;
        int i0 = int(std::floor(x)), j0 = int(std::floor(y));
        float a = std::round((x - std::floor(x)) * 256) / 256;
        float b = std::round((y - std::floor(y)) * 256) / 256;
        auto at = [&](int u, int v) {
          return u < 0 || v < 0 || u >= kWidth || v >= kHeight ? border : channel[v * kWidth + u];
        };
        float want = (1 - a) * (1 - b) * at(i0, j0) + a * (1 - b) * at(i0 + 1, j0) +
                     (1 - a) * b * at(i0, j0 + 1) + a * b * at(i0 + 1, j0 + 1);
        const float *value = &got[i].x;
        if (!close(value[c], want)) {
          std::printf("rgba8 normalized: point %d channel %d: got %.7g, want %.7g\nFAIL\n", i, c,
                      value[c], want);
          return EXIT_FAILURE;
        }
      }
    }
  }

  CHECK(cudaFreeArray(array));
  CHECK(cudaFreeArray(layered));
  CHECK(cudaFreeArray(rgbaArray));
  CHECK(cudaFree(dPoints));
  CHECK(cudaFree(dNormalized));
  CHECK(cudaFree(dOut));
  CHECK(cudaFree(dLinear));
  CHECK(cudaFree(dRgbaOut));
  std::printf("texture_object: 4 filter/address cases, layered, tex1Dfetch and rgba8 checked\n");
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
