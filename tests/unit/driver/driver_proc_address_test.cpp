// cuGetProcAddress: the version picks the ABI, the flags the default-stream twin, and misses are
// reported as CUDA documents (success, a null pointer and a query result).
#include <cuda.h>

#include <gtest/gtest.h>

#include <dlfcn.h>

namespace {

void *exported(const char *name) {
  return dlsym(RTLD_DEFAULT, name);
}

void *lookUp(const char *symbol, int version, cuuint64_t flags,
             CUdriverProcAddressQueryResult &status) {
  void *function = &status; // anything but null: a lookup must overwrite it
  status = static_cast<CUdriverProcAddressQueryResult>(-1);
  EXPECT_EQ(cuGetProcAddress(symbol, &function, version, flags, &status), CUDA_SUCCESS) << symbol;
  return function;
}

TEST(DriverProcAddress, VersionSelectsTheAbi) {
  CUdriverProcAddressQueryResult status;
  EXPECT_EQ(lookUp("cuMemAlloc", 13000, CU_GET_PROC_ADDRESS_DEFAULT, status),
            exported("cuMemAlloc_v2"));
  EXPECT_EQ(status, CU_GET_PROC_ADDRESS_SUCCESS);
  EXPECT_EQ(lookUp("cuMemAlloc", 3010, CU_GET_PROC_ADDRESS_DEFAULT, status),
            exported("cuMemAlloc"));
  EXPECT_EQ(lookUp("cuCtxCreate", 12040, CU_GET_PROC_ADDRESS_DEFAULT, status),
            exported("cuCtxCreate_v3"));
  EXPECT_EQ(lookUp("cuCtxCreate", 12050, CU_GET_PROC_ADDRESS_DEFAULT, status),
            exported("cuCtxCreate_v4"));
  EXPECT_EQ(lookUp("cuProfilerStart", 13000, CU_GET_PROC_ADDRESS_DEFAULT, status),
            exported("cuProfilerStart"));
  EXPECT_NE(exported("cuMemAlloc_v2"), nullptr);
}

TEST(DriverProcAddress, PerThreadFlagFindsTheTwin) {
  CUdriverProcAddressQueryResult status;
  EXPECT_EQ(lookUp("cuMemcpyHtoD", 12000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, status),
            exported("cuMemcpyHtoD_v2_ptds"));
  EXPECT_EQ(lookUp("cuMemcpyAsync", 12000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, status),
            exported("cuMemcpyAsync_ptsz"));
  EXPECT_EQ(lookUp("cuMemcpyAsync", 12000, CU_GET_PROC_ADDRESS_LEGACY_STREAM, status),
            exported("cuMemcpyAsync"));
  // A function without a twin: the legacy one, as CUDA documents.
  EXPECT_EQ(lookUp("cuMemAlloc", 12000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, status),
            exported("cuMemAlloc_v2"));
  EXPECT_NE(exported("cuMemcpyAsync_ptsz"), nullptr);
}

TEST(DriverProcAddress, WhatTheFunctionReturnsWorks) {
  CUdriverProcAddressQueryResult status;
  auto getVersion = reinterpret_cast<CUresult (*)(int *)>(
      lookUp("cuDriverGetVersion", 13000, CU_GET_PROC_ADDRESS_DEFAULT, status));
  ASSERT_NE(getVersion, nullptr);
  int version = 0;
  EXPECT_EQ(getVersion(&version), CUDA_SUCCESS);
  EXPECT_EQ(version, 13000);
}

TEST(DriverProcAddress, MissesAreReported) {
  CUdriverProcAddressQueryResult status;
  EXPECT_EQ(lookUp("cuNoSuchFunction", 13000, CU_GET_PROC_ADDRESS_DEFAULT, status), nullptr);
  EXPECT_EQ(status, CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
  // Introduced in CUDA 12.0.
  EXPECT_EQ(lookUp("cuGraphInstantiateWithParams", 11080, CU_GET_PROC_ADDRESS_DEFAULT, status),
            nullptr);
  EXPECT_EQ(status, CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);
  // Versioned names are not base names.
  EXPECT_EQ(lookUp("cuMemAlloc_v2", 13000, CU_GET_PROC_ADDRESS_DEFAULT, status), nullptr);
  EXPECT_EQ(status, CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
}

TEST(DriverProcAddress, InvalidArguments) {
  void *function = nullptr;
  EXPECT_EQ(cuGetProcAddress(nullptr, &function, 13000, 0, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGetProcAddress("cuInit", nullptr, 13000, 0, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuGetProcAddress("cuInit", &function, 13000, 0x4, nullptr), CUDA_ERROR_INVALID_VALUE);
  // Newer than the driver.
  EXPECT_EQ(cuGetProcAddress("cuInit", &function, 99000, 0, nullptr), CUDA_ERROR_INVALID_VALUE);
  // The status is optional.
  EXPECT_EQ(cuGetProcAddress("cuInit", &function, 13000, 0, nullptr), CUDA_SUCCESS);
  EXPECT_NE(function, nullptr);
}

} // namespace
