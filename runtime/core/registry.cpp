#include "runtime/core/registry.h"

#include "runtime/core/device.h"
#include "support/log.h"

namespace cuport::core {

Registry &registry() {
  static Registry *instance = new Registry(); // never destroyed: unregistration runs at exit
  return *instance;
}

Module &Registry::addModule(const void *wrapper) {
  std::lock_guard<std::mutex> lock(mutex);
  auto module = std::make_unique<Module>(wrapper, ++modulesMade);
  Module &added = *module;
  modules.emplace(added.handle(), std::move(module));
  return added;
}

Module &Registry::addPtxModule(std::string ptx, uint32_t targetArch) {
  std::lock_guard<std::mutex> lock(mutex);
  auto module = std::make_unique<Module>(std::move(ptx), targetArch, ++modulesMade);
  Module &added = *module;
  modules.emplace(added.handle(), std::move(module));
  return added;
}

Module *Registry::findModule(void **handle) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = modules.find(handle);
  return found == modules.end() ? nullptr : found->second.get();
}

void Registry::removeModule(Module &module, Device *device) {
  if (device)
    module.unload(*device);
  std::lock_guard<std::mutex> lock(mutex);
  for (const auto &kernel : module.kernels()) {
    auto byHost = kernelsByHost.find(kernel->hostFunction());
    if (byHost != kernelsByHost.end() && byHost->second == kernel.get())
      kernelsByHost.erase(byHost);
    kernelsByHandle.erase(kernel.get());
  }
  for (const auto &variable : module.variables()) {
    auto byHost = variablesByHost.find(variable->hostVariable);
    if (byHost != variablesByHost.end() && byHost->second == variable.get())
      variablesByHost.erase(byHost);
  }
  modules.erase(module.handle());
}

bool Registry::addKernel(void **handle, const void *hostFunction, const char *deviceName) {
  Module *module = findModule(handle);
  if (!module) {
    CUPORT_ERROR("kernel %s registered against unknown fatbinary handle %p", deviceName,
                 static_cast<void *>(handle));
    return false;
  }
  Kernel &kernel = module->addKernel(hostFunction, deviceName);
  std::lock_guard<std::mutex> lock(mutex);
  kernelsByHost[hostFunction] = &kernel;
  kernelsByHandle[&kernel] = &kernel;
  return true;
}

bool Registry::addVariable(void **handle, const void *hostVariable, const char *deviceName,
                           size_t size, bool constant, void **managedHostPointer) {
  Module *module = findModule(handle);
  if (!module) {
    CUPORT_ERROR("variable %s registered against unknown fatbinary handle %p", deviceName,
                 static_cast<void *>(handle));
    return false;
  }
  Variable &variable =
      module->addVariable(hostVariable, deviceName, size, constant, managedHostPointer);
  std::lock_guard<std::mutex> lock(mutex);
  variablesByHost[hostVariable] = &variable;
  return true;
}

Kernel *Registry::findKernel(const void *hostFunction) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = kernelsByHost.find(hostFunction);
  return found == kernelsByHost.end() ? nullptr : found->second;
}

Kernel *Registry::findKernelHandle(const void *kernelHandle) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = kernelsByHandle.find(kernelHandle);
  return found == kernelsByHandle.end() ? nullptr : found->second;
}

Variable *Registry::findVariable(const void *hostVariable) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = variablesByHost.find(hostVariable);
  return found == variablesByHost.end() ? nullptr : found->second;
}

void Registry::unloadAllModules(Device &device) {
  std::vector<Module *> all;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto &[handle, module] : modules)
      all.push_back(module.get());
  }
  for (Module *module : all)
    module->unload(device);
}

} // namespace cuport::core
