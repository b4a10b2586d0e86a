// Stream-ordered allocation (cudaMallocAsync, cudaFreeAsync) and memory pools. A freed block goes
// back to its pool tagged with the stream of the free: work later on the same stream may reuse it
// at once (stream order puts it after the free), other streams only once the stream has reached
// the free (a piece of work queued by cudaFreeAsync marks it). Idle memory above the pool's
// release threshold goes back to the backend as soon as its free is reached.
#pragma once

#include "runtime/core/stream.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

class Device;

class MemoryPool {
public:
  MemoryPool(Device &device, size_t maxBytes);
  MemoryPool(const MemoryPool &) = delete;
  MemoryPool &operator=(const MemoryPool &) = delete;

  cudaError_t allocate(size_t bytes, Stream &stream, void **pointer);
  // `pointer` is one of this pool's blocks in use, freed on `stream`; `reached` turns true when
  // the stream gets to the free.
  void free(void *pointer, const Stream &stream, std::shared_ptr<std::atomic<bool>> reached);
  // Releases idle blocks whose frees have been reached until at most `keepBytes` stay reserved.
  void trimTo(size_t keepBytes);
  // Releases what exceeds the release threshold (when a free is reached).
  void trimToThreshold();
  cudaError_t setAttribute(cudaMemPoolAttr attribute, const void *value);
  cudaError_t getAttribute(cudaMemPoolAttr attribute, void *value);
  bool inUse() const;

private:
  struct Block {
    void *base = nullptr;
    size_t size = 0;
    const Stream *freedOn = nullptr;
    std::shared_ptr<std::atomic<bool>> reached;
  };
  void trimLocked(size_t keepBytes);

  Device &device;
  const size_t maxBytes; // 0: no limit
  mutable std::mutex mutex;
  std::vector<Block> idle;
  std::map<void *, size_t> busy; // block -> size
  uint64_t reserved = 0, reservedHigh = 0, used = 0, usedHigh = 0;
  uint64_t releaseThreshold = 0;
  // Reuse policies. Across streams a block is reused only once its free has been reached
  // (opportunistic reuse, which allowOpportunistic = 0 turns off); reuse through event
  // dependencies or through waits the allocator would insert is never done, so those two
  // settings are kept and reported but can only ever forbid what is not done anyway.
  int followEventDependencies = 1, allowOpportunistic = 1, allowInternalDependencies = 1;
};

// The device's pools: the default one, the current one (cudaDeviceSetMemPool), the created ones
// and which pool each stream-ordered block came from. Pool objects live until the process ends:
// queued frees may still refer to a destroyed pool, which only gives its idle memory back.
class MemoryPools {
public:
  explicit MemoryPools(Device &device);

  MemoryPool &defaultPool() { return *defaultOne; }
  MemoryPool &current();
  void setCurrent(MemoryPool &pool);
  MemoryPool &create(size_t maxBytes);
  // cudaErrorInvalidValue for the default pool or an unknown one. Blocks still in use stay valid
  // until freed.
  cudaError_t destroy(MemoryPool *pool);
  // Whether `pool` is the default or a live created pool.
  bool known(const MemoryPool *pool);

  // cudaMallocFromPoolAsync / cudaMallocAsync.
  cudaError_t allocate(MemoryPool &pool, size_t bytes, const std::shared_ptr<Stream> &stream,
                       void **pointer);
  // cudaFreeAsync: cudaErrorInvalidValue when `pointer` is no stream-ordered block in use.
  cudaError_t free(void *pointer, const std::shared_ptr<Stream> &stream);

private:
  Device &device;
  std::mutex mutex;
  std::unique_ptr<MemoryPool> defaultOne;
  MemoryPool *currentOne;
  std::map<MemoryPool *, std::unique_ptr<MemoryPool>> created;
  std::vector<std::unique_ptr<MemoryPool>> destroyed;
  std::map<void *, MemoryPool *> owners;
};

// The device's pool set, made at first use.
MemoryPools &memoryPools(Device &device);

} // namespace cuport::core
