// What a function (CUfunction, a kernel of a loaded module) answers and accepts: attributes, cache
// and shared-memory preferences, name, module, parameter layout, loading state.
#include "runtime/driver/context.h"
#include "runtime/driver/driver_module.h"

#include "runtime/core/kernel_attributes.h"
#include "support/log.h"

#include <algorithm>
#include <climits>

using namespace cuport;
using namespace cuport::driver;

namespace {

// The function, resolved (its module compiled and loaded), for the attribute calls.
CUresult resolvedFunction(CUfunction f, core::Device *&device, core::Kernel *&kernel,
                          core::ResolvedKernel &resolved) {
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (CUresult result = functionOf(f, kernel); result != CUDA_SUCCESS)
    return result;
  return fromRuntime(kernel->resolve(*device, resolved));
}

CUresult functionAttribute(const cudaFuncAttributes &attributes, CUfunction_attribute attrib,
                           int &value) {
  switch (attrib) {
  case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
    value = attributes.maxThreadsPerBlock;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES:
    value = static_cast<int>(std::min<size_t>(attributes.sharedSizeBytes, INT_MAX));
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES:
    value = static_cast<int>(std::min<size_t>(attributes.constSizeBytes, INT_MAX));
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES:
    value = static_cast<int>(std::min<size_t>(attributes.localSizeBytes, INT_MAX));
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_NUM_REGS:
    value = attributes.numRegs;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_PTX_VERSION:
    value = attributes.ptxVersion;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_BINARY_VERSION:
    value = attributes.binaryVersion;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_CACHE_MODE_CA:
    value = attributes.cacheModeCA;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES:
    value = attributes.maxDynamicSharedSizeBytes;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT:
    value = attributes.preferredShmemCarveout;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_CLUSTER_SIZE_MUST_BE_SET:
    value = attributes.clusterDimMustBeSet;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH:
    value = attributes.requiredClusterWidth;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_HEIGHT:
    value = attributes.requiredClusterHeight;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_DEPTH:
    value = attributes.requiredClusterDepth;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED:
    value = attributes.nonPortableClusterSizeAllowed;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
    value = attributes.clusterSchedulingPolicyPreference;
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

} // namespace

extern "C" {

CUresult cuFuncGetAttribute(int *pi, CUfunction_attribute attrib, CUfunction hfunc) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  CUresult result = resolvedFunction(hfunc, device, kernel, resolved);
  if (result == CUDA_SUCCESS && !pi)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    cudaFuncAttributes attributes;
    core::kernelAttributes(*device, *kernel, resolved, attributes);
    result = functionAttribute(attributes, attrib, *pi);
  }
  return finishCall("cuFuncGetAttribute", result, "attrib=%d hfunc=%p -> %d",
                    static_cast<int>(attrib), static_cast<void *>(hfunc),
                    result == CUDA_SUCCESS ? *pi : 0);
}

CUresult cuFuncSetAttribute(CUfunction hfunc, CUfunction_attribute attrib, int value) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  CUresult result = resolvedFunction(hfunc, device, kernel, resolved);
  // The settable attributes have the same numbers as cudaFuncAttribute's.
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::setKernelAttribute(*device, *kernel, resolved,
                                                  static_cast<cudaFuncAttribute>(attrib), value));
  return finishCall("cuFuncSetAttribute", result, "hfunc=%p attrib=%d value=%d",
                    static_cast<void *>(hfunc), static_cast<int>(attrib), value);
}

CUresult cuFuncSetCacheConfig(CUfunction hfunc, CUfunc_cache config) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS)
    result = functionOf(hfunc, kernel);
  // A preference for the L1/shared split, which this device does not have: validated and kept.
  if (result == CUDA_SUCCESS &&
      (config < CU_FUNC_CACHE_PREFER_NONE || config > CU_FUNC_CACHE_PREFER_EQUAL))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    kernel->cacheConfig.store(config);
  return finishCall("cuFuncSetCacheConfig", result, "hfunc=%p config=%d",
                    static_cast<void *>(hfunc), static_cast<int>(config));
}

CUresult cuFuncGetName(const char **name, CUfunction hfunc) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS && !name)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = functionOf(hfunc, kernel);
  if (result == CUDA_SUCCESS)
    *name = kernel->deviceName().c_str();
  return finishCall("cuFuncGetName", result, "hfunc=%p -> %s", static_cast<void *>(hfunc),
                    result == CUDA_SUCCESS ? *name : "");
}

// cuFuncGetModule is the one call on a function that needs no current context.
CUresult cuFuncGetModule(CUmodule *hmod, CUfunction hfunc) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS && !hmod)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = functionOf(hfunc, kernel);
  if (result == CUDA_SUCCESS)
    *hmod = reinterpret_cast<CUmodule>(&kernel->module());
  return finishCall("cuFuncGetModule", result, "hfunc=%p", static_cast<void *>(hfunc));
}

CUresult cuFuncGetParamInfo(CUfunction func, size_t paramIndex, size_t *paramOffset,
                            size_t *paramSize) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  CUresult result = resolvedFunction(func, device, kernel, resolved);
  if (result == CUDA_SUCCESS && paramIndex >= resolved.info->params.size()) {
    CUPORT_ERROR("kernel %s has %zu parameters; index %zu asked", kernel->deviceName().c_str(),
                 resolved.info->params.size(), paramIndex);
    result = CUDA_ERROR_INVALID_VALUE;
  }
  if (result == CUDA_SUCCESS) {
    if (paramOffset)
      *paramOffset = resolved.info->params[paramIndex].offset;
    if (paramSize)
      *paramSize = resolved.info->params[paramIndex].size;
  }
  return finishCall("cuFuncGetParamInfo", result, "func=%p index=%zu", static_cast<void *>(func),
                    paramIndex);
}

// Modules compile when they load (there is no lazy loading here): every function is loaded.
CUresult cuFuncIsLoaded(CUfunctionLoadingState *state, CUfunction function) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS && !state)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = functionOf(function, kernel);
  if (result == CUDA_SUCCESS)
    *state = CU_FUNCTION_LOADING_STATE_LOADED;
  return finishCall("cuFuncIsLoaded", result, "function=%p", static_cast<void *>(function));
}

CUresult cuFuncLoad(CUfunction function) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  CUresult result = resolvedFunction(function, device, kernel, resolved);
  return finishCall("cuFuncLoad", result, "function=%p", static_cast<void *>(function));
}

// The shared-memory bank size is a GPU hardware choice: validated and kept, as the runtime's
// cudaFuncSetSharedMemConfig does.
CUresult cuFuncSetSharedMemConfig(CUfunction hfunc, CUsharedconfig config) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS)
    result = functionOf(hfunc, kernel);
  if (result == CUDA_SUCCESS && (config < CU_SHARED_MEM_CONFIG_DEFAULT_BANK_SIZE ||
                                 config > CU_SHARED_MEM_CONFIG_EIGHT_BYTE_BANK_SIZE))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    kernel->sharedMemConfig.store(config);
  return finishCall("cuFuncSetSharedMemConfig", result, "hfunc=%p config=%d",
                    static_cast<void *>(hfunc), static_cast<int>(config));
}

} // extern "C"
