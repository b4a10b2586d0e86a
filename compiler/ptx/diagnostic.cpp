#include "compiler/ptx/diagnostic.h"

namespace cuport::ptx {

std::string Diagnostic::format(std::string_view file) const {
  std::string text(file);
  text += ':' + std::to_string(loc.line) + ':' + std::to_string(loc.column) + ": " + message;
  return text;
}

} // namespace cuport::ptx
