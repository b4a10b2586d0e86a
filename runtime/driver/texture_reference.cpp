// Texture references (deprecated driver API that programs built for it still use):
// cuModuleGetTexRef, the cuTexRefSet* calls that bind an image and set the sampling, and the
// cuTexRefGet* queries. Every Set rewrites the descriptor in the module's variable
// (module_reference.h), so that kernels launched afterwards sample the new binding.
#include "runtime/driver/api.h"
#include "runtime/driver/array_format.h"
#include "runtime/driver/array_handles.h"
#include "runtime/driver/context.h"
#include "runtime/driver/module_reference.h"

#include "runtime/core/texture_limits.h"
#include "support/log.h"

#include <cstdint>

using namespace cuport;
using namespace cuport::driver;

namespace {

constexpr unsigned kReferenceFlags = CU_TRSF_READ_AS_INTEGER | CU_TRSF_NORMALIZED_COORDINATES |
                                     CU_TRSF_SRGB | CU_TRSF_DISABLE_TRILINEAR_OPTIMIZATION |
                                     CU_TRSF_SEAMLESS_CUBEMAP;

// Runs `change(reference)` under the reference's lock, then rewrites its descriptor when the
// change succeeded.
template <typename Change> CUresult setting(CUtexref handle, Change change) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  ModuleReference *reference = nullptr;
  if (CUresult result = referenceOf(handle, false, reference); result != CUDA_SUCCESS)
    return result;
  std::lock_guard lock(reference->mutex);
  if (CUresult result = change(*reference); result != CUDA_SUCCESS)
    return result;
  return rebind(*reference);
}

// Runs `read(reference)` under the reference's lock.
template <typename Read> CUresult query(CUtexref handle, Read read) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  ModuleReference *reference = nullptr;
  if (CUresult result = referenceOf(handle, false, reference); result != CUDA_SUCCESS)
    return result;
  std::lock_guard lock(reference->mutex);
  return read(*reference);
}

// Binds `resource` once it is a valid image; the reference then samples it.
CUresult bindImage(ModuleReference &reference, const cudaResourceDesc &resource) {
  if (CUresult result = checkImage(reference, resource); result != CUDA_SUCCESS)
    return result;
  reference.resource = resource;
  return CUDA_SUCCESS;
}

// The format set by cuTexRefSetFormat, for linear and pitched bindings.
CUresult referenceFormat(const ModuleReference &reference, cudaChannelFormatDesc &format) {
  if (!toChannelFormat(reference.format, unsigned(reference.channels), format)) {
    CUPORT_ERROR("texture reference %s: bind linear memory after cuTexRefSetFormat",
                 reference.name.c_str());
    return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

CUresult arrayFormat(cudaArray_const_t array, CUarray_format &format, int &channels) {
  unsigned count = 0;
  if (!fromChannelFormat(array->format, format, count))
    return CUDA_ERROR_INVALID_VALUE;
  channels = int(count);
  return CUDA_SUCCESS;
}

bool validFilter(CUfilter_mode mode) {
  return mode == CU_TR_FILTER_MODE_POINT || mode == CU_TR_FILTER_MODE_LINEAR;
}

} // namespace

extern "C" {

CUresult cuModuleGetTexRef(CUtexref *pTexRef, CUmodule hmod, const char *name) {
  core::Device *device = nullptr;
  CUresult result = pTexRef ? requireContext(device) : CUDA_ERROR_INVALID_VALUE;
  ModuleReference *reference = nullptr;
  if (result == CUDA_SUCCESS)
    result = findModuleReference(hmod, name, false, reference);
  if (result == CUDA_SUCCESS)
    *pTexRef = reinterpret_cast<CUtexref>(reference);
  return finishCall("cuModuleGetTexRef", result, "hmod=%p name=%s -> %p", static_cast<void *>(hmod),
                    name ? name : "null", static_cast<void *>(reference));
}

CUresult cuTexRefSetArray(CUtexref hTexRef, CUarray hArray, unsigned int Flags) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    // The array's format always applies (CU_TRSA_OVERRIDE_FORMAT, the one flag).
    if ((Flags & ~unsigned{CU_TRSA_OVERRIDE_FORMAT}) || !core::isLiveArray(arrayOf(hArray)))
      return CUDA_ERROR_INVALID_VALUE;
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = arrayOf(hArray);
    if (CUresult result = bindImage(reference, resource); result != CUDA_SUCCESS)
      return result;
    return arrayFormat(arrayOf(hArray), reference.format, reference.channels);
  });
  return finishCall("cuTexRefSetArray", result, "hTexRef=%p hArray=%p Flags=0x%x",
                    static_cast<void *>(hTexRef), static_cast<void *>(hArray), Flags);
}

