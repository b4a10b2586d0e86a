// Context-independent loading (cuLibrary*, CUDA 12): a library is a module no context owns, loaded
// on the one device when cuLibraryLoadData returns; CUlibrary is that core::Module, its CUmodule
// the same module, and a CUkernel is the CUfunction of the same kernel (cuLaunchKernel takes
// either, as CUDA allows).
#include "runtime/driver/context.h"
#include "runtime/driver/driver_module.h"

#include "runtime/core/memory.h"
#include "support/log.h"

#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <string>

using namespace cuport;
using namespace cuport::driver;

namespace {

struct Libraries {
  std::mutex mutex;
  std::set<const core::Module *> live;
};

Libraries &libraries() {
  static Libraries *instance = new Libraries(); // never destroyed: calls may come at exit
  return *instance;
}

CUresult libraryOf(CUlibrary handle, core::Module *&module) {
  auto *candidate = reinterpret_cast<core::Module *>(handle);
  Libraries &all = libraries();
  std::lock_guard lock(all.mutex);
  if (!all.live.count(candidate))
    return CUDA_ERROR_INVALID_HANDLE;
  module = candidate;
  return CUDA_SUCCESS;
}

// CU_LIBRARY_BINARY_IS_PRESERVED only allows the library to keep pointing at the caller's image:
// cuport copies the PTX anyway. The host function and data table belongs to cudart's own
// registration, which cuport does not route through libraries.
CUresult readLibraryOptions(unsigned count, CUlibraryOption *options, void **values) {
  if (count > 0 && (!options || !values))
    return CUDA_ERROR_INVALID_VALUE;
  for (unsigned i = 0; i < count; ++i) {
    if (options[i] == CU_LIBRARY_BINARY_IS_PRESERVED)
      continue;
    CUPORT_ERROR("cuLibraryLoadData: library option %d is not supported",
                 static_cast<int>(options[i]));
    return options[i] == CU_LIBRARY_HOST_UNIVERSAL_FUNCTION_AND_DATA_TABLE
               ? CUDA_ERROR_NOT_SUPPORTED
               : CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

CUresult loadLibrary(CUlibrary *library, const void *code, CUjit_option *jitOptions,
                     void **jitOptionsValues, unsigned numJitOptions,
                     CUlibraryOption *libraryOptions, void **libraryOptionValues,
                     unsigned numLibraryOptions) {
  if (!library)
    return CUDA_ERROR_INVALID_VALUE;
  if (CUresult result = readLibraryOptions(numLibraryOptions, libraryOptions, libraryOptionValues);
      result != CUDA_SUCCESS)
    return result;
  core::Module *module = nullptr;
  CUresult result = loadImage(code, numJitOptions, jitOptions, jitOptionsValues, nullptr, module);
  if (result != CUDA_SUCCESS)
    return result;
  Libraries &all = libraries();
  std::lock_guard lock(all.mutex);
  all.live.insert(module);
  *library = reinterpret_cast<CUlibrary>(module);
  return CUDA_SUCCESS;
}

// The library a kernel belongs to, for the cuKernel* calls.
CUresult kernelOf(CUkernel handle, core::Kernel *&kernel) {
  if (CUresult result = functionOf(reinterpret_cast<CUfunction>(handle), kernel);
      result != CUDA_SUCCESS)
    return result;
  core::Module *library = nullptr;
  return libraryOf(reinterpret_cast<CUlibrary>(&kernel->module()), library);
}

} // namespace

extern "C" {

CUresult cuLibraryLoadData(CUlibrary *library, const void *code, CUjit_option *jitOptions,
                           void **jitOptionsValues, unsigned int numJitOptions,
                           CUlibraryOption *libraryOptions, void **libraryOptionValues,
                           unsigned int numLibraryOptions) {
  CUresult result = loadLibrary(library, code, jitOptions, jitOptionsValues, numJitOptions,
                                libraryOptions, libraryOptionValues, numLibraryOptions);
  return finishCall("cuLibraryLoadData", result, "code=%p -> %p", code,
                    result == CUDA_SUCCESS ? static_cast<void *>(*library) : nullptr);
}

CUresult cuLibraryLoadFromFile(CUlibrary *library, const char *fileName, CUjit_option *jitOptions,
                               void **jitOptionsValues, unsigned int numJitOptions,
                               CUlibraryOption *libraryOptions, void **libraryOptionValues,
                               unsigned int numLibraryOptions) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !fileName)
    result = CUDA_ERROR_INVALID_VALUE;
  std::string contents;
  if (result == CUDA_SUCCESS) {
    std::ifstream file(fileName, std::ios::binary);
    if (!file) {
      CUPORT_ERROR("cuLibraryLoadFromFile: cannot open %s", fileName);
      result = CUDA_ERROR_FILE_NOT_FOUND;
    } else {
      contents.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
      contents.push_back('\0'); // PTX text ends at its NUL
    }
  }
  if (result == CUDA_SUCCESS)
    result = loadLibrary(library, contents.data(), jitOptions, jitOptionsValues, numJitOptions,
                         libraryOptions, libraryOptionValues, numLibraryOptions);
  return finishCall("cuLibraryLoadFromFile", result, "fileName=%s", fileName ? fileName : "null");
}

CUresult cuLibraryUnload(CUlibrary library) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS)
    result = libraryOf(library, module);
  if (result == CUDA_SUCCESS) {
    {
      Libraries &all = libraries();
      std::lock_guard lock(all.mutex);
      all.live.erase(module);
    }
    // Work already queued may still run the library's kernels.
    result = fromRuntime(core::synchronizeDevice(*device));
    unloadModule(*module, *device);
  }
  return finishCall("cuLibraryUnload", result, "library=%p", static_cast<void *>(library));
}

