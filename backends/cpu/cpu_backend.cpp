// The C ABI face of the CPU backend: argument checks, status mapping, error messages.
#include "backends/cpu/cpu_backend.h"

#include "backends/cpu/device_heap.h"
#include "backends/cpu/device_info.h"
#include "backends/cpu/device_limits.h"
#include "backends/cpu/executor.h"
#include "backends/cpu/jit_module.h"
#include "backends/cpu/printf_fifo.h"
#include "support/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace cuport::cpu {
namespace {

constexpr size_t kAllocationAlignment = 256; // what cudaMalloc guarantees

struct Backend {
  cuport_backend table{};
  Executor executor;
};

Backend &backendOf(void *self) {
  return *static_cast<Backend *>(self);
}
JitModule *moduleOf(cuport_backend_module *module) {
  return reinterpret_cast<JitModule *>(module);
}
Kernel *kernelOf(cuport_backend_kernel *kernel) {
  return reinterpret_cast<Kernel *>(kernel);
}

cuport_status fail(cuport_error_buffer error, cuport_status status, const std::string &message) {
  if (error.message && error.capacity > 0)
    std::snprintf(error.message, error.capacity, "%s", message.c_str());
  return status;
}

cuport_status getDeviceInfo(void *, cuport_device_info *out) {
  if (!out)
    return CUPORT_ERROR_INVALID_VALUE;
  describeDevice(*out);
  return CUPORT_OK;
}

cuport_status memAlloc(void *, size_t bytes, void **out) {
  if (!out)
    return CUPORT_ERROR_INVALID_VALUE;
  // aligned_alloc wants a multiple of the alignment; 0 bytes still gives a unique pointer.
  size_t rounded = (bytes + kAllocationAlignment - 1) / kAllocationAlignment * kAllocationAlignment;
  if (rounded < bytes)
    return CUPORT_ERROR_OUT_OF_MEMORY;
  void *memory =
      std::aligned_alloc(kAllocationAlignment, rounded == 0 ? kAllocationAlignment : rounded);
  if (!memory)
    return CUPORT_ERROR_OUT_OF_MEMORY;
  *out = memory;
  return CUPORT_OK;
}

cuport_status memFree(void *, void *pointer) {
  std::free(pointer);
  return CUPORT_OK;
}

cuport_status memCopy(void *, void *dst, const void *src, size_t bytes) {
  if (bytes == 0)
    return CUPORT_OK;
  if (!dst || !src)
    return CUPORT_ERROR_INVALID_VALUE;
  std::memmove(dst, src, bytes);
  return CUPORT_OK;
}

cuport_status memSet(void *, void *dst, int value, size_t bytes) {
  if (bytes == 0)
    return CUPORT_OK;
  if (!dst)
    return CUPORT_ERROR_INVALID_VALUE;
  std::memset(dst, value, bytes);
  return CUPORT_OK;
}

cuport_status moduleLoad(void *, const void *bitcode, size_t size, cuport_backend_module **out,
                         cuport_error_buffer error) {
  if (!bitcode || size == 0 || !out)
    return fail(error, CUPORT_ERROR_INVALID_VALUE, "module_load: no bitcode given");
  llvm::Expected<std::unique_ptr<JitModule>> module =
      JitModule::load(llvm::StringRef(static_cast<const char *>(bitcode), size));
  if (!module) {
    std::string message = llvm::toString(module.takeError());
    CUPORT_ERROR("cpu: module_load: %s", message.c_str());
    return fail(error, CUPORT_ERROR_INVALID_IR, message);
  }
  *out = reinterpret_cast<cuport_backend_module *>(module->release());
  return CUPORT_OK;
}

void moduleUnload(void *, cuport_backend_module *module) {
  delete moduleOf(module);
}

cuport_status moduleGetGlobal(void *, cuport_backend_module *module, const char *name,
                              void **address, size_t *size) {
  if (!module || !name)
    return CUPORT_ERROR_INVALID_VALUE;
  const JitModule::GlobalVariable *global = moduleOf(module)->global(name);
  if (!global)
    return CUPORT_ERROR_NOT_FOUND;
  if (address)
    *address = global->address;
  if (size)
    *size = global->size;
  return CUPORT_OK;
}

cuport_status moduleGetKernel(void *, cuport_backend_module *module, const char *name,
                              cuport_backend_kernel **out) {
  if (!module || !name || !out)
    return CUPORT_ERROR_INVALID_VALUE;
  Kernel *kernel = moduleOf(module)->kernel(name);
  if (!kernel)
    return CUPORT_ERROR_NOT_FOUND;
  *out = reinterpret_cast<cuport_backend_kernel *>(kernel);
  return CUPORT_OK;
}

cuport_status kernelGetAttributes(void *, cuport_backend_kernel *handle,
                                  cuport_kernel_attributes *out) {
  if (!handle || !out)
    return CUPORT_ERROR_INVALID_VALUE;
  Kernel &kernel = *kernelOf(handle);
  std::string error;
  if (!kernel.module->ensureCompiled(kernel, error))
    return CUPORT_ERROR_INVALID_IR; // the message is in the log
  out->static_shared_bytes = static_cast<uint32_t>(kernel.entry.static_shared_bytes);
  out->local_bytes_per_thread = static_cast<uint32_t>(kernel.local_bytes);
  out->max_threads_per_block = limits::kMaxThreadsPerBlock;
  out->num_regs = 0; // no register file: nothing limits occupancy
  return CUPORT_OK;
}

std::string dims(const uint32_t *d) {
  return "(" + std::to_string(d[0]) + ", " + std::to_string(d[1]) + ", " + std::to_string(d[2]) +
         ")";
}

cuport_status validate(const cuport_launch_config &config, cuport_error_buffer error) {
  uint64_t threads = uint64_t{config.block[0]} * config.block[1] * config.block[2];
  for (int i = 0; i < 3; ++i) {
    if (config.block[i] == 0 || config.block[i] > limits::kMaxBlockDim[i])
      return fail(error, CUPORT_ERROR_INVALID_VALUE,
                  "invalid block dimensions " + dims(config.block) + ": each must be 1.." +
                      std::to_string(limits::kMaxBlockDim[i]) + " in that axis");
    if (config.grid[i] == 0 || config.grid[i] > limits::kMaxGridDim[i])
      return fail(error, CUPORT_ERROR_INVALID_VALUE,
                  "invalid grid dimensions " + dims(config.grid) + ": axis " + std::to_string(i) +
                      " must be 1.." + std::to_string(limits::kMaxGridDim[i]));
  }
  if (threads > limits::kMaxThreadsPerBlock)
    return fail(error, CUPORT_ERROR_INVALID_VALUE,
                "block " + dims(config.block) + " has " + std::to_string(threads) +
                    " threads; the limit is " + std::to_string(limits::kMaxThreadsPerBlock));
  if (config.params_size > 0 && !config.params)
    return fail(error, CUPORT_ERROR_INVALID_VALUE, "parameter buffer is null");
  if ((config.flags & ~(CUPORT_LAUNCH_COOPERATIVE | CUPORT_LAUNCH_EXPLICIT_CLUSTER)) != 0)
    return fail(error, CUPORT_ERROR_INVALID_VALUE,
                "unknown launch flags " + std::to_string(config.flags));
  return CUPORT_OK;
}

cuport_status launch(void *self, cuport_backend_kernel *handle, const cuport_launch_config *config,
                     cuport_error_buffer error) {
  if (!handle || !config)
    return fail(error, CUPORT_ERROR_INVALID_VALUE, "launch: no kernel or configuration");
  if (cuport_status status = validate(*config, error); status != CUPORT_OK)
    return status;
  Kernel &kernel = *kernelOf(handle);
  std::string message;
  if (!kernel.module->ensureCompiled(kernel, message))
    return fail(error, CUPORT_ERROR_INVALID_IR, message);
  uint64_t shared = kernel.entry.dynamic_shared_offset + config->dynamic_shared_bytes;
  if (shared > limits::kMaxSharedPerBlock)
    return fail(error, CUPORT_ERROR_LAUNCH_OUT_OF_RESOURCES,
                "kernel '" + kernel.name + "' needs " + std::to_string(shared) +
                    " bytes of shared memory (" + std::to_string(config->dynamic_shared_bytes) +
                    " dynamic); the limit is " + std::to_string(limits::kMaxSharedPerBlock));

  static const uint64_t no_params = 0;
  LaunchGeometry geometry{};
  std::memcpy(geometry.grid, config->grid, sizeof geometry.grid);
  std::memcpy(geometry.block, config->block, sizeof geometry.block);
  geometry.dynamic_shared_bytes = config->dynamic_shared_bytes;
  geometry.params = config->params ? config->params : &no_params;
  geometry.params_size = config->params ? config->params_size : 0;
  geometry.cooperative = (config->flags & CUPORT_LAUNCH_COOPERATIVE) != 0;
  geometry.explicit_cluster =
      (config->flags & CUPORT_LAUNCH_EXPLICIT_CLUSTER) != 0 || kernel.entry.explicit_cluster;
  cuport_status status = backendOf(self).executor.run(kernel.entry, geometry, message);
  if (status != CUPORT_OK) {
    CUPORT_ERROR("cpu: launch failed: %s", message.c_str());
    return fail(error, status, message);
  }
  return CUPORT_OK;
}

cuport_status setDeviceHeapLimit(void *, size_t bytes) {
  return deviceHeap().setLimit(bytes) ? CUPORT_OK : CUPORT_ERROR_INVALID_VALUE;
}

cuport_status setPrintfFifoSize(void *, size_t bytes) {
  printfFifo().setCapacity(bytes);
  return CUPORT_OK;
}

void flushPrintf(void *) {
  printfFifo().flush(stdout);
}

void destroy(void *self) {
  delete static_cast<Backend *>(self);
}

} // namespace
} // namespace cuport::cpu

extern "C" const cuport_backend *cuport_cpu_backend_create(void) {
  using namespace cuport::cpu;
  auto *backend = new Backend();
  cuport_backend &table = backend->table;
  table.abi_version = CUPORT_BACKEND_ABI_VERSION;
  table.name = "cpu";
  table.self = backend;
  table.get_device_info = getDeviceInfo;
  table.mem_alloc = memAlloc;
  table.mem_free = memFree;
  table.memcpy = memCopy;
  table.memset = memSet;
  table.module_load = moduleLoad;
  table.module_unload = moduleUnload;
  table.module_get_global = moduleGetGlobal;
  table.module_get_kernel = moduleGetKernel;
  table.kernel_get_attributes = kernelGetAttributes;
  table.launch = launch;
  table.destroy = destroy;
  table.set_device_heap_limit = setDeviceHeapLimit;
  table.set_printf_fifo_size = setPrintfFifoSize;
  table.flush_printf = flushPrintf;
  return &backend->table;
}
