// End to end through our libcudart.so.13: a fatbinary nvcc built from kernels.cu is registered the
// way nvcc's host stubs register it, then launched through cudaLaunchKernel and the CUDA 13 stub
// path (__cudaPushCallConfiguration / __cudaPopCallConfiguration / __cudaGetKernel /
// __cudaLaunchKernel). Faults become sticky errors that cudaDeviceReset clears.
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" {
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaUnregisterFatBinary(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bDim, dim3 *gDim, int *wSize);
void __cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress,
                       const char *deviceName, int ext, size_t size, int constant, int global);
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem,
                                     struct CUstream_st *stream);
cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem,
                                       void *stream);
cudaError_t __cudaGetKernel(cudaKernel_t *kernel, const void *hostFunction);
cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
                               size_t sharedMem, cudaStream_t stream);
}

namespace {

struct FatbinWrapper {
  int magic = 0x466243B1;
  int version = 1;
  const void *data = nullptr;
  const void *filename = nullptr;
};

// A fatbinary file loaded into 8-byte-aligned memory, as it would sit in a program's image.
std::vector<uint64_t> readFatbin(const char *path) {
  std::ifstream file(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8 + 1, 0);
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  return aligned;
}

// Stand-ins for the host stubs nvcc would generate: only their addresses matter.
char vectorAddStub, storeThroughStub, scaleStub, counterStub, gridBarrierStub, boundedStub,
    gridBarrierTrapStub;
char counterShadow[4], scaleShadow[4];

struct Program {
  std::vector<uint64_t> image;
  FatbinWrapper wrapper;
  void **handle = nullptr;

  explicit Program(const char *path) : image(readFatbin(path)) {
    wrapper.data = image.data();
    handle = __cudaRegisterFatBinary(&wrapper);
  }
  void registerKernel(const char *stub, const char *name) {
    __cudaRegisterFunction(handle, stub, const_cast<char *>(name), name, -1, nullptr, nullptr,
                           nullptr, nullptr, nullptr);
  }
};

Program &kernels() {
  static Program *program = [] {
    auto *made = new Program(CUPORT_TEST_FATBIN);
    made->registerKernel(&vectorAddStub, "vector_add");
    made->registerKernel(&storeThroughStub, "store_through");
    made->registerKernel(&scaleStub, "scale_by_constant");
    made->registerKernel(&counterStub, "add_to_counter");
    made->registerKernel(&gridBarrierStub, "grid_barrier");
    made->registerKernel(&boundedStub, "bounded_shared");
    made->registerKernel(&gridBarrierTrapStub, "grid_barrier_trap");
    __cudaRegisterVar(made->handle, counterShadow, const_cast<char *>("deviceCounter"),
                      "deviceCounter", 0, sizeof(int), 0, 0);
    __cudaRegisterVar(made->handle, scaleShadow, const_cast<char *>("scale"), "scale", 0,
                      sizeof(float), 1, 0);
    __cudaRegisterFatBinaryEnd(made->handle);
    return made;
  }();
  return *program;
}

class CudartLaunchTest : public ::testing::Test {
protected:
  void SetUp() override {
    // Before the first module loads: the dump directory is read once.
    setenv("CUPORT_DUMP_DIR", CUPORT_TEST_DUMP_DIR, 1);
    kernels();
    (void)cudaGetLastError();
  }
};

void runVectorAdd(int n, const void *kernel, bool throughStubPath) {
  std::vector<float> a(n), b(n), c(n, -1.0f);
  for (int i = 0; i < n; ++i) {
    a[i] = 0.5f * i;
    b[i] = 1000.0f - i;
  }
  float *da, *db, *dc;
  size_t bytes = n * sizeof(float);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&da), bytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&db), bytes), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&dc), bytes), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(da, a.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(db, b.data(), bytes, cudaMemcpyHostToDevice), cudaSuccess);
  void *args[] = {&da, &db, &dc, &n};
  dim3 block(128), grid((n + 127) / 128);
  if (throughStubPath) {
    // What kernel<<<grid, block>>>(...) compiles to with CUDA 13.
    ASSERT_EQ(__cudaPushCallConfiguration(grid, block, 0, nullptr), 0u);
    cudaKernel_t handle = nullptr;
    ASSERT_EQ(__cudaGetKernel(&handle, kernel), cudaSuccess);
    dim3 g, bl;
    size_t shared;
    cudaStream_t stream;
    ASSERT_EQ(__cudaPopCallConfiguration(&g, &bl, &shared, &stream), cudaSuccess);
    ASSERT_EQ(__cudaLaunchKernel(handle, g, bl, args, shared, stream), cudaSuccess);
  } else {
    ASSERT_EQ(cudaLaunchKernel(kernel, grid, block, args, 0, nullptr), cudaSuccess);
  }
  ASSERT_EQ(cudaMemcpy(c.data(), dc, bytes, cudaMemcpyDeviceToHost), cudaSuccess);
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(c[i], a[i] + b[i]) << i;
  EXPECT_EQ(cudaFree(da), cudaSuccess);
  EXPECT_EQ(cudaFree(db), cudaSuccess);
  EXPECT_EQ(cudaFree(dc), cudaSuccess);
}

