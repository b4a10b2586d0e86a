// The device memory ranges the runtime knows: cudaMalloc'd and cudaMallocManaged blocks (which
// cudaFree may release), blocks of stream-ordered memory pools (which cudaFreeAsync releases) and
// module globals (__device__ / __constant__ / __managed__ variables, which nothing may). Used to
// validate the pointers given to cudaFree, cudaMemcpy and cudaMemset and to classify pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace cuport::core {

// ManagedGlobal: a module global that is a __managed__ variable.
enum class AllocationKind { Malloc, Managed, Pool, ModuleGlobal, ManagedGlobal };

struct Allocation {
  uintptr_t base = 0;
  size_t size = 0;
  AllocationKind kind = AllocationKind::Malloc;
};

class AllocationRegistry {
public:
  void add(const void *base, size_t size, AllocationKind kind);
  // Removes the range that starts exactly at `base`; false when there is none of that kind.
  bool remove(const void *base, AllocationKind kind);
  // The range holding `pointer`, if any.
  std::optional<Allocation> find(const void *pointer) const;
  // Whether [pointer, pointer + bytes) lies inside one known range.
  bool containsRange(const void *pointer, size_t bytes) const;
  // Removes and returns every range of one kind (cudaDeviceReset frees them all).
  std::vector<Allocation> takeAll(AllocationKind kind);

private:
  mutable std::mutex mutex;
  std::map<uintptr_t, Allocation> ranges; // by base address
};

} // namespace cuport::core
