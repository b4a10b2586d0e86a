// Texture resource views through NVIDIA's headers against our libcudart.so.13: the rules
// cudaCreateTextureObject's documentation gives a cudaResourceViewDesc, each refusal with its
// error code, cudaGetTextureObjectResourceViewDesc, and the image the backend samples through an
// accepted view. A texture object's handle is the address of its cuport_texture_descriptor
// (backends/texture_descriptor.h), which the test reads; sampling through views is covered by
// the PTX conformance suite (TextureView) and block decoding by test_cpu_backend.
#include "backends/texture_descriptor.h"

#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdint>

namespace {

cudaChannelFormatDesc format(int bits, cudaChannelFormatKind kind, int channels) {
  return cudaChannelFormatDesc{bits, channels > 1 ? bits : 0, channels > 2 ? bits : 0,
                               channels > 3 ? bits : 0, kind};
}

cudaResourceDesc arrayResource(cudaArray_t array) {
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  return resource;
}

cudaResourceDesc mipmappedResource(cudaMipmappedArray_t array) {
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeMipmappedArray;
  resource.res.mipmap.mipmap = array;
  return resource;
}

cudaResourceViewDesc viewOf(cudaResourceViewFormat viewFormat, size_t width, size_t height,
                            size_t depth) {
  cudaResourceViewDesc view{};
  view.format = viewFormat;
  view.width = width;
  view.height = height;
  view.depth = depth;
  return view;
}

cudaTextureDesc pointSampled() {
  cudaTextureDesc description{};
  description.normalizedCoords = 1;
  return description;
}

// Creates a texture over `resource` through `view`: the error, and on success the descriptor
// (copied) after destroying the object.
cudaError_t create(const cudaResourceDesc &resource, const cudaResourceViewDesc &view,
                   cuport_texture_descriptor *descriptor = nullptr,
                   cudaTextureDesc description = pointSampled()) {
  cudaTextureObject_t texture = 0;
  cudaError_t error = cudaCreateTextureObject(&texture, &resource, &description, &view);
  cudaGetLastError();
  if (error != cudaSuccess)
    return error;
  if (descriptor)
    *descriptor = *reinterpret_cast<const cuport_texture_descriptor *>(texture);
  cudaResourceViewDesc got{};
  EXPECT_EQ(cudaGetTextureObjectResourceViewDesc(&got, texture), cudaSuccess);
  EXPECT_EQ(got.format, view.format);
  EXPECT_EQ(got.width, view.width);
  EXPECT_EQ(got.lastMipmapLevel, view.lastMipmapLevel);
  EXPECT_EQ(got.lastLayer, view.lastLayer);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaSuccess);
  return error;
}

TEST(CudartTextureView, OnlyArraysTakeViews) {
  void *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 4096), cudaSuccess);
  cudaResourceDesc linear{};
  linear.resType = cudaResourceTypeLinear;
  linear.res.linear.devPtr = memory;
  linear.res.linear.desc = format(32, cudaChannelFormatKindFloat, 1);
  linear.res.linear.sizeInBytes = 4096;
  EXPECT_EQ(create(linear, viewOf(cudaResViewFormatNone, 1024, 0, 0)), cudaErrorInvalidValue);
  cudaResourceDesc pitched{};
  pitched.resType = cudaResourceTypePitch2D;
  pitched.res.pitch2D.devPtr = memory;
  pitched.res.pitch2D.desc = format(32, cudaChannelFormatKindFloat, 1);
  pitched.res.pitch2D.width = 16;
  pitched.res.pitch2D.height = 8;
  pitched.res.pitch2D.pitchInBytes = 128;
  EXPECT_EQ(create(pitched, viewOf(cudaResViewFormatNone, 16, 8, 0)), cudaErrorInvalidValue);
  // Without a view (or with an all-zero one) both are fine.
  cudaTextureObject_t texture = 0;
  cudaTextureDesc description = pointSampled();
  cudaResourceViewDesc none{};
  ASSERT_EQ(cudaCreateTextureObject(&texture, &pitched, &description, &none), cudaSuccess);
  cudaResourceViewDesc got{};
  EXPECT_EQ(cudaGetTextureObjectResourceViewDesc(&got, texture), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaSuccess);
  EXPECT_EQ(cudaFree(memory), cudaSuccess);
  cudaGetLastError();
}

