// The confirming driver: the same launch on a real GPU through the CUDA driver API. libcuda is
// opened at run time, never linked, so the suite builds and runs where there is no NVIDIA driver.
#include "tests/ptx/framework/driver.h"

#include <dlfcn.h>

#if __has_include(<cuda.h>)
#include <cuda.h>
#define CUPORT_HAVE_CUDA_H 1
#endif

namespace cuport::conformance {

#ifdef CUPORT_HAVE_CUDA_H
namespace {

// The driver entry points the suite uses; the names are the ABI symbols cuda.h maps its API onto.
struct CudaApi {
  decltype(&::cuInit) init = nullptr;
  decltype(&::cuDriverGetVersion) driverGetVersion = nullptr;
  decltype(&::cuDeviceGet) deviceGet = nullptr;
  decltype(&::cuDeviceGetName) deviceGetName = nullptr;
  decltype(&::cuDevicePrimaryCtxRetain) primaryCtxRetain = nullptr;
  decltype(&::cuDevicePrimaryCtxReset) primaryCtxReset = nullptr;
  decltype(&::cuCtxSetCurrent) ctxSetCurrent = nullptr;
  decltype(&::cuCtxSynchronize) ctxSynchronize = nullptr;
  decltype(&::cuModuleLoadDataEx) moduleLoadDataEx = nullptr;
  decltype(&::cuModuleUnload) moduleUnload = nullptr;
  decltype(&::cuModuleGetFunction) moduleGetFunction = nullptr;
  decltype(&::cuMemAlloc) memAlloc = nullptr;
  decltype(&::cuMemFree) memFree = nullptr;
  decltype(&::cuMemcpyHtoD) memcpyHtoD = nullptr;
  decltype(&::cuMemcpyDtoH) memcpyDtoH = nullptr;
  decltype(&::cuMemsetD8) memsetD8 = nullptr;
  decltype(&::cuLaunchKernel) launchKernel = nullptr;
  decltype(&::cuGetErrorString) getErrorString = nullptr;
};

template <typename Function>
bool resolve(void *library, Function &function, const char *symbol, std::string &missing) {
  function = reinterpret_cast<Function>(dlsym(library, symbol));
  if (!function)
    missing += std::string(missing.empty() ? "" : ", ") + symbol;
  return function != nullptr;
}

class CudaDriver : public Driver {
public:
  CudaDriver() { open(); }

  std::string describe() override {
    if (!ready_)
      return "CUDA driver unavailable: " + setupError_;
    int version = 0;
    api_.driverGetVersion(&version);
    char name[256] = {};
    api_.deviceGetName(name, sizeof name, device_);
    return "CUDA driver " + std::to_string(version / 1000) + "." +
           std::to_string(version % 1000 / 10) + " on " + name;
  }

  Outcome run(const Launch &launch) override {
    Outcome outcome;
    if (!ready_ && !setupError_.empty()) {
      outcome.error = setupCode_;
      outcome.message = setupError_;
      return outcome;
    }
    if (!ensureContext(outcome))
      return outcome;

    char log[8192] = {};
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {log, reinterpret_cast<void *>(sizeof log)};
    CUmodule module = nullptr;
    CUresult result = api_.moduleLoadDataEx(&module, launch.ptx.c_str(), 2, options, values);
    if (result != CUDA_SUCCESS)
      return fail(outcome, result, std::string("cuModuleLoadDataEx: ") + log);
    outcome.loaded = true;
    launchKernel(launch, module, outcome);
    api_.moduleUnload(module);
    return outcome;
  }

private:
  void open() {
    library_ = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library_) {
      setupCode_ = kErrorNoDevice;
      setupError_ = std::string("cannot open libcuda.so.1: ") + dlerror();
      return;
    }
    std::string missing;
    resolve(library_, api_.init, "cuInit", missing);
    resolve(library_, api_.driverGetVersion, "cuDriverGetVersion", missing);
    resolve(library_, api_.deviceGet, "cuDeviceGet", missing);
    resolve(library_, api_.deviceGetName, "cuDeviceGetName", missing);
    resolve(library_, api_.primaryCtxRetain, "cuDevicePrimaryCtxRetain", missing);
    resolve(library_, api_.primaryCtxReset, "cuDevicePrimaryCtxReset_v2", missing);
    resolve(library_, api_.ctxSetCurrent, "cuCtxSetCurrent", missing);
    resolve(library_, api_.ctxSynchronize, "cuCtxSynchronize", missing);
    resolve(library_, api_.moduleLoadDataEx, "cuModuleLoadDataEx", missing);
    resolve(library_, api_.moduleUnload, "cuModuleUnload", missing);
    resolve(library_, api_.moduleGetFunction, "cuModuleGetFunction", missing);
    resolve(library_, api_.memAlloc, "cuMemAlloc_v2", missing);
    resolve(library_, api_.memFree, "cuMemFree_v2", missing);
    resolve(library_, api_.memcpyHtoD, "cuMemcpyHtoD_v2", missing);
    resolve(library_, api_.memcpyDtoH, "cuMemcpyDtoH_v2", missing);
    resolve(library_, api_.memsetD8, "cuMemsetD8_v2", missing);
    resolve(library_, api_.launchKernel, "cuLaunchKernel", missing);
    resolve(library_, api_.getErrorString, "cuGetErrorString", missing);
    if (!missing.empty()) {
      setupCode_ = kErrorNotSupported;
      setupError_ = "libcuda.so.1 lacks " + missing;
      return;
    }
    CUresult result = api_.init(0);
    if (result == CUDA_SUCCESS)
      result = api_.deviceGet(&device_, 0);
    if (result != CUDA_SUCCESS) {
      setupCode_ = result;
      setupError_ = "cuInit/cuDeviceGet: " + errorText(result);
      return;
    }
    ready_ = true;
  }

