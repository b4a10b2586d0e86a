// The confirming driver: the same launch on a real GPU through the CUDA driver API. libcuda is
// opened at run time, never linked, so the suite builds and runs where there is no NVIDIA driver.
#include "tests/ptx/framework/driver.h"

#include <dlfcn.h>

#include <vector>

#if __has_include(<cuda.h>)
#include <cuda.h>
#define CUPORT_HAVE_CUDA_H 1
#endif

namespace cuport::conformance {

#ifdef CUPORT_HAVE_CUDA_H
namespace {

// Texture and surface references are deprecated driver API that cases still cover.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

// The driver entry points the suite uses; the names are the ABI symbols cuda.h maps its API onto.
struct CudaApi {
  decltype(&::cuInit) init = nullptr;
  decltype(&::cuDriverGetVersion) driverGetVersion = nullptr;
  decltype(&::cuDeviceGet) deviceGet = nullptr;
  decltype(&::cuDeviceGetName) deviceGetName = nullptr;
  decltype(&::cuDevicePrimaryCtxRetain) primaryCtxRetain = nullptr;
  decltype(&::cuDevicePrimaryCtxReset) primaryCtxReset = nullptr;
  decltype(&::cuCtxSetCurrent) ctxSetCurrent = nullptr;
  decltype(&::cuCtxSynchronize) ctxSynchronize = nullptr;
  decltype(&::cuModuleLoadDataEx) moduleLoadDataEx = nullptr;
  decltype(&::cuModuleUnload) moduleUnload = nullptr;
  decltype(&::cuModuleGetFunction) moduleGetFunction = nullptr;
  decltype(&::cuMemAlloc) memAlloc = nullptr;
  decltype(&::cuMemFree) memFree = nullptr;
  decltype(&::cuMemcpyHtoD) memcpyHtoD = nullptr;
  decltype(&::cuMemcpyDtoH) memcpyDtoH = nullptr;
  decltype(&::cuMemsetD8) memsetD8 = nullptr;
  decltype(&::cuLaunchKernel) launchKernel = nullptr;
  decltype(&::cuGetErrorString) getErrorString = nullptr;
  decltype(&::cuArray3DCreate) array3DCreate = nullptr;
  decltype(&::cuArrayDestroy) arrayDestroy = nullptr;
  decltype(&::cuMemcpy3D) memcpy3D = nullptr;
  decltype(&::cuMipmappedArrayCreate) mipmappedArrayCreate = nullptr;
  decltype(&::cuMipmappedArrayGetLevel) mipmappedArrayGetLevel = nullptr;
  decltype(&::cuMipmappedArrayDestroy) mipmappedArrayDestroy = nullptr;
  decltype(&::cuTexObjectCreate) texObjectCreate = nullptr;
  decltype(&::cuTexObjectDestroy) texObjectDestroy = nullptr;
  decltype(&::cuSurfObjectCreate) surfObjectCreate = nullptr;
  decltype(&::cuSurfObjectDestroy) surfObjectDestroy = nullptr;
  decltype(&::cuModuleGetTexRef) moduleGetTexRef = nullptr;
  decltype(&::cuModuleGetSurfRef) moduleGetSurfRef = nullptr;
  decltype(&::cuTexRefSetArray) texRefSetArray = nullptr;
  decltype(&::cuTexRefSetAddress) texRefSetAddress = nullptr;
  decltype(&::cuTexRefSetAddress2D) texRefSetAddress2D = nullptr;
  decltype(&::cuTexRefSetFormat) texRefSetFormat = nullptr;
  decltype(&::cuTexRefSetAddressMode) texRefSetAddressMode = nullptr;
  decltype(&::cuTexRefSetFilterMode) texRefSetFilterMode = nullptr;
  decltype(&::cuTexRefSetFlags) texRefSetFlags = nullptr;
  decltype(&::cuTexRefSetBorderColor) texRefSetBorderColor = nullptr;
  decltype(&::cuSurfRefSetArray) surfRefSetArray = nullptr;
};

#pragma GCC diagnostic pop

// CU_AD_FORMAT_UNORM_INT8X1 .. CU_AD_FORMAT_SNORM_INT16X4: the kind, width and channel count.
CUarray_format normalizedArrayFormat(const Image &image) {
  bool isSigned = image.kind == ChannelKind::Signed;
  int channelIndex = image.channels == 1 ? 0 : image.channels == 2 ? 1 : 2;
  int first =
      isSigned ? (image.channelBits == 8 ? CU_AD_FORMAT_SNORM_INT8X1 : CU_AD_FORMAT_SNORM_INT16X1)
               : (image.channelBits == 8 ? CU_AD_FORMAT_UNORM_INT8X1 : CU_AD_FORMAT_UNORM_INT16X1);
  return CUarray_format(first + channelIndex);
}

CUarray_format arrayFormat(const Image &image) {
  if (image.normalizedFormat)
    return normalizedArrayFormat(image);
  switch (image.kind) {
  case ChannelKind::Float:
    return image.channelBits == 16 ? CU_AD_FORMAT_HALF : CU_AD_FORMAT_FLOAT;
  case ChannelKind::Signed:
    return image.channelBits == 8    ? CU_AD_FORMAT_SIGNED_INT8
           : image.channelBits == 16 ? CU_AD_FORMAT_SIGNED_INT16
                                     : CU_AD_FORMAT_SIGNED_INT32;
  case ChannelKind::Unsigned:
    break;
  }
  return image.channelBits == 8    ? CU_AD_FORMAT_UNSIGNED_INT8
         : image.channelBits == 16 ? CU_AD_FORMAT_UNSIGNED_INT16
                                   : CU_AD_FORMAT_UNSIGNED_INT32;
}

// One object of a launch: its image (a CUDA array, or device memory for linear and pitched
// resources) and its handle.
struct CudaObject {
  CUarray array = nullptr;
  CUmipmappedArray mipmap = nullptr; // a mipmapped image's levels
  CUdeviceptr memory = 0;            // what was allocated
  CUdeviceptr image = 0;             // the image's first byte in `memory` (aligned for textures)
  unsigned long long handle = 0;
};

template <typename Function>
bool resolve(void *library, Function &function, const char *symbol, std::string &missing) {
  function = reinterpret_cast<Function>(dlsym(library, symbol));
  if (!function)
    missing += std::string(missing.empty() ? "" : ", ") + symbol;
  return function != nullptr;
}

class CudaDriver : public Driver {
public:
  CudaDriver() { open(); }

