#include "runtime/core/launch.h"

#include "runtime/core/device.h"
#include "runtime/core/error_names.h"
#include "runtime/core/error_state.h"
#include "runtime/core/module.h"
#include "runtime/core/occupancy.h"
#include "support/log.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace cuport::core {
namespace {

cudaError_t checkConfiguration(const cuport_device_info &info, dim3 grid, dim3 block) {
  const uint32_t blockDims[3] = {block.x, block.y, block.z};
  const uint32_t gridDims[3] = {grid.x, grid.y, grid.z};
  for (int axis = 0; axis < 3; ++axis) {
    if (blockDims[axis] == 0 || gridDims[axis] == 0) {
      CUPORT_ERROR("launch with a zero dimension: grid (%u, %u, %u), block (%u, %u, %u)", grid.x,
                   grid.y, grid.z, block.x, block.y, block.z);
      return cudaErrorInvalidConfiguration;
    }
    if (blockDims[axis] > info.max_block_dim[axis] || gridDims[axis] > info.max_grid_dim[axis]) {
      CUPORT_ERROR("launch beyond the device's limits: grid (%u, %u, %u) of at most (%u, %u, %u), "
                   "block (%u, %u, %u) of at most (%u, %u, %u)",
                   grid.x, grid.y, grid.z, info.max_grid_dim[0], info.max_grid_dim[1],
                   info.max_grid_dim[2], block.x, block.y, block.z, info.max_block_dim[0],
                   info.max_block_dim[1], info.max_block_dim[2]);
      return cudaErrorInvalidConfiguration;
    }
  }
  uint64_t threads = uint64_t{block.x} * block.y * block.z;
  if (threads > info.max_threads_per_block) {
    CUPORT_ERROR("launch with %llu threads per block; the device allows %u",
                 static_cast<unsigned long long>(threads), info.max_threads_per_block);
    return cudaErrorInvalidConfiguration;
  }
  return cudaSuccess;
}

} // namespace

cudaError_t resolveStream(Device &device, cudaStream_t handle, bool perThreadDefault,
                          std::shared_ptr<Stream> &stream) {
  stream = device.streams().resolve(handle, perThreadDefault);
  if (stream)
    return cudaSuccess;
  CUPORT_ERROR("stream %p is not a stream of this device (destroyed, or never created)",
               static_cast<void *>(handle));
  return cudaErrorInvalidResourceHandle;
}

namespace {

// CU_LAUNCH_PARAM_BUFFER_POINTER, CU_LAUNCH_PARAM_BUFFER_SIZE and CU_LAUNCH_PARAM_END of cuda.h:
// `extra` hands over the whole parameter buffer at once.
cudaError_t parameterBufferFromExtra(const lower::KernelInfo &info, void **extra,
                                     std::vector<uint8_t> &buffer) {
  constexpr uintptr_t kEnd = 0x00, kBufferPointer = 0x01, kBufferSize = 0x02;
  const void *pointer = nullptr;
  const size_t *size = nullptr;
  for (size_t i = 0; reinterpret_cast<uintptr_t>(extra[i]) != kEnd; i += 2) {
    uintptr_t key = reinterpret_cast<uintptr_t>(extra[i]);
    if (key == kBufferPointer) {
      pointer = extra[i + 1];
    } else if (key == kBufferSize) {
      size = static_cast<const size_t *>(extra[i + 1]);
    } else {
      CUPORT_ERROR("kernel %s: unknown launch parameter key %#lx in `extra`", info.name.c_str(),
                   static_cast<unsigned long>(key));
      return cudaErrorInvalidValue;
    }
  }
  if (!pointer || !size || *size != info.paramBufferSize) {
    CUPORT_ERROR("kernel %s: `extra` must give a %u-byte parameter buffer and its size",
                 info.name.c_str(), info.paramBufferSize);
    return cudaErrorInvalidValue;
  }
  const uint8_t *bytes = static_cast<const uint8_t *>(pointer);
  buffer.assign(bytes, bytes + *size);
  return cudaSuccess;
}

} // namespace

cudaError_t launchKernel(Device &device, Kernel *kernel, dim3 grid, dim3 block, void **args,
                         size_t sharedBytes, Stream &stream, const LaunchOptions &options,
                         void **extra) {
  if (cudaError_t refused = device.streams().admit(stream); refused != cudaSuccess)
    return refused;
  Work work;
  if (cudaError_t error = prepareKernel(device, kernel, grid, block, args, extra, sharedBytes,
                                        stream.priority(), options, work);
      error != cudaSuccess)
    return error;
  device.streams().submit(stream, std::move(work));
  return cudaSuccess;
}