CUresult cuTexRefSetMipmappedArray(CUtexref hTexRef, CUmipmappedArray hMipmappedArray,
                                   unsigned int Flags) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    cudaMipmappedArray_t mipmapped = mipmappedArrayOf(hMipmappedArray);
    if ((Flags & ~unsigned{CU_TRSA_OVERRIDE_FORMAT}) || !core::isLiveMipmappedArray(mipmapped))
      return CUDA_ERROR_INVALID_VALUE;
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeMipmappedArray;
    resource.res.mipmap.mipmap = mipmapped;
    if (CUresult result = bindImage(reference, resource); result != CUDA_SUCCESS)
      return result;
    return arrayFormat(mipmapped->levels[0], reference.format, reference.channels);
  });
  return finishCall("cuTexRefSetMipmappedArray", result, "hTexRef=%p hMipmappedArray=%p",
                    static_cast<void *>(hTexRef), static_cast<void *>(hMipmappedArray));
}

CUresult cuTexRefSetAddress(size_t *ByteOffset, CUtexref hTexRef, CUdeviceptr dptr, size_t bytes) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeLinear;
    if (dptr == 0) { // unbinds
      reference.resource = resource;
      return CUDA_SUCCESS;
    }
    if (CUresult result = referenceFormat(reference, resource.res.linear.desc);
        result != CUDA_SUCCESS)
      return result;
    // The binding starts at the aligned address below dptr; fetches add the offset back.
    size_t offset = size_t(dptr % core::texture_limits::kTextureAlignment);
    resource.res.linear.devPtr = reinterpret_cast<void *>(dptr - offset);
    resource.res.linear.sizeInBytes = bytes + offset;
    if (CUresult result = bindImage(reference, resource); result != CUDA_SUCCESS)
      return result;
    if (ByteOffset)
      *ByteOffset = offset;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetAddress_v2", result, "hTexRef=%p dptr=0x%llx bytes=%zu",
                    static_cast<void *>(hTexRef), static_cast<unsigned long long>(dptr), bytes);
}

CUresult cuTexRefSetAddress2D(CUtexref hTexRef, const CUDA_ARRAY_DESCRIPTOR *desc, CUdeviceptr dptr,
                              size_t Pitch) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    if (!desc)
      return CUDA_ERROR_INVALID_VALUE;
    // The descriptor's format is the reference's from now on.
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypePitch2D;
    if (!toChannelFormat(desc->Format, desc->NumChannels, resource.res.pitch2D.desc))
      return CUDA_ERROR_INVALID_VALUE;
    resource.res.pitch2D.devPtr = reinterpret_cast<void *>(dptr);
    resource.res.pitch2D.width = desc->Width;
    resource.res.pitch2D.height = desc->Height;
    resource.res.pitch2D.pitchInBytes = Pitch;
    if (CUresult result = bindImage(reference, resource); result != CUDA_SUCCESS)
      return result;
    reference.format = desc->Format;
    reference.channels = int(desc->NumChannels);
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetAddress2D_v3", result, "hTexRef=%p dptr=0x%llx Pitch=%zu",
                    static_cast<void *>(hTexRef), static_cast<unsigned long long>(dptr), Pitch);
}

CUresult cuTexRefSetFormat(CUtexref hTexRef, CUarray_format fmt, int NumPackedComponents) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    cudaChannelFormatDesc format{};
    if (NumPackedComponents < 1 || !toChannelFormat(fmt, unsigned(NumPackedComponents), format))
      return CUDA_ERROR_INVALID_VALUE;
    reference.format = fmt;
    reference.channels = NumPackedComponents;
    // Linear memory is read in the new format; arrays keep theirs.
    if (reference.resource.resType == cudaResourceTypeLinear)
      reference.resource.res.linear.desc = format;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetFormat", result, "hTexRef=%p fmt=0x%x NumPackedComponents=%d",
                    static_cast<void *>(hTexRef), unsigned(fmt), NumPackedComponents);
}

