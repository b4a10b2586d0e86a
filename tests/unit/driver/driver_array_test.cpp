// CUDA arrays and mipmapped arrays through the driver API: formats and flags, descriptors, and
// the copies into, out of and between arrays. Expected contents come from the same copies done
// on host buffers.
#include "tests/unit/driver/driver_test_support.h"

#include <cuda.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace {

using DriverArray = cuport::driver_test::DriverTest;

CUDA_ARRAY3D_DESCRIPTOR describe3D(size_t width, size_t height, size_t depth, CUarray_format format,
                                   unsigned channels, unsigned flags = 0) {
  CUDA_ARRAY3D_DESCRIPTOR d{};
  d.Width = width;
  d.Height = height;
  d.Depth = depth;
  d.Format = format;
  d.NumChannels = channels;
  d.Flags = flags;
  return d;
}

std::vector<uint8_t> sequence(size_t bytes, uint8_t first = 1) {
  std::vector<uint8_t> values(bytes);
  std::iota(values.begin(), values.end(), first);
  return values;
}

TEST_F(DriverArray, DescriptorsReportWhatWasCreated) {
  CUDA_ARRAY_DESCRIPTOR plain{};
  plain.Width = 16;
  plain.Height = 8;
  plain.Format = CU_AD_FORMAT_HALF;
  plain.NumChannels = 2;
  CUarray array = nullptr;
  ASSERT_EQ(cuArrayCreate(&array, &plain), CUDA_SUCCESS);
  CUDA_ARRAY_DESCRIPTOR back{};
  ASSERT_EQ(cuArrayGetDescriptor(&back, array), CUDA_SUCCESS);
  EXPECT_EQ(back.Width, 16u);
  EXPECT_EQ(back.Height, 8u);
  EXPECT_EQ(back.Format, CU_AD_FORMAT_HALF);
  EXPECT_EQ(back.NumChannels, 2u);
  CUDA_ARRAY3D_DESCRIPTOR back3D{};
  ASSERT_EQ(cuArray3DGetDescriptor(&back3D, array), CUDA_SUCCESS);
  EXPECT_EQ(back3D.Depth, 0u);
  EXPECT_EQ(back3D.Flags, 0u);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);

  CUDA_ARRAY3D_DESCRIPTOR layered = describe3D(8, 4, 3, CU_AD_FORMAT_SIGNED_INT16, 4,
                                               CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_SURFACE_LDST);
  ASSERT_EQ(cuArray3DCreate(&array, &layered), CUDA_SUCCESS);
  ASSERT_EQ(cuArray3DGetDescriptor(&back3D, array), CUDA_SUCCESS);
  EXPECT_EQ(back3D.Width, 8u);
  EXPECT_EQ(back3D.Height, 4u);
  EXPECT_EQ(back3D.Depth, 3u);
  EXPECT_EQ(back3D.Format, CU_AD_FORMAT_SIGNED_INT16);
  EXPECT_EQ(back3D.NumChannels, 4u);
  EXPECT_EQ(back3D.Flags, unsigned(CUDA_ARRAY3D_LAYERED | CUDA_ARRAY3D_SURFACE_LDST));
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);

  CUDA_ARRAY3D_DESCRIPTOR normalized = describe3D(32, 0, 0, CU_AD_FORMAT_SNORM_INT16X2, 2);
  ASSERT_EQ(cuArray3DCreate(&array, &normalized), CUDA_SUCCESS);
  ASSERT_EQ(cuArray3DGetDescriptor(&back3D, array), CUDA_SUCCESS);
  EXPECT_EQ(back3D.Format, CU_AD_FORMAT_SNORM_INT16X2);
  EXPECT_EQ(back3D.NumChannels, 2u);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
}

