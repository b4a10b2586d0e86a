// cuInit and cuDriverGetVersion: the driver API's entry and the gate every other call passes.
#include "runtime/driver/api.h"

#include "runtime/core/library_version.h"

#include <atomic>

namespace cuport::driver {
namespace {

std::atomic<bool> initCalled{false};

} // namespace

CUresult initializedDevice(core::Device *&device) {
  // A program that started the runtime API has, as with NVIDIA's libcudart, initialized the
  // driver too.
  if (!initCalled.load() && !core::existingDevice())
    return CUDA_ERROR_NOT_INITIALIZED;
  if (core::acquireDevice(device) != cudaSuccess)
    return CUDA_ERROR_NO_DEVICE;
  return CUDA_SUCCESS;
}

} // namespace cuport::driver

using namespace cuport;
using namespace cuport::driver;

extern "C" {

CUresult cuInit(unsigned int Flags) {
  if (Flags != 0)
    return finishCall("cuInit", CUDA_ERROR_INVALID_VALUE, "Flags=%u", Flags);
  core::Device *device = nullptr;
  if (core::acquireDevice(device) != cudaSuccess)
    return finishCall("cuInit", CUDA_ERROR_NO_DEVICE, "Flags=%u", Flags);
  initCalled.store(true);
  return finishCall("cuInit", CUDA_SUCCESS, "Flags=%u", Flags);
}

CUresult cuDriverGetVersion(int *driverVersion) {
  // Valid before cuInit, as CUDA documents.
  if (!driverVersion)
    return finishCall("cuDriverGetVersion", CUDA_ERROR_INVALID_VALUE, "driverVersion=NULL");
  *driverVersion = core::kDriverApiVersion;
  return finishCall("cuDriverGetVersion", CUDA_SUCCESS, "-> %d", *driverVersion);
}

} // extern "C"