TEST(CudartTextureView, FormatsAndExtents) {
  cudaChannelFormatDesc u32 = format(32, cudaChannelFormatKindUnsigned, 1);
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &u32, 8, 4), cudaSuccess);
  cudaResourceDesc resource = arrayResource(array);
  cuport_texture_descriptor d{};
  // None keeps the format; the extent must be the array's.
  ASSERT_EQ(create(resource, viewOf(cudaResViewFormatNone, 8, 4, 0), &d), cudaSuccess);
  EXPECT_EQ(d.channel_kind, uint32_t{CUPORT_CHANNEL_UNSIGNED});
  EXPECT_EQ(d.width, 8u);
  EXPECT_EQ(d.block_format, uint32_t{CUPORT_BLOCK_NONE});
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatNone, 4, 4, 0)), cudaErrorInvalidValue);
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatNone, 8, 2, 0)), cudaErrorInvalidValue);
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatNone, 8, 4, 1)), cudaErrorInvalidValue);
  // Formats of the same element size reinterpret the elements.
  ASSERT_EQ(create(resource, viewOf(cudaResViewFormatFloat1, 8, 4, 0), &d), cudaSuccess);
  EXPECT_EQ(d.channel_kind, uint32_t{CUPORT_CHANNEL_FLOAT});
  EXPECT_EQ(d.channels, 1u);
  ASSERT_EQ(create(resource, viewOf(cudaResViewFormatSignedChar4, 8, 4, 0), &d), cudaSuccess);
  EXPECT_EQ(d.channel_kind, uint32_t{CUPORT_CHANNEL_SIGNED});
  EXPECT_EQ(d.channels, 4u);
  EXPECT_EQ(d.channel_bits, 8u);
  ASSERT_EQ(create(resource, viewOf(cudaResViewFormatHalf2, 8, 4, 0), &d), cudaSuccess);
  EXPECT_EQ(d.channel_kind, uint32_t{CUPORT_CHANNEL_FLOAT});
  EXPECT_EQ(d.channel_bits, 16u);
  // Another element size, or no format at all, is refused.
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatUnsignedShort1, 8, 4, 0)),
            cudaErrorInvalidValue);
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatFloat2, 8, 4, 0)), cudaErrorInvalidValue);
  EXPECT_EQ(create(resource, viewOf(cudaResourceViewFormat(0x40), 8, 4, 0)), cudaErrorInvalidValue);
  // Reserved words must be zero.
  cudaResourceViewDesc reserved = viewOf(cudaResViewFormatNone, 8, 4, 0);
  reserved.reserved[3] = 1;
  EXPECT_EQ(create(resource, reserved), cudaErrorInvalidValue);
  // The sampler is checked against the view's format: linear filtering needs float results.
  cudaTextureDesc linear = pointSampled();
  linear.filterMode = cudaFilterModeLinear;
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatNone, 8, 4, 0), nullptr, linear),
            cudaErrorInvalidValue);
  EXPECT_EQ(create(resource, viewOf(cudaResViewFormatFloat1, 8, 4, 0), nullptr, linear),
            cudaSuccess);
  // Levels and layers must be 0 for a plain 2D array.
  cudaResourceViewDesc levels = viewOf(cudaResViewFormatNone, 8, 4, 0);
  levels.lastMipmapLevel = 1;
  EXPECT_EQ(create(resource, levels), cudaErrorInvalidValue);
  cudaResourceViewDesc layers = viewOf(cudaResViewFormatNone, 8, 4, 0);
  layers.lastLayer = 1;
  EXPECT_EQ(create(resource, layers), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(CudartTextureView, BlockCompressedFormats) {
  cudaChannelFormatDesc u32x2 = format(32, cudaChannelFormatKindUnsigned, 2);
  cudaChannelFormatDesc u32x4 = format(32, cudaChannelFormatKindUnsigned, 4);
  cudaChannelFormatDesc f32x2 = format(32, cudaChannelFormatKindFloat, 2);
  cudaArray_t pairs = nullptr, quads = nullptr, floats = nullptr;
  ASSERT_EQ(cudaMallocArray(&pairs, &u32x2, 4, 2), cudaSuccess);
  ASSERT_EQ(cudaMallocArray(&quads, &u32x4, 4, 2), cudaSuccess);
  ASSERT_EQ(cudaMallocArray(&floats, &f32x2, 4, 2), cudaSuccess);
  struct Case {
    cudaResourceViewFormat format;
    cudaArray_t array;
    uint32_t block, channels, kind;
  };
  const Case kAccepted[] = {
      {cudaResViewFormatUnsignedBlockCompressed1, pairs, CUPORT_BLOCK_BC1, 4,
       CUPORT_CHANNEL_UNSIGNED},
      {cudaResViewFormatUnsignedBlockCompressed2, quads, CUPORT_BLOCK_BC2, 4,
       CUPORT_CHANNEL_UNSIGNED},
      {cudaResViewFormatUnsignedBlockCompressed3, quads, CUPORT_BLOCK_BC3, 4,
       CUPORT_CHANNEL_UNSIGNED},
      {cudaResViewFormatUnsignedBlockCompressed4, pairs, CUPORT_BLOCK_BC4, 1,
       CUPORT_CHANNEL_UNSIGNED},
      {cudaResViewFormatSignedBlockCompressed4, pairs, CUPORT_BLOCK_BC4_SIGNED, 1,
       CUPORT_CHANNEL_SIGNED},
      {cudaResViewFormatUnsignedBlockCompressed5, quads, CUPORT_BLOCK_BC5, 2,
       CUPORT_CHANNEL_UNSIGNED},
      {cudaResViewFormatSignedBlockCompressed5, quads, CUPORT_BLOCK_BC5_SIGNED, 2,
       CUPORT_CHANNEL_SIGNED},
      {cudaResViewFormatUnsignedBlockCompressed6H, quads, CUPORT_BLOCK_BC6H, 3,
       CUPORT_CHANNEL_FLOAT},
      {cudaResViewFormatSignedBlockCompressed6H, quads, CUPORT_BLOCK_BC6H_SIGNED, 3,
       CUPORT_CHANNEL_FLOAT},
      {cudaResViewFormatUnsignedBlockCompressed7, quads, CUPORT_BLOCK_BC7, 4,
       CUPORT_CHANNEL_UNSIGNED},
  };
  for (const Case &c : kAccepted) {
    cudaResourceDesc resource = arrayResource(c.array);
    cuport_texture_descriptor d{};
    // Width and height are four times the array's: each element is a 4x4 block.
    ASSERT_EQ(create(resource, viewOf(c.format, 16, 8, 0), &d), cudaSuccess) << c.format;
    EXPECT_EQ(d.block_format, c.block) << c.format;
    EXPECT_EQ(d.channels, c.channels) << c.format;
    EXPECT_EQ(d.channel_kind, c.kind) << c.format;
    // txq .channel_data_type: UNORM / SNORM 8-bit, or CL_HALF_FLOAT for BC6H.
    bool halves = c.kind == CUPORT_CHANNEL_FLOAT;
    EXPECT_EQ(d.channel_bits, halves ? 16u : 8u) << c.format;
    EXPECT_EQ(d.normalized_format, halves ? 0u : 1u) << c.format;
    EXPECT_EQ(d.width, 16u);
    EXPECT_EQ(d.height, 8u);
    EXPECT_EQ(d.normalized_read, 1u) << "blocks read as normalized floats";
    // Linear filtering is fine: the texels are normalized floats.
    cudaTextureDesc linear = pointSampled();
    linear.filterMode = cudaFilterModeLinear;
    EXPECT_EQ(create(resource, viewOf(c.format, 16, 8, 0), nullptr, linear), cudaSuccess);
    EXPECT_EQ(create(resource, viewOf(c.format, 4, 2, 0)), cudaErrorInvalidValue) << c.format;
    // The other element size, and float elements, are refused.
    cudaResourceDesc other = arrayResource(c.array == pairs ? quads : pairs);
    EXPECT_EQ(create(other, viewOf(c.format, 16, 8, 0)), cudaErrorInvalidValue) << c.format;
    if (c.array == pairs) {
      EXPECT_EQ(create(arrayResource(floats), viewOf(c.format, 16, 8, 0)), cudaErrorInvalidValue);
    }
  }
  EXPECT_EQ(cudaFreeArray(pairs), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(quads), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(floats), cudaSuccess);
}

TEST(CudartTextureView, MipmapLevelRange) {
  cudaChannelFormatDesc f32 = format(32, cudaChannelFormatKindFloat, 1);
  cudaMipmappedArray_t mipmapped = nullptr;
  ASSERT_EQ(cudaMallocMipmappedArray(&mipmapped, &f32, cudaExtent{16, 8, 0}, 5), cudaSuccess);
  cudaArray_t level2 = nullptr, level3 = nullptr;
  ASSERT_EQ(cudaGetMipmappedArrayLevel(&level2, mipmapped, 2), cudaSuccess);
  ASSERT_EQ(cudaGetMipmappedArrayLevel(&level3, mipmapped, 3), cudaSuccess);
  cudaResourceDesc resource = mipmappedResource(mipmapped);
  cudaResourceViewDesc view = viewOf(cudaResViewFormatNone, 16, 8, 0);
  view.firstMipmapLevel = 2;
  view.lastMipmapLevel = 3;
  cuport_texture_descriptor d{};
  ASSERT_EQ(create(resource, view, &d), cudaSuccess);
  // Level 2 (4x2) is the view's level 0; two levels remain.
  EXPECT_EQ(d.levels, 2u);
  EXPECT_EQ(d.width, 4u);
  EXPECT_EQ(d.height, 2u);
  // Every level of the view in the extent 16x8 shrinks to from level 2 on. The level table lives
  // with the object, so its entries are read while it is alive.
  cudaTextureObject_t texture = 0;
  cudaTextureDesc description = pointSampled();
  ASSERT_EQ(cudaCreateTextureObject(&texture, &resource, &description, &view), cudaSuccess);
  const auto *live = reinterpret_cast<const cuport_texture_descriptor *>(texture);
  const auto *table = reinterpret_cast<const cuport_texture_level *>(live->level_table);
  EXPECT_EQ(table[0].width, 4u);
  EXPECT_EQ(table[1].width, 2u);
  EXPECT_EQ(table[1].height, 1u);
  EXPECT_EQ(live->data, table[0].data);
  EXPECT_NE(table[0].data, table[1].data);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaSuccess);
  // The range must be ordered and inside the 5 levels; the extent stays level 0's.
  view.firstMipmapLevel = 3;
  view.lastMipmapLevel = 2;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  view.firstMipmapLevel = 4;
  view.lastMipmapLevel = 5;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  view.lastMipmapLevel = 4;
  ASSERT_EQ(create(resource, view, &d), cudaSuccess);
  EXPECT_EQ(d.levels, 1u);
  EXPECT_EQ(d.width, 1u);
  view.width = 4;
  view.height = 2;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeMipmappedArray(mipmapped), cudaSuccess);
}