  // The primary context, retained again after a launch error made the old one unusable.
  bool ensureContext(Outcome &outcome) {
    if (context_)
      return true;
    CUresult result = api_.primaryCtxRetain(&context_, device_);
    if (result == CUDA_SUCCESS)
      result = api_.ctxSetCurrent(context_);
    if (result != CUDA_SUCCESS) {
      context_ = nullptr;
      fail(outcome, result, "cuDevicePrimaryCtxRetain: " + errorText(result));
      return false;
    }
    return true;
  }

  std::string errorText(CUresult result) {
    const char *text = nullptr;
    if (api_.getErrorString && api_.getErrorString(result, &text) == CUDA_SUCCESS && text)
      return text;
    return "CUresult " + std::to_string(result);
  }

  Outcome &fail(Outcome &outcome, CUresult result, const std::string &message) {
    outcome.error = result;
    outcome.message = message;
    return outcome;
  }

  void launchKernel(const Launch &launch, CUmodule module, Outcome &outcome) {
    CUfunction function = nullptr;
    CUresult result = api_.moduleGetFunction(&function, module, launch.entry.c_str());
    if (result != CUDA_SUCCESS) {
      fail(outcome, result, "cuModuleGetFunction(" + launch.entry + "): " + errorText(result));
      return;
    }
    CUdeviceptr in = 0, out = 0;
    result = api_.memAlloc(&in, launch.in.size() ? launch.in.size() : 1);
    if (result == CUDA_SUCCESS)
      result = api_.memAlloc(&out, launch.outSize ? launch.outSize : 1);
    if (result == CUDA_SUCCESS && launch.in.size())
      result = api_.memcpyHtoD(in, launch.in.data(), launch.in.size());
    if (result == CUDA_SUCCESS)
      result = api_.memsetD8(out, 0, launch.outSize ? launch.outSize : 1);
    if (result == CUDA_SUCCESS) {
      void *params[] = {&in, &out};
      result = api_.launchKernel(function, launch.grid.x, launch.grid.y, launch.grid.z,
                                 launch.block.x, launch.block.y, launch.block.z,
                                 launch.dynamicShared, nullptr, params, nullptr);
      if (result == CUDA_SUCCESS)
        result = api_.ctxSynchronize();
      if (result == CUDA_SUCCESS) {
        outcome.launched = true;
        outcome.out.resize(launch.outSize);
        if (launch.outSize)
          result = api_.memcpyDtoH(outcome.out.data(), out, launch.outSize);
      }
    }
    if (result != CUDA_SUCCESS) {
      outcome.launched = false;
      fail(outcome, result, "launch: " + errorText(result));
      // A fault inside a kernel leaves the context unusable: start the next case on a fresh one.
      api_.primaryCtxReset(device_);
      context_ = nullptr;
      return;
    }
    api_.memFree(in);
    api_.memFree(out);
  }

  void *library_ = nullptr;
  CudaApi api_;
  bool ready_ = false;
  int setupCode_ = 0;
  std::string setupError_;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
};

} // namespace

std::unique_ptr<Driver> makeCudaDriver() {
  return std::make_unique<CudaDriver>();
}

#else

namespace {

// Built where cuda.h was not installed: every case reports that it cannot be confirmed here.
class UnavailableCudaDriver : public Driver {
public:
  std::string describe() override { return "CUDA driver unavailable: built without cuda.h"; }
  Outcome run(const Launch &) override {
    Outcome outcome;
    outcome.error = kErrorNotSupported;
    outcome.message = "ptx_conformance was built without cuda.h: rebuild where it is installed";
    return outcome;
  }
};

} // namespace

std::unique_ptr<Driver> makeCudaDriver() {
  return std::make_unique<UnavailableCudaDriver>();
}

#endif

} // namespace cuport::conformance
