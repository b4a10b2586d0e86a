// The entry points nvcc's generated host code calls at program start (registration) and at each
// kernel<<<...>>> (call configuration, __cudaGetKernel, __cudaLaunchKernel).
#include "runtime/cudart/api.h"

#include "runtime/core/call_configuration.h"
#include "runtime/core/error_state.h"
#include "runtime/core/launch.h"
#include "runtime/core/registry.h"
#include "runtime/cudart/kernel_lookup.h"
#include "support/log.h"

using namespace cuport;

extern "C" {

void **__cudaRegisterFatBinary(void *fatCubin) {
  core::traceCall("__cudaRegisterFatBinary", "fatCubin=%p", fatCubin);
  if (!fatCubin) {
    CUPORT_ERROR("__cudaRegisterFatBinary: null fatbinary wrapper");
    return nullptr;
  }
  // Only recorded here: parsing waits for the first use of the module (program start stays cheap).
  return core::registry().addModule(fatCubin).handle();
}

void __cudaRegisterFatBinaryEnd(void **fatCubinHandle) {
  core::traceCall("__cudaRegisterFatBinaryEnd", "handle=%p", static_cast<void *>(fatCubinHandle));
}

void __cudaUnregisterFatBinary(void **fatCubinHandle) {
  core::traceCall("__cudaUnregisterFatBinary", "handle=%p", static_cast<void *>(fatCubinHandle));
  core::Module *module = core::registry().findModule(fatCubinHandle);
  if (!module) {
    CUPORT_WARN("__cudaUnregisterFatBinary: unknown handle %p",
                static_cast<void *>(fatCubinHandle));
    return;
  }
  core::Device *device = core::existingDevice();
  if (device)
    (void)device->streams().synchronizeAll(); // its kernels may still be running
  core::registry().removeModule(*module, device);
}

void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *, uint3 *, dim3 *,
                            dim3 *, int *) {
  const char *name = deviceFun ? deviceFun : deviceName;
  core::traceCall("__cudaRegisterFunction", "handle=%p hostFun=%p name=%s thread_limit=%d",
                  static_cast<void *>(fatCubinHandle), static_cast<const void *>(hostFun),
                  name ? name : "(null)", thread_limit);
  if (!name || !hostFun) {
    CUPORT_ERROR("__cudaRegisterFunction: missing host function or device name");
    return;
  }
  core::registry().addKernel(fatCubinHandle, hostFun, name);
}

void __cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress,
                       const char *deviceName, int ext, size_t size, int constant, int global) {
  const char *name = deviceAddress ? deviceAddress : deviceName;
  core::traceCall("__cudaRegisterVar",
                  "handle=%p hostVar=%p name=%s ext=%d size=%zu constant=%d global=%d",
                  static_cast<void *>(fatCubinHandle), static_cast<void *>(hostVar),
                  name ? name : "(null)", ext, size, constant, global);
  if (!name || !hostVar) {
    CUPORT_ERROR("__cudaRegisterVar: missing host variable or device name");
    return;
  }
  core::registry().addVariable(fatCubinHandle, hostVar, name, size, constant != 0);
}

void __cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress, char *deviceAddress,
                              const char *deviceName, int ext, size_t size, int constant,
                              int global) {
  const char *name = deviceAddress ? deviceAddress : deviceName;
  core::traceCall("__cudaRegisterManagedVar",
                  "handle=%p hostVarPtrAddress=%p name=%s ext=%d size=%zu constant=%d global=%d",
                  static_cast<void *>(fatCubinHandle), static_cast<void *>(hostVarPtrAddress),
                  name ? name : "(null)", ext, size, constant, global);
  if (!name || !hostVarPtrAddress) {
    CUPORT_ERROR("__cudaRegisterManagedVar: missing host pointer or device name");
    return;
  }
  // Host code reaches the variable through *hostVarPtrAddress after __cudaInitModule, which
  // loads the module and so aims the pointer at the variable's storage (visible to host and
  // kernels alike here).
  core::registry().addVariable(fatCubinHandle, hostVarPtrAddress, name, size, constant != 0,
                               hostVarPtrAddress);
}

