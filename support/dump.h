// $CUPORT_DUMP_DIR: when set, compiler stages write what they made there (PTX, LLVM IR before and
// after backend passes, assembly) for debugging.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cuport::dump {

// The directory, created on first use; empty when dumping is off.
std::optional<std::string> directory();

// Writes `contents` to <dir>/<name> when dumping is on; a failure is logged, never fatal.
void write(std::string_view name, std::string_view contents);

} // namespace cuport::dump
