// The runtime API through NVIDIA's own headers, against our libcudart.so.13: error names and
// strings, device queries, memory round trips and error paths, the error state, call
// configuration and launch validation, and the "not supported" exports.
#include <cuda_profiler_api.h>
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern "C" {
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bDim, dim3 *gDim, int *wSize);
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem,
                                     struct CUstream_st *stream);
cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem,
                                       void *stream);
}

namespace {

// The enumerators of cudaError_t, read from the toolkit's own header (not from our table).
std::map<int, std::string> errorEnumerators() {
  std::ifstream header(CUPORT_CUDA_INCLUDE_DIR "/driver_types.h");
  std::stringstream text;
  text << header.rdbuf();
  std::string all = text.str();
  size_t begin = all.find("enum __device_builtin__ cudaError");
  size_t end = all.find("};", begin);
  std::string body = all.substr(begin, end - begin);
  std::map<int, std::string> result;
  std::regex entry(R"((cudaSuccess|cudaError\w+)\s*=\s*(\d+))");
  for (std::sregex_iterator it(body.begin(), body.end(), entry), last; it != last; ++it)
    result[std::stoi((*it)[2])] = (*it)[1];
  return result;
}

TEST(CudartErrors, EveryEnumeratorHasItsNameAndAMessage) {
  std::map<int, std::string> enumerators = errorEnumerators();
  ASSERT_GT(enumerators.size(), 100u);
  for (const auto &[value, name] : enumerators) {
    cudaError_t error = static_cast<cudaError_t>(value);
    EXPECT_STREQ(cudaGetErrorName(error), name.c_str()) << value;
    std::string message = cudaGetErrorString(error);
    EXPECT_FALSE(message.empty()) << name;
    EXPECT_NE(message, "unrecognized error code") << name;
  }
}

TEST(CudartErrors, WellKnownMessages) {
  // The messages every CUDA programmer has seen.
  EXPECT_STREQ(cudaGetErrorString(cudaSuccess), "no error");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorMemoryAllocation), "out of memory");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorIllegalAddress),
               "an illegal memory access was encountered");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidConfiguration), "invalid configuration argument");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorInvalidDeviceFunction), "invalid device function");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorNoKernelImageForDevice),
               "no kernel image is available for execution on the device");
  EXPECT_STREQ(cudaGetErrorString(cudaErrorNotSupported), "operation not supported");
}

TEST(CudartErrors, UnknownValue) {
  EXPECT_STREQ(cudaGetErrorName(static_cast<cudaError_t>(12345)), "unrecognized error code");
  EXPECT_STREQ(cudaGetErrorString(static_cast<cudaError_t>(-1)), "unrecognized error code");
}

