// Texture and surface references through the driver API: cuModuleGetTexRef / GetSurfRef on a
// module of PTX, the cuTexRefSet* calls reaching kernels launched afterwards, the Get forms and
// the error codes. Expected values are computed on the host from the bound data.
#include "backends/texture_descriptor.h"
#include "tests/unit/driver/driver_test_support.h"

#include <cuda.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

// Texture and surface references are deprecated driver API, still exported and covered here.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

// sample(out): out[i] = tex1D(image, i + 0.5).x for each thread i; paint(base): canvas[i] = base
// + i through the surface reference (x in bytes).
constexpr const char *kReferencePtx = R"(
.version 7.8
.target sm_75
.address_size 64

.global .texref image;
.global .surfref canvas;

.visible .entry sample(.param .u64 out)
{
  .reg .b32 %r<2>;
  .reg .f32 %f<6>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  mov.u32 %r1, %tid.x;
  cvt.rn.f32.u32 %f1, %r1;
  add.f32 %f1, %f1, 0f3F000000;
  tex.1d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [image, {%f1}];
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.f32 [%rd3], %f2;
  ret;
}

.visible .entry paint(.param .u32 base)
{
  .reg .b32 %r<5>;
  ld.param.u32 %r1, [base];
  mov.u32 %r2, %tid.x;
  add.u32 %r3, %r1, %r2;
  shl.b32 %r4, %r2, 2;
  sust.b.1d.b32.trap [canvas, {%r4}], %r3;
  ret;
}
)";

class DriverReference : public cuport::driver_test::DriverTest {
protected:
  void SetUp() override {
    DriverTest::SetUp();
    ASSERT_EQ(cuModuleLoadData(&module, kReferencePtx), CUDA_SUCCESS);
    ASSERT_EQ(cuModuleGetFunction(&sample, module, "sample"), CUDA_SUCCESS);
    ASSERT_EQ(cuModuleGetFunction(&paint, module, "paint"), CUDA_SUCCESS);
    ASSERT_EQ(cuModuleGetTexRef(&image, module, "image"), CUDA_SUCCESS);
    ASSERT_EQ(cuMemAlloc(&out, kThreads * sizeof(float)), CUDA_SUCCESS);
  }
  void TearDown() override {
    EXPECT_EQ(cuMemFree(out), CUDA_SUCCESS);
    for (CUarray array : arrays)
      EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
    EXPECT_EQ(cuModuleUnload(module), CUDA_SUCCESS);
    DriverTest::TearDown();
  }

  CUarray makeArray(CUarray_format format, unsigned flags, const void *data, size_t bytes) {
    CUDA_ARRAY3D_DESCRIPTOR d{};
    d.Width = kThreads;
    d.Format = format;
    d.NumChannels = 1;
    d.Flags = flags;
    CUarray array = nullptr;
    EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
    EXPECT_EQ(cuMemcpyHtoA(array, 0, data, bytes), CUDA_SUCCESS);
    arrays.push_back(array);
    return array;
  }

  // Runs `sample` and returns what each thread read.
  std::vector<float> sampled() {
    void *params[] = {&out};
    EXPECT_EQ(cuLaunchKernel(sample, 1, 1, 1, kThreads, 1, 1, 0, nullptr, params, nullptr),
              CUDA_SUCCESS);
    EXPECT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
    std::vector<float> values(kThreads);
    EXPECT_EQ(cuMemcpyDtoH(values.data(), out, kThreads * sizeof(float)), CUDA_SUCCESS);
    return values;
  }

  // The magic of the descriptor kernels read `image` through (backends/texture_descriptor.h).
  uint32_t descriptorMagic() {
    CUdeviceptr variable = 0;
    size_t bytes = 0;
    EXPECT_EQ(cuModuleGetGlobal(&variable, &bytes, module, "image"), CUDA_SUCCESS);
    EXPECT_EQ(bytes, sizeof(cuport_texture_descriptor));
    cuport_texture_descriptor descriptor{};
    EXPECT_EQ(cuMemcpyDtoH(&descriptor, variable, sizeof descriptor), CUDA_SUCCESS);
    return descriptor.magic;
  }

