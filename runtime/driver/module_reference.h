// Texture and surface references of loaded modules (cuModuleGetTexRef / cuModuleGetSurfRef). A
// reference is a cuport_texture_descriptor among the module's globals (the one kernels sample
// through, compiler/lower/texture_references.cpp); binding fills it in place. A CUtexref /
// CUsurfref is one of these records, which keeps the settings the cuTexRef* calls make and the
// texture (or surface) object whose descriptor was last written, since the descriptor's level
// table points into that object.
#pragma once

#include "runtime/driver/api.h"

#include <texture_types.h>

#include <mutex>
#include <string>

namespace cuport::driver {

struct ModuleReference {
  ModuleReference(CUmodule owner, std::string variable, bool isSurface)
      : module(owner), name(std::move(variable)), surface(isSurface) {}

  const CUmodule module;
  const std::string name; // the .texref / .surfref variable
  const bool surface;

  std::mutex mutex; // one cuTexRef* / cuSurfRef* call at a time
  // What the reference is bound to (resType cudaResourceTypeArray with a null array: nothing).
  cudaResourceDesc resource{};
  // The settings cuTexRefSet* made, as cuTexRefGet* reports them.
  CUarray_format format = CUarray_format(0);
  int channels = 0;
  CUDA_TEXTURE_DESC sampling{};
  // The object whose descriptor the module's variable holds; 0 when it holds an unbound one.
  unsigned long long bound = 0;
};

// The reference named `name` in the module (the same record for every call with the same
// module and name). CUDA_ERROR_NOT_FOUND when the module has no such variable, or one of another
// kind.
CUresult findModuleReference(CUmodule module, const char *name, bool surface,
                             ModuleReference *&reference);
// The live reference `handle` names; CUDA_ERROR_INVALID_VALUE for anything else.
CUresult referenceOf(const void *handle, bool surface, ModuleReference *&reference);

// Whether `resource` can be the image of a texture (with point sampling) or of a surface: the
// error cuTexRefSetArray / SetAddress / SurfRefSetArray report for it.
CUresult checkImage(const ModuleReference &reference, const cudaResourceDesc &resource);
// Writes the reference's descriptor into its module variable from its current settings, after the
// work queued on the device. Settings that do not make a valid texture (integers filtered
// linearly, say) leave it unbound: a kernel sampling it fails, as CUDA leaves such a binding
// undefined. CUDA_ERROR_INVALID_HANDLE once the module is unloaded. Called with the mutex held.
CUresult rebind(ModuleReference &reference);

} // namespace cuport::driver
