// Shared helpers for the fatbin tests: nvcc-generated inputs, a PTX minifier that mirrors what
// fatbinary does to PTX text, and a builder for hand-made containers.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#ifndef CUPORT_FATBIN_HAVE_NVCC
#define CUPORT_FATBIN_HAVE_NVCC 0
#endif

// Skips the current test when the build had no nvcc to generate its inputs.
#define CUPORT_REQUIRE_NVCC_INPUTS()                                                               \
  do {                                                                                             \
    if (!CUPORT_FATBIN_HAVE_NVCC)                                                                  \
      GTEST_SKIP() << "nvcc was not found at configure time; no generated fatbins to test";        \
  } while (0)

namespace cuport::fatbin::test {

// The layout as observed in nvcc 13 output, restated here so tests can craft and corrupt bytes.
inline constexpr size_t kContainerHeaderSize = 16;
inline constexpr size_t kContainerEntriesSizeOffset = 8;
inline constexpr size_t kEntryHeaderSizeOffset = 4;
inline constexpr size_t kEntryPayloadSizeOffset = 8;
inline constexpr size_t kEntryCompressedSizeOffset = 16;
inline constexpr size_t kEntrySmArchOffset = 28;
inline constexpr size_t kEntryFlagsOffset = 40;
inline constexpr size_t kEntryUncompressedSizeOffset = 56;
inline constexpr size_t kEntryHeaderSize = 64;

std::vector<uint8_t> readFile(const std::string &path);
std::string readText(const std::string &path);
// Path of an nvcc-generated input; only meaningful when CUPORT_FATBIN_HAVE_NVCC.
std::string inputPath(const std::string &name);

// fatbinary stores PTX minified: comments removed, each line trimmed and each whitespace run
// inside it reduced to its first character (" \t" -> " ", a lone "\t" stays), line breaks kept.
// Applying the same to `nvcc -ptx` output gives the text a fatbin entry must decompress to.
std::string minifyPtx(const std::string &ptx);

struct SyntheticEntry {
  uint16_t kind = 1;
  uint32_t smArch = 75;
  uint64_t flags = 0x11;
  std::string stored;            // the bytes in the payload area (compressed or not)
  uint64_t uncompressedSize = 0; // header field; 0 for uncompressed entries, as nvcc writes
  uint32_t headerSize = kEntryHeaderSize;
};

// A container holding `entries`, each payload padded to 8 bytes as nvcc does.
std::vector<uint8_t> buildContainer(const std::vector<SyntheticEntry> &entries);

std::string zlibCompress(const std::string &text);

template <typename T> void poke(std::vector<uint8_t> &bytes, size_t offset, T value) {
  ASSERT_LE(offset + sizeof(T), bytes.size());
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

template <typename T> T peek(const std::vector<uint8_t> &bytes, size_t offset) {
  T value{};
  if (offset + sizeof(T) <= bytes.size())
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

} // namespace cuport::fatbin::test