  std::string describe() override {
    if (!ready_)
      return "CUDA driver unavailable: " + setupError_;
    int version = 0;
    api_.driverGetVersion(&version);
    char name[256] = {};
    api_.deviceGetName(name, sizeof name, device_);
    return std::string(cuportLibrary_ ? "cuport's libcuda.so.1, CUDA driver API "
                                      : "CUDA driver ") +
           std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10) + " on " +
           name;
  }

  bool confirmsOnHardware() override { return ready_ && !cuportLibrary_; }

  Outcome run(const Launch &launch, const std::vector<std::string> &references) override {
    Outcome outcome;
    if (!ready_ && !setupError_.empty()) {
      outcome.error = setupCode_;
      outcome.message = setupError_;
      return outcome;
    }
    if (!ensureContext(outcome))
      return outcome;

    char log[8192] = {};
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {log, reinterpret_cast<void *>(sizeof log)};
    CUmodule module = nullptr;
    CUresult result = api_.moduleLoadDataEx(&module, launch.ptx.c_str(), 2, options, values);
    if (result != CUDA_SUCCESS)
      return fail(outcome, result, std::string("cuModuleLoadDataEx: ") + log);
    outcome.loaded = true;
    launchKernel(launch, references, module, outcome);
    api_.moduleUnload(module);
    return outcome;
  }

private:
  void open() {
    library_ = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library_) {
      setupCode_ = kErrorNoDevice;
      setupError_ = std::string("cannot open libcuda.so.1: ") + dlerror();
      return;
    }
    // cuport's own libcuda.so.1 (found first on the library path) runs the cases on the CPU: they
    // pass or fail as they do there, which confirms nothing about GPUs.
    if (void *core = dlopen("libcuport.so.0", RTLD_NOW | RTLD_NOLOAD)) {
      cuportLibrary_ = true;
      dlclose(core);
    }
    std::string missing;
    resolve(library_, api_.init, "cuInit", missing);
    resolve(library_, api_.driverGetVersion, "cuDriverGetVersion", missing);
    resolve(library_, api_.deviceGet, "cuDeviceGet", missing);
    resolve(library_, api_.deviceGetName, "cuDeviceGetName", missing);
    resolve(library_, api_.primaryCtxRetain, "cuDevicePrimaryCtxRetain", missing);
    resolve(library_, api_.primaryCtxReset, "cuDevicePrimaryCtxReset_v2", missing);
    resolve(library_, api_.ctxSetCurrent, "cuCtxSetCurrent", missing);
    resolve(library_, api_.ctxSynchronize, "cuCtxSynchronize", missing);
    resolve(library_, api_.moduleLoadDataEx, "cuModuleLoadDataEx", missing);
    resolve(library_, api_.moduleUnload, "cuModuleUnload", missing);
    resolve(library_, api_.moduleGetFunction, "cuModuleGetFunction", missing);
    resolve(library_, api_.memAlloc, "cuMemAlloc_v2", missing);
    resolve(library_, api_.memFree, "cuMemFree_v2", missing);
    resolve(library_, api_.memcpyHtoD, "cuMemcpyHtoD_v2", missing);
    resolve(library_, api_.memcpyDtoH, "cuMemcpyDtoH_v2", missing);
    resolve(library_, api_.memsetD8, "cuMemsetD8_v2", missing);
    resolve(library_, api_.launchKernel, "cuLaunchKernel", missing);
    resolve(library_, api_.getErrorString, "cuGetErrorString", missing);
    resolve(library_, api_.array3DCreate, "cuArray3DCreate_v2", missing);
    resolve(library_, api_.arrayDestroy, "cuArrayDestroy", missing);
    resolve(library_, api_.memcpy3D, "cuMemcpy3D_v2", missing);
    resolve(library_, api_.mipmappedArrayCreate, "cuMipmappedArrayCreate", missing);
    resolve(library_, api_.mipmappedArrayGetLevel, "cuMipmappedArrayGetLevel", missing);
    resolve(library_, api_.mipmappedArrayDestroy, "cuMipmappedArrayDestroy", missing);
    resolve(library_, api_.texObjectCreate, "cuTexObjectCreate", missing);
    resolve(library_, api_.texObjectDestroy, "cuTexObjectDestroy", missing);
    resolve(library_, api_.surfObjectCreate, "cuSurfObjectCreate", missing);
    resolve(library_, api_.surfObjectDestroy, "cuSurfObjectDestroy", missing);
    resolve(library_, api_.moduleGetTexRef, "cuModuleGetTexRef", missing);
    resolve(library_, api_.moduleGetSurfRef, "cuModuleGetSurfRef", missing);
    resolve(library_, api_.texRefSetArray, "cuTexRefSetArray", missing);
    resolve(library_, api_.texRefSetAddress, "cuTexRefSetAddress_v2", missing);
    resolve(library_, api_.texRefSetAddress2D, "cuTexRefSetAddress2D_v3", missing);
    resolve(library_, api_.texRefSetFormat, "cuTexRefSetFormat", missing);
    resolve(library_, api_.texRefSetAddressMode, "cuTexRefSetAddressMode", missing);
    resolve(library_, api_.texRefSetFilterMode, "cuTexRefSetFilterMode", missing);
    resolve(library_, api_.texRefSetFlags, "cuTexRefSetFlags", missing);
    resolve(library_, api_.texRefSetBorderColor, "cuTexRefSetBorderColor", missing);
    resolve(library_, api_.surfRefSetArray, "cuSurfRefSetArray", missing);
    if (!missing.empty()) {
      setupCode_ = kErrorNotSupported;
      setupError_ = "libcuda.so.1 lacks " + missing;
      return;
    }
    CUresult result = api_.init(0);
    if (result == CUDA_SUCCESS)
      result = api_.deviceGet(&device_, 0);
    if (result != CUDA_SUCCESS) {
      setupCode_ = result;
      setupError_ = "cuInit/cuDeviceGet: " + errorText(result);
      return;
    }
    ready_ = true;
  }

