// Side-by-side: the cost of getting small kernels to run, by each path the runtime offers, in one
// process. The same chain of tiny kernels goes through (1) launches on the legacy default stream,
// (2) launches on a created stream, (3) the chain captured once as a graph and launched as one
// piece of work, and (4) launches spread over four streams joined by events. Prints each path's
// time per kernel relative to path (1), after a warm-up (the first launch includes the JIT).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include <cuda_runtime.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    cudaError_t status = (call);                                                                   \
    if (status != cudaSuccess) {                                                                   \
      std::printf("%s failed: %s\n", #call, cudaGetErrorString(status));                          \
      std::exit(EXIT_FAILURE);                                                                     \
    }                                                                                              \
  } while (0)

constexpr int kChain = 200;
constexpr int kRepeats = 10;

__global__ void increment(int *counter) {
  if (threadIdx.x == 0 && blockIdx.x == 0)
    ++*counter;
}

// Best of kRepeats runs of `body`, in seconds.
double bestOf(const std::function<void()> &body) {
  double best = 1e30;
  for (int r = 0; r < kRepeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    body();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = seconds < best ? seconds : best;
  }
  return best;
}

int main() {
  int *counter = nullptr;
  CHECK(cudaMalloc(&counter, sizeof(int)));
  CHECK(cudaMemset(counter, 0, sizeof(int)));
  increment<<<1, 32>>>(counter); // compiles the kernel
  CHECK(cudaDeviceSynchronize());

  double legacy = bestOf([&] {
    for (int i = 0; i < kChain; ++i)
      increment<<<1, 32>>>(counter);
    CHECK(cudaDeviceSynchronize());
  });

  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  double created = bestOf([&] {
    for (int i = 0; i < kChain; ++i)
      increment<<<1, 32, 0, stream>>>(counter);
    CHECK(cudaStreamSynchronize(stream));
  });

  cudaGraph_t graph;
  CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  for (int i = 0; i < kChain; ++i)
    increment<<<1, 32, 0, stream>>>(counter);
  CHECK(cudaStreamEndCapture(stream, &graph));
  cudaGraphExec_t exec;
  CHECK(cudaGraphInstantiate(&exec, graph, 0));
  double graphed = bestOf([&] {
    CHECK(cudaGraphLaunch(exec, stream));
    CHECK(cudaStreamSynchronize(stream));
  });

  cudaStream_t lanes[4];
  cudaEvent_t done[4];
  for (int s = 0; s < 4; ++s) {
    CHECK(cudaStreamCreateWithFlags(&lanes[s], cudaStreamNonBlocking));
    CHECK(cudaEventCreateWithFlags(&done[s], cudaEventDisableTiming));
  }
  double spread = bestOf([&] {
    for (int i = 0; i < kChain; ++i)
      increment<<<1, 32, 0, lanes[i % 4]>>>(counter);
    for (int s = 0; s < 4; ++s) {
      CHECK(cudaEventRecord(done[s], lanes[s]));
      CHECK(cudaStreamWaitEvent(stream, done[s], 0));
    }
    CHECK(cudaStreamSynchronize(stream));
  });

  int total = 0;
  CHECK(cudaMemcpy(&total, counter, sizeof(int), cudaMemcpyDeviceToHost));
  int expected = 1 + 4 * kChain * kRepeats;
  std::printf("%d kernels per run, best of %d runs; time per kernel relative to the legacy stream\n",
              kChain, kRepeats);
  std::printf("  legacy default stream      1.00\n");
  std::printf("  created stream             %.2f\n", created / legacy);
  std::printf("  captured graph, one launch %.2f\n", graphed / legacy);
  std::printf("  four streams + events      %.2f\n", spread / legacy);
  std::printf("counter %s (%d)\n", total == expected ? "correct" : "WRONG", total);

  for (int s = 0; s < 4; ++s) {
    CHECK(cudaEventDestroy(done[s]));
    CHECK(cudaStreamDestroy(lanes[s]));
  }
  CHECK(cudaGraphExecDestroy(exec));
  CHECK(cudaGraphDestroy(graph));
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(counter));
  return total == expected ? EXIT_SUCCESS : EXIT_FAILURE;
}