TEST_F(CudartLaunchTest, VectorAddThroughCudaLaunchKernel) {
  runVectorAdd(1000, &vectorAddStub, false);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
}

TEST_F(CudartLaunchTest, VectorAddThroughTheCuda13StubPath) {
  runVectorAdd(300, &vectorAddStub, true);
}

TEST_F(CudartLaunchTest, DeviceAndConstantVariables) {
  int zero = 0;
  ASSERT_EQ(cudaMemcpyToSymbol(counterShadow, &zero, sizeof zero, 0, cudaMemcpyHostToDevice),
            cudaSuccess);
  int add = 5;
  void *counterArgs[] = {&add};
  ASSERT_EQ(cudaLaunchKernel(&counterStub, dim3(1), dim3(1), counterArgs, 0, nullptr), cudaSuccess);
  add = 37;
  ASSERT_EQ(cudaLaunchKernel(&counterStub, dim3(1), dim3(1), counterArgs, 0, nullptr), cudaSuccess);
  int counter = -1;
  ASSERT_EQ(
      cudaMemcpyFromSymbol(&counter, counterShadow, sizeof counter, 0, cudaMemcpyDeviceToHost),
      cudaSuccess);
  EXPECT_EQ(counter, 42);

  void *address = nullptr;
  ASSERT_EQ(cudaGetSymbolAddress(&address, counterShadow), cudaSuccess);
  int viaAddress = -1;
  ASSERT_EQ(cudaMemcpy(&viaAddress, address, sizeof viaAddress, cudaMemcpyDeviceToHost),
            cudaSuccess);
  EXPECT_EQ(viaAddress, 42);

  float scale = 2.5f;
  ASSERT_EQ(cudaMemcpyToSymbol(scaleShadow, &scale, sizeof scale, 0, cudaMemcpyHostToDevice),
            cudaSuccess);
  std::vector<float> x = {1.0f, -2.0f, 4.0f};
  int n = static_cast<int>(x.size());
  float *dx;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&dx), n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
  void *scaleArgs[] = {&dx, &n};
  ASSERT_EQ(cudaLaunchKernel(&scaleStub, dim3(1), dim3(32), scaleArgs, 0, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(x.data(), dx, n * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(x, (std::vector<float>{2.5f, -5.0f, 10.0f}));
  EXPECT_EQ(cudaFree(dx), cudaSuccess);

  // Symbol errors: unknown symbol, out of bounds, wrong direction.
  static char notASymbol;
  EXPECT_EQ(cudaMemcpyToSymbol(&notASymbol, &zero, 4, 0, cudaMemcpyHostToDevice),
            cudaErrorInvalidSymbol);
  EXPECT_EQ(cudaMemcpyToSymbol(counterShadow, &zero, 4, 4, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemcpyToSymbol(counterShadow, &zero, 4, 0, cudaMemcpyDeviceToHost),
            cudaErrorInvalidMemcpyDirection);
  (void)cudaGetLastError();
}

TEST_F(CudartLaunchTest, FaultIsStickyUntilDeviceReset) {
  int *null = nullptr;
  int value = 7;
  void *args[] = {&null, &value};
  ASSERT_EQ(cudaLaunchKernel(&storeThroughStub, dim3(1), dim3(1), args, 0, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorIllegalAddress);
  // Sticky: every later call returns it, cudaGetLastError does not clear it.
  void *memory = nullptr;
  EXPECT_EQ(cudaMalloc(&memory, 16), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaGetLastError(), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaGetLastError(), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorIllegalAddress);

  EXPECT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  // The device works again, modules reload.
  runVectorAdd(64, &vectorAddStub, false);
}

TEST_F(CudartLaunchTest, WrongNumberOfThreadsAndUnknownNames) {
  EXPECT_EQ(cudaLaunchKernel(&vectorAddStub, dim3(1), dim3(2048), nullptr, 0, nullptr),
            cudaErrorInvalidConfiguration);
  // A kernel registered under a name the module does not have.
  static char ghostStub;
  kernels().registerKernel(&ghostStub, "no_such_kernel");
  EXPECT_EQ(cudaLaunchKernel(&ghostStub, dim3(1), dim3(32), nullptr, 0, nullptr),
            cudaErrorInvalidDeviceFunction);
  (void)cudaGetLastError();
}

TEST_F(CudartLaunchTest, TooMuchSharedMemory) {
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  int n = 0;
  float *p = nullptr;
  void *args[] = {&p, &p, &p, &n};
  EXPECT_EQ(cudaLaunchKernel(&vectorAddStub, dim3(1), dim3(32), args, prop.sharedMemPerBlock + 1,
                             nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(
      cudaLaunchKernel(&vectorAddStub, dim3(1), dim3(32), args, prop.sharedMemPerBlock, nullptr),
      cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  (void)cudaGetLastError();
}

TEST_F(CudartLaunchTest, LoadedPtxIsDumped) {
  runVectorAdd(32, &vectorAddStub, false);
  bool found = false;
  for (const auto &entry : std::filesystem::directory_iterator(CUPORT_TEST_DUMP_DIR)) {
    if (entry.path().string().ends_with(".compute_75.ptx")) {
      std::ifstream file(entry.path());
      std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      found |= text.find(".entry vector_add") != std::string::npos;
    }
  }
  EXPECT_TRUE(found) << "no dumped PTX with vector_add in " << CUPORT_TEST_DUMP_DIR;
}

// grid.sync() in a cooperative launch of as many blocks as can be resident, through both entry
// points; one block more is cudaErrorCooperativeLaunchTooLarge.
TEST_F(CudartLaunchTest, CooperativeGridSynchronizes) {
  int supported = 0, multiprocessors = 0, perMultiprocessor = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&supported, cudaDevAttrCooperativeLaunch, 0), cudaSuccess);
  EXPECT_EQ(supported, 1);
  ASSERT_EQ(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, 0),
            cudaSuccess);
  ASSERT_EQ(
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perMultiprocessor, &gridBarrierStub, 64, 0),
      cudaSuccess);
  int blocks = perMultiprocessor * multiprocessors;
  ASSERT_GE(blocks, 1);
  int *counter = nullptr, *seen = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&counter), sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&seen), (blocks + 1) * sizeof(int)), cudaSuccess);
  void *args[] = {&counter, &seen};
  for (bool throughLaunchEx : {false, true}) {
    ASSERT_EQ(cudaMemset(counter, 0, sizeof(int)), cudaSuccess);
    if (throughLaunchEx) {
      cudaLaunchAttribute attribute{};
      attribute.id = cudaLaunchAttributeCooperative;
      attribute.val.cooperative = 1;
      cudaLaunchConfig_t config{};
      config.gridDim = dim3(blocks);
      config.blockDim = dim3(64);
      config.attrs = &attribute;
      config.numAttrs = 1;
      ASSERT_EQ(cudaLaunchKernelExC(&config, &gridBarrierStub, args), cudaSuccess);
    } else {
      ASSERT_EQ(
          cudaLaunchCooperativeKernel(&gridBarrierStub, dim3(blocks), dim3(64), args, 0, nullptr),
          cudaSuccess);
    }
    std::vector<int> got(blocks);
    ASSERT_EQ(cudaMemcpy(got.data(), seen, blocks * sizeof(int), cudaMemcpyDeviceToHost),
              cudaSuccess);
    for (int b = 0; b < blocks; ++b)
      EXPECT_EQ(got[b], blocks) << "block " << b;
  }
  EXPECT_EQ(
      cudaLaunchCooperativeKernel(&gridBarrierStub, dim3(blocks + 1), dim3(64), args, 0, nullptr),
      cudaErrorCooperativeLaunchTooLarge);
  EXPECT_EQ(cudaGetLastError(), cudaErrorCooperativeLaunchTooLarge);
  EXPECT_EQ(cudaLaunchCooperativeKernel(nullptr, dim3(1), dim3(64), args, 0, nullptr),
            cudaErrorInvalidDeviceFunction);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaFree(counter), cudaSuccess);
  EXPECT_EQ(cudaFree(seen), cudaSuccess);
  (void)cudaGetLastError();
}

