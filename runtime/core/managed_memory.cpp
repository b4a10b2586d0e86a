#include "runtime/core/managed_memory.h"

#include <iterator>

namespace cuport::core {

ManagedRangeTable &managedRanges() {
  static ManagedRangeTable *table = new ManagedRangeTable; // lives until exit
  return *table;
}

ManagedRangeTable::ManagedRangeTable() {
  segments.emplace(0, ManagedRangeState{});
}

void ManagedRangeTable::split(uintptr_t address) {
  auto holder = std::prev(segments.upper_bound(address));
  if (holder->first != address)
    segments.emplace(address, holder->second);
}

void ManagedRangeTable::update(const void *base, size_t bytes,
                               const std::function<void(ManagedRangeState &)> &change) {
  uintptr_t begin = reinterpret_cast<uintptr_t>(base);
  uintptr_t end = bytes > UINTPTR_MAX - begin ? UINTPTR_MAX : begin + bytes;
  std::lock_guard<std::mutex> lock(mutex);
  split(begin);
  split(end);
  for (auto it = segments.find(begin); it != segments.end() && it->first < end; ++it)
    change(it->second);
}

std::vector<ManagedRangeState> ManagedRangeTable::query(const void *base, size_t bytes) const {
  uintptr_t begin = reinterpret_cast<uintptr_t>(base);
  uintptr_t end = bytes > UINTPTR_MAX - begin ? UINTPTR_MAX : begin + bytes;
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<ManagedRangeState> states;
  for (auto it = std::prev(segments.upper_bound(begin)); it != segments.end() && it->first < end;
       ++it)
    states.push_back(it->second);
  return states;
}

} // namespace cuport::core
