// A program that uses only the CUDA driver API (libcuda.so.1): cuInit, a created context, a module
// loaded from the PTX nvcc -ptx wrote (its path is the first argument), launches with
// kernelParams and with a packed parameter buffer, copies, fills and a module global, each result
// checked against the host's.
#include <cuda.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#define CHECK_CU(call)                                                                             \
  do {                                                                                             \
    CUresult status = (call);                                                                      \
    if (status != CUDA_SUCCESS) {                                                                  \
      const char *name = nullptr;                                                                  \
      cuGetErrorName(status, &name);                                                               \
      std::printf("%s:%d: %s failed: %s\nFAIL\n", __FILE__, __LINE__, #call,                       \
                  name ? name : "unknown error");                                                  \
      return EXIT_FAILURE;                                                                         \
    }                                                                                              \
  } while (0)

#define EXPECT(condition)                                                                          \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::printf("%s:%d: expected %s\nFAIL\n", __FILE__, __LINE__, #condition);                   \
      return EXIT_FAILURE;                                                                         \
    }                                                                                              \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 2) {
    std::printf("usage: driver_api KERNELS.ptx\nFAIL\n");
    return EXIT_FAILURE;
  }
  std::ifstream file(argv[1]);
  std::string ptx((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT(!ptx.empty());

  CHECK_CU(cuInit(0));
  CUdevice device;
  CHECK_CU(cuDeviceGet(&device, 0));
  char name[128];
  CHECK_CU(cuDeviceGetName(name, sizeof name, device));
  CUcontext context;
  CHECK_CU(cuCtxCreate(&context, nullptr, 0, device));

  char errorLog[4096] = "";
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof errorLog)};
  CUmodule module;
  CUresult loaded = cuModuleLoadDataEx(&module, ptx.c_str(), 2, options, values);
  if (loaded != CUDA_SUCCESS)
    std::printf("%s\n", errorLog);
  CHECK_CU(loaded);
  CUfunction saxpy, blockSum, countLaunch;
  CHECK_CU(cuModuleGetFunction(&saxpy, module, "saxpy"));
  CHECK_CU(cuModuleGetFunction(&blockSum, module, "block_sum"));
  CHECK_CU(cuModuleGetFunction(&countLaunch, module, "count_launch"));

  // saxpy with kernelParams, more elements than threads.
  int n = 100003;
  float a = -1.75f;
  std::vector<float> x(n), y(n), expected(n);
  for (int i = 0; i < n; ++i) {
    x[i] = std::sin(static_cast<float>(i));
    y[i] = std::cos(static_cast<float>(i)) * 2.0f;
    expected[i] = std::fma(a, x[i], y[i]);
  }
  CUdeviceptr dx, dy;
  CHECK_CU(cuMemAlloc(&dx, n * sizeof(float)));
  CHECK_CU(cuMemAlloc(&dy, n * sizeof(float)));
  CHECK_CU(cuMemcpyHtoD(dx, x.data(), n * sizeof(float)));
  CHECK_CU(cuMemcpyHtoD(dy, y.data(), n * sizeof(float)));
  void *saxpyArgs[] = {&n, &a, &dx, &dy};
  CHECK_CU(cuLaunchKernel(saxpy, 64, 1, 1, 256, 1, 1, 0, nullptr, saxpyArgs, nullptr));
  CHECK_CU(cuCtxSynchronize());
  CHECK_CU(cuMemcpyDtoH(y.data(), dy, n * sizeof(float)));
  int errors = 0;
  for (int i = 0; i < n; ++i)
    if (y[i] != expected[i] && errors++ < 5)
      std::printf("saxpy mismatch at %d: %.9g != %.9g\n", i, y[i], expected[i]);

  // block_sum over a filled buffer, its arguments packed as one buffer (`extra`).
  const int count = 50000;
  CUdeviceptr dvalues, dtotal;
  CHECK_CU(cuMemAlloc(&dvalues, count * sizeof(unsigned)));
  CHECK_CU(cuMemAlloc(&dtotal, sizeof(unsigned long long)));
  CHECK_CU(cuMemsetD32(dvalues, 3u, count));
  CHECK_CU(cuMemsetD32(dvalues, 1000u, 10)); // the first ten differ
  CHECK_CU(cuMemsetD8(dtotal, 0, sizeof(unsigned long long)));
  struct {
    CUdeviceptr values;
    int n;
    int pad;
    CUdeviceptr total;
  } packed{dvalues, count, 0, dtotal};
  size_t packedSize = sizeof packed;
  void *extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &packed, CU_LAUNCH_PARAM_BUFFER_SIZE,
                   &packedSize, CU_LAUNCH_PARAM_END};
  const unsigned threads = 128;
  CHECK_CU(cuLaunchKernel(blockSum, 16, 1, 1, threads, 1, 1, threads * sizeof(unsigned), nullptr,
                          nullptr, extra));
  unsigned long long total = 0;
  CHECK_CU(cuMemcpyDtoH(&total, dtotal, sizeof total));
  unsigned long long expectedTotal = 10ull * 1000 + (count - 10ull) * 3;
  if (total != expectedTotal) {
    std::printf("block_sum: %llu != %llu\n", total, expectedTotal);
    ++errors;
  }

  // A module global: set from the host, incremented by three launches, read back.
  CUdeviceptr launches;
  size_t launchesBytes;
  CHECK_CU(cuModuleGetGlobal(&launches, &launchesBytes, module, "launches"));
  EXPECT(launchesBytes == sizeof(int));
  int start = 40;
  CHECK_CU(cuMemcpyHtoD(launches, &start, sizeof start));
  for (int i = 0; i < 3; ++i)
    CHECK_CU(cuLaunchKernel(countLaunch, 2, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr));
  int counted = 0;
  CHECK_CU(cuMemcpyDtoH(&counted, launches, sizeof counted));
  if (counted != start + 3) {
    std::printf("launches: %d != %d\n", counted, start + 3);
    ++errors;
  }

  CHECK_CU(cuMemFree(dx));
  CHECK_CU(cuMemFree(dy));
  CHECK_CU(cuMemFree(dvalues));
  CHECK_CU(cuMemFree(dtotal));
  CHECK_CU(cuModuleUnload(module));
  CHECK_CU(cuCtxDestroy(context));
  std::printf("driver_api on %s: %d errors\n", name, errors);
  std::printf(errors == 0 ? "PASS\n" : "FAIL\n");
  return errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
