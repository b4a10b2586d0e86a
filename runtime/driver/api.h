// What every driver API source includes: NVIDIA's cuda.h (types and signatures only), made
// default-visibility so that our definitions of its functions are exported, and the helpers every
// entry point uses. The driver API runs on the same runtime/core as libcudart, in libcuport.so,
// so a program that mixes the two APIs sees one device, one memory and one set of streams.
#pragma once

#pragma GCC visibility push(default)
#include <cuda.h>
#pragma GCC visibility pop

#include "runtime/core/device.h"

#include <driver_types.h>

namespace cuport::driver {

// Ends every entry point: under CUPORT_LOG=trace logs "name(arguments) -> CUDA_ERROR_...".
// Unlike the runtime's finishCall it records nothing: the driver API has no last error.
CUresult finishCall(const char *name, CUresult result, const char *argumentsFormat, ...)
    __attribute__((format(printf, 3, 4)));

// "CUDA_ERROR_INVALID_VALUE" / "invalid argument"; nullptr for a value no CUresult names.
const char *resultName(CUresult result);
const char *resultMessage(CUresult result);

// The CUresult for a runtime/core error: the same value where cuda.h has one (the two APIs share
// most codes), otherwise the driver's code for the same failure.
CUresult fromRuntime(cudaError_t error);

// The device once cuInit has succeeded: CUDA_ERROR_NOT_INITIALIZED before that, and
// CUDA_ERROR_NO_DEVICE when no backend loads.
CUresult initializedDevice(core::Device *&device);

} // namespace cuport::driver
