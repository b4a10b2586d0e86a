// Page-locked host memory (cuMemAllocHost, cuMemHostAlloc, cuMemFreeHost, cuMemHostRegister /
// Unregister, cuMemHostGetDevicePointer, cuMemHostGetFlags) and what a pointer is
// (cuPointerGetAttribute). The pinned-memory table is runtime/core's, shared with the runtime API.
// Kernels run in the host's address space, so pinned memory is always mapped, at its own address.
#include "runtime/driver/memory_stream.h"

#include "runtime/core/host_memory.h"
#include "runtime/core/memory.h"
#include "support/log.h"

#include <cstring>

using namespace cuport;
using namespace cuport::driver;

namespace {

// The CU_MEMHOSTALLOC_* and CU_MEMHOSTREGISTER_* bits are cudaHostAlloc* / cudaHostRegister*'s.
constexpr unsigned kHostAllocFlags =
    CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_WRITECOMBINED;
constexpr unsigned kHostRegisterFlags = CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP |
                                        CU_MEMHOSTREGISTER_IOMEMORY | CU_MEMHOSTREGISTER_READ_ONLY;

CUresult hostAlloc(const char *entry, void **pp, size_t bytesize, unsigned flags) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!pp || bytesize == 0 || (flags & ~kHostAllocFlags)))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::hostMemory().allocate(bytesize, flags, pp));
  return finishCall(entry, result, "bytesize=%zu flags=%#x -> %p", bytesize, flags,
                    result == CUDA_SUCCESS ? *pp : nullptr);
}

// What cuPointerGetAttribute reports of a pointer this device knows.
struct PointerFacts {
  core::MemoryKind kind = core::MemoryKind::Pageable;
  uintptr_t rangeBase = 0;
  size_t rangeSize = 0;
};

bool pointerFacts(core::Device &device, const void *pointer, PointerFacts &facts) {
  facts.kind = core::classify(device, pointer);
  if (std::optional<core::Allocation> range = device.allocations().find(pointer)) {
    facts.rangeBase = range->base;
    facts.rangeSize = range->size;
    return true;
  }
  if (std::optional<core::HostRange> range = core::hostMemory().find(pointer)) {
    facts.rangeBase = range->base;
    facts.rangeSize = range->size;
    return true;
  }
  return false;
}

template <typename Value> void store(void *data, Value value) {
  std::memcpy(data, &value, sizeof value);
}

// The size of an attribute's value, 0 for one this library does not report.
size_t attributeBytes(CUpointer_attribute attribute) {
  switch (attribute) {
  case CU_POINTER_ATTRIBUTE_CONTEXT:
    return sizeof(CUcontext);
  case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
  case CU_POINTER_ATTRIBUTE_ACCESS_FLAGS:
    return sizeof(unsigned);
  case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
  case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
    return sizeof(CUdeviceptr);
  case CU_POINTER_ATTRIBUTE_HOST_POINTER:
    return sizeof(void *);
  case CU_POINTER_ATTRIBUTE_SYNC_MEMOPS:
  case CU_POINTER_ATTRIBUTE_IS_MANAGED:
  case CU_POINTER_ATTRIBUTE_IS_LEGACY_CUDA_IPC_CAPABLE:
  case CU_POINTER_ATTRIBUTE_IS_GPU_DIRECT_RDMA_CAPABLE:
  case CU_POINTER_ATTRIBUTE_MAPPED:
    return sizeof(bool);
  case CU_POINTER_ATTRIBUTE_BUFFER_ID:
  case CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES:
    return sizeof(unsigned long long);
  case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
    return sizeof(int);
  case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
    return sizeof(size_t);
  default:
    return 0;
  }
}

