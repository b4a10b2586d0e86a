// Built with nvcc --default-stream per-thread: stream 0 is each host thread's own default stream,
// and the program calls the runtime's _ptsz/_ptds entry points. Several threads run kernels on
// their default streams at once; one thread's default stream held back by a host function does
// not hold back another's.
#include <atomic>
#include <chrono>
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

__global__ void addOne(int *data, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    data[i] += 1;
}

namespace {

constexpr int kN = 2048;
constexpr int kThreads = 128;
constexpr int kBlocks = kN / kThreads;
constexpr int kHostThreads = 6;
constexpr int kRounds = 5;

std::atomic<bool> gateOpen{false};
std::atomic<bool> gateReached{false};

void CUDART_CB waitAtGate(void *) {
  gateReached = true;
  while (!gateOpen.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// Each thread: kRounds of (iota, addOne x round) on its default stream, synchronized and checked.
int worker(int index) {
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  std::vector<int> host(kN);
  for (int round = 0; round < kRounds; ++round) {
    iota<<<kBlocks, kThreads>>>(buffer, kN, index * 100000 + round);
    for (int i = 0; i < round; ++i)
      addOne<<<kBlocks, kThreads, 0, cudaStreamPerThread>>>(buffer, kN);
    CHECK(cudaGetLastError());
    CHECK(cudaStreamSynchronize(0));
    CHECK(cudaStreamQuery(0));
    CHECK(cudaMemcpy(host.data(), buffer, kN * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < kN; ++i)
      if (host[i] != index * 100000 + 2 * round + i) {
        std::printf("thread %d round %d: element %d is %d\nFAIL\n", index, round, i, host[i]);
        return EXIT_FAILURE;
      }
  }
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

// One thread holds its default stream and exits (thread exit does not wait for the stream); another
// thread's default stream still runs and synchronizes.
int independence() {
  unsigned long long heldId = 0, otherId = 0;
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  int heldResult = EXIT_FAILURE;
  std::thread held([&] {
    if (cudaLaunchHostFunc(0, waitAtGate, nullptr) != cudaSuccess ||
        cudaStreamGetId(0, &heldId) != cudaSuccess)
      return;
    heldResult = EXIT_SUCCESS;
  });
  held.join();
  if (heldResult != EXIT_SUCCESS) {
    std::printf("cannot hold a per-thread stream\nFAIL\n");
    return EXIT_FAILURE;
  }
  while (!gateReached.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  int otherResult = EXIT_FAILURE;
  std::thread other([&] {
    iota<<<kBlocks, kThreads>>>(buffer, kN, 5);
    if (cudaStreamSynchronize(0) != cudaSuccess || cudaStreamQuery(0) != cudaSuccess ||
        cudaStreamGetId(0, &otherId) != cudaSuccess)
      return;
    otherResult = EXIT_SUCCESS;
  });
  other.join();
  gateOpen = true;
  if (otherResult != EXIT_SUCCESS || heldId == otherId) {
    std::printf("a per-thread stream waited for another thread's (ids %llu, %llu)\nFAIL\n", heldId,
                otherId);
    return EXIT_FAILURE;
  }
  CHECK(cudaDeviceSynchronize());
  std::vector<int> host(kN);
  CHECK(cudaMemcpy(host.data(), buffer, kN * sizeof(int), cudaMemcpyDeviceToHost));
  for (int i = 0; i < kN; ++i)
    if (host[i] != 5 + i) {
      std::printf("element %d is %d\nFAIL\n", i, host[i]);
      return EXIT_FAILURE;
    }
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

} // namespace

int main() {
  std::vector<std::thread> threads;
  std::vector<int> results(kHostThreads, EXIT_FAILURE);
  for (int t = 0; t < kHostThreads; ++t)
    threads.emplace_back([t, &results] { results[t] = worker(t); });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kHostThreads; ++t)
    if (results[t] != EXIT_SUCCESS) {
      std::printf("thread %d failed\nFAIL\n", t);
      return EXIT_FAILURE;
    }
  std::printf("per_thread_default_stream: %d threads x %d rounds ok\n", kHostThreads, kRounds);
  if (independence() != EXIT_SUCCESS) {
    // A stream may still be held at the gate: exit without waiting for the device.
    std::fflush(stdout);
    std::_Exit(EXIT_FAILURE);
  }
  std::printf("per_thread_default_stream: independent per-thread streams ok\n");
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
