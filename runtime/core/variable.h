// A __device__ or __constant__ variable a program registered: the host shadow's address, the
// module holding it and its PTX name. Its device address is known once the module loads.
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

  // Set by Module::load; valid while `generation` is the device's.
  void *deviceAddress = nullptr;
  uint64_t generation = UINT64_MAX;
};

} // namespace cuport::core
