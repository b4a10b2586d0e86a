#include "runtime/core/limits.h"

#include "runtime/core/device.h"
#include "support/log.h"

#include <mutex>

namespace cuport::core {
namespace {

// The defaults CUDA documents for the limits it lets a program set.
constexpr size_t kDefaultStackSize = 1024;
constexpr size_t kDefaultPrintfFifoSize = 1u << 20;
constexpr size_t kDefaultMallocHeapSize = 8u << 20;
constexpr size_t kDefaultL2FetchGranularity = 32;

struct Limits {
  std::mutex mutex;
  size_t stackSize = kDefaultStackSize;
  size_t printfFifoSize = kDefaultPrintfFifoSize;
  size_t mallocHeapSize = kDefaultMallocHeapSize;
  size_t l2FetchGranularity = kDefaultL2FetchGranularity;
};

Limits &limits() {
  static Limits *instance = new Limits(); // never destroyed: API calls may come at exit
  return *instance;
}

} // namespace

cudaError_t setLimit(Device &device, cudaLimit limit, size_t value) {
  Limits &state = limits();
  std::lock_guard lock(state.mutex);
  switch (limit) {
  case cudaLimitStackSize:
    // Kernel threads run on the executor's worker stacks (megabytes each), which hold any stack
    // size a GPU would allow; the value is kept for cudaDeviceGetLimit.
    state.stackSize = value;
    return cudaSuccess;
  case cudaLimitPrintfFifoSize:
    if (device.printfUserHasLaunched()) {
      CUPORT_ERROR("cudaLimitPrintfFifoSize cannot change after a kernel using printf launched");
      return cudaErrorInvalidValue;
    }
    if (device.backend().set_printf_fifo_size) {
      cuport_status status = device.backend().set_printf_fifo_size(device.self(), value);
      if (status == CUPORT_ERROR_NOT_SUPPORTED)
        return cudaErrorUnsupportedLimit;
      if (status != CUPORT_OK)
        return cudaErrorInvalidValue;
    }
    state.printfFifoSize = value;
    return cudaSuccess;
  case cudaLimitMallocHeapSize: {
    if (device.heapUserHasLaunched()) {
      CUPORT_ERROR("cudaLimitMallocHeapSize cannot change after a kernel using malloc/free "
                   "launched (until cudaDeviceReset)");
      return cudaErrorInvalidValue;
    }
    const cuport_backend &backend = device.backend();
    if (!backend.set_device_heap_limit) {
      CUPORT_ERROR("backend %s has no device heap", backend.name);
      return cudaErrorUnsupportedLimit;
    }
    cuport_status status = backend.set_device_heap_limit(device.self(), value);
    if (status == CUPORT_ERROR_NOT_SUPPORTED)
      return cudaErrorUnsupportedLimit;
    if (status != CUPORT_OK) {
      CUPORT_ERROR("cudaLimitMallocHeapSize %zu is below what kernels have allocated now", value);
      return cudaErrorInvalidValue;
    }
    state.mallocHeapSize = value;
    return cudaSuccess;
  }
  case cudaLimitMaxL2FetchGranularity:
    if (value > 128)
      return cudaErrorInvalidValue;
    state.l2FetchGranularity = value; // a hint
    return cudaSuccess;
  case cudaLimitPersistingL2CacheSize:
    if (value == 0)
      return cudaSuccess; // persistingL2CacheMaxSize is 0
    CUPORT_ERROR("cudaLimitPersistingL2CacheSize: the device has no persisting L2 cache");
    return cudaErrorUnsupportedLimit;
  case cudaLimitDevRuntimeSyncDepth:
  case cudaLimitDevRuntimePendingLaunchCount:
    CUPORT_ERROR("limit %d belongs to the device runtime (dynamic parallelism), which this device "
                 "does not have",
                 static_cast<int>(limit));
    return cudaErrorUnsupportedLimit;
  default:
    return cudaErrorUnsupportedLimit;
  }
}

cudaError_t getLimit(cudaLimit limit, size_t &value) {
  Limits &state = limits();
  std::lock_guard lock(state.mutex);
  switch (limit) {
  case cudaLimitStackSize:
    value = state.stackSize;
    return cudaSuccess;
  case cudaLimitPrintfFifoSize:
    value = state.printfFifoSize;
    return cudaSuccess;
  case cudaLimitMallocHeapSize:
    value = state.mallocHeapSize;
    return cudaSuccess;
  case cudaLimitMaxL2FetchGranularity:
    value = state.l2FetchGranularity;
    return cudaSuccess;
  case cudaLimitPersistingL2CacheSize:
    value = 0;
    return cudaSuccess;
  default:
    return cudaErrorUnsupportedLimit;
  }
}

void resetLimits(Device &device) {
  Limits &state = limits();
  std::lock_guard lock(state.mutex);
  state.stackSize = kDefaultStackSize;
  state.printfFifoSize = kDefaultPrintfFifoSize;
  if (device.backend().set_printf_fifo_size)
    device.backend().set_printf_fifo_size(device.self(), kDefaultPrintfFifoSize);
  state.l2FetchGranularity = kDefaultL2FetchGranularity;
  if (!device.backend().set_device_heap_limit)
    return;
  cuport_status status =
      device.backend().set_device_heap_limit(device.self(), kDefaultMallocHeapSize);
  if (status == CUPORT_OK)
    state.mallocHeapSize = kDefaultMallocHeapSize;
  else if (status != CUPORT_ERROR_NOT_SUPPORTED)
    CUPORT_WARN("the device heap keeps its size: kernels still hold more than the default");
}

} // namespace cuport::core
