// What nvcc's host stubs passed to our stand-in registration functions at start-up.
#pragma once

#include <string>
#include <vector>

namespace cuport::fatbin::test {
const std::vector<const void *> &registeredWrappers();
const std::vector<std::string> &registeredKernelNames();
} // namespace cuport::fatbin::test
