// Driver API entry points by name (cudaGetDriverEntryPoint[ByVersion]). cuport's libcuda.so.1 is a
// library of its own whose functions the runtime does not hand out (it would have to map each name
// and CUDA version to the right versioned export), so every symbol is one the driver does not
// have: as CUDA documents for that case, the call succeeds with a null function pointer and
// cudaDriverEntryPointSymbolNotFound. Programs that want the driver API link libcuda.so.1.
#include "runtime/cudart/api.h"

#include "runtime/core/library_version.h"
#include "support/log.h"

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

cudaError_t lookUp(const char *entry, const char *symbol, void **funcPtr, unsigned cudaVersion,
                   unsigned long long flags, cudaDriverEntryPointQueryResult *driverStatus) {
  constexpr unsigned long long kKnownFlags =
      cudaEnableDefault | cudaEnableLegacyStream | cudaEnablePerThreadDefaultStream;
  cudaError_t result = cudaSuccess;
  if (!symbol || !funcPtr || (flags & ~kKnownFlags)) {
    result = cudaErrorInvalidValue;
  } else if (cudaVersion > kDriverVersion) {
    CUPORT_ERROR("%s(%s): CUDA version %u is newer than the driver API level %u", entry, symbol,
                 cudaVersion, kDriverVersion);
    result = cudaErrorInvalidValue;
  } else {
    *funcPtr = nullptr;
    if (driverStatus)
      *driverStatus = cudaDriverEntryPointSymbolNotFound;
  }
  return core::finishCall(entry, result, "symbol=%s version=%u flags=0x%llx -> not found",
                          symbol ? symbol : "(null)", cudaVersion, flags);
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
  return lookUp("cudaGetDriverEntryPoint_ptsz", symbol, funcPtr, CUDART_VERSION, flags,
                driverStatus);
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
  return lookUp("cudaGetDriverEntryPointByVersion_ptsz", symbol, funcPtr, cudaVersion, flags,
                driverStatus);
}

} // extern "C"