  // The primary context, retained again after a launch error made the old one unusable.
  bool ensureContext(Outcome &outcome) {
    if (context_)
      return true;
    CUresult result = api_.primaryCtxRetain(&context_, device_);
    if (result == CUDA_SUCCESS)
      result = api_.ctxSetCurrent(context_);
    if (result != CUDA_SUCCESS) {
      context_ = nullptr;
      fail(outcome, result, "cuDevicePrimaryCtxRetain: " + errorText(result));
      return false;
    }
    return true;
  }

  std::string errorText(CUresult result) {
    const char *text = nullptr;
    if (api_.getErrorString && api_.getErrorString(result, &text) == CUDA_SUCCESS && text)
      return text;
    return "CUresult " + std::to_string(result);
  }

  Outcome &fail(Outcome &outcome, CUresult result, const std::string &message) {
    outcome.error = result;
    outcome.message = message;
    return outcome;
  }

  // A copy between `packed` (Image::texels' layout) and the object's image.
  CUresult copyImage(const Image &image, const CudaObject &object, uint8_t *packed, bool toDevice) {
    CUDA_MEMCPY3D copy{};
    size_t rowBytes = size_t(image.width) * image.elementBytes();
    CUmemorytype deviceType = object.array ? CU_MEMORYTYPE_ARRAY : CU_MEMORYTYPE_DEVICE;
    size_t devicePitch = image.resource == Resource::Pitch2D ? image.pitch : rowBytes;
    if (toDevice) {
      copy.srcMemoryType = CU_MEMORYTYPE_HOST;
      copy.srcHost = packed;
      copy.srcPitch = rowBytes;
      copy.srcHeight = image.rows();
      copy.dstMemoryType = deviceType;
      copy.dstArray = object.array;
      copy.dstDevice = object.image;
      copy.dstPitch = devicePitch;
      copy.dstHeight = image.rows();
    } else {
      copy.srcMemoryType = deviceType;
      copy.srcArray = object.array;
      copy.srcDevice = object.image;
      copy.srcPitch = devicePitch;
      copy.srcHeight = image.rows();
      copy.dstMemoryType = CU_MEMORYTYPE_HOST;
      copy.dstHost = packed;
      copy.dstPitch = rowBytes;
      copy.dstHeight = image.rows();
    }
    copy.WidthInBytes = rowBytes;
    copy.Height = image.rows();
    copy.Depth = image.slices();
    return api_.memcpy3D(&copy);
  }

