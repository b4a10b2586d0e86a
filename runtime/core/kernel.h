// A __global__ function a program registered: its host stub's address, the module holding it and
// its PTX name. Resolving it (after the module loads) gives the backend kernel and the parameter
// layout that turns cudaLaunchKernel's `void **args` into a PTX .param buffer.
#pragma once

#include "backends/backend.h"
#include "compiler/lower/lower.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class Device;
class Module;

struct ResolvedKernel {
  const lower::KernelInfo *info = nullptr;
  cuport_backend_kernel *handle = nullptr;
  cuport_kernel_attributes attributes{};
};

class Kernel {
public:
  Kernel(Module &module, const void *hostFunction, std::string deviceName)
      : owner(module), host(hostFunction), name(std::move(deviceName)) {}

  Module &module() const { return owner; }
  const void *hostFunction() const { return host; }
  const std::string &deviceName() const { return name; }

  // Loads the module if needed and looks the kernel up in it. cudaErrorInvalidDeviceFunction when
  // the module has no kernel of this name.
  cudaError_t resolve(Device &device, ResolvedKernel &out);

  // What cudaFuncSetAttribute / cudaFuncSetCacheConfig / cudaFuncSetSharedMemConfig set.
  // maxDynamicSharedBytes is -1 until set: then the default (48 KiB less static shared memory)
  // applies, as CUDA requires an opt-in for more.
  std::atomic<int> maxDynamicSharedBytes{-1};
  std::atomic<int> preferredSharedCarveout{-1};
  std::atomic<int> requiredClusterDim[3] = {0, 0, 0};
  std::atomic<int> nonPortableClusterSizeAllowed{0};
  std::atomic<int> clusterSchedulingPolicy{0};
  std::atomic<int> cacheConfig{0};     // cudaFuncCache
  std::atomic<int> sharedMemConfig{0}; // cudaSharedMemConfig

private:
  Module &owner;
  const void *host;
  std::string name;

  std::mutex mutex;
  uint64_t resolvedGeneration = UINT64_MAX;
  ResolvedKernel resolved;
};

// Dynamic shared memory a kernel may be launched with without cudaFuncSetAttribute's opt-in.
inline constexpr uint64_t kDefaultDynamicSharedLimit = 48 * 1024;

// The most dynamic shared memory `kernel` may be launched with now: its opt-in
// (cudaFuncAttributeMaxDynamicSharedMemorySize) or 48 KiB less its static shared memory.
uint64_t dynamicSharedLimit(const Kernel &kernel, uint64_t staticSharedBytes);

// The most threads per block `resolved` may launch with: the device's and the backend's limit,
// lowered by the kernel's .reqntid / .maxntid (__launch_bounds__), as ptxas lowers it.
uint32_t maxThreadsPerBlock(const cuport_device_info &info, const ResolvedKernel &resolved);

// Static shared memory of a resolved kernel: the backend's count, or the PTX's when larger.
uint64_t staticSharedBytes(const ResolvedKernel &resolved);

// Lays out the kernel's parameters as PTX .param space: args[i] points at parameter i, copied to
// its offset. cudaErrorInvalidValue when `args` is null but the kernel takes parameters.
cudaError_t buildParameterBuffer(const lower::KernelInfo &info, void **args,
                                 std::vector<uint8_t> &buffer);

} // namespace cuport::core
