// The one device cuport exposes: it owns the backend, the allocation registry, the streams, the
// events and the gate kernel launches pass. Created at first use, never destroyed (API calls may
// come from atexit handlers and other threads until the process ends).
#pragma once

#include "backends/backend.h"
#include "runtime/core/allocation_registry.h"
#include "runtime/core/event.h"
#include "runtime/core/launch_gate.h"
#include "runtime/core/stream_set.h"

#include <atomic>

#include <driver_types.h>

namespace cuport::core {

class Device {
public:
  const cuport_backend &backend() const { return *backendTable; }
  void *self() const { return backendTable->self; }
  const cuport_device_info &info() const { return deviceInfo; }
  // The compute capability as one number (75 for 7.5), the fatbin entry we ask for.
  uint32_t smArch() const;

  AllocationRegistry &allocations() { return allocationRegistry; }
  StreamSet &streams() { return streamSet; }
  EventTable &events() { return eventTable; }
  LaunchGate &launchGate() { return gate; }

  // Set once a kernel that calls malloc/free (or printf) has launched: from then until
  // cudaDeviceReset, CUDA refuses to resize the device heap (or the printf FIFO).
  void noteHeapUserLaunched() { heapUserLaunched.store(true); }
  void notePrintfUserLaunched() { printfUserLaunched.store(true); }
  bool heapUserHasLaunched() const { return heapUserLaunched.load(); }
  bool printfUserHasLaunched() const { return printfUserLaunched.load(); }

  // Set by the first runtime API call: from then on, as with NVIDIA's libcudart, the device's
  // primary context is active and current in every thread that has no driver API context.
  void noteRuntimeApiUse() { runtimeApiUser.store(true, std::memory_order_relaxed); }
  bool runtimeApiUsed() const { return runtimeApiUser.load(std::memory_order_relaxed); }

  // Prints the device printf records kernels have queued so far (CUDA prints them at
  // synchronization points, blocking copies, launches and reset).
  void flushPrintf() const;

  // Bumped by every cudaDeviceReset: objects resolved against an older generation (modules,
  // kernels, variables) resolve again.
  uint64_t generation() const;
  // cudaDeviceReset: waits for the device, unloads every module, frees every allocation,
  // destroys every created stream and every event and clears the sticky error.
  void reset();

private:
  friend cudaError_t acquireDevice(Device *&device);
  explicit Device(const cuport_backend *backend, const cuport_device_info &info);

  const cuport_backend *backendTable;
  cuport_device_info deviceInfo;
  AllocationRegistry allocationRegistry;
  StreamSet streamSet;
  EventTable eventTable;
  LaunchGate gate;
  std::atomic<bool> heapUserLaunched{false};
  std::atomic<bool> printfUserLaunched{false};
  std::atomic<bool> runtimeApiUser{false};
};

// The device, created on first call; cudaErrorNoDevice (logged once) when no backend loads.
cudaError_t acquireDevice(Device *&device);
// The device if an earlier call created it, else nullptr (exit-time unregistration must not
// start a backend).
Device *existingDevice();

} // namespace cuport::core
