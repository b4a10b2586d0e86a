// The other texture and surface shapes nvcc emits: tex3D with trilinear filtering, tex1DLayered,
// texCubemap, tex2Dgather, integer texels read as integers, tex2DLod (a texture without
// mipmaps has only level 0) and layered surfaces (surf2DLayeredwrite / surf2DLayeredread), each
// checked against a host implementation of the CUDA programming guide's rules.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

// The deprecated linear array copies are still part of the API; this sample exercises them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

constexpr int kN = 48; // samples per case

struct Results {
  float volume[kN], layered1D[kN], cube[kN], lod[kN];
  float4 gather[kN];
  int integers[kN];
};

__global__ void sampleAll(cudaTextureObject_t volume, cudaTextureObject_t layered1D,
                          cudaTextureObject_t cube, cudaTextureObject_t plane,
                          cudaTextureObject_t integers, const float4 *points, Results *out) {
  int i = threadIdx.x;
  if (i >= kN)
    return;
  float4 p = points[i];
  out->volume[i] = tex3D<float>(volume, p.x, p.y, p.z);
  out->layered1D[i] = tex1DLayered<float>(layered1D, p.x, i % 3);
  out->cube[i] = texCubemap<float>(cube, p.x - 2.9f, p.y - 1.7f, p.z - 1.1f);
  out->gather[i] = tex2Dgather<float4>(plane, p.x, p.y, 0);
  out->lod[i] = tex2DLod<float>(plane, p.x, p.y, 0.0f);
  out->integers[i] = tex2D<int>(integers, p.x, p.y);
}

__global__ void layeredSurface(cudaSurfaceObject_t surface, int width, int height, int layers,
                               int *sums) {
  int x = threadIdx.x, y = blockIdx.x;
  for (int l = 0; l < layers; ++l)
    surf2DLayeredwrite(x + 10 * y + 100 * l, surface, x * int(sizeof(int)), y, l);
  __syncthreads();
  int sum = 0;
  for (int l = 0; l < layers; ++l)
    sum += surf2DLayeredread<int>(surface, x * int(sizeof(int)), y, l);
  sums[y * width + x] = sum;
}

