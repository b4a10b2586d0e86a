// Device printf: every call queues a record that the host prints at the next synchronization
// point (cudaDeviceSynchronize, cudaStreamSynchronize, cudaEventSynchronize, a blocking
// cudaMemcpy, before a host function runs), formatted with the host's printf rules; printf returns the number of arguments. A
// failing assert() prints CUDA's "file:line: function: block: [x,y,z], thread: [x,y,z] Assertion
// `cond` failed." message. The program captures its own stdout and stderr and compares what the
// kernels printed with the same calls made on the host.
#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kBlocks = 4;
constexpr int kThreads = 8;
constexpr char kLabel[] = "cuport";

__device__ const char deviceLabel[] = "cuport";

__global__ void printMany(int *returned, double scale) {
  int block = blockIdx.x, thread = threadIdx.x;
  long long big = (long long)block * 4000000000LL - thread;
  float f = thread * 0.25f - 1.0f;
  returned[block * kThreads + thread] =
      printf("b%d t%u|%5d|%-4x|%#o|%X|%lld|%llu|%c|%s|%8.3f|%e|%g|%a|%.2s|%%|%+05d\n", block,
             thread, block * 100 + thread, thread * 17, thread + 8, 0xABC0 + thread, big,
             (unsigned long long)big * 3u, 'a' + thread, deviceLabel, f * scale,
             scale / (thread + 1), (double)f, (double)thread, deviceLabel + thread % 4, -thread);
}

__global__ void printOnce(const char *tag, int value) {
  if (threadIdx.x == 0 && blockIdx.x == 0)
    printf("%s %d\n", tag, value);
}

__global__ void assertSmall(int limit) {
  int value = blockIdx.x * 10 + threadIdx.x;
  if (blockIdx.x == 1 && threadIdx.x == 2)
    assert(value < limit); // kAssertLine
}
constexpr int kAssertLine = __LINE__ - 2;

