#include "runtime/core/module.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/module_compiler.h"
#include "support/log.h"

namespace cuport::core {

Module::Module(const void *wrapper, unsigned index)
    : wrapperSlot(const_cast<void *>(wrapper)), moduleName("module-" + std::to_string(index)) {}

Module::Module(std::string ptx, uint32_t targetArch, unsigned index)
    : wrapperSlot(nullptr), moduleName("module-" + std::to_string(index)), fromPtx(true),
      ptxText(std::move(ptx)), jitTarget(targetArch) {}

Kernel *Module::kernelNamed(const std::string &deviceName) {
  std::lock_guard<std::mutex> lock(mutex);
  for (const std::unique_ptr<Kernel> &kernel : kernelList)
    if (kernel->deviceName() == deviceName)
      return kernel.get();
  if (!loaded || !findKernel(deviceName))
    return nullptr;
  kernelList.push_back(std::make_unique<Kernel>(*this, nullptr, deviceName));
  return kernelList.back().get();
}

std::vector<std::string> Module::kernelNames() {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::string> names;
  for (const lower::KernelInfo &info : kernelInfos)
    names.push_back(info.name);
  return names;
}

bool Module::isReference(const std::string &name, ptx::ScalarType kind) {
  std::lock_guard<std::mutex> lock(mutex);
  for (const lower::GlobalInfo &global : globalInfos)
    if (global.name == name)
      return global.type == kind;
  return false;
}

std::string Module::loadDiagnostics() {
  std::lock_guard<std::mutex> lock(mutex);
  return loadLog;
}

Kernel &Module::addKernel(const void *hostFunction, std::string deviceName) {
  std::lock_guard<std::mutex> lock(mutex);
  kernelList.push_back(std::make_unique<Kernel>(*this, hostFunction, std::move(deviceName)));
  return *kernelList.back();
}

Variable &Module::addVariable(const void *hostVariable, std::string deviceName, size_t size,
                              bool constant, void **managedHostPointer) {
  std::lock_guard<std::mutex> lock(mutex);
  auto variable = std::make_unique<Variable>();
  variable->module = this;
  variable->hostVariable = hostVariable;
  variable->deviceName = std::move(deviceName);
  variable->size = size;
  variable->constant = constant;
  variable->managedHostPointer = managedHostPointer;
  variableList.push_back(std::move(variable));
  return *variableList.back();
}

cudaError_t Module::load(Device &device) {
  std::lock_guard<std::mutex> lock(mutex);
  if (loadGeneration != device.generation()) {
    unloadLocked(device);
    loadResult = loadLocked(device);
    loadGeneration = device.generation();
  }
  return loadResult;
}

cudaError_t Module::loadLocked(Device &device) {
  CompiledModule compiled;
  loadLog.clear();
  cudaError_t compiledResult =
      fromPtx ? compilePtx(ptxText, jitTarget, moduleName, compiled, &loadLog)
              : compileFatbin(wrapperSlot, device.smArch(), moduleName, compiled, &loadLog);
  if (compiledResult != cudaSuccess)
    return compiledResult;

  const cuport_backend &backend = device.backend();
  char message[1024] = "";
  cuport_status status =
      backend.module_load(device.self(), compiled.bitcode.data(), compiled.bitcode.size(), &loaded,
                          cuport_error_buffer{message, sizeof message});
  if (status != CUPORT_OK) {
    loaded = nullptr;
    CUPORT_ERROR("%s: backend %s cannot load the module: %s", moduleName.c_str(), backend.name,
                 message[0] ? message : "no reason given");
    loadLog += moduleName + ": the backend cannot load the module: " +
               (message[0] ? message : "no reason given") + "\n";
    return errorFromStatus(status);
  }
  kernelInfos = std::move(compiled.kernels);
  ptxArchNumber = compiled.ptxArch;
  constantByteCount = compiled.constantBytes;
  deviceHeapUser = compiled.usesDeviceHeap;
  printfUser = compiled.usesPrintf;

  // Every module global is device memory that cudaMemcpy may be given a pointer into.
  for (const lower::GlobalInfo &global : compiled.globals) {
    void *address = nullptr;
    size_t size = 0;
    if (backend.module_get_global(device.self(), loaded, global.name.c_str(), &address, &size) ==
            CUPORT_OK &&
        address) {
      device.allocations().add(address, size, AllocationKind::ModuleGlobal);
      globalRanges.push_back(address);
    }
  }
  for (const std::unique_ptr<Variable> &variable : variableList) {
    void *address = nullptr;
    size_t size = 0;
    cuport_status found = backend.module_get_global(device.self(), loaded,
                                                    variable->deviceName.c_str(), &address, &size);
    if (found != CUPORT_OK) {
      CUPORT_ERROR("%s: registered variable %s is not in the module", moduleName.c_str(),
                   variable->deviceName.c_str());
      variable->deviceAddress = nullptr;
      continue;
    }
    if (size != variable->size)
      CUPORT_WARN("%s: variable %s is %zu bytes in the module but registered as %zu",
                  moduleName.c_str(), variable->deviceName.c_str(), size, variable->size);
    variable->deviceAddress = address;
    if (variable->managedHostPointer) {
      *variable->managedHostPointer = address;
      device.allocations().add(address, size, AllocationKind::ManagedGlobal);
    }
    variable->generation = device.generation();
  }
  CUPORT_DEBUG("%s: loaded, %zu kernels, %zu globals", moduleName.c_str(), kernelInfos.size(),
               compiled.globals.size());
  globalInfos = std::move(compiled.globals);
  return cudaSuccess;
}

void Module::unload(Device &device) {
  std::lock_guard<std::mutex> lock(mutex);
  unloadLocked(device);
}

void Module::unloadLocked(Device &device) {
  for (void *address : globalRanges)
    if (!device.allocations().remove(address, AllocationKind::ModuleGlobal))
      device.allocations().remove(address, AllocationKind::ManagedGlobal);
  globalRanges.clear();
  if (loaded)
    device.backend().module_unload(device.self(), loaded);
  loaded = nullptr;
  kernelInfos.clear();
  globalInfos.clear();
  for (const std::unique_ptr<Variable> &variable : variableList) {
    variable->deviceAddress = nullptr;
    variable->generation = UINT64_MAX;
  }
  loadGeneration = UINT64_MAX;
  loadResult = cudaSuccess;
}

const lower::KernelInfo *Module::findKernel(const std::string &name) const {
  for (const lower::KernelInfo &info : kernelInfos)
    if (info.name == name)
      return &info;
  return nullptr;
}

} // namespace cuport::core
