// What the program registered through __cudaRegisterFatBinary / __cudaRegisterFunction /
// __cudaRegisterVar: modules by handle, kernels by host stub address, variables by host shadow
// address.
#pragma once

#include "runtime/core/module.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cuport::core {

class Device;

class Registry {
public:
  Module &addModule(const void *wrapper);
  // A module of PTX text (the driver API's cuModuleLoadData), compiled for at most `targetArch`.
  Module &addPtxModule(std::string ptx, uint32_t targetArch);
  // nullptr when `handle` is not a live module handle.
  Module *findModule(void **handle);
  // Forgets the module and everything registered against it, unloading it first.
  void removeModule(Module &module, Device *device);

  // False (and logged) when the module handle is unknown.
  bool addKernel(void **handle, const void *hostFunction, const char *deviceName);
  // `managedHostPointer`: for a __managed__ variable, the host pointer to aim at its storage.
  bool addVariable(void **handle, const void *hostVariable, const char *deviceName, size_t size,
                   bool constant, void **managedHostPointer = nullptr);

  Kernel *findKernel(const void *hostFunction);
  // Also accepts a handle returned for a kernel (cudaKernel_t is our Kernel *).
  Kernel *findKernelHandle(const void *kernelHandle);
  Variable *findVariable(const void *hostVariable);

  void unloadAllModules(Device &device);

private:
  std::mutex mutex;
  unsigned modulesMade = 0;
  std::map<void **, std::unique_ptr<Module>> modules;
  std::map<const void *, Kernel *> kernelsByHost;
  std::map<const void *, Kernel *> kernelsByHandle;
  std::map<const void *, Variable *> variablesByHost;
};

Registry &registry();

} // namespace cuport::core
