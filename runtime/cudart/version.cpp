// The versions this runtime reports. Compiled once per library: CUPORT_CUDART_MAJOR is 13 for
// libcudart.so.13 and 12 for libcudart.so.12.
#include "runtime/cudart/api.h"

#include "runtime/core/library_version.h"

#ifndef CUPORT_CUDART_MAJOR
#error "CUPORT_CUDART_MAJOR must be defined"
#endif

namespace {

// The CUDA versions whose runtime ABI each library stands in for (CUDART_VERSION encoding).
constexpr int runtimeVersion = CUPORT_CUDART_MAJOR == 13 ? 13000 : 12090;
constexpr int driverVersion = cuport::core::kDriverApiVersion;

} // namespace

extern "C" {

cudaError_t cudaRuntimeGetVersion(int *runtimeVersionOut) {
  cudaError_t result = runtimeVersionOut ? cudaSuccess : cudaErrorInvalidValue;
  if (runtimeVersionOut)
    *runtimeVersionOut = runtimeVersion;
  return cuport::core::finishCall("cudaRuntimeGetVersion", result, "-> %d", runtimeVersion);
}

cudaError_t cudaDriverGetVersion(int *driverVersionOut) {
  cudaError_t result = driverVersionOut ? cudaSuccess : cudaErrorInvalidValue;
  if (driverVersionOut)
    *driverVersionOut = driverVersion;
  return cuport::core::finishCall("cudaDriverGetVersion", result, "-> %d", driverVersion);
}

} // extern "C"
