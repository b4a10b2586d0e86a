// Chooses the backend from $CUPORT_BACKEND: unset or "cpu" is the built-in CPU backend; anything
// else is the path of a shared library exporting cuport_backend_create (backends/backend.h),
// whose ABI version must match ours.
#pragma once

#include "backends/backend.h"

#include <string>

namespace cuport::core {

// nullptr with `error` filled when no usable backend could be created.
const cuport_backend *loadBackend(std::string &error);

} // namespace cuport::core
