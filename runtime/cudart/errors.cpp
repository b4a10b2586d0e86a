// Error reporting: cudaGetLastError, cudaPeekAtLastError, cudaGetErrorName, cudaGetErrorString.
#include "runtime/cudart/api.h"

#include "runtime/core/error_names.h"
#include "runtime/core/error_state.h"

using namespace cuport;

namespace {

// What NVIDIA's runtime answers for a value that is no cudaError_t.
constexpr const char *unrecognized = "unrecognized error code";

} // namespace

extern "C" {

// These two read the error state, so they must not record their result into it.
cudaError_t cudaGetLastError(void) {
  cudaError_t result = core::takeLastError();
  core::traceCall("cudaGetLastError", "-> %s", core::errorName(result));
  return result;
}

cudaError_t cudaPeekAtLastError(void) {
  cudaError_t result = core::peekLastError();
  core::traceCall("cudaPeekAtLastError", "-> %s", core::errorName(result));
  return result;
}

const char *cudaGetErrorName(cudaError_t error) {
  const char *name = core::errorName(error);
  return name ? name : unrecognized;
}

const char *cudaGetErrorString(cudaError_t error) {
  const char *message = core::errorMessage(error);
  return message ? message : unrecognized;
}

} // extern "C"
