#include "runtime/core/allocation_registry.h"

namespace cuport::core {

void AllocationRegistry::add(const void *base, size_t size, AllocationKind kind) {
  std::lock_guard<std::mutex> lock(mutex);
  uintptr_t address = reinterpret_cast<uintptr_t>(base);
  ranges[address] = Allocation{address, size, kind};
}

bool AllocationRegistry::remove(const void *base, AllocationKind kind) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = ranges.find(reinterpret_cast<uintptr_t>(base));
  if (found == ranges.end() || found->second.kind != kind)
    return false;
  ranges.erase(found);
  return true;
}

std::optional<Allocation> AllocationRegistry::find(const void *pointer) const {
  std::lock_guard<std::mutex> lock(mutex);
  uintptr_t address = reinterpret_cast<uintptr_t>(pointer);
  auto after = ranges.upper_bound(address);
  if (after == ranges.begin())
    return std::nullopt;
  const Allocation &candidate = std::prev(after)->second;
  // A zero-sized range still owns its base address.
  if (address == candidate.base || address - candidate.base < candidate.size)
    return candidate;
  return std::nullopt;
}

bool AllocationRegistry::containsRange(const void *pointer, size_t bytes) const {
  std::optional<Allocation> range = find(pointer);
  if (!range)
    return false;
  uintptr_t offset = reinterpret_cast<uintptr_t>(pointer) - range->base;
  return bytes <= range->size - offset;
}

std::vector<Allocation> AllocationRegistry::takeAll(AllocationKind kind) {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<Allocation> taken;
  for (auto it = ranges.begin(); it != ranges.end();) {
    if (it->second.kind == kind) {
      taken.push_back(it->second);
      it = ranges.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

} // namespace cuport::core
