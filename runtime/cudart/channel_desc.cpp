// cudaCreateChannelDesc returns a struct, not a cudaError_t, so it cannot be left to the
// generated "not supported" definitions; it is pure arithmetic on its arguments anyway.
#include "runtime/cudart/api.h"

extern "C" struct cudaChannelFormatDesc cudaCreateChannelDesc(int x, int y, int z, int w,
                                                              enum cudaChannelFormatKind f) {
  cuport::core::traceCall("cudaCreateChannelDesc", "x=%d y=%d z=%d w=%d f=%d", x, y, z, w,
                          static_cast<int>(f));
  return cudaChannelFormatDesc{x, y, z, w, f};
}
