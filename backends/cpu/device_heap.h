// The heap that malloc()/free() inside kernels use: host malloc with a byte budget, so that
// cudaLimitMallocHeapSize holds as on a GPU (an allocation beyond it returns null to the kernel).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cuport::cpu {

class DeviceHeap {
public:
  // CUDA's default heap size.
  static constexpr size_t kDefaultLimit = 8u << 20;

  // 16-byte aligned like CUDA's device malloc; null when the budget is exhausted.
  void *allocate(uint64_t bytes);
  void release(void *pointer);

  // False (and nothing changes) when more than `bytes` is allocated now.
  bool setLimit(size_t bytes);
  size_t limit() const { return limit_.load(std::memory_order_relaxed); }
  size_t inUse() const { return in_use_.load(std::memory_order_relaxed); }

private:
  std::atomic<size_t> limit_{kDefaultLimit};
  std::atomic<size_t> in_use_{0};
};

// The process's one device heap (kernel code reaches it through runtime symbols).
DeviceHeap &deviceHeap();

} // namespace cuport::cpu
