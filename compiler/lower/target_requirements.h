// The oldest sm_XX on which the PTX ISA defines an instruction form (each instruction's "Target
// ISA notes"), and the oldest PTX ISA version that has it ("PTX ISA notes"), so that a form newer
// than the module's .target or .version is rejected at load the way ptxas rejects it, instead of
// being given a meaning the module cannot ask for.
#pragma once

#include "compiler/ptx/ast.h"

#include <optional>

namespace cuport::lower {

// 0 when every target cuport accepts (sm_50 and later) has the form.
unsigned minimumTarget(const ptx::Instruction &instruction);

// The XX of the module's "sm_XX" (or sm_XXa / sm_XXf) target; nullopt when it names none.
std::optional<unsigned> moduleTarget(const ptx::Module &module);

// The oldest PTX ISA version with the form on sm_`target` (0: unknown), as 10 * major + minor (81
// for PTX 8.1); 0 when every version cuport accepts has it.
unsigned minimumVersion(const ptx::Instruction &instruction, unsigned target);

// The module's .version as 10 * major + minor; nullopt when it has none.
std::optional<unsigned> moduleVersion(const ptx::Module &module);

} // namespace cuport::lower
