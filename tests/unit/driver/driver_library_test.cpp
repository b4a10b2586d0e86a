// Context-independent loading through the driver API: libraries, their kernels and globals.
#include "tests/unit/driver/driver_test_support.h"

#include <cstdint>
#include <vector>

namespace {

using cuport::driver_test::DriverTest;
using cuport::driver_test::kScalePtx;

TEST_F(DriverTest, LibraryKernelsLaunchAsFunctions) {
  CUlibrary library = nullptr;
  CUlibraryOption preserved[] = {CU_LIBRARY_BINARY_IS_PRESERVED};
  void *yes[] = {reinterpret_cast<void *>(1)};
  ASSERT_EQ(cuLibraryLoadData(&library, kScalePtx, nullptr, nullptr, 0, preserved, yes, 1),
            CUDA_SUCCESS);
  unsigned count = 0;
  ASSERT_EQ(cuLibraryGetKernelCount(&count, library), CUDA_SUCCESS);
  EXPECT_EQ(count, 2u);
  CUkernel addOne = nullptr;
  ASSERT_EQ(cuLibraryGetKernel(&addOne, library, "add_one"), CUDA_SUCCESS);
  EXPECT_EQ(cuLibraryGetKernel(&addOne, library, "absent"), CUDA_ERROR_NOT_FOUND);
  ASSERT_EQ(cuLibraryGetKernel(&addOne, library, "add_one"), CUDA_SUCCESS);
  const char *name = nullptr;
  ASSERT_EQ(cuKernelGetName(&name, addOne), CUDA_SUCCESS);
  EXPECT_STREQ(name, "add_one");
  CUlibrary owner = nullptr;
  ASSERT_EQ(cuKernelGetLibrary(&owner, addOne), CUDA_SUCCESS);
  EXPECT_EQ(owner, library);
  int threads = 0;
  ASSERT_EQ(cuKernelGetAttribute(&threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, addOne, 0),
            CUDA_SUCCESS);
  EXPECT_EQ(threads, 1024);
  EXPECT_EQ(cuKernelGetAttribute(&threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, addOne, 1),
            CUDA_ERROR_INVALID_DEVICE);

  // A CUkernel launches as a CUfunction; so does the function cuKernelGetFunction gives.
  std::vector<uint32_t> host = {5, 6, 7, 8};
  CUdeviceptr data = 0;
  ASSERT_EQ(cuMemAlloc(&data, host.size() * 4), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyHtoD(data, host.data(), host.size() * 4), CUDA_SUCCESS);
  void *params[] = {&data};
  ASSERT_EQ(cuLaunchKernel(reinterpret_cast<CUfunction>(addOne), 1, 1, 1, 4, 1, 1, 0, nullptr,
                           params, nullptr),
            CUDA_SUCCESS);
  CUfunction function = nullptr;
  ASSERT_EQ(cuKernelGetFunction(&function, addOne), CUDA_SUCCESS);
  ASSERT_EQ(cuLaunchKernel(function, 1, 1, 1, 4, 1, 1, 0, nullptr, params, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuMemcpyDtoH(host.data(), data, host.size() * 4), CUDA_SUCCESS);
  EXPECT_EQ(host, (std::vector<uint32_t>{7, 8, 9, 10}));

  CUdeviceptr counter = 0;
  size_t bytes = 0;
  ASSERT_EQ(cuLibraryGetGlobal(&counter, &bytes, library, "counter"), CUDA_SUCCESS);
  EXPECT_EQ(bytes, 4u);
  CUmodule module = nullptr;
  ASSERT_EQ(cuLibraryGetModule(&module, library), CUDA_SUCCESS);
  CUfunction scale = nullptr;
  EXPECT_EQ(cuModuleGetFunction(&scale, module, "scale"), CUDA_SUCCESS);

  ASSERT_EQ(cuMemFree(data), CUDA_SUCCESS);
  ASSERT_EQ(cuLibraryUnload(library), CUDA_SUCCESS);
  EXPECT_EQ(cuKernelGetName(&name, addOne), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuLibraryUnload(library), CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(DriverTest, LibrariesOutliveContexts) {
  CUcontext created = nullptr;
  ASSERT_EQ(cuCtxCreate(&created, nullptr, 0, 0), CUDA_SUCCESS);
  CUlibrary library = nullptr;
  ASSERT_EQ(cuLibraryLoadData(&library, kScalePtx, nullptr, nullptr, 0, nullptr, nullptr, 0),
            CUDA_SUCCESS);
  ASSERT_EQ(cuCtxDestroy(created), CUDA_SUCCESS);
  CUkernel kernel = nullptr;
  EXPECT_EQ(cuLibraryGetKernel(&kernel, library, "scale"), CUDA_SUCCESS);
  ASSERT_EQ(cuLibraryUnload(library), CUDA_SUCCESS);
  CUlibraryOption table[] = {CU_LIBRARY_HOST_UNIVERSAL_FUNCTION_AND_DATA_TABLE};
  void *none[] = {nullptr};
  EXPECT_EQ(cuLibraryLoadData(&library, kScalePtx, nullptr, nullptr, 0, table, none, 1),
            CUDA_ERROR_NOT_SUPPORTED);
}

} // namespace