// `known`: whether the pointer is memory the device knows. Where there is no value (unknown memory,
// a host address of device memory) the value is zeroed and the result CUDA_ERROR_INVALID_VALUE,
// which cuPointerGetAttributes turns into success.
CUresult pointerAttribute(core::Device &device, void *data, CUpointer_attribute attribute,
                          CUdeviceptr ptr, bool &known) {
  void *pointer = pointerOf(ptr);
  if (attributeBytes(attribute) == 0) {
    // Peer tokens, memory pools and virtual memory mappings: not kept for this memory.
    CUPORT_ERROR("pointer attribute %d is not supported", static_cast<int>(attribute));
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  PointerFacts facts;
  known = pointerFacts(device, pointer, facts);
  if (!known) {
    std::memset(data, 0, attributeBytes(attribute));
    return CUDA_ERROR_INVALID_VALUE;
  }
  bool host = facts.kind == core::MemoryKind::PinnedHost;
  bool managed = facts.kind == core::MemoryKind::Managed;
  switch (attribute) {
  case CU_POINTER_ATTRIBUTE_CONTEXT: {
    // Memory belongs to the device, shared by every context: report the calling thread's.
    store(data, handleOf(currentContext()));
    return CUDA_SUCCESS;
  }
  case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
    store(data, static_cast<unsigned>(host ? CU_MEMORYTYPE_HOST : CU_MEMORYTYPE_DEVICE));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
    store(data, ptr); // mapped at the same address
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_HOST_POINTER:
    if (!host && !managed) {
      store(data, static_cast<void *>(nullptr));
      return CUDA_ERROR_INVALID_VALUE; // device memory has no host address
    }
    store(data, pointer);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_SYNC_MEMOPS:
    // Copies to and from this memory are always ordered as CU_POINTER_ATTRIBUTE_SYNC_MEMOPS asks.
    store(data, static_cast<bool>(true));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_BUFFER_ID:
    // Unique while the allocation lives: its base address.
    store(data, static_cast<unsigned long long>(facts.rangeBase));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_IS_MANAGED:
    store(data, static_cast<bool>(managed));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
    store(data, 0);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_IS_LEGACY_CUDA_IPC_CAPABLE:
  case CU_POINTER_ATTRIBUTE_IS_GPU_DIRECT_RDMA_CAPABLE:
    store(data, static_cast<bool>(false));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
    store(data, static_cast<CUdeviceptr>(facts.rangeBase));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
    store(data, facts.rangeSize);
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_MAPPED:
    store(data, static_cast<bool>(true));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_ALLOWED_HANDLE_TYPES:
    store(data, static_cast<unsigned long long>(CU_MEM_HANDLE_TYPE_NONE));
    return CUDA_SUCCESS;
  case CU_POINTER_ATTRIBUTE_ACCESS_FLAGS:
    store(data, static_cast<unsigned>(CU_POINTER_ATTRIBUTE_ACCESS_FLAG_READWRITE));
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_NOT_SUPPORTED; // attributeBytes() said so already
  }
}

} // namespace

extern "C" {

CUresult cuMemAllocHost(void **pp, size_t bytesize) {
  return hostAlloc("cuMemAllocHost_v2", pp, bytesize, 0);
}

CUresult cuMemHostAlloc(void **pp, size_t bytesize, unsigned int Flags) {
  return hostAlloc("cuMemHostAlloc", pp, bytesize, Flags);
}

CUresult cuMemFreeHost(void *p) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS) {
    // Work queued earlier may still read or write the block.
    cudaError_t pending = core::synchronizeDevice(*device);
    cudaError_t released = core::hostMemory().release(p);
    result = fromRuntime(released != cudaSuccess ? released : pending);
  }
  return finishCall("cuMemFreeHost", result, "p=%p", p);
}

CUresult cuMemHostRegister(void *p, size_t bytesize, unsigned int Flags) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!p || bytesize == 0 || (Flags & ~kHostRegisterFlags)))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && (Flags & CU_MEMHOSTREGISTER_IOMEMORY)) {
    CUPORT_ERROR("cuMemHostRegister: CU_MEMHOSTREGISTER_IOMEMORY (device I/O memory) is not "
                 "supported");
    result = CUDA_ERROR_NOT_SUPPORTED;
  }
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::hostMemory().registerRange(p, bytesize, Flags));
  return finishCall("cuMemHostRegister_v2", result, "p=%p bytesize=%zu flags=%#x", p, bytesize,
                    Flags);
}

