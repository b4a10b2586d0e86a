// A __device__, __constant__ or __managed__ variable a program registered: the host shadow's
// address, the module holding it and its PTX name. Its device address is known once the module
// loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cuport::core {

class Module;

struct Variable {
  Module *module = nullptr;
  const void *hostVariable = nullptr;
  std::string deviceName;
  size_t size = 0; // as the program registered it
  bool constant = false;
  // For a __managed__ variable: the host pointer through which host code reaches it (nvcc turns
  // host uses of the variable into *pointer); the module load points it at the device storage.
  void **managedHostPointer = nullptr;

  // Set by Module::load; valid while `generation` is the device's.
  void *deviceAddress = nullptr;
  uint64_t generation = UINT64_MAX;
};

} // namespace cuport::core
