// CUDA's error model: each host thread has its own last error (cudaGetLastError clears it,
// cudaPeekAtLastError does not); bad launch configurations and handles fail the call; a kernel
// that faults corrupts the device: the next synchronizing call and every later call report the
// sticky error until cudaDeviceReset, after which work runs again. assert() in a kernel is
// cudaErrorAssert.
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

#define EXPECT_STATUS(call, expected)                                                              \
  do {                                                                                             \
    cudaError_t got = (call);                                                                      \
    if (got != (expected)) {                                                                       \
      std::printf("%s:%d: %s returned %s, expected %s\nFAIL\n", __FILE__, __LINE__, #call,         \
                  cudaGetErrorName(got), cudaGetErrorName(expected));                              \
      return EXIT_FAILURE;                                                                         \
    }                                                                                              \
  } while (0)

__global__ void iota(int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = i;
}

// Writes far beyond the buffer: no memory is there.
__global__ void writeFarAway(int *out, long long distance) {
  out[distance] = 1;
}

__global__ void trapWhenAsked(int *out, int ask) {
  if (ask)
    __trap();
  out[0] = 1;
}

__global__ void assertPositive(const int *values, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    assert(values[i] > 0);
}

namespace {

constexpr int kN = 256;

int checkIota(int *buffer) {
  std::vector<int> host(kN, -1);
  CHECK(cudaMemcpy(host.data(), buffer, kN * sizeof(int), cudaMemcpyDeviceToHost));
  for (int i = 0; i < kN; ++i)
    if (host[i] != i) {
      std::printf("element %d is %d\nFAIL\n", i, host[i]);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

int lastErrorPerThread() {
  EXPECT_STATUS(cudaGetLastError(), cudaSuccess);
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  iota<<<1, 4096>>>(buffer, kN); // more threads per block than the device allows
  EXPECT_STATUS(cudaPeekAtLastError(), cudaErrorInvalidConfiguration);
  EXPECT_STATUS(cudaPeekAtLastError(), cudaErrorInvalidConfiguration);

  // Another thread has its own last error.
  cudaError_t otherBefore = cudaErrorUnknown, otherAfter = cudaErrorUnknown;
  std::thread other([&] {
    otherBefore = cudaGetLastError();
    (void)cudaStreamSynchronize(reinterpret_cast<cudaStream_t>(&otherBefore)); // not a stream
    otherAfter = cudaPeekAtLastError();
  });
  other.join();
  EXPECT_STATUS(otherBefore, cudaSuccess);
  EXPECT_STATUS(otherAfter, cudaErrorInvalidResourceHandle);

  EXPECT_STATUS(cudaGetLastError(), cudaErrorInvalidConfiguration);
  EXPECT_STATUS(cudaGetLastError(), cudaSuccess);
  // A later successful call does not clear the last error; a later failure replaces it.
  iota<<<0, 32>>>(buffer, kN);
  CHECK(cudaDeviceSynchronize());
  EXPECT_STATUS(cudaPeekAtLastError(), cudaErrorInvalidConfiguration);
  EXPECT_STATUS(cudaEventDestroy(nullptr), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaGetLastError(), cudaErrorInvalidResourceHandle);
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

int invalidConfigurations() {
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  cudaDeviceProp properties;
  CHECK(cudaGetDeviceProperties(&properties, 0));
  const dim3 bad[][2] = {
      {dim3(0), dim3(32)},                                    // empty grid
      {dim3(1), dim3(0)},                                     // empty block
      {dim3(1), dim3(properties.maxThreadsPerBlock + 1)},     // too many threads
      {dim3(1), dim3(1, 1, properties.maxThreadsDim[2] + 1)}, // block z too large
      {dim3(1, properties.maxGridSize[1] + 1), dim3(1)},      // grid y too large
  };
  for (const auto &configuration : bad) {
    iota<<<configuration[0], configuration[1]>>>(buffer, kN);
    EXPECT_STATUS(cudaGetLastError(), cudaErrorInvalidConfiguration);
  }
  // Nothing ran and nothing is stuck: the device still works.
  iota<<<1, kN>>>(buffer, kN);
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());
  if (checkIota(buffer) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

int invalidHandles() {
  cudaStream_t stream;
  cudaEvent_t event;
  CHECK(cudaStreamCreate(&stream));
  CHECK(cudaEventCreate(&event));
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaEventDestroy(event));
  // Destroyed handles (undefined behaviour in CUDA; cuport checks them and says so).
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  iota<<<1, kN, 0, stream>>>(buffer, kN);
  EXPECT_STATUS(cudaGetLastError(), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaStreamSynchronize(stream), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaStreamQuery(stream), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaEventRecord(event, 0), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaEventSynchronize(event), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaStreamWaitEvent(0, event, 0), cudaErrorInvalidResourceHandle);
  // Null pointers and flags CUDA rejects.
  EXPECT_STATUS(cudaStreamCreate(nullptr), cudaErrorInvalidValue);
  EXPECT_STATUS(cudaEventCreate(nullptr), cudaErrorInvalidValue);
  EXPECT_STATUS(cudaEventCreateWithFlags(&event, 0x80), cudaErrorInvalidValue);
  EXPECT_STATUS(cudaStreamGetPriority(0, nullptr), cudaErrorInvalidValue);
  // The default streams cannot be destroyed.
  EXPECT_STATUS(cudaStreamDestroy(cudaStreamLegacy), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaGetLastError(), cudaErrorInvalidResourceHandle);
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

// After a fault every call reports it, until cudaDeviceReset.
int stickyFault(const char *what, cudaError_t expected, void (*launch)(int *)) {
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  cudaEvent_t event;
  CHECK(cudaEventCreate(&event));
  launch(buffer);
  // The launch itself succeeds; the fault comes later, possibly already by this call.
  cudaError_t launched = cudaGetLastError();
  if (launched != cudaSuccess && launched != expected) {
    std::printf("launch returned %s\nFAIL\n", cudaGetErrorName(launched));
    return EXIT_FAILURE;
  }
  EXPECT_STATUS(cudaDeviceSynchronize(), expected);
  EXPECT_STATUS(cudaDeviceSynchronize(), expected);
  EXPECT_STATUS(cudaGetLastError(), expected);
  EXPECT_STATUS(cudaGetLastError(), expected); // sticky: not cleared by reading it
  EXPECT_STATUS(cudaPeekAtLastError(), expected);
  void *more = nullptr;
  EXPECT_STATUS(cudaMalloc(&more, 64), expected);
  std::vector<int> host(kN);
  EXPECT_STATUS(cudaMemcpy(host.data(), buffer, kN * sizeof(int), cudaMemcpyDeviceToHost),
                expected);
  iota<<<1, kN, 0, stream>>>(buffer, kN);
  EXPECT_STATUS(cudaGetLastError(), expected);
  EXPECT_STATUS(cudaStreamSynchronize(stream), expected);
  EXPECT_STATUS(cudaStreamQuery(stream), expected);
  EXPECT_STATUS(cudaEventRecord(event, stream), expected);
  EXPECT_STATUS(cudaEventSynchronize(event), expected);
  EXPECT_STATUS(cudaEventQuery(event), expected);
  cudaStream_t another;
  EXPECT_STATUS(cudaStreamCreate(&another), expected);
  // Another host thread sees it too.
  cudaError_t seen = cudaSuccess;
  std::thread other([&] { seen = cudaGetLastError(); });
  other.join();
  EXPECT_STATUS(seen, expected);

  CHECK(cudaDeviceReset());
  CHECK(cudaGetLastError());
  // The reset destroyed the streams and events (cuport checks the stale handles).
  EXPECT_STATUS(cudaStreamQuery(stream), cudaErrorInvalidResourceHandle);
  EXPECT_STATUS(cudaEventQuery(event), cudaErrorInvalidResourceHandle);
  (void)cudaGetLastError();
  // A fresh start: new allocations, streams and kernels work.
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  CHECK(cudaStreamCreate(&stream));
  iota<<<1, kN, 0, stream>>>(buffer, kN);
  CHECK(cudaGetLastError());
  CHECK(cudaStreamSynchronize(stream));
  if (checkIota(buffer) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(buffer));
  std::printf("error_handling: %s -> %s, cleared by cudaDeviceReset\n", what,
              cudaGetErrorName(expected));
  return EXIT_SUCCESS;
}

void launchFarWrite(int *buffer) {
  writeFarAway<<<1, 1>>>(buffer, 1LL << 40);
}

void launchTrap(int *buffer) {
  trapWhenAsked<<<1, 1>>>(buffer, 1);
}

int *assertInput = nullptr;
void launchAssert(int *) {
  assertPositive<<<1, kN>>>(assertInput, kN);
}

} // namespace

int main() {
  if (lastErrorPerThread() != EXIT_SUCCESS || invalidConfigurations() != EXIT_SUCCESS ||
      invalidHandles() != EXIT_SUCCESS)
    return EXIT_FAILURE;
  std::printf("error_handling: last errors, configurations and handles ok\n");
  if (stickyFault("out-of-bounds write", cudaErrorIllegalAddress, launchFarWrite) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  if (stickyFault("__trap()", cudaErrorLaunchFailure, launchTrap) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  std::vector<int> values(kN, 1);
  values[kN / 2] = 0;
  CHECK(cudaMalloc(&assertInput, kN * sizeof(int)));
  CHECK(cudaMemcpy(assertInput, values.data(), kN * sizeof(int), cudaMemcpyHostToDevice));
  if (stickyFault("assert()", cudaErrorAssert, launchAssert) != EXIT_SUCCESS)
    return EXIT_FAILURE;
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
