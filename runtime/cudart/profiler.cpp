// cudaProfilerStart / cudaProfilerStop delimit the region a profiler collects. No profiler attaches
// to cuport's device, so there is nothing to start or stop; CUDA itself returns cudaSuccess when
// the program runs without a profiler, which is what programs that call these expect.
#include "runtime/cudart/api.h"

using namespace cuport;

extern "C" {

cudaError_t cudaProfilerStart(void) {
  core::Device *device = nullptr;
  return core::finishCall("cudaProfilerStart", cudart::device(device));
}

cudaError_t cudaProfilerStop(void) {
  core::Device *device = nullptr;
  return core::finishCall("cudaProfilerStop", cudart::device(device));
}

} // extern "C"
