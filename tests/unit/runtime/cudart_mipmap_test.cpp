// Mipmapped arrays through NVIDIA's headers against our libcudart.so.13: level counts and extents
// (cudaMallocMipmappedArray's clamp to [1, 1 + floor(log2(largest extent))], halving with floor
// and at least 1), level arrays as ordinary arrays (info, copies, surfaces), the error codes the
// header documents, texture objects over mipmapped arrays and the device's mipmap limits.
// Sampling is covered by the PTX conformance suite (TextureMipmap).
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace {

cudaChannelFormatDesc f32x4() {
  return cudaChannelFormatDesc{32, 32, 32, 32, cudaChannelFormatKindFloat};
}

cudaExtent extentOf(cudaArray_t array) {
  cudaExtent extent{};
  EXPECT_EQ(cudaArrayGetInfo(nullptr, &extent, nullptr, array), cudaSuccess);
  return extent;
}

// The number of levels a mipmapped array has: the first level cudaGetMipmappedArrayLevel refuses.
unsigned levelCount(cudaMipmappedArray_t mipmapped) {
  unsigned levels = 0;
  cudaArray_t level;
  while (cudaGetMipmappedArrayLevel(&level, mipmapped, levels) == cudaSuccess)
    ++levels;
  cudaGetLastError();
  return levels;
}

TEST(CudartMipmappedArray, LevelCountsAndExtents) {
  cudaChannelFormatDesc format = f32x4();
  struct Shape {
    cudaExtent extent;
    unsigned flags;
    unsigned requested, levels;
    std::vector<cudaExtent> expected; // the first levels
  };
  const Shape shapes[] = {
      {{37, 19, 0},
       0,
       100,
       6,
       {{37, 19, 0}, {18, 9, 0}, {9, 4, 0}, {4, 2, 0}, {2, 1, 0}, {1, 1, 0}}},
      {{37, 19, 0}, 0, 3, 3, {{37, 19, 0}, {18, 9, 0}, {9, 4, 0}}},
      {{37, 19, 0}, 0, 0, 1, {{37, 19, 0}}},
      {{64, 0, 0}, 0, 0xffffffffu, 7, {{64, 0, 0}, {32, 0, 0}, {1, 0, 0}}},
      {{8, 4, 16}, 0, 10, 5, {{8, 4, 16}, {4, 2, 8}, {2, 1, 4}, {1, 1, 2}, {1, 1, 1}}},
      {{16, 8, 5}, cudaArrayLayered, 9, 5, {{16, 8, 5}, {8, 4, 5}, {4, 2, 5}, {2, 1, 5}}},
      {{32, 0, 3}, cudaArrayLayered, 9, 6, {{32, 0, 3}, {16, 0, 3}}},
      {{8, 8, 6}, cudaArrayCubemap, 9, 4, {{8, 8, 6}, {4, 4, 6}, {2, 2, 6}, {1, 1, 6}}},
      {{8, 8, 12}, cudaArrayCubemap | cudaArrayLayered, 2, 2, {{8, 8, 12}, {4, 4, 12}}},
  };
  for (const Shape &shape : shapes) {
    cudaMipmappedArray_t mipmapped = nullptr;
    ASSERT_EQ(
        cudaMallocMipmappedArray(&mipmapped, &format, shape.extent, shape.requested, shape.flags),
        cudaSuccess);
    EXPECT_EQ(levelCount(mipmapped), shape.levels) << shape.extent.width;
    for (unsigned l = 0; l < shape.expected.size(); ++l) {
      // The last expected entry of the 1D case is its last level.
      unsigned index = l + 1 == shape.expected.size() && shape.extent.height == 0 &&
                               !(shape.flags & cudaArrayLayered)
                           ? shape.levels - 1
                           : l;
      cudaArray_t level = nullptr;
      ASSERT_EQ(cudaGetMipmappedArrayLevel(&level, mipmapped, index), cudaSuccess);
      cudaExtent extent{};
      cudaChannelFormatDesc desc{};
      unsigned flags = 0;
      ASSERT_EQ(cudaArrayGetInfo(&desc, &extent, &flags, level), cudaSuccess);
      EXPECT_EQ(extent.width, shape.expected[l].width) << "level " << index;
      EXPECT_EQ(extent.height, shape.expected[l].height) << "level " << index;
      EXPECT_EQ(extent.depth, shape.expected[l].depth) << "level " << index;
      EXPECT_EQ(flags, shape.flags);
      EXPECT_EQ(desc.w, 32);
    }
    cudaArray_t past;
    EXPECT_EQ(cudaGetMipmappedArrayLevel(&past, mipmapped, shape.levels), cudaErrorInvalidValue);
    EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
  }
  cudaGetLastError();
}

TEST(CudartMipmappedArray, Errors) {
  cudaChannelFormatDesc format = f32x4();
  cudaMipmappedArray_t mipmapped = nullptr;
  EXPECT_EQ(cudaMallocMipmappedArray(nullptr, &format, cudaExtent{8, 8, 0}, 2),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, nullptr, cudaExtent{8, 8, 0}, 2),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, &format, cudaExtent{0, 8, 0}, 2),
            cudaErrorInvalidValue);
  cudaChannelFormatDesc three{8, 8, 8, 0, cudaChannelFormatKindUnsigned};
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, &three, cudaExtent{8, 8, 0}, 2),
            cudaErrorInvalidChannelDescriptor);
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, &format, cudaExtent{8, 8, 0}, 2, cudaArraySparse),
            cudaErrorNotSupported);
  // A cubemap needs square faces, six of them.
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, &format, cudaExtent{8, 4, 6}, 2, cudaArrayCubemap),
            cudaErrorInvalidValue);
  // The mipmapped 1D and 2D limits are the device's maxTexture1DMipmap / maxTexture2DMipmap.
  int width1D = 0, width2D = 0, height2D = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&width1D, cudaDevAttrMaxTexture1DMipmappedWidth, 0),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&width2D, cudaDevAttrMaxTexture2DMipmappedWidth, 0),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&height2D, cudaDevAttrMaxTexture2DMipmappedHeight, 0),
            cudaSuccess);
  EXPECT_EQ(width1D, 32768);
  EXPECT_EQ(width2D, 32768);
  EXPECT_EQ(height2D, 32768);
  cudaDeviceProp prop{};
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(prop.maxTexture1DMipmap, width1D);
  EXPECT_EQ(prop.maxTexture2DMipmap[0], width2D);
  EXPECT_EQ(prop.maxTexture2DMipmap[1], height2D);
  cudaChannelFormatDesc f8{8, 0, 0, 0, cudaChannelFormatKindUnsigned};
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, &f8, cudaExtent{size_t(width1D) + 1, 0, 0}, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocMipmappedArray(&mipmapped, &f8, cudaExtent{64, size_t(height2D) + 1, 0}, 1),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmapped, &f8, cudaExtent{size_t(width1D), 0, 0}, 2),
            cudaSuccess);
  // A level belongs to its mipmapped array: cudaFreeArray refuses it.
  cudaArray_t level = nullptr;
  ASSERT_EQ(cudaGetMipmappedArrayLevel(&level, mipmapped, 1), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(level), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetMipmappedArrayLevel(nullptr, mipmapped, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetMipmappedArrayLevel(&level, nullptr, 0), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetMipmappedArrayLevel(&level, mipmapped, 0), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaFreeMipmappedArray(nullptr), cudaSuccess);
  cudaGetLastError();
}