  static constexpr unsigned kThreads = 8;
  CUmodule module = nullptr;
  CUfunction sample = nullptr, paint = nullptr;
  CUtexref image = nullptr;
  CUdeviceptr out = 0;
  std::vector<CUarray> arrays;
};

TEST_F(DriverReference, BindingAnArrayReachesKernels) {
  std::vector<float> first{1.5f, -2, 3, 4.25f, 5, 6, 7, 8}, second(kThreads);
  for (unsigned i = 0; i < kThreads; ++i)
    second[i] = 100.0f - float(i);
  CUarray a = makeArray(CU_AD_FORMAT_FLOAT, 0, first.data(), first.size() * sizeof(float));
  CUarray b = makeArray(CU_AD_FORMAT_FLOAT, 0, second.data(), second.size() * sizeof(float));
  ASSERT_EQ(cuTexRefSetArray(image, a, CU_TRSA_OVERRIDE_FORMAT), CUDA_SUCCESS);
  EXPECT_EQ(sampled(), first);
  // Binding another array replaces the first for the next launch.
  ASSERT_EQ(cuTexRefSetArray(image, b, CU_TRSA_OVERRIDE_FORMAT), CUDA_SUCCESS);
  EXPECT_EQ(sampled(), second);
  CUarray bound = nullptr;
  ASSERT_EQ(cuTexRefGetArray(&bound, image), CUDA_SUCCESS);
  EXPECT_EQ(bound, b);
  CUarray_format format{};
  int channels = 0;
  ASSERT_EQ(cuTexRefGetFormat(&format, &channels, image), CUDA_SUCCESS);
  EXPECT_EQ(format, CU_AD_FORMAT_FLOAT);
  EXPECT_EQ(channels, 1);
  CUdeviceptr address = 0;
  EXPECT_EQ(cuTexRefGetAddress(&address, image), CUDA_ERROR_INVALID_VALUE); // an array
  // The same variable gives the same reference.
  CUtexref again = nullptr;
  ASSERT_EQ(cuModuleGetTexRef(&again, module, "image"), CUDA_SUCCESS);
  EXPECT_EQ(again, image);
}

// Read mode, normalized coordinates and address modes set on the reference. Thread i samples
// coordinate i + 0.5: unnormalized that is texel i; normalized it is texel (i + 0.5) * 8, which
// clamps to the last texel past the end, or wraps onto texel 4 (the fraction is always 0.5).
TEST_F(DriverReference, SamplingSettingsReachKernels) {
  std::vector<uint8_t> bytes{0, 51, 102, 153, 204, 255, 17, 34};
  CUarray array = makeArray(CU_AD_FORMAT_UNSIGNED_INT8, 0, bytes.data(), bytes.size());
  ASSERT_EQ(cuTexRefSetArray(image, array, CU_TRSA_OVERRIDE_FORMAT), CUDA_SUCCESS);
  // Without CU_TRSF_READ_AS_INTEGER, 8-bit unsigned texels read as v / 255.
  std::vector<float> values = sampled();
  for (unsigned i = 0; i < kThreads; ++i)
    EXPECT_FLOAT_EQ(values[i], float(bytes[i]) / 255.0f) << i;
  ASSERT_EQ(cuTexRefSetAddressMode(image, 0, CU_TR_ADDRESS_MODE_CLAMP), CUDA_SUCCESS);
  ASSERT_EQ(cuTexRefSetFlags(image, CU_TRSF_NORMALIZED_COORDINATES), CUDA_SUCCESS);
  values = sampled();
  for (unsigned i = 0; i < kThreads; ++i)
    EXPECT_FLOAT_EQ(values[i], float(bytes[std::min<size_t>(size_t((i + 0.5f) * 8), 7)]) / 255.0f)
        << i;
  ASSERT_EQ(cuTexRefSetAddressMode(image, 0, CU_TR_ADDRESS_MODE_WRAP), CUDA_SUCCESS);
  values = sampled();
  for (unsigned i = 0; i < kThreads; ++i)
    EXPECT_FLOAT_EQ(values[i], float(bytes[4]) / 255.0f) << i;
  unsigned flags = 0;
  ASSERT_EQ(cuTexRefGetFlags(&flags, image), CUDA_SUCCESS);
  EXPECT_EQ(flags, unsigned(CU_TRSF_NORMALIZED_COORDINATES));
  CUaddress_mode mode{};
  ASSERT_EQ(cuTexRefGetAddressMode(&mode, image, 0), CUDA_SUCCESS);
  EXPECT_EQ(mode, CU_TR_ADDRESS_MODE_WRAP);
  // Integers read as integers cannot be filtered linearly: the settings are kept, but the
  // module's descriptor is unbound (no live magic) rather than left with stale ones.
  ASSERT_EQ(cuTexRefSetFlags(image, CU_TRSF_READ_AS_INTEGER), CUDA_SUCCESS);
  EXPECT_EQ(descriptorMagic(), CUPORT_TEXTURE_MAGIC);
  ASSERT_EQ(cuTexRefSetFilterMode(image, CU_TR_FILTER_MODE_LINEAR), CUDA_SUCCESS);
  CUfilter_mode filter{};
  ASSERT_EQ(cuTexRefGetFilterMode(&filter, image), CUDA_SUCCESS);
  EXPECT_EQ(filter, CU_TR_FILTER_MODE_LINEAR);
  EXPECT_EQ(descriptorMagic(), 0u);
  ASSERT_EQ(cuTexRefSetFilterMode(image, CU_TR_FILTER_MODE_POINT), CUDA_SUCCESS);
  EXPECT_EQ(descriptorMagic(), CUPORT_TEXTURE_MAGIC);
}