TEST(CudartDevice, OneDeviceWithConsistentPropertiesAndAttributes) {
  int count = -1;
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(cudaSetDevice(0), cudaSuccess);
  int current = -1;
  EXPECT_EQ(cudaGetDevice(&current), cudaSuccess);
  EXPECT_EQ(current, 0);

  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_GT(std::strlen(prop.name), 0u);
  EXPECT_EQ(prop.warpSize, 32);
  EXPECT_GT(prop.totalGlobalMem, 0u);
  EXPECT_GT(prop.multiProcessorCount, 0);
  EXPECT_GE(prop.maxThreadsPerBlock, 32);
  EXPECT_LE(prop.maxThreadsDim[0], prop.maxThreadsPerBlock);
  EXPECT_GE(prop.major, 3);

  struct Pair {
    cudaDeviceAttr attribute;
    long long expected;
  } pairs[] = {
      {cudaDevAttrMaxThreadsPerBlock, prop.maxThreadsPerBlock},
      {cudaDevAttrMaxBlockDimX, prop.maxThreadsDim[0]},
      {cudaDevAttrMaxBlockDimY, prop.maxThreadsDim[1]},
      {cudaDevAttrMaxBlockDimZ, prop.maxThreadsDim[2]},
      {cudaDevAttrMaxGridDimX, prop.maxGridSize[0]},
      {cudaDevAttrMaxGridDimY, prop.maxGridSize[1]},
      {cudaDevAttrMaxGridDimZ, prop.maxGridSize[2]},
      {cudaDevAttrMaxSharedMemoryPerBlock, static_cast<long long>(prop.sharedMemPerBlock)},
      {cudaDevAttrTotalConstantMemory, static_cast<long long>(prop.totalConstMem)},
      {cudaDevAttrWarpSize, prop.warpSize},
      {cudaDevAttrMultiProcessorCount, prop.multiProcessorCount},
      {cudaDevAttrComputeCapabilityMajor, prop.major},
      {cudaDevAttrComputeCapabilityMinor, prop.minor},
      {cudaDevAttrUnifiedAddressing, prop.unifiedAddressing},
      {cudaDevAttrIntegrated, prop.integrated},
      {cudaDevAttrMaxRegistersPerBlock, prop.regsPerBlock},
      {cudaDevAttrManagedMemory, prop.managedMemory},
      {cudaDevAttrMaxSharedMemoryPerBlockOptin,
       static_cast<long long>(prop.sharedMemPerBlockOptin)},
  };
  for (const Pair &pair : pairs) {
    int value = -1;
    ASSERT_EQ(cudaDeviceGetAttribute(&value, pair.attribute, 0), cudaSuccess) << pair.attribute;
    EXPECT_EQ(value, pair.expected) << "attribute " << pair.attribute;
  }
}

TEST(CudartDevice, InvalidArguments) {
  EXPECT_EQ(cudaGetDeviceCount(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDevice(1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaSetDevice(-1), cudaErrorInvalidDevice);
  cudaDeviceProp prop;
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetDeviceProperties(nullptr, 0), cudaErrorInvalidValue);
  int value = 0;
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, 3), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, static_cast<cudaDeviceAttr>(100000), 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetAttribute(nullptr, cudaDevAttrWarpSize, 0), cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

TEST(CudartDevice, SharedMemoryAndCooperativeProperties) {
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(prop.sharedMemPerBlock, 48u * 1024); // more is an opt-in, as on GPUs
  EXPECT_GE(prop.sharedMemPerBlockOptin, prop.sharedMemPerBlock);
  EXPECT_EQ(prop.cooperativeLaunch, 1);
  EXPECT_GE(prop.maxBlocksPerMultiProcessor, 1);
  EXPECT_EQ(prop.maxThreadsPerMultiProcessor,
            prop.maxBlocksPerMultiProcessor * prop.maxThreadsPerBlock);
  EXPECT_EQ(prop.clusterLaunch, 0);
  int value = -1;
  ASSERT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrCooperativeLaunch, 0), cudaSuccess);
  EXPECT_EQ(value, 1);
  ASSERT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrMaxBlocksPerMultiprocessor, 0), cudaSuccess);
  EXPECT_EQ(value, prop.maxBlocksPerMultiProcessor);
}

TEST(CudartDevice, FlagsAndInitialization) {
  unsigned flags = 99;
  ASSERT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleYield | cudaDeviceLmemResizeToMax), cudaSuccess);
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaDeviceScheduleYield | cudaDeviceLmemResizeToMax));
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleSpin | cudaDeviceScheduleBlockingSync),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDeviceFlags(0x100), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDeviceFlags(nullptr), cudaErrorInvalidValue);
  EXPECT_EQ(cudaInitDevice(1, 0, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaInitDevice(0, 0, 2), cudaErrorInvalidValue);
  EXPECT_EQ(cudaInitDevice(0, cudaDeviceScheduleSpin, cudaInitDeviceFlagsAreValid), cudaSuccess);
  ASSERT_EQ(cudaGetDeviceFlags(&flags), cudaSuccess);
  EXPECT_EQ(flags, unsigned(cudaDeviceScheduleSpin));
  EXPECT_EQ(cudaSetDeviceFlags(cudaDeviceScheduleAuto), cudaSuccess);
  (void)cudaGetLastError();
}

