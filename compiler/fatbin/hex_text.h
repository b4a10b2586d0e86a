// "0xBA55ED50"-style text for magic numbers and offsets in error messages.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace cuport::fatbin {

inline std::string hexText(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llX", static_cast<unsigned long long>(value));
  return text;
}

} // namespace cuport::fatbin
