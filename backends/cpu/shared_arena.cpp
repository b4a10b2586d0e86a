#include "backends/cpu/shared_arena.h"

#include <sys/mman.h>
#include <unistd.h>

namespace cuport::cpu {
namespace {

size_t roundUp(uint64_t value, size_t unit) {
  return static_cast<size_t>((value + unit - 1) / unit * unit);
}

} // namespace

SharedArena::~SharedArena() {
  release();
}

void SharedArena::release() {
  if (mapping_)
    munmap(mapping_, mapping_size_);
  mapping_ = nullptr;
  mapping_size_ = 0;
  capacity_ = 0;
  usable_end_ = nullptr;
  base_ = nullptr;
}

bool SharedArena::reserve(uint64_t bytes) {
  size_t usable = roundUp(bytes == 0 ? 1 : bytes, kAlignment);
  if (mapping_ && usable <= capacity_) {
    // Reuse the mapping; the arena still ends at the trailing guard page.
    base_ = usable_end_ - usable;
    return true;
  }
  release();
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t pages = roundUp(usable, page);
  size_t guard = roundUp(kGuardBytes, page);
  size_t total = pages + 2 * guard;
  void *mapping = mmap(nullptr, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED)
    return false;
  char *first = static_cast<char *>(mapping) + guard;
  if (mprotect(first, pages, PROT_READ | PROT_WRITE) != 0) {
    munmap(mapping, total);
    return false;
  }
  mapping_ = mapping;
  mapping_size_ = total;
  capacity_ = pages;
  usable_end_ = first + pages;
  base_ = usable_end_ - usable;
  return true;
}

} // namespace cuport::cpu
