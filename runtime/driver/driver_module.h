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

// Compiles an image (PTX text or a fatbinary with PTX) into a module owned by `owner` (nullptr: a
// library's, which no context owns), with cuModuleLoadDataEx's JIT options: the log buffers get
// the diagnostics, CUDA_ERROR_INVALID_PTX / CUDA_ERROR_NO_BINARY_FOR_GPU / CUDA_ERROR_INVALID_IMAGE
// say why a load failed.
CUresult loadImage(const void *image, unsigned numOptions, CUjit_option *options,
                   void **optionValues, Context *owner, core::Module *&module);

// Forgets a module and its functions' handles and unloads it.
void unloadModule(core::Module &module, core::Device &device);

// The module's kernel of that PTX name as a valid CUfunction (and CUkernel): CUDA_ERROR_NOT_FOUND
// when the module has none.
CUresult functionNamed(core::Module &module, const char *name, core::Kernel *&kernel);

// Unloads every module loaded while `context` was current (cuCtxDestroy,
// cuDevicePrimaryCtxReset); their handles and their functions' handles become invalid.
void unloadContextModules(Context &context);

} // namespace cuport::driver
