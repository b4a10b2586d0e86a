// Stream capture: a fork/join across two streams (kernels, a host function and a copy) captured
// into a graph, a device-to-host copy node added to it, the graph launched repeatedly, then a
// kernel node's arguments changed in the executable graph. Also the capture errors: waiting on a
// capturing stream invalidates the capture, and work left on a forked stream is unjoined.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

__global__ void addTo(int *a, int n, int delta) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    a[i] += delta;
}

__global__ void scale(const int *a, int *b, int n, int factor) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    b[i] = a[i] * factor;
}

__global__ void sum(const int *b, const int *c, int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = b[i] + c[i];
}

static void countCall(void *counter) {
  ++*static_cast<int *>(counter);
}

int main() {
  const int n = 1000;
  const int threads = 128, blocks = (n + threads - 1) / threads;
  std::vector<int> initial(n), out(n);
  for (int i = 0; i < n; ++i)
    initial[i] = i;
  int *a, *b, *c, *dout, *staged;
  CHECK(cudaMalloc(&a, n * sizeof(int)));
  CHECK(cudaMalloc(&b, n * sizeof(int)));
  CHECK(cudaMalloc(&c, n * sizeof(int)));
  CHECK(cudaMalloc(&dout, n * sizeof(int)));
  CHECK(cudaMalloc(&staged, n * sizeof(int)));
  CHECK(cudaMemcpy(a, initial.data(), n * sizeof(int), cudaMemcpyHostToDevice));

  cudaStream_t origin, side;
  CHECK(cudaStreamCreateWithFlags(&origin, cudaStreamNonBlocking));
  CHECK(cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking));
  cudaEvent_t fork, join;
  CHECK(cudaEventCreate(&fork));
  CHECK(cudaEventCreate(&join));
  int calls = 0;

  // a += 1; then b = 2a on the side stream (with a host call) while c = a + 10 on the origin;
  // joined: out = b + c = 3a + 10.
  CHECK(cudaStreamBeginCapture(origin, cudaStreamCaptureModeGlobal));
  addTo<<<blocks, threads, 0, origin>>>(a, n, 1);
  CHECK(cudaEventRecord(fork, origin));
  CHECK(cudaStreamWaitEvent(side, fork, 0));
  cudaStreamCaptureStatus captureStatus;
  CHECK(cudaStreamIsCapturing(side, &captureStatus));
  EXPECT(captureStatus == cudaStreamCaptureStatusActive);
  scale<<<blocks, threads, 0, side>>>(a, b, n, 2);
  CHECK(cudaLaunchHostFunc(side, countCall, &calls));
  scale<<<blocks, threads, 0, origin>>>(a, c, n, 1);
  addTo<<<blocks, threads, 0, origin>>>(c, n, 10);
  CHECK(cudaEventRecord(join, side));
  CHECK(cudaStreamWaitEvent(origin, join, 0));
  sum<<<blocks, threads, 0, origin>>>(b, c, dout, n);
  // A copy captured too: out is staged through a second buffer.
  cudaMemcpy3DParms stage{};
  stage.srcPtr = make_cudaPitchedPtr(dout, n * sizeof(int), n, 1);
  stage.dstPtr = make_cudaPitchedPtr(staged, n * sizeof(int), n, 1);
  stage.extent = make_cudaExtent(n * sizeof(int), 1, 1);
  stage.kind = cudaMemcpyDeviceToDevice;
  CHECK(cudaMemcpy3DAsync(&stage, origin));
  unsigned long long id = 0;
  const cudaGraphNode_t *dependencies = nullptr;
  size_t numDependencies = 0;
  CHECK(cudaStreamGetCaptureInfo(origin, &captureStatus, &id, nullptr, &dependencies, nullptr,
                                 &numDependencies));
  EXPECT(captureStatus == cudaStreamCaptureStatusActive && id != 0 && numDependencies == 1);
  cudaGraphNode_t last = dependencies[0];
  cudaGraph_t graph;
  CHECK(cudaStreamEndCapture(origin, &graph));
  CHECK(cudaStreamIsCapturing(origin, &captureStatus));
  EXPECT(captureStatus == cudaStreamCaptureStatusNone);
  EXPECT(calls == 0); // captured work does not run

  size_t count = 0;
  CHECK(cudaGraphGetNodes(graph, nullptr, &count));
  EXPECT(count == 7); // 5 kernels, the host function and the copy
  cudaGraphNode_t copy;
  CHECK(cudaGraphAddMemcpyNode1D(&copy, graph, &last, 1, out.data(), staged, n * sizeof(int),
                                 cudaMemcpyDeviceToHost));

  cudaGraphExec_t exec;
  CHECK(cudaGraphInstantiate(&exec, graph, 0));
  const int launches = 5;
  for (int launch = 1; launch <= launches; ++launch) {
    CHECK(cudaGraphLaunch(exec, origin));
    CHECK(cudaStreamSynchronize(origin));
    for (int i = 0; i < n; ++i)
      EXPECT(out[i] == 3 * (i + launch) + 10);
    EXPECT(calls == launch);
  }

  // The first node is a += 1; make it a += 5 in the executable graph only.
  cudaGraphNode_t roots[1];
  size_t numRoots = 1;
  CHECK(cudaGraphGetRootNodes(graph, roots, &numRoots));
  EXPECT(numRoots == 1);
  cudaKernelNodeParams params;
  CHECK(cudaGraphKernelNodeGetParams(roots[0], &params));
  EXPECT(params.func == reinterpret_cast<void *>(addTo) && params.gridDim.x == blocks &&
         params.blockDim.x == threads && *static_cast<int *>(params.kernelParams[2]) == 1);
  int delta = 5;
  void *arguments[] = {&a, const_cast<int *>(&n), &delta};
  params.kernelParams = arguments;
  CHECK(cudaGraphExecKernelNodeSetParams(exec, roots[0], &params));
  CHECK(cudaGraphLaunch(exec, origin));
  CHECK(cudaStreamSynchronize(origin));
  for (int i = 0; i < n; ++i)
    EXPECT(out[i] == 3 * (i + launches + 5) + 10);

  // Waiting on a capturing stream is illegal and invalidates the capture.
  CHECK(cudaStreamBeginCapture(origin, cudaStreamCaptureModeGlobal));
  addTo<<<blocks, threads, 0, origin>>>(a, n, 1);
  EXPECT(cudaStreamSynchronize(origin) == cudaErrorStreamCaptureUnsupported);
  cudaGraph_t failed;
  EXPECT(cudaStreamEndCapture(origin, &failed) == cudaErrorStreamCaptureInvalidated);
  EXPECT(failed == nullptr);
  (void)cudaGetLastError();

  // Work forked to another stream and not joined back.
  CHECK(cudaStreamBeginCapture(origin, cudaStreamCaptureModeGlobal));
  CHECK(cudaEventRecord(fork, origin));
  CHECK(cudaStreamWaitEvent(side, fork, 0));
  addTo<<<blocks, threads, 0, side>>>(a, n, 1);
  EXPECT(cudaStreamEndCapture(origin, &failed) == cudaErrorStreamCaptureUnjoined);
  (void)cudaGetLastError();
  CHECK(cudaStreamIsCapturing(side, &captureStatus));
  EXPECT(captureStatus == cudaStreamCaptureStatusNone);

  CHECK(cudaGraphExecDestroy(exec));
  CHECK(cudaGraphDestroy(graph));
  CHECK(cudaEventDestroy(fork));
  CHECK(cudaEventDestroy(join));
  CHECK(cudaStreamDestroy(origin));
  CHECK(cudaStreamDestroy(side));
  CHECK(cudaFree(a));
  CHECK(cudaFree(b));
  CHECK(cudaFree(c));
  CHECK(cudaFree(dout));
  CHECK(cudaFree(staged));
  std::printf("captured %zu nodes on 2 streams, %d launches\n", count, launches + 1);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
