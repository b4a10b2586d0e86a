// `cuport info`: what a CUDA program sees when it asks cuport's runtime about the device, printed
// the way NVIDIA's deviceQuery sample prints it. Goes through the exported API on purpose.
#include "tools/commands.h"

#include <cuda_runtime_api.h>

#include <cstdio>
#include <dlfcn.h>

namespace cuport::tools {
namespace {

struct RuntimeApi {
  decltype(&cudaGetDeviceCount) getDeviceCount = nullptr;
  decltype(&cudaGetDeviceProperties) getDeviceProperties = nullptr;
  decltype(&cudaRuntimeGetVersion) runtimeGetVersion = nullptr;
  decltype(&cudaDriverGetVersion) driverGetVersion = nullptr;
  decltype(&cudaGetErrorString) getErrorString = nullptr;

  bool load(void *library) {
    getDeviceCount =
        reinterpret_cast<decltype(getDeviceCount)>(dlsym(library, "cudaGetDeviceCount"));
    getDeviceProperties =
        reinterpret_cast<decltype(getDeviceProperties)>(dlsym(library, "cudaGetDeviceProperties"));
    runtimeGetVersion =
        reinterpret_cast<decltype(runtimeGetVersion)>(dlsym(library, "cudaRuntimeGetVersion"));
    driverGetVersion =
        reinterpret_cast<decltype(driverGetVersion)>(dlsym(library, "cudaDriverGetVersion"));
    getErrorString =
        reinterpret_cast<decltype(getErrorString)>(dlsym(library, "cudaGetErrorString"));
    return getDeviceCount && getDeviceProperties && runtimeGetVersion && driverGetVersion &&
           getErrorString;
  }
};

std::string versionText(int version) {
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

void printDevice(int index, const cudaDeviceProp &prop) {
  std::printf("Device %d: \"%s\"\n", index, prop.name);
  std::printf("  CUDA Capability Major/Minor version number:    %d.%d\n", prop.major, prop.minor);
  std::printf("  Total amount of global memory:                 %.0f MBytes (%zu bytes)\n",
              static_cast<double>(prop.totalGlobalMem) / 1048576.0, prop.totalGlobalMem);
  std::printf("  Multiprocessors (worker threads):              %d\n", prop.multiProcessorCount);
  std::printf("  Total amount of constant memory:               %zu bytes\n", prop.totalConstMem);
  std::printf("  Total amount of shared memory per block:       %zu bytes\n",
              prop.sharedMemPerBlock);
  std::printf("  Maximum shared memory per block (opt-in):      %zu bytes\n",
              prop.sharedMemPerBlockOptin);
  std::printf("  Warp size:                                     %d\n", prop.warpSize);
  std::printf("  Maximum number of threads per multiprocessor:  %d\n",
              prop.maxThreadsPerMultiProcessor);
  std::printf("  Maximum number of threads per block:           %d\n", prop.maxThreadsPerBlock);
  std::printf("  Max dimension size of a thread block (x,y,z): (%d, %d, %d)\n",
              prop.maxThreadsDim[0], prop.maxThreadsDim[1], prop.maxThreadsDim[2]);
  std::printf("  Max dimension size of a grid size    (x,y,z): (%d, %d, %d)\n", prop.maxGridSize[0],
              prop.maxGridSize[1], prop.maxGridSize[2]);
  std::printf("  Unified addressing:                            %s\n",
              prop.unifiedAddressing ? "Yes" : "No");
  std::printf("  Managed memory:                                %s\n",
              prop.managedMemory ? "Yes" : "No");
}

} // namespace

int infoCommand(const std::vector<std::string> &args) {
  if (!args.empty()) {
    std::fprintf(stderr, "usage: cuport info\n");
    return 2;
  }
  std::string path = libraryDirectory() + "/libcudart.so.13";
  void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    std::fprintf(stderr, "cuport: cannot load %s: %s\n", path.c_str(), dlerror());
    return 1;
  }
  RuntimeApi api;
  if (!api.load(library)) {
    std::fprintf(stderr, "cuport: %s lacks the device query functions\n", path.c_str());
    return 1;
  }
  int runtimeVersion = 0, driverVersion = 0, count = 0;
  api.runtimeGetVersion(&runtimeVersion);
  api.driverGetVersion(&driverVersion);
  std::printf("cuport runtime %s\n", path.c_str());
  std::printf("  CUDA Driver Version / Runtime Version          %s / %s\n",
              versionText(driverVersion).c_str(), versionText(runtimeVersion).c_str());
  if (cudaError_t status = api.getDeviceCount(&count); status != cudaSuccess) {
    std::fprintf(stderr, "cuport: cudaGetDeviceCount: %s\n", api.getErrorString(status));
    return 1;
  }
  std::printf("Detected %d CUDA Capable device(s)\n\n", count);
  for (int device = 0; device < count; ++device) {
    cudaDeviceProp prop{};
    if (cudaError_t status = api.getDeviceProperties(&prop, device); status != cudaSuccess) {
      std::fprintf(stderr, "cuport: cudaGetDeviceProperties(%d): %s\n", device,
                   api.getErrorString(status));
      return 1;
    }
    printDevice(device, prop);
  }
  return 0;
}

} // namespace cuport::tools