TEST(CudartMipmappedArray, LevelsCopyLikeArrays) {
  cudaChannelFormatDesc format{32, 0, 0, 0, cudaChannelFormatKindFloat};
  cudaMipmappedArray_t mipmapped = nullptr;
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmapped, &format, cudaExtent{16, 8, 0}, 4,
                                     cudaArraySurfaceLoadStore),
            cudaSuccess);
  std::vector<std::vector<float>> written;
  for (unsigned l = 0; l < 4; ++l) {
    cudaArray_t level = nullptr;
    ASSERT_EQ(cudaGetMipmappedArrayLevel(&level, mipmapped, l), cudaSuccess);
    cudaExtent extent = extentOf(level);
    std::vector<float> values(extent.width * extent.height);
    std::iota(values.begin(), values.end(), float(100 * l));
    size_t row = extent.width * sizeof(float);
    ASSERT_EQ(cudaMemcpy2DToArray(level, 0, 0, values.data(), row, row, extent.height,
                                  cudaMemcpyHostToDevice),
              cudaSuccess);
    // One element past the level's width does not fit.
    EXPECT_EQ(cudaMemcpy2DToArray(level, sizeof(float), 0, values.data(), row, row, 1,
                                  cudaMemcpyHostToDevice),
              cudaErrorInvalidValue);
    written.push_back(values);
  }
  for (unsigned l = 0; l < 4; ++l) {
    cudaArray_t level = nullptr;
    ASSERT_EQ(cudaGetMipmappedArrayLevel(&level, mipmapped, l), cudaSuccess);
    cudaExtent extent = extentOf(level);
    std::vector<float> back(extent.width * extent.height);
    size_t row = extent.width * sizeof(float);
    ASSERT_EQ(cudaMemcpy2DFromArray(back.data(), row, level, 0, 0, row, extent.height,
                                    cudaMemcpyDeviceToHost),
              cudaSuccess);
    EXPECT_EQ(back, written[l]) << "level " << l;
    // A surface object over a level array created with cudaArraySurfaceLoadStore.
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = level;
    cudaSurfaceObject_t surface = 0;
    ASSERT_EQ(cudaCreateSurfaceObject(&surface, &resource), cudaSuccess);
    EXPECT_EQ(cudaDestroySurfaceObject(surface), cudaSuccess);
  }
  // A surface needs an array resource, not the mipmapped array.
  cudaResourceDesc whole{};
  whole.resType = cudaResourceTypeMipmappedArray;
  whole.res.mipmap.mipmap = mipmapped;
  cudaSurfaceObject_t surface = 0;
  EXPECT_EQ(cudaCreateSurfaceObject(&surface, &whole), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
  // Levels of a mipmapped array without cudaArraySurfaceLoadStore take no surface.
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmapped, &format, cudaExtent{16, 8, 0}, 2), cudaSuccess);
  cudaArray_t level = nullptr;
  ASSERT_EQ(cudaGetMipmappedArrayLevel(&level, mipmapped, 1), cudaSuccess);
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = level;
  EXPECT_EQ(cudaCreateSurfaceObject(&surface, &resource), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
  cudaGetLastError();
}

