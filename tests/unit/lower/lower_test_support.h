// Helpers for test_lower: parse + lower PTX text, and run lowered kernels on the host through
// ORC LLJIT with the cuport.* intrinsics defined as host functions (one thread at a time).
#pragma once

#include "compiler/lower/lower.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace cuport::lower::test {

std::string readInput(const std::string &name);

// Parses and lowers; `diagnostics` holds the parser's or the lowering's messages.
struct Lowered {
  std::unique_ptr<llvm::LLVMContext> context;
  std::optional<LoweredModule> module;
  std::vector<std::string> diagnostics; // formatted "ptx:line:col: message"
  const KernelInfo *kernel(const std::string &name) const;
};
Lowered lowerText(const std::string &ptx);

// What the host-side intrinsics see and record.
struct ThreadGeometry {
  std::array<uint32_t, 3> tid{0, 0, 0}, ntid{1, 1, 1}, ctaid{0, 0, 0}, nctaid{1, 1, 1};
};
struct BarrierCall {
  int32_t id;
  int32_t count;
};
std::vector<BarrierCall> &recordedBarriers();

class Jit {
public:
  // Takes the module (and its context) out of `lowered`.
  explicit Jit(Lowered &lowered);
  ~Jit();
  // Runs every thread of the grid one after the other (kernels without barriers only).
  void launch(const std::string &kernel, std::vector<uint8_t> &params, std::array<uint32_t, 3> grid,
              std::array<uint32_t, 3> block);
  void *function(const std::string &name);

private:
  std::vector<std::unique_ptr<std::array<uint8_t, 65536>>> externalData_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

// Appends `value` at `param`'s offset of a kernel parameter buffer.
template <typename T>
void setParam(std::vector<uint8_t> &buffer, const KernelInfo &info, size_t index, T value) {
  const KernelParam &param = info.params.at(index);
  if (buffer.size() < info.paramBufferSize)
    buffer.resize(info.paramBufferSize);
  static_assert(std::is_trivially_copyable_v<T>);
  std::memcpy(buffer.data() + param.offset, &value, sizeof(T));
}

} // namespace cuport::lower::test
