// Error checking shared by the samples: a failing CUDA call or expectation prints where and why,
// then FAIL.
#pragma once

#include <cstdio>
#include <cstdlib>

#include <cuda_runtime.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    cudaError_t status = (call);                                                                   \
    if (status != cudaSuccess) {                                                                   \
      std::printf("%s:%d: %s failed: %s\nFAIL\n", __FILE__, __LINE__, #call,                       \
                  cudaGetErrorString(status));                                                     \
      return EXIT_FAILURE;                                                                         \
    }                                                                                              \
  } while (0)

#define EXPECT(condition)                                                                          \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::printf("%s:%d: expected %s\nFAIL\n", __FILE__, __LINE__, #condition);                   \
      return EXIT_FAILURE;                                                                         \
    }                                                                                              \
  } while (0)
