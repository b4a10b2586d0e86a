// The driver API's entry: cuInit, versions, error names, and the gate before cuInit.
#include <cuda.h>

#include <gtest/gtest.h>

#include <cstring>

namespace {

// Runs before any test calls cuInit (GoogleTest runs tests in declaration order in one process).
TEST(DriverInit, CallsBeforeCuInitAreRefused) {
  int version = 0;
  EXPECT_EQ(cuDriverGetVersion(&version), CUDA_SUCCESS); // allowed before cuInit
  EXPECT_EQ(version, 13000);
  const char *name = nullptr;
  EXPECT_EQ(cuGetErrorName(CUDA_ERROR_NOT_INITIALIZED, &name), CUDA_SUCCESS);
  EXPECT_STREQ(name, "CUDA_ERROR_NOT_INITIALIZED");
}

TEST(DriverInit, RejectsFlags) {
  EXPECT_EQ(cuInit(1), CUDA_ERROR_INVALID_VALUE);
}

TEST(DriverInit, Initializes) {
  EXPECT_EQ(cuInit(0), CUDA_SUCCESS);
  EXPECT_EQ(cuInit(0), CUDA_SUCCESS); // again: still fine
}

TEST(DriverInit, NullVersionIsInvalid) {
  EXPECT_EQ(cuDriverGetVersion(nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST(DriverErrors, NamesAndMessages) {
  const char *text = nullptr;
  ASSERT_EQ(cuGetErrorName(CUDA_ERROR_INVALID_VALUE, &text), CUDA_SUCCESS);
  EXPECT_STREQ(text, "CUDA_ERROR_INVALID_VALUE");
  ASSERT_EQ(cuGetErrorString(CUDA_ERROR_INVALID_VALUE, &text), CUDA_SUCCESS);
  EXPECT_STREQ(text, "invalid argument");
  ASSERT_EQ(cuGetErrorName(CUDA_ERROR_CONTEXT_ALREADY_CURRENT, &text), CUDA_SUCCESS);
  EXPECT_STREQ(text, "CUDA_ERROR_CONTEXT_ALREADY_CURRENT");
}

TEST(DriverErrors, UnknownCodeIsInvalidAndClearsTheString) {
  const char *text = "stale";
  EXPECT_EQ(cuGetErrorName(static_cast<CUresult>(12345), &text), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(text, nullptr);
  text = "stale";
  EXPECT_EQ(cuGetErrorString(static_cast<CUresult>(12345), &text), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(text, nullptr);
  EXPECT_EQ(cuGetErrorName(CUDA_SUCCESS, nullptr), CUDA_ERROR_INVALID_VALUE);
}

// A name cuport does not implement yet is exported and says so.
TEST(DriverUnsupported, ReturnsNotSupported) {
  CUgraphicsResource resource = nullptr;
  EXPECT_EQ(cuGraphicsMapResources(1, &resource, nullptr), CUDA_ERROR_NOT_SUPPORTED);
}

} // namespace
