// Kernel launches (cuLaunchKernel with kernelParams or `extra`, cuLaunchKernelEx,
// cuLaunchCooperativeKernel) and what a function answers and accepts: attributes, cache
// preference, name, occupancy. Launches are validated and queued by runtime/core as the runtime
// API's are, so both APIs report the same errors for the same launch.
#include "runtime/driver/context.h"
#include "runtime/driver/driver_module.h"

#include "runtime/core/kernel_attributes.h"
#include "runtime/core/launch.h"
#include "runtime/core/launch_attributes.h"
#include "runtime/core/occupancy.h"
#include "support/log.h"

#include <climits>

using namespace cuport;
using namespace cuport::driver;

namespace {

// CUlaunchAttribute is the runtime's cudaLaunchAttribute under another name.
static_assert(sizeof(CUlaunchAttribute) == sizeof(cudaLaunchAttribute));
static_assert(static_cast<int>(CU_LAUNCH_ATTRIBUTE_COOPERATIVE) ==
              static_cast<int>(cudaLaunchAttributeCooperative));
static_assert(static_cast<int>(CU_LAUNCH_ATTRIBUTE_PRIORITY) ==
              static_cast<int>(cudaLaunchAttributePriority));

CUresult launch(CUfunction f, dim3 grid, dim3 block, unsigned sharedMemBytes, CUstream hStream,
                bool perThreadDefault, void **kernelParams, void **extra,
                const core::LaunchOptions &options) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  core::Kernel *kernel = nullptr;
  if (CUresult result = functionOf(f, kernel); result != CUDA_SUCCESS)
    return result;
  if (kernelParams && extra) {
    CUPORT_ERROR("cuLaunchKernel: both kernelParams and extra are given");
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error = core::resolveStream(*device, hStream, perThreadDefault, stream);
      error != cudaSuccess)
    return fromRuntime(error);
  return fromRuntime(core::launchKernel(*device, kernel, grid, block, kernelParams, sharedMemBytes,
                                        *stream, options, extra));
}

CUresult launchKernel(const char *entry, CUfunction f, unsigned gridDimX, unsigned gridDimY,
                      unsigned gridDimZ, unsigned blockDimX, unsigned blockDimY, unsigned blockDimZ,
                      unsigned sharedMemBytes, CUstream hStream, void **kernelParams, void **extra,
                      bool perThreadDefault) {
  CUresult result =
      launch(f, dim3(gridDimX, gridDimY, gridDimZ), dim3(blockDimX, blockDimY, blockDimZ),
             sharedMemBytes, hStream, perThreadDefault, kernelParams, extra, {});
  return finishCall(entry, result, "f=%p grid=(%u,%u,%u) block=(%u,%u,%u) shared=%u stream=%p",
                    static_cast<void *>(f), gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
                    blockDimZ, sharedMemBytes, static_cast<void *>(hStream));
}

CUresult launchKernelEx(const char *entry, const CUlaunchConfig *config, CUfunction f,
                        void **kernelParams, void **extra, bool perThreadDefault) {
  if (!config)
    return finishCall(entry, CUDA_ERROR_INVALID_VALUE, "config=null f=%p", static_cast<void *>(f));
  core::LaunchOptions options;
  CUresult result = fromRuntime(core::readLaunchAttributes(
      entry, reinterpret_cast<const cudaLaunchAttribute *>(config->attrs), config->numAttrs,
      options));
  if (result == CUDA_SUCCESS)
    result = launch(f, dim3(config->gridDimX, config->gridDimY, config->gridDimZ),
                    dim3(config->blockDimX, config->blockDimY, config->blockDimZ),
                    config->sharedMemBytes, config->hStream, perThreadDefault, kernelParams, extra,
                    options);
  return finishCall(entry, result,
                    "f=%p grid=(%u,%u,%u) block=(%u,%u,%u) shared=%u stream=%p attrs=%u",
                    static_cast<void *>(f), config->gridDimX, config->gridDimY, config->gridDimZ,
                    config->blockDimX, config->blockDimY, config->blockDimZ, config->sharedMemBytes,
                    static_cast<void *>(config->hStream), config->numAttrs);
}

CUresult launchCooperative(const char *entry, CUfunction f, unsigned gridDimX, unsigned gridDimY,
                           unsigned gridDimZ, unsigned blockDimX, unsigned blockDimY,
                           unsigned blockDimZ, unsigned sharedMemBytes, CUstream hStream,
                           void **kernelParams, bool perThreadDefault) {
  core::LaunchOptions options;
  options.cooperative = true;
  CUresult result =
      launch(f, dim3(gridDimX, gridDimY, gridDimZ), dim3(blockDimX, blockDimY, blockDimZ),
             sharedMemBytes, hStream, perThreadDefault, kernelParams, nullptr, options);
  return finishCall(entry, result, "f=%p grid=(%u,%u,%u) block=(%u,%u,%u) shared=%u stream=%p",
                    static_cast<void *>(f), gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
                    blockDimZ, sharedMemBytes, static_cast<void *>(hStream));
}

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

CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                        unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                        unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
                        void **kernelParams, void **extra) {
  return launchKernel("cuLaunchKernel", f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
                      blockDimZ, sharedMemBytes, hStream, kernelParams, extra, false);
}

CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                             unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                             unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
                             void **kernelParams, void **extra) {
  return launchKernel("cuLaunchKernel_ptsz", f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
                      blockDimZ, sharedMemBytes, hStream, kernelParams, extra, true);
}

CUresult cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **kernelParams,
                          void **extra) {
  return launchKernelEx("cuLaunchKernelEx", config, f, kernelParams, extra, false);
}

CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *config, CUfunction f, void **kernelParams,
                               void **extra) {
  return launchKernelEx("cuLaunchKernelEx_ptsz", config, f, kernelParams, extra, true);
}

CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                   unsigned int gridDimZ, unsigned int blockDimX,
                                   unsigned int blockDimY, unsigned int blockDimZ,
                                   unsigned int sharedMemBytes, CUstream hStream,
                                   void **kernelParams) {
  return launchCooperative("cuLaunchCooperativeKernel", f, gridDimX, gridDimY, gridDimZ, blockDimX,
                           blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, false);
}

CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                        unsigned int gridDimZ, unsigned int blockDimX,
                                        unsigned int blockDimY, unsigned int blockDimZ,
                                        unsigned int sharedMemBytes, CUstream hStream,
                                        void **kernelParams) {
  return launchCooperative("cuLaunchCooperativeKernel_ptsz", f, gridDimX, gridDimY, gridDimZ,
                           blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams,
                           true);
}

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

CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, CUfunction func, int blockSize,
                                                     size_t dynamicSMemSize) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS && !numBlocks)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = functionOf(func, kernel);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::maxActiveBlocksPerMultiprocessor(*device, *kernel, blockSize,
                                                                dynamicSMemSize, *numBlocks));
  return finishCall("cuOccupancyMaxActiveBlocksPerMultiprocessor", result,
                    "func=%p blockSize=%d dynamicSMem=%zu -> %d", static_cast<void *>(func),
                    blockSize, dynamicSMemSize, result == CUDA_SUCCESS ? *numBlocks : 0);
}

} // extern "C"
