// The CPU backend: kernel IR compiled with LLVM's ORC JIT for the host and run on a pool of worker
// threads. Linked statically into the runtime.
#pragma once

#include "backends/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

// A new backend instance; the caller releases it with its `destroy`.
const cuport_backend *cuport_cpu_backend_create(void);

#ifdef __cplusplus
}
#endif
