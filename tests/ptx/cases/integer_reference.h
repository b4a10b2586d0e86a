// Small helpers the integer cases' host references share: widths, sign extension, saturation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace cuport::conformance {

// The value of the low `bits` bits of `value` read as a two's complement number.
inline int64_t signExtend(uint64_t value, unsigned bits) {
  return bits >= 64 ? int64_t(value) : int64_t(value << (64 - bits)) >> (64 - bits);
}

inline uint64_t lowBits(uint64_t value, unsigned bits) {
  return bits >= 64 ? value : value & ((uint64_t(1) << bits) - 1);
}

// Bits of a PTX integer type name: "s32" -> 32.
inline unsigned bitsOf(const std::string &type) {
  return unsigned(std::stoul(type.substr(1)));
}

inline bool isSignedType(const std::string &type) {
  return type[0] == 's';
}

// The operand read as its type says: sign- or zero-extended to 64 bits.
inline int64_t asSigned(uint64_t value, const std::string &type) {
  return signExtend(value, bitsOf(type));
}

inline int64_t clampS32(int64_t value) {
  return std::min<int64_t>(std::max<int64_t>(value, INT32_MIN), INT32_MAX);
}

inline const char *const kIntegerTypes[] = {"u16", "s16", "u32", "s32", "u64", "s64"};

} // namespace cuport::conformance
