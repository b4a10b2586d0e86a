// Parses PTX ISA text into a Module. On failure `module` is empty and `diagnostics` says where
// and why; the parser never throws and never reads past `text`.
#pragma once

#include "compiler/ptx/ast.h"
#include "compiler/ptx/diagnostic.h"

#include <optional>
#include <string_view>
#include <vector>

namespace cuport::ptx {

struct ParseResult {
  std::optional<Module> module;
  std::vector<Diagnostic> diagnostics;
};

ParseResult parseModule(std::string_view text);

} // namespace cuport::ptx
