// Texture and surface objects through the driver API: CUDA_RESOURCE_DESC / CUDA_TEXTURE_DESC
// translation, read into the cuport_texture_descriptor kernels sample through (the handle is its
// address), the descriptor queries and the error codes.
#include "backends/texture_descriptor.h"
#include "tests/unit/driver/driver_test_support.h"

#include <cuda.h>

#include <gtest/gtest.h>

namespace {

class DriverTexture : public cuport::driver_test::DriverTest {
protected:
  void TearDown() override {
    if (array) {
      EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
    }
    DriverTest::TearDown();
  }

  void makeArray(CUarray_format format, unsigned channels, unsigned flags = 0) {
    CUDA_ARRAY3D_DESCRIPTOR d{};
    d.Width = 8;
    d.Height = 4;
    d.Format = format;
    d.NumChannels = channels;
    d.Flags = flags;
    ASSERT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
    resource.resType = CU_RESOURCE_TYPE_ARRAY;
    resource.res.array.hArray = array;
  }

  static const cuport_texture_descriptor &descriptorOf(unsigned long long handle) {
    return *reinterpret_cast<const cuport_texture_descriptor *>(handle);
  }

  CUarray array = nullptr;
  CUDA_RESOURCE_DESC resource{};
};

TEST_F(DriverTexture, SamplingStateReachesTheDescriptor) {
  makeArray(CU_AD_FORMAT_UNSIGNED_INT8, 4);
  CUDA_TEXTURE_DESC texture{};
  texture.addressMode[0] = CU_TR_ADDRESS_MODE_MIRROR;
  texture.addressMode[1] = CU_TR_ADDRESS_MODE_BORDER;
  texture.addressMode[2] = CU_TR_ADDRESS_MODE_CLAMP;
  texture.filterMode = CU_TR_FILTER_MODE_LINEAR;
  texture.flags = CU_TRSF_NORMALIZED_COORDINATES;
  texture.borderColor[0] = 0.25f;
  texture.borderColor[3] = 1.0f;
  CUtexObject object = 0;
  ASSERT_EQ(cuTexObjectCreate(&object, &resource, &texture, nullptr), CUDA_SUCCESS);
  const cuport_texture_descriptor &d = descriptorOf(object);
  EXPECT_EQ(d.magic, CUPORT_TEXTURE_MAGIC);
  EXPECT_EQ(d.address_mode[0], uint32_t(CUPORT_ADDRESS_MIRROR));
  EXPECT_EQ(d.address_mode[1], uint32_t(CUPORT_ADDRESS_BORDER));
  EXPECT_EQ(d.address_mode[2], uint32_t(CUPORT_ADDRESS_CLAMP));
  EXPECT_EQ(d.linear_filter, 1u);
  // Without CU_TRSF_READ_AS_INTEGER, 8-bit integers read as normalized floats.
  EXPECT_EQ(d.normalized_read, 1u);
  EXPECT_EQ(d.normalized_coords, 1u);
  EXPECT_EQ(d.border_color[0], 0.25f);
  EXPECT_EQ(d.border_color[3], 1.0f);
  EXPECT_EQ(d.width, 8u);
  EXPECT_EQ(d.height, 4u);
  EXPECT_EQ(d.channels, 4u);

  CUDA_TEXTURE_DESC back{};
  ASSERT_EQ(cuTexObjectGetTextureDesc(&back, object), CUDA_SUCCESS);
  EXPECT_EQ(back.addressMode[0], CU_TR_ADDRESS_MODE_MIRROR);
  EXPECT_EQ(back.addressMode[1], CU_TR_ADDRESS_MODE_BORDER);
  EXPECT_EQ(back.filterMode, CU_TR_FILTER_MODE_LINEAR);
  EXPECT_EQ(back.flags, unsigned(CU_TRSF_NORMALIZED_COORDINATES));
  EXPECT_EQ(back.borderColor[0], 0.25f);
  CUDA_RESOURCE_DESC resourceBack{};
  ASSERT_EQ(cuTexObjectGetResourceDesc(&resourceBack, object), CUDA_SUCCESS);
  EXPECT_EQ(resourceBack.resType, CU_RESOURCE_TYPE_ARRAY);
  EXPECT_EQ(resourceBack.res.array.hArray, array);
  // Created without a view: there is none to report.
  CUDA_RESOURCE_VIEW_DESC view{};
  EXPECT_EQ(cuTexObjectGetResourceViewDesc(&view, object), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_SUCCESS);
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexObjectGetTextureDesc(&back, object), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTexture, ReadAsIntegerKeepsIntegers) {
  makeArray(CU_AD_FORMAT_SIGNED_INT16, 2);
  CUDA_TEXTURE_DESC texture{};
  texture.flags = CU_TRSF_READ_AS_INTEGER;
  CUtexObject object = 0;
  ASSERT_EQ(cuTexObjectCreate(&object, &resource, &texture, nullptr), CUDA_SUCCESS);
  EXPECT_EQ(descriptorOf(object).normalized_read, 0u);
  EXPECT_EQ(descriptorOf(object).normalized_coords, 0u);
  CUDA_TEXTURE_DESC back{};
  ASSERT_EQ(cuTexObjectGetTextureDesc(&back, object), CUDA_SUCCESS);
  EXPECT_EQ(back.flags, unsigned(CU_TRSF_READ_AS_INTEGER));
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_SUCCESS);
  // Integers read as integers cannot be filtered linearly.
  texture.filterMode = CU_TR_FILTER_MODE_LINEAR;
  EXPECT_EQ(cuTexObjectCreate(&object, &resource, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTexture, ThirtyTwoBitIntegersAreNeverPromoted) {
  makeArray(CU_AD_FORMAT_UNSIGNED_INT32, 1);
  CUDA_TEXTURE_DESC texture{}; // no CU_TRSF_READ_AS_INTEGER
  CUtexObject object = 0;
  ASSERT_EQ(cuTexObjectCreate(&object, &resource, &texture, nullptr), CUDA_SUCCESS);
  EXPECT_EQ(descriptorOf(object).normalized_read, 0u);
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_SUCCESS);
}

TEST_F(DriverTexture, InvalidDescriptionsAreRefused) {
  makeArray(CU_AD_FORMAT_FLOAT, 1);
  CUDA_TEXTURE_DESC texture{};
  CUtexObject object = 0;
  EXPECT_EQ(cuTexObjectCreate(nullptr, &resource, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexObjectCreate(&object, nullptr, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexObjectCreate(&object, &resource, nullptr, nullptr), CUDA_ERROR_INVALID_VALUE);
  texture.flags = 0x100;
  EXPECT_EQ(cuTexObjectCreate(&object, &resource, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  texture.flags = 0;
  texture.addressMode[0] = CUaddress_mode(7);
  EXPECT_EQ(cuTexObjectCreate(&object, &resource, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  texture.addressMode[0] = CU_TR_ADDRESS_MODE_WRAP;
  CUDA_RESOURCE_DESC flagged = resource;
  flagged.flags = 1; // must be zero
  EXPECT_EQ(cuTexObjectCreate(&object, &flagged, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  CUDA_RESOURCE_DESC unknown = resource;
  unknown.resType = CUresourcetype(9);
  EXPECT_EQ(cuTexObjectCreate(&object, &unknown, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST_F(DriverTexture, SurfacesNeedLoadStoreArrays) {
  makeArray(CU_AD_FORMAT_FLOAT, 2);
  CUsurfObject surface = 0;
  // Created without CUDA_ARRAY3D_SURFACE_LDST.
  EXPECT_EQ(cuSurfObjectCreate(&surface, &resource), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
  array = nullptr;
  makeArray(CU_AD_FORMAT_FLOAT, 2, CUDA_ARRAY3D_SURFACE_LDST);
  ASSERT_EQ(cuSurfObjectCreate(&surface, &resource), CUDA_SUCCESS);
  const cuport_texture_descriptor &d = descriptorOf(surface);
  EXPECT_EQ(d.magic, CUPORT_SURFACE_MAGIC);
  EXPECT_EQ(d.element_bytes, 8u);
  CUDA_RESOURCE_DESC back{};
  ASSERT_EQ(cuSurfObjectGetResourceDesc(&back, surface), CUDA_SUCCESS);
  EXPECT_EQ(back.resType, CU_RESOURCE_TYPE_ARRAY);
  EXPECT_EQ(back.res.array.hArray, array);
  EXPECT_EQ(cuSurfObjectGetResourceDesc(nullptr, surface), CUDA_ERROR_INVALID_VALUE);
  // A surface handle is not a texture handle.
  CUDA_TEXTURE_DESC texture{};
  EXPECT_EQ(cuTexObjectGetTextureDesc(&texture, surface), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuSurfObjectDestroy(surface), CUDA_SUCCESS);
  EXPECT_EQ(cuSurfObjectDestroy(surface), CUDA_ERROR_INVALID_VALUE);
  CUDA_RESOURCE_DESC mipmapped{};
  mipmapped.resType = CU_RESOURCE_TYPE_MIPMAPPED_ARRAY;
  EXPECT_EQ(cuSurfObjectCreate(&surface, &mipmapped), CUDA_ERROR_INVALID_VALUE);
}

// Device memory as a texture: linear (tex1Dfetch reads zero outside it, whatever the address
// mode) and pitched, with the alignment and pitch rules of the texture limits.
TEST_F(DriverTexture, LinearAndPitchedResources) {
  CUdeviceptr memory = 0;
  ASSERT_EQ(cuMemAlloc(&memory, 4096), CUDA_SUCCESS);
  ASSERT_EQ(memory % 256, 0u);
  CUDA_RESOURCE_DESC linear{};
  linear.resType = CU_RESOURCE_TYPE_LINEAR;
  linear.res.linear.devPtr = memory;
  linear.res.linear.format = CU_AD_FORMAT_FLOAT;
  linear.res.linear.numChannels = 2;
  linear.res.linear.sizeInBytes = 256;
  CUDA_TEXTURE_DESC texture{};
  texture.addressMode[0] = CU_TR_ADDRESS_MODE_WRAP;
  CUtexObject object = 0;
  ASSERT_EQ(cuTexObjectCreate(&object, &linear, &texture, nullptr), CUDA_SUCCESS);
  EXPECT_EQ(descriptorOf(object).width, 32u); // 256 bytes of 8-byte texels
  EXPECT_EQ(descriptorOf(object).address_mode[0], uint32_t(CUPORT_ADDRESS_BORDER));
  CUDA_RESOURCE_DESC back{};
  ASSERT_EQ(cuTexObjectGetResourceDesc(&back, object), CUDA_SUCCESS);
  EXPECT_EQ(back.resType, CU_RESOURCE_TYPE_LINEAR);
  EXPECT_EQ(back.res.linear.devPtr, memory);
  EXPECT_EQ(back.res.linear.format, CU_AD_FORMAT_FLOAT);
  EXPECT_EQ(back.res.linear.numChannels, 2u);
  EXPECT_EQ(back.res.linear.sizeInBytes, 256u);
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_SUCCESS);
  CUDA_RESOURCE_DESC unaligned = linear;
  unaligned.res.linear.devPtr = memory + 8;
  EXPECT_EQ(cuTexObjectCreate(&object, &unaligned, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  unaligned.res.linear.devPtr = memory;
  unaligned.res.linear.numChannels = 3;
  EXPECT_EQ(cuTexObjectCreate(&object, &unaligned, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);

  CUDA_RESOURCE_DESC pitched{};
  pitched.resType = CU_RESOURCE_TYPE_PITCH2D;
  pitched.res.pitch2D.devPtr = memory;
  pitched.res.pitch2D.format = CU_AD_FORMAT_UNSIGNED_INT8;
  pitched.res.pitch2D.numChannels = 4;
  pitched.res.pitch2D.width = 10;
  pitched.res.pitch2D.height = 6;
  pitched.res.pitch2D.pitchInBytes = 64;
  ASSERT_EQ(cuTexObjectCreate(&object, &pitched, &texture, nullptr), CUDA_SUCCESS);
  EXPECT_EQ(descriptorOf(object).row_pitch, 64u);
  EXPECT_EQ(descriptorOf(object).height, 6u);
  ASSERT_EQ(cuTexObjectGetResourceDesc(&back, object), CUDA_SUCCESS);
  EXPECT_EQ(back.res.pitch2D.pitchInBytes, 64u);
  EXPECT_EQ(back.res.pitch2D.format, CU_AD_FORMAT_UNSIGNED_INT8);
  EXPECT_EQ(back.res.pitch2D.numChannels, 4u);
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_SUCCESS);
  pitched.res.pitch2D.pitchInBytes = 40; // 10 texels of 4 bytes, but not a multiple of 32
  EXPECT_EQ(cuTexObjectCreate(&object, &pitched, &texture, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemFree(memory), CUDA_SUCCESS);
}

TEST_F(DriverTexture, MipmappedResourcesCarryTheirLevels) {
  CUDA_ARRAY3D_DESCRIPTOR d{};
  d.Width = 8;
  d.Height = 8;
  d.Format = CU_AD_FORMAT_FLOAT;
  d.NumChannels = 1;
  CUmipmappedArray mipmapped = nullptr;
  ASSERT_EQ(cuMipmappedArrayCreate(&mipmapped, &d, 4), CUDA_SUCCESS);
  CUDA_RESOURCE_DESC chain{};
  chain.resType = CU_RESOURCE_TYPE_MIPMAPPED_ARRAY;
  chain.res.mipmap.hMipmappedArray = mipmapped;
  CUDA_TEXTURE_DESC texture{};
  texture.mipmapFilterMode = CU_TR_FILTER_MODE_LINEAR;
  texture.mipmapLevelBias = 0.5f;
  texture.maxMipmapLevelClamp = 3.0f;
  CUtexObject object = 0;
  ASSERT_EQ(cuTexObjectCreate(&object, &chain, &texture, nullptr), CUDA_SUCCESS);
  const cuport_texture_descriptor &descriptor = descriptorOf(object);
  EXPECT_EQ(descriptor.levels, 4u);
  EXPECT_EQ(descriptor.mipmap_linear_filter, 1u);
  EXPECT_EQ(descriptor.level_bias, 0.5f);
  EXPECT_EQ(descriptor.max_level_clamp, 3.0f);
  CUDA_TEXTURE_DESC back{};
  ASSERT_EQ(cuTexObjectGetTextureDesc(&back, object), CUDA_SUCCESS);
  EXPECT_EQ(back.mipmapFilterMode, CU_TR_FILTER_MODE_LINEAR);
  EXPECT_EQ(back.mipmapLevelBias, 0.5f);
  CUDA_RESOURCE_DESC resourceBack{};
  ASSERT_EQ(cuTexObjectGetResourceDesc(&resourceBack, object), CUDA_SUCCESS);
  EXPECT_EQ(resourceBack.resType, CU_RESOURCE_TYPE_MIPMAPPED_ARRAY);
  EXPECT_EQ(resourceBack.res.mipmap.hMipmappedArray, mipmapped);
  EXPECT_EQ(cuTexObjectDestroy(object), CUDA_SUCCESS);
  EXPECT_EQ(cuMipmappedArrayDestroy(mipmapped), CUDA_SUCCESS);
}

} // namespace