int clampIndex(int i, int n) {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
float weight(float f) {
  return std::round(f * 256) / 256;
}

cudaTextureObject_t makeTexture(cudaArray_t array, cudaTextureFilterMode filter,
                                bool normalized = false) {
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  cudaTextureDesc description{};
  for (auto &mode : description.addressMode)
    mode = cudaAddressModeClamp;
  description.filterMode = filter;
  description.normalizedCoords = normalized;
  cudaTextureObject_t texture = 0;
  if (cudaCreateTextureObject(&texture, &resource, &description, nullptr) != cudaSuccess)
    return 0;
  return texture;
}

bool close(float got, float want) {
  return std::fabs(got - want) <= 1e-5f * (1 + std::fabs(want));
}

int main() {
  cudaChannelFormatDesc f32 = cudaCreateChannelDesc<float>();
  // 3D volume 5 x 4 x 3.
  const int W = 5, H = 4, D = 3;
  std::vector<float> volume(W * H * D);
  for (int i = 0; i < W * H * D; ++i)
    volume[i] = std::cos(0.3f * i) * 4;
  cudaArray_t volumeArray;
  CHECK(cudaMalloc3DArray(&volumeArray, &f32, make_cudaExtent(W, H, D)));
  cudaMemcpy3DParms copy{};
  copy.srcPtr = make_cudaPitchedPtr(volume.data(), W * sizeof(float), W, H);
  copy.dstArray = volumeArray;
  copy.extent = make_cudaExtent(W, H, D);
  copy.kind = cudaMemcpyHostToDevice;
  CHECK(cudaMemcpy3D(&copy));

  // 1D layered: 8 wide, 3 layers.
  const int L1 = 8;
  std::vector<float> layers1D(L1 * 3);
  for (int i = 0; i < L1 * 3; ++i)
    layers1D[i] = float(i * i % 17);
  cudaArray_t layeredArray;
  CHECK(cudaMalloc3DArray(&layeredArray, &f32, make_cudaExtent(L1, 0, 3), cudaArrayLayered));
  copy = cudaMemcpy3DParms{};
  copy.srcPtr = make_cudaPitchedPtr(layers1D.data(), L1 * sizeof(float), L1, 1);
  copy.dstArray = layeredArray;
  copy.extent = make_cudaExtent(L1, 1, 3);
  copy.kind = cudaMemcpyHostToDevice;
  CHECK(cudaMemcpy3D(&copy));

  // Cubemap: 4 x 4 faces, texel value = face * 100 + y * 10 + x.
  const int C = 4;
  std::vector<float> faces(C * C * 6);
  for (int f = 0; f < 6; ++f)
    for (int y = 0; y < C; ++y)
      for (int x = 0; x < C; ++x)
        faces[(f * C + y) * C + x] = f * 100 + y * 10 + x;
  cudaArray_t cubeArray;
  CHECK(cudaMalloc3DArray(&cubeArray, &f32, make_cudaExtent(C, C, 6), cudaArrayCubemap));
  copy = cudaMemcpy3DParms{};
  copy.srcPtr = make_cudaPitchedPtr(faces.data(), C * sizeof(float), C, C);
  copy.dstArray = cubeArray;
  copy.extent = make_cudaExtent(C, C, 6);
  copy.kind = cudaMemcpyHostToDevice;
  CHECK(cudaMemcpy3D(&copy));

  // A 2D plane for gather and LOD sampling, and an integer plane.
  const int P = 6;
  std::vector<float> plane(P * P);
  std::vector<int> integers(P * P);
  for (int i = 0; i < P * P; ++i) {
    plane[i] = 0.5f * i - 4;
    integers[i] = i * 1000 - 7;
  }
  cudaArray_t planeArray, integerArray;
  CHECK(cudaMallocArray(&planeArray, &f32, P, P, cudaArrayTextureGather));
  // Queued on the default stream (per-thread: this sample is built with --default-stream
  // per-thread), which the kernel below follows.
  CHECK(cudaMemcpy2DToArrayAsync(planeArray, 0, 0, plane.data(), P * sizeof(float),
                                 P * sizeof(float), P, cudaMemcpyHostToDevice, 0));
  cudaChannelFormatDesc s32 = cudaCreateChannelDesc<int>();
  CHECK(cudaMallocArray(&integerArray, &s32, P, P));
  // The whole array as one linear range (the deprecated form is still exported).
  CHECK(cudaMemcpyToArrayAsync(integerArray, 0, 0, integers.data(), P * P * sizeof(int),
                               cudaMemcpyHostToDevice, 0));

  cudaTextureObject_t volumeTexture = makeTexture(volumeArray, cudaFilterModeLinear);
  cudaTextureObject_t layeredTexture = makeTexture(layeredArray, cudaFilterModePoint);
  cudaTextureObject_t cubeTexture = makeTexture(cubeArray, cudaFilterModePoint, true);
  cudaTextureObject_t planeTexture = makeTexture(planeArray, cudaFilterModeLinear);
  cudaTextureObject_t integerTexture = makeTexture(integerArray, cudaFilterModePoint);
  if (!volumeTexture || !layeredTexture || !cubeTexture || !planeTexture || !integerTexture) {
    std::printf("texture creation failed\nFAIL\n");
    return EXIT_FAILURE;
  }

  std::vector<float4> points(kN);
  for (int i = 0; i < kN; ++i)
    points[i] = make_float4(-0.6f + 0.157f * i, 5.1f - 0.113f * i, -0.4f + 0.083f * i, 0);
  float4 *dPoints;
  Results *dResults;
  CHECK(cudaMalloc(&dPoints, kN * sizeof(float4)));
  CHECK(cudaMalloc(&dResults, sizeof(Results)));
  CHECK(cudaMemcpy(dPoints, points.data(), kN * sizeof(float4), cudaMemcpyHostToDevice));
  sampleAll<<<1, 64>>>(volumeTexture, layeredTexture, cubeTexture, planeTexture, integerTexture,
                       dPoints, dResults);
  CHECK(cudaGetLastError());
  Results results;
  CHECK(cudaMemcpy(&results, dResults, sizeof(Results), cudaMemcpyDeviceToHost));

  for (int i = 0; i < kN; ++i) {
    float4 p = points[i];
    // Trilinear: eight texels around (x, y, z) - 0.5, clamped.
    float xb = p.x - 0.5f, yb = p.y - 0.5f, zb = p.z - 0.5f;
    int x0 = int(std::floor(xb)), y0 = int(std::floor(yb)), z0 = int(std::floor(zb));
    float a = weight(xb - x0), b = weight(yb - y0), c = weight(zb - z0);
    float want = 0;
    for (int corner = 0; corner < 8; ++corner) {
      int dx = corner & 1, dy = corner >> 1 & 1, dz = corner >> 2 & 1;
      float w = (dx ? a : 1 - a) * (dy ? b : 1 - b) * (dz ? c : 1 - c);
      want += w * volume[(clampIndex(z0 + dz, D) * H + clampIndex(y0 + dy, H)) * W +
                         clampIndex(x0 + dx, W)];
    }
    if (!close(results.volume[i], want)) {
      std::printf("tex3D %d: got %.7g, want %.7g\nFAIL\n", i, results.volume[i], want);
      return EXIT_FAILURE;
    }
    want = layers1D[(i % 3) * L1 + clampIndex(int(std::floor(p.x)), L1)];
    if (results.layered1D[i] != want) {
      std::printf("tex1DLayered %d: got %g, want %g\nFAIL\n", i, results.layered1D[i], want);
      return EXIT_FAILURE;
    }
    // Cubemap: the face of the major axis, then (s / m + 1) / 2, (t / m + 1) / 2 on it.
    float x = p.x - 2.9f, y = p.y - 1.7f, z = p.z - 1.1f;
    float ax = std::fabs(x), ay = std::fabs(y), az = std::fabs(z), m, s, t;
    int face;
    if (ax >= ay && ax >= az) {
      face = x >= 0 ? 0 : 1, m = ax, s = x >= 0 ? -z : z, t = -y;
    } else if (ay >= az) {
      face = y >= 0 ? 2 : 3, m = ay, s = x, t = y >= 0 ? z : -z;
    } else {
      face = z >= 0 ? 4 : 5, m = az, s = z >= 0 ? x : -x, t = -y;
    }
    float u = (s / m + 1) / 2 * C, v = (t / m + 1) / 2 * C;
    want = faces[(face * C + clampIndex(int(std::floor(v)), C)) * C +
                 clampIndex(int(std::floor(u)), C)];
    if (results.cube[i] != want) {
      std::printf("texCubemap %d (%g,%g,%g): got %g, want %g\nFAIL\n", i, x, y, z, results.cube[i],
                  want);
      return EXIT_FAILURE;
    }
    // Gather: the four texels bilinear filtering would use, (i, j+1), (i+1, j+1), (i+1, j), (i, j).
    int gi = int(std::floor(p.x - 0.5f)), gj = int(std::floor(p.y - 0.5f));
    auto at = [&](int u0, int v0) { return plane[clampIndex(v0, P) * P + clampIndex(u0, P)]; };
    float4 g = results.gather[i];
    if (g.x != at(gi, gj + 1) || g.y != at(gi + 1, gj + 1) || g.z != at(gi + 1, gj) ||
        g.w != at(gi, gj)) {
      std::printf("tex2Dgather %d: got (%g,%g,%g,%g)\nFAIL\n", i, g.x, g.y, g.z, g.w);
      return EXIT_FAILURE;
    }
    float fa = weight(p.x - 0.5f - gi), fb = weight(p.y - 0.5f - gj);
    want = (1 - fa) * (1 - fb) * at(gi, gj) + fa * (1 - fb) * at(gi + 1, gj) +
           (1 - fa) * fb * at(gi, gj + 1) + fa * fb * at(gi + 1, gj + 1);
    if (!close(results.lod[i], want)) {
      std::printf("tex2DLod %d: got %.7g, want %.7g\nFAIL\n", i, results.lod[i], want);
      return EXIT_FAILURE;
    }
    int wantInt =
        integers[clampIndex(int(std::floor(p.y)), P) * P + clampIndex(int(std::floor(p.x)), P)];
    if (results.integers[i] != wantInt) {
      std::printf("tex2D<int> %d: got %d, want %d\nFAIL\n", i, results.integers[i], wantInt);
      return EXIT_FAILURE;
    }
  }

  // Layered surface: 3 layers of 16 x 5 ints.
  const int SW = 16, SH = 5, SL = 3;
  cudaArray_t surfaceArray;
  CHECK(cudaMalloc3DArray(&surfaceArray, &s32, make_cudaExtent(SW, SH, SL),
                          cudaArrayLayered | cudaArraySurfaceLoadStore));
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = surfaceArray;
  cudaSurfaceObject_t surface;
  CHECK(cudaCreateSurfaceObject(&surface, &resource));
  int *dSums;
  CHECK(cudaMalloc(&dSums, SW * SH * sizeof(int)));
  layeredSurface<<<SH, SW>>>(surface, SW, SH, SL, dSums);
  CHECK(cudaGetLastError());
  std::vector<int> sums(SW * SH), layer2(SW * SH);
  CHECK(cudaMemcpy(sums.data(), dSums, sums.size() * sizeof(int), cudaMemcpyDeviceToHost));
  copy = cudaMemcpy3DParms{};
  copy.srcArray = surfaceArray;
  copy.srcPos = make_cudaPos(0, 0, 2);
  copy.dstPtr = make_cudaPitchedPtr(layer2.data(), SW * sizeof(int), SW, SH);
  copy.extent = make_cudaExtent(SW, SH, 1);
  copy.kind = cudaMemcpyDeviceToHost;
  CHECK(cudaMemcpy3D(&copy));
  for (int y = 0; y < SH; ++y)
    for (int x = 0; x < SW; ++x) {
      int base = x + 10 * y;
      if (sums[y * SW + x] != 3 * base + 300 || layer2[y * SW + x] != base + 200) {
        std::printf("layered surface (%d,%d): sum %d, layer 2 %d\nFAIL\n", x, y, sums[y * SW + x],
                    layer2[y * SW + x]);
        return EXIT_FAILURE;
      }
    }

  CHECK(cudaDestroySurfaceObject(surface));
  for (cudaTextureObject_t texture :
       {volumeTexture, layeredTexture, cubeTexture, planeTexture, integerTexture})
    CHECK(cudaDestroyTextureObject(texture));
  for (cudaArray_t array :
       {volumeArray, layeredArray, cubeArray, planeArray, integerArray, surfaceArray})
    CHECK(cudaFreeArray(array));
  CHECK(cudaFree(dPoints));
  CHECK(cudaFree(dResults));
  CHECK(cudaFree(dSums));
  std::printf("texture_shapes: tex3D, tex1DLayered, texCubemap, tex2Dgather, tex2DLod, "
              "tex2D<int> and a layered surface checked at %d points\n",
              kN);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