  // Binds the module's texture reference `name` to the object's image with its sampler, as
  // cuTexObjectCreate would sample it.
  CUresult bindTextureReference(CUmodule module, const std::string &name,
                                const ImageObject &description, const CudaObject &object,
                                const CUDA_RESOURCE_DESC &resource) {
    const Image &image = description.image;
    CUtexref reference = nullptr;
    CUresult result = api_.moduleGetTexRef(&reference, module, name.c_str());
    if (result != CUDA_SUCCESS)
      return result;
    if (resource.resType == CU_RESOURCE_TYPE_ARRAY) {
      result = api_.texRefSetArray(reference, object.array, CU_TRSA_OVERRIDE_FORMAT);
    } else {
      result = api_.texRefSetFormat(reference, arrayFormat(image), int(image.channels));
      if (result == CUDA_SUCCESS && resource.resType == CU_RESOURCE_TYPE_LINEAR) {
        size_t offset = 0;
        result = api_.texRefSetAddress(&offset, reference, object.image, image.bytes());
      } else if (result == CUDA_SUCCESS) {
        CUDA_ARRAY_DESCRIPTOR layout{};
        layout.Width = image.width;
        layout.Height = image.rows();
        layout.Format = arrayFormat(image);
        layout.NumChannels = image.channels;
        result = api_.texRefSetAddress2D(reference, &layout, object.image, image.pitch);
      }
    }
    const Sampler &sampler = description.sampler;
    for (int i = 0; i < 3 && result == CUDA_SUCCESS; ++i)
      result = api_.texRefSetAddressMode(reference, i, CUaddress_mode(sampler.address[i]));
    if (result == CUDA_SUCCESS)
      result = api_.texRefSetFilterMode(reference, sampler.linearFilter ? CU_TR_FILTER_MODE_LINEAR
                                                                        : CU_TR_FILTER_MODE_POINT);
    bool integer = image.kind != ChannelKind::Float;
    if (result == CUDA_SUCCESS)
      result = api_.texRefSetFlags(
          reference, (integer && !sampler.normalizedRead ? CU_TRSF_READ_AS_INTEGER : 0) |
                         (sampler.normalizedCoords ? CU_TRSF_NORMALIZED_COORDINATES : 0));
    float border[4] = {sampler.border[0], sampler.border[1], sampler.border[2], sampler.border[3]};
    if (result == CUDA_SUCCESS)
      result = api_.texRefSetBorderColor(reference, border);
    return result;
  }