// A block that fails ends the whole cooperative grid, even while the other blocks wait for it in
// the grid barrier; the failure is sticky, as any fault.
TEST_F(CudartLaunchTest, FailingBlockEndsCooperativeGrid) {
  int multiprocessors = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, 0),
            cudaSuccess);
  int failing = multiprocessors - 1;
  void *args[] = {&failing};
  ASSERT_EQ(cudaLaunchCooperativeKernel(&gridBarrierTrapStub, dim3(multiprocessors), dim3(32), args,
                                        0, nullptr),
            cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  EXPECT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  (void)cudaGetLastError();
}

// A kernel using grid.sync() launched without the cooperative attribute finds no grid workspace
// and traps, as on a GPU.
TEST_F(CudartLaunchTest, GridSyncOutsideCooperativeLaunchTraps) {
  int *counter = nullptr, *seen = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&counter), sizeof(int)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&seen), sizeof(int)), cudaSuccess);
  void *args[] = {&counter, &seen};
  ASSERT_EQ(cudaLaunchKernel(&gridBarrierStub, dim3(1), dim3(32), args, 0, nullptr), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  EXPECT_EQ(cudaDeviceReset(), cudaSuccess);
  (void)cudaGetLastError();
}

TEST_F(CudartLaunchTest, LaunchKernelExCAttributes) {
  int n = 0;
  float *p = nullptr;
  void *args[] = {&p, &p, &p, &n};
  cudaLaunchAttribute attributes[2] = {};
  cudaLaunchConfig_t config{};
  config.gridDim = dim3(1);
  config.blockDim = dim3(32);
  config.attrs = attributes;
  config.numAttrs = 1;
  EXPECT_EQ(cudaLaunchKernelExC(nullptr, &vectorAddStub, args), cudaErrorInvalidValue);

  attributes[0].id = cudaLaunchAttributePriority;
  attributes[0].val.priority = -100; // clamped to the greatest priority
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaSuccess);

  attributes[0].id = cudaLaunchAttributeClusterDimension;
  attributes[0].val.clusterDim.x = 2;
  attributes[0].val.clusterDim.y = 1;
  attributes[0].val.clusterDim.z = 1;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaErrorNotSupported);
  attributes[0].val.clusterDim.x = 0;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaErrorInvalidValue);
  attributes[0].val.clusterDim.x = 1;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaSuccess);

  // Programmatic dependent launch allows overlap with the previous grid without requiring it.
  attributes[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attributes[0].val.programmaticStreamSerializationAllowed = 1;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaSuccess);

  attributes[1].id = static_cast<cudaLaunchAttributeID>(999);
  config.numAttrs = 2;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaErrorNotSupported);
  config.attrs = nullptr;
  EXPECT_EQ(cudaLaunchKernelExC(&config, &vectorAddStub, args), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  (void)cudaGetLastError();
}

