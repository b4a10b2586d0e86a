// CUDA arrays, texture objects and surface objects through NVIDIA's headers against our
// libcudart.so.13: creation rules, copies in every direction with their error codes, and the
// object queries. Sampling itself is covered by the samples and test_cpu_backend.
#include <channel_descriptor.h>
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

// The deprecated linear array copies are still exported and tested.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

// NVIDIA's make_cuda* helpers live in a header only nvcc may include.
cudaExtent makeExtent(size_t w, size_t h, size_t d) {
  return cudaExtent{w, h, d};
}
cudaPos makePos(size_t x, size_t y, size_t z) {
  return cudaPos{x, y, z};
}
cudaPitchedPtr makePitched(void *p, size_t pitch, size_t xsize, size_t ysize) {
  return cudaPitchedPtr{p, pitch, xsize, ysize};
}

cudaChannelFormatDesc format(int bits, cudaChannelFormatKind kind, int channels = 1) {
  return cudaChannelFormatDesc{bits, channels > 1 ? bits : 0, channels > 2 ? bits : 0,
                               channels > 3 ? bits : 0, kind};
}

TEST(CudartArray, CreationRules) {
  cudaArray_t array = nullptr;
  cudaChannelFormatDesc f32 = format(32, cudaChannelFormatKindFloat);
  EXPECT_EQ(cudaMallocArray(nullptr, &f32, 4, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, nullptr, 4, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, &f32, 0, 4), cudaErrorInvalidValue);
  cudaChannelFormatDesc three = format(8, cudaChannelFormatKindUnsigned, 3);
  EXPECT_EQ(cudaMallocArray(&array, &three, 4, 4), cudaErrorInvalidChannelDescriptor);
  cudaChannelFormatDesc halfInt = format(16, cudaChannelFormatKindFloat, 2);
  cudaChannelFormatDesc f8 = format(8, cudaChannelFormatKindFloat);
  EXPECT_EQ(cudaMallocArray(&array, &f8, 4, 4), cudaErrorInvalidChannelDescriptor);
  EXPECT_EQ(cudaMallocArray(&array, &f32, 4, 4, 0x80000000u), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, &f32, 4, 4, cudaArraySparse), cudaErrorNotSupported);
  // The device's texture limits: 1D 131072 wide, surfaces 1D 32768 wide.
  int maxTexture1D = 0, maxSurface1D = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&maxTexture1D, cudaDevAttrMaxTexture1DWidth, 0), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&maxSurface1D, cudaDevAttrMaxSurface1DWidth, 0), cudaSuccess);
  EXPECT_EQ(maxTexture1D, 131072);
  EXPECT_EQ(maxSurface1D, 32768);
  EXPECT_EQ(cudaMallocArray(&array, &f32, size_t(maxTexture1D) + 1, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMallocArray(&array, &f32, size_t(maxSurface1D) + 1, 0, cudaArraySurfaceLoadStore),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaMallocArray(&array, &f32, size_t(maxSurface1D) + 1, 0), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  cudaDeviceProp prop{};
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(prop.maxTexture1D, maxTexture1D);
  EXPECT_EQ(prop.maxTexture3D[2], 16384);
  EXPECT_EQ(prop.maxSurface2DLayered[2], 2048);
  // A cubemap needs square faces, six of them.
  EXPECT_EQ(cudaMalloc3DArray(&array, &f32, makeExtent(4, 5, 6), cudaArrayCubemap),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMalloc3DArray(&array, &f32, makeExtent(4, 4, 5), cudaArrayCubemap),
            cudaErrorInvalidValue);
  cudaGetLastError();

  ASSERT_EQ(cudaMalloc3DArray(&array, &halfInt, makeExtent(7, 0, 3), cudaArrayLayered),
            cudaSuccess);
  cudaChannelFormatDesc got{};
  cudaExtent extent{};
  unsigned flags = 0;
  ASSERT_EQ(cudaArrayGetInfo(&got, &extent, &flags, array), cudaSuccess);
  EXPECT_EQ(got.x, 16);
  EXPECT_EQ(got.y, 16);
  EXPECT_EQ(got.z, 0);
  EXPECT_EQ(got.f, cudaChannelFormatKindFloat);
  EXPECT_EQ(extent.width, 7u);
  EXPECT_EQ(extent.height, 0u);
  EXPECT_EQ(extent.depth, 3u);
  EXPECT_EQ(flags, unsigned(cudaArrayLayered));
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaErrorInvalidValue); // freed already
  EXPECT_EQ(cudaFreeArray(nullptr), cudaSuccess);
  cudaGetLastError();
}

