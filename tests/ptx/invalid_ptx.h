// Modules that are invalid PTX on purpose: cases that check that cuport refuses a form the ISA
// does not define (or defines only for newer targets) wrap their module in invalidOnPurpose(), so
// that the check of the suite's kernels against NVIDIA's ptxas
// (tests/coverage/conformance_kernels_test.py) expects ptxas to refuse it too. Every other module a
// case launches must assemble with ptxas for its .target.
#pragma once

#include <string>

namespace cuport::conformance {

// The module's first line; a PTX comment, so every driver still reads the module unchanged.
inline constexpr char kInvalidOnPurpose[] = "// invalid PTX on purpose\n";

inline std::string invalidOnPurpose(const std::string &ptx) {
  return kInvalidOnPurpose + ptx;
}

} // namespace cuport::conformance
