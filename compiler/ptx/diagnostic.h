// A located message about PTX text: "file:line:col: message".
#pragma once

#include "compiler/ptx/ast.h"

#include <string>
#include <string_view>

namespace cuport::ptx {

struct Diagnostic {
  SourceLoc loc;
  std::string message;

  std::string format(std::string_view file) const;
};

} // namespace cuport::ptx
