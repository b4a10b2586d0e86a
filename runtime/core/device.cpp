#include "runtime/core/device.h"

#include "runtime/core/backend_loader.h"
#include "runtime/core/error_state.h"
#include "runtime/core/registry.h"
#include "support/log.h"

#include <atomic>
#include <mutex>
#include <string>

namespace cuport::core {
namespace {

std::atomic<uint64_t> resetGeneration{0};
std::atomic<Device *> created{nullptr};

} // namespace

Device::Device(const cuport_backend *backend, const cuport_device_info &info)
    : backendTable(backend), deviceInfo(info) {}

uint32_t Device::smArch() const {
  return deviceInfo.compute_capability_major * 10 + deviceInfo.compute_capability_minor;
}

uint64_t Device::generation() const {
  return resetGeneration.load();
}

void Device::flushPrintf() const {
  if (backendTable->flush_printf)
    backendTable->flush_printf(backendTable->self);
}

void Device::reset() {
  (void)streamSet.synchronizeAll();
  flushPrintf();
  streamSet.destroyAll();
  eventTable.clear();
  registry().unloadAllModules(*this);
  for (AllocationKind kind : {AllocationKind::Malloc, AllocationKind::Managed})
    for (const Allocation &block : allocationRegistry.takeAll(kind))
      backendTable->mem_free(backendTable->self, reinterpret_cast<void *>(block.base));
  resetGeneration.fetch_add(1);
  heapUserLaunched.store(false);
  printfUserLaunched.store(false);
  clearStickyError();
}

cudaError_t acquireDevice(Device *&device) {
  static Device *instance = []() -> Device * {
    std::string error;
    const cuport_backend *backend = loadBackend(error);
    if (!backend) {
      CUPORT_ERROR("no device: %s", error.c_str());
      return nullptr;
    }
    cuport_device_info info{};
    cuport_status status = backend->get_device_info(backend->self, &info);
    if (status != CUPORT_OK) {
      CUPORT_ERROR("no device: backend %s cannot describe its device (status %d)", backend->name,
                   static_cast<int>(status));
      return nullptr;
    }
    CUPORT_INFO("device 0: %s on backend %s, compute capability %u.%u", info.name, backend->name,
                info.compute_capability_major, info.compute_capability_minor);
    return new Device(backend, info);
  }();
  device = instance;
  created.store(instance);
  return instance ? cudaSuccess : cudaErrorNoDevice;
}

Device *existingDevice() {
  return created.load();
}

} // namespace cuport::core