TEST(CudartDevice, Limits) {
  size_t value = 0;
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitStackSize), cudaSuccess);
  EXPECT_EQ(value, 1024u);
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitPrintfFifoSize), cudaSuccess);
  EXPECT_EQ(value, 1u << 20);
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitMallocHeapSize), cudaSuccess);
  EXPECT_EQ(value, 8u << 20);
  ASSERT_EQ(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 3u << 20), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitMallocHeapSize), cudaSuccess);
  EXPECT_EQ(value, 3u << 20);
  ASSERT_EQ(cudaDeviceSetLimit(cudaLimitStackSize, 8192), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitStackSize), cudaSuccess);
  EXPECT_EQ(value, 8192u);
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitMaxL2FetchGranularity, 64), cudaSuccess);
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitMaxL2FetchGranularity, 129), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitDevRuntimeSyncDepth, 2), cudaErrorUnsupportedLimit);
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitDevRuntimePendingLaunchCount, 2048),
            cudaErrorUnsupportedLimit);
  EXPECT_EQ(cudaDeviceGetLimit(&value, cudaLimitDevRuntimeSyncDepth), cudaErrorUnsupportedLimit);
  EXPECT_EQ(cudaDeviceSetLimit(cudaLimitPersistingL2CacheSize, 1024), cudaErrorUnsupportedLimit);
  EXPECT_EQ(cudaDeviceSetLimit(static_cast<cudaLimit>(42), 1), cudaErrorUnsupportedLimit);
  EXPECT_EQ(cudaDeviceGetLimit(nullptr, cudaLimitStackSize), cudaErrorInvalidValue);
  // cudaDeviceReset restores the defaults.
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitMallocHeapSize), cudaSuccess);
  EXPECT_EQ(value, 8u << 20);
  ASSERT_EQ(cudaDeviceGetLimit(&value, cudaLimitStackSize), cudaSuccess);
  EXPECT_EQ(value, 1024u);
  (void)cudaGetLastError();
}

// The shared-memory bank configuration is deprecated in CUDA 13 but still exported and callable.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST(CudartDevice, CacheAndSharedMemoryConfiguration) {
  cudaFuncCache cache = cudaFuncCachePreferNone;
  ASSERT_EQ(cudaDeviceSetCacheConfig(cudaFuncCachePreferEqual), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetCacheConfig(&cache), cudaSuccess);
  EXPECT_EQ(cache, cudaFuncCachePreferEqual);
  EXPECT_EQ(cudaDeviceSetCacheConfig(static_cast<cudaFuncCache>(4)), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetCacheConfig(nullptr), cudaErrorInvalidValue);
  cudaSharedMemConfig config = cudaSharedMemBankSizeDefault;
  ASSERT_EQ(cudaDeviceGetSharedMemConfig(&config), cudaSuccess);
  EXPECT_EQ(config, cudaSharedMemBankSizeFourByte);
  ASSERT_EQ(cudaDeviceSetSharedMemConfig(cudaSharedMemBankSizeEightByte), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetSharedMemConfig(&config), cudaSuccess);
  EXPECT_EQ(config, cudaSharedMemBankSizeEightByte);
  EXPECT_EQ(cudaDeviceSetSharedMemConfig(static_cast<cudaSharedMemConfig>(3)),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceSetCacheConfig(cudaFuncCachePreferNone), cudaSuccess);
  EXPECT_EQ(cudaDeviceSetSharedMemConfig(cudaSharedMemBankSizeDefault), cudaSuccess);
  (void)cudaGetLastError();
}
#pragma GCC diagnostic pop

