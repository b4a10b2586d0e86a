#include "backends/cpu/device_heap.h"

#include <cstdlib>

namespace cuport::cpu {
namespace {

// Each allocation starts with a header holding its size; 16 bytes keep the payload aligned.
constexpr size_t kHeaderBytes = 16;

} // namespace

void *DeviceHeap::allocate(uint64_t bytes) {
  if (bytes > limit() || bytes + kHeaderBytes < bytes)
    return nullptr;
  size_t charged = static_cast<size_t>(bytes) + kHeaderBytes;
  size_t used = in_use_.load(std::memory_order_relaxed);
  do {
    if (used + charged > limit() || used + charged < used)
      return nullptr;
  } while (!in_use_.compare_exchange_weak(used, used + charged, std::memory_order_relaxed));
  auto *block = static_cast<char *>(std::aligned_alloc(kHeaderBytes, (charged + 15) & ~size_t{15}));
  if (!block) {
    in_use_.fetch_sub(charged, std::memory_order_relaxed);
    return nullptr;
  }
  *reinterpret_cast<size_t *>(block) = charged;
  return block + kHeaderBytes;
}

void DeviceHeap::release(void *pointer) {
  if (!pointer)
    return;
  char *block = static_cast<char *>(pointer) - kHeaderBytes;
  in_use_.fetch_sub(*reinterpret_cast<size_t *>(block), std::memory_order_relaxed);
  std::free(block);
}

bool DeviceHeap::setLimit(size_t bytes) {
  if (bytes < inUse())
    return false;
  limit_.store(bytes, std::memory_order_relaxed);
  return true;
}

DeviceHeap &deviceHeap() {
  static DeviceHeap heap;
  return heap;
}

} // namespace cuport::cpu