CUresult cuLibraryGetKernel(CUkernel *pKernel, CUlibrary library, const char *name) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS && !pKernel)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = libraryOf(library, module);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(module->load(*device)); // again after a device reset
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS)
    result = functionNamed(*module, name, kernel);
  if (result == CUDA_SUCCESS)
    *pKernel = reinterpret_cast<CUkernel>(kernel);
  return finishCall("cuLibraryGetKernel", result, "library=%p name=%s",
                    static_cast<void *>(library), name ? name : "null");
}

CUresult cuLibraryGetKernelCount(unsigned int *count, CUlibrary lib) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS && !count)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = libraryOf(lib, module);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(module->load(*device));
  if (result == CUDA_SUCCESS)
    *count = static_cast<unsigned>(module->kernelNames().size());
  return finishCall("cuLibraryGetKernelCount", result, "lib=%p", static_cast<void *>(lib));
}

CUresult cuLibraryEnumerateKernels(CUkernel *kernels, unsigned int numKernels, CUlibrary lib) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS && !kernels)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = libraryOf(lib, module);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(module->load(*device));
  if (result == CUDA_SUCCESS) {
    std::vector<std::string> names = module->kernelNames();
    for (unsigned i = 0; i < numKernels && i < names.size() && result == CUDA_SUCCESS; ++i) {
      core::Kernel *kernel = nullptr;
      result = functionNamed(*module, names[i].c_str(), kernel);
      kernels[i] = reinterpret_cast<CUkernel>(kernel);
    }
  }
  return finishCall("cuLibraryEnumerateKernels", result, "lib=%p numKernels=%u",
                    static_cast<void *>(lib), numKernels);
}

CUresult cuLibraryGetModule(CUmodule *pMod, CUlibrary library) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Module *module = nullptr;
  if (result == CUDA_SUCCESS && !pMod)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = libraryOf(library, module);
  if (result == CUDA_SUCCESS)
    *pMod = reinterpret_cast<CUmodule>(module);
  return finishCall("cuLibraryGetModule", result, "library=%p", static_cast<void *>(library));
}

