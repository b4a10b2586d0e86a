// Surface references (deprecated driver API): cuModuleGetSurfRef, cuSurfRefSetArray, which
// rewrites the descriptor in the module's variable (module_reference.h), and cuSurfRefGetArray.
#include "runtime/driver/api.h"
#include "runtime/driver/array_handles.h"
#include "runtime/driver/context.h"
#include "runtime/driver/module_reference.h"

using namespace cuport;
using namespace cuport::driver;

extern "C" {

CUresult cuModuleGetSurfRef(CUsurfref *pSurfRef, CUmodule hmod, const char *name) {
  core::Device *device = nullptr;
  CUresult result = pSurfRef ? requireContext(device) : CUDA_ERROR_INVALID_VALUE;
  ModuleReference *reference = nullptr;
  if (result == CUDA_SUCCESS)
    result = findModuleReference(hmod, name, true, reference);
  if (result == CUDA_SUCCESS)
    *pSurfRef = reinterpret_cast<CUsurfref>(reference);
  return finishCall("cuModuleGetSurfRef", result, "hmod=%p name=%s -> %p",
                    static_cast<void *>(hmod), name ? name : "null",
                    static_cast<void *>(reference));
}

// The array must have been created with CUDA_ARRAY3D_SURFACE_LDST; Flags must be 0.
CUresult cuSurfRefSetArray(CUsurfref hSurfRef, CUarray hArray, unsigned int Flags) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  ModuleReference *reference = nullptr;
  if (result == CUDA_SUCCESS)
    result = referenceOf(hSurfRef, true, reference);
  if (result == CUDA_SUCCESS && (Flags != 0 || !core::isLiveArray(arrayOf(hArray))))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    std::lock_guard lock(reference->mutex);
    cudaResourceDesc resource{};
    resource.resType = cudaResourceTypeArray;
    resource.res.array.array = arrayOf(hArray);
    result = checkImage(*reference, resource);
    if (result == CUDA_SUCCESS) {
      reference->resource = resource;
      result = rebind(*reference);
    }
  }
  return finishCall("cuSurfRefSetArray", result, "hSurfRef=%p hArray=%p Flags=0x%x",
                    static_cast<void *>(hSurfRef), static_cast<void *>(hArray), Flags);
}

CUresult cuSurfRefGetArray(CUarray *phArray, CUsurfref hSurfRef) {
  core::Device *device = nullptr;
  CUresult result = phArray ? requireContext(device) : CUDA_ERROR_INVALID_VALUE;
  ModuleReference *reference = nullptr;
  if (result == CUDA_SUCCESS)
    result = referenceOf(hSurfRef, true, reference);
  if (result == CUDA_SUCCESS) {
    std::lock_guard lock(reference->mutex);
    if (!reference->resource.res.array.array)
      result = CUDA_ERROR_INVALID_VALUE; // never bound
    else
      *phArray = arrayHandle(reference->resource.res.array.array);
  }
  return finishCall("cuSurfRefGetArray", result, "hSurfRef=%p", static_cast<void *>(hSurfRef));
}

} // extern "C"
