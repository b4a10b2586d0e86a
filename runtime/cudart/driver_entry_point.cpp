// Driver API entry points by name (cudaGetDriverEntryPoint[ByVersion]): answered by the
// cuGetProcAddress of cuport's libcuda.so.1, which sits next to this library and runs on the same
// core. Without it every symbol is one the driver does not have: as CUDA documents for that case,
// the call succeeds with a null function pointer and cudaDriverEntryPointSymbolNotFound.
#include "runtime/cudart/api.h"

#include "runtime/core/library_version.h"
#include "support/log.h"

#include <dlfcn.h>

#include <string>

extern "C" {
cudaError_t cudaGetDriverEntryPoint_ptsz(const char *symbol, void **funcPtr,
                                         unsigned long long flags,
                                         enum cudaDriverEntryPointQueryResult *driverStatus);
cudaError_t
cudaGetDriverEntryPointByVersion_ptsz(const char *symbol, void **funcPtr, unsigned int cudaVersion,
                                      unsigned long long flags,
                                      enum cudaDriverEntryPointQueryResult *driverStatus);
}

using namespace cuport;

namespace {

// The driver API level cudaDriverGetVersion reports: asking for a later one is invalid.
constexpr unsigned kDriverVersion = core::kDriverApiVersion;

// cuGetProcAddress_v2's signature (cuda.h), without including the driver API's header here.
using ProcAddressFunction = int (*)(const char *symbol, void **pfn, int cudaVersion,
                                    unsigned long long flags, int *symbolStatus);

// libcuda.so.1's cuGetProcAddress_v2, from the file next to this library; nullptr (logged once)
// when there is none.
ProcAddressFunction driverLookup() {
  static ProcAddressFunction lookup = [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void *>(&driverLookup), &info) || !info.dli_fname)
      return static_cast<ProcAddressFunction>(nullptr);
    std::string path = info.dli_fname;
    path = path.substr(0, path.rfind('/') + 1) + "libcuda.so.1";
    void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    void *function = library ? dlsym(library, "cuGetProcAddress_v2") : nullptr;
    if (!function)
      CUPORT_ERROR("cudaGetDriverEntryPoint: cuport's driver library %s is missing or unusable "
                   "(%s): no driver symbol will be found",
                   path.c_str(), library ? "no cuGetProcAddress_v2" : dlerror());
    return reinterpret_cast<ProcAddressFunction>(function);
  }();
  return lookup;
}

cudaError_t lookUp(const char *entry, const char *symbol, void **funcPtr, unsigned cudaVersion,
                   unsigned long long flags, cudaDriverEntryPointQueryResult *driverStatus) {
  constexpr unsigned long long kKnownFlags =
      cudaEnableDefault | cudaEnableLegacyStream | cudaEnablePerThreadDefaultStream;
  if (!symbol || !funcPtr || (flags & ~kKnownFlags))
    return core::finishCall(entry, cudaErrorInvalidValue, "symbol=%s version=%u flags=0x%llx",
                            symbol ? symbol : "(null)", cudaVersion, flags);
  if (cudaVersion > kDriverVersion) {
    CUPORT_ERROR("%s(%s): CUDA version %u is newer than the driver API level %u", entry, symbol,
                 cudaVersion, kDriverVersion);
    return core::finishCall(entry, cudaErrorInvalidValue, "symbol=%s version=%u flags=0x%llx",
                            symbol, cudaVersion, flags);
  }
  *funcPtr = nullptr;
  // cudaDriverEntryPointQueryResult and CUdriverProcAddressQueryResult share their values, as
  // do the cudaEnable* and CU_GET_PROC_ADDRESS_* flags.
  int status = cudaDriverEntryPointSymbolNotFound;
  cudaError_t result = cudaSuccess;
  if (ProcAddressFunction lookup = driverLookup()) {
    int driverResult = lookup(symbol, funcPtr, static_cast<int>(cudaVersion), flags, &status);
    if (driverResult != 0) {
      *funcPtr = nullptr;
      result = cudaErrorInvalidValue;
    }
  }
  if (driverStatus && result == cudaSuccess)
    *driverStatus = static_cast<cudaDriverEntryPointQueryResult>(status);
  return core::finishCall(entry, result, "symbol=%s version=%u flags=0x%llx -> %s", symbol,
                          cudaVersion, flags, *funcPtr ? "found" : "not found");
}

// Code compiled for the per-thread default stream calls the _ptsz forms: there the default
// search finds the per-thread twins.
unsigned long long perThreadDefault(unsigned long long flags) {
  return flags == cudaEnableDefault
             ? static_cast<unsigned long long>(cudaEnablePerThreadDefaultStream)
             : flags;
}

} // namespace

extern "C" {

// The deprecated form looks up symbols as of the runtime's own version.
cudaError_t cudaGetDriverEntryPoint(const char *symbol, void **funcPtr, unsigned long long flags,
                                    enum cudaDriverEntryPointQueryResult *driverStatus) {
  return lookUp("cudaGetDriverEntryPoint", symbol, funcPtr, CUDART_VERSION, flags, driverStatus);
}
cudaError_t cudaGetDriverEntryPoint_ptsz(const char *symbol, void **funcPtr,
                                         unsigned long long flags,
                                         enum cudaDriverEntryPointQueryResult *driverStatus) {
  return lookUp("cudaGetDriverEntryPoint_ptsz", symbol, funcPtr, CUDART_VERSION,
                perThreadDefault(flags), driverStatus);
}

cudaError_t cudaGetDriverEntryPointByVersion(const char *symbol, void **funcPtr,
                                             unsigned int cudaVersion, unsigned long long flags,
                                             enum cudaDriverEntryPointQueryResult *driverStatus) {
  return lookUp("cudaGetDriverEntryPointByVersion", symbol, funcPtr, cudaVersion, flags,
                driverStatus);
}
cudaError_t
cudaGetDriverEntryPointByVersion_ptsz(const char *symbol, void **funcPtr, unsigned int cudaVersion,
                                      unsigned long long flags,
                                      enum cudaDriverEntryPointQueryResult *driverStatus) {
  return lookUp("cudaGetDriverEntryPointByVersion_ptsz", symbol, funcPtr, cudaVersion,
                perThreadDefault(flags), driverStatus);
}

} // extern "C"
