// Stand-ins for the libcudart registration entry points, so that this test binary can link the
// host object nvcc compiled from kernels.cu. Its static constructor calls
// __cudaRegisterFatBinary with the real __fatBinC_Wrapper_t, which we keep for wrapper_test.cpp.
#include "tests/unit/fatbin/registration_capture.h"

#include <string>
#include <vector>

namespace {
std::vector<const void *> &wrappers() {
  static std::vector<const void *> captured;
  return captured;
}
std::vector<std::string> &kernelNames() {
  static std::vector<std::string> captured;
  return captured;
}
void *fakeHandle[1];
} // namespace

namespace cuport::fatbin::test {
const std::vector<const void *> &registeredWrappers() {
  return wrappers();
}
const std::vector<std::string> &registeredKernelNames() {
  return kernelNames();
}
} // namespace cuport::fatbin::test

// The names are CUDA's; the signatures only need to match what nvcc's stubs call.
extern "C" {
void **__cudaRegisterFatBinary(void *wrapper) {
  wrappers().push_back(wrapper);
  return fakeHandle;
}
void __cudaRegisterFatBinaryEnd(void **) {}
void __cudaUnregisterFatBinary(void **) {}
void __cudaRegisterFunction(void **, const char *, char *, const char *deviceName, int, void *,
                            void *, void *, void *, int *) {
  kernelNames().push_back(deviceName);
}
char __cudaInitModule(void **) {
  return 0;
}
// Reached only from the kernel launch stubs, which the tests never call.
unsigned __cudaPopCallConfiguration(void *, void *, void *, void *) {
  return 1;
}
unsigned __cudaLaunchKernel() {
  return 1;
}
unsigned __cudaGetKernel() {
  return 1;
}
}