CUresult cuMemHostUnregister(void *p) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && !p)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    cudaError_t pending = core::synchronizeDevice(*device);
    cudaError_t removed = core::hostMemory().unregisterRange(p);
    result = fromRuntime(removed != cudaSuccess ? removed : pending);
  }
  return finishCall("cuMemHostUnregister", result, "p=%p", p);
}

CUresult cuMemHostGetDevicePointer(CUdeviceptr *pdptr, void *p, unsigned int Flags) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!pdptr || !p || Flags != 0))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && !core::hostMemory().find(p))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && !device->info().unified_addressing)
    result = CUDA_ERROR_NOT_SUPPORTED;
  if (result == CUDA_SUCCESS)
    *pdptr = reinterpret_cast<CUdeviceptr>(p); // the identity mapping
  return finishCall("cuMemHostGetDevicePointer_v2", result, "p=%p flags=%#x", p, Flags);
}

CUresult cuMemHostGetFlags(unsigned int *pFlags, void *p) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!pFlags || !p))
    result = CUDA_ERROR_INVALID_VALUE;
  std::optional<core::HostRange> range;
  if (result == CUDA_SUCCESS) {
    range = core::hostMemory().find(p);
    if (!range || range->registered)
      result = CUDA_ERROR_INVALID_VALUE;
  }
  // Every pinned block is mapped, as CUDA reports it on a unified-address device.
  if (result == CUDA_SUCCESS)
    *pFlags = range->flags | (device->info().unified_addressing ? CU_MEMHOSTALLOC_DEVICEMAP : 0u);
  return finishCall("cuMemHostGetFlags", result, "p=%p", p);
}

CUresult cuPointerGetAttribute(void *data, CUpointer_attribute attribute, CUdeviceptr ptr) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && !data)
    result = CUDA_ERROR_INVALID_VALUE;
  bool known = false;
  if (result == CUDA_SUCCESS)
    result = pointerAttribute(*device, data, attribute, ptr, known);
  if (result == CUDA_ERROR_INVALID_VALUE && !known)
    CUPORT_ERROR("cuPointerGetAttribute: %#llx is not memory the device knows",
                 static_cast<unsigned long long>(ptr));
  return finishCall("cuPointerGetAttribute", result, "attribute=%d ptr=%#llx",
                    static_cast<int>(attribute), static_cast<unsigned long long>(ptr));
}

CUresult cuPointerGetAttributes(unsigned int numAttributes, CUpointer_attribute *attributes,
                                void **data, CUdeviceptr ptr) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && numAttributes > 0 && (!attributes || !data))
    result = CUDA_ERROR_INVALID_VALUE;
  for (unsigned i = 0; result == CUDA_SUCCESS && i < numAttributes; ++i) {
    if (!data[i]) {
      result = CUDA_ERROR_INVALID_VALUE;
      break;
    }
    bool known = false;
    result = pointerAttribute(*device, data[i], attributes[i], ptr, known);
    // Memory no context knows, or a host address of device memory: a zero value, as cuda.h
    // documents.
    if (result == CUDA_ERROR_INVALID_VALUE)
      result = CUDA_SUCCESS;
  }
  return finishCall("cuPointerGetAttributes", result, "numAttributes=%u ptr=%#llx", numAttributes,
                    static_cast<unsigned long long>(ptr));
}

// Copies and fills of any memory already synchronize as CU_POINTER_ATTRIBUTE_SYNC_MEMOPS asks;
// it is the one attribute that can be set.
CUresult cuPointerSetAttribute(const void *value, CUpointer_attribute attribute, CUdeviceptr ptr) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!value || attribute != CU_POINTER_ATTRIBUTE_SYNC_MEMOPS))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && !device->allocations().find(pointerOf(ptr)))
    result = CUDA_ERROR_INVALID_VALUE;
  return finishCall("cuPointerSetAttribute", result, "attribute=%d ptr=%#llx",
                    static_cast<int>(attribute), static_cast<unsigned long long>(ptr));
}

} // extern "C"