// cudaFuncSetSharedMemConfig is deprecated in CUDA 13 but still exported and callable.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_F(CudartLaunchTest, FunctionAttributes) {
  cudaFuncAttributes attributes;
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, &boundedStub), cudaSuccess);
  EXPECT_EQ(attributes.sharedSizeBytes, 256u);
  EXPECT_EQ(attributes.maxThreadsPerBlock, 64);
  EXPECT_EQ(attributes.maxDynamicSharedSizeBytes, 48 * 1024 - 256);
  EXPECT_EQ(attributes.ptxVersion, 75); // compute_75, the fatbin's PTX
  EXPECT_GT(attributes.binaryVersion, 0);
  EXPECT_EQ(attributes.preferredShmemCarveout, -1);
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, &scaleStub), cudaSuccess);
  EXPECT_EQ(attributes.constSizeBytes, sizeof(float)); // the module's __constant__ float
  EXPECT_EQ(cudaFuncGetAttributes(nullptr, &boundedStub), cudaErrorInvalidValue);
  static char unknown;
  EXPECT_EQ(cudaFuncGetAttributes(&attributes, &unknown), cudaErrorInvalidDeviceFunction);

  // More threads than __launch_bounds__ allow.
  int *out = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void **>(&out), 128 * sizeof(int)), cudaSuccess);
  void *args[] = {&out};
  EXPECT_EQ(cudaLaunchKernel(&boundedStub, dim3(1), dim3(128), args, 0, nullptr),
            cudaErrorLaunchOutOfResources);

  // Dynamic shared memory beyond 48 KiB less static needs the opt-in, and the opt-in is bounded.
  size_t defaultLimit = 48 * 1024 - 256;
  EXPECT_EQ(cudaLaunchKernel(&boundedStub, dim3(1), dim3(64), args, defaultLimit + 1, nullptr),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaLaunchKernel(&boundedStub, dim3(1), dim3(64), args, defaultLimit, nullptr),
            cudaSuccess);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  int most = static_cast<int>(prop.sharedMemPerBlockOptin) - 256;
  EXPECT_EQ(
      cudaFuncSetAttribute(&boundedStub, cudaFuncAttributeMaxDynamicSharedMemorySize, most + 1),
      cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetAttribute(&boundedStub, cudaFuncAttributeMaxDynamicSharedMemorySize, -1),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaFuncSetAttribute(&boundedStub, cudaFuncAttributeMaxDynamicSharedMemorySize, most),
            cudaSuccess);
  EXPECT_EQ(cudaLaunchKernel(&boundedStub, dim3(1), dim3(64), args, most, nullptr), cudaSuccess);
  EXPECT_EQ(cudaLaunchKernel(&boundedStub, dim3(1), dim3(64), args, most + 1, nullptr),
            cudaErrorInvalidValue);
  std::vector<int> got(64);
  ASSERT_EQ(cudaMemcpy(got.data(), out, 64 * sizeof(int), cudaMemcpyDeviceToHost), cudaSuccess);
  for (int i = 0; i < 64; ++i)
    EXPECT_EQ(got[i], 63 - i);
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, &boundedStub), cudaSuccess);
  EXPECT_EQ(attributes.maxDynamicSharedSizeBytes, most);

  EXPECT_EQ(cudaFuncSetAttribute(&boundedStub, cudaFuncAttributePreferredSharedMemoryCarveout, 25),
            cudaSuccess);
  EXPECT_EQ(cudaFuncSetAttribute(&boundedStub, cudaFuncAttributePreferredSharedMemoryCarveout, 101),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetAttribute(&boundedStub, cudaFuncAttributeRequiredClusterWidth, 2),
            cudaErrorNotSupported);
  EXPECT_EQ(cudaFuncSetAttribute(&boundedStub, cudaFuncAttributeClusterDimMustBeSet, 1),
            cudaErrorInvalidValue);
  ASSERT_EQ(cudaFuncGetAttributes(&attributes, &boundedStub), cudaSuccess);
  EXPECT_EQ(attributes.preferredShmemCarveout, 25);
  EXPECT_EQ(cudaFuncSetCacheConfig(&boundedStub, cudaFuncCachePreferL1), cudaSuccess);
  EXPECT_EQ(cudaFuncSetCacheConfig(&boundedStub, static_cast<cudaFuncCache>(7)),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaFuncSetSharedMemConfig(&boundedStub, cudaSharedMemBankSizeEightByte), cudaSuccess);
  EXPECT_EQ(cudaFuncSetSharedMemConfig(&boundedStub, static_cast<cudaSharedMemConfig>(3)),
            cudaErrorInvalidValue);

  const char *name = nullptr;
  ASSERT_EQ(cudaFuncGetName(&name, &boundedStub), cudaSuccess);
  EXPECT_STREQ(name, "bounded_shared");
  EXPECT_EQ(cudaFuncGetName(nullptr, &boundedStub), cudaErrorInvalidValue);
  size_t offset = 0, size = 0;
  ASSERT_EQ(cudaFuncGetParamInfo(&vectorAddStub, 3, &offset, &size), cudaSuccess);
  EXPECT_EQ(offset, 24u);
  EXPECT_EQ(size, 4u);
  EXPECT_EQ(cudaFuncGetParamInfo(&vectorAddStub, 4, &offset, &size), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
  (void)cudaGetLastError();
}

