#include "runtime/core/error_state.h"

#include <atomic>

namespace cuport::core {
namespace {

thread_local cudaError_t lastError = cudaSuccess;
std::atomic<int> sticky{cudaSuccess};

} // namespace

void recordError(cudaError_t error) {
  // The sticky error is reported through the device's state, which cudaDeviceReset clears; kept
  // here too, it would outlive the reset.
  if (error != cudaSuccess && error != stickyError())
    lastError = error;
}

cudaError_t takeLastError() {
  cudaError_t error = lastError;
  lastError = cudaSuccess;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return error;
}

cudaError_t peekLastError() {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  return lastError;
}

cudaError_t stickyError() {
  return static_cast<cudaError_t>(sticky.load());
}

void setStickyError(cudaError_t error) {
  int expected = cudaSuccess;
  sticky.compare_exchange_strong(expected, error);
}

void clearStickyError() {
  sticky.store(cudaSuccess);
}

bool isStickyStatus(cuport_status status) {
  switch (status) {
  case CUPORT_ERROR_ILLEGAL_ADDRESS:
  case CUPORT_ERROR_ASSERT:
  case CUPORT_ERROR_LAUNCH_FAILED:
  case CUPORT_ERROR_MISALIGNED_ADDRESS:
    return true;
  default:
    return false;
  }
}

cudaError_t errorFromStatus(cuport_status status) {
  switch (status) {
  case CUPORT_OK:
    return cudaSuccess;
  case CUPORT_ERROR_INVALID_VALUE:
    return cudaErrorInvalidValue;
  case CUPORT_ERROR_OUT_OF_MEMORY:
    return cudaErrorMemoryAllocation;
  case CUPORT_ERROR_INVALID_IR:
    return cudaErrorInvalidPtx;
  case CUPORT_ERROR_NOT_FOUND:
    return cudaErrorInvalidDeviceFunction;
  case CUPORT_ERROR_LAUNCH_OUT_OF_RESOURCES:
    return cudaErrorLaunchOutOfResources;
  case CUPORT_ERROR_ILLEGAL_ADDRESS:
    return cudaErrorIllegalAddress;
  case CUPORT_ERROR_ASSERT:
    return cudaErrorAssert;
  case CUPORT_ERROR_LAUNCH_FAILED:
    return cudaErrorLaunchFailure;
  case CUPORT_ERROR_NOT_SUPPORTED:
    return cudaErrorNotSupported;
  case CUPORT_ERROR_MISALIGNED_ADDRESS:
    return cudaErrorMisalignedAddress;
  case CUPORT_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE:
    return cudaErrorCooperativeLaunchTooLarge;
  }
  return cudaErrorUnknown;
}

} // namespace cuport::core
