#include "compiler/lower/modifiers.h"

#include "compiler/lower/types.h"

#include <algorithm>

namespace cuport::lower {

Modifiers::Modifiers(const std::vector<std::string> &modifiers)
    : names_(modifiers), taken_(modifiers.size(), false) {}

bool Modifiers::take(std::string_view name) {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!taken_[i] && names_[i] == name) {
      taken_[i] = true;
      return true;
    }
  }
  return false;
}

std::optional<std::string> Modifiers::takeOneOf(std::initializer_list<std::string_view> names) {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (taken_[i])
      continue;
    if (std::find(names.begin(), names.end(), names_[i]) != names.end()) {
      taken_[i] = true;
      return names_[i];
    }
  }
  return std::nullopt;
}

std::optional<ptx::ScalarType> Modifiers::takeType() {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (taken_[i])
      continue;
    if (auto type = typeFromModifier(names_[i])) {
      taken_[i] = true;
      return type;
    }
  }
  return std::nullopt;
}

uint32_t Modifiers::takeVectorWidth() {
  if (take("v2"))
    return 2;
  if (take("v4"))
    return 4;
  if (take("v8"))
    return 8;
  return 1;
}

ptx::StateSpace Modifiers::takeStateSpace() {
  auto space = takeOneOf({"global", "shared", "local", "const", "param", "shared::cta"});
  if (!space)
    return ptx::StateSpace::None;
  if (*space == "global")
    return ptx::StateSpace::Global;
  if (*space == "shared" || *space == "shared::cta")
    return ptx::StateSpace::Shared;
  if (*space == "local")
    return ptx::StateSpace::Local;
  if (*space == "const")
    return ptx::StateSpace::Const;
  return ptx::StateSpace::Param;
}

bool Modifiers::allTaken() const {
  return std::all_of(taken_.begin(), taken_.end(), [](bool taken) { return taken; });
}

} // namespace cuport::lower
