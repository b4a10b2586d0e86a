// What every runtime API source includes: NVIDIA's declarations (types and signatures only),
// made default-visibility so that our definitions of them are exported, plus the declarations
// of the __cuda* entry points that nvcc's generated host code calls, which NVIDIA's headers
// only declare while nvcc compiles.
#pragma once

#pragma GCC visibility push(default)
#include <cuda_runtime_api.h>

extern "C" {
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaUnregisterFatBinary(void **fatCubinHandle);
void __cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress,
                       const char *deviceName, int ext, size_t size, int constant, int global);
void __cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress, char *deviceAddress,
                              const char *deviceName, int ext, size_t size, int constant,
                              int global);
char __cudaInitModule(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bDim, dim3 *gDim, int *wSize);
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem,
                                     struct CUstream_st *stream);
cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem,
                                       void *stream);
cudaError_t __cudaGetKernel(cudaKernel_t *kernel, const void *hostFunction);
cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
                               size_t sharedMem, cudaStream_t stream);
cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
                                    size_t sharedMem, cudaStream_t stream);

// Per-thread-default-stream twins (nvcc --default-stream per-thread). Until streams other than
// the default one exist, they share its queue: one in-order queue gives every ordering either
// default stream promises.
cudaError_t cudaLaunchKernel_ptsz(const void *func, dim3 gridDim, dim3 blockDim, void **args,
                                  size_t sharedMem, cudaStream_t stream);
cudaError_t cudaMemcpy_ptds(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind);
cudaError_t cudaMemset_ptds(void *devPtr, int value, size_t count);
cudaError_t cudaMemcpyToSymbol_ptds(const void *symbol, const void *src, size_t count,
                                    size_t offset, enum cudaMemcpyKind kind);
cudaError_t cudaMemcpyFromSymbol_ptds(void *dst, const void *symbol, size_t count, size_t offset,
                                      enum cudaMemcpyKind kind);
cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream);
cudaError_t cudaLaunchKernelExC_ptsz(const cudaLaunchConfig_t *config, const void *func,
                                     void **args);
cudaError_t cudaLaunchCooperativeKernel_ptsz(const void *func, dim3 gridDim, dim3 blockDim,
                                             void **args, size_t sharedMem, cudaStream_t stream);
}
#pragma GCC visibility pop

#include "runtime/core/device.h"
#include "runtime/core/launch.h"
#include "runtime/core/trace.h"

#include <memory>

namespace cuport::cudart {

// The device, or the error every call returns when there is none.
inline cudaError_t device(cuport::core::Device *&out) {
  cudaError_t error = cuport::core::acquireDevice(out);
  if (error == cudaSuccess)
    out->noteRuntimeApiUse();
  return error;
}

// Whether a stream handle of value 0 means the legacy default stream or, in the _ptsz/_ptds entry
// points nvcc's --default-stream per-thread selects, the calling thread's default stream.
constexpr bool kLegacy = false;
constexpr bool kPerThread = true;

// Resolves `handle` on the device and runs `body(device, stream)`.
template <typename Body>
cudaError_t withStream(cudaStream_t handle, bool perThreadDefault, Body body) {
  cuport::core::Device *found = nullptr;
  if (cudaError_t error = device(found); error != cudaSuccess)
    return error;
  std::shared_ptr<cuport::core::Stream> stream;
  if (cudaError_t error = cuport::core::resolveStream(*found, handle, perThreadDefault, stream);
      error != cudaSuccess)
    return error;
  return body(*found, *stream);
}

} // namespace cuport::cudart