TEST(CudartDevice, ChoicePciIdentityAndPeers) {
  cudaDeviceProp prop{};
  int device = -1;
  ASSERT_EQ(cudaChooseDevice(&device, &prop), cudaSuccess);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cudaChooseDevice(nullptr, &prop), cudaErrorInvalidValue);
  EXPECT_EQ(cudaChooseDevice(&device, nullptr), cudaErrorInvalidValue);

  char bus[32] = "";
  ASSERT_EQ(cudaDeviceGetPCIBusId(bus, sizeof bus, 0), cudaSuccess);
  EXPECT_STREQ(bus, "00000000:00:00.0");
  EXPECT_EQ(cudaDeviceGetPCIBusId(bus, sizeof bus, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetPCIBusId(nullptr, 16, 0), cudaErrorInvalidValue);
  device = -1;
  ASSERT_EQ(cudaDeviceGetByPCIBusId(&device, bus), cudaSuccess);
  EXPECT_EQ(device, 0);
  device = -1;
  ASSERT_EQ(cudaDeviceGetByPCIBusId(&device, "00:00.0"), cudaSuccess);
  EXPECT_EQ(device, 0);
  EXPECT_EQ(cudaDeviceGetByPCIBusId(&device, "0000:65:00.0"), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetByPCIBusId(&device, "not a bus id"), cudaErrorInvalidValue);

  int canAccess = -1;
  ASSERT_EQ(cudaDeviceCanAccessPeer(&canAccess, 0, 0), cudaSuccess);
  EXPECT_EQ(canAccess, 0);
  EXPECT_EQ(cudaDeviceCanAccessPeer(&canAccess, 0, 1), cudaErrorInvalidDevice);
  int value = 0;
  EXPECT_EQ(cudaDeviceGetP2PAttribute(&value, cudaDevP2PAttrAccessSupported, 0, 0),
            cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetP2PAttribute(nullptr, cudaDevP2PAttrAccessSupported, 0, 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceFlushGPUDirectRDMAWrites(cudaFlushGPUDirectRDMAWritesTargetCurrentDevice,
                                               cudaFlushGPUDirectRDMAWritesToOwner),
            cudaErrorNotSupported);
  // Device 0 is not its own peer and no other device exists.
  EXPECT_EQ(cudaDeviceEnablePeerAccess(0, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceEnablePeerAccess(1, 0), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceEnablePeerAccess(1, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceDisablePeerAccess(1), cudaErrorInvalidDevice);
  int valid[2] = {0, 0};
  EXPECT_EQ(cudaSetValidDevices(valid, 1), cudaSuccess);
  EXPECT_EQ(cudaSetValidDevices(nullptr, 0), cudaSuccess);
  EXPECT_EQ(cudaSetValidDevices(valid, 2), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetValidDevices(nullptr, 1), cudaErrorInvalidValue);
  valid[0] = 3;
  EXPECT_EQ(cudaSetValidDevices(valid, 1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaCtxResetPersistingL2Cache(), cudaSuccess);
  EXPECT_EQ(cudaProfilerStart(), cudaSuccess);
  EXPECT_EQ(cudaProfilerStop(), cudaSuccess);
  (void)cudaGetLastError();
}

TEST(CudartDevice, Versions) {
  int runtime = 0, driver = 0;
  ASSERT_EQ(cudaRuntimeGetVersion(&runtime), cudaSuccess);
  EXPECT_EQ(runtime, 13000);
  ASSERT_EQ(cudaDriverGetVersion(&driver), cudaSuccess);
  EXPECT_GE(driver, runtime); // else programs refuse to run: "driver insufficient"
  EXPECT_EQ(cudaRuntimeGetVersion(nullptr), cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

TEST(CudartMemory, RoundTripThroughDeviceMemory) {
  constexpr size_t count = 1000;
  std::vector<int> host(count), back(count, 0);
  for (size_t i = 0; i < count; ++i)
    host[i] = static_cast<int>(i * 7 - 3);
  int *device = nullptr, *device2 = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), count * sizeof(int)), cudaSuccess);
  ASSERT_NE(device, nullptr);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device2), count * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device, host.data(), count * sizeof(int), cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device2, device, count * sizeof(int), cudaMemcpyDeviceToDevice),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpy(back.data(), device2, count * sizeof(int), cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(back, host);

  // cudaMemcpyDefault infers the direction; an interior pointer is fine.
  std::vector<int> part(10, 0);
  ASSERT_EQ(cudaMemcpy(part.data(), device + 500, 10 * sizeof(int), cudaMemcpyDefault),
            cudaSuccess);
  EXPECT_EQ(part, std::vector<int>(host.begin() + 500, host.begin() + 510));

  ASSERT_EQ(cudaMemset(device + 10, 0xAB, 20 * sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(back.data(), device, count * sizeof(int), cudaMemcpyDeviceToHost),
            cudaSuccess);
  int pattern;
  std::memset(&pattern, 0xAB, sizeof pattern);
  for (size_t i = 0; i < count; ++i)
    EXPECT_EQ(back[i], i >= 10 && i < 30 ? pattern : host[i]) << i;

  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFree(device2), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST(CudartMemory, ErrorPaths) {
  EXPECT_EQ(cudaFree(nullptr), cudaSuccess);
  EXPECT_EQ(cudaMalloc(nullptr, 16), cudaErrorInvalidValue);
  void *empty = reinterpret_cast<void *>(1);
  EXPECT_EQ(cudaMalloc(&empty, 0), cudaSuccess);
  EXPECT_EQ(empty, nullptr);

  int onHost[4] = {};
  EXPECT_EQ(cudaFree(onHost), cudaErrorInvalidValue);

  char *device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&device), 64), cudaSuccess);
  EXPECT_EQ(cudaFree(device + 8), cudaErrorInvalidValue); // not the start of the block
  char buffer[128] = {};
  EXPECT_EQ(cudaMemcpy(device, buffer, 16, static_cast<cudaMemcpyKind>(7)),
            cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaMemcpy(device, buffer, 16, static_cast<cudaMemcpyKind>(-1)),
            cudaErrorInvalidMemcpyDirection);
  // Host memory named as device memory, and copies running past the allocation.
  EXPECT_EQ(cudaMemcpy(onHost, buffer, 16, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(buffer, onHost, 16, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(buffer, device, 65, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(device + 60, buffer, 8, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(buffer, device, 128, cudaMemcpyDefault), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpy(nullptr, device, 8, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemset(onHost, 0, 4), cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemset(device, 0, 65), cudaErrorInvalidValue);
  // Host to host needs no device memory at all.
  EXPECT_EQ(cudaMemcpy(buffer, onHost, sizeof onHost, cudaMemcpyHostToHost), cudaSuccess);

  EXPECT_EQ(cudaFree(device), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaErrorInvalidValue); // twice
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST(CudartErrorState, GetClearsPeekDoesNot) {
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(7), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorInvalidDevice);
  // A later success does not clear it.
  int count = 0;
  EXPECT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaPeekAtLastError(), cudaSuccess);
}

TEST(CudartErrorState, LastErrorIsPerThread) {
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(7), cudaErrorInvalidDevice);
  cudaError_t seenByOther = cudaErrorUnknown;
  cudaError_t otherOwn = cudaErrorUnknown;
  std::thread other([&] {
    seenByOther = cudaPeekAtLastError();
    (void)cudaMemcpy(nullptr, nullptr, 4, static_cast<cudaMemcpyKind>(9));
    otherOwn = cudaGetLastError();
  });
  other.join();
  EXPECT_EQ(seenByOther, cudaSuccess);
  EXPECT_EQ(otherOwn, cudaErrorInvalidMemcpyDirection);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDevice);
}

TEST(CudartLaunch, PushAndPopCallConfiguration) {
  dim3 grid(3, 2, 1), block(64, 2, 1);
  cudaStream_t stream = reinterpret_cast<cudaStream_t>(0x1);
  EXPECT_EQ(__cudaPushCallConfiguration(grid, block, 256, stream), 0u);
  // Nested: a launch inside the argument list of another pushes on top.
  EXPECT_EQ(__cudaPushCallConfiguration(dim3(1), dim3(32), 0, nullptr), 0u);
  dim3 g, b;
  size_t shared = 99;
  cudaStream_t popped = nullptr;
  ASSERT_EQ(__cudaPopCallConfiguration(&g, &b, &shared, &popped), cudaSuccess);
  EXPECT_EQ(g.x, 1u);
  EXPECT_EQ(b.x, 32u);
  EXPECT_EQ(shared, 0u);
  ASSERT_EQ(__cudaPopCallConfiguration(&g, &b, &shared, &popped), cudaSuccess);
  EXPECT_EQ(g.x, 3u);
  EXPECT_EQ(g.y, 2u);
  EXPECT_EQ(b.x, 64u);
  EXPECT_EQ(b.y, 2u);
  EXPECT_EQ(shared, 256u);
  EXPECT_EQ(popped, stream);
  EXPECT_NE(__cudaPopCallConfiguration(&g, &b, &shared, &popped), cudaSuccess);
  (void)cudaGetLastError();
}

// A registered kernel whose fatbinary is not a fatbinary: launch validation happens before the
// module is compiled, and compiling it reports a broken kernel image.
struct BrokenModule {
  alignas(8) unsigned char container[64] = {};
  struct {
    int magic = 0x466243B1;
    int version = 1;
    const void *data = nullptr;
    const void *filename = nullptr;
  } wrapper;
  char hostStub = 0;

  BrokenModule() {
    wrapper.data = container;
    void **handle = __cudaRegisterFatBinary(&wrapper);
    __cudaRegisterFunction(handle, &hostStub, const_cast<char *>("broken"), "broken", -1, nullptr,
                           nullptr, nullptr, nullptr, nullptr);
  }
};

BrokenModule &brokenModule() {
  static BrokenModule module;
  return module;
}

TEST(CudartLaunch, ConfigurationLimits) {
  const void *kernel = &brokenModule().hostStub;
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(cudaLaunchKernel(kernel, dim3(1), dim3(2048), nullptr, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaLaunchKernel(kernel, dim3(1), dim3(0), nullptr, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaLaunchKernel(kernel, dim3(0), dim3(32), nullptr, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(
      cudaLaunchKernel(kernel, dim3(1), dim3(1, 1, prop.maxThreadsDim[2] + 1), nullptr, 0, nullptr),
      cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaLaunchKernel(kernel, dim3(1, static_cast<unsigned>(prop.maxGridSize[1]) + 1),
                             dim3(32), nullptr, 0, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
}

TEST(CudartLaunch, UnknownFunction) {
  static char notAKernel;
  EXPECT_EQ(cudaLaunchKernel(&notAKernel, dim3(1), dim3(32), nullptr, 0, nullptr),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
}

TEST(CudartLaunch, BrokenFatbinaryIsAnInvalidKernelImage) {
  const void *kernel = &brokenModule().hostStub;
  EXPECT_EQ(cudaLaunchKernel(kernel, dim3(1), dim3(32), nullptr, 0, nullptr),
            cudaErrorInvalidKernelImage);
  // Diagnosed once, reported at every use.
  EXPECT_EQ(cudaLaunchKernel(kernel, dim3(1), dim3(32), nullptr, 0, nullptr),
            cudaErrorInvalidKernelImage);
  (void)cudaGetLastError();
}

TEST(CudartUnsupported, UnimplementedExportReturnsNotSupported) {
  // Graphics interop has no meaning on a device without a display.
  EXPECT_EQ(cudaGraphicsUnregisterResource(nullptr), cudaErrorNotSupported);
  EXPECT_EQ(cudaGetLastError(), cudaErrorNotSupported);
  EXPECT_EQ(cudaGraphicsMapResources(0, nullptr, nullptr), cudaErrorNotSupported);
  (void)cudaGetLastError();
}

TEST(CudartUnsupported, ChannelDescIsComputed) {
  cudaChannelFormatDesc desc = cudaCreateChannelDesc(8, 16, 0, 0, cudaChannelFormatKindUnsigned);
  EXPECT_EQ(desc.x, 8);
  EXPECT_EQ(desc.y, 16);
  EXPECT_EQ(desc.z, 0);
  EXPECT_EQ(desc.f, cudaChannelFormatKindUnsigned);
}

int notNullSentinel; // what a lookup must overwrite

// Driver symbols come from cuport's libcuda.so.1 next to the runtime, on the same device: memory
// one API allocates the other uses. Misses are success with a null pointer and a query result.
TEST(CudartDriverEntryPoint, DriverSymbolsWorkWithTheRuntime) {
  ASSERT_EQ(cudaFree(nullptr), cudaSuccess); // the runtime, hence the driver, is initialized
  void *function = reinterpret_cast<void *>(&notNullSentinel);
  cudaDriverEntryPointQueryResult status = cudaDriverEntryPointSymbolNotFound;
  ASSERT_EQ(
      cudaGetDriverEntryPointByVersion("cuMemAlloc", &function, 12000, cudaEnableDefault, &status),
      cudaSuccess);
  ASSERT_NE(function, nullptr);
  EXPECT_EQ(status, cudaDriverEntryPointSuccess);
  // cuMemAlloc_v2's signature: CUresult (CUdeviceptr *, size_t).
  unsigned long long address = 0;
  ASSERT_EQ(reinterpret_cast<int (*)(unsigned long long *, size_t)>(function)(&address, 64), 0);
  void *memory = reinterpret_cast<void *>(address);
  EXPECT_EQ(cudaMemset(memory, 7, 64), cudaSuccess);
  unsigned char back[64] = {};
  EXPECT_EQ(cudaMemcpy(back, memory, 64, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(back[63], 7);
  EXPECT_EQ(cudaFree(memory), cudaSuccess);
  // The status is optional.
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuInit", &function, 13000,
                                             cudaEnablePerThreadDefaultStream, nullptr),
            cudaSuccess);
  EXPECT_NE(function, nullptr);
  function = reinterpret_cast<void *>(&notNullSentinel);
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuNoSuchFunction", &function, 13000,
                                             cudaEnableDefault, &status),
            cudaSuccess);
  EXPECT_EQ(function, nullptr);
  EXPECT_EQ(status, cudaDriverEntryPointSymbolNotFound);
  // cuGraphInstantiateWithParams is CUDA 12.0's.
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuGraphInstantiateWithParams", &function, 11080,
                                             cudaEnableDefault, &status),
            cudaSuccess);
  EXPECT_EQ(function, nullptr);
  EXPECT_EQ(status, cudaDriverEntryPointVersionNotSufficent);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  function = nullptr;
  status = cudaDriverEntryPointSymbolNotFound;
  EXPECT_EQ(cudaGetDriverEntryPoint("cuLaunchKernel", &function, cudaEnableLegacyStream, &status),
            cudaSuccess);
  EXPECT_NE(function, nullptr);
  EXPECT_EQ(status, cudaDriverEntryPointSuccess);
  EXPECT_EQ(cudaGetDriverEntryPoint(nullptr, &function, cudaEnableDefault, &status),
            cudaErrorInvalidValue);
#pragma GCC diagnostic pop
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  // Documented invalid arguments: no output, unknown flags, a version newer than the driver's.
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuInit", nullptr, 13000, 0, &status),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuInit", &function, 13000, 0x4, &status),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuInit", &function, 99000, 0, &status),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
}

} // namespace
