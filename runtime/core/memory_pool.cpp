#include "runtime/core/memory_pool.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "support/log.h"

#include <algorithm>

namespace cuport::core {
namespace {

// Blocks are handed out in multiples of this, so that a freed block fits similar requests.
constexpr size_t kGranule = 512;

} // namespace

MemoryPool::MemoryPool(Device &device, size_t maxBytes) : device(device), maxBytes(maxBytes) {}

bool MemoryPool::inUse() const {
  std::lock_guard<std::mutex> lock(mutex);
  return !busy.empty();
}

cudaError_t MemoryPool::allocate(size_t bytes, Stream &stream, void **pointer) {
  size_t size = (bytes + kGranule - 1) / kGranule * kGranule;
  if (size < bytes)
    return cudaErrorMemoryAllocation;
  std::lock_guard<std::mutex> lock(mutex);
  // The smallest idle block that fits and may be used now: its free is earlier on this stream,
  // or (opportunistic reuse) it has already been reached.
  auto best = idle.end();
  for (auto it = idle.begin(); it != idle.end(); ++it) {
    if (it->size < size || it->size > 2 * size)
      continue;
    bool sameStream = it->freedOn == &stream;
    bool reachable = sameStream || (allowOpportunistic && it->reached->load());
    if (reachable && (best == idle.end() || it->size < best->size))
      best = it;
  }
  if (best != idle.end()) {
    *pointer = best->base;
    busy[best->base] = best->size;
    used += best->size;
    idle.erase(best);
  } else {
    if (maxBytes && reserved + size > maxBytes) {
      trimLocked(0);
      if (reserved + size > maxBytes)
        return cudaErrorMemoryAllocation;
    }
    void *block = nullptr;
    if (device.backend().mem_alloc(device.self(), size, &block) != CUPORT_OK || !block) {
      trimLocked(0); // give back what completed frees hold, then try once more
      if (device.backend().mem_alloc(device.self(), size, &block) != CUPORT_OK || !block)
        return cudaErrorMemoryAllocation;
    }
    *pointer = block;
    busy[block] = size;
    reserved += size;
    used += size;
  }
  reservedHigh = std::max(reservedHigh, reserved);
  usedHigh = std::max(usedHigh, used);
  return cudaSuccess;
}

void MemoryPool::free(void *pointer, const Stream &stream,
                      std::shared_ptr<std::atomic<bool>> reached) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = busy.find(pointer);
  if (found == busy.end())
    return;
  idle.push_back(Block{pointer, found->second, &stream, std::move(reached)});
  used -= found->second;
  busy.erase(found);
}

void MemoryPool::trimToThreshold() {
  std::lock_guard<std::mutex> lock(mutex);
  trimLocked(releaseThreshold);
}

void MemoryPool::trimLocked(size_t keepBytes) {
  for (auto it = idle.begin(); it != idle.end() && reserved > keepBytes;) {
    if (!it->reached->load()) {
      ++it;
      continue;
    }
    device.backend().mem_free(device.self(), it->base);
    reserved -= it->size;
    it = idle.erase(it);
  }
}

void MemoryPool::trimTo(size_t keepBytes) {
  std::lock_guard<std::mutex> lock(mutex);
  trimLocked(keepBytes);
}

cudaError_t MemoryPool::setAttribute(cudaMemPoolAttr attribute, const void *value) {
  std::lock_guard<std::mutex> lock(mutex);
  switch (attribute) {
  case cudaMemPoolReuseFollowEventDependencies:
    followEventDependencies = *static_cast<const int *>(value);
    return cudaSuccess;
  case cudaMemPoolReuseAllowOpportunistic:
    allowOpportunistic = *static_cast<const int *>(value);
    return cudaSuccess;
  case cudaMemPoolReuseAllowInternalDependencies:
    allowInternalDependencies = *static_cast<const int *>(value);
    return cudaSuccess;
  case cudaMemPoolAttrReleaseThreshold:
    releaseThreshold = *static_cast<const uint64_t *>(value);
    trimLocked(releaseThreshold);
    return cudaSuccess;
  case cudaMemPoolAttrReservedMemHigh:
  case cudaMemPoolAttrUsedMemHigh:
    // Only a reset is allowed: the watermark goes back to the current value.
    if (*static_cast<const uint64_t *>(value) != 0)
      return cudaErrorInvalidValue;
    if (attribute == cudaMemPoolAttrReservedMemHigh)
      reservedHigh = reserved;
    else
      usedHigh = used;
    return cudaSuccess;
  case cudaMemPoolAttrReservedMemCurrent:
  case cudaMemPoolAttrUsedMemCurrent:
    return cudaErrorInvalidValue; // read-only
  }
  return cudaErrorInvalidValue;
}