TEST(CudartArray, ChannelDescAndLinearTextureWidth) {
  cudaChannelFormatDesc half2 = cudaCreateChannelDesc(16, 16, 0, 0, cudaChannelFormatKindFloat);
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &half2, 8, 2), cudaSuccess);
  cudaChannelFormatDesc got{};
  ASSERT_EQ(cudaGetChannelDesc(&got, array), cudaSuccess);
  EXPECT_EQ(got.x, 16);
  EXPECT_EQ(got.y, 16);
  EXPECT_EQ(got.z, 0);
  EXPECT_EQ(got.f, cudaChannelFormatKindFloat);
  EXPECT_EQ(cudaGetChannelDesc(nullptr, array), cudaErrorInvalidValue);
  ASSERT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaGetChannelDesc(&got, array), cudaErrorInvalidResourceHandle);

  size_t width = 0;
  ASSERT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &half2, 0), cudaSuccess);
  int attribute = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&attribute, cudaDevAttrMaxTexture1DLinearWidth, 0), cudaSuccess);
  EXPECT_EQ(width, size_t(attribute));
  cudaChannelFormatDesc threeChannels =
      cudaCreateChannelDesc(8, 8, 8, 0, cudaChannelFormatKindUnsigned);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &threeChannels, 0),
            cudaErrorInvalidChannelDescriptor);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(&width, &half2, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetTexture1DLinearMaxWidth(nullptr, &half2, 0), cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

// The UNORM / SNORM kinds: arrays of every one (through cudaCreateChannelDesc<kind>()), their
// element sizes in copies, the channel description given back, and the channel widths each kind
// requires. Kinds cuport does not implement are refused as not supported.
TEST(CudartArray, NormalizedKinds) {
  struct Kind {
    cudaChannelFormatDesc desc;
    size_t elementBytes;
  };
  const Kind kinds[] = {
      {cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized8X1>(), 1},
      {cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized8X2>(), 2},
      {cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized8X4>(), 4},
      {cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized16X1>(), 2},
      {cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized16X2>(), 4},
      {cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized16X4>(), 8},
      {cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized8X1>(), 1},
      {cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized8X2>(), 2},
      {cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized8X4>(), 4},
      {cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized16X1>(), 2},
      {cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized16X2>(), 4},
      {cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized16X4>(), 8},
  };
  for (const Kind &kind : kinds) {
    cudaArray_t array = nullptr;
    ASSERT_EQ(cudaMalloc3DArray(&array, &kind.desc, makeExtent(5, 3, 2), cudaArraySurfaceLoadStore),
              cudaSuccess)
        << kind.desc.f;
    cudaChannelFormatDesc got{};
    unsigned flags = 0;
    ASSERT_EQ(cudaArrayGetInfo(&got, nullptr, &flags, array), cudaSuccess);
    EXPECT_EQ(got.x, kind.desc.x);
    EXPECT_EQ(got.y, kind.desc.y);
    EXPECT_EQ(got.z, kind.desc.z);
    EXPECT_EQ(got.w, kind.desc.w);
    EXPECT_EQ(got.f, kind.desc.f);
    EXPECT_EQ(flags, unsigned(cudaArraySurfaceLoadStore));
    ASSERT_EQ(cudaGetChannelDesc(&got, array), cudaSuccess);
    EXPECT_EQ(got.f, kind.desc.f);
    // A whole row of 5 elements copies 5 * elementBytes bytes; one byte more does not fit.
    std::vector<unsigned char> row(5 * kind.elementBytes + 1, 0x5a), back(row.size(), 0);
    EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, row.data(), row.size(), 5 * kind.elementBytes, 1,
                                  cudaMemcpyHostToDevice),
              cudaSuccess);
    EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, row.data(), row.size(), row.size(), 1,
                                  cudaMemcpyHostToDevice),
              cudaErrorInvalidValue);
    EXPECT_EQ(cudaMemcpy2DFromArray(back.data(), back.size(), array, 0, 0, 5 * kind.elementBytes, 1,
                                    cudaMemcpyDeviceToHost),
              cudaSuccess);
    EXPECT_EQ(std::count(back.begin(), back.end(), 0x5a), std::ptrdiff_t(5 * kind.elementBytes));
    // Surfaces and textures (either read mode, linear filtering too) over it.
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = array;
    cudaSurfaceObject_t surface = 0;
    EXPECT_EQ(cudaCreateSurfaceObject(&surface, &resource), cudaSuccess);
    EXPECT_EQ(cudaDestroySurfaceObject(surface), cudaSuccess);
    for (cudaTextureReadMode mode : {cudaReadModeElementType, cudaReadModeNormalizedFloat}) {
      cudaTextureDesc texture{};
      texture.readMode = mode;
      texture.filterMode = cudaFilterModeLinear;
      cudaTextureObject_t object = 0;
      EXPECT_EQ(cudaCreateTextureObject(&object, &resource, &texture, nullptr), cudaSuccess);
      EXPECT_EQ(cudaDestroyTextureObject(object), cudaSuccess);
    }
    EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  }
  // The kind names the channels: {8, 0, 0, 0} is not UnsignedNormalized8X4, nor {16, 16} 8X2.
  cudaArray_t array = nullptr;
  cudaChannelFormatDesc wrong =
      cudaCreateChannelDesc(8, 0, 0, 0, cudaChannelFormatKindUnsignedNormalized8X4);
  EXPECT_EQ(cudaMallocArray(&array, &wrong, 4, 4), cudaErrorInvalidChannelDescriptor);
  wrong = cudaCreateChannelDesc(16, 16, 0, 0, cudaChannelFormatKindSignedNormalized8X2);
  EXPECT_EQ(cudaMallocArray(&array, &wrong, 4, 4), cudaErrorInvalidChannelDescriptor);
  // NV12, the block-compressed kinds and 10-10-10-2 exist in CUDA but not here.
  for (cudaChannelFormatDesc unsupported :
       {cudaCreateChannelDesc<cudaChannelFormatKindNV12>(),
        cudaCreateChannelDesc<cudaChannelFormatKindUnsignedBlockCompressed1>(),
        cudaCreateChannelDesc<cudaChannelFormatKindSignedBlockCompressed6H>(),
        cudaCreateChannelDesc<cudaChannelFormatKindUnsignedNormalized1010102>()})
    EXPECT_EQ(cudaMallocArray(&array, &unsupported, 4, 4), cudaErrorNotSupported) << unsupported.f;
  // Linear memory takes the normalized kinds too.
  void *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 1024), cudaSuccess);
  cudaResourceDesc linear{};
  linear.resType = cudaResourceTypeLinear;
  linear.res.linear.devPtr = memory;
  linear.res.linear.desc = cudaCreateChannelDesc<cudaChannelFormatKindSignedNormalized16X2>();
  linear.res.linear.sizeInBytes = 1024;
  cudaTextureDesc texture{};
  cudaTextureObject_t object = 0;
  EXPECT_EQ(cudaCreateTextureObject(&object, &linear, &texture, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(object), cudaSuccess);
  EXPECT_EQ(cudaFree(memory), cudaSuccess);
  (void)cudaGetLastError();
}

