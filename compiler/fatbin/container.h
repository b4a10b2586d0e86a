// Internal: parsing one container that starts a byte span and may be followed by other data.
#pragma once

#include "compiler/fatbin/fatbin.h"

namespace cuport::fatbin {

// Parses the container at the start of `bytes` into `fatbin` and sets `consumed` to its total
// size (header plus entries). Bytes after it are not looked at.
bool parseContainerPrefix(std::span<const uint8_t> bytes, Fatbin &fatbin, size_t &consumed,
                          ParseError &error);

} // namespace cuport::fatbin
