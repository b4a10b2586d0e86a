// A fatbinary a program registered with __cudaRegisterFatBinary, with the kernels and variables
// registered against it. Registration only records pointers; the fatbinary is parsed, compiled
// and handed to the backend lazily, at the first use of one of its kernels or variables, so that
// program start stays cheap. A module can also be made from PTX text (the driver API's
// cuModuleLoadData): it keeps the text, so that it compiles again after a device reset, and its
// kernels are added by name as the program asks for them.
#pragma once

#include "backends/backend.h"
#include "compiler/lower/lower.h"
#include "runtime/core/kernel.h"
#include "runtime/core/variable.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class Device;

class Module {
public:
  Module(const void *wrapper, unsigned index);
  // A module of PTX text whose .target may be at most `targetArch` (the JIT target).
  Module(std::string ptx, uint32_t targetArch, unsigned index);

  // The handle __cudaRegisterFatBinary returns: it points at the wrapper's address, as NVIDIA's
  // does, so that code which dereferences it finds something sensible.
  void **handle() { return &wrapperSlot; }
  const void *wrapper() const { return wrapperSlot; }
  const std::string &name() const { return moduleName; }

  Kernel &addKernel(const void *hostFunction, std::string deviceName);
  Variable &addVariable(const void *hostVariable, std::string deviceName, size_t size,
                        bool constant, void **managedHostPointer = nullptr);
  const std::vector<std::unique_ptr<Kernel>> &kernels() const { return kernelList; }
  // After a successful load: the module's kernel of that PTX name, added at the first request;
  // nullptr when the module has no such kernel.
  Kernel *kernelNamed(const std::string &deviceName);
  // After a successful load: the PTX names of the module's kernels, in the module's order.
  std::vector<std::string> kernelNames();
  // The diagnostics of the last load that failed (one per line), empty after a success.
  std::string loadDiagnostics();
  const std::vector<std::unique_ptr<Variable>> &variables() const { return variableList; }

  // Compiles and loads the module at first call in each device generation; the outcome (success
  // or the error) is kept until cudaDeviceReset, so a broken module is diagnosed once.
  cudaError_t load(Device &device);
  // Releases the backend module and forgets the outcome (cudaDeviceReset, unregistration).
  void unload(Device &device);

  // After a successful load: the kernel's layout, or nullptr when the module has no such kernel.
  const lower::KernelInfo *findKernel(const std::string &name) const;
  cuport_backend_module *backendModule() const { return loaded; }
  // After a successful load: the virtual architecture of the module's PTX (75 for compute_75).
  uint32_t ptxArch() const { return ptxArchNumber; }
  uint64_t constantBytes() const { return constantByteCount; }
  // Whether the module's kernels call malloc/free or printf (which fix the device's heap and
  // printf FIFO sizes once such a kernel launches).
  bool usesDeviceHeap() const { return deviceHeapUser; }
  bool usesPrintf() const { return printfUser; }
  // After a successful load: whether the module-scope variable `name` is a reference of `kind`
  // (ptx::ScalarType::TexRef, SurfRef or SamplerRef).
  bool isReference(const std::string &name, ptx::ScalarType kind);

private:
  cudaError_t loadLocked(Device &device);
  void unloadLocked(Device &device);

  void *wrapperSlot; // first member: handle() points here
  std::string moduleName;
  bool fromPtx = false;   // made from PTX text rather than a registered fatbinary
  std::string ptxText;    // a PTX module's source
  uint32_t jitTarget = 0; // a PTX module's JIT target
  std::vector<std::unique_ptr<Kernel>> kernelList;
  std::vector<std::unique_ptr<Variable>> variableList;

  std::mutex mutex;
  uint64_t loadGeneration = UINT64_MAX; // the generation `loadResult` belongs to
  cudaError_t loadResult = cudaSuccess;
  std::string loadLog;
  cuport_backend_module *loaded = nullptr;
  std::vector<lower::KernelInfo> kernelInfos;
  std::vector<lower::GlobalInfo> globalInfos;
  uint32_t ptxArchNumber = 0;
  uint64_t constantByteCount = 0;
  bool deviceHeapUser = false;
  bool printfUser = false;
  std::vector<void *> globalRanges; // registered in the allocation registry
};

} // namespace cuport::core
