// The drivers a conformance case runs on: cuport's compiler and CPU backend, or a real CUDA
// driver loaded at run time to confirm the expected values on a GPU.
#pragma once

#include "tests/ptx/conformance.h"

#include <memory>
#include <string>
#include <vector>

namespace cuport::conformance {

class Driver {
public:
  virtual ~Driver() = default;
  // Runs `launch`. references[i], when present and not empty, names the module's .texref /
  // .surfref that objects[i] binds (its image and sampler) instead of passing its handle.
  virtual Outcome run(const Launch &launch, const std::vector<std::string> &references) = 0;
  // What ran the case, for the confirmation report: driver version and device name.
  virtual std::string describe() = 0;
  // Whether the cases ran on an NVIDIA GPU, so that passing them confirms the expected values
  // (tests/ptx/confirmed.txt). Not for the cuport driver, nor for the CUDA driver when the
  // libcuda.so.1 it opened is cuport's own.
  virtual bool confirmsOnHardware() { return false; }
};

// CUresult values (cuda.h) the drivers report, so a case compares the same code on both.
enum DriverError : int {
  kErrorInvalidValue = 1,
  kErrorOutOfMemory = 2,
  kErrorNotInitialized = 3,
  kErrorNoDevice = 100,
  kErrorInvalidPtx = 218,
  kErrorNotFound = 500,
  kErrorIllegalAddress = 700,
  kErrorLaunchOutOfResources = 701,
  kErrorAssert = 710,
  kErrorMisalignedAddress = 716,
  kErrorLaunchFailed = 719,
  kErrorCooperativeLaunchTooLarge = 720,
  kErrorNotSupported = 801,
  kErrorUnknown = 999,
};

std::unique_ptr<Driver> makeCuportDriver();
std::unique_ptr<Driver> makeCudaDriver();

// The driver CUPORT_PTX_DRIVER names ("cuport", the default, or "cuda"), created on first use.
Driver &activeDriver();

} // namespace cuport::conformance
