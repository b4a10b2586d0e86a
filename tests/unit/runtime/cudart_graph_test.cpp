// The graph and stream capture entry points of libcudart.so.13: host-function graphs (no kernels
// needed) and the documented error paths.
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

// The per-thread default stream twins (declared by NVIDIA's headers only under
// --default-stream per-thread).
extern "C" {
cudaError_t cudaStreamBeginCapture_ptsz(cudaStream_t stream, cudaStreamCaptureMode mode);
cudaError_t cudaStreamEndCapture_ptsz(cudaStream_t stream, cudaGraph_t *graph);
cudaError_t cudaStreamIsCapturing_ptsz(cudaStream_t stream, cudaStreamCaptureStatus *status);
cudaError_t cudaLaunchHostFunc_ptsz(cudaStream_t stream, cudaHostFn_t fn, void *userData);
cudaError_t cudaGraphLaunch_ptsz(cudaGraphExec_t exec, cudaStream_t stream);
cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream);
}

namespace {

struct Recorder {
  std::mutex mutex;
  std::vector<int> order;
};

struct Entry {
  Recorder *recorder;
  int label;
};

void record(void *data) {
  Entry *entry = static_cast<Entry *>(data);
  std::lock_guard<std::mutex> lock(entry->recorder->mutex);
  entry->recorder->order.push_back(entry->label);
}

TEST(CudartGraph, HostNodesRunInDependencyOrderAtEachLaunch) {
  Recorder recorder;
  Entry first{&recorder, 1}, second{&recorder, 2}, third{&recorder, 3};
  cudaGraph_t graph;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaGraphNode_t a, b, c;
  cudaHostNodeParams params{record, &third};
  ASSERT_EQ(cudaGraphAddHostNode(&c, graph, nullptr, 0, &params), cudaSuccess);
  params.userData = &first;
  ASSERT_EQ(cudaGraphAddHostNode(&a, graph, nullptr, 0, &params), cudaSuccess);
  params.userData = &second;
  ASSERT_EQ(cudaGraphAddHostNode(&b, graph, &a, 1, &params), cudaSuccess);
  ASSERT_EQ(cudaGraphAddDependencies(graph, &b, &c, nullptr, 1), cudaSuccess);
  EXPECT_EQ(cudaGraphAddDependencies(graph, &b, &c, nullptr, 1), cudaErrorInvalidValue);
  (void)cudaGetLastError();

  cudaGraphNode_t from[2], to[2];
  size_t edges = 2;
  ASSERT_EQ(cudaGraphGetEdges(graph, from, to, nullptr, &edges), cudaSuccess);
  EXPECT_EQ(edges, 2u);
  size_t dependencies = 0;
  ASSERT_EQ(cudaGraphNodeGetDependencies(c, nullptr, nullptr, &dependencies), cudaSuccess);
  EXPECT_EQ(dependencies, 1u);

  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(recorder.order, (std::vector<int>{1, 2, 3, 1, 2, 3}));

  // The executable graph's host node changes; the graph's does not reach it.
  Entry replaced{&recorder, 7};
  params.userData = &replaced;
  ASSERT_EQ(cudaGraphExecHostNodeSetParams(exec, b, &params), cudaSuccess);
  recorder.order.clear();
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(recorder.order, (std::vector<int>{1, 7, 3}));
  cudaHostNodeParams read;
  ASSERT_EQ(cudaGraphHostNodeGetParams(b, &read), cudaSuccess);
  EXPECT_EQ(read.userData, &second);

  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST(CudartGraph, MemsetAndMemcpyNodesCloneAndDisable) {
  const size_t rows = 3, width = 10, pitch = 16; // 2D: 10 of every 16 bytes
  unsigned char *device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), rows * pitch), cudaSuccess);
  ASSERT_EQ(cudaMemset(device, 0, rows * pitch), cudaSuccess);
  std::vector<unsigned char> host(rows * pitch, 0xee);
  cudaGraph_t graph;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaMemsetParams memset{};
  memset.dst = device;
  memset.pitch = pitch;
  memset.value = 0x5a;
  memset.elementSize = 1;
  memset.width = width;
  memset.height = rows;
  cudaGraphNode_t fill, copy;
  ASSERT_EQ(cudaGraphAddMemsetNode(&fill, graph, nullptr, 0, &memset), cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemcpyNode1D(&copy, graph, &fill, 1, host.data(), device, rows * pitch,
                                     cudaMemcpyDeviceToHost),
            cudaSuccess);
  cudaGraph_t clone;
  ASSERT_EQ(cudaGraphClone(&clone, graph), cudaSuccess);
  cudaGraphNode_t clonedFill;
  ASSERT_EQ(cudaGraphNodeFindInClone(&clonedFill, fill, clone), cudaSuccess);
  EXPECT_NE(clonedFill, fill);
  cudaGraphNodeType type;
  ASSERT_EQ(cudaGraphNodeGetType(clonedFill, &type), cudaSuccess);
  EXPECT_EQ(type, cudaGraphNodeTypeMemset);
  cudaGraphNode_t missing;
  EXPECT_EQ(cudaGraphNodeFindInClone(&missing, fill, graph), cudaErrorInvalidValue);
  (void)cudaGetLastError();

  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, clone, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  for (size_t i = 0; i < host.size(); ++i)
    EXPECT_EQ(host[i], i % pitch < width ? 0x5a : 0) << i;

  // Disabled, the memset does nothing: the device keeps what the first launch wrote.
  ASSERT_EQ(cudaMemset(device, 1, rows * pitch), cudaSuccess);
  ASSERT_EQ(cudaGraphNodeSetEnabled(exec, clonedFill, 0), cudaSuccess);
  unsigned enabled = 1;
  ASSERT_EQ(cudaGraphNodeGetEnabled(exec, clonedFill, &enabled), cudaSuccess);
  EXPECT_EQ(enabled, 0u);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  for (size_t i = 0; i < host.size(); ++i)
    EXPECT_EQ(host[i], 1) << i;

  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(clone), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

