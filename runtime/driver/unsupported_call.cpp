// The body of every driver API entry point cuport does not implement yet (the generated stubs).
#include "runtime/driver/api.h"

#include "support/log.h"

extern "C" int cuport_driver_unsupported_call(const char *name) {
  CUPORT_ERROR("%s is not supported yet", name);
  return cuport::driver::finishCall(name, CUDA_ERROR_NOT_SUPPORTED, "%s", "");
}