TEST(CudartArray, TwoDimensionalCopiesWithOffsetsAndErrors) {
  constexpr int kWidth = 9, kHeight = 5;
  cudaChannelFormatDesc u16 = format(16, cudaChannelFormatKindUnsigned);
  cudaArray_t array;
  ASSERT_EQ(cudaMallocArray(&array, &u16, kWidth, kHeight), cudaSuccess);
  std::vector<uint16_t> source(kWidth * kHeight);
  std::iota(source.begin(), source.end(), uint16_t(100));
  const size_t rowBytes = kWidth * sizeof(uint16_t);
  ASSERT_EQ(cudaMemcpy2DToArray(array, 0, 0, source.data(), rowBytes, rowBytes, kHeight,
                                cudaMemcpyHostToDevice),
            cudaSuccess);
  // A 3 x 2 window at element (2, 1) into host memory with a pitch of 4 elements.
  std::vector<uint16_t> window(4 * 2, 0);
  ASSERT_EQ(cudaMemcpy2DFromArray(window.data(), 4 * sizeof(uint16_t), array, 2 * sizeof(uint16_t),
                                  1, 3 * sizeof(uint16_t), 2, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(window, (std::vector<uint16_t>{111, 112, 113, 0, 120, 121, 122, 0}));

  // Errors: wider than the pitch, past the array, a host-only kind, half an element.
  EXPECT_EQ(
      cudaMemcpy2DToArray(array, 0, 0, source.data(), 2, rowBytes, kHeight, cudaMemcpyHostToDevice),
      cudaErrorInvalidPitchValue);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 2, 1, source.data(), rowBytes, rowBytes, kHeight,
                                cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, source.data(), rowBytes, rowBytes, kHeight,
                                cudaMemcpyHostToHost),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 1, 0, source.data(), rowBytes, 2, 1, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy2DToArray(array, 0, 0, source.data(), rowBytes, rowBytes, kHeight,
                                static_cast<cudaMemcpyKind>(42)),
            cudaErrorInvalidMemcpyDirection);
  cudaGetLastError();

  // The linear forms run across rows: 4 elements from the end of row 1 into row 2.
  std::vector<uint16_t> linear(4);
  ASSERT_EQ(cudaMemcpyFromArray(linear.data(), array, 7 * sizeof(uint16_t), 1, 4 * sizeof(uint16_t),
                                cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(linear, (std::vector<uint16_t>{116, 117, 118, 119}));
  EXPECT_EQ(cudaMemcpyFromArray(linear.data(), array, 0, kHeight - 1, rowBytes + 2,
                                cudaMemcpyDeviceToHost),
            cudaErrorInvalidValue);
  cudaGetLastError();
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(CudartArray, Memcpy3DBetweenArraysAndDeviceMemoryOnAStream) {
  constexpr size_t kW = 6, kH = 4, kD = 3;
  cudaChannelFormatDesc f32 = format(32, cudaChannelFormatKindFloat);
  cudaArray_t a, b;
  ASSERT_EQ(cudaMalloc3DArray(&a, &f32, makeExtent(kW, kH, kD), 0), cudaSuccess);
  ASSERT_EQ(cudaMalloc3DArray(&b, &f32, makeExtent(kW, kH, kD), 0), cudaSuccess);
  std::vector<float> host(kW * kH * kD);
  std::iota(host.begin(), host.end(), 1.0f);
  float *device;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), host.size() * sizeof(float)),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice),
            cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);

  // device memory -> a -> b (a sub-box shifted by one in every axis) -> host
  cudaMemcpy3DParms toA{};
  toA.srcPtr = makePitched(device, kW * sizeof(float), kW, kH);
  toA.dstArray = a;
  toA.extent = makeExtent(kW, kH, kD);
  toA.kind = cudaMemcpyDeviceToDevice;
  ASSERT_EQ(cudaMemcpy3DAsync(&toA, stream), cudaSuccess);
  cudaMemcpy3DParms aToB{};
  aToB.srcArray = a;
  aToB.srcPos = makePos(1, 1, 1);
  aToB.dstArray = b;
  aToB.extent = makeExtent(kW - 1, kH - 1, kD - 1);
  aToB.kind = cudaMemcpyDefault;
  ASSERT_EQ(cudaMemcpy3DAsync(&aToB, stream), cudaSuccess);
  std::vector<float> back(host.size(), -1.0f);
  cudaMemcpy3DParms toHost{};
  toHost.srcArray = b;
  toHost.dstPtr = makePitched(back.data(), kW * sizeof(float), kW, kH);
  toHost.extent = makeExtent(kW - 1, kH - 1, kD - 1);
  toHost.kind = cudaMemcpyDeviceToHost;
  ASSERT_EQ(cudaMemcpy3DAsync(&toHost, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  for (size_t z = 0; z + 1 < kD; ++z)
    for (size_t y = 0; y + 1 < kH; ++y)
      for (size_t x = 0; x + 1 < kW; ++x)
        EXPECT_EQ(back[(z * kH + y) * kW + x], host[((z + 1) * kH + y + 1) * kW + x + 1])
            << x << "," << y << "," << z;

  // Both an array and a pointer on one side; a box past the array; a pitched pointer too short.
  cudaMemcpy3DParms bad = toA;
  bad.srcArray = b;
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
  bad = aToB;
  bad.extent = makeExtent(kW, kH, kD);
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidValue);
  bad = toA;
  bad.srcPtr.pitch = 4;
  EXPECT_EQ(cudaMemcpy3D(&bad), cudaErrorInvalidPitchValue);
  EXPECT_EQ(cudaMemcpy3D(nullptr), cudaErrorInvalidValue);
  cudaMemcpy3DPeerParms peer{};
  peer.srcArray = a;
  peer.dstArray = b;
  peer.extent = makeExtent(1, 1, 1);
  peer.dstDevice = 1;
  EXPECT_EQ(cudaMemcpy3DPeer(&peer), cudaErrorInvalidDevice);
  peer.dstDevice = 0;
  EXPECT_EQ(cudaMemcpy3DPeer(&peer), cudaSuccess);
  cudaGetLastError();

  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(a), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(b), cudaSuccess);
}

