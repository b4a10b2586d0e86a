// Modules: loading PTX (text, fatbinaries or files; cubins hold no PTX and are refused) with the
// JIT options that apply to a CPU device, unloading, and looking up functions and globals.
#include "runtime/driver/driver_module.h"

#include "runtime/core/memory.h"
#include "runtime/core/module_compiler.h"
#include "runtime/core/registry.h"
#include "runtime/driver/context.h"
#include "support/log.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace cuport::driver {
namespace {

struct LoadedModules {
  std::mutex mutex;
  std::map<core::Module *, Context *> owners; // live modules and the context that loaded each
  std::set<const core::Kernel *> functions;   // handed out by cuModuleGetFunction
};

LoadedModules &loadedModules() {
  static LoadedModules *instance = new LoadedModules(); // never destroyed: calls may come at exit
  return *instance;
}

// What cuModuleLoadDataEx's options ask of this load.
struct JitOptions {
  char *infoLog = nullptr;
  size_t infoLogBytes = 0;
  char *errorLog = nullptr;
  size_t errorLogBytes = 0;
  uint32_t target = 0; // 0: the device's architecture
  // Where the sizes and the wall time are written back (the option value slots).
  void **infoLogBytesSlot = nullptr;
  void **errorLogBytesSlot = nullptr;
  void **wallTimeSlot = nullptr;
};

size_t optionSize(void *value) {
  return static_cast<size_t>(reinterpret_cast<uintptr_t>(value));
}

CUresult readJitOptions(unsigned count, CUjit_option *options, void **values, uint32_t deviceArch,
                        JitOptions &jit) {
  if (count > 0 && (!options || !values))
    return CUDA_ERROR_INVALID_VALUE;
  for (unsigned i = 0; i < count; ++i) {
    switch (options[i]) {
    case CU_JIT_INFO_LOG_BUFFER:
      jit.infoLog = static_cast<char *>(values[i]);
      break;
    case CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES:
      jit.infoLogBytes = optionSize(values[i]);
      jit.infoLogBytesSlot = &values[i];
      break;
    case CU_JIT_ERROR_LOG_BUFFER:
      jit.errorLog = static_cast<char *>(values[i]);
      break;
    case CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES:
      jit.errorLogBytes = optionSize(values[i]);
      jit.errorLogBytesSlot = &values[i];
      break;
    case CU_JIT_WALL_TIME:
      jit.wallTimeSlot = &values[i];
      break;
    case CU_JIT_TARGET_FROM_CUCONTEXT:
      jit.target = deviceArch; // the context's device
      break;
    case CU_JIT_TARGET: {
      // Plain, "a" (accelerated) and "f" (family) targets name the architecture in the low bits.
      uint32_t arch = static_cast<uint32_t>(optionSize(values[i]) & 0xffff);
      if (arch == 0 || arch > deviceArch) {
        CUPORT_ERROR("cuModuleLoadDataEx: CU_JIT_TARGET %u is not a target the device (sm_%u) "
                     "can run",
                     arch, deviceArch);
        return CUDA_ERROR_NO_BINARY_FOR_GPU;
      }
      jit.target = arch;
      break;
    }
    // Options that tune a GPU's code generation or the driver's JIT cache: nothing to tune on the
    // CPU backend, which compiles every kernel for any block size.
    case CU_JIT_MAX_REGISTERS:
    case CU_JIT_THREADS_PER_BLOCK:
    case CU_JIT_OPTIMIZATION_LEVEL:
    case CU_JIT_FALLBACK_STRATEGY:
    case CU_JIT_GENERATE_DEBUG_INFO:
    case CU_JIT_LOG_VERBOSE:
    case CU_JIT_GENERATE_LINE_INFO:
    case CU_JIT_CACHE_MODE:
    case CU_JIT_NEW_SM3X_OPT:
    case CU_JIT_FAST_COMPILE:
    case CU_JIT_POSITION_INDEPENDENT_CODE:
    case CU_JIT_MIN_CTA_PER_SM:
    case CU_JIT_MAX_THREADS_PER_BLOCK:
    case CU_JIT_OVERRIDE_DIRECTIVE_VALUES:
    case CU_JIT_SPLIT_COMPILE:
      CUPORT_TRACE("cuModuleLoadDataEx: JIT option %d only tunes a GPU's compiler; accepted",
                   static_cast<int>(options[i]));
      break;
    default:
      // Linker and LTO options (symbols, FTZ/precision overrides, referenced names), which
      // change what the module means, and values no cuda.h defines.
      CUPORT_ERROR("cuModuleLoadDataEx: JIT option %d is not supported",
                   static_cast<int>(options[i]));
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return CUDA_SUCCESS;
}

// Copies `text` into a log buffer (always NUL-terminated) and writes back how much it holds.
void writeLog(char *buffer, size_t bytes, void **bytesSlot, const std::string &text) {
  size_t written = 0;
  if (buffer && bytes > 0) {
    written = std::min(text.size(), bytes - 1);
    std::memcpy(buffer, text.data(), written);
    buffer[written] = '\0';
  }
  if (bytesSlot)
    *bytesSlot = reinterpret_cast<void *>(static_cast<uintptr_t>(written));
}

} // namespace

CUresult loadImage(const void *image, unsigned numOptions, CUjit_option *options,
                   void **optionValues, Context *owner, core::Module *&module) {
  auto started = std::chrono::steady_clock::now();
  core::Device *device = nullptr;
  if (CUresult result = initializedDevice(device); result != CUDA_SUCCESS)
    return result;
  if (!image)
    return CUDA_ERROR_INVALID_VALUE;
  JitOptions jit;
  if (CUresult result = readJitOptions(numOptions, options, optionValues, device->smArch(), jit);
      result != CUDA_SUCCESS)
    return result;
  uint32_t target = jit.target ? jit.target : device->smArch();

  std::string log;
  std::string ptx;
  CUresult result = fromRuntime(core::ptxOfImage(image, device->smArch(), "image", ptx, &log));
  core::Module *loaded = nullptr;
  if (result == CUDA_SUCCESS) {
    loaded = &core::registry().addPtxModule(std::move(ptx), target);
    result = fromRuntime(loaded->load(*device));
    if (result != CUDA_SUCCESS) {
      log = loaded->loadDiagnostics();
      core::registry().removeModule(*loaded, device);
      loaded = nullptr;
    }
  }
  if (loaded) {
    LoadedModules &modules = loadedModules();
    std::lock_guard lock(modules.mutex);
    modules.owners[loaded] = owner;
    module = loaded;
  }
  writeLog(jit.errorLog, jit.errorLogBytes, jit.errorLogBytesSlot, log);
  writeLog(jit.infoLog, jit.infoLogBytes, jit.infoLogBytesSlot,
           loaded ? loaded->name() + ": PTX compiled for the CPU backend (JIT target sm_" +
                        std::to_string(target) + ")\n"
                  : std::string());
  if (jit.wallTimeSlot) {
    float milliseconds =
        std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    *jit.wallTimeSlot = nullptr;
    std::memcpy(jit.wallTimeSlot, &milliseconds, sizeof milliseconds);
  }
  return result;
}

void unloadModule(core::Module &module, core::Device &device) {
  {
    LoadedModules &modules = loadedModules();
    std::lock_guard lock(modules.mutex);
    for (const std::unique_ptr<core::Kernel> &kernel : module.kernels())
      modules.functions.erase(kernel.get());
    modules.owners.erase(&module);
  }
  core::registry().removeModule(module, &device);
}

CUresult functionNamed(core::Module &module, const char *name, core::Kernel *&kernel) {
  if (!name)
    return CUDA_ERROR_INVALID_VALUE;
  kernel = module.kernelNamed(name);
  if (!kernel) {
    CUPORT_ERROR("%s has no kernel named %s", module.name().c_str(), name);
    return CUDA_ERROR_NOT_FOUND;
  }
  LoadedModules &modules = loadedModules();
  std::lock_guard lock(modules.mutex);
  modules.functions.insert(kernel);
  return CUDA_SUCCESS;
}

CUresult moduleOf(CUmodule handle, core::Device &device, core::Module *&module) {
  auto *candidate = reinterpret_cast<core::Module *>(handle);
  {
    LoadedModules &modules = loadedModules();
    std::lock_guard lock(modules.mutex);
    if (!modules.owners.count(candidate))
      return CUDA_ERROR_INVALID_HANDLE;
  }
  module = candidate;
  // A device reset dropped the compiled code: compile it again.
  return fromRuntime(module->load(device));
}

CUresult findModuleGlobal(CUmodule handle, const char *name, void *&address, size_t &bytes) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  core::Module *module = nullptr;
  if (CUresult result = moduleOf(handle, *device, module); result != CUDA_SUCCESS)
    return result;
  if (!name)
    return CUDA_ERROR_INVALID_VALUE;
  cuport_status status = device->backend().module_get_global(
      device->self(), module->backendModule(), name, &address, &bytes);
  if (status != CUPORT_OK || !address) {
    CUPORT_ERROR("%s has no global named %s", module->name().c_str(), name);
    return CUDA_ERROR_NOT_FOUND;
  }
  return CUDA_SUCCESS;
}

CUresult functionOf(CUfunction handle, core::Kernel *&kernel) {
  auto *candidate = reinterpret_cast<core::Kernel *>(handle);
  LoadedModules &modules = loadedModules();
  std::lock_guard lock(modules.mutex);
  if (!handle || !modules.functions.count(candidate))
    return CUDA_ERROR_INVALID_HANDLE;
  kernel = candidate;
  return CUDA_SUCCESS;
}

void unloadContextModules(Context &context) {
  std::vector<core::Module *> owned;
  {
    LoadedModules &modules = loadedModules();
    std::lock_guard lock(modules.mutex);
    for (const auto &[module, owner] : modules.owners)
      if (owner == &context)
        owned.push_back(module);
  }
  core::Device *device = nullptr;
  if (owned.empty() || initializedDevice(device) != CUDA_SUCCESS)
    return;
  for (core::Module *module : owned)
    unloadModule(*module, *device);
}

} // namespace cuport::driver

