// Versions shared by both API libraries: the build of the shared core, and the driver API level.
#pragma once

namespace cuport::core {

// "MAJOR.MINOR.PATCH" of the cuport project that built libcuport.so.
const char *libraryVersion();

// The CUDA driver API level cuport provides (CUDA_VERSION encoding), which cudaDriverGetVersion
// and cuDriverGetVersion report whichever runtime library is in use.
constexpr int kDriverApiVersion = 13000;

} // namespace cuport::core