TEST(CudartArray, Memcpy3DBetweenPitchedPointersCountsBytes) {
  // Two host boxes with different pitches: the extent's width is in bytes when no array is
  // involved, positions too.
  std::vector<unsigned char> source(8 * 3 * 2), destination(10 * 4 * 2, 0);
  std::iota(source.begin(), source.end(), 0);
  cudaMemcpy3DParms copy{};
  copy.srcPtr = makePitched(source.data(), 8, 8, 3);
  copy.srcPos = makePos(2, 1, 0);
  copy.dstPtr = makePitched(destination.data(), 10, 10, 4);
  copy.dstPos = makePos(1, 2, 1);
  copy.extent = makeExtent(5, 2, 1);
  copy.kind = cudaMemcpyHostToHost;
  ASSERT_EQ(cudaMemcpy3D(&copy), cudaSuccess);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 5; ++x)
      EXPECT_EQ(destination[(1 * 4 + 2 + y) * 10 + 1 + x], source[(1 + y) * 8 + 2 + x]);
  EXPECT_EQ(destination[0], 0);
  // A device-to-device copy between host pointers is refused.
  copy.kind = cudaMemcpyDeviceToDevice;
  EXPECT_EQ(cudaMemcpy3D(&copy), cudaErrorInvalidValue);
  cudaGetLastError();
}