cudaError_t prepareKernel(Device &device, Kernel *kernel, dim3 grid, dim3 block, void **args,
                          void **extra, size_t sharedBytes, int priority,
                          const LaunchOptions &options, Work &work) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!kernel)
    return cudaErrorInvalidDeviceFunction;
  const cuport_device_info &info = device.info();
  if (cudaError_t error = checkConfiguration(info, grid, block); error != cudaSuccess)
    return error;

  ResolvedKernel resolved;
  if (cudaError_t error = kernel->resolve(device, resolved); error != cudaSuccess)
    return error;

  uint64_t threads = uint64_t{block.x} * block.y * block.z;
  if (uint32_t most = maxThreadsPerBlock(info, resolved); threads > most) {
    CUPORT_ERROR("kernel %s can run at most %u threads per block, launched with %llu",
                 kernel->deviceName().c_str(), most, static_cast<unsigned long long>(threads));
    return cudaErrorLaunchOutOfResources;
  }
  if (resolved.info) {
    // The device runs every cluster as one block (cudaDevAttrClusterLaunch is 0).
    const std::array<uint32_t, 3> &cluster = resolved.info->reqnctapercluster;
    uint64_t blocks = uint64_t{std::max<uint32_t>(cluster[0], 1)} *
                      std::max<uint32_t>(cluster[1], 1) * std::max<uint32_t>(cluster[2], 1);
    if (blocks > 1) {
      CUPORT_ERROR("kernel %s requires clusters of (%u, %u, %u) blocks (.reqnctapercluster); "
                   "thread block clusters of more than one block are not supported on this device",
                   kernel->deviceName().c_str(), cluster[0], cluster[1], cluster[2]);
      return cudaErrorNotSupported;
    }
  }
  if (sharedBytes > info.max_shared_memory_per_block) {
    CUPORT_ERROR("kernel %s launched with %zu bytes of dynamic shared memory; at most %llu",
                 kernel->deviceName().c_str(), sharedBytes,
                 static_cast<unsigned long long>(info.max_shared_memory_per_block));
    return cudaErrorInvalidValue;
  }
  uint64_t staticShared = staticSharedBytes(resolved);
  if (uint64_t limit = dynamicSharedLimit(*kernel, staticShared); sharedBytes > limit) {
    CUPORT_ERROR("kernel %s launched with %zu bytes of dynamic shared memory; at most %llu "
                 "(more needs cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize))",
                 kernel->deviceName().c_str(), sharedBytes, static_cast<unsigned long long>(limit));
    return cudaErrorInvalidValue;
  }
  if (staticShared + sharedBytes > info.max_shared_memory_per_block) {
    CUPORT_ERROR("kernel %s needs %llu bytes of static and %zu of dynamic shared memory; the "
                 "device has %llu per block",
                 kernel->deviceName().c_str(), static_cast<unsigned long long>(staticShared),
                 sharedBytes, static_cast<unsigned long long>(info.max_shared_memory_per_block));
    return cudaErrorLaunchOutOfResources;
  }

  if (options.cooperative) {
    int perMultiprocessor = 0;
    if (cudaError_t error = maxActiveBlocksPerMultiprocessor(
            device, *kernel, static_cast<int>(threads), sharedBytes, perMultiprocessor);
        error != cudaSuccess)
      return error;
    uint64_t resident = uint64_t(perMultiprocessor) * info.multiprocessor_count;
    uint64_t blocks = uint64_t{grid.x} * grid.y * grid.z;
    if (blocks > resident) {
      CUPORT_ERROR("cooperative launch of kernel %s with %llu blocks; at most %llu can be resident "
                   "(%d per multiprocessor, %u multiprocessors)",
                   kernel->deviceName().c_str(), static_cast<unsigned long long>(blocks),
                   static_cast<unsigned long long>(resident), perMultiprocessor,
                   info.multiprocessor_count);
      return cudaErrorCooperativeLaunchTooLarge;
    }
  }

  if (kernel->module().usesDeviceHeap())
    device.noteHeapUserLaunched();
  if (kernel->module().usesPrintf())
    device.notePrintfUserLaunched();
  // CUDA prints what earlier kernels queued when a launch starts.
  device.flushPrintf();

  // The arguments live in the caller's frame: copy them now, the launch runs later.
  auto launch = std::make_shared<KernelLaunch>();
  cudaError_t packed =
      args || !extra ? buildParameterBuffer(*resolved.info, args, launch->parameterBuffer)
                     : parameterBufferFromExtra(*resolved.info, extra, launch->parameterBuffer);
  if (packed != cudaSuccess)
    return packed;
  launch->kernel = kernel;
  launch->grid = grid;
  launch->block = block;
  launch->sharedBytes = sharedBytes;
  for (const lower::KernelParam &param : resolved.info->params)
    launch->arguments.push_back(launch->parameterBuffer.data() + param.offset);

  cuport_launch_config config{};
  config.grid[0] = grid.x;
  config.grid[1] = grid.y;
  config.grid[2] = grid.z;
  config.block[0] = block.x;
  config.block[1] = block.y;
  config.block[2] = block.z;
  config.dynamic_shared_bytes = static_cast<uint32_t>(sharedBytes);
  config.flags = (options.cooperative ? CUPORT_LAUNCH_COOPERATIVE : 0) |
                 (options.explicitCluster ? CUPORT_LAUNCH_EXPLICIT_CLUSTER : 0);
  std::string name = kernel->deviceName();
  work = Work{};
  work.type = cudaGraphNodeTypeKernel;
  work.kernel = launch;
  work.run = [&device, handle = resolved.handle, config, launch, name,
              priority =
                  options.hasPriority ? options.priority : priority]() mutable -> cudaError_t {
    // Once the device is corrupted, later work does not run, as on a GPU.
    if (stickyError() != cudaSuccess)
      return cudaSuccess;
    config.params = launch->parameterBuffer.data();
    config.params_size = launch->parameterBuffer.size();
    char message[1024] = "";
    cuport_status status = device.launchGate().run(priority, [&] {
      return device.backend().launch(device.self(), handle, &config,
                                     cuport_error_buffer{message, sizeof message});
    });
    if (status == CUPORT_OK)
      return cudaSuccess;
    cudaError_t error = errorFromStatus(status);
    CUPORT_ERROR("kernel %s failed: %s%s%s", name.c_str(), errorName(error), message[0] ? ": " : "",
                 message);
    if (isStickyStatus(status)) {
      setStickyError(error);
      return cudaSuccess; // reported through the sticky error
    }
    return error;
  };
  return cudaSuccess;
}

} // namespace cuport::core