using namespace cuport;
using namespace cuport::driver;

namespace {

// A module owned by the current context, compiled now (so that errors come from the load, as
// with NVIDIA's JIT).
CUresult loadModule(CUmodule *module, const void *image, unsigned numOptions, CUjit_option *options,
                    void **optionValues) {
  core::Device *device = nullptr;
  Context *context = nullptr;
  if (CUresult result = requireContext(device, &context); result != CUDA_SUCCESS)
    return result;
  if (!module)
    return CUDA_ERROR_INVALID_VALUE;
  core::Module *loaded = nullptr;
  CUresult result = loadImage(image, numOptions, options, optionValues, context, loaded);
  if (result == CUDA_SUCCESS)
    *module = reinterpret_cast<CUmodule>(loaded);
  return result;
}

} // namespace

extern "C" {

CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  CUresult result = loadModule(module, image, 0, nullptr, nullptr);
  return finishCall("cuModuleLoadData", result, "image=%p -> %p", image,
                    result == CUDA_SUCCESS ? static_cast<void *>(*module) : nullptr);
}

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned int numOptions,
                            CUjit_option *options, void **optionValues) {
  CUresult result = loadModule(module, image, numOptions, options, optionValues);
  return finishCall("cuModuleLoadDataEx", result, "image=%p numOptions=%u -> %p", image, numOptions,
                    result == CUDA_SUCCESS ? static_cast<void *>(*module) : nullptr);
}

