#include "backends/cpu/device_info.h"

#include "backends/cpu/device_limits.h"
#include "backends/cpu/executor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <sys/sysinfo.h>

namespace cuport::cpu {
namespace {

// The value of the first "<key> : value" line of /proc/cpuinfo, or empty.
std::string cpuinfoField(const std::string &key) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.compare(0, key.size(), key) != 0)
      continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

} // namespace

void describeDevice(cuport_device_info &info) {
  std::memset(&info, 0, sizeof info);
  std::string model = cpuinfoField("model name");
  if (model.empty())
    model = "unknown processor";
  std::snprintf(info.name, sizeof info.name, "cuport CPU (%s)", model.c_str());

  struct sysinfo system {};
  if (sysinfo(&system) == 0)
    info.total_global_memory = uint64_t{system.totalram} * system.mem_unit;
  info.multiprocessor_count = Executor::hardwareThreads();
  info.max_threads_per_block = limits::kMaxThreadsPerBlock;
  for (int i = 0; i < 3; ++i) {
    info.max_block_dim[i] = limits::kMaxBlockDim[i];
    info.max_grid_dim[i] = limits::kMaxGridDim[i];
  }
  info.warp_size = limits::kWarpSize;
  info.max_shared_memory_per_block = limits::kMaxSharedPerBlock;
  info.total_constant_memory = limits::kTotalConstantMemory;
  std::string mhz = cpuinfoField("cpu MHz");
  info.clock_rate_khz =
      mhz.empty() ? 0 : static_cast<uint32_t>(std::strtod(mhz.c_str(), nullptr) * 1000);
  info.compute_capability_major = limits::kComputeCapabilityMajor;
  info.compute_capability_minor = limits::kComputeCapabilityMinor;
  info.unified_addressing = 1;
  // A multiprocessor is a worker thread of the executor, which runs one block at a time.
  info.max_resident_blocks_per_multiprocessor = 1;
}

} // namespace cuport::cpu
