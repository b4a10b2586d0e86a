// The API-call trace: every entry point ends through finishCall, which records a failure as the
// thread's last error and, under CUPORT_LOG=trace, logs "name(arguments) -> result".
#pragma once

#include <cstdarg>

#include <driver_types.h>

namespace cuport::core {

// `argumentsFormat` is printf-style; the arguments are formatted only when tracing is on.
cudaError_t finishCall(const char *name, cudaError_t result, const char *argumentsFormat, ...)
    __attribute__((format(printf, 3, 4)));

cudaError_t finishCall(const char *name, cudaError_t result); // an entry point without arguments

// For another API's entry points (the driver API's CUresult), which must not touch the runtime's
// last error: logs "name(arguments) -> resultName" when tracing is on.
void traceResult(const char *name, const char *resultName, const char *argumentsFormat,
                 va_list arguments);

// For entry points that return no cudaError_t (registration): logs "name(arguments)".
void traceCall(const char *name, const char *argumentsFormat, ...)
    __attribute__((format(printf, 2, 3)));

// Logs "<name> is not supported yet" at error level and returns cudaErrorNotSupported (also
// recorded as the last error): the body of every entry point cuport does not implement.
extern "C" int cuport_unsupported_call(const char *name);

} // namespace cuport::core
