// Kernel launches: cuLaunchKernel with kernelParams or `extra`, cuLaunchKernelEx,
// cuLaunchCooperativeKernel. Launches are validated and queued by runtime/core as the runtime
// API's are, so both APIs report the same errors for the same launch.
#include "runtime/driver/context.h"
#include "runtime/driver/driver_module.h"

#include "runtime/core/launch.h"
#include "runtime/core/launch_attributes.h"
#include "support/log.h"

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

} // extern "C"
