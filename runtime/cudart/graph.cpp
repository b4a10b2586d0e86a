// CUDA graphs: explicit construction (kernel, memcpy, memset, host, event record and wait,
// empty and child graph nodes; edges), queries, cloning, instantiation, launch and the updates
// of executable graphs. cudaGraph_t is a core::Graph *, cudaGraphNode_t a core::GraphNode *,
// cudaGraphExec_t a core::GraphExec *.
#include "runtime/cudart/api.h"

#include "runtime/core/error_state.h"
#include "runtime/core/graph.h"
#include "runtime/core/graph_exec.h"
#include "runtime/core/graph_nodes.h"
#include "runtime/core/launch.h"
#include "runtime/core/registry.h"
#include "runtime/core/symbols.h"
#include "support/log.h"

#include <algorithm>
#include <memory>

using namespace cuport;

namespace {

core::GraphExec *execOf(cudaGraphExec_t handle) {
  return reinterpret_cast<core::GraphExec *>(handle);
}

template <typename Operation> cudaError_t onDevice(Operation operation) {
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  return operation(*device);
}

// The node `handle` names if it has `type`, else null (cudaErrorInvalidValue).
core::GraphNode *typedNode(cudaGraphNode_t handle, cudaGraphNodeType type) {
  core::GraphNode *node = core::nodeOf(handle);
  if (!node || node->type() != type)
    return nullptr;
  return node;
}

// Adds `node` to `graph` after the `count` nodes `dependencies` points at.
cudaError_t addNode(cudaGraphNode_t *added, cudaGraph_t graph, const cudaGraphNode_t *dependencies,
                    size_t count, std::unique_ptr<core::GraphNode> node) {
  if (!added || !graph || (count && !dependencies))
    return cudaErrorInvalidValue;
  std::vector<core::GraphNode *> after;
  for (size_t i = 0; i < count; ++i)
    after.push_back(core::nodeOf(dependencies[i]));
  core::GraphNode *result = nullptr;
  if (cudaError_t error = core::graphOf(graph)->add(std::move(node), after, result);
      error != cudaSuccess)
    return error;
  *added = core::handleOf(result);
  return cudaSuccess;
}

std::unique_ptr<core::GraphNode> nodeWith(core::Work work) {
  auto node = std::make_unique<core::GraphNode>();
  node->work = std::move(work);
  return node;
}

core::Kernel *kernelForFunction(const void *func) {
  // A host stub address or, since CUDA 12, a cudaKernel_t.
  core::Kernel *kernel = core::registry().findKernel(func);
  return kernel ? kernel : core::registry().findKernelHandle(func);
}

cudaError_t kernelWork(core::Device &device, const cudaKernelNodeParams *params, core::Work &work) {
  if (!params)
    return cudaErrorInvalidValue;
  if (params->kernelParams && params->extra) {
    CUPORT_ERROR("a kernel node gives both kernelParams and extra");
    return cudaErrorInvalidValue;
  }
  return core::prepareKernel(device, kernelForFunction(params->func), params->gridDim,
                             params->blockDim, params->kernelParams, params->extra,
                             params->sharedMemBytes, core::kLeastStreamPriority,
                             core::LaunchOptions{}, work);
}

// Builds the work of a node of `type` from its parameters: kernel, memcpy, memset, host.
template <typename Params>
cudaError_t workFor(core::Device &device, const Params *params, core::Work &work) {
  if constexpr (std::is_same_v<Params, cudaKernelNodeParams>) {
    return kernelWork(device, params, work);
  } else {
    if (!params)
      return cudaErrorInvalidValue;
    if constexpr (std::is_same_v<Params, cudaMemcpy3DParms>)
      return core::memcpyNodeWork(device, *params, work);
    else if constexpr (std::is_same_v<Params, cudaMemsetParams>)
      return core::memsetNodeWork(device, *params, work);
    else
      return core::hostNodeWork(*params, work);
  }
}

// Stores typed parameters that live outside Work on the node.
void keepParams(core::GraphNode &node, const cudaMemcpy3DParms &params) {
  node.memcpy = params;
}
void keepParams(core::GraphNode &node, const cudaMemsetParams &params) {
  node.memset = params;
}
void keepParams(core::GraphNode &, const cudaKernelNodeParams &) {} // in work.kernel
void keepParams(core::GraphNode &, const cudaHostNodeParams &) {}   // in work.host

template <typename Params>
cudaError_t addTyped(cudaGraphNode_t *added, cudaGraph_t graph, const cudaGraphNode_t *dependencies,
                     size_t count, const Params *params) {
  return onDevice([&](core::Device &device) {
    core::Work work;
    if (cudaError_t error = workFor(device, params, work); error != cudaSuccess)
      return error;
    std::unique_ptr<core::GraphNode> node = nodeWith(std::move(work));
    keepParams(*node, *params);
    return addNode(added, graph, dependencies, count, std::move(node));
  });
}

template <typename Params>
cudaError_t setTyped(cudaGraphNode_t handle, cudaGraphNodeType type, const Params *params) {
  return onDevice([&](core::Device &device) {
    core::GraphNode *node = typedNode(handle, type);
    if (!node)
      return cudaErrorInvalidValue;
    core::Work work;
    if (cudaError_t error = workFor(device, params, work); error != cudaSuccess)
      return error;
    node->work = std::move(work);
    node->hasParameters = true;
    keepParams(*node, *params);
    return cudaSuccess;
  });
}

template <typename Params>
cudaError_t execSetTyped(cudaGraphExec_t exec, cudaGraphNode_t handle, cudaGraphNodeType type,
                         const Params *params) {
  return onDevice([&](core::Device &device) {
    core::GraphNode *node = typedNode(handle, type);
    if (!exec || !node)
      return cudaErrorInvalidValue;
    core::Work work;
    if (cudaError_t error = workFor(device, params, work); error != cudaSuccess)
      return error;
    return execOf(exec)->setStepWork(node, std::move(work));
  });
}

// The node of `type` with its typed parameters: cudaErrorInvalidValue for another node, and
// cudaErrorNotSupported for a captured node whose work carries none (a captured copy or memset
// made by an operation that records no graph parameters).
cudaError_t nodeWithParams(cudaGraphNode_t handle, cudaGraphNodeType type, core::GraphNode *&node) {
  node = typedNode(handle, type);
  if (!node)
    return cudaErrorInvalidValue;
  if (!node->hasParameters) {
    CUPORT_ERROR("the parameters of this captured graph node are not recorded");
    return cudaErrorNotSupported;
  }
  return cudaSuccess;
}

// The GetNodes/GetRootNodes/GetEdges convention: with no array, the count; else up to *count
// entries, the rest of the array nulled, and *count set to the number written.
template <typename Handle, typename Fill>
cudaError_t listOut(size_t total, Handle *array, size_t *count, Fill fill) {
  if (!count)
    return cudaErrorInvalidValue;
  if (!array) {
    *count = total;
    return cudaSuccess;
  }
  size_t written = std::min(total, *count);
  for (size_t i = 0; i < *count; ++i)
    fill(i, i < written);
  *count = written;
  return cudaSuccess;
}

// Edge data is an annotation cuport does not model: only the default (all zero) is accepted.
bool defaultEdges(const cudaGraphEdgeData *edges, size_t count) {
  if (!edges)
    return true;
  for (size_t i = 0; i < count; ++i)
    if (edges[i].from_port || edges[i].to_port || edges[i].type) {
      CUPORT_ERROR("graph edges with port or type annotations are not supported");
      return false;
    }
  return true;
}

cudaError_t eventNode(cudaGraphNode_t *added, cudaGraph_t graph,
                      const cudaGraphNode_t *dependencies, size_t count, cudaEvent_t event,
                      cudaGraphNodeType type) {
  return onDevice([&](core::Device &device) {
    std::shared_ptr<core::Event> found = device.events().find(event);
    if (!found)
      return cudaErrorInvalidResourceHandle;
    auto node = nodeWith(core::Work{type, {}});
    node->event = std::move(found);
    node->eventHandle = event;
    return addNode(added, graph, dependencies, count, std::move(node));
  });
}

cudaError_t getEvent(cudaGraphNode_t handle, cudaGraphNodeType type, cudaEvent_t *event) {
  core::GraphNode *node = typedNode(handle, type);
  if (!node || !event)
    return cudaErrorInvalidValue;
  *event = node->eventHandle;
  return cudaSuccess;
}

cudaError_t setEvent(cudaGraphNode_t handle, cudaGraphNodeType type, cudaEvent_t event) {
  return onDevice([&](core::Device &device) {
    core::GraphNode *node = typedNode(handle, type);
    if (!node)
      return cudaErrorInvalidValue;
    std::shared_ptr<core::Event> found = device.events().find(event);
    if (!found)
      return cudaErrorInvalidResourceHandle;
    node->event = std::move(found);
    node->eventHandle = event;
    return cudaSuccess;
  });
}

cudaError_t execSetEvent(cudaGraphExec_t exec, cudaGraphNode_t handle, cudaGraphNodeType type,
                         cudaEvent_t event) {
  return onDevice([&](core::Device &device) {
    core::GraphNode *node = typedNode(handle, type);
    if (!exec || !node)
      return cudaErrorInvalidValue;
    std::shared_ptr<core::Event> found = device.events().find(event);
    if (!found)
      return cudaErrorInvalidResourceHandle;
    return execOf(exec)->setStepEvent(node, std::move(found));
  });
}

cudaError_t addChild(cudaGraphNode_t *added, cudaGraph_t graph, const cudaGraphNode_t *dependencies,
                     size_t count, cudaGraph_t child) {
  if (!child || child == graph)
    return cudaErrorInvalidValue;
  auto node = nodeWith(core::Work{cudaGraphNodeTypeGraph, {}});
  node->child = core::graphOf(child)->clone(); // the node owns a copy, as in CUDA
  return addNode(added, graph, dependencies, count, std::move(node));
}

// The generic cudaGraphNodeParams in the per-type structures of the older entry points.
cudaKernelNodeParams kernelParams(const cudaKernelNodeParamsV2 &p) {
  return cudaKernelNodeParams{p.func,           p.gridDim,      p.blockDim,
                              p.sharedMemBytes, p.kernelParams, p.extra};
}
cudaMemsetParams memsetParams(const cudaMemsetParamsV2 &p) {
  return cudaMemsetParams{p.dst, p.pitch, p.value, p.elementSize, p.width, p.height};
}
cudaHostNodeParams hostParams(const cudaHostNodeParamsV2 &p) {
  return cudaHostNodeParams{p.fn, p.userData};
}

cudaError_t unsupportedNodeType(cudaGraphNodeType type) {
  CUPORT_ERROR("graph nodes of type %d are not supported", static_cast<int>(type));
  return cudaErrorNotSupported;
}

// cudaGraphAddNode: the node the generic parameters describe.
cudaError_t addGeneric(cudaGraphNode_t *added, cudaGraph_t graph,
                       const cudaGraphNode_t *dependencies, const cudaGraphEdgeData *edges,
                       size_t count, const cudaGraphNodeParams *params) {
  if (!params)
    return cudaErrorInvalidValue;
  if (!defaultEdges(edges, count))
    return cudaErrorNotSupported;
  switch (params->type) {
  case cudaGraphNodeTypeKernel: {
    cudaKernelNodeParams kernel = kernelParams(params->kernel);
    return addTyped(added, graph, dependencies, count, &kernel);
  }
  case cudaGraphNodeTypeMemcpy:
    if (params->memcpy.flags)
      return cudaErrorInvalidValue;
    return addTyped(added, graph, dependencies, count, &params->memcpy.copyParams);
  case cudaGraphNodeTypeMemset: {
    cudaMemsetParams memset = memsetParams(params->memset);
    return addTyped(added, graph, dependencies, count, &memset);
  }
  case cudaGraphNodeTypeHost: {
    cudaHostNodeParams host = hostParams(params->host);
    return addTyped(added, graph, dependencies, count, &host);
  }
  case cudaGraphNodeTypeGraph:
    if (params->graph.ownership != cudaGraphChildGraphOwnershipClone) {
      CUPORT_ERROR("child graph nodes that take over their graph are not supported");
      return cudaErrorNotSupported;
    }
    return addChild(added, graph, dependencies, count, params->graph.graph);
  case cudaGraphNodeTypeEventRecord:
    return eventNode(added, graph, dependencies, count, params->eventRecord.event, params->type);
  case cudaGraphNodeTypeWaitEvent:
    return eventNode(added, graph, dependencies, count, params->eventWait.event, params->type);
  case cudaGraphNodeTypeEmpty:
    return addNode(added, graph, dependencies, count,
                   nodeWith(core::Work{cudaGraphNodeTypeEmpty, {}}));
  default:
    return unsupportedNodeType(params->type);
  }
}

// cudaGraphNodeSetParams (exec null) and cudaGraphExecNodeSetParams: new parameters for a node
// of the same type.
cudaError_t setGeneric(cudaGraphExec_t exec, cudaGraphNode_t node,
                       const cudaGraphNodeParams *params) {
  if (!params || !node)
    return cudaErrorInvalidValue;
  switch (params->type) {
  case cudaGraphNodeTypeKernel: {
    cudaKernelNodeParams kernel = kernelParams(params->kernel);
    return exec ? execSetTyped(exec, node, params->type, &kernel)
                : setTyped(node, params->type, &kernel);
  }
  case cudaGraphNodeTypeMemcpy:
    if (params->memcpy.flags)
      return cudaErrorInvalidValue;
    return exec ? execSetTyped(exec, node, params->type, &params->memcpy.copyParams)
                : setTyped(node, params->type, &params->memcpy.copyParams);
  case cudaGraphNodeTypeMemset: {
    cudaMemsetParams memset = memsetParams(params->memset);
    return exec ? execSetTyped(exec, node, params->type, &memset)
                : setTyped(node, params->type, &memset);
  }
  case cudaGraphNodeTypeHost: {
    cudaHostNodeParams host = hostParams(params->host);
    return exec ? execSetTyped(exec, node, params->type, &host)
                : setTyped(node, params->type, &host);
  }
  case cudaGraphNodeTypeEventRecord:
    return exec ? execSetEvent(exec, node, params->type, params->eventRecord.event)
                : setEvent(node, params->type, params->eventRecord.event);
  case cudaGraphNodeTypeWaitEvent:
    return exec ? execSetEvent(exec, node, params->type, params->eventWait.event)
                : setEvent(node, params->type, params->eventWait.event);
  default:
    return unsupportedNodeType(params->type);
  }
}

// The 1D copy a memcpy node to (`toSymbol`) or from a __device__ variable performs, checked as
// cudaMemcpyToSymbol / FromSymbol check it.
cudaError_t symbolCopy(const void *symbol, const void *other, size_t count, size_t offset,
                       cudaMemcpyKind kind, bool toSymbol, cudaMemcpy3DParms &params) {
  if (kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault &&
      kind != (toSymbol ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost))
    return cudaErrorInvalidMemcpyDirection;
  return onDevice([&](core::Device &device) {
    void *address = nullptr;
    size_t size = 0;
    if (cudaError_t error = core::symbolAddress(device, symbol, &address, &size);
        error != cudaSuccess)
      return error;
    if (offset > size || count > size - offset) {
      CUPORT_ERROR("a copy of %zu bytes at offset %zu of a %zu-byte variable", count, offset, size);
      return cudaErrorInvalidValue;
    }
    void *inSymbol = static_cast<char *>(address) + offset;
    params = toSymbol ? core::memcpy1DParams(inSymbol, other, count, kind)
                      : core::memcpy1DParams(const_cast<void *>(other), inSymbol, count, kind);
    return cudaSuccess;
  });
}

// `uploadFlag`: cudaGraphInstantiateFlagUpload is accepted (cudaGraphInstantiateWithParams only).
cudaError_t instantiate(cudaGraphExec_t *exec, cudaGraph_t graph, unsigned long long flags,
                        bool uploadFlag = false) {
  if (!exec || !graph)
    return cudaErrorInvalidValue;
  if (flags & cudaGraphInstantiateFlagDeviceLaunch) {
    CUPORT_ERROR("graphs launched from the device are not supported");
    return cudaErrorNotSupported;
  }
  // Auto-free only concerns memory allocation nodes (cuport has none); node priorities are the
  // default priority for every node; an upload has nothing to make resident.
  unsigned long long known =
      cudaGraphInstantiateFlagAutoFreeOnLaunch | cudaGraphInstantiateFlagUseNodePriority;
  if (uploadFlag)
    known |= cudaGraphInstantiateFlagUpload;
  if (flags & ~known)
    return cudaErrorInvalidValue;
  return onDevice([&](core::Device &) {
    std::unique_ptr<core::GraphExec> made;
    if (cudaError_t error = core::GraphExec::instantiate(*core::graphOf(graph), flags, made);
        error != cudaSuccess)
      return error;
    *exec = reinterpret_cast<cudaGraphExec_t>(made.release());
    return cudaSuccess;
  });
}

cudaError_t instantiateWithParams(const char *entry, cudaGraphExec_t *exec, cudaGraph_t graph,
                                  cudaGraphInstantiateParams *params, bool perThreadDefault) {
  cudaError_t result = cudaErrorInvalidValue;
  if (params) {
    params->errNode_out = nullptr;
    result = cudaSuccess;
    if (params->flags & cudaGraphInstantiateFlagUpload)
      result = onDevice([&](core::Device &device) {
        std::shared_ptr<core::Stream> stream;
        return core::resolveStream(device, params->uploadStream, perThreadDefault, stream);
      });
    if (result == cudaSuccess)
      result = instantiate(exec, graph, params->flags, true);
    std::vector<core::GraphNode *> order;
    params->result_out = result == cudaSuccess ? cudaGraphInstantiateSuccess
                         : graph && !core::graphOf(graph)->topologicalOrder(order)
                             ? cudaGraphInstantiateInvalidStructure
                             : cudaGraphInstantiateError;
  }
  return core::finishCall(entry, result, "graph=%p -> %p", static_cast<void *>(graph),
                          exec && result == cudaSuccess ? static_cast<void *>(*exec) : nullptr);
}

cudaError_t launch(const char *entry, cudaGraphExec_t exec, cudaStream_t handle,
                   bool perThreadDefault) {
  cudaError_t result = onDevice([&](core::Device &device) {
    if (!exec)
      return cudaErrorInvalidValue;
    if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
      return stuck;
    std::shared_ptr<core::Stream> stream;
    if (cudaError_t error = core::resolveStream(device, handle, perThreadDefault, stream);
        error != cudaSuccess)
      return error;
    if (cudaError_t refused = device.streams().admit(*stream); refused != cudaSuccess)
      return refused;
    execOf(exec)->launch(device.streams(), *stream);
    return cudaSuccess;
  });
  return core::finishCall(entry, result, "graphExec=%p stream=%p", static_cast<void *>(exec),
                          static_cast<void *>(handle));
}

cudaError_t upload(const char *entry, cudaGraphExec_t exec, cudaStream_t handle,
                   bool perThreadDefault) {
  // Nothing needs to be made resident ahead of a launch on the host: the upload only checks.
  cudaError_t result = onDevice([&](core::Device &device) {
    if (!exec)
      return cudaErrorInvalidValue;
    std::shared_ptr<core::Stream> stream;
    return core::resolveStream(device, handle, perThreadDefault, stream);
  });
  return core::finishCall(entry, result, "graphExec=%p stream=%p", static_cast<void *>(exec),
                          static_cast<void *>(handle));
}

} // namespace

