#include "compiler/fatbin/decompress.h"

#include <climits>
#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

namespace cuport::fatbin {

const char *codecId(Codec codec) {
  switch (codec) {
  case Codec::Lz4:
    return "lz4";
  case Codec::Zstd:
    return "zstd";
  case Codec::Zlib:
    return "zlib";
  }
  return "?";
}

const char *codecDisplayName(Codec codec) {
  switch (codec) {
  case Codec::Lz4:
    return "LZ4";
  case Codec::Zstd:
    return "zstd";
  case Codec::Zlib:
    return "zlib";
  }
  return "?";
}

namespace {

std::string sizeMismatch(size_t actual, size_t expected) {
  return "decompressed to " + std::to_string(actual) + " bytes but the entry header says " +
         std::to_string(expected);
}

std::optional<std::string> decompressLz4(std::span<const uint8_t> input, size_t expectedSize,
                                         std::string &reason) {
  if (input.size() > INT_MAX || expectedSize > INT_MAX) {
    reason = "is too large for LZ4";
    return std::nullopt;
  }
  // An LZ4 block expands at most ~255-fold; a larger declared size is a corrupt header, and
  // refusing it here avoids allocating for it.
  if (expectedSize > input.size() * 255 + 16) {
    reason = "cannot expand from " + std::to_string(input.size()) + " to the declared " +
             std::to_string(expectedSize) + " bytes";
    return std::nullopt;
  }
  std::string output(expectedSize, '\0');
  int produced =
      LZ4_decompress_safe(reinterpret_cast<const char *>(input.data()), output.data(),
                          static_cast<int>(input.size()), static_cast<int>(expectedSize));
  if (produced < 0) {
    reason = "is corrupt";
    return std::nullopt;
  }
  if (static_cast<size_t>(produced) != expectedSize) {
    reason = sizeMismatch(static_cast<size_t>(produced), expectedSize);
    return std::nullopt;
  }
  return output;
}

std::optional<std::string> decompressZstd(std::span<const uint8_t> input, size_t expectedSize,
                                          std::string &reason) {
  // The frame header usually records the content size: check it before allocating.
  unsigned long long frameSize = ZSTD_getFrameContentSize(input.data(), input.size());
  if (frameSize == ZSTD_CONTENTSIZE_ERROR) {
    reason = "is corrupt (not a zstd frame)";
    return std::nullopt;
  }
  if (frameSize != ZSTD_CONTENTSIZE_UNKNOWN && frameSize != expectedSize) {
    reason = sizeMismatch(static_cast<size_t>(frameSize), expectedSize);
    return std::nullopt;
  }
  std::string output(expectedSize, '\0');
  size_t produced = ZSTD_decompress(output.data(), output.size(), input.data(), input.size());
  if (ZSTD_isError(produced)) {
    reason = std::string("is corrupt (") + ZSTD_getErrorName(produced) + ")";
    return std::nullopt;
  }
  if (produced != expectedSize) {
    reason = sizeMismatch(produced, expectedSize);
    return std::nullopt;
  }
  return output;
}

std::optional<std::string> decompressZlib(std::span<const uint8_t> input, size_t expectedSize,
                                          std::string &reason) {
  if (input.size() > UINT_MAX || expectedSize > UINT_MAX) {
    reason = "is too large for zlib";
    return std::nullopt;
  }
  std::string output(expectedSize, '\0');
  z_stream stream{};
  // 15 + 32: accept a zlib or a gzip header, whichever the stream has.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) {
    reason = "could not be inflated (zlib initialisation failed)";
    return std::nullopt;
  }
  stream.next_in = const_cast<Bytef *>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef *>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  int status = inflate(&stream, Z_FINISH);
  size_t produced = stream.total_out;
  inflateEnd(&stream);
  if (status == Z_BUF_ERROR && stream.avail_out == 0) {
    reason =
        "is longer than the " + std::to_string(expectedSize) + " bytes the entry header declares";
    return std::nullopt;
  }
  if (status != Z_STREAM_END) {
    reason = "is corrupt";
    return std::nullopt;
  }
  if (produced != expectedSize) {
    reason = sizeMismatch(produced, expectedSize);
    return std::nullopt;
  }
  return output;
}

} // namespace

std::optional<std::string> decompress(Codec codec, std::span<const uint8_t> input,
                                      size_t expectedSize, std::string &reason) {
  switch (codec) {
  case Codec::Lz4:
    return decompressLz4(input, expectedSize, reason);
  case Codec::Zstd:
    return decompressZstd(input, expectedSize, reason);
  case Codec::Zlib:
    return decompressZlib(input, expectedSize, reason);
  }
  reason = "uses an unknown codec";
  return std::nullopt;
}

} // namespace cuport::fatbin
