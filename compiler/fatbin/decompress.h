// Decompression of fatbin entry payloads with the system lz4, zstd and zlib.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace cuport::fatbin {

enum class Codec { Lz4, Zstd, Zlib };

// "lz4", "zstd" or "zlib": the spelling Entry::compression uses.
const char *codecId(Codec codec);
// "LZ4", "zstd" or "zlib": the spelling error messages use.
const char *codecDisplayName(Codec codec);

// Decompresses `input`, which must expand to exactly `expectedSize` bytes. On failure returns
// nullopt and sets `reason` to a phrase that completes "<codec> payload ...", e.g. "is corrupt".
std::optional<std::string> decompress(Codec codec, std::span<const uint8_t> input,
                                      size_t expectedSize, std::string &reason);

} // namespace cuport::fatbin
