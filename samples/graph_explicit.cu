// Graphs built node by node: memset, 1D and pitched 3D memcpy, kernel, host, event record, empty
// and child graph nodes with explicit dependencies; queries (nodes, roots, edges, types,
// parameters); cloning; cudaGraphExecUpdate with the same topology (new parameters) and with a
// different one (refused); copies to and from a __device__ variable.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

#include "check.h"

constexpr int kRows = 4, kCols = 100;
constexpr size_t kPitch = 512; // bytes per row of z on the device, more than kCols ints

// z[r][c] = x[r * kCols + c] * y[r * kCols + c], z pitched.
__global__ void multiply(const int *x, const int *y, char *z) {
  int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y;
  if (c < kCols) {
    int i = r * kCols + c;
    reinterpret_cast<int *>(z + r * kPitch)[c] = x[i] * y[i];
  }
}

__global__ void increment(int *x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    x[i] += 1;
}

__device__ int symbolData[4];

static void markDone(void *flag) {
  *static_cast<int *>(flag) += 1;
}

int main() {
  const int n = kRows * kCols;
  std::vector<int> y(n), z(n);
  for (int i = 0; i < n; ++i)
    y[i] = i - 17;
  int *dx, *dy;
  char *dz;
  CHECK(cudaMalloc(&dx, n * sizeof(int)));
  CHECK(cudaMalloc(&dy, n * sizeof(int)));
  CHECK(cudaMalloc(&dz, kRows * kPitch));
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  cudaEvent_t finished;
  CHECK(cudaEventCreate(&finished));
  int done = 0;

  cudaGraph_t graph;
  CHECK(cudaGraphCreate(&graph, 0));
  cudaGraphNode_t memsetNode, uploadNode, kernelNode, hostNode, recordNode, downloadNode, tail;
  cudaMemsetParams memset{};
  memset.dst = dx;
  memset.value = 7;
  memset.elementSize = sizeof(int);
  memset.width = n;
  memset.height = 1;
  CHECK(cudaGraphAddMemsetNode(&memsetNode, graph, nullptr, 0, &memset));
  CHECK(cudaGraphAddMemcpyNode1D(&uploadNode, graph, nullptr, 0, dy, y.data(), n * sizeof(int),
                                 cudaMemcpyHostToDevice));
  cudaKernelNodeParams kernel{};
  void *arguments[] = {&dx, &dy, &dz};
  kernel.func = reinterpret_cast<void *>(multiply);
  kernel.gridDim = dim3(1, kRows);
  kernel.blockDim = dim3(128);
  kernel.kernelParams = arguments;
  cudaGraphNode_t inputs[] = {memsetNode, uploadNode};
  CHECK(cudaGraphAddKernelNode(&kernelNode, graph, inputs, 2, &kernel));
  cudaHostNodeParams host{markDone, &done};
  CHECK(cudaGraphAddHostNode(&hostNode, graph, &kernelNode, 1, &host));
  CHECK(cudaGraphAddEventRecordNode(&recordNode, graph, &hostNode, 1, finished));
  cudaMemcpy3DParms download{};
  download.srcPtr = make_cudaPitchedPtr(dz, kPitch, kCols * sizeof(int), kRows);
  download.dstPtr = make_cudaPitchedPtr(z.data(), kCols * sizeof(int), kCols * sizeof(int), kRows);
  download.extent = make_cudaExtent(kCols * sizeof(int), kRows, 1);
  download.kind = cudaMemcpyDeviceToHost;
  CHECK(cudaGraphAddMemcpyNode(&downloadNode, graph, &kernelNode, 1, &download));
  cudaGraphNode_t ends[] = {recordNode, downloadNode};
  CHECK(cudaGraphAddEmptyNode(&tail, graph, ends, 2));

  // Queries.
  size_t count = 0;
  CHECK(cudaGraphGetNodes(graph, nullptr, &count));
  EXPECT(count == 7);
  cudaGraphNode_t roots[4];
  size_t numRoots = 4;
  CHECK(cudaGraphGetRootNodes(graph, roots, &numRoots));
  EXPECT(numRoots == 2 && roots[0] == memsetNode && roots[1] == uploadNode && roots[2] == nullptr);
  size_t edges = 0;
  CHECK(cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &edges));
  EXPECT(edges == 7);
  cudaGraphNodeType type;
  CHECK(cudaGraphNodeGetType(downloadNode, &type));
  EXPECT(type == cudaGraphNodeTypeMemcpy);
  CHECK(cudaGraphNodeGetType(recordNode, &type));
  EXPECT(type == cudaGraphNodeTypeEventRecord);
  cudaMemsetParams memsetRead;
  CHECK(cudaGraphMemsetNodeGetParams(memsetNode, &memsetRead));
  EXPECT(memsetRead.dst == dx && memsetRead.value == 7 && memsetRead.width == n);
  cudaHostNodeParams hostRead;
  CHECK(cudaGraphHostNodeGetParams(hostNode, &hostRead));
  EXPECT(hostRead.fn == markDone && hostRead.userData == &done);
  cudaMemcpy3DParms copyRead;
  CHECK(cudaGraphMemcpyNodeGetParams(uploadNode, &copyRead));
  EXPECT(copyRead.dstPtr.ptr == dy && copyRead.extent.width == n * sizeof(int));
  cudaMemsetParams wrongType;
  EXPECT(cudaGraphMemsetNodeGetParams(kernelNode, &wrongType) == cudaErrorInvalidValue);
  (void)cudaGetLastError();

  cudaGraphExec_t exec;
  CHECK(cudaGraphInstantiate(&exec, graph, 0));
  for (int launch = 1; launch <= 3; ++launch) {
    CHECK(cudaGraphLaunch(exec, stream));
    CHECK(cudaEventSynchronize(finished));
    CHECK(cudaStreamSynchronize(stream));
    EXPECT(done == launch);
    for (int i = 0; i < n; ++i)
      EXPECT(z[i] == 7 * y[i]);
  }

  // Same topology, a new memset value: the update takes it.
  cudaGraph_t clone;
  CHECK(cudaGraphClone(&clone, graph));
  cudaGraphNode_t cloned[8];
  size_t numCloned = 8;
  CHECK(cudaGraphGetNodes(clone, cloned, &numCloned));
  EXPECT(numCloned == 7);
  memset.value = static_cast<unsigned>(-3);
  cudaGraphNode_t clonedMemset;
  CHECK(cudaGraphNodeFindInClone(&clonedMemset, memsetNode, clone));
  EXPECT(clonedMemset == cloned[0]);
  CHECK(cudaGraphMemsetNodeSetParams(clonedMemset, &memset));
  cudaGraphExecUpdateResultInfo info;
  CHECK(cudaGraphExecUpdate(exec, clone, &info));
  EXPECT(info.result == cudaGraphExecUpdateSuccess);
  CHECK(cudaGraphLaunch(exec, stream));
  CHECK(cudaStreamSynchronize(stream));
  for (int i = 0; i < n; ++i)
    EXPECT(z[i] == -3 * y[i]);

  // Another topology: refused, and the executable graph keeps what it had.
  cudaGraphNode_t extra;
  CHECK(cudaGraphAddEmptyNode(&extra, clone, nullptr, 0));
  EXPECT(cudaGraphExecUpdate(exec, clone, &info) == cudaErrorGraphExecUpdateFailure);
  EXPECT(info.result == cudaGraphExecUpdateErrorTopologyChanged);
  (void)cudaGetLastError();
  // And through the executable graph itself: the memset value back to 2.
  memset.value = 2;
  CHECK(cudaGraphExecMemsetNodeSetParams(exec, memsetNode, &memset));
  CHECK(cudaGraphLaunch(exec, stream));
  CHECK(cudaStreamSynchronize(stream));
  for (int i = 0; i < n; ++i)
    EXPECT(z[i] == 2 * y[i]);

  // A child graph node: the child (x += 1) runs twice, after the memset of the parent.
  cudaGraph_t child, parent;
  CHECK(cudaGraphCreate(&child, 0));
  cudaGraphNode_t incrementNode, childNode, secondChild, zeroNode;
  int count32 = n;
  void *incrementArguments[] = {&dx, &count32};
  cudaKernelNodeParams incrementParams{};
  incrementParams.func = reinterpret_cast<void *>(increment);
  incrementParams.gridDim = dim3((n + 127) / 128);
  incrementParams.blockDim = dim3(128);
  incrementParams.kernelParams = incrementArguments;
  CHECK(cudaGraphAddKernelNode(&incrementNode, child, nullptr, 0, &incrementParams));
  CHECK(cudaGraphCreate(&parent, 0));
  memset.value = 40;
  CHECK(cudaGraphAddMemsetNode(&zeroNode, parent, nullptr, 0, &memset));
  CHECK(cudaGraphAddChildGraphNode(&childNode, parent, &zeroNode, 1, child));
  CHECK(cudaGraphAddChildGraphNode(&secondChild, parent, &childNode, 1, child));
  cudaGraphExec_t parentExec;
  CHECK(cudaGraphInstantiate(&parentExec, parent, 0));
  CHECK(cudaGraphLaunch(parentExec, stream));
  CHECK(cudaStreamSynchronize(stream));
  std::vector<int> x(n);
  CHECK(cudaMemcpy(x.data(), dx, n * sizeof(int), cudaMemcpyDeviceToHost));
  for (int i = 0; i < n; ++i)
    EXPECT(x[i] == 42);

  // Copies to and from a __device__ variable.
  cudaGraph_t symbolGraph;
  CHECK(cudaGraphCreate(&symbolGraph, 0));
  int toDevice[3] = {11, 22, 33}, fromDevice[4] = {0, 0, 0, 0};
  cudaGraphNode_t toSymbol, fromSymbol, outOfRange;
  CHECK(cudaGraphAddMemcpyNodeToSymbol(&toSymbol, symbolGraph, nullptr, 0, symbolData, toDevice,
                                       sizeof toDevice, sizeof(int), cudaMemcpyHostToDevice));
  CHECK(cudaGraphAddMemcpyNodeFromSymbol(&fromSymbol, symbolGraph, &toSymbol, 1, fromDevice,
                                         symbolData, sizeof fromDevice, 0, cudaMemcpyDeviceToHost));
  EXPECT(cudaGraphAddMemcpyNodeToSymbol(&outOfRange, symbolGraph, nullptr, 0, symbolData, toDevice,
                                        sizeof toDevice, 2 * sizeof(int),
                                        cudaMemcpyHostToDevice) == cudaErrorInvalidValue);
  (void)cudaGetLastError();
  cudaGraphExec_t symbolExec;
  CHECK(cudaGraphInstantiate(&symbolExec, symbolGraph, 0));
  CHECK(cudaGraphLaunch(symbolExec, stream));
  CHECK(cudaStreamSynchronize(stream));
  EXPECT(fromDevice[1] == 11 && fromDevice[2] == 22 && fromDevice[3] == 33);
  CHECK(cudaGraphExecDestroy(symbolExec));
  CHECK(cudaGraphDestroy(symbolGraph));

  CHECK(cudaGraphExecDestroy(parentExec));
  CHECK(cudaGraphDestroy(parent));
  CHECK(cudaGraphDestroy(child));
  CHECK(cudaGraphExecDestroy(exec));
  CHECK(cudaGraphDestroy(clone));
  CHECK(cudaGraphDestroy(graph));
  CHECK(cudaEventDestroy(finished));
  CHECK(cudaStreamDestroy(stream));
  CHECK(cudaFree(dx));
  CHECK(cudaFree(dy));
  CHECK(cudaFree(dz));
  std::printf("graph of %zu nodes: 5 launches, 2 updates, child graphs\n", count);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
