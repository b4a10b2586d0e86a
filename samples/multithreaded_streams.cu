// Many host threads use the runtime at once, each with its own streams and events: kernels on
// several streams joined through events, host synchronization, repeated. Every result is checked.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

__global__ void iota(int *out, int n, int base) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = base + i;
}

// out[i] = a[i] + b[i]
__global__ void add(const int *a, const int *b, int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = a[i] + b[i];
}

namespace {

constexpr int kHostThreads = 8;
constexpr int kRepeats = 6;
constexpr int kN = 1024;
constexpr int kThreads = 128;
constexpr int kBlocks = kN / kThreads;

// One repetition: two streams fill a and b, a third adds them after waiting on both events.
int repetition(int thread, int repeat) {
  cudaStream_t left, right, join;
  CHECK(cudaStreamCreate(&left));
  CHECK(cudaStreamCreateWithFlags(&right, cudaStreamNonBlocking));
  CHECK(cudaStreamCreateWithPriority(&join, cudaStreamNonBlocking, repeat % 2 ? -1 : 0));
  cudaEvent_t leftDone, rightDone, start, stop;
  CHECK(cudaEventCreateWithFlags(&leftDone, cudaEventDisableTiming));
  CHECK(cudaEventCreateWithFlags(&rightDone, cudaEventDisableTiming));
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  int *a, *b, *sum;
  CHECK(cudaMalloc(&a, kN * sizeof(int)));
  CHECK(cudaMalloc(&b, kN * sizeof(int)));
  CHECK(cudaMalloc(&sum, kN * sizeof(int)));

  int base = thread * 1000000 + repeat * 1000;
  CHECK(cudaEventRecord(start, join));
  iota<<<kBlocks, kThreads, 0, left>>>(a, kN, base);
  CHECK(cudaEventRecord(leftDone, left));
  iota<<<kBlocks, kThreads, 0, right>>>(b, kN, 7 * thread);
  CHECK(cudaEventRecord(rightDone, right));
  CHECK(cudaStreamWaitEvent(join, leftDone, 0));
  CHECK(cudaStreamWaitEvent(join, rightDone, 0));
  add<<<kBlocks, kThreads, 0, join>>>(a, b, sum, kN);
  CHECK(cudaGetLastError());
  CHECK(cudaEventRecord(stop, join));
  CHECK(cudaEventSynchronize(stop));
  CHECK(cudaEventQuery(leftDone));
  CHECK(cudaEventQuery(rightDone));
  float ms = -1.0f;
  CHECK(cudaEventElapsedTime(&ms, start, stop));
  if (ms < 0.0f) {
    std::printf("thread %d: negative elapsed time %f\nFAIL\n", thread, ms);
    return EXIT_FAILURE;
  }

  std::vector<int> host(kN);
  CHECK(cudaMemcpy(host.data(), sum, kN * sizeof(int), cudaMemcpyDeviceToHost));
  for (int i = 0; i < kN; ++i)
    if (host[i] != (base + i) + (7 * thread + i)) {
      std::printf("thread %d repeat %d: element %d is %d\nFAIL\n", thread, repeat, i, host[i]);
      return EXIT_FAILURE;
    }
  for (cudaEvent_t event : {leftDone, rightDone, start, stop})
    CHECK(cudaEventDestroy(event));
  for (cudaStream_t stream : {left, right, join})
    CHECK(cudaStreamDestroy(stream));
  for (int *buffer : {a, b, sum})
    CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

} // namespace

int main() {
  std::vector<std::thread> threads;
  std::vector<int> results(kHostThreads, EXIT_FAILURE);
  for (int t = 0; t < kHostThreads; ++t)
    threads.emplace_back([t, &results] {
      int result = EXIT_SUCCESS;
      for (int repeat = 0; repeat < kRepeats && result == EXIT_SUCCESS; ++repeat)
        result = repetition(t, repeat);
      // Every thread's errors are its own: none is left behind.
      if (result == EXIT_SUCCESS && cudaGetLastError() != cudaSuccess)
        result = EXIT_FAILURE;
      results[t] = result;
    });
  for (std::thread &thread : threads)
    thread.join();
  int failed = 0;
  for (int t = 0; t < kHostThreads; ++t)
    if (results[t] != EXIT_SUCCESS) {
      std::printf("thread %d failed\n", t);
      ++failed;
    }
  CHECK(cudaDeviceSynchronize());
  std::printf("multithreaded_streams: %d threads x %d repetitions, %d failed\n", kHostThreads,
              kRepeats, failed);
  std::printf(failed == 0 ? "PASS\n" : "FAIL\n");
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
