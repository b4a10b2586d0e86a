// Many host threads call the runtime at once: streams, events, cross-stream waits, host
// functions, kernel launches from an nvcc fatbin, copies and the per-thread last error. Results
// are checked; the sanitizer stage runs this under ThreadSanitizer, where it must be race-free.
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

extern "C" {
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bDim, dim3 *gDim, int *wSize);
}

namespace {

struct FatbinWrapper {
  int magic = 0x466243B1;
  int version = 1;
  const void *data = nullptr;
  const void *filename = nullptr;
};

char vectorAddStub; // stands in for nvcc's host stub: only its address matters

void registerKernels() {
  static bool registered = [] {
    std::ifstream file(CUPORT_TEST_FATBIN, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    auto *image = new std::vector<uint64_t>((bytes.size() + 7) / 8 + 1, 0);
    std::memcpy(image->data(), bytes.data(), bytes.size());
    auto *wrapper = new FatbinWrapper;
    wrapper->data = image->data();
    void **handle = __cudaRegisterFatBinary(wrapper);
    __cudaRegisterFunction(handle, &vectorAddStub, const_cast<char *>("vector_add"), "vector_add",
                           -1, nullptr, nullptr, nullptr, nullptr, nullptr);
    __cudaRegisterFatBinaryEnd(handle);
    return true;
  }();
  (void)registered;
}

constexpr int kHostThreads = 8;
constexpr int kRounds = 4;
constexpr int kN = 512;

void CUDART_CB countCall(void *counter) {
  static_cast<std::atomic<int> *>(counter)->fetch_add(1);
}

// One thread's work: c = a + b on one stream, d = c + b on another after an event, checked.
void hammer(int thread, std::atomic<int> &hostCalls, std::atomic<int> &failures) {
  auto fail = [&] { failures.fetch_add(1); };
  for (int round = 0; round < kRounds; ++round) {
    cudaStream_t first, second;
    cudaEvent_t done;
    if (cudaStreamCreate(&first) != cudaSuccess ||
        cudaStreamCreateWithFlags(&second, cudaStreamNonBlocking) != cudaSuccess ||
        cudaEventCreateWithFlags(&done, cudaEventDisableTiming) != cudaSuccess)
      return fail();
    std::vector<float> a(kN), b(kN), d(kN);
    for (int i = 0; i < kN; ++i) {
      a[i] = static_cast<float>(thread * 1000 + i);
      b[i] = static_cast<float>(round);
    }
    float *da, *db, *dc, *dd;
    size_t bytes = kN * sizeof(float);
    for (float **buffer : {&da, &db, &dc, &dd})
      if (cudaMalloc(reinterpret_cast<void **>(buffer), bytes) != cudaSuccess)
        return fail();
    if (cudaMemcpy(da, a.data(), bytes, cudaMemcpyHostToDevice) != cudaSuccess ||
        cudaMemcpy(db, b.data(), bytes, cudaMemcpyHostToDevice) != cudaSuccess)
      return fail();
    int n = kN;
    void *firstArgs[] = {&da, &db, &dc, &n};
    void *secondArgs[] = {&dc, &db, &dd, &n};
    if (cudaLaunchKernel(&vectorAddStub, dim3(kN / 128), dim3(128), firstArgs, 0, first) !=
            cudaSuccess ||
        cudaEventRecord(done, first) != cudaSuccess ||
        cudaStreamWaitEvent(second, done, 0) != cudaSuccess ||
        cudaLaunchKernel(&vectorAddStub, dim3(kN / 128), dim3(128), secondArgs, 0, second) !=
            cudaSuccess ||
        cudaLaunchHostFunc(second, countCall, &hostCalls) != cudaSuccess)
      return fail();
    // An invalid launch sets this thread's last error only.
    if (cudaLaunchKernel(&vectorAddStub, dim3(0), dim3(128), firstArgs, 0, first) !=
            cudaErrorInvalidConfiguration ||
        cudaPeekAtLastError() != cudaErrorInvalidConfiguration ||
        cudaGetLastError() != cudaErrorInvalidConfiguration || cudaGetLastError() != cudaSuccess)
      return fail();
    cudaError_t query = cudaStreamQuery(second);
    if (query != cudaSuccess && query != cudaErrorNotReady)
      return fail();
    if (cudaStreamSynchronize(second) != cudaSuccess || cudaEventQuery(done) != cudaSuccess)
      return fail();
    if (cudaMemcpy(d.data(), dd, bytes, cudaMemcpyDeviceToHost) != cudaSuccess)
      return fail();
    for (int i = 0; i < kN; ++i)
      if (d[i] != a[i] + 2 * b[i])
        return fail();
    for (float *buffer : {da, db, dc, dd})
      if (cudaFree(buffer) != cudaSuccess)
        return fail();
    if (cudaEventDestroy(done) != cudaSuccess || cudaStreamDestroy(first) != cudaSuccess ||
        cudaStreamDestroy(second) != cudaSuccess)
      return fail();
  }
}

TEST(CudartThreads, ManyThreadsUseStreamsEventsAndKernels) {
  registerKernels();
  std::atomic<int> hostCalls{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kHostThreads; ++t)
    threads.emplace_back(hammer, t, std::ref(hostCalls), std::ref(failures));
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(hostCalls.load(), kHostThreads * kRounds);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

// Per-thread default streams and the legacy stream used from many threads at once.
TEST(CudartThreads, DefaultStreamsFromManyThreads) {
  registerKernels();
  std::atomic<int> hostCalls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kHostThreads; ++t)
    threads.emplace_back([t, &hostCalls] {
      cudaStream_t stream = t % 2 ? cudaStreamPerThread : cudaStreamLegacy;
      for (int round = 0; round < kRounds; ++round) {
        EXPECT_EQ(cudaLaunchHostFunc(stream, countCall, &hostCalls), cudaSuccess);
        EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(hostCalls.load(), kHostThreads * kRounds);
}

// Objects shared between threads: one event recorded, queried, waited on and timed from every
// thread while others synchronize the device and create and destroy streams; threads that exit
// while their default stream still has work.
TEST(CudartThreads, SharedEventsAndStreamChurn) {
  registerKernels();
  cudaEvent_t shared, origin;
  cudaStream_t sharedStream;
  ASSERT_EQ(cudaEventCreate(&shared), cudaSuccess);
  ASSERT_EQ(cudaEventCreate(&origin), cudaSuccess);
  ASSERT_EQ(cudaStreamCreate(&sharedStream), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(origin, sharedStream), cudaSuccess);
  std::atomic<int> hostCalls{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kHostThreads; ++t)
    threads.emplace_back([t, &shared, &origin, &sharedStream, &hostCalls, &failures] {
      for (int round = 0; round < kRounds; ++round) {
        cudaStream_t own;
        if (cudaStreamCreateWithFlags(&own, t % 2 ? cudaStreamNonBlocking : 0) != cudaSuccess ||
            cudaEventRecord(shared, t % 3 ? sharedStream : own) != cudaSuccess ||
            cudaStreamWaitEvent(own, shared, 0) != cudaSuccess ||
            cudaLaunchHostFunc(own, countCall, &hostCalls) != cudaSuccess ||
            cudaLaunchHostFunc(cudaStreamPerThread, countCall, &hostCalls) != cudaSuccess)
          failures.fetch_add(1);
        cudaError_t query = cudaEventQuery(shared);
        float ms = 0.0f;
        cudaError_t elapsed = cudaEventElapsedTime(&ms, origin, shared);
        if ((query != cudaSuccess && query != cudaErrorNotReady) ||
            (elapsed != cudaSuccess && elapsed != cudaErrorNotReady))
          failures.fetch_add(1);
        if (round % 2 ? cudaDeviceSynchronize() != cudaSuccess
                      : cudaEventSynchronize(shared) != cudaSuccess)
          failures.fetch_add(1);
        if (cudaStreamDestroy(own) != cudaSuccess) // may still have work
          failures.fetch_add(1);
      }
      (void)cudaGetLastError();
      // The thread exits; its per-thread stream may still be running its host function.
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(hostCalls.load(), 2 * kHostThreads * kRounds);
  EXPECT_EQ(cudaEventDestroy(shared), cudaSuccess);
  EXPECT_EQ(cudaEventDestroy(origin), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(sharedStream), cudaSuccess);
}

} // namespace
