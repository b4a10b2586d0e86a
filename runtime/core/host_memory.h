// Page-locked host memory: blocks cudaMallocHost / cudaHostAlloc hand out and ranges the program
// registers with cudaHostRegister. Copies use it to tell pinned host memory (asynchronous copies
// may return at once) from pageable memory (they must wait for the copy), and
// cudaPointerGetAttributes reports it as cudaMemoryTypeHost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include <driver_types.h>

namespace cuport::core {

struct HostRange {
  uintptr_t base = 0;
  size_t size = 0;
  unsigned flags = 0;      // the cudaHostAlloc* or cudaHostRegister* flags it was made with
  bool registered = false; // cudaHostRegister'd (the program owns the memory)
};

class HostMemoryTable {
public:
  // cudaHostAlloc: flags already validated. Zero bytes gives nullptr.
  cudaError_t allocate(size_t bytes, unsigned flags, void **pointer);
  // cudaFreeHost: `pointer` must be a block allocate() returned.
  cudaError_t release(void *pointer);
  // cudaHostRegister: cudaErrorHostMemoryAlreadyRegistered when it overlaps a known range.
  cudaError_t registerRange(void *pointer, size_t bytes, unsigned flags);
  // cudaHostUnregister: `pointer` must be the start of a registered range.
  cudaError_t unregisterRange(void *pointer);
  // The pinned range holding `pointer`, if any.
  std::optional<HostRange> find(const void *pointer) const;
  // Whether [pointer, pointer + bytes) lies inside one pinned range.
  bool containsRange(const void *pointer, size_t bytes) const;

private:
  std::optional<HostRange> findLocked(uintptr_t address) const;
  bool overlapsLocked(uintptr_t base, size_t size) const;

  mutable std::mutex mutex;
  std::map<uintptr_t, HostRange> ranges; // by base address
};

// The process's one table (pinned memory is not tied to a device).
HostMemoryTable &hostMemory();

} // namespace cuport::core