CUresult cuTexRefSetAddressMode(CUtexref hTexRef, int dim, CUaddress_mode am) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    if (dim < 0 || dim > 2 || am < CU_TR_ADDRESS_MODE_WRAP || am > CU_TR_ADDRESS_MODE_BORDER)
      return CUDA_ERROR_INVALID_VALUE;
    reference.sampling.addressMode[dim] = am;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetAddressMode", result, "hTexRef=%p dim=%d am=%d",
                    static_cast<void *>(hTexRef), dim, int(am));
}

CUresult cuTexRefSetFilterMode(CUtexref hTexRef, CUfilter_mode fm) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    if (!validFilter(fm))
      return CUDA_ERROR_INVALID_VALUE;
    reference.sampling.filterMode = fm;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetFilterMode", result, "hTexRef=%p fm=%d",
                    static_cast<void *>(hTexRef), int(fm));
}

CUresult cuTexRefSetMipmapFilterMode(CUtexref hTexRef, CUfilter_mode fm) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    if (!validFilter(fm))
      return CUDA_ERROR_INVALID_VALUE;
    reference.sampling.mipmapFilterMode = fm;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetMipmapFilterMode", result, "hTexRef=%p fm=%d",
                    static_cast<void *>(hTexRef), int(fm));
}

CUresult cuTexRefSetMipmapLevelBias(CUtexref hTexRef, float bias) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    reference.sampling.mipmapLevelBias = bias;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetMipmapLevelBias", result, "hTexRef=%p bias=%f",
                    static_cast<void *>(hTexRef), double(bias));
}

CUresult cuTexRefSetMipmapLevelClamp(CUtexref hTexRef, float minMipmapLevelClamp,
                                     float maxMipmapLevelClamp) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    reference.sampling.minMipmapLevelClamp = minMipmapLevelClamp;
    reference.sampling.maxMipmapLevelClamp = maxMipmapLevelClamp;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetMipmapLevelClamp", result, "hTexRef=%p min=%f max=%f",
                    static_cast<void *>(hTexRef), double(minMipmapLevelClamp),
                    double(maxMipmapLevelClamp));
}

CUresult cuTexRefSetMaxAnisotropy(CUtexref hTexRef, unsigned int maxAniso) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    reference.sampling.maxAnisotropy = maxAniso;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetMaxAnisotropy", result, "hTexRef=%p maxAniso=%u",
                    static_cast<void *>(hTexRef), maxAniso);
}

CUresult cuTexRefSetBorderColor(CUtexref hTexRef, float *pBorderColor) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    if (!pBorderColor)
      return CUDA_ERROR_INVALID_VALUE;
    for (int i = 0; i < 4; ++i)
      reference.sampling.borderColor[i] = pBorderColor[i];
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetBorderColor", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefSetFlags(CUtexref hTexRef, unsigned int Flags) {
  CUresult result = setting(hTexRef, [&](ModuleReference &reference) {
    if (Flags & ~kReferenceFlags)
      return CUDA_ERROR_INVALID_VALUE;
    reference.sampling.flags = Flags;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefSetFlags", result, "hTexRef=%p Flags=0x%x",
                    static_cast<void *>(hTexRef), Flags);
}