cudaError_t MemoryPool::getAttribute(cudaMemPoolAttr attribute, void *value) {
  std::lock_guard<std::mutex> lock(mutex);
  switch (attribute) {
  case cudaMemPoolReuseFollowEventDependencies:
    *static_cast<int *>(value) = followEventDependencies;
    return cudaSuccess;
  case cudaMemPoolReuseAllowOpportunistic:
    *static_cast<int *>(value) = allowOpportunistic;
    return cudaSuccess;
  case cudaMemPoolReuseAllowInternalDependencies:
    *static_cast<int *>(value) = allowInternalDependencies;
    return cudaSuccess;
  case cudaMemPoolAttrReleaseThreshold:
    *static_cast<uint64_t *>(value) = releaseThreshold;
    return cudaSuccess;
  case cudaMemPoolAttrReservedMemCurrent:
    *static_cast<uint64_t *>(value) = reserved;
    return cudaSuccess;
  case cudaMemPoolAttrReservedMemHigh:
    *static_cast<uint64_t *>(value) = reservedHigh;
    return cudaSuccess;
  case cudaMemPoolAttrUsedMemCurrent:
    *static_cast<uint64_t *>(value) = used;
    return cudaSuccess;
  case cudaMemPoolAttrUsedMemHigh:
    *static_cast<uint64_t *>(value) = usedHigh;
    return cudaSuccess;
  }
  return cudaErrorInvalidValue;
}

MemoryPools::MemoryPools(Device &device)
    : device(device), defaultOne(std::make_unique<MemoryPool>(device, 0)),
      currentOne(defaultOne.get()) {}

MemoryPool &MemoryPools::current() {
  std::lock_guard<std::mutex> lock(mutex);
  return *currentOne;
}

void MemoryPools::setCurrent(MemoryPool &pool) {
  std::lock_guard<std::mutex> lock(mutex);
  currentOne = &pool;
}

MemoryPool &MemoryPools::create(size_t maxBytes) {
  auto pool = std::make_unique<MemoryPool>(device, maxBytes);
  MemoryPool &made = *pool;
  std::lock_guard<std::mutex> lock(mutex);
  created[&made] = std::move(pool);
  return made;
}

bool MemoryPools::known(const MemoryPool *pool) {
  std::lock_guard<std::mutex> lock(mutex);
  return pool == defaultOne.get() || created.count(const_cast<MemoryPool *>(pool));
}

cudaError_t MemoryPools::destroy(MemoryPool *pool) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = created.find(pool);
  if (found == created.end())
    return cudaErrorInvalidValue;
  // A destroyed current pool leaves the device with its default one, as in CUDA.
  if (currentOne == pool)
    currentOne = defaultOne.get();
  pool->trimTo(0);
  destroyed.push_back(std::move(found->second));
  created.erase(found);
  return cudaSuccess;
}

cudaError_t MemoryPools::allocate(MemoryPool &pool, size_t bytes,
                                  const std::shared_ptr<Stream> &stream, void **pointer) {
  if (cudaError_t error = pool.allocate(bytes, *stream, pointer); error != cudaSuccess) {
    CUPORT_ERROR("cannot allocate %zu bytes from a memory pool", bytes);
    return error;
  }
  device.allocations().add(*pointer, bytes, AllocationKind::Pool);
  std::lock_guard<std::mutex> lock(mutex);
  owners[*pointer] = &pool;
  return cudaSuccess;
}

cudaError_t MemoryPools::free(void *pointer, const std::shared_ptr<Stream> &stream) {
  MemoryPool *pool = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = owners.find(pointer);
    if (found == owners.end())
      return cudaErrorInvalidValue;
    pool = found->second;
    owners.erase(found);
  }
  device.allocations().remove(pointer, AllocationKind::Pool);
  // The block is free once the stream gets here, after the stream's earlier work and the legacy
  // stream's implicit dependencies: the piece of work queued here marks that point.
  auto reached = std::make_shared<std::atomic<bool>>(false);
  pool->free(pointer, *stream, reached);
  Work work;
  work.type = cudaGraphNodeTypeEmpty;
  work.run = [pool, reached]() -> cudaError_t {
    reached->store(true);
    pool->trimToThreshold();
    return cudaSuccess;
  };
  device.streams().submit(*stream, std::move(work));
  return cudaSuccess;
}

MemoryPools &memoryPools(Device &device) {
  static MemoryPools *pools = new MemoryPools(device); // one device; lives until exit
  return *pools;
}

} // namespace cuport::core
