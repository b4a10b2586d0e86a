// Bounds-checked little-endian reads from a byte span: every fatbin and ELF field goes through
// here, so no length or offset taken from the input can make us read outside it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>

namespace cuport::fatbin {

// The formats are little-endian and so are the hosts we run on; a big-endian port would byte-swap
// here.
static_assert(std::endian::native == std::endian::little,
              "fatbin reader assumes a little-endian host");

class ByteReader {
public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  size_t size() const { return bytes_.size(); }

  // True when [offset, offset + length) lies inside the bytes, without overflowing.
  bool contains(uint64_t offset, uint64_t length) const {
    return offset <= bytes_.size() && length <= bytes_.size() - offset;
  }

  template <typename T> std::optional<T> read(uint64_t offset) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(offset, sizeof(T)))
      return std::nullopt;
    T value;
    std::memcpy(&value, bytes_.data() + offset, sizeof(T));
    return value;
  }

  // The sub-span [offset, offset + length); the caller has checked contains().
  std::span<const uint8_t> slice(uint64_t offset, uint64_t length) const {
    return bytes_.subspan(static_cast<size_t>(offset), static_cast<size_t>(length));
  }

private:
  std::span<const uint8_t> bytes_;
};

} // namespace cuport::fatbin
