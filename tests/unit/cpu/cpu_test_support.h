// Helpers for the CPU backend tests: kernels are hand-written kernel IR (docs/kernel-ir.md) in
// LLVM assembly, turned into bitcode and loaded through the backend's C ABI.
#pragma once

#include "backends/cpu/cpu_backend.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cuport::cpu::test {

// Declarations of every cuport intrinsic the tests use, as the lowering declares them.
extern const char *const kIntrinsicDeclarations;

// LLVM assembly -> bitcode; fails the test on a parse error.
std::vector<char> assemble(const std::string &ir);

// A kernel parameter buffer laid out as PTX .param space (each value at its natural alignment).
class ParamBuffer {
public:
  template <typename T> ParamBuffer &add(T value) {
    size_t offset = (bytes_.size() + alignof(T) - 1) / alignof(T) * alignof(T);
    bytes_.resize(offset + sizeof(T));
    std::memcpy(bytes_.data() + offset, &value, sizeof(T));
    return *this;
  }
  const void *data() const { return bytes_.empty() ? nullptr : bytes_.data(); }
  size_t size() const { return bytes_.size(); }

private:
  std::vector<unsigned char> bytes_;
};

struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
};

class CpuBackendTest : public ::testing::Test {
protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void TearDown() override;

  // Loads the module (intrinsic declarations prepended); fails the test when it does not load.
  cuport_backend_module *load(const std::string &ir);
  cuport_status tryLoad(const std::string &ir, std::string *error = nullptr);
  // Parses and lowers PTX text (compiler/ptx, compiler/lower) and loads the kernel IR; null with
  // the parser's, the lowering's or the backend's message in `error` when any of them refuses.
  cuport_backend_module *loadPtx(const std::string &ptx, std::string *error = nullptr);
  cuport_backend_kernel *kernel(cuport_backend_module *module, const char *name);
  cuport_status launch(cuport_backend_module *module, const char *name, Dim3 grid, Dim3 block,
                       const ParamBuffer &params, uint32_t dynamic_shared = 0,
                       std::string *error = nullptr);

  template <typename T> T *allocate(size_t count) {
    void *memory = nullptr;
    EXPECT_EQ(backend_->mem_alloc(backend_->self, count * sizeof(T), &memory), CUPORT_OK);
    allocations_.push_back(memory);
    return static_cast<T *>(memory);
  }

  static const cuport_backend *backend_;

private:
  std::vector<cuport_backend_module *> modules_;
  std::vector<void *> allocations_;
};

} // namespace cuport::cpu::test