TEST(CudartGraph, MemcpyNodesThroughAnArray) {
  const size_t width = 8, height = 3;
  cudaChannelFormatDesc format = cudaCreateChannelDesc(32, 0, 0, 0, cudaChannelFormatKindSigned);
  cudaArray_t array = nullptr;
  ASSERT_EQ(cudaMallocArray(&array, &format, width, height), cudaSuccess);
  std::vector<int> in(width * height), out(width * height, -1);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = static_cast<int>(i * 3);
  cudaMemcpy3DParms upload{};
  upload.srcPtr = cudaPitchedPtr{in.data(), width * sizeof(int), width, height};
  upload.dstArray = array;
  upload.extent = cudaExtent{width, height, 1}; // elements, with an array
  upload.kind = cudaMemcpyHostToDevice;
  cudaMemcpy3DParms download{};
  download.srcArray = array;
  download.dstPtr = cudaPitchedPtr{out.data(), width * sizeof(int), width, height};
  download.extent = upload.extent;
  download.kind = cudaMemcpyDeviceToHost;
  cudaGraph_t graph;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaGraphNode_t first, second;
  ASSERT_EQ(cudaGraphAddMemcpyNode(&first, graph, nullptr, 0, &upload), cudaSuccess);
  ASSERT_EQ(cudaGraphAddMemcpyNode(&second, graph, &first, 1, &download), cudaSuccess);
  cudaMemcpy3DParms read{};
  ASSERT_EQ(cudaGraphMemcpyNodeGetParams(second, &read), cudaSuccess);
  EXPECT_EQ(read.srcArray, array);
  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(out, in);
  // Both an array and a pointer on one side is invalid, as for cudaMemcpy3D.
  upload.dstPtr = download.dstPtr;
  cudaGraphNode_t invalid;
  EXPECT_EQ(cudaGraphAddMemcpyNode(&invalid, graph, nullptr, 0, &upload), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaFreeArray(array), cudaSuccess);
}

