// Streams and events as CUDA documents them: independent created streams, cross-stream
// dependencies through cudaStreamWaitEvent, host functions and callbacks in stream order, queries
// that answer cudaErrorNotReady while a stream is held back, cudaEventElapsedTime, the legacy
// default stream's implicit synchronization with blocking streams only, priorities and stream
// properties, and cudaStreamDestroy while the stream still has work.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

__global__ void fill(int *out, int n, int value) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = value + i;
}

// out[i] = in[i] * 2 + 1: the consumer of a producer's result.
__global__ void twiceplusone(const int *in, int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = in[i] * 2 + 1;
}

namespace {

constexpr int kN = 4096;
constexpr int kThreads = 128;
constexpr int kBlocks = (kN + kThreads - 1) / kThreads;

// A host function that holds its stream until the host opens the gate.
struct Gate {
  std::atomic<bool> open{false};
  std::atomic<bool> reached{false};
};

void CUDART_CB waitAtGate(void *data) {
  auto *gate = static_cast<Gate *>(data);
  gate->reached = true;
  while (!gate->open.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void CUDART_CB sleepFor20ms(void *) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

struct CallbackLog {
  std::atomic<int> calls{0};
  int order[8] = {};
  cudaStream_t stream = nullptr;
  cudaError_t status = cudaErrorUnknown;
};

void CUDART_CB logHostFunc(void *data) {
  auto *log = static_cast<CallbackLog *>(data);
  int index = log->calls++;
  log->order[index] = 100 + index;
}

void CUDART_CB logCallback(cudaStream_t stream, cudaError_t status, void *data) {
  auto *log = static_cast<CallbackLog *>(data);
  int index = log->calls++;
  log->order[index] = 200 + index;
  log->stream = stream;
  log->status = status;
}

// Polls `query` until it stops answering cudaErrorNotReady, for at most 10 seconds.
template <typename Query> cudaError_t pollUntilReady(Query query) {
  for (int i = 0; i < 10000; ++i) {
    cudaError_t status = query();
    if (status != cudaErrorNotReady)
      return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return cudaErrorNotReady;
}

bool holds(const std::vector<int> &values, int base) {
  for (int i = 0; i < kN; ++i)
    if (values[i] != base + i)
      return false;
  return true;
}

int independentStreams() {
  constexpr int kStreams = 4;
  cudaStream_t streams[kStreams];
  int *buffers[kStreams];
  for (int s = 0; s < kStreams; ++s) {
    CHECK(cudaStreamCreate(&streams[s]));
    CHECK(cudaMalloc(&buffers[s], kN * sizeof(int)));
  }
  for (int round = 0; round < 3; ++round)
    for (int s = 0; s < kStreams; ++s)
      fill<<<kBlocks, kThreads, 0, streams[s]>>>(buffers[s], kN, 1000 * s + round);
  CHECK(cudaGetLastError());
  for (int s = 0; s < kStreams; ++s) {
    CHECK(cudaStreamSynchronize(streams[s]));
    CHECK(cudaStreamQuery(streams[s]));
    std::vector<int> host(kN);
    CHECK(cudaMemcpy(host.data(), buffers[s], kN * sizeof(int), cudaMemcpyDeviceToHost));
    EXPECT(holds(host, 1000 * s + 2)); // the last round wins: in-order within a stream
    CHECK(cudaStreamDestroy(streams[s]));
    CHECK(cudaFree(buffers[s]));
  }
  return EXIT_SUCCESS;
}

// The consumer stream waits for an event the producer records after its kernel; the producer is
// held back by a host function, so without the wait the consumer would read stale data.
int crossStreamDependency() {
  cudaStream_t producer, consumer;
  CHECK(cudaStreamCreateWithFlags(&producer, cudaStreamNonBlocking));
  CHECK(cudaStreamCreateWithFlags(&consumer, cudaStreamNonBlocking));
  cudaEvent_t produced;
  CHECK(cudaEventCreateWithFlags(&produced, cudaEventDisableTiming));
  int *in, *out;
  CHECK(cudaMalloc(&in, kN * sizeof(int)));
  CHECK(cudaMalloc(&out, kN * sizeof(int)));
  fill<<<kBlocks, kThreads>>>(in, kN, -5000); // stale data
  CHECK(cudaDeviceSynchronize());

  Gate gate;
  CHECK(cudaLaunchHostFunc(producer, waitAtGate, &gate));
  fill<<<kBlocks, kThreads, 0, producer>>>(in, kN, 7);
  CHECK(cudaEventRecord(produced, producer));
  CHECK(cudaStreamWaitEvent(consumer, produced, 0));
  twiceplusone<<<kBlocks, kThreads, 0, consumer>>>(in, out, kN);
  CHECK(cudaGetLastError());

  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT(cudaEventQuery(produced) == cudaErrorNotReady);
  EXPECT(cudaStreamQuery(producer) == cudaErrorNotReady);
  EXPECT(cudaStreamQuery(consumer) == cudaErrorNotReady); // waiting for the event
  // cudaErrorNotReady is not an error: it does not become the last error.
  CHECK(cudaPeekAtLastError());
  gate.open = true;
  CHECK(cudaStreamSynchronize(consumer));
  CHECK(cudaEventQuery(produced));
  CHECK(cudaStreamQuery(producer));

  std::vector<int> host(kN);
  CHECK(cudaMemcpy(host.data(), out, kN * sizeof(int), cudaMemcpyDeviceToHost));
  for (int i = 0; i < kN; ++i)
    EXPECT(host[i] == (7 + i) * 2 + 1);

  // Re-recording does not move a wait queued before it.
  Gate second;
  CHECK(cudaEventRecord(produced, producer)); // completes at once: the producer is idle
  CHECK(cudaStreamWaitEvent(consumer, produced, 0));
  CHECK(cudaLaunchHostFunc(producer, waitAtGate, &second));
  CHECK(cudaEventRecord(produced, producer)); // held back by the gate
  twiceplusone<<<kBlocks, kThreads, 0, consumer>>>(in, out, kN);
  CHECK(pollUntilReady([&] { return cudaStreamQuery(consumer); }));
  EXPECT(cudaEventQuery(produced) == cudaErrorNotReady);
  second.open = true;
  CHECK(cudaEventSynchronize(produced));

  CHECK(cudaEventDestroy(produced));
  CHECK(cudaStreamDestroy(producer));
  CHECK(cudaStreamDestroy(consumer));
  CHECK(cudaFree(in));
  CHECK(cudaFree(out));
  return EXIT_SUCCESS;
}

int hostFunctionsAndCallbacks() {
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  CallbackLog log;
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  CHECK(cudaLaunchHostFunc(stream, logHostFunc, &log));
  fill<<<kBlocks, kThreads, 0, stream>>>(buffer, kN, 3);
  CHECK(cudaStreamAddCallback(stream, logCallback, &log, 0));
  CHECK(cudaLaunchHostFunc(stream, logHostFunc, &log));
  CHECK(cudaStreamSynchronize(stream));
  EXPECT(log.calls == 3);
  EXPECT(log.order[0] == 100 && log.order[1] == 201 && log.order[2] == 102);
  EXPECT(log.stream == stream);
  EXPECT(log.status == cudaSuccess);
  // Documented argument checks.
  EXPECT(cudaStreamAddCallback(stream, logCallback, &log, 1) == cudaErrorInvalidValue);
  EXPECT(cudaLaunchHostFunc(stream, nullptr, nullptr) == cudaErrorInvalidValue);
  EXPECT(cudaGetLastError() == cudaErrorInvalidValue);
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

int elapsedTime() {
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  cudaEvent_t start, stop, untimed, neverRecorded;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  CHECK(cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming));
  CHECK(cudaEventCreate(&neverRecorded));
  CHECK(cudaEventRecord(start, stream));
  CHECK(cudaLaunchHostFunc(stream, sleepFor20ms, nullptr));
  CHECK(cudaEventRecord(stop, stream));
  CHECK(cudaEventRecord(untimed, stream));
  CHECK(cudaEventSynchronize(stop));
  float ms = -1.0f;
  CHECK(cudaEventElapsedTime(&ms, start, stop));
  std::printf("elapsed across a 20 ms host function: %.2f ms\n", ms);
  EXPECT(ms >= 19.0f && ms < 5000.0f);
  float back = 0.0f;
  CHECK(cudaEventElapsedTime(&back, stop, start));
  EXPECT(back <= -19.0f);
  EXPECT(cudaEventElapsedTime(&ms, start, untimed) == cudaErrorInvalidResourceHandle);
  EXPECT(cudaEventElapsedTime(&ms, start, neverRecorded) == cudaErrorInvalidResourceHandle);
  EXPECT(cudaEventElapsedTime(nullptr, start, stop) == cudaErrorInvalidValue);
  // An event recorded but not yet complete.
  Gate gate;
  CHECK(cudaLaunchHostFunc(stream, waitAtGate, &gate));
  CHECK(cudaEventRecord(stop, stream));
  EXPECT(cudaEventElapsedTime(&ms, start, stop) == cudaErrorNotReady);
  gate.open = true;
  CHECK(cudaStreamSynchronize(stream));
  CHECK(cudaEventElapsedTime(&ms, start, stop));
  (void)cudaGetLastError();
  // A never-recorded event is complete.
  CHECK(cudaEventQuery(neverRecorded));
  CHECK(cudaEventSynchronize(neverRecorded));
  for (cudaEvent_t event : {start, stop, untimed, neverRecorded})
    CHECK(cudaEventDestroy(event));
  CHECK(cudaStreamDestroy(stream));
  return EXIT_SUCCESS;
}

// A host function holds the legacy default stream. A cudaStreamNonBlocking stream runs past it;
// a blocking stream waits for it (its work is queued behind the legacy stream's).
int legacyStreamSynchronization() {
  cudaStream_t nonBlocking, blocking;
  CHECK(cudaStreamCreateWithFlags(&nonBlocking, cudaStreamNonBlocking));
  CHECK(cudaStreamCreate(&blocking));
  int *a, *b;
  CHECK(cudaMalloc(&a, kN * sizeof(int)));
  CHECK(cudaMalloc(&b, kN * sizeof(int)));

  Gate gate;
  CHECK(cudaLaunchHostFunc(0, waitAtGate, &gate));
  fill<<<kBlocks, kThreads, 0, nonBlocking>>>(a, kN, 11);
  fill<<<kBlocks, kThreads, 0, blocking>>>(b, kN, 22);
  CHECK(cudaGetLastError());
  CHECK(pollUntilReady([&] { return cudaStreamQuery(nonBlocking); }));
  CHECK(cudaStreamSynchronize(nonBlocking));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT(gate.reached);
  EXPECT(cudaStreamQuery(blocking) == cudaErrorNotReady);
  EXPECT(cudaStreamQuery(0) == cudaErrorNotReady);
  gate.open = true;
  CHECK(cudaStreamSynchronize(blocking));
  CHECK(cudaStreamQuery(0));

  // The other direction: legacy-stream work waits for the blocking stream, not the other one.
  Gate blockingGate, nonBlockingGate;
  CHECK(cudaLaunchHostFunc(blocking, waitAtGate, &blockingGate));
  CHECK(cudaLaunchHostFunc(nonBlocking, waitAtGate, &nonBlockingGate));
  fill<<<kBlocks, kThreads>>>(a, kN, 33);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT(cudaStreamQuery(0) == cudaErrorNotReady);
  blockingGate.open = true;
  CHECK(pollUntilReady([&] { return cudaStreamQuery(0); }));
  EXPECT(cudaStreamQuery(nonBlocking) == cudaErrorNotReady);
  nonBlockingGate.open = true;
  CHECK(cudaDeviceSynchronize());

  std::vector<int> host(kN);
  CHECK(cudaMemcpy(host.data(), a, kN * sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT(holds(host, 33));
  CHECK(cudaMemcpy(host.data(), b, kN * sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT(holds(host, 22));
  CHECK(cudaStreamDestroy(nonBlocking));
  CHECK(cudaStreamDestroy(blocking));
  CHECK(cudaFree(a));
  CHECK(cudaFree(b));
  return EXIT_SUCCESS;
}

int prioritiesAndProperties() {
  int least = 1, greatest = 1;
  CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest));
  std::printf("stream priorities: least %d, greatest %d\n", least, greatest);
  EXPECT(greatest <= least);
  CHECK(cudaDeviceGetStreamPriorityRange(nullptr, &greatest)); // either pointer may be null

  cudaStream_t high, low, clamped, defaulted;
  CHECK(cudaStreamCreateWithPriority(&high, cudaStreamNonBlocking, greatest));
  CHECK(cudaStreamCreateWithPriority(&low, cudaStreamDefault, least));
  CHECK(cudaStreamCreateWithPriority(&clamped, cudaStreamDefault, greatest - 100));
  CHECK(cudaStreamCreate(&defaulted));
  int priority = 99;
  CHECK(cudaStreamGetPriority(high, &priority));
  EXPECT(priority == greatest);
  CHECK(cudaStreamGetPriority(low, &priority));
  EXPECT(priority == least);
  CHECK(cudaStreamGetPriority(clamped, &priority)); // out of range: clamped, as documented
  EXPECT(priority == greatest);
  CHECK(cudaStreamGetPriority(defaulted, &priority));
  EXPECT(priority == 0);
  unsigned flags = 99;
  CHECK(cudaStreamGetFlags(high, &flags));
  EXPECT(flags == cudaStreamNonBlocking);
  CHECK(cudaStreamGetFlags(low, &flags));
  EXPECT(flags == cudaStreamDefault);
  EXPECT(cudaStreamCreateWithFlags(&defaulted, 0x10) == cudaErrorInvalidValue);
  (void)cudaGetLastError();

  unsigned long long ids[5];
  CHECK(cudaStreamGetId(high, &ids[0]));
  CHECK(cudaStreamGetId(low, &ids[1]));
  CHECK(cudaStreamGetId(clamped, &ids[2]));
  CHECK(cudaStreamGetId(defaulted, &ids[3]));
  CHECK(cudaStreamGetId(0, &ids[4]));
  for (int i = 0; i < 5; ++i)
    for (int j = i + 1; j < 5; ++j)
      EXPECT(ids[i] != ids[j]);
  int device = -1;
  CHECK(cudaStreamGetDevice(low, &device));
  EXPECT(device == 0);

  // Work on streams of every priority completes.
  int *buffer;
  CHECK(cudaMalloc(&buffer, 4 * kN * sizeof(int)));
  cudaStream_t all[4] = {high, low, clamped, defaulted};
  for (int s = 0; s < 4; ++s)
    fill<<<kBlocks, kThreads, 0, all[s]>>>(buffer + s * kN, kN, s * 10);
  CHECK(cudaDeviceSynchronize());
  std::vector<int> host(4 * kN);
  CHECK(cudaMemcpy(host.data(), buffer, 4 * kN * sizeof(int), cudaMemcpyDeviceToHost));
  for (int s = 0; s < 4; ++s)
    EXPECT(holds(std::vector<int>(host.begin() + s * kN, host.begin() + (s + 1) * kN), s * 10));
  for (cudaStream_t stream : all)
    CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(buffer));
  return EXIT_SUCCESS;
}

// cudaStreamDestroy returns at once; the stream's queued work still runs, and the handle is gone.
int destroyWhileBusy() {
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  int *buffer;
  CHECK(cudaMalloc(&buffer, kN * sizeof(int)));
  Gate gate;
  CallbackLog log;
  CHECK(cudaLaunchHostFunc(stream, waitAtGate, &gate));
  fill<<<kBlocks, kThreads, 0, stream>>>(buffer, kN, 44);
  CHECK(cudaLaunchHostFunc(stream, logHostFunc, &log));
  CHECK(cudaStreamDestroy(stream));
  // Using a destroyed handle is undefined in CUDA; cuport checks handles and says so.
  EXPECT(cudaStreamQuery(stream) == cudaErrorInvalidResourceHandle);
  EXPECT(cudaStreamDestroy(stream) == cudaErrorInvalidResourceHandle);
  EXPECT(cudaGetLastError() == cudaErrorInvalidResourceHandle);
  EXPECT(log.calls == 0);
  // The destroyed stream's work is still work of a blocking stream: the legacy stream waits for it.
  int *after;
  CHECK(cudaMalloc(&after, kN * sizeof(int)));
  fill<<<kBlocks, kThreads>>>(after, kN, 55);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT(cudaStreamQuery(0) == cudaErrorNotReady);
  gate.open = true;
  CHECK(cudaDeviceSynchronize());
  EXPECT(log.calls == 1);
  std::vector<int> host(kN);
  CHECK(cudaMemcpy(host.data(), buffer, kN * sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT(holds(host, 44));
  CHECK(cudaMemcpy(host.data(), after, kN * sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT(holds(host, 55));
  CHECK(cudaFree(buffer));
  CHECK(cudaFree(after));

  cudaEvent_t event;
  CHECK(cudaEventCreate(&event));
  CHECK(cudaEventDestroy(event));
  EXPECT(cudaEventQuery(event) == cudaErrorInvalidResourceHandle);
  EXPECT(cudaEventRecord(event, 0) == cudaErrorInvalidResourceHandle);
  (void)cudaGetLastError();
  return EXIT_SUCCESS;
}

} // namespace

int main() {
  struct Part {
    const char *name;
    int (*run)();
  } parts[] = {
      {"independent streams", independentStreams},
      {"cross-stream dependency", crossStreamDependency},
      {"host functions and callbacks", hostFunctionsAndCallbacks},
      {"elapsed time", elapsedTime},
      {"legacy stream synchronization", legacyStreamSynchronization},
      {"priorities and properties", prioritiesAndProperties},
      {"destroy while busy", destroyWhileBusy},
  };
  for (const Part &part : parts) {
    if (part.run() != EXIT_SUCCESS) {
      // A failed part may leave a stream held at a gate: exit without waiting for the device.
      std::printf("streams_events: %s failed\n", part.name);
      std::fflush(stdout);
      std::_Exit(EXIT_FAILURE);
    }
    std::printf("streams_events: %s ok\n", part.name);
  }
  CHECK(cudaGetLastError());
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