char __cudaInitModule(void **fatCubinHandle) {
  core::traceCall("__cudaInitModule", "handle=%p", static_cast<void *>(fatCubinHandle));
  core::Module *module = core::registry().findModule(fatCubinHandle);
  core::Device *device = nullptr;
  if (!module || cudart::device(device) != cudaSuccess)
    return 0;
  return module->load(*device) == cudaSuccess ? 1 : 0;
}

unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem,
                                     struct CUstream_st *stream) {
  core::traceCall("__cudaPushCallConfiguration",
                  "grid=(%u,%u,%u) block=(%u,%u,%u) sharedMem=%zu stream=%p", gridDim.x, gridDim.y,
                  gridDim.z, blockDim.x, blockDim.y, blockDim.z, sharedMem,
                  static_cast<void *>(stream));
  core::pushCallConfiguration({gridDim, blockDim, sharedMem, stream});
  return 0; // 0: go on with the launch
}

cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem,
                                       void *stream) {
  core::CallConfiguration configuration;
  cudaError_t result = cudaSuccess;
  if (!core::popCallConfiguration(configuration)) {
    result = cudaErrorMissingConfiguration;
  } else {
    if (gridDim)
      *gridDim = configuration.grid;
    if (blockDim)
      *blockDim = configuration.block;
    if (sharedMem)
      *sharedMem = configuration.sharedBytes;
    if (stream)
      *static_cast<cudaStream_t *>(stream) = configuration.stream;
  }
  return core::finishCall("__cudaPopCallConfiguration", result);
}

static cudaError_t getKernel(const char *entry, cudaKernel_t *kernel, const void *hostFunction) {
  cudaError_t result = cudaSuccess;
  core::Kernel *found = core::registry().findKernel(hostFunction);
  if (!kernel)
    result = cudaErrorInvalidValue;
  else if (!found)
    result = cudaErrorInvalidDeviceFunction;
  else
    *kernel = reinterpret_cast<cudaKernel_t>(found);
  return core::finishCall(entry, result, "hostFunction=%p", hostFunction);
}

cudaError_t __cudaGetKernel(cudaKernel_t *kernel, const void *hostFunction) {
  return getKernel("__cudaGetKernel", kernel, hostFunction);
}

cudaError_t cudaGetKernel(cudaKernel_t *kernelPtr, const void *entryFuncAddr) {
  return getKernel("cudaGetKernel", kernelPtr, entryFuncAddr);
}

static cudaError_t launch(const char *entry, core::Kernel *kernel, const void *what, dim3 grid,
                          dim3 block, void **args, size_t sharedMem, cudaStream_t stream,
                          bool perThreadDefault) {
  core::Device *device = nullptr;
  std::shared_ptr<core::Stream> queue;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess)
    result = core::resolveStream(*device, stream, perThreadDefault, queue);
  if (result == cudaSuccess)
    result = core::launchKernel(*device, kernel, grid, block, args, sharedMem, *queue);
  return core::finishCall(
      entry, result, "func=%p (%s) grid=(%u,%u,%u) block=(%u,%u,%u) sharedMem=%zu stream=%p", what,
      kernel ? kernel->deviceName().c_str() : "unregistered", grid.x, grid.y, grid.z, block.x,
      block.y, block.z, sharedMem, static_cast<void *>(stream));
}

cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
                               size_t sharedMem, cudaStream_t stream) {
  return launch("__cudaLaunchKernel", core::registry().findKernelHandle(kernel), kernel, gridDim,
                blockDim, args, sharedMem, stream, false);
}

cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
                                    size_t sharedMem, cudaStream_t stream) {
  return launch("__cudaLaunchKernel_ptsz", core::registry().findKernelHandle(kernel), kernel,
                gridDim, blockDim, args, sharedMem, stream, true);
}

cudaError_t cudaLaunchKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args,
                             size_t sharedMem, cudaStream_t stream) {
  return launch("cudaLaunchKernel", cudart::kernelForFunction(func), func, gridDim, blockDim, args,
                sharedMem, stream, false);
}

cudaError_t cudaLaunchKernel_ptsz(const void *func, dim3 gridDim, dim3 blockDim, void **args,
                                  size_t sharedMem, cudaStream_t stream) {
  return launch("cudaLaunchKernel_ptsz", cudart::kernelForFunction(func), func, gridDim, blockDim,
                args, sharedMem, stream, true);
}

} // extern "C"
