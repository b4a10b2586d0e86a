#include "runtime/core/host_memory.h"

#include "support/log.h"

#include <cstdlib>
#include <iterator>

namespace cuport::core {
namespace {

// Pinned blocks start on a page, as the pages the driver locks would.
constexpr size_t kPageBytes = 4096;

} // namespace

HostMemoryTable &hostMemory() {
  static HostMemoryTable *table = new HostMemoryTable; // lives until exit: atexit code may free
  return *table;
}

std::optional<HostRange> HostMemoryTable::findLocked(uintptr_t address) const {
  auto after = ranges.upper_bound(address);
  if (after == ranges.begin())
    return std::nullopt;
  const HostRange &candidate = std::prev(after)->second;
  if (address - candidate.base < candidate.size)
    return candidate;
  return std::nullopt;
}

bool HostMemoryTable::overlapsLocked(uintptr_t base, size_t size) const {
  if (findLocked(base))
    return true;
  auto next = ranges.upper_bound(base);
  return next != ranges.end() && next->first - base < size;
}

cudaError_t HostMemoryTable::allocate(size_t bytes, unsigned flags, void **pointer) {
  *pointer = nullptr;
  if (bytes == 0)
    return cudaSuccess;
  size_t rounded = (bytes + kPageBytes - 1) / kPageBytes * kPageBytes;
  if (rounded < bytes)
    return cudaErrorMemoryAllocation;
  void *block = std::aligned_alloc(kPageBytes, rounded);
  if (!block) {
    CUPORT_ERROR("cannot allocate %zu bytes of pinned host memory", bytes);
    return cudaErrorMemoryAllocation;
  }
  std::lock_guard<std::mutex> lock(mutex);
  uintptr_t base = reinterpret_cast<uintptr_t>(block);
  ranges[base] = HostRange{base, bytes, flags, false};
  *pointer = block;
  return cudaSuccess;
}

cudaError_t HostMemoryTable::release(void *pointer) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = ranges.find(reinterpret_cast<uintptr_t>(pointer));
    if (found == ranges.end() || found->second.registered) {
      CUPORT_ERROR("cudaFreeHost(%p): not a block cudaMallocHost/cudaHostAlloc returned", pointer);
      return cudaErrorInvalidValue;
    }
    ranges.erase(found);
  }
  std::free(pointer);
  return cudaSuccess;
}

cudaError_t HostMemoryTable::registerRange(void *pointer, size_t bytes, unsigned flags) {
  std::lock_guard<std::mutex> lock(mutex);
  uintptr_t base = reinterpret_cast<uintptr_t>(pointer);
  if (overlapsLocked(base, bytes))
    return cudaErrorHostMemoryAlreadyRegistered;
  ranges[base] = HostRange{base, bytes, flags, true};
  return cudaSuccess;
}

cudaError_t HostMemoryTable::unregisterRange(void *pointer) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = ranges.find(reinterpret_cast<uintptr_t>(pointer));
  if (found == ranges.end() || !found->second.registered)
    return cudaErrorHostMemoryNotRegistered;
  ranges.erase(found);
  return cudaSuccess;
}

std::optional<HostRange> HostMemoryTable::find(const void *pointer) const {
  std::lock_guard<std::mutex> lock(mutex);
  return findLocked(reinterpret_cast<uintptr_t>(pointer));
}

bool HostMemoryTable::containsRange(const void *pointer, size_t bytes) const {
  std::optional<HostRange> range = find(pointer);
  if (!range)
    return false;
  uintptr_t offset = reinterpret_cast<uintptr_t>(pointer) - range->base;
  return bytes <= range->size - offset;
}

} // namespace cuport::core