#pragma GCC diagnostic pop

TEST_F(CudartLaunchTest, Occupancy) {
  int blocks = -1;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, &vectorAddStub, 256, 0),
            cudaSuccess);
  EXPECT_EQ(blocks, 1); // a multiprocessor (a worker thread) runs one block at a time
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, &boundedStub, 128, 0),
            cudaSuccess);
  EXPECT_EQ(blocks, 0); // beyond __launch_bounds__
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, &vectorAddStub, 0, 0),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
                &blocks, &vectorAddStub, 32, 0, cudaOccupancyDisableCachingOverride),
            cudaSuccess);
  EXPECT_EQ(
      cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&blocks, &vectorAddStub, 32, 0, 4),
      cudaErrorInvalidValue);
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(nullptr, &vectorAddStub, 32, 0),
            cudaErrorInvalidValue);
  static char unknown;
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, &unknown, 32, 0),
            cudaErrorInvalidDeviceFunction);
  // Too much dynamic shared memory for the kernel as configured: nothing is resident.
  EXPECT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, &vectorAddStub, 32, 1 << 30),
            cudaSuccess);
  EXPECT_EQ(blocks, 0);

  size_t available = 0;
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&available, &vectorAddStub, 1, 32),
            cudaSuccess);
  cudaDeviceProp prop;
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(available, prop.sharedMemPerBlockOptin);
  EXPECT_EQ(cudaOccupancyAvailableDynamicSMemPerBlock(&available, &vectorAddStub, 2, 32),
            cudaSuccess);
  EXPECT_EQ(available, 0u); // two blocks are never resident on one multiprocessor

  cudaLaunchConfig_t config{};
  config.gridDim = dim3(4);
  config.blockDim = dim3(64);
  int clusterSize = 0, clusters = 0;
  EXPECT_EQ(cudaOccupancyMaxPotentialClusterSize(&clusterSize, &vectorAddStub, &config),
            cudaSuccess);
  EXPECT_EQ(clusterSize, 1);
  EXPECT_EQ(cudaOccupancyMaxActiveClusters(&clusters, &vectorAddStub, &config), cudaSuccess);
  EXPECT_EQ(clusters, prop.multiProcessorCount);
  EXPECT_EQ(cudaOccupancyMaxActiveClusters(&clusters, &vectorAddStub, nullptr),
            cudaErrorInvalidValue);
  (void)cudaGetLastError();
}