namespace {

// Redirects a file descriptor into a temporary file for as long as it lives.
class Capture {
public:
  explicit Capture(int fd) : fd(fd), saved(dup(fd)), file(std::tmpfile()) {
    std::fflush(nullptr);
    dup2(fileno(file), fd);
  }
  ~Capture() { restore(); }
  // What was written so far.
  std::string text() {
    std::fflush(nullptr);
    std::string out;
    std::rewind(file);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
      out.append(buffer, n);
    std::fseek(file, 0, SEEK_END);
    return out;
  }
  void restore() {
    if (saved < 0)
      return;
    std::fflush(nullptr);
    dup2(saved, fd);
    close(saved);
    saved = -1;
  }

private:
  int fd;
  int saved;
  std::FILE *file;
};

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The line printMany prints for (block, thread), made by the host's printf.
std::string expectedLine(int block, int thread, double scale) {
  long long big = (long long)block * 4000000000LL - thread;
  float f = thread * 0.25f - 1.0f;
  char line[512];
  std::snprintf(line, sizeof line,
                "b%d t%u|%5d|%-4x|%#o|%X|%lld|%llu|%c|%s|%8.3f|%e|%g|%a|%.2s|%%|%+05d", block,
                (unsigned)thread, block * 100 + thread, thread * 17, thread + 8, 0xABC0 + thread,
                big, (unsigned long long)big * 3u, 'a' + thread, kLabel, f * scale,
                scale / (thread + 1), (double)f, (double)thread, kLabel + thread % 4, -thread);
  return line;
}

int printFromManyBlocks() {
  const double scale = 2.5;
  int *returned;
  CHECK(cudaMalloc(&returned, kBlocks * kThreads * sizeof(int)));
  Capture out(STDOUT_FILENO);
  printMany<<<kBlocks, kThreads>>>(returned, scale);
  CHECK(cudaGetLastError());
  // Finished is not printed: nothing reaches stdout before a synchronization point.
  while (cudaStreamQuery(0) == cudaErrorNotReady)
    ;
  std::string early = out.text();
  CHECK(cudaDeviceSynchronize());
  std::vector<std::string> printed = lines(out.text());
  out.restore();
  EXPECT(early.empty());

  std::vector<std::string> expected;
  for (int block = 0; block < kBlocks; ++block)
    for (int thread = 0; thread < kThreads; ++thread)
      expected.push_back(expectedLine(block, thread, scale));
  // Threads print in no particular order.
  std::sort(printed.begin(), printed.end());
  std::sort(expected.begin(), expected.end());
  if (printed != expected) {
    std::printf("printed %zu lines, expected %zu\n", printed.size(), expected.size());
    for (size_t i = 0; i < std::min(printed.size(), expected.size()); ++i)
      if (printed[i] != expected[i])
        std::printf("got      %s\nexpected %s\n", printed[i].c_str(), expected[i].c_str());
    std::printf("FAIL\n");
    return EXIT_FAILURE;
  }
  // printf returns the number of arguments after the format.
  std::vector<int> counts(kBlocks * kThreads);
  CHECK(cudaMemcpy(counts.data(), returned, counts.size() * sizeof(int), cudaMemcpyDeviceToHost));
  for (int count : counts)
    EXPECT(count == 16);
  CHECK(cudaFree(returned));
  return EXIT_SUCCESS;
}

// Each kind of synchronization point prints what the kernels before it queued, in stream order.
int synchronizationPointsPrint() {
  char *tag;
  CHECK(cudaMalloc(&tag, 8));
  CHECK(cudaMemcpy(tag, "tag", 4, cudaMemcpyHostToDevice));
  cudaStream_t stream;
  CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaEvent_t done;
  CHECK(cudaEventCreate(&done));
  Capture out(STDOUT_FILENO);

  printOnce<<<2, 32, 0, stream>>>(tag, 1);
  printOnce<<<2, 32, 0, stream>>>(tag, 2);
  CHECK(cudaStreamSynchronize(stream));
  std::string afterStream = out.text();

  printOnce<<<1, 1, 0, stream>>>(tag, 3);
  CHECK(cudaEventRecord(done, stream));
  CHECK(cudaEventSynchronize(done));
  std::string afterEvent = out.text();

  printOnce<<<1, 1>>>(tag, 4);
  int host = 0;
  CHECK(cudaMemcpy(&host, tag, sizeof host, cudaMemcpyDeviceToHost));
  std::string afterCopy = out.text();

  // A host function sees what the kernels before it printed.
  printOnce<<<1, 1, 0, stream>>>(tag, 5);
  struct Seen {
    Capture *out;
    std::string text;
  } seen{&out, {}};
  CHECK(cudaLaunchHostFunc(
      stream,
      [](void *data) { static_cast<Seen *>(data)->text = static_cast<Seen *>(data)->out->text(); },
      &seen));
  CHECK(cudaStreamSynchronize(stream));
  out.restore();

  EXPECT(afterStream == "tag 1\ntag 2\n");
  EXPECT(afterEvent == "tag 1\ntag 2\ntag 3\n");
  EXPECT(afterCopy == "tag 1\ntag 2\ntag 3\ntag 4\n");
  EXPECT(seen.text == "tag 1\ntag 2\ntag 3\ntag 4\ntag 5\n");
  CHECK(cudaEventDestroy(done));
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(tag));
  return EXIT_SUCCESS;
}

// The last test: a failed assert() leaves the device unusable.
int failedAssertMessage() {
  Capture err(STDERR_FILENO);
  assertSmall<<<2, 4>>>(3);
  cudaError_t status = cudaDeviceSynchronize();
  std::string printed = err.text();
  err.restore();
  EXPECT(status == cudaErrorAssert);
  std::string expected = std::string(__FILE__) + ":" + std::to_string(kAssertLine) +
                         ": void assertSmall(int): block: [1,0,0], thread: [2,0,0] Assertion "
                         "`value < limit` failed.";
  if (printed.find(expected) == std::string::npos) {
    std::printf("stderr: %s\nexpected: %s\nFAIL\n", printed.c_str(), expected.c_str());
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}

} // namespace

int main() {
  if (printFromManyBlocks() != EXIT_SUCCESS || synchronizationPointsPrint() != EXIT_SUCCESS ||
      failedAssertMessage() != EXIT_SUCCESS)
    return EXIT_FAILURE;
  std::printf("device printf: %d threads, every synchronization point, assert message checked\n",
              kBlocks * kThreads);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
