// ptx_conformance --dump-kernels=DIR: every distinct module a case launches is written to
// DIR/<Family>.<Variant>.<n>.ptx as the case ran it, so that NVIDIA's ptxas can judge each one
// (tests/coverage/conformance_kernels_test.py).
#pragma once

#include "tests/ptx/framework/driver.h"

#include <memory>
#include <string>

namespace cuport::conformance {

// A driver that writes each launch's module into `directory`, then runs it on `inner`.
std::unique_ptr<Driver> makeKernelDumpDriver(std::unique_ptr<Driver> inner, std::string directory);

} // namespace cuport::conformance
