// What the CPU device advertises and enforces at launch.
#pragma once

#include <cstdint>

namespace cuport::cpu::limits {

inline constexpr uint32_t kWarpSize = 32;
inline constexpr uint32_t kMaxThreadsPerBlock = 1024;
inline constexpr uint32_t kMaxBlockDim[3] = {1024, 1024, 64};
inline constexpr uint32_t kMaxGridDim[3] = {2147483647u, 65535u, 65535u};
// Static plus dynamic shared memory per block: compute capability 9.0's opt-in maximum (227 KiB),
// so kernels tuned for it launch; static shared memory alone is limited to 48 KiB like ptxas.
inline constexpr uint64_t kMaxSharedPerBlock = 227 * 1024;
inline constexpr uint64_t kTotalConstantMemory = 64 * 1024;
inline constexpr uint32_t kComputeCapabilityMajor = 9;
inline constexpr uint32_t kComputeCapabilityMinor = 0;

} // namespace cuport::cpu::limits
