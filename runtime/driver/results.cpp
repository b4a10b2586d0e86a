// CUresult names and messages (cuGetErrorName / cuGetErrorString, the trace) and the mapping from
// the runtime core's cudaError_t.
#include "runtime/driver/api.h"

#include "runtime/core/trace.h"

#include <cstdarg>
#include <cstdio>

namespace cuport::driver {
namespace {

struct ResultEntry {
  int value;
  const char *name;
  const char *message;
};

constexpr ResultEntry kResults[] = {
#define CUPORT_RESULT_ENTRY(value, enumerator, message) {value, #enumerator, message},
#include "runtime/driver/result_table.inc"
#undef CUPORT_RESULT_ENTRY
};

const ResultEntry *find(int value) {
  for (const ResultEntry &entry : kResults)
    if (entry.value == value)
      return &entry;
  return nullptr;
}

} // namespace

const char *resultName(CUresult result) {
  const ResultEntry *entry = find(result);
  return entry ? entry->name : nullptr;
}

const char *resultMessage(CUresult result) {
  const ResultEntry *entry = find(result);
  return entry ? entry->message : nullptr;
}

CUresult fromRuntime(cudaError_t error) {
  switch (error) {
  // Runtime codes for bad arguments the driver reports as CUDA_ERROR_INVALID_VALUE.
  case cudaErrorInvalidConfiguration:
  case cudaErrorInvalidPitchValue:
  case cudaErrorInvalidSymbol:
  case cudaErrorInvalidDevicePointer:
  case cudaErrorInvalidTexture:
  case cudaErrorInvalidTextureBinding:
  case cudaErrorInvalidChannelDescriptor:
  case cudaErrorInvalidMemcpyDirection:
  case cudaErrorInvalidFilterSetting:
  case cudaErrorInvalidNormSetting:
    return CUDA_ERROR_INVALID_VALUE;
  case cudaErrorInvalidDeviceFunction:
    return CUDA_ERROR_INVALID_HANDLE;
  default:
    break;
  }
  if (find(error))
    return static_cast<CUresult>(error);
  return CUDA_ERROR_UNKNOWN;
}

CUresult finishCall(const char *name, CUresult result, const char *argumentsFormat, ...) {
  char unknown[32];
  const char *label = resultName(result);
  if (!label) {
    std::snprintf(unknown, sizeof unknown, "error %d", static_cast<int>(result));
    label = unknown;
  }
  va_list arguments;
  va_start(arguments, argumentsFormat);
  core::traceResult(name, label, argumentsFormat, arguments);
  va_end(arguments);
  return result;
}

} // namespace cuport::driver

using namespace cuport::driver;

extern "C" {

CUresult cuGetErrorName(CUresult error, const char **pStr) {
  if (!pStr)
    return finishCall("cuGetErrorName", CUDA_ERROR_INVALID_VALUE, "error=%d pStr=NULL", error);
  *pStr = resultName(error);
  return finishCall("cuGetErrorName", *pStr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE, "error=%d",
                    error);
}

CUresult cuGetErrorString(CUresult error, const char **pStr) {
  if (!pStr)
    return finishCall("cuGetErrorString", CUDA_ERROR_INVALID_VALUE, "error=%d pStr=NULL", error);
  *pStr = resultMessage(error);
  return finishCall("cuGetErrorString", *pStr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE, "error=%d",
                    error);
}

} // extern "C"
