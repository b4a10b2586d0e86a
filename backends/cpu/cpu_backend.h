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

#include <string>

namespace llvm {
class Module;
}

namespace cuport::cpu {

// The host assembly the backend makes of every kernel in a kernel-IR module (and of its
// .global/.const variables), after the backend's own passes: what `cuport compile --emit=asm`
// shows. Returns false with `error` when a kernel cannot be compiled.
bool compileToAssembly(const llvm::Module &module, std::string &assembly, std::string &error);

} // namespace cuport::cpu
#endif