TEST(CudartModules, SassOnlyFatbinHasNoKernelImage) {
  static Program program(CUPORT_TEST_SASS_ONLY_FATBIN);
  static char stub;
  program.registerKernel(&stub, "vector_add");
  int n = 0;
  float *p = nullptr;
  void *args[] = {&p, &p, &p, &n};
  EXPECT_EQ(cudaLaunchKernel(&stub, dim3(1), dim3(32), args, 0, nullptr),
            cudaErrorNoKernelImageForDevice);
  (void)cudaGetLastError();
}

TEST(CudartModules, MalformedPtxIsInvalidPtx) {
  // The uncompressed fatbinary with its PTX corrupted: a directive no PTX has.
  static Program program(CUPORT_TEST_UNCOMPRESSED_FATBIN);
  char *bytes = reinterpret_cast<char *>(program.image.data());
  size_t size = program.image.size() * 8;
  std::string text(bytes, size);
  size_t at = text.find(".entry vector_add");
  ASSERT_NE(at, std::string::npos) << "PTX text not found in the uncompressed fatbinary";
  std::memcpy(bytes + at, ".bogus", 6);
  static char stub;
  program.registerKernel(&stub, "vector_add");
  int n = 0;
  float *p = nullptr;
  void *args[] = {&p, &p, &p, &n};
  EXPECT_EQ(cudaLaunchKernel(&stub, dim3(1), dim3(32), args, 0, nullptr), cudaErrorInvalidPtx);
  (void)cudaGetLastError();
}

TEST(CudartModules, UnregisterForgetsKernels) {
  Program program(CUPORT_TEST_FATBIN);
  static char stub;
  program.registerKernel(&stub, "vector_add");
  cudaKernel_t handle = nullptr;
  EXPECT_EQ(__cudaGetKernel(&handle, &stub), cudaSuccess);
  __cudaUnregisterFatBinary(program.handle);
  EXPECT_EQ(__cudaGetKernel(&handle, &stub), cudaErrorInvalidDeviceFunction);
  (void)cudaGetLastError();
}

} // namespace