CUresult cuTexRefGetAddress(CUdeviceptr *pdptr, CUtexref hTexRef) {
  CUresult result = !pdptr ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    // Only a binding to linear or pitched memory has an address.
    if (r.resource.resType == cudaResourceTypeLinear && r.resource.res.linear.devPtr)
      *pdptr = reinterpret_cast<CUdeviceptr>(r.resource.res.linear.devPtr);
    else if (r.resource.resType == cudaResourceTypePitch2D && r.resource.res.pitch2D.devPtr)
      *pdptr = reinterpret_cast<CUdeviceptr>(r.resource.res.pitch2D.devPtr);
    else
      return CUDA_ERROR_INVALID_VALUE;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetAddress_v2", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetArray(CUarray *phArray, CUtexref hTexRef) {
  CUresult result = !phArray ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    if (r.resource.resType != cudaResourceTypeArray || !r.resource.res.array.array)
      return CUDA_ERROR_INVALID_VALUE;
    *phArray = arrayHandle(r.resource.res.array.array);
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetArray", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetMipmappedArray(CUmipmappedArray *phMipmappedArray, CUtexref hTexRef) {
  CUresult result =
      !phMipmappedArray ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
        if (r.resource.resType != cudaResourceTypeMipmappedArray || !r.resource.res.mipmap.mipmap)
          return CUDA_ERROR_INVALID_VALUE;
        *phMipmappedArray = mipmappedArrayHandle(r.resource.res.mipmap.mipmap);
        return CUDA_SUCCESS;
      });
  return finishCall("cuTexRefGetMipmappedArray", result, "hTexRef=%p",
                    static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetAddressMode(CUaddress_mode *pam, CUtexref hTexRef, int dim) {
  CUresult result = !pam || dim < 0 || dim > 2 ? CUDA_ERROR_INVALID_VALUE
                                               : query(hTexRef, [&](ModuleReference &r) {
                                                   *pam = r.sampling.addressMode[dim];
                                                   return CUDA_SUCCESS;
                                                 });
  return finishCall("cuTexRefGetAddressMode", result, "hTexRef=%p dim=%d",
                    static_cast<void *>(hTexRef), dim);
}

CUresult cuTexRefGetFilterMode(CUfilter_mode *pfm, CUtexref hTexRef) {
  CUresult result = !pfm ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    *pfm = r.sampling.filterMode;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetFilterMode", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetFormat(CUarray_format *pFormat, int *pNumChannels, CUtexref hTexRef) {
  // Either output may be null, as CUDA allows.
  CUresult result = query(hTexRef, [&](ModuleReference &r) {
    if (pFormat)
      *pFormat = r.format;
    if (pNumChannels)
      *pNumChannels = r.channels;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetFormat", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetMipmapFilterMode(CUfilter_mode *pfm, CUtexref hTexRef) {
  CUresult result = !pfm ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    *pfm = r.sampling.mipmapFilterMode;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetMipmapFilterMode", result, "hTexRef=%p",
                    static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetMipmapLevelBias(float *pbias, CUtexref hTexRef) {
  CUresult result = !pbias ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    *pbias = r.sampling.mipmapLevelBias;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetMipmapLevelBias", result, "hTexRef=%p",
                    static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetMipmapLevelClamp(float *pminMipmapLevelClamp, float *pmaxMipmapLevelClamp,
                                     CUtexref hTexRef) {
  CUresult result = !pminMipmapLevelClamp || !pmaxMipmapLevelClamp
                        ? CUDA_ERROR_INVALID_VALUE
                        : query(hTexRef, [&](ModuleReference &r) {
                            *pminMipmapLevelClamp = r.sampling.minMipmapLevelClamp;
                            *pmaxMipmapLevelClamp = r.sampling.maxMipmapLevelClamp;
                            return CUDA_SUCCESS;
                          });
  return finishCall("cuTexRefGetMipmapLevelClamp", result, "hTexRef=%p",
                    static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetMaxAnisotropy(int *pmaxAniso, CUtexref hTexRef) {
  CUresult result = !pmaxAniso ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    *pmaxAniso = int(r.sampling.maxAnisotropy);
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetMaxAnisotropy", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetBorderColor(float *pBorderColor, CUtexref hTexRef) {
  CUresult result =
      !pBorderColor ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
        for (int i = 0; i < 4; ++i)
          pBorderColor[i] = r.sampling.borderColor[i];
        return CUDA_SUCCESS;
      });
  return finishCall("cuTexRefGetBorderColor", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

CUresult cuTexRefGetFlags(unsigned int *pFlags, CUtexref hTexRef) {
  CUresult result = !pFlags ? CUDA_ERROR_INVALID_VALUE : query(hTexRef, [&](ModuleReference &r) {
    *pFlags = r.sampling.flags;
    return CUDA_SUCCESS;
  });
  return finishCall("cuTexRefGetFlags", result, "hTexRef=%p", static_cast<void *>(hTexRef));
}

} // extern "C"
