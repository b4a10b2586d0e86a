// The device heap's byte budget: what cudaLimitMallocHeapSize promises to kernels.
#include "backends/cpu/device_heap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cuport::cpu {
namespace {

TEST(DeviceHeap, AllocationsBeyondTheLimitAreNull) {
  DeviceHeap heap;
  EXPECT_EQ(heap.limit(), DeviceHeap::kDefaultLimit);
  ASSERT_TRUE(heap.setLimit(4096));
  std::vector<void *> blocks;
  while (void *block = heap.allocate(1000)) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % 16, 0u);
    blocks.push_back(block);
    ASSERT_LE(blocks.size(), 4u);
  }
  EXPECT_GE(blocks.size(), 3u); // each block costs 1000 bytes plus a small header
  EXPECT_LE(heap.inUse(), 4096u);
  EXPECT_EQ(heap.allocate(5000), nullptr);
  EXPECT_EQ(heap.allocate(UINT64_MAX), nullptr);

  // Freed memory is available again.
  heap.release(blocks.back());
  blocks.pop_back();
  void *again = heap.allocate(1000);
  EXPECT_NE(again, nullptr);
  blocks.push_back(again);
  heap.release(nullptr);

  // The limit cannot drop below what is allocated now.
  EXPECT_FALSE(heap.setLimit(1000));
  EXPECT_EQ(heap.limit(), 4096u);
  for (void *block : blocks)
    heap.release(block);
  EXPECT_EQ(heap.inUse(), 0u);
  EXPECT_TRUE(heap.setLimit(1000));
}

} // namespace
} // namespace cuport::cpu
