// The modifiers of one instruction, consumed by the lowering that understands them. Whatever is
// left unconsumed makes the instruction unsupported, so no modifier is ever silently dropped.
#pragma once

#include "compiler/ptx/ast.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuport::lower {

class Modifiers {
public:
  explicit Modifiers(const std::vector<std::string> &modifiers);

  // Consumes `name` if present.
  bool take(std::string_view name);
  // Consumes the first modifier that is one of `names`; returns it.
  std::optional<std::string> takeOneOf(std::initializer_list<std::string_view> names);
  // Consumes the first remaining type modifier ("u32", "f64", ...).
  std::optional<ptx::ScalarType> takeType();
  // Consumes .v2 / .v4 / .v8; 1 when absent.
  uint32_t takeVectorWidth();
  // Consumes a state space (.global, .shared, .local, .const, .param); None when absent.
  ptx::StateSpace takeStateSpace();

  bool allTaken() const;

private:
  std::vector<std::string> names_;
  std::vector<bool> taken_;
};

} // namespace cuport::lower
