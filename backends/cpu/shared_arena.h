// A block's shared memory, fenced by inaccessible guard pages: a kernel that indexes past its
// shared allocation (or before it) faults into the fault guard, which ends the grid with an
// illegal address, instead of overwriting the executor's own state next to it on the heap.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cuport::cpu {

class SharedArena {
public:
  // Shared memory starts at this alignment, like the GPU's shared window.
  static constexpr size_t kAlignment = 256;
  // Inaccessible bytes on each side: an overflow up to this far faults, whatever the process has
  // mapped next to the arena (reserving them costs address space only).
  static constexpr size_t kGuardBytes = 64 * 1024;

  SharedArena() = default;
  ~SharedArena();
  SharedArena(const SharedArena &) = delete;
  SharedArena &operator=(const SharedArena &) = delete;

  // Makes room for `bytes` (at least one aligned unit); false when the memory cannot be mapped.
  // The arena ends exactly at the trailing guard page, rounded up to kAlignment.
  bool reserve(uint64_t bytes);
  // The first byte of the block's shared memory; its end is kAlignment-rounded up to the guard.
  char *base() const { return base_; }

private:
  void release();

  void *mapping_ = nullptr; // guard, usable pages, guard
  size_t mapping_size_ = 0;
  uint64_t capacity_ = 0;      // read-write bytes before the trailing guard page
  char *usable_end_ = nullptr; // the trailing guard page
  char *base_ = nullptr;
};

} // namespace cuport::cpu