TEST_F(DriverArray, InvalidDescriptionsAreRefused) {
  CUarray array = nullptr;
  CUDA_ARRAY3D_DESCRIPTOR d = describe3D(8, 8, 0, CU_AD_FORMAT_FLOAT, 3);
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_INVALID_VALUE); // 3 channels
  d = describe3D(8, 8, 0, CUarray_format(0x77), 1);
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_INVALID_VALUE); // no such format
  d = describe3D(8, 8, 0, CU_AD_FORMAT_UNORM_INT8X4, 2);
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_INVALID_VALUE); // X4 has four channels
  d = describe3D(0, 8, 0, CU_AD_FORMAT_FLOAT, 1);
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_INVALID_VALUE);
  d = describe3D(8, 4, 6, CU_AD_FORMAT_FLOAT, 1, CUDA_ARRAY3D_CUBEMAP); // faces not square
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_INVALID_VALUE);
  d = describe3D(8, 8, 0, CU_AD_FORMAT_FLOAT, 1, CUDA_ARRAY3D_DEPTH_TEXTURE);
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_NOT_SUPPORTED);
  d = describe3D(8, 8, 0, CU_AD_FORMAT_BC1_UNORM, 4); // block-compressed: not modelled
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_NOT_SUPPORTED);
  d = describe3D(8, 8, 0, CU_AD_FORMAT_FLOAT, 1, 0x1000);
  EXPECT_EQ(cuArray3DCreate(&array, &d), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuArray3DCreate(&array, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuArrayCreate(nullptr, nullptr), CUDA_ERROR_INVALID_VALUE);

  d = describe3D(8, 8, 0, CU_AD_FORMAT_FLOAT, 1);
  ASSERT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
  EXPECT_EQ(cuArray3DGetDescriptor(nullptr, array), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_ERROR_INVALID_HANDLE);
  CUDA_ARRAY_DESCRIPTOR back{};
  EXPECT_EQ(cuArrayGetDescriptor(&back, array), CUDA_ERROR_INVALID_HANDLE);
}