CUresult cuLibraryGetGlobal(CUdeviceptr *dptr, size_t *bytes, CUlibrary library, const char *name) {
  core::Module *module = nullptr;
  CUresult result = libraryOf(library, module);
  void *address = nullptr;
  size_t size = 0;
  if (result == CUDA_SUCCESS)
    result = findModuleGlobal(reinterpret_cast<CUmodule>(module), name, address, size);
  if (result == CUDA_SUCCESS) {
    if (dptr)
      *dptr = reinterpret_cast<CUdeviceptr>(address);
    if (bytes)
      *bytes = size;
  }
  return finishCall("cuLibraryGetGlobal", result, "library=%p name=%s",
                    static_cast<void *>(library), name ? name : "null");
}

CUresult cuKernelGetFunction(CUfunction *pFunc, CUkernel kernel) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Kernel *found = nullptr;
  if (result == CUDA_SUCCESS && !pFunc)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = kernelOf(kernel, found);
  if (result == CUDA_SUCCESS)
    *pFunc = reinterpret_cast<CUfunction>(found);
  return finishCall("cuKernelGetFunction", result, "kernel=%p", static_cast<void *>(kernel));
}

CUresult cuKernelGetLibrary(CUlibrary *pLib, CUkernel kernel) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Kernel *found = nullptr;
  if (result == CUDA_SUCCESS && !pLib)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = kernelOf(kernel, found);
  if (result == CUDA_SUCCESS)
    *pLib = reinterpret_cast<CUlibrary>(&found->module());
  return finishCall("cuKernelGetLibrary", result, "kernel=%p", static_cast<void *>(kernel));
}

CUresult cuKernelGetName(const char **name, CUkernel hfunc) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  core::Kernel *found = nullptr;
  if (result == CUDA_SUCCESS && !name)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = kernelOf(hfunc, found);
  if (result == CUDA_SUCCESS)
    *name = found->deviceName().c_str();
  return finishCall("cuKernelGetName", result, "kernel=%p", static_cast<void *>(hfunc));
}

// The per-device kernel calls: device 0 is the only one; the function calls do the rest.
CUresult cuKernelGetAttribute(int *pi, CUfunction_attribute attrib, CUkernel kernel, CUdevice dev) {
  core::Kernel *found = nullptr;
  CUresult result = kernelOf(kernel, found);
  if (result == CUDA_SUCCESS && dev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result != CUDA_SUCCESS)
    return finishCall("cuKernelGetAttribute", result, "kernel=%p dev=%d",
                      static_cast<void *>(kernel), dev);
  return cuFuncGetAttribute(pi, attrib, reinterpret_cast<CUfunction>(found));
}

CUresult cuKernelSetAttribute(CUfunction_attribute attrib, int val, CUkernel kernel, CUdevice dev) {
  core::Kernel *found = nullptr;
  CUresult result = kernelOf(kernel, found);
  if (result == CUDA_SUCCESS && dev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result != CUDA_SUCCESS)
    return finishCall("cuKernelSetAttribute", result, "kernel=%p dev=%d",
                      static_cast<void *>(kernel), dev);
  return cuFuncSetAttribute(reinterpret_cast<CUfunction>(found), attrib, val);
}

CUresult cuKernelSetCacheConfig(CUkernel kernel, CUfunc_cache config, CUdevice dev) {
  core::Kernel *found = nullptr;
  CUresult result = kernelOf(kernel, found);
  if (result == CUDA_SUCCESS && dev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result != CUDA_SUCCESS)
    return finishCall("cuKernelSetCacheConfig", result, "kernel=%p dev=%d",
                      static_cast<void *>(kernel), dev);
  return cuFuncSetCacheConfig(reinterpret_cast<CUfunction>(found), config);
}

CUresult cuKernelGetParamInfo(CUkernel kernel, size_t paramIndex, size_t *paramOffset,
                              size_t *paramSize) {
  core::Kernel *found = nullptr;
  CUresult result = kernelOf(kernel, found);
  if (result != CUDA_SUCCESS)
    return finishCall("cuKernelGetParamInfo", result, "kernel=%p", static_cast<void *>(kernel));
  return cuFuncGetParamInfo(reinterpret_cast<CUfunction>(found), paramIndex, paramOffset,
                            paramSize);
}

} // extern "C"
