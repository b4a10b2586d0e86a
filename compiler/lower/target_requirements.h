// The oldest sm_XX on which the PTX ISA defines an instruction form (each instruction's "Target
// ISA notes"), so that a form newer than the module's .target is rejected at load the way ptxas
// rejects it, instead of being given a meaning on a target that does not have it.
#pragma once

#include "compiler/ptx/ast.h"

#include <optional>

namespace cuport::lower {

// 0 when every target cuport accepts (sm_50 and later) has the form.
unsigned minimumTarget(const ptx::Instruction &instruction);

// The XX of the module's "sm_XX" (or sm_XXa / sm_XXf) target; nullopt when it names none.
std::optional<unsigned> moduleTarget(const ptx::Module &module);

} // namespace cuport::lower