  // copyImage for each level of a mipmapped image, `packed` holding them one after another.
  CUresult copyLevels(const Image &image, const CudaObject &object, uint8_t *packed,
                      bool toDevice) {
    CUresult result = CUDA_SUCCESS;
    for (uint32_t l = 0; l < image.levels && result == CUDA_SUCCESS; ++l) {
      CudaObject level;
      result = api_.mipmappedArrayGetLevel(&level.array, object.mipmap, l);
      if (result == CUDA_SUCCESS)
        result = copyImage(image.level(l), level, packed + image.levelOffset(l), toDevice);
    }
    return result;
  }

  // The object's image, and its handle or (when `reference` names one) the module's reference
  // bound to it.
  CUresult createObject(CUmodule module, const ImageObject &description,
                        const std::string &reference, CudaObject &object) {
    const Image &image = description.image;
    CUDA_RESOURCE_DESC resource{};
    CUresult result = CUDA_SUCCESS;
    if (image.resource == Resource::Array) {
      CUDA_ARRAY3D_DESCRIPTOR array{};
      array.Width = image.width;
      array.Height = image.height;
      array.Depth = image.depth;
      array.Format = arrayFormat(image);
      array.NumChannels = image.channels;
      array.Flags = (image.layered ? CUDA_ARRAY3D_LAYERED : 0) |
                    (image.cubemap ? CUDA_ARRAY3D_CUBEMAP : 0) |
                    (description.surface ? CUDA_ARRAY3D_SURFACE_LDST : 0);
      if (image.levels) {
        result = api_.mipmappedArrayCreate(&object.mipmap, &array, image.levels);
        resource.resType = CU_RESOURCE_TYPE_MIPMAPPED_ARRAY;
        resource.res.mipmap.hMipmappedArray = object.mipmap;
      } else {
        result = api_.array3DCreate(&object.array, &array);
        resource.resType = CU_RESOURCE_TYPE_ARRAY;
        resource.res.array.hArray = object.array;
      }
    } else {
      // Texture memory must start on a 512-byte boundary (textureAlignment).
      size_t bytes =
          image.resource == Resource::Pitch2D ? size_t(image.pitch) * image.rows() : image.bytes();
      result = api_.memAlloc(&object.memory, bytes + 512);
      object.image = (object.memory + 511) & ~CUdeviceptr(511);
      if (image.resource == Resource::Linear) {
        resource.resType = CU_RESOURCE_TYPE_LINEAR;
        resource.res.linear.devPtr = object.image;
        resource.res.linear.format = arrayFormat(image);
        resource.res.linear.numChannels = image.channels;
        resource.res.linear.sizeInBytes = image.bytes();
      } else {
        resource.resType = CU_RESOURCE_TYPE_PITCH2D;
        resource.res.pitch2D.devPtr = object.image;
        resource.res.pitch2D.format = arrayFormat(image);
        resource.res.pitch2D.numChannels = image.channels;
        resource.res.pitch2D.width = image.width;
        resource.res.pitch2D.height = image.rows();
        resource.res.pitch2D.pitchInBytes = image.pitch;
      }
    }
    auto *texels = const_cast<uint8_t *>(image.texels.data());
    if (result == CUDA_SUCCESS)
      result = image.levels ? copyLevels(image, object, texels, true)
                            : copyImage(image, object, texels, true);
    if (result != CUDA_SUCCESS)
      return result;
    if (!reference.empty() && description.surface) {
      CUsurfref surface = nullptr;
      result = api_.moduleGetSurfRef(&surface, module, reference.c_str());
      return result == CUDA_SUCCESS ? api_.surfRefSetArray(surface, object.array, 0) : result;
    }
    if (!reference.empty())
      return bindTextureReference(module, reference, description, object, resource);
    if (description.surface) {
      CUsurfObject handle = 0;
      result = api_.surfObjectCreate(&handle, &resource);
      object.handle = handle;
      return result;
    }
    const Sampler &sampler = description.sampler;
    CUDA_TEXTURE_DESC texture{};
    for (int i = 0; i < 3; ++i)
      texture.addressMode[i] = CUaddress_mode(sampler.address[i]);
    texture.filterMode = sampler.linearFilter ? CU_TR_FILTER_MODE_LINEAR : CU_TR_FILTER_MODE_POINT;
    // Integer channels read as integers unless normalized (float channels read as floats); a view
    // decides by its own format.
    bool integer = description.view && description.view->format ? description.view->integerFormat()
                                                                : image.kind != ChannelKind::Float;
    texture.flags = (integer && !sampler.normalizedRead ? CU_TRSF_READ_AS_INTEGER : 0) |
                    (sampler.normalizedCoords ? CU_TRSF_NORMALIZED_COORDINATES : 0);
    for (int i = 0; i < 4; ++i)
      texture.borderColor[i] = sampler.border[i];
    texture.mipmapFilterMode =
        sampler.mipmapLinearFilter ? CU_TR_FILTER_MODE_LINEAR : CU_TR_FILTER_MODE_POINT;
    texture.mipmapLevelBias = sampler.levelBias;
    texture.minMipmapLevelClamp = sampler.minLevelClamp;
    texture.maxMipmapLevelClamp = sampler.maxLevelClamp;
    CUDA_RESOURCE_VIEW_DESC view{};
    if (description.view) {
      const ImageView &v = *description.view;
      view.format = CUresourceViewFormat(v.format);
      view.width = v.width;
      view.height = v.height;
      view.depth = v.depth;
      view.firstMipmapLevel = v.firstLevel;
      view.lastMipmapLevel = v.lastLevel;
      view.firstLayer = v.firstLayer;
      view.lastLayer = v.lastLayer;
    }
    CUtexObject handle = 0;
    result = api_.texObjectCreate(&handle, &resource, &texture, description.view ? &view : nullptr);
    object.handle = handle;
    return result;
  }