extern "C" {

cudaError_t cudaGraphCreate(cudaGraph_t *pGraph, unsigned int flags) {
  cudaError_t result = cudaErrorInvalidValue;
  if (pGraph && flags == 0) {
    *pGraph = core::handleOf(new core::Graph);
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphCreate", result, "flags=0x%x -> %p", flags,
                          pGraph && result == cudaSuccess ? static_cast<void *>(*pGraph) : nullptr);
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  cudaError_t result = graph ? cudaSuccess : cudaErrorInvalidValue;
  delete core::graphOf(graph);
  return core::finishCall("cudaGraphDestroy", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphAddKernelNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                   const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                   const struct cudaKernelNodeParams *pNodeParams) {
  cudaError_t result = addTyped(pGraphNode, graph, pDependencies, numDependencies, pNodeParams);
  return core::finishCall("cudaGraphAddKernelNode", result, "graph=%p func=%p",
                          static_cast<void *>(graph), pNodeParams ? pNodeParams->func : nullptr);
}

cudaError_t cudaGraphKernelNodeGetParams(cudaGraphNode_t node,
                                         struct cudaKernelNodeParams *pNodeParams) {
  core::GraphNode *found = nullptr;
  cudaError_t result =
      pNodeParams ? nodeWithParams(node, cudaGraphNodeTypeKernel, found) : cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    const core::KernelLaunch &launch = *found->work.kernel;
    pNodeParams->func = const_cast<void *>(launch.kernel->hostFunction());
    pNodeParams->gridDim = launch.grid;
    pNodeParams->blockDim = launch.block;
    pNodeParams->sharedMemBytes = static_cast<unsigned>(launch.sharedBytes);
    pNodeParams->kernelParams = const_cast<void **>(launch.arguments.data());
    pNodeParams->extra = nullptr;
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphKernelNodeGetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphKernelNodeSetParams(cudaGraphNode_t node,
                                         const struct cudaKernelNodeParams *pNodeParams) {
  cudaError_t result = setTyped(node, cudaGraphNodeTypeKernel, pNodeParams);
  return core::finishCall("cudaGraphKernelNodeSetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphAddMemcpyNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                   const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                   const struct cudaMemcpy3DParms *pCopyParams) {
  cudaError_t result = addTyped(pGraphNode, graph, pDependencies, numDependencies, pCopyParams);
  return core::finishCall("cudaGraphAddMemcpyNode", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphAddMemcpyNode1D(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                     const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                     void *dst, const void *src, size_t count,
                                     enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params = core::memcpy1DParams(dst, src, count, kind);
  cudaError_t result = addTyped(pGraphNode, graph, pDependencies, numDependencies, &params);
  return core::finishCall("cudaGraphAddMemcpyNode1D", result,
                          "graph=%p dst=%p src=%p count=%zu kind=%d", static_cast<void *>(graph),
                          dst, src, count, static_cast<int>(kind));
}

cudaError_t cudaGraphAddMemcpyNodeToSymbol(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                           const cudaGraphNode_t *pDependencies,
                                           size_t numDependencies, const void *symbol,
                                           const void *src, size_t count, size_t offset,
                                           enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  cudaError_t result = symbolCopy(symbol, src, count, offset, kind, true, params);
  if (result == cudaSuccess)
    result = addTyped(pGraphNode, graph, pDependencies, numDependencies, &params);
  return core::finishCall(
      "cudaGraphAddMemcpyNodeToSymbol", result, "graph=%p symbol=%p count=%zu offset=%zu kind=%d",
      static_cast<void *>(graph), symbol, count, offset, static_cast<int>(kind));
}

cudaError_t cudaGraphAddMemcpyNodeFromSymbol(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                             const cudaGraphNode_t *pDependencies,
                                             size_t numDependencies, void *dst, const void *symbol,
                                             size_t count, size_t offset,
                                             enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  cudaError_t result = symbolCopy(symbol, dst, count, offset, kind, false, params);
  if (result == cudaSuccess)
    result = addTyped(pGraphNode, graph, pDependencies, numDependencies, &params);
  return core::finishCall(
      "cudaGraphAddMemcpyNodeFromSymbol", result, "graph=%p symbol=%p count=%zu offset=%zu kind=%d",
      static_cast<void *>(graph), symbol, count, offset, static_cast<int>(kind));
}

cudaError_t cudaGraphMemcpyNodeSetParamsToSymbol(cudaGraphNode_t node, const void *symbol,
                                                 const void *src, size_t count, size_t offset,
                                                 enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  cudaError_t result = symbolCopy(symbol, src, count, offset, kind, true, params);
  if (result == cudaSuccess)
    result = setTyped(node, cudaGraphNodeTypeMemcpy, &params);
  return core::finishCall("cudaGraphMemcpyNodeSetParamsToSymbol", result, "node=%p symbol=%p",
                          static_cast<void *>(node), symbol);
}

cudaError_t cudaGraphMemcpyNodeSetParamsFromSymbol(cudaGraphNode_t node, void *dst,
                                                   const void *symbol, size_t count, size_t offset,
                                                   enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  cudaError_t result = symbolCopy(symbol, dst, count, offset, kind, false, params);
  if (result == cudaSuccess)
    result = setTyped(node, cudaGraphNodeTypeMemcpy, &params);
  return core::finishCall("cudaGraphMemcpyNodeSetParamsFromSymbol", result, "node=%p symbol=%p",
                          static_cast<void *>(node), symbol);
}

cudaError_t cudaGraphExecMemcpyNodeSetParamsToSymbol(cudaGraphExec_t hGraphExec,
                                                     cudaGraphNode_t node, const void *symbol,
                                                     const void *src, size_t count, size_t offset,
                                                     enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  cudaError_t result = symbolCopy(symbol, src, count, offset, kind, true, params);
  if (result == cudaSuccess)
    result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeMemcpy, &params);
  return core::finishCall("cudaGraphExecMemcpyNodeSetParamsToSymbol", result,
                          "graphExec=%p node=%p symbol=%p", static_cast<void *>(hGraphExec),
                          static_cast<void *>(node), symbol);
}

cudaError_t cudaGraphExecMemcpyNodeSetParamsFromSymbol(cudaGraphExec_t hGraphExec,
                                                       cudaGraphNode_t node, void *dst,
                                                       const void *symbol, size_t count,
                                                       size_t offset, enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params{};
  cudaError_t result = symbolCopy(symbol, dst, count, offset, kind, false, params);
  if (result == cudaSuccess)
    result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeMemcpy, &params);
  return core::finishCall("cudaGraphExecMemcpyNodeSetParamsFromSymbol", result,
                          "graphExec=%p node=%p symbol=%p", static_cast<void *>(hGraphExec),
                          static_cast<void *>(node), symbol);
}

cudaError_t cudaGraphMemcpyNodeGetParams(cudaGraphNode_t node,
                                         struct cudaMemcpy3DParms *pNodeParams) {
  core::GraphNode *found = nullptr;
  cudaError_t result =
      pNodeParams ? nodeWithParams(node, cudaGraphNodeTypeMemcpy, found) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    *pNodeParams = found->memcpy;
  return core::finishCall("cudaGraphMemcpyNodeGetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphMemcpyNodeSetParams(cudaGraphNode_t node,
                                         const struct cudaMemcpy3DParms *pNodeParams) {
  cudaError_t result = setTyped(node, cudaGraphNodeTypeMemcpy, pNodeParams);
  return core::finishCall("cudaGraphMemcpyNodeSetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphMemcpyNodeSetParams1D(cudaGraphNode_t node, void *dst, const void *src,
                                           size_t count, enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params = core::memcpy1DParams(dst, src, count, kind);
  cudaError_t result = setTyped(node, cudaGraphNodeTypeMemcpy, &params);
  return core::finishCall("cudaGraphMemcpyNodeSetParams1D", result,
                          "node=%p dst=%p src=%p count=%zu kind=%d", static_cast<void *>(node), dst,
                          src, count, static_cast<int>(kind));
}

cudaError_t cudaGraphAddMemsetNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                   const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                   const struct cudaMemsetParams *pMemsetParams) {
  cudaError_t result = addTyped(pGraphNode, graph, pDependencies, numDependencies, pMemsetParams);
  return core::finishCall("cudaGraphAddMemsetNode", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphMemsetNodeGetParams(cudaGraphNode_t node,
                                         struct cudaMemsetParams *pNodeParams) {
  core::GraphNode *found = nullptr;
  cudaError_t result =
      pNodeParams ? nodeWithParams(node, cudaGraphNodeTypeMemset, found) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    *pNodeParams = found->memset;
  return core::finishCall("cudaGraphMemsetNodeGetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphMemsetNodeSetParams(cudaGraphNode_t node,
                                         const struct cudaMemsetParams *pNodeParams) {
  cudaError_t result = setTyped(node, cudaGraphNodeTypeMemset, pNodeParams);
  return core::finishCall("cudaGraphMemsetNodeSetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphAddHostNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                 const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                 const struct cudaHostNodeParams *pNodeParams) {
  cudaError_t result = addTyped(pGraphNode, graph, pDependencies, numDependencies, pNodeParams);
  return core::finishCall("cudaGraphAddHostNode", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphHostNodeGetParams(cudaGraphNode_t node,
                                       struct cudaHostNodeParams *pNodeParams) {
  core::GraphNode *found = nullptr;
  cudaError_t result =
      pNodeParams ? nodeWithParams(node, cudaGraphNodeTypeHost, found) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    *pNodeParams = found->work.host;
  return core::finishCall("cudaGraphHostNodeGetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphHostNodeSetParams(cudaGraphNode_t node,
                                       const struct cudaHostNodeParams *pNodeParams) {
  cudaError_t result = setTyped(node, cudaGraphNodeTypeHost, pNodeParams);
  return core::finishCall("cudaGraphHostNodeSetParams", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphAddChildGraphNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                       const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                       cudaGraph_t childGraph) {
  cudaError_t result = addChild(pGraphNode, graph, pDependencies, numDependencies, childGraph);
  return core::finishCall("cudaGraphAddChildGraphNode", result, "graph=%p child=%p",
                          static_cast<void *>(graph), static_cast<void *>(childGraph));
}

cudaError_t cudaGraphChildGraphNodeGetGraph(cudaGraphNode_t node, cudaGraph_t *pGraph) {
  cudaError_t result = cudaErrorInvalidValue;
  core::GraphNode *found = typedNode(node, cudaGraphNodeTypeGraph);
  if (found && found->child && pGraph) {
    *pGraph = core::handleOf(found->child.get());
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphChildGraphNodeGetGraph", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphAddEmptyNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                  const cudaGraphNode_t *pDependencies, size_t numDependencies) {
  cudaError_t result = addNode(pGraphNode, graph, pDependencies, numDependencies,
                               nodeWith(core::Work{cudaGraphNodeTypeEmpty, {}}));
  return core::finishCall("cudaGraphAddEmptyNode", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphAddEventRecordNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                        const cudaGraphNode_t *pDependencies,
                                        size_t numDependencies, cudaEvent_t event) {
  cudaError_t result = eventNode(pGraphNode, graph, pDependencies, numDependencies, event,
                                 cudaGraphNodeTypeEventRecord);
  return core::finishCall("cudaGraphAddEventRecordNode", result, "graph=%p event=%p",
                          static_cast<void *>(graph), static_cast<void *>(event));
}

cudaError_t cudaGraphEventRecordNodeGetEvent(cudaGraphNode_t node, cudaEvent_t *event_out) {
  cudaError_t result = getEvent(node, cudaGraphNodeTypeEventRecord, event_out);
  return core::finishCall("cudaGraphEventRecordNodeGetEvent", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphEventRecordNodeSetEvent(cudaGraphNode_t node, cudaEvent_t event) {
  cudaError_t result = setEvent(node, cudaGraphNodeTypeEventRecord, event);
  return core::finishCall("cudaGraphEventRecordNodeSetEvent", result, "node=%p event=%p",
                          static_cast<void *>(node), static_cast<void *>(event));
}

cudaError_t cudaGraphAddEventWaitNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                      const cudaGraphNode_t *pDependencies, size_t numDependencies,
                                      cudaEvent_t event) {
  cudaError_t result = eventNode(pGraphNode, graph, pDependencies, numDependencies, event,
                                 cudaGraphNodeTypeWaitEvent);
  return core::finishCall("cudaGraphAddEventWaitNode", result, "graph=%p event=%p",
                          static_cast<void *>(graph), static_cast<void *>(event));
}

cudaError_t cudaGraphEventWaitNodeGetEvent(cudaGraphNode_t node, cudaEvent_t *event_out) {
  cudaError_t result = getEvent(node, cudaGraphNodeTypeWaitEvent, event_out);
  return core::finishCall("cudaGraphEventWaitNodeGetEvent", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphEventWaitNodeSetEvent(cudaGraphNode_t node, cudaEvent_t event) {
  cudaError_t result = setEvent(node, cudaGraphNodeTypeWaitEvent, event);
  return core::finishCall("cudaGraphEventWaitNodeSetEvent", result, "node=%p event=%p",
                          static_cast<void *>(node), static_cast<void *>(event));
}

cudaError_t cudaGraphAddDependencies(cudaGraph_t graph, const cudaGraphNode_t *from,
                                     const cudaGraphNode_t *to, const cudaGraphEdgeData *edgeData,
                                     size_t numDependencies) {
  cudaError_t result = cudaErrorInvalidValue;
  if (graph && (numDependencies == 0 || (from && to))) {
    result = defaultEdges(edgeData, numDependencies) ? cudaSuccess : cudaErrorNotSupported;
    for (size_t i = 0; i < numDependencies && result == cudaSuccess; ++i)
      result = core::graphOf(graph)->addEdge(core::nodeOf(from[i]), core::nodeOf(to[i]));
  }
  return core::finishCall("cudaGraphAddDependencies", result, "graph=%p count=%zu",
                          static_cast<void *>(graph), numDependencies);
}

cudaError_t cudaGraphRemoveDependencies(cudaGraph_t graph, const cudaGraphNode_t *from,
                                        const cudaGraphNode_t *to,
                                        const cudaGraphEdgeData *edgeData, size_t numDependencies) {
  cudaError_t result = cudaErrorInvalidValue;
  if (graph && (numDependencies == 0 || (from && to))) {
    result = defaultEdges(edgeData, numDependencies) ? cudaSuccess : cudaErrorNotSupported;
    for (size_t i = 0; i < numDependencies && result == cudaSuccess; ++i)
      result = core::graphOf(graph)->removeEdge(core::nodeOf(from[i]), core::nodeOf(to[i]));
  }
  return core::finishCall("cudaGraphRemoveDependencies", result, "graph=%p count=%zu",
                          static_cast<void *>(graph), numDependencies);
}

cudaError_t cudaGraphGetNodes(cudaGraph_t graph, cudaGraphNode_t *nodes, size_t *numNodes) {
  cudaError_t result = cudaErrorInvalidValue;
  if (graph) {
    const auto &all = core::graphOf(graph)->nodes();
    result = listOut(all.size(), nodes, numNodes, [&](size_t i, bool present) {
      nodes[i] = present ? core::handleOf(all[i].get()) : nullptr;
    });
  }
  return core::finishCall("cudaGraphGetNodes", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphGetRootNodes(cudaGraph_t graph, cudaGraphNode_t *pRootNodes,
                                  size_t *pNumRootNodes) {
  cudaError_t result = cudaErrorInvalidValue;
  if (graph) {
    std::vector<core::GraphNode *> roots = core::graphOf(graph)->roots();
    result = listOut(roots.size(), pRootNodes, pNumRootNodes, [&](size_t i, bool present) {
      pRootNodes[i] = present ? core::handleOf(roots[i]) : nullptr;
    });
  }
  return core::finishCall("cudaGraphGetRootNodes", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphGetEdges(cudaGraph_t graph, cudaGraphNode_t *from, cudaGraphNode_t *to,
                              cudaGraphEdgeData *edgeData, size_t *numEdges) {
  cudaError_t result = cudaErrorInvalidValue;
  // from and to come together; edge data only with them.
  if (graph && !from == !to && !(edgeData && !from)) {
    auto edges = core::graphOf(graph)->edges();
    result = listOut(edges.size(), from, numEdges, [&](size_t i, bool present) {
      from[i] = present ? core::handleOf(edges[i].first) : nullptr;
      to[i] = present ? core::handleOf(edges[i].second) : nullptr;
      if (edgeData)
        edgeData[i] = cudaGraphEdgeData{};
    });
  }
  return core::finishCall("cudaGraphGetEdges", result, "graph=%p", static_cast<void *>(graph));
}

cudaError_t cudaGraphNodeGetDependencies(cudaGraphNode_t node, cudaGraphNode_t *pDependencies,
                                         cudaGraphEdgeData *edgeData, size_t *pNumDependencies) {
  cudaError_t result = cudaErrorInvalidValue;
  if (core::GraphNode *found = core::nodeOf(node); found && !(edgeData && !pDependencies)) {
    const auto &list = found->dependencies;
    result = listOut(list.size(), pDependencies, pNumDependencies, [&](size_t i, bool present) {
      pDependencies[i] = present ? core::handleOf(list[i]) : nullptr;
      if (edgeData)
        edgeData[i] = cudaGraphEdgeData{};
    });
  }
  return core::finishCall("cudaGraphNodeGetDependencies", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphNodeGetDependentNodes(cudaGraphNode_t node, cudaGraphNode_t *pDependentNodes,
                                           cudaGraphEdgeData *edgeData,
                                           size_t *pNumDependentNodes) {
  cudaError_t result = cudaErrorInvalidValue;
  if (core::GraphNode *found = core::nodeOf(node); found && !(edgeData && !pDependentNodes)) {
    const auto &list = found->dependents;
    result = listOut(list.size(), pDependentNodes, pNumDependentNodes, [&](size_t i, bool present) {
      pDependentNodes[i] = present ? core::handleOf(list[i]) : nullptr;
      if (edgeData)
        edgeData[i] = cudaGraphEdgeData{};
    });
  }
  return core::finishCall("cudaGraphNodeGetDependentNodes", result, "node=%p",
                          static_cast<void *>(node));
}

cudaError_t cudaGraphNodeGetType(cudaGraphNode_t node, enum cudaGraphNodeType *pType) {
  cudaError_t result = cudaErrorInvalidValue;
  if (node && pType) {
    *pType = core::nodeOf(node)->type();
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphNodeGetType", result, "node=%p", static_cast<void *>(node));
}

cudaError_t cudaGraphAddNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                             const cudaGraphNode_t *pDependencies,
                             const cudaGraphEdgeData *dependencyData, size_t numDependencies,
                             struct cudaGraphNodeParams *nodeParams) {
  cudaError_t result =
      addGeneric(pGraphNode, graph, pDependencies, dependencyData, numDependencies, nodeParams);
  return core::finishCall("cudaGraphAddNode", result, "graph=%p type=%d",
                          static_cast<void *>(graph),
                          nodeParams ? static_cast<int>(nodeParams->type) : -1);
}

cudaError_t cudaGraphNodeSetParams(cudaGraphNode_t node, struct cudaGraphNodeParams *nodeParams) {
  cudaError_t result = setGeneric(nullptr, node, nodeParams);
  return core::finishCall("cudaGraphNodeSetParams", result, "node=%p", static_cast<void *>(node));
}

cudaError_t cudaGraphExecNodeSetParams(cudaGraphExec_t graphExec, cudaGraphNode_t node,
                                       struct cudaGraphNodeParams *nodeParams) {
  cudaError_t result = graphExec ? setGeneric(graphExec, node, nodeParams) : cudaErrorInvalidValue;
  return core::finishCall("cudaGraphExecNodeSetParams", result, "graphExec=%p node=%p",
                          static_cast<void *>(graphExec), static_cast<void *>(node));
}

cudaError_t cudaGraphClone(cudaGraph_t *pGraphClone, cudaGraph_t originalGraph) {
  cudaError_t result = cudaErrorInvalidValue;
  if (pGraphClone && originalGraph) {
    *pGraphClone = core::handleOf(core::graphOf(originalGraph)->clone().release());
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphClone", result, "graph=%p", static_cast<void *>(originalGraph));
}

cudaError_t cudaGraphNodeFindInClone(cudaGraphNode_t *pNode, cudaGraphNode_t originalNode,
                                     cudaGraph_t clonedGraph) {
  cudaError_t result = cudaErrorInvalidValue;
  if (pNode && originalNode && clonedGraph) {
    if (core::GraphNode *copy = core::graphOf(clonedGraph)->copyOf(core::nodeOf(originalNode))) {
      *pNode = core::handleOf(copy);
      result = cudaSuccess;
    }
  }
  return core::finishCall("cudaGraphNodeFindInClone", result, "node=%p clone=%p",
                          static_cast<void *>(originalNode), static_cast<void *>(clonedGraph));
}

cudaError_t cudaGraphNodeSetEnabled(cudaGraphExec_t hGraphExec, cudaGraphNode_t hNode,
                                    unsigned int isEnabled) {
  cudaError_t result = hGraphExec && hNode
                           ? execOf(hGraphExec)->setEnabled(core::nodeOf(hNode), isEnabled != 0)
                           : cudaErrorInvalidValue;
  return core::finishCall("cudaGraphNodeSetEnabled", result, "graphExec=%p node=%p enabled=%u",
                          static_cast<void *>(hGraphExec), static_cast<void *>(hNode), isEnabled);
}

cudaError_t cudaGraphNodeGetEnabled(cudaGraphExec_t hGraphExec, cudaGraphNode_t hNode,
                                    unsigned int *isEnabled) {
  cudaError_t result = cudaErrorInvalidValue;
  bool enabled = false;
  if (hGraphExec && hNode && isEnabled) {
    result = execOf(hGraphExec)->enabled(core::nodeOf(hNode), enabled);
    if (result == cudaSuccess)
      *isEnabled = enabled ? 1 : 0;
  }
  return core::finishCall("cudaGraphNodeGetEnabled", result, "graphExec=%p node=%p",
                          static_cast<void *>(hGraphExec), static_cast<void *>(hNode));
}

cudaError_t cudaGraphDestroyNode(cudaGraphNode_t node) {
  cudaError_t result = cudaErrorInvalidValue;
  if (core::GraphNode *found = core::nodeOf(node)) {
    found->graph->destroy(found);
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphDestroyNode", result, "node=%p", static_cast<void *>(node));
}

cudaError_t cudaGraphInstantiate(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                 unsigned long long flags) {
  cudaError_t result = instantiate(pGraphExec, graph, flags);
  return core::finishCall(
      "cudaGraphInstantiate", result, "graph=%p flags=0x%llx -> %p", static_cast<void *>(graph),
      flags, pGraphExec && result == cudaSuccess ? static_cast<void *>(*pGraphExec) : nullptr);
}

cudaError_t cudaGraphInstantiateWithFlags(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                          unsigned long long flags) {
  cudaError_t result = instantiate(pGraphExec, graph, flags);
  return core::finishCall("cudaGraphInstantiateWithFlags", result, "graph=%p flags=0x%llx -> %p",
                          static_cast<void *>(graph), flags,
                          pGraphExec && result == cudaSuccess ? static_cast<void *>(*pGraphExec)
                                                              : nullptr);
}

cudaError_t cudaGraphInstantiateWithParams(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                           cudaGraphInstantiateParams *instantiateParams) {
  return instantiateWithParams("cudaGraphInstantiateWithParams", pGraphExec, graph,
                               instantiateParams, false);
}
cudaError_t cudaGraphInstantiateWithParams_ptsz(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                                cudaGraphInstantiateParams *instantiateParams) {
  return instantiateWithParams("cudaGraphInstantiateWithParams_ptsz", pGraphExec, graph,
                               instantiateParams, true);
}

cudaError_t cudaGraphExecGetFlags(cudaGraphExec_t graphExec, unsigned long long *flags) {
  cudaError_t result = cudaErrorInvalidValue;
  if (graphExec && flags) {
    *flags = execOf(graphExec)->flags();
    result = cudaSuccess;
  }
  return core::finishCall("cudaGraphExecGetFlags", result, "graphExec=%p",
                          static_cast<void *>(graphExec));
}

cudaError_t cudaGraphLaunch(cudaGraphExec_t graphExec, cudaStream_t stream) {
  return launch("cudaGraphLaunch", graphExec, stream, false);
}
cudaError_t cudaGraphLaunch_ptsz(cudaGraphExec_t graphExec, cudaStream_t stream) {
  return launch("cudaGraphLaunch_ptsz", graphExec, stream, true);
}

cudaError_t cudaGraphUpload(cudaGraphExec_t graphExec, cudaStream_t stream) {
  return upload("cudaGraphUpload", graphExec, stream, false);
}
cudaError_t cudaGraphUpload_ptsz(cudaGraphExec_t graphExec, cudaStream_t stream) {
  return upload("cudaGraphUpload_ptsz", graphExec, stream, true);
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t graphExec) {
  cudaError_t result = graphExec ? cudaSuccess : cudaErrorInvalidValue;
  // Launches in flight keep the steps they run.
  delete execOf(graphExec);
  return core::finishCall("cudaGraphExecDestroy", result, "graphExec=%p",
                          static_cast<void *>(graphExec));
}

cudaError_t cudaGraphExecKernelNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                             const struct cudaKernelNodeParams *pNodeParams) {
  cudaError_t result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeKernel, pNodeParams);
  return core::finishCall("cudaGraphExecKernelNodeSetParams", result, "graphExec=%p node=%p",
                          static_cast<void *>(hGraphExec), static_cast<void *>(node));
}

cudaError_t cudaGraphExecMemcpyNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                             const struct cudaMemcpy3DParms *pNodeParams) {
  cudaError_t result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeMemcpy, pNodeParams);
  return core::finishCall("cudaGraphExecMemcpyNodeSetParams", result, "graphExec=%p node=%p",
                          static_cast<void *>(hGraphExec), static_cast<void *>(node));
}

cudaError_t cudaGraphExecMemcpyNodeSetParams1D(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                               void *dst, const void *src, size_t count,
                                               enum cudaMemcpyKind kind) {
  cudaMemcpy3DParms params = core::memcpy1DParams(dst, src, count, kind);
  cudaError_t result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeMemcpy, &params);
  return core::finishCall("cudaGraphExecMemcpyNodeSetParams1D", result,
                          "graphExec=%p node=%p dst=%p src=%p count=%zu kind=%d",
                          static_cast<void *>(hGraphExec), static_cast<void *>(node), dst, src,
                          count, static_cast<int>(kind));
}

cudaError_t cudaGraphExecMemsetNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                             const struct cudaMemsetParams *pNodeParams) {
  cudaError_t result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeMemset, pNodeParams);
  return core::finishCall("cudaGraphExecMemsetNodeSetParams", result, "graphExec=%p node=%p",
                          static_cast<void *>(hGraphExec), static_cast<void *>(node));
}

cudaError_t cudaGraphExecHostNodeSetParams(cudaGraphExec_t hGraphExec, cudaGraphNode_t node,
                                           const struct cudaHostNodeParams *pNodeParams) {
  cudaError_t result = execSetTyped(hGraphExec, node, cudaGraphNodeTypeHost, pNodeParams);
  return core::finishCall("cudaGraphExecHostNodeSetParams", result, "graphExec=%p node=%p",
                          static_cast<void *>(hGraphExec), static_cast<void *>(node));
}

cudaError_t cudaGraphExecEventRecordNodeSetEvent(cudaGraphExec_t hGraphExec, cudaGraphNode_t hNode,
                                                 cudaEvent_t event) {
  cudaError_t result = execSetEvent(hGraphExec, hNode, cudaGraphNodeTypeEventRecord, event);
  return core::finishCall("cudaGraphExecEventRecordNodeSetEvent", result,
                          "graphExec=%p node=%p event=%p", static_cast<void *>(hGraphExec),
                          static_cast<void *>(hNode), static_cast<void *>(event));
}

cudaError_t cudaGraphExecEventWaitNodeSetEvent(cudaGraphExec_t hGraphExec, cudaGraphNode_t hNode,
                                               cudaEvent_t event) {
  cudaError_t result = execSetEvent(hGraphExec, hNode, cudaGraphNodeTypeWaitEvent, event);
  return core::finishCall("cudaGraphExecEventWaitNodeSetEvent", result,
                          "graphExec=%p node=%p event=%p", static_cast<void *>(hGraphExec),
                          static_cast<void *>(hNode), static_cast<void *>(event));
}

cudaError_t cudaGraphExecUpdate(cudaGraphExec_t hGraphExec, cudaGraph_t hGraph,
                                cudaGraphExecUpdateResultInfo *resultInfo) {
  cudaError_t result = cudaErrorInvalidValue;
  cudaGraphExecUpdateResultInfo info{cudaGraphExecUpdateError, nullptr, nullptr};
  if (hGraphExec && hGraph)
    result = execOf(hGraphExec)->update(*core::graphOf(hGraph), info);
  if (resultInfo)
    *resultInfo = info;
  return core::finishCall("cudaGraphExecUpdate", result, "graphExec=%p graph=%p -> result %d",
                          static_cast<void *>(hGraphExec), static_cast<void *>(hGraph),
                          static_cast<int>(info.result));
}

} // extern "C"