CUresult cuModuleLoadFatBinary(CUmodule *module, const void *fatCubin) {
  CUresult result = loadModule(module, fatCubin, 0, nullptr, nullptr);
  return finishCall("cuModuleLoadFatBinary", result, "fatCubin=%p -> %p", fatCubin,
                    result == CUDA_SUCCESS ? static_cast<void *>(*module) : nullptr);
}

CUresult cuModuleLoad(CUmodule *module, const char *fname) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!module || !fname))
    result = CUDA_ERROR_INVALID_VALUE;
  std::string contents;
  if (result == CUDA_SUCCESS) {
    std::ifstream file(fname, std::ios::binary);
    if (!file) {
      CUPORT_ERROR("cuModuleLoad: cannot open %s", fname);
      result = CUDA_ERROR_FILE_NOT_FOUND;
    } else {
      contents.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
      contents.push_back('\0'); // PTX text ends at its NUL
    }
  }
  if (result == CUDA_SUCCESS)
    result = loadModule(module, contents.data(), 0, nullptr, nullptr);
  return finishCall("cuModuleLoad", result, "fname=%s", fname ? fname : "null");
}

CUresult cuModuleUnload(CUmodule hmod) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  auto *module = reinterpret_cast<core::Module *>(hmod);
  if (result == CUDA_SUCCESS) {
    LoadedModules &modules = loadedModules();
    std::lock_guard lock(modules.mutex);
    if (!modules.owners.count(module))
      result = CUDA_ERROR_INVALID_HANDLE;
  }
  if (result == CUDA_SUCCESS) {
    // Work already queued may still run the module's kernels.
    result = fromRuntime(core::synchronizeDevice(*device));
    unloadModule(*module, *device);
  }
  return finishCall("cuModuleUnload", result, "hmod=%p", static_cast<void *>(hmod));
}

CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS)
    result = moduleOf(hmod, *device, module);
  if (result == CUDA_SUCCESS && (!hfunc || !name))
    result = CUDA_ERROR_INVALID_VALUE;
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS)
    result = functionNamed(*module, name, kernel);
  if (result == CUDA_SUCCESS)
    *hfunc = reinterpret_cast<CUfunction>(kernel);
  return finishCall("cuModuleGetFunction", result, "hmod=%p name=%s", static_cast<void *>(hmod),
                    name ? name : "null");
}

CUresult cuModuleGetGlobal(CUdeviceptr *dptr, size_t *bytes, CUmodule hmod, const char *name) {
  void *address = nullptr;
  size_t size = 0;
  CUresult result = findModuleGlobal(hmod, name, address, size);
  if (result == CUDA_SUCCESS) {
    // Either output may be null, as CUDA allows.
    if (dptr)
      *dptr = reinterpret_cast<CUdeviceptr>(address);
    if (bytes)
      *bytes = size;
  }
  return finishCall("cuModuleGetGlobal_v2", result, "hmod=%p name=%s -> %p, %zu",
                    static_cast<void *>(hmod), name ? name : "null", address, size);
}

CUresult cuModuleGetFunctionCount(unsigned int *count, CUmodule mod) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS)
    result = moduleOf(mod, *device, module);
  if (result == CUDA_SUCCESS && !count)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *count = static_cast<unsigned>(module->kernelNames().size());
  return finishCall("cuModuleGetFunctionCount", result, "mod=%p -> %u", static_cast<void *>(mod),
                    result == CUDA_SUCCESS ? *count : 0);
}

CUresult cuModuleEnumerateFunctions(CUfunction *functions, unsigned int numFunctions,
                                    CUmodule mod) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS)
    result = moduleOf(mod, *device, module);
  if (result == CUDA_SUCCESS && !functions)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    std::vector<std::string> names = module->kernelNames();
    // The first numFunctions kernels, in the module's order.
    for (unsigned i = 0; i < numFunctions && i < names.size() && result == CUDA_SUCCESS; ++i) {
      core::Kernel *kernel = nullptr;
      result = functionNamed(*module, names[i].c_str(), kernel);
      functions[i] = reinterpret_cast<CUfunction>(kernel);
    }
  }
  return finishCall("cuModuleEnumerateFunctions", result, "mod=%p numFunctions=%u",
                    static_cast<void *>(mod), numFunctions);
}

// Modules compile when they load: there is no lazy loading (CUDA_MODULE_LOADING is not read).
CUresult cuModuleGetLoadingMode(CUmoduleLoadingMode *mode) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !mode)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    *mode = CU_MODULE_EAGER_LOADING;
  return finishCall("cuModuleGetLoadingMode", result, "%s", "");
}

} // extern "C"