TEST(CudartTextureView, LayerRange) {
  cudaChannelFormatDesc f32 = format(32, cudaChannelFormatKindFloat, 1);
  cudaArray_t layered = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&layered, &f32, cudaExtent{8, 4, 5}, cudaArrayLayered), cudaSuccess);
  cudaResourceDesc resource = arrayResource(layered);
  cuport_texture_descriptor whole{}, d{};
  ASSERT_EQ(create(resource, viewOf(cudaResViewFormatNone, 8, 4, 5), &whole), cudaSuccess);
  EXPECT_EQ(whole.layers, 1u) << "layers 0..0 of the view";
  cudaResourceViewDesc view = viewOf(cudaResViewFormatNone, 8, 4, 5);
  view.firstLayer = 2;
  view.lastLayer = 4;
  ASSERT_EQ(create(resource, view, &d), cudaSuccess);
  EXPECT_EQ(d.layers, 3u);
  EXPECT_EQ(d.data, whole.data + 2 * whole.slice_pitch) << "layer 2 is the view's layer 0";
  view.lastLayer = 5;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  view.firstLayer = 3;
  view.lastLayer = 2;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(layered), cudaSuccess);

  // A cubemap array's layers are its faces, in whole cubemaps.
  cudaArray_t cubes = nullptr;
  ASSERT_EQ(
      cudaMalloc3DArray(&cubes, &f32, cudaExtent{4, 4, 18}, cudaArrayLayered | cudaArrayCubemap),
      cudaSuccess);
  resource = arrayResource(cubes);
  view = viewOf(cudaResViewFormatNone, 4, 4, 18);
  view.firstLayer = 6;
  view.lastLayer = 17;
  ASSERT_EQ(create(resource, view, &d), cudaSuccess);
  EXPECT_EQ(d.layers, 12u);
  view.lastLayer = 16;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  view.firstLayer = 5;
  view.lastLayer = 17;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(cubes), cudaSuccess);

  // A cubemap that is not layered keeps its six faces and takes no layer range.
  cudaArray_t cube = nullptr;
  ASSERT_EQ(cudaMalloc3DArray(&cube, &f32, cudaExtent{4, 4, 6}, cudaArrayCubemap), cudaSuccess);
  resource = arrayResource(cube);
  view = viewOf(cudaResViewFormatNone, 4, 4, 6);
  ASSERT_EQ(create(resource, view, &d), cudaSuccess);
  EXPECT_EQ(d.layers, 6u);
  view.lastLayer = 5;
  EXPECT_EQ(create(resource, view), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeArray(cube), cudaSuccess);
}

} // namespace
