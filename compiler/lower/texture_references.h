// Texture, sampler and surface references: module-scope `.texref` / `.samplerref` / `.surfref`
// variables. Each is a cuport_texture_descriptor in the module's global memory, so its address
// is a handle the texture intrinsics take (docs/kernel-ir.md, "Texture and surface references").
#pragma once

#include "compiler/ptx/ast.h"

namespace cuport::lower {

// .texref, .samplerref or .surfref.
bool isReferenceType(ptx::ScalarType type);

// Whether the module declares `.target ..., texmode_independent` (a separate sampler operand);
// the default, `texmode_unified`, has the sampling state in the texture.
bool independentTextureMode(const ptx::Module &module);

} // namespace cuport::lower