// The array as linear bytes: HtoA at a byte offset, AtoH of the whole array.
TEST_F(DriverArray, LinearCopiesUseByteOffsets) {
  CUDA_ARRAY3D_DESCRIPTOR d = describe3D(4, 3, 0, CU_AD_FORMAT_UNSIGNED_INT32, 1); // 16-byte rows
  CUarray array = nullptr;
  ASSERT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
  std::vector<uint8_t> expected(48, 0);
  ASSERT_EQ(cuMemcpyHtoA(array, 0, expected.data(), expected.size()), CUDA_SUCCESS);
  std::vector<uint8_t> piece = sequence(24);
  ASSERT_EQ(cuMemcpyHtoA(array, 20, piece.data(), piece.size()), CUDA_SUCCESS);
  std::copy(piece.begin(), piece.end(), expected.begin() + 20);
  std::vector<uint8_t> read(48, 0xff);
  ASSERT_EQ(cuMemcpyAtoH(read.data(), array, 0, read.size()), CUDA_SUCCESS);
  EXPECT_EQ(read, expected);
  std::vector<uint8_t> tail(8, 0);
  ASSERT_EQ(cuMemcpyAtoH(tail.data(), array, 36, tail.size()), CUDA_SUCCESS);
  EXPECT_EQ(tail, std::vector<uint8_t>(expected.begin() + 36, expected.begin() + 44));
  // Past the end of the array.
  EXPECT_EQ(cuMemcpyHtoA(array, 40, piece.data(), 16), CUDA_ERROR_INVALID_VALUE);

  CUstream stream = nullptr;
  ASSERT_EQ(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  std::vector<uint8_t> again = sequence(16, 100);
  ASSERT_EQ(cuMemcpyHtoAAsync(array, 16, again.data(), again.size(), stream), CUDA_SUCCESS);
  std::copy(again.begin(), again.end(), expected.begin() + 16);
  ASSERT_EQ(cuMemcpyAtoHAsync(read.data(), array, 0, read.size(), stream), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamSynchronize(stream), CUDA_SUCCESS);
  EXPECT_EQ(read, expected);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
}

TEST_F(DriverArray, ArrayToArrayNeedsEqualElementSizes) {
  CUDA_ARRAY3D_DESCRIPTOR floats = describe3D(8, 0, 0, CU_AD_FORMAT_FLOAT, 1);
  CUDA_ARRAY3D_DESCRIPTOR words = describe3D(8, 0, 0, CU_AD_FORMAT_UNSIGNED_INT32, 1);
  CUDA_ARRAY3D_DESCRIPTOR pairs = describe3D(8, 0, 0, CU_AD_FORMAT_UNSIGNED_INT16, 1);
  CUarray a = nullptr, b = nullptr, c = nullptr;
  ASSERT_EQ(cuArray3DCreate(&a, &floats), CUDA_SUCCESS);
  ASSERT_EQ(cuArray3DCreate(&b, &words), CUDA_SUCCESS);
  ASSERT_EQ(cuArray3DCreate(&c, &pairs), CUDA_SUCCESS);
  std::vector<uint8_t> source = sequence(32);
  std::vector<uint8_t> zero(32, 0);
  ASSERT_EQ(cuMemcpyHtoA(a, 0, source.data(), source.size()), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyHtoA(b, 0, zero.data(), zero.size()), CUDA_SUCCESS);
  // Formats may differ; element sizes may not, and the count is whole elements.
  ASSERT_EQ(cuMemcpyAtoA(b, 8, a, 4, 16), CUDA_SUCCESS);
  std::vector<uint8_t> expected = zero;
  std::copy(source.begin() + 4, source.begin() + 20, expected.begin() + 8);
  std::vector<uint8_t> read(32);
  ASSERT_EQ(cuMemcpyAtoH(read.data(), b, 0, read.size()), CUDA_SUCCESS);
  EXPECT_EQ(read, expected);
  EXPECT_EQ(cuMemcpyAtoA(c, 0, a, 0, 16), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemcpyAtoA(b, 0, a, 0, 6), CUDA_ERROR_INVALID_VALUE);
  for (CUarray array : {a, b, c})
    EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
}

// A sub-rectangle of pitched host memory into an array and back.
TEST_F(DriverArray, TwoDimensionalCopies) {
  CUDA_ARRAY3D_DESCRIPTOR d = describe3D(6, 5, 0, CU_AD_FORMAT_UNSIGNED_INT16, 2); // 4-byte texels
  CUarray array = nullptr;
  ASSERT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
  std::vector<uint8_t> image(24 * 5, 0);
  ASSERT_EQ(cuMemcpyHtoA(array, 0, image.data(), image.size()), CUDA_SUCCESS);
  const size_t hostPitch = 40;
  std::vector<uint8_t> host = sequence(hostPitch * 4);
  CUDA_MEMCPY2D copy{};
  copy.srcMemoryType = CU_MEMORYTYPE_HOST;
  copy.srcHost = host.data();
  copy.srcPitch = hostPitch;
  copy.srcXInBytes = 4;
  copy.srcY = 1;
  copy.dstMemoryType = CU_MEMORYTYPE_ARRAY;
  copy.dstArray = array;
  copy.dstXInBytes = 8; // element 2
  copy.dstY = 2;
  copy.WidthInBytes = 12; // three elements
  copy.Height = 3;
  ASSERT_EQ(cuMemcpy2D(&copy), CUDA_SUCCESS);
  for (size_t y = 0; y < 3; ++y)
    for (size_t x = 0; x < 12; ++x)
      image[(2 + y) * 24 + 8 + x] = host[(1 + y) * hostPitch + 4 + x];

  std::vector<uint8_t> read(image.size(), 0xff);
  CUDA_MEMCPY2D back{};
  back.srcMemoryType = CU_MEMORYTYPE_ARRAY;
  back.srcArray = array;
  back.dstMemoryType = CU_MEMORYTYPE_HOST;
  back.dstHost = read.data();
  back.dstPitch = 24;
  back.WidthInBytes = 24;
  back.Height = 5;
  ASSERT_EQ(cuMemcpy2DUnaligned(&back), CUDA_SUCCESS);
  EXPECT_EQ(read, image);
  CUstream stream = nullptr;
  ASSERT_EQ(cuStreamCreate(&stream, 0), CUDA_SUCCESS);
  std::fill(read.begin(), read.end(), 0);
  ASSERT_EQ(cuMemcpy2DAsync(&back, stream), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamSynchronize(stream), CUDA_SUCCESS);
  EXPECT_EQ(read, image);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);

  CUDA_MEMCPY2D bad = copy;
  bad.dstXInBytes = 6; // not a whole element
  EXPECT_EQ(cuMemcpy2D(&bad), CUDA_ERROR_INVALID_VALUE);
  bad = copy;
  bad.WidthInBytes = 10;
  EXPECT_EQ(cuMemcpy2D(&bad), CUDA_ERROR_INVALID_VALUE);
  bad = copy;
  bad.srcPitch = 8; // narrower than the row
  EXPECT_EQ(cuMemcpy2D(&bad), CUDA_ERROR_INVALID_VALUE);
  bad = copy;
  bad.srcMemoryType = CUmemorytype(9);
  EXPECT_EQ(cuMemcpy2D(&bad), CUDA_ERROR_INVALID_VALUE);
  bad = copy;
  bad.dstY = 3; // leaves the array
  EXPECT_EQ(cuMemcpy2D(&bad), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMemcpy2D(nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
  bad = copy;
  EXPECT_EQ(cuMemcpy2D(&bad), CUDA_ERROR_INVALID_HANDLE); // destroyed
}

// A box of a pitched host volume into a 3D array, read back whole.
TEST_F(DriverArray, ThreeDimensionalCopies) {
  CUDA_ARRAY3D_DESCRIPTOR d = describe3D(4, 3, 2, CU_AD_FORMAT_UNSIGNED_INT8, 1);
  CUarray array = nullptr;
  ASSERT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
  std::vector<uint8_t> volume(4 * 3 * 2, 0);
  ASSERT_EQ(cuMemcpyHtoA(array, 0, volume.data(), volume.size()), CUDA_SUCCESS);
  const size_t pitch = 8, sliceRows = 5;
  std::vector<uint8_t> host = sequence(pitch * sliceRows * 3);
  CUDA_MEMCPY3D copy{};
  copy.srcMemoryType = CU_MEMORYTYPE_HOST;
  copy.srcHost = host.data();
  copy.srcPitch = pitch;
  copy.srcHeight = sliceRows;
  copy.srcXInBytes = 1;
  copy.srcY = 2;
  copy.srcZ = 1;
  copy.dstMemoryType = CU_MEMORYTYPE_ARRAY;
  copy.dstArray = array;
  copy.dstXInBytes = 1;
  copy.dstY = 1;
  copy.WidthInBytes = 3;
  copy.Height = 2;
  copy.Depth = 2;
  ASSERT_EQ(cuMemcpy3D(&copy), CUDA_SUCCESS);
  for (size_t z = 0; z < 2; ++z)
    for (size_t y = 0; y < 2; ++y)
      for (size_t x = 0; x < 3; ++x)
        volume[z * 12 + (1 + y) * 4 + 1 + x] =
            host[(1 + z) * pitch * sliceRows + (2 + y) * pitch + 1 + x];
  std::vector<uint8_t> read(volume.size(), 0xff);
  CUDA_MEMCPY3D back{};
  back.srcMemoryType = CU_MEMORYTYPE_ARRAY;
  back.srcArray = array;
  back.dstMemoryType = CU_MEMORYTYPE_HOST;
  back.dstHost = read.data();
  back.dstPitch = 4;
  back.dstHeight = 3;
  back.WidthInBytes = 4;
  back.Height = 3;
  back.Depth = 2;
  ASSERT_EQ(cuMemcpy3DAsync(&back, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamSynchronize(nullptr), CUDA_SUCCESS);
  EXPECT_EQ(read, volume);
  CUDA_MEMCPY3D bad = copy;
  bad.srcLOD = 1; // levels of detail must be 0
  EXPECT_EQ(cuMemcpy3D(&bad), CUDA_ERROR_INVALID_VALUE);
  bad = copy;
  bad.srcHeight = 2; // rows 2..3 do not fit a 2-row slice
  EXPECT_EQ(cuMemcpy3D(&bad), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
}

// Device memory on either side: DtoA / AtoD and a 2D copy from pitched device memory.
TEST_F(DriverArray, CopiesWithDeviceMemory) {
  CUDA_ARRAY3D_DESCRIPTOR d = describe3D(8, 2, 0, CU_AD_FORMAT_UNSIGNED_INT16, 1); // 16-byte rows
  CUarray array = nullptr;
  ASSERT_EQ(cuArray3DCreate(&array, &d), CUDA_SUCCESS);
  CUdeviceptr device = 0;
  ASSERT_EQ(cuMemAlloc(&device, 64), CUDA_SUCCESS);
  std::vector<uint8_t> source = sequence(64);
  ASSERT_EQ(cuMemcpyHtoD(device, source.data(), source.size()), CUDA_SUCCESS);
  std::vector<uint8_t> expected(32, 0);
  ASSERT_EQ(cuMemcpyHtoA(array, 0, expected.data(), expected.size()), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoA(array, 4, device + 8, 24), CUDA_SUCCESS);
  std::copy(source.begin() + 8, source.begin() + 32, expected.begin() + 4);
  ASSERT_EQ(cuMemsetD8(device, 0, 64), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyAtoD(device + 16, array, 4, 24), CUDA_SUCCESS);
  std::vector<uint8_t> read(64, 0xff);
  ASSERT_EQ(cuMemcpyDtoH(read.data(), device, read.size()), CUDA_SUCCESS);
  std::vector<uint8_t> readExpected(64, 0);
  std::copy(expected.begin() + 4, expected.begin() + 28, readExpected.begin() + 16);
  EXPECT_EQ(read, readExpected);
  // Host memory is not device memory.
  EXPECT_EQ(cuMemcpyDtoA(array, 0, reinterpret_cast<CUdeviceptr>(source.data()), 8),
            CUDA_ERROR_INVALID_VALUE);

  // Rows 1..2 of a device image with a 32-byte pitch, 12 bytes from byte 4, into array row 0..1.
  ASSERT_EQ(cuMemcpyHtoD(device, source.data(), source.size()), CUDA_SUCCESS);
  CUDA_MEMCPY2D copy{};
  copy.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.srcDevice = device;
  copy.srcPitch = 32;
  copy.srcXInBytes = 4;
  copy.srcY = 1;
  copy.dstMemoryType = CU_MEMORYTYPE_ARRAY;
  copy.dstArray = array;
  copy.WidthInBytes = 12;
  copy.Height = 1;
  ASSERT_EQ(cuMemcpy2D(&copy), CUDA_SUCCESS);
  std::copy(source.begin() + 36, source.begin() + 48, expected.begin());
  std::vector<uint8_t> image(32, 0xff);
  ASSERT_EQ(cuMemcpyAtoH(image.data(), array, 0, image.size()), CUDA_SUCCESS);
  EXPECT_EQ(image, expected);
  EXPECT_EQ(cuMemFree(device), CUDA_SUCCESS);
  EXPECT_EQ(cuArrayDestroy(array), CUDA_SUCCESS);
}

TEST_F(DriverArray, MipmappedArraysHaveShrinkingLevels) {
  CUDA_ARRAY3D_DESCRIPTOR d = describe3D(16, 4, 0, CU_AD_FORMAT_FLOAT, 4);
  CUmipmappedArray mipmapped = nullptr;
  // More levels than the extent allows are clamped to 1 + log2(16) = 5.
  ASSERT_EQ(cuMipmappedArrayCreate(&mipmapped, &d, 9), CUDA_SUCCESS);
  const size_t widths[] = {16, 8, 4, 2, 1}, heights[] = {4, 2, 1, 1, 1};
  for (unsigned level = 0; level < 5; ++level) {
    CUarray array = nullptr;
    ASSERT_EQ(cuMipmappedArrayGetLevel(&array, mipmapped, level), CUDA_SUCCESS);
    CUDA_ARRAY3D_DESCRIPTOR back{};
    ASSERT_EQ(cuArray3DGetDescriptor(&back, array), CUDA_SUCCESS);
    EXPECT_EQ(back.Width, widths[level]) << level;
    EXPECT_EQ(back.Height, heights[level]) << level;
    EXPECT_EQ(back.Format, CU_AD_FORMAT_FLOAT);
    EXPECT_EQ(back.NumChannels, 4u);
  }
  CUarray level = nullptr;
  EXPECT_EQ(cuMipmappedArrayGetLevel(&level, mipmapped, 5), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMipmappedArrayGetLevel(nullptr, mipmapped, 0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuMipmappedArrayGetLevel(&level, mipmapped, 1), CUDA_SUCCESS);
  // A level is freed with its mipmapped array, not on its own.
  EXPECT_EQ(cuArrayDestroy(level), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMipmappedArrayDestroy(mipmapped), CUDA_SUCCESS);
  EXPECT_EQ(cuMipmappedArrayDestroy(mipmapped), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuMipmappedArrayGetLevel(&level, mipmapped, 0), CUDA_ERROR_INVALID_HANDLE);
  d.NumChannels = 3;
  EXPECT_EQ(cuMipmappedArrayCreate(&mipmapped, &d, 2), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuMipmappedArrayCreate(&mipmapped, nullptr, 2), CUDA_ERROR_INVALID_VALUE);
}

} // namespace