TEST(CudartGraph, GenericNodeParameters) {
  Recorder recorder;
  Entry first{&recorder, 1}, second{&recorder, 2}, third{&recorder, 3};
  cudaGraph_t graph;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaGraphNodeParams params{};
  params.type = cudaGraphNodeTypeHost;
  params.host = cudaHostNodeParamsV2{record, &first};
  cudaGraphNode_t host, empty;
  ASSERT_EQ(cudaGraphAddNode(&host, graph, nullptr, nullptr, 0, &params), cudaSuccess);
  cudaGraphNodeParams emptyParams{};
  emptyParams.type = cudaGraphNodeTypeEmpty;
  cudaGraphEdgeData edge{};
  ASSERT_EQ(cudaGraphAddNode(&empty, graph, &host, &edge, 1, &emptyParams), cudaSuccess);
  params.host.userData = &second;
  ASSERT_EQ(cudaGraphNodeSetParams(host, &params), cudaSuccess);
  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  params.host.userData = &third;
  ASSERT_EQ(cudaGraphExecNodeSetParams(exec, host, &params), cudaSuccess);
  EXPECT_EQ(cudaGraphExecNodeSetParams(exec, empty, &params), cudaErrorInvalidValue); // type
  ASSERT_EQ(cudaGraphLaunch(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(recorder.order, std::vector<int>{3});
  cudaHostNodeParams read;
  ASSERT_EQ(cudaGraphHostNodeGetParams(host, &read), cudaSuccess);
  EXPECT_EQ(read.userData, &second);

  cudaGraphNodeParams allocation{};
  allocation.type = cudaGraphNodeTypeMemAlloc;
  cudaGraphNode_t unsupported;
  EXPECT_EQ(cudaGraphAddNode(&unsupported, graph, nullptr, nullptr, 0, &allocation),
            cudaErrorNotSupported);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

TEST(CudartGraph, InvalidArguments) {
  cudaGraph_t graph;
  EXPECT_EQ(cudaGraphCreate(nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphCreate(&graph, 1), cudaErrorInvalidValue);
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  EXPECT_EQ(cudaGraphGetNodes(graph, nullptr, nullptr), cudaErrorInvalidValue);
  cudaGraphNode_t node;
  cudaHostNodeParams noFunction{nullptr, nullptr};
  EXPECT_EQ(cudaGraphAddHostNode(&node, graph, nullptr, 0, &noFunction), cudaErrorInvalidValue);
  cudaMemsetParams memset{};
  int host = 0;
  memset.dst = &host; // not device memory
  memset.elementSize = 4;
  memset.width = 1;
  memset.height = 1;
  EXPECT_EQ(cudaGraphAddMemsetNode(&node, graph, nullptr, 0, &memset), cudaErrorInvalidValue);
  memset.elementSize = 3;
  EXPECT_EQ(cudaGraphAddMemsetNode(&node, graph, nullptr, 0, &memset), cudaErrorInvalidValue);
  int other = 0;
  EXPECT_EQ(cudaGraphAddMemcpyNode1D(&node, graph, nullptr, 0, &host, &other, sizeof host,
                                     cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaGraphAddEmptyNode(&node, graph, nullptr, 0), cudaSuccess);
  cudaHostNodeParams hostParams;
  EXPECT_EQ(cudaGraphHostNodeGetParams(node, &hostParams),
            cudaErrorInvalidValue); // not a host node
  cudaGraphExec_t exec;
  EXPECT_EQ(cudaGraphInstantiate(&exec, graph, cudaGraphInstantiateFlagDeviceLaunch),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphInstantiate(&exec, graph, 1ull << 40), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphLaunch(nullptr, nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGraphExecUpdate(nullptr, graph, nullptr), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

TEST(CudartCapture, BeginAndEndErrors) {
  cudaGraph_t graph;
  EXPECT_EQ(cudaStreamBeginCapture(nullptr, cudaStreamCaptureModeGlobal),
            cudaErrorStreamCaptureUnsupported); // the legacy stream
  cudaStream_t stream, other;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithFlags(&other, cudaStreamNonBlocking), cudaSuccess);
  EXPECT_EQ(cudaStreamEndCapture(stream, &graph), cudaErrorIllegalState);
  EXPECT_EQ(cudaStreamBeginCapture(stream, static_cast<cudaStreamCaptureMode>(7)),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaErrorIllegalState);

  // `other` joins through an event; ending there is unmatched.
  cudaEvent_t event;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(other, event, 0), cudaSuccess);
  EXPECT_EQ(cudaEventQuery(event), cudaErrorCapturedEvent);
  EXPECT_EQ(cudaEventSynchronize(event), cudaErrorCapturedEvent);
  cudaStreamCaptureStatus status;
  ASSERT_EQ(cudaStreamIsCapturing(other, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  EXPECT_EQ(cudaStreamEndCapture(other, &graph), cudaErrorStreamCaptureUnmatched);
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess); // nothing captured on `other`
  size_t count = 1;
  ASSERT_EQ(cudaGraphGetNodes(graph, nullptr, &count), cudaSuccess);
  EXPECT_EQ(count, 0u);
  EXPECT_EQ(cudaEventQuery(event), cudaSuccess); // the capture is over
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaEventDestroy(event), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(other), cudaSuccess);
}

void increment(void *counter) {
  ++*static_cast<std::atomic<int> *>(counter);
}

TEST(CudartCapture, CapturedHostFunctionsRunAtLaunchOnly) {
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  std::atomic<int> counter{0};
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(stream, increment, &counter), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(stream, increment, &counter), cudaSuccess);
  unsigned long long id = 0;
  cudaGraph_t capturing = nullptr;
  const cudaGraphNode_t *dependencies = nullptr;
  const cudaGraphEdgeData *edges = nullptr;
  size_t numDependencies = 0;
  cudaStreamCaptureStatus status;
  ASSERT_EQ(cudaStreamGetCaptureInfo(stream, &status, &id, &capturing, &dependencies, &edges,
                                     &numDependencies),
            cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  EXPECT_NE(id, 0u);
  EXPECT_NE(capturing, nullptr);
  ASSERT_EQ(numDependencies, 1u);
  cudaHostNodeParams params;
  ASSERT_EQ(cudaGraphHostNodeGetParams(dependencies[0], &params), cudaSuccess);
  EXPECT_EQ(params.fn, increment);
  EXPECT_EQ(cudaStreamGetCaptureInfo(stream, nullptr), cudaErrorInvalidValue);
  cudaGraph_t graph;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  EXPECT_EQ(graph, capturing);
  EXPECT_EQ(counter.load(), 0);
  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(counter.load(), 6);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST(CudartCapture, IntoAnExistingGraph) {
  Recorder recorder;
  Entry first{&recorder, 1}, second{&recorder, 2};
  cudaGraph_t graph;
  ASSERT_EQ(cudaGraphCreate(&graph, 0), cudaSuccess);
  cudaGraphNode_t existing;
  cudaHostNodeParams params{record, &first};
  ASSERT_EQ(cudaGraphAddHostNode(&existing, graph, nullptr, 0, &params), cudaSuccess);
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  EXPECT_EQ(cudaStreamBeginCaptureToGraph(stream, nullptr, nullptr, nullptr, 0,
                                          cudaStreamCaptureModeGlobal),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaStreamBeginCaptureToGraph(stream, graph, &existing, nullptr, 1,
                                          cudaStreamCaptureModeGlobal),
            cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(stream, record, &second), cudaSuccess);
  cudaGraph_t ended;
  ASSERT_EQ(cudaStreamEndCapture(stream, &ended), cudaSuccess);
  EXPECT_EQ(ended, graph);
  size_t count = 0;
  ASSERT_EQ(cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &count), cudaSuccess);
  EXPECT_EQ(count, 1u); // the captured node follows the existing one
  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(recorder.order, (std::vector<int>{1, 2}));
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  (void)cudaGetLastError();
}

TEST(CudartCapture, PerThreadDefaultStreamTwins) {
  // Handle 0 is the per-thread default stream here, which may capture.
  std::atomic<int> counter{0};
  ASSERT_EQ(cudaStreamBeginCapture_ptsz(nullptr, cudaStreamCaptureModeGlobal), cudaSuccess);
  cudaStreamCaptureStatus status;
  ASSERT_EQ(cudaStreamIsCapturing_ptsz(nullptr, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  ASSERT_EQ(cudaStreamIsCapturing(cudaStreamPerThread, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  ASSERT_EQ(cudaLaunchHostFunc_ptsz(nullptr, increment, &counter), cudaSuccess);
  cudaGraph_t graph;
  ASSERT_EQ(cudaStreamEndCapture_ptsz(nullptr, &graph), cudaSuccess);
  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch_ptsz(exec, nullptr), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize_ptsz(nullptr), cudaSuccess);
  EXPECT_EQ(counter.load(), 1);
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
}

TEST(CudartCapture, IllegalCallsInvalidateTheCapture) {
  cudaStream_t blocking;
  ASSERT_EQ(cudaStreamCreate(&blocking), cudaSuccess);
  std::atomic<int> counter{0};
  cudaGraph_t graph;

  // Waiting on the capturing stream.
  ASSERT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(blocking), cudaErrorStreamCaptureUnsupported);
  cudaStreamCaptureStatus status;
  ASSERT_EQ(cudaStreamIsCapturing(blocking, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusInvalidated);
  EXPECT_EQ(cudaLaunchHostFunc(blocking, increment, &counter), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(cudaStreamEndCapture(blocking, &graph), cudaErrorStreamCaptureInvalidated);

  // The legacy stream while a blocking stream captures.
  ASSERT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeGlobal), cudaSuccess);
  EXPECT_EQ(cudaStreamIsCapturing(nullptr, &status), cudaErrorStreamCaptureImplicit);
  EXPECT_EQ(cudaLaunchHostFunc(nullptr, increment, &counter), cudaErrorStreamCaptureImplicit);
  EXPECT_EQ(cudaStreamEndCapture(blocking, &graph), cudaErrorStreamCaptureInvalidated);

  // A synchronous copy in global mode; allowed once this thread is relaxed.
  int a = 1, b = 2;
  ASSERT_EQ(cudaStreamBeginCapture(blocking, cudaStreamCaptureModeGlobal), cudaSuccess);
  cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
  ASSERT_EQ(cudaThreadExchangeStreamCaptureMode(&mode), cudaSuccess);
  EXPECT_EQ(mode, cudaStreamCaptureModeGlobal);
  EXPECT_EQ(cudaMemcpy(&a, &b, sizeof a, cudaMemcpyHostToHost), cudaSuccess);
  ASSERT_EQ(cudaThreadExchangeStreamCaptureMode(&mode), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(&a, &b, sizeof a, cudaMemcpyHostToHost), cudaErrorStreamCaptureUnsupported);
  EXPECT_EQ(cudaStreamEndCapture(blocking, &graph), cudaErrorStreamCaptureInvalidated);
  EXPECT_EQ(cudaThreadExchangeStreamCaptureMode(nullptr), cudaErrorInvalidValue);

  EXPECT_EQ(counter.load(), 0);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaStreamDestroy(blocking), cudaSuccess);
}

TEST(CudartCapture, UpdatedDependenciesAndInstantiateWithParams) {
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  std::atomic<int> counter{0};
  EXPECT_EQ(cudaStreamUpdateCaptureDependencies(stream, nullptr, nullptr, 0, 0),
            cudaErrorIllegalState);
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(stream, increment, &counter), cudaSuccess);
  cudaStreamCaptureStatus status;
  const cudaGraphNode_t *dependencies = nullptr;
  size_t count = 0;
  ASSERT_EQ(
      cudaStreamGetCaptureInfo(stream, &status, nullptr, nullptr, &dependencies, nullptr, &count),
      cudaSuccess);
  ASSERT_EQ(count, 1u);
  cudaGraphNode_t first = dependencies[0];
  // The next node no longer follows the first one: two roots, and no unjoined error for it.
  ASSERT_EQ(cudaStreamUpdateCaptureDependencies(stream, nullptr, nullptr, 0,
                                                cudaStreamSetCaptureDependencies),
            cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(stream, increment, &counter), cudaSuccess);
  EXPECT_EQ(cudaStreamUpdateCaptureDependencies(stream, &first, nullptr, 1, 5),
            cudaErrorInvalidValue);
  cudaGraph_t graph;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  size_t roots = 0;
  ASSERT_EQ(cudaGraphGetRootNodes(graph, nullptr, &roots), cudaSuccess);
  EXPECT_EQ(roots, 2u);

  cudaGraphInstantiateParams params{};
  params.flags = cudaGraphInstantiateFlagUpload;
  params.uploadStream = stream;
  cudaGraphExec_t exec;
  ASSERT_EQ(cudaGraphInstantiateWithParams(&exec, graph, &params), cudaSuccess);
  EXPECT_EQ(params.result_out, cudaGraphInstantiateSuccess);
  ASSERT_EQ(cudaGraphUpload(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(counter.load(), 2);
  unsigned long long flags = 0;
  ASSERT_EQ(cudaGraphExecGetFlags(exec, &flags), cudaSuccess);
  EXPECT_EQ(flags, static_cast<unsigned long long>(cudaGraphInstantiateFlagUpload));
  EXPECT_EQ(cudaGraphInstantiateWithParams(&exec, graph, nullptr), cudaErrorInvalidValue);
  (void)cudaGetLastError();
  EXPECT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphDestroy(graph), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

} // namespace