TEST(CudartMipmappedArray, TextureObjects) {
  cudaChannelFormatDesc format = f32x4();
  cudaMipmappedArray_t mipmapped = nullptr;
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmapped, &format, cudaExtent{16, 16, 0}, 0xff),
            cudaSuccess);
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeMipmappedArray;
  resource.res.mipmap.mipmap = mipmapped;
  cudaTextureDesc description{};
  description.filterMode = cudaFilterModeLinear;
  description.mipmapFilterMode = cudaFilterModeLinear;
  description.normalizedCoords = 1;
  description.mipmapLevelBias = 0.5f;
  description.maxMipmapLevelClamp = 4;
  description.maxAnisotropy = 4;
  cudaTextureObject_t texture = 0;
  ASSERT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr), cudaSuccess);
  cudaResourceDesc gotResource{};
  ASSERT_EQ(cudaGetTextureObjectResourceDesc(&gotResource, texture), cudaSuccess);
  EXPECT_EQ(gotResource.resType, cudaResourceTypeMipmappedArray);
  EXPECT_EQ(gotResource.res.mipmap.mipmap, mipmapped);
  cudaTextureDesc gotDescription{};
  ASSERT_EQ(cudaGetTextureObjectTextureDesc(&gotDescription, texture), cudaSuccess);
  EXPECT_EQ(gotDescription.mipmapFilterMode, cudaFilterModeLinear);
  EXPECT_EQ(gotDescription.mipmapLevelBias, 0.5f);
  EXPECT_EQ(gotDescription.maxMipmapLevelClamp, 4.0f);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaSuccess);
  // Not a filter mode.
  description.mipmapFilterMode = cudaTextureFilterMode(7);
  EXPECT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
  // Freed: no longer a resource.
  description.mipmapFilterMode = cudaFilterModePoint;
  EXPECT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr),
            cudaErrorInvalidResourceHandle);
  // Linear filtering between levels of integer texels read as integers has no result type.
  cudaChannelFormatDesc u8{8, 0, 0, 0, cudaChannelFormatKindUnsigned};
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmapped, &u8, cudaExtent{16, 16, 0}, 3), cudaSuccess);
  resource.res.mipmap.mipmap = mipmapped;
  description.filterMode = cudaFilterModePoint;
  description.mipmapFilterMode = cudaFilterModeLinear;
  EXPECT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr),
            cudaErrorInvalidValue);
  description.readMode = cudaReadModeNormalizedFloat;
  ASSERT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaSuccess);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
  cudaGetLastError();
}

} // namespace
