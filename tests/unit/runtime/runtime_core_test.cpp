// runtime/core pieces on their own: the allocation registry, the call configuration stack, the
// error state and the parameter buffer layout.
#include "runtime/core/allocation_registry.h"
#include "runtime/core/call_configuration.h"
#include "runtime/core/error_state.h"
#include "runtime/core/kernel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace cuport::core {
namespace {

TEST(AllocationRegistry, FindsRangesAndTheirEnds) {
  AllocationRegistry registry;
  alignas(16) static char arena[256];
  char *block = arena + 32;  // 64 bytes, with memory on both sides that is not in it
  char *other = arena + 160; // 16 bytes
  registry.add(block, 64, AllocationKind::Malloc);
  registry.add(other, 16, AllocationKind::ModuleGlobal);
  EXPECT_TRUE(registry.find(block + 63).has_value());
  EXPECT_EQ(registry.find(block + 10)->base, reinterpret_cast<uintptr_t>(block));
  EXPECT_TRUE(registry.containsRange(block + 8, 56));
  EXPECT_FALSE(registry.containsRange(block + 8, 57));
  EXPECT_TRUE(registry.containsRange(other, 16));
  EXPECT_FALSE(registry.find(block - 1).has_value());
  EXPECT_FALSE(registry.find(block + 64).has_value());
  EXPECT_FALSE(registry.containsRange(other + 8, 9));
  // A module global is not cudaFree's to release; a block only by its start.
  EXPECT_FALSE(registry.remove(other, AllocationKind::Malloc));
  EXPECT_FALSE(registry.remove(block + 1, AllocationKind::Malloc));
  EXPECT_TRUE(registry.remove(block, AllocationKind::Malloc));
  EXPECT_FALSE(registry.remove(block, AllocationKind::Malloc));
  EXPECT_FALSE(registry.find(block).has_value());
  EXPECT_EQ(registry.takeAll(AllocationKind::ModuleGlobal).size(), 1u);
  EXPECT_FALSE(registry.find(other).has_value());
}

TEST(CallConfiguration, IsAPerThreadStack) {
  pushCallConfiguration({dim3(4), dim3(8), 16, nullptr});
  bool otherFound = true;
  std::thread other([&] {
    CallConfiguration c;
    otherFound = popCallConfiguration(c);
  });
  other.join();
  EXPECT_FALSE(otherFound);
  CallConfiguration c;
  ASSERT_TRUE(popCallConfiguration(c));
  EXPECT_EQ(c.grid.x, 4u);
  EXPECT_EQ(c.block.x, 8u);
  EXPECT_EQ(c.sharedBytes, 16u);
  EXPECT_FALSE(popCallConfiguration(c));
}

TEST(ErrorState, StickyErrorWinsUntilCleared) {
  (void)takeLastError();
  recordError(cudaErrorInvalidValue);
  setStickyError(cudaErrorIllegalAddress);
  setStickyError(cudaErrorLaunchFailure); // the first one stays
  EXPECT_EQ(peekLastError(), cudaErrorIllegalAddress);
  EXPECT_EQ(takeLastError(), cudaErrorIllegalAddress);
  EXPECT_EQ(takeLastError(), cudaErrorIllegalAddress);
  clearStickyError();
  EXPECT_EQ(takeLastError(), cudaSuccess);
}

TEST(ErrorState, BackendFaultsAreSticky) {
  EXPECT_TRUE(isStickyStatus(CUPORT_ERROR_ILLEGAL_ADDRESS));
  EXPECT_TRUE(isStickyStatus(CUPORT_ERROR_ASSERT));
  EXPECT_TRUE(isStickyStatus(CUPORT_ERROR_LAUNCH_FAILED));
  EXPECT_FALSE(isStickyStatus(CUPORT_ERROR_LAUNCH_OUT_OF_RESOURCES));
  EXPECT_FALSE(isStickyStatus(CUPORT_ERROR_INVALID_VALUE));
  EXPECT_EQ(errorFromStatus(CUPORT_ERROR_ILLEGAL_ADDRESS), cudaErrorIllegalAddress);
  EXPECT_EQ(errorFromStatus(CUPORT_ERROR_ASSERT), cudaErrorAssert);
  EXPECT_EQ(errorFromStatus(CUPORT_ERROR_LAUNCH_FAILED), cudaErrorLaunchFailure);
}

TEST(ParameterBuffer, CopiesEachArgumentToItsOffset) {
  // (const float *a, char c, double d): offsets 0, 8, 16 as the PTX .param layout has them.
  lower::KernelInfo info;
  info.name = "k";
  info.params = {{0, 8, 8}, {8, 1, 1}, {16, 8, 8}};
  info.paramBufferSize = 24;
  const float *a = reinterpret_cast<const float *>(0x1234);
  char c = 'x';
  double d = 2.5;
  void *args[] = {&a, &c, &d};
  std::vector<uint8_t> buffer;
  ASSERT_EQ(buildParameterBuffer(info, args, buffer), cudaSuccess);
  ASSERT_EQ(buffer.size(), 24u);
  const float *a2;
  double d2;
  std::memcpy(&a2, buffer.data(), 8);
  std::memcpy(&d2, buffer.data() + 16, 8);
  EXPECT_EQ(a2, a);
  EXPECT_EQ(buffer[8], 'x');
  EXPECT_EQ(d2, 2.5);
  EXPECT_EQ(buildParameterBuffer(info, nullptr, buffer), cudaErrorInvalidValue);
  info.params.push_back({24, 8, 8}); // past the buffer's end
  void *more[] = {&a, &c, &d, &d};
  EXPECT_EQ(buildParameterBuffer(info, more, buffer), cudaErrorInvalidValue);
}

} // namespace
} // namespace cuport::core
