// Run with CUPORT_LOG=trace and CUPORT_LOG_FILE set (see CMakeLists.txt): every API call is traced
// with its arguments and result, and an unimplemented export names itself at error level.
#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string logText() {
  const char *path = std::getenv("CUPORT_LOG_FILE");
  EXPECT_NE(path, nullptr);
  std::ifstream file(path ? path : "");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(CudartLog, TraceAndUnsupportedCalls) {
  void *memory = nullptr;
  ASSERT_EQ(cudaMalloc(&memory, 32), cudaSuccess);
  EXPECT_EQ(cudaSetDevice(3), cudaErrorInvalidDevice);
  // Graphics interop has no meaning on a device without a display.
  EXPECT_EQ(cudaGraphicsUnregisterResource(nullptr), cudaErrorNotSupported);
  ASSERT_EQ(cudaFree(memory), cudaSuccess);

  std::string text = logText();
  EXPECT_NE(text.find("trace: cudaMalloc("), std::string::npos) << text;
  EXPECT_NE(text.find("size=32"), std::string::npos) << text;
  EXPECT_NE(text.find("-> cudaSuccess"), std::string::npos) << text;
  EXPECT_NE(text.find("trace: cudaSetDevice(device=3) -> cudaErrorInvalidDevice"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("error: cudaGraphicsUnregisterResource is not supported yet"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cudaGraphicsUnregisterResource() -> cudaErrorNotSupported"),
            std::string::npos)
      << text;
}

} // namespace
