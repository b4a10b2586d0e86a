#include "runtime/core/texture_attributes.h"

#include "runtime/core/texture_limits.h"

#include <algorithm>

namespace cuport::core {

using namespace texture_limits;

void fillTextureLimits(cudaDeviceProp &prop) {
  prop.textureAlignment = kTextureAlignment;
  prop.texturePitchAlignment = kTexturePitchAlignment;
  prop.surfaceAlignment = kSurfaceAlignment;
  prop.maxTexture1D = kTexture1D;
  std::copy_n(kTexture2D, 2, prop.maxTexture2D);
  std::copy_n(kTexture2DLinear, 3, prop.maxTexture2DLinear);
  std::copy_n(kTexture2DGather, 2, prop.maxTexture2DGather);
  prop.maxTexture1DMipmap = kTexture1DMipmap;
  std::copy_n(kTexture2DMipmap, 2, prop.maxTexture2DMipmap);
  std::copy_n(kTexture3D, 3, prop.maxTexture3D);
  std::copy_n(kTexture3DAlt, 3, prop.maxTexture3DAlt);
  prop.maxTextureCubemap = kTextureCubemap;
  std::copy_n(kTexture1DLayered, 2, prop.maxTexture1DLayered);
  std::copy_n(kTexture2DLayered, 3, prop.maxTexture2DLayered);
  std::copy_n(kTextureCubemapLayered, 2, prop.maxTextureCubemapLayered);
  prop.maxSurface1D = kSurface1D;
  std::copy_n(kSurface2D, 2, prop.maxSurface2D);
  std::copy_n(kSurface3D, 3, prop.maxSurface3D);
  std::copy_n(kSurface1DLayered, 2, prop.maxSurface1DLayered);
  std::copy_n(kSurface2DLayered, 3, prop.maxSurface2DLayered);
  prop.maxSurfaceCubemap = kSurfaceCubemap;
  std::copy_n(kSurfaceCubemapLayered, 2, prop.maxSurfaceCubemapLayered);
}

bool textureAttribute(const cudaDeviceProp &prop, cudaDeviceAttr attribute, int &value) {
  switch (attribute) {
  case cudaDevAttrTexturePitchAlignment:
    value = int(prop.texturePitchAlignment);
    return true;
  case cudaDevAttrMaxTexture1DWidth:
    value = prop.maxTexture1D;
    return true;
  case cudaDevAttrMaxTexture1DLinearWidth:
    value = kTexture1DLinear; // an attribute only: cudaDeviceProp has no field for it
    return true;
  case cudaDevAttrMaxTexture2DWidth:
  case cudaDevAttrMaxTexture2DHeight:
    value = prop.maxTexture2D[attribute - cudaDevAttrMaxTexture2DWidth];
    return true;
  case cudaDevAttrMaxTexture2DLinearWidth:
  case cudaDevAttrMaxTexture2DLinearHeight:
  case cudaDevAttrMaxTexture2DLinearPitch:
    value = prop.maxTexture2DLinear[attribute - cudaDevAttrMaxTexture2DLinearWidth];
    return true;
  case cudaDevAttrMaxTexture2DGatherWidth:
  case cudaDevAttrMaxTexture2DGatherHeight:
    value = prop.maxTexture2DGather[attribute - cudaDevAttrMaxTexture2DGatherWidth];
    return true;
  case cudaDevAttrMaxTexture1DMipmappedWidth:
    value = prop.maxTexture1DMipmap;
    return true;
  case cudaDevAttrMaxTexture2DMipmappedWidth:
  case cudaDevAttrMaxTexture2DMipmappedHeight:
    value = prop.maxTexture2DMipmap[attribute - cudaDevAttrMaxTexture2DMipmappedWidth];
    return true;
  case cudaDevAttrMaxTexture3DWidth:
  case cudaDevAttrMaxTexture3DHeight:
  case cudaDevAttrMaxTexture3DDepth:
    value = prop.maxTexture3D[attribute - cudaDevAttrMaxTexture3DWidth];
    return true;
  case cudaDevAttrMaxTexture3DWidthAlt:
  case cudaDevAttrMaxTexture3DHeightAlt:
  case cudaDevAttrMaxTexture3DDepthAlt:
    value = prop.maxTexture3DAlt[attribute - cudaDevAttrMaxTexture3DWidthAlt];
    return true;
  case cudaDevAttrMaxTexture2DLayeredWidth:
  case cudaDevAttrMaxTexture2DLayeredHeight:
  case cudaDevAttrMaxTexture2DLayeredLayers:
    value = prop.maxTexture2DLayered[attribute - cudaDevAttrMaxTexture2DLayeredWidth];
    return true;
  case cudaDevAttrMaxTexture1DLayeredWidth:
  case cudaDevAttrMaxTexture1DLayeredLayers:
    value = prop.maxTexture1DLayered[attribute - cudaDevAttrMaxTexture1DLayeredWidth];
    return true;
  case cudaDevAttrMaxTextureCubemapWidth:
    value = prop.maxTextureCubemap;
    return true;
  case cudaDevAttrMaxTextureCubemapLayeredWidth:
  case cudaDevAttrMaxTextureCubemapLayeredLayers:
    value = prop.maxTextureCubemapLayered[attribute - cudaDevAttrMaxTextureCubemapLayeredWidth];
    return true;
  case cudaDevAttrMaxSurface1DWidth:
    value = prop.maxSurface1D;
    return true;
  case cudaDevAttrMaxSurface2DWidth:
  case cudaDevAttrMaxSurface2DHeight:
    value = prop.maxSurface2D[attribute - cudaDevAttrMaxSurface2DWidth];
    return true;
  case cudaDevAttrMaxSurface3DWidth:
  case cudaDevAttrMaxSurface3DHeight:
  case cudaDevAttrMaxSurface3DDepth:
    value = prop.maxSurface3D[attribute - cudaDevAttrMaxSurface3DWidth];
    return true;
  case cudaDevAttrMaxSurface1DLayeredWidth:
  case cudaDevAttrMaxSurface1DLayeredLayers:
    value = prop.maxSurface1DLayered[attribute - cudaDevAttrMaxSurface1DLayeredWidth];
    return true;
  case cudaDevAttrMaxSurface2DLayeredWidth:
  case cudaDevAttrMaxSurface2DLayeredHeight:
  case cudaDevAttrMaxSurface2DLayeredLayers:
    value = prop.maxSurface2DLayered[attribute - cudaDevAttrMaxSurface2DLayeredWidth];
    return true;
  case cudaDevAttrMaxSurfaceCubemapWidth:
    value = prop.maxSurfaceCubemap;
    return true;
  case cudaDevAttrMaxSurfaceCubemapLayeredWidth:
  case cudaDevAttrMaxSurfaceCubemapLayeredLayers:
    value = prop.maxSurfaceCubemapLayered[attribute - cudaDevAttrMaxSurfaceCubemapLayeredWidth];
    return true;
  default:
    return false;
  }
}

} // namespace cuport::core