TEST_F(DriverReference, SettersCheckTheirArguments) {
  EXPECT_EQ(cuTexRefSetAddressMode(image, 3, CU_TR_ADDRESS_MODE_WRAP), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexRefSetAddressMode(image, 0, CUaddress_mode(9)), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexRefSetFilterMode(image, CUfilter_mode(5)), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexRefSetFlags(image, 0x100), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexRefSetFormat(image, CU_AD_FORMAT_FLOAT, 3), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexRefSetBorderColor(image, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuTexRefSetArray(image, nullptr, CU_TRSA_OVERRIDE_FORMAT), CUDA_ERROR_INVALID_VALUE);
  CUtexref missing = nullptr;
  EXPECT_EQ(cuModuleGetTexRef(&missing, module, "nothing"), CUDA_ERROR_NOT_FOUND);
  // A surface reference is not a texture reference.
  EXPECT_EQ(cuModuleGetTexRef(&missing, module, "canvas"), CUDA_ERROR_NOT_FOUND);
  EXPECT_EQ(cuTexRefSetFilterMode(reinterpret_cast<CUtexref>(&missing), CU_TR_FILTER_MODE_POINT),
            CUDA_ERROR_INVALID_VALUE);
  float border[4] = {0.5f, 0.25f, 0, 1};
  ASSERT_EQ(cuTexRefSetBorderColor(image, border), CUDA_SUCCESS);
  float back[4] = {};
  ASSERT_EQ(cuTexRefGetBorderColor(back, image), CUDA_SUCCESS);
  EXPECT_EQ(back[0], 0.5f);
  EXPECT_EQ(back[1], 0.25f);
  ASSERT_EQ(cuTexRefSetMipmapLevelClamp(image, 1.0f, 3.0f), CUDA_SUCCESS);
  float low = 0, high = 0;
  ASSERT_EQ(cuTexRefGetMipmapLevelClamp(&low, &high, image), CUDA_SUCCESS);
  EXPECT_EQ(low, 1.0f);
  EXPECT_EQ(high, 3.0f);
  ASSERT_EQ(cuTexRefSetMaxAnisotropy(image, 4), CUDA_SUCCESS);
  int anisotropy = 0;
  ASSERT_EQ(cuTexRefGetMaxAnisotropy(&anisotropy, image), CUDA_SUCCESS);
  EXPECT_EQ(anisotropy, 4);
}

// Linear memory through cuTexRefSetAddress: the reference reads in the format SetFormat gave.
TEST_F(DriverReference, LinearMemoryBindings) {
  std::vector<float> values(kThreads);
  for (unsigned i = 0; i < kThreads; ++i)
    values[i] = float(i) * 0.5f - 1.0f;
  CUdeviceptr memory = 0;
  ASSERT_EQ(cuMemAlloc(&memory, 1024), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyHtoD(memory, values.data(), values.size() * sizeof(float)), CUDA_SUCCESS);
  ASSERT_EQ(cuTexRefSetFormat(image, CU_AD_FORMAT_FLOAT, 1), CUDA_SUCCESS);
  size_t offset = 1;
  ASSERT_EQ(cuTexRefSetAddress(&offset, image, memory, values.size() * sizeof(float)),
            CUDA_SUCCESS);
  EXPECT_EQ(offset, 0u);
  CUdeviceptr address = 0;
  ASSERT_EQ(cuTexRefGetAddress(&address, image), CUDA_SUCCESS);
  EXPECT_EQ(address, memory);
  // tex.1d over linear memory samples as tex1Dfetch's elements would be addressed.
  EXPECT_EQ(sampled(), values);
  // An unaligned address binds from the aligned one below and reports the difference.
  ASSERT_EQ(cuTexRefSetAddress(&offset, image, memory + 8, 16), CUDA_SUCCESS);
  EXPECT_EQ(offset, 8u);
  // Memory that is not device memory.
  EXPECT_EQ(cuTexRefSetAddress(&offset, image, CUdeviceptr(values.data()), 32),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemFree(memory), CUDA_SUCCESS);
}

TEST_F(DriverReference, SurfaceBindingReachesKernels) {
  CUsurfref canvas = nullptr;
  ASSERT_EQ(cuModuleGetSurfRef(&canvas, module, "canvas"), CUDA_SUCCESS);
  CUsurfref missing = nullptr;
  EXPECT_EQ(cuModuleGetSurfRef(&missing, module, "image"), CUDA_ERROR_NOT_FOUND);
  std::vector<uint32_t> zero(kThreads, 0);
  CUarray plain = makeArray(CU_AD_FORMAT_UNSIGNED_INT32, 0, zero.data(), kThreads * 4);
  CUarray target =
      makeArray(CU_AD_FORMAT_UNSIGNED_INT32, CUDA_ARRAY3D_SURFACE_LDST, zero.data(), kThreads * 4);
  CUarray bound = nullptr;
  EXPECT_EQ(cuSurfRefGetArray(&bound, canvas), CUDA_ERROR_INVALID_VALUE); // nothing bound yet
  // Without CUDA_ARRAY3D_SURFACE_LDST the array cannot back a surface; Flags must be 0.
  EXPECT_EQ(cuSurfRefSetArray(canvas, plain, 0), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuSurfRefSetArray(canvas, target, 1), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuSurfRefSetArray(canvas, target, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuSurfRefGetArray(&bound, canvas), CUDA_SUCCESS);
  EXPECT_EQ(bound, target);
  uint32_t base = 1000;
  void *params[] = {&base};
  ASSERT_EQ(cuLaunchKernel(paint, 1, 1, 1, kThreads, 1, 1, 0, nullptr, params, nullptr),
            CUDA_SUCCESS);
  ASSERT_EQ(cuCtxSynchronize(), CUDA_SUCCESS);
  std::vector<uint32_t> written(kThreads);
  ASSERT_EQ(cuMemcpyAtoH(written.data(), target, 0, kThreads * 4), CUDA_SUCCESS);
  for (unsigned i = 0; i < kThreads; ++i)
    EXPECT_EQ(written[i], base + i) << i;
}

TEST_F(DriverReference, UnloadedModulesReferencesAreStale) {
  CUmodule other = nullptr;
  ASSERT_EQ(cuModuleLoadData(&other, kReferencePtx), CUDA_SUCCESS);
  CUtexref reference = nullptr;
  ASSERT_EQ(cuModuleGetTexRef(&reference, other, "image"), CUDA_SUCCESS);
  EXPECT_NE(reference, image); // one per module
  ASSERT_EQ(cuModuleUnload(other), CUDA_SUCCESS);
  EXPECT_EQ(cuTexRefSetFilterMode(reference, CU_TR_FILTER_MODE_LINEAR), CUDA_ERROR_INVALID_HANDLE);
}

} // namespace
