// The version of libcuport.so, so that a program or a bug report can tell which build of the
// shared core a process loaded (libcudart.so.N and libcuda.so.1 both run on it).
#include "runtime/core/library_version.h"

namespace cuport::core {

const char *libraryVersion() {
  return CUPORT_VERSION_STRING;
}

} // namespace cuport::core
