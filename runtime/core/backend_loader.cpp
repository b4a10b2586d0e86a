#include "runtime/core/backend_loader.h"

#include "backends/cpu/cpu_backend.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

namespace cuport::core {
namespace {

const cuport_backend *loadFromLibrary(const char *path, std::string &error) {
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    error = std::string("cannot load backend library: ") + dlerror();
    return nullptr;
  }
  auto create =
      reinterpret_cast<cuport_backend_create_fn>(dlsym(library, CUPORT_BACKEND_CREATE_SYMBOL));
  if (!create) {
    error = std::string(path) + " does not export " CUPORT_BACKEND_CREATE_SYMBOL;
    dlclose(library);
    return nullptr;
  }
  // The library stays loaded for the life of the process: the backend's code lives in it.
  return create();
}

// The name of the first entry point a backend left null, or nullptr when it filled them all.
const char *missingEntryPoint(const cuport_backend &backend) {
#define CUPORT_REQUIRE(field)                                                                      \
  if (!backend.field)                                                                              \
    return #field;
  CUPORT_REQUIRE(get_device_info)
  CUPORT_REQUIRE(mem_alloc)
  CUPORT_REQUIRE(mem_free)
  CUPORT_REQUIRE(memcpy)
  CUPORT_REQUIRE(memset)
  CUPORT_REQUIRE(module_load)
  CUPORT_REQUIRE(module_unload)
  CUPORT_REQUIRE(module_get_global)
  CUPORT_REQUIRE(module_get_kernel)
  CUPORT_REQUIRE(kernel_get_attributes)
  CUPORT_REQUIRE(launch)
#undef CUPORT_REQUIRE
  return nullptr;
}

} // namespace

const cuport_backend *loadBackend(std::string &error) {
  const char *choice = std::getenv("CUPORT_BACKEND");
  const cuport_backend *backend = nullptr;
  std::string origin;
  if (!choice || !*choice || std::strcmp(choice, "cpu") == 0) {
    origin = "the built-in cpu backend";
    backend = cuport_cpu_backend_create();
  } else {
    origin = choice;
    backend = loadFromLibrary(choice, error);
    if (!backend && !error.empty())
      return nullptr;
  }
  if (!backend) {
    error = origin + " could not be created";
    return nullptr;
  }
  if (backend->abi_version != CUPORT_BACKEND_ABI_VERSION) {
    error = origin + " speaks backend ABI version " + std::to_string(backend->abi_version) +
            ", cuport speaks version " + std::to_string(CUPORT_BACKEND_ABI_VERSION);
    return nullptr;
  }
  if (const char *missing = missingEntryPoint(*backend)) {
    error = origin + " does not provide " + missing;
    return nullptr;
  }
  return backend;
}

} // namespace cuport::core
