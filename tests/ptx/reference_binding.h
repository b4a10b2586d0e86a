// Launches whose texture and surface objects bind the module's .texref / .surfref variables
// instead of being passed as parameters: references[i], when present and not empty, names the
// reference objects[i] binds (the cuport driver fills that global's descriptor; the CUDA driver
// calls cuModuleGetTexRef + cuTexRefSet* or cuModuleGetSurfRef + cuSurfRefSetArray).
#pragma once

#include "tests/ptx/conformance.h"

#include <string>
#include <vector>

namespace cuport::conformance {

Outcome runBinding(const Launch &launch, const std::vector<std::string> &references);
// runOk() with references bound.
Bytes runOkBinding(const Launch &launch, const std::vector<std::string> &references,
                   std::vector<Bytes> &images);

} // namespace cuport::conformance