TEST(CudartTextureObject, CreationQueriesAndErrors) {
  cudaChannelFormatDesc f32 = format(32, cudaChannelFormatKindFloat);
  cudaArray_t array;
  ASSERT_EQ(cudaMallocArray(&array, &f32, 8, 8), cudaSuccess);
  cudaResourceDesc resource{};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = array;
  cudaTextureDesc description{};
  description.addressMode[0] = cudaAddressModeMirror;
  description.filterMode = cudaFilterModeLinear;
  description.normalizedCoords = 1;
  description.borderColor[2] = 0.5f;
  cudaTextureObject_t texture = 0;
  EXPECT_EQ(cudaCreateTextureObject(&texture, &resource, nullptr, nullptr), cudaErrorInvalidValue);
  ASSERT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr), cudaSuccess);
  EXPECT_NE(texture, 0u);
  cudaTextureDesc gotDescription{};
  ASSERT_EQ(cudaGetTextureObjectTextureDesc(&gotDescription, texture), cudaSuccess);
  EXPECT_EQ(gotDescription.addressMode[0], cudaAddressModeMirror);
  EXPECT_EQ(gotDescription.borderColor[2], 0.5f);
  cudaResourceDesc gotResource{};
  ASSERT_EQ(cudaGetTextureObjectResourceDesc(&gotResource, texture), cudaSuccess);
  EXPECT_EQ(gotResource.res.array.array, array);
  cudaResourceViewDesc view{};
  EXPECT_EQ(cudaGetTextureObjectResourceViewDesc(&view, texture), cudaErrorInvalidValue);
  // A texture is not a surface, and the array has no cudaArraySurfaceLoadStore.
  EXPECT_EQ(cudaDestroySurfaceObject(texture), cudaErrorInvalidValue);
  cudaSurfaceObject_t surface;
  EXPECT_EQ(cudaCreateSurfaceObject(&surface, &resource), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaSuccess);
  EXPECT_EQ(cudaDestroyTextureObject(texture), cudaErrorInvalidValue);

  // Normalized-float reads need 8/16-bit integers; linear filtering needs float results.
  cudaChannelFormatDesc s32 = format(32, cudaChannelFormatKindSigned);
  cudaArray_t integers;
  ASSERT_EQ(cudaMallocArray(&integers, &s32, 8, 8), cudaSuccess);
  resource.res.array.array = integers;
  description.readMode = cudaReadModeNormalizedFloat;
  EXPECT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr),
            cudaErrorInvalidValue);
  description.readMode = cudaReadModeElementType;
  EXPECT_EQ(cudaCreateTextureObject(&texture, &resource, &description, nullptr),
            cudaErrorInvalidValue);
  // A mipmapped resource must name a live mipmapped array (cudart_mipmap_test has live ones).
  cudaResourceDesc mipmapped{};
  mipmapped.resType = cudaResourceTypeMipmappedArray;
  description.filterMode = cudaFilterModePoint;
  EXPECT_EQ(cudaCreateTextureObject(&texture, &mipmapped, &description, nullptr),
            cudaErrorInvalidResourceHandle);
  // Linear memory must be device memory.
  std::vector<float> host(16);
  cudaResourceDesc linear{};
  linear.resType = cudaResourceTypeLinear;
  linear.res.linear.devPtr = host.data();
  linear.res.linear.desc = f32;
  linear.res.linear.sizeInBytes = host.size() * sizeof(float);
  EXPECT_EQ(cudaCreateTextureObject(&texture, &linear, &description, nullptr),
            cudaErrorInvalidValue);
  cudaGetLastError();
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(integers), cudaSuccess);
}

} // namespace
