// The driver API's modules and functions as the rest of libcuda.so.1 sees them: CUmodule is a
// core::Module (a module of PTX text, owned by the context that was current when it loaded) and
// CUfunction a core::Kernel of such a module. Handles are checked against the live ones, so a
// stale or made-up handle is CUDA_ERROR_INVALID_HANDLE rather than a crash.
#pragma once

#include "runtime/core/kernel.h"
#include "runtime/core/module.h"
#include "runtime/driver/api.h"

#include <cstddef>

namespace cuport::driver {

struct Context;

// The loaded module `handle` names (loaded again after a device reset); CUDA_ERROR_INVALID_HANDLE
// for anything that is not a live module.
CUresult moduleOf(CUmodule handle, core::Device &device, core::Module *&module);

// A module-scope variable of `handle` by its PTX name (__device__, __constant__, .texref,
// .surfref, ...): its device address and size. CUDA_ERROR_NOT_FOUND when the module has none.
CUresult findModuleGlobal(CUmodule handle, const char *name, void *&address, size_t &bytes);

// The kernel `handle` names; CUDA_ERROR_INVALID_HANDLE for anything that is not a function of a
// live module.
CUresult functionOf(CUfunction handle, core::Kernel *&kernel);

// Unloads every module loaded while `context` was current (cuCtxDestroy,
// cuDevicePrimaryCtxReset); their handles and their functions' handles become invalid.
void unloadContextModules(Context &context);

} // namespace cuport::driver