  void destroyObjects(const Launch &launch, std::vector<CudaObject> &objects) {
    for (size_t i = 0; i < objects.size(); ++i) {
      if (objects[i].handle) {
        if (launch.objects[i].surface)
          api_.surfObjectDestroy(objects[i].handle);
        else
          api_.texObjectDestroy(objects[i].handle);
      }
      if (objects[i].array)
        api_.arrayDestroy(objects[i].array);
      if (objects[i].mipmap)
        api_.mipmappedArrayDestroy(objects[i].mipmap);
      if (objects[i].memory)
        api_.memFree(objects[i].memory);
    }
  }

  void launchKernel(const Launch &launch, const std::vector<std::string> &references,
                    CUmodule module, Outcome &outcome) {
    auto referenceOf = [&](size_t i) { return i < references.size() ? references[i] : ""; };
    CUfunction function = nullptr;
    CUresult result = api_.moduleGetFunction(&function, module, launch.entry.c_str());
    if (result != CUDA_SUCCESS) {
      fail(outcome, result, "cuModuleGetFunction(" + launch.entry + "): " + errorText(result));
      return;
    }
    CUdeviceptr in = 0, out = 0;
    result = api_.memAlloc(&in, launch.in.size() ? launch.in.size() : 1);
    if (result == CUDA_SUCCESS)
      result = api_.memAlloc(&out, launch.outSize ? launch.outSize : 1);
    if (result == CUDA_SUCCESS && launch.in.size())
      result = api_.memcpyHtoD(in, launch.in.data(), launch.in.size());
    if (result == CUDA_SUCCESS)
      result = api_.memsetD8(out, 0, launch.outSize ? launch.outSize : 1);
    std::vector<CudaObject> objects(launch.objects.size());
    for (size_t i = 0; i < objects.size() && result == CUDA_SUCCESS; ++i)
      result = createObject(module, launch.objects[i], referenceOf(i), objects[i]);
    if (result == CUDA_SUCCESS) {
      std::vector<void *> params{&in, &out};
      for (size_t i = 0; i < objects.size(); ++i)
        if (referenceOf(i).empty())
          params.push_back(&objects[i].handle);
      result = api_.launchKernel(function, launch.grid.x, launch.grid.y, launch.grid.z,
                                 launch.block.x, launch.block.y, launch.block.z,
                                 launch.dynamicShared, nullptr, params.data(), nullptr);
      if (result == CUDA_SUCCESS)
        result = api_.ctxSynchronize();
      if (result == CUDA_SUCCESS) {
        outcome.launched = true;
        outcome.out.resize(launch.outSize);
        if (launch.outSize)
          result = api_.memcpyDtoH(outcome.out.data(), out, launch.outSize);
        for (size_t i = 0; i < objects.size() && result == CUDA_SUCCESS; ++i) {
          const Image &image = launch.objects[i].image;
          outcome.images.emplace_back(image.bytes());
          uint8_t *packed = outcome.images.back().data();
          result = image.levels ? copyLevels(image, objects[i], packed, false)
                                : copyImage(image, objects[i], packed, false);
        }
      }
    }
    if (result != CUDA_SUCCESS) {
      outcome.launched = false;
      fail(outcome, result, "launch: " + errorText(result));
      // A fault inside a kernel leaves the context unusable: start the next case on a fresh one.
      api_.primaryCtxReset(device_);
      context_ = nullptr;
      return;
    }
    destroyObjects(launch, objects);
    api_.memFree(in);
    api_.memFree(out);
  }

  void *library_ = nullptr;
  CudaApi api_;
  bool ready_ = false;
  bool cuportLibrary_ = false;
  int setupCode_ = 0;
  std::string setupError_;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
};

} // namespace

std::unique_ptr<Driver> makeCudaDriver() {
  return std::make_unique<CudaDriver>();
}

#else

namespace {

// Built where cuda.h was not installed: every case reports that it cannot be confirmed here.
class UnavailableCudaDriver : public Driver {
public:
  std::string describe() override { return "CUDA driver unavailable: built without cuda.h"; }
  Outcome run(const Launch &, const std::vector<std::string> &) override {
    Outcome outcome;
    outcome.error = kErrorNotSupported;
    outcome.message = "ptx_conformance was built without cuda.h: rebuild where it is installed";
    return outcome;
  }
};

} // namespace

std::unique_ptr<Driver> makeCudaDriver() {
  return std::make_unique<UnavailableCudaDriver>();
}

#endif

} // namespace cuport::conformance
