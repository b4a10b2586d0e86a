// What cudaMemAdvise and cudaMemPrefetchAsync said about managed address ranges, so that
// cudaMemRangeGetAttribute(s) reports it. Managed memory never moves here (host and kernels share
// one memory), but the advice and the prefetch targets are the program's and are kept exactly:
// the table is piecewise constant over the address space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

struct ManagedRangeState {
  bool readMostly = false;
  cudaMemLocation preferred{cudaMemLocationTypeInvalid, 0};
  bool accessedByDevice = false; // device 0
  bool accessedByHost = false;
  cudaMemLocation lastPrefetch{cudaMemLocationTypeInvalid, 0};
};

class ManagedRangeTable {
public:
  ManagedRangeTable();
  // Applies `change` to the state of every byte in [base, base + bytes).
  void update(const void *base, size_t bytes,
              const std::function<void(ManagedRangeState &)> &change);
  // The distinct states covering [base, base + bytes), in address order.
  std::vector<ManagedRangeState> query(const void *base, size_t bytes) const;

private:
  void split(uintptr_t address);

  mutable std::mutex mutex;
  std::map<uintptr_t, ManagedRangeState> segments; // each runs to the next key
};

ManagedRangeTable &managedRanges();

} // namespace cuport::core
