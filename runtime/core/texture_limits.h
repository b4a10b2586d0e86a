// The texture and surface limits the device reports (cudaDeviceProp, cudaDeviceGetAttribute)
// and that array and texture creation enforce: those of a compute capability 7.5 GPU, so that
// a program sized for one fits. Mipmapped arrays have their own 1D and 2D limits; their other
// shapes share the plain ones.
#pragma once

#include <cstddef>

namespace cuport::core::texture_limits {

// Any cudaMalloc result (256-byte aligned) may back a linear or pitch2D texture.
constexpr size_t kTextureAlignment = 256;
constexpr size_t kTexturePitchAlignment = 32;
constexpr size_t kSurfaceAlignment = 256;

constexpr int kTexture1D = 131072;
constexpr int kTexture1DLinear = 1 << 28;
constexpr int kTexture2D[2] = {131072, 65536};
constexpr int kTexture2DLinear[3] = {131072, 65000, 2097120};
constexpr int kTexture2DGather[2] = {32768, 32768};
constexpr int kTexture1DMipmap = 32768;
constexpr int kTexture2DMipmap[2] = {32768, 32768};
constexpr int kTexture3D[3] = {16384, 16384, 16384};
constexpr int kTexture3DAlt[3] = {8192, 8192, 32768};
constexpr int kTextureCubemap = 32768;
constexpr int kTexture1DLayered[2] = {32768, 2048};
constexpr int kTexture2DLayered[3] = {32768, 32768, 2048};
constexpr int kTextureCubemapLayered[2] = {32768, 2046};
constexpr int kSurface1D = 32768;
constexpr int kSurface2D[2] = {131072, 65536};
constexpr int kSurface3D[3] = {16384, 16384, 16384};
constexpr int kSurface1DLayered[2] = {32768, 2048};
constexpr int kSurface2DLayered[3] = {32768, 32768, 2048};
constexpr int kSurfaceCubemap = 32768;
constexpr int kSurfaceCubemapLayered[2] = {32768, 2046};

} // namespace cuport::core::texture_limits
