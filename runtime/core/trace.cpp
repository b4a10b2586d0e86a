#include "runtime/core/trace.h"

#include "runtime/core/error_names.h"
#include "runtime/core/error_state.h"
#include "support/log.h"

#include <cstdarg>
#include <cstdio>

namespace cuport::core {
namespace {

void logCall(const char *name, const char *result, const char *format, va_list args) {
  char arguments[1024];
  std::vsnprintf(arguments, sizeof arguments, format, args);
  if (result)
    cuport::log::write(cuport::log::Level::Trace, "%s(%s) -> %s", name, arguments, result);
  else
    cuport::log::write(cuport::log::Level::Trace, "%s(%s)", name, arguments);
}

} // namespace

cudaError_t finishCall(const char *name, cudaError_t result, const char *argumentsFormat, ...) {
  recordError(result);
  if (cuport::log::enabled(cuport::log::Level::Trace)) {
    const char *resultName = errorName(result);
    char unknown[32];
    if (!resultName) {
      std::snprintf(unknown, sizeof unknown, "error %d", static_cast<int>(result));
      resultName = unknown;
    }
    va_list args;
    va_start(args, argumentsFormat);
    logCall(name, resultName, argumentsFormat, args);
    va_end(args);
  }
  return result;
}

cudaError_t finishCall(const char *name, cudaError_t result) {
  return finishCall(name, result, "%s", "");
}

void traceResult(const char *name, const char *resultName, const char *argumentsFormat,
                 va_list arguments) {
  if (cuport::log::enabled(cuport::log::Level::Trace))
    logCall(name, resultName, argumentsFormat, arguments);
}

void traceCall(const char *name, const char *argumentsFormat, ...) {
  if (!cuport::log::enabled(cuport::log::Level::Trace))
    return;
  va_list args;
  va_start(args, argumentsFormat);
  logCall(name, nullptr, argumentsFormat, args);
  va_end(args);
}

extern "C" int cuport_unsupported_call(const char *name) {
  CUPORT_ERROR("%s is not supported yet", name);
  return finishCall(name, cudaErrorNotSupported);
}

} // namespace cuport::core
