// Malformed input: every truncation, flipped bytes, corrupt payloads and absurd sizes must give
// a clear error (and, under ASan, no read outside the buffer), never a crash.
#include "compiler/fatbin/fatbin.h"
#include "tests/unit/fatbin/test_support.h"

#include <limits>

namespace cuport::fatbin {
namespace {

using test::buildContainer;
using test::inputPath;
using test::peek;
using test::poke;
using test::readFile;

constexpr size_t kFirstEntry = test::kContainerHeaderSize;

std::string parseError(const std::vector<uint8_t> &bytes) {
  ParseError error;
  auto fatbin = parseContainer(bytes, error);
  if (fatbin)
    return "";
  EXPECT_FALSE(error.message.empty());
  return error.message;
}

bool startsWith(const std::string &text, const std::string &prefix) {
  return text.rfind(prefix, 0) == 0;
}

size_t firstPayloadOffset(const std::vector<uint8_t> &bytes) {
  return kFirstEntry + peek<uint32_t>(bytes, kFirstEntry + test::kEntryHeaderSizeOffset);
}

std::vector<uint8_t> syntheticFatbin() {
  return buildContainer({{1, 75, 0x11, ".version 9.0\n.target sm_75\n"},
                         {1, 86, 0x1011, test::zlibCompress(std::string(300, 'p')), 300}});
}

// Every prefix of a fatbin is handed over in a buffer of exactly that size, so ASan catches any
// read past it. A container declares its full size, so every proper prefix must be an error.
void checkEveryTruncation(const std::vector<uint8_t> &full, const std::string &name) {
  for (size_t length = 0; length < full.size(); ++length) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + length);
    ParseError error;
    EXPECT_FALSE(parseContainer(prefix, error)) << name << " truncated to " << length;
    EXPECT_FALSE(error.message.empty()) << name << " truncated to " << length;
  }
  ParseError error;
  EXPECT_TRUE(parseContainer(full, error)) << name << ": " << error.message;
}

// Flipping each byte in turn may or may not break the fatbin; it must never crash or over-read.
void checkEveryByteFlip(const std::vector<uint8_t> &full) {
  for (size_t index = 0; index < full.size(); ++index) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      std::vector<uint8_t> bytes = full;
      bytes[index] ^= mask;
      ParseError error;
      auto fatbin = parseContainer(bytes, error);
      if (!fatbin) {
        EXPECT_FALSE(error.message.empty());
      }
    }
  }
}

TEST(Truncation, SyntheticFatbinAtEveryLength) {
  checkEveryTruncation(syntheticFatbin(), "synthetic");
}

TEST(Truncation, NvccFatbinsAtEveryLength) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  for (const char *name : {"default.fatbin", "uncompressed.fatbin", "speed.fatbin", "multi.fatbin"})
    checkEveryTruncation(readFile(inputPath(name)), name);
}

TEST(ByteFlips, SyntheticFatbin) {
  checkEveryByteFlip(syntheticFatbin());
}

TEST(ByteFlips, NvccFatbins) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  for (const char *name : {"default.fatbin", "speed.fatbin"})
    checkEveryByteFlip(readFile(inputPath(name)));
}

TEST(Corruption, FlippedContainerMagic) {
  auto bytes = syntheticFatbin();
  bytes[0] ^= 0x01;
  EXPECT_EQ(parseError(bytes), "fatbin container: bad magic 0xBA55ED51 (expected 0xBA55ED50)");
}

TEST(Corruption, UnsupportedContainerVersion) {
  auto bytes = syntheticFatbin();
  poke<uint16_t>(bytes, 4, 7);
  EXPECT_EQ(parseError(bytes), "fatbin container: unsupported version 7 (expected 1)");
}

TEST(Corruption, ContainerHeaderSizeOutOfRange) {
  for (uint16_t size : {uint16_t{0}, uint16_t{15}, uint16_t{0xFFFF}}) {
    auto bytes = syntheticFatbin();
    poke<uint16_t>(bytes, 6, size);
    EXPECT_TRUE(startsWith(parseError(bytes), "fatbin container: header size")) << size;
  }
}

TEST(Corruption, OversizedContainerEntriesSize) {
  for (uint64_t size : {uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    auto bytes = syntheticFatbin();
    poke<uint64_t>(bytes, test::kContainerEntriesSizeOffset, size);
    EXPECT_TRUE(startsWith(parseError(bytes), "fatbin container: declares")) << parseError(bytes);
  }
}

TEST(Corruption, OversizedEntryPayloadSize) {
  for (uint64_t size : {uint64_t{1} << 32, std::numeric_limits<uint64_t>::max(),
                        std::numeric_limits<uint64_t>::max() - 63}) {
    auto bytes = syntheticFatbin();
    poke<uint64_t>(bytes, kFirstEntry + test::kEntryPayloadSizeOffset, size);
    std::string message = parseError(bytes);
    EXPECT_TRUE(startsWith(message, "fatbin entry 1: payload size")) << message;
  }
}

TEST(Corruption, EntryHeaderSizeOutOfRange) {
  for (uint32_t size : {0u, 8u, 63u, 100000u, 0xFFFFFFFFu}) {
    auto bytes = syntheticFatbin();
    poke<uint32_t>(bytes, kFirstEntry + test::kEntryHeaderSizeOffset, size);
    std::string message = parseError(bytes);
    EXPECT_TRUE(startsWith(message, "fatbin entry 1: header size")) << size << ": " << message;
  }
}

TEST(Corruption, ErrorsNameTheEntry) {
  auto bytes = syntheticFatbin();
  size_t second = kFirstEntry + test::kEntryHeaderSize +
                  peek<uint64_t>(bytes, kFirstEntry + test::kEntryPayloadSizeOffset);
  poke<uint32_t>(bytes, second + test::kEntryHeaderSizeOffset, 1);
  EXPECT_TRUE(startsWith(parseError(bytes), "fatbin entry 2: header size")) << parseError(bytes);
}

TEST(Corruption, EntryHeaderCutShort) {
  // A container whose entries area ends 10 bytes into an entry header.
  auto bytes = buildContainer({});
  bytes.resize(bytes.size() + 10, 0);
  poke<uint64_t>(bytes, test::kContainerEntriesSizeOffset, 10);
  EXPECT_EQ(parseError(bytes),
            "fatbin entry 1: its header needs 64 bytes but only 10 remain in the container");
}

TEST(Corruption, CompressedSizeOutOfRange) {
  for (uint32_t size : {0u, 100000u}) {
    auto bytes = syntheticFatbin();
    size_t second = kFirstEntry + test::kEntryHeaderSize +
                    peek<uint64_t>(bytes, kFirstEntry + test::kEntryPayloadSizeOffset);
    poke<uint32_t>(bytes, second + test::kEntryCompressedSizeOffset, size);
    std::string message = parseError(bytes);
    EXPECT_TRUE(startsWith(message, "fatbin entry 2: zlib payload size")) << message;
  }
}

TEST(Corruption, AbsurdUncompressedSize) {
  for (uint64_t size : {uint64_t{0}, uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    auto bytes = syntheticFatbin();
    size_t second = kFirstEntry + test::kEntryHeaderSize +
                    peek<uint64_t>(bytes, kFirstEntry + test::kEntryPayloadSizeOffset);
    poke<uint64_t>(bytes, second + test::kEntryUncompressedSizeOffset, size);
    std::string message = parseError(bytes);
    EXPECT_TRUE(startsWith(message, "fatbin entry 2: zlib payload declares an uncompressed size"))
        << message;
  }
}

TEST(Corruption, ConflictingCompressionFlags) {
  auto bytes = syntheticFatbin();
  poke<uint64_t>(bytes, kFirstEntry + test::kEntryFlagsOffset, 0xA011);
  EXPECT_EQ(parseError(bytes), "fatbin entry 1: flags 0xA011 name more than one compression");
}

TEST(Corruption, CorruptZstdPayload) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  auto bytes = readFile(inputPath("default.fatbin"));
  poke<uint32_t>(bytes, firstPayloadOffset(bytes), 0); // destroys the frame magic
  EXPECT_TRUE(startsWith(parseError(bytes), "fatbin entry 1: zstd payload is corrupt"))
      << parseError(bytes);
}

TEST(Corruption, CorruptLz4Payload) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  auto bytes = readFile(inputPath("speed.fatbin"));
  // 0xFF tokens announce literal runs far longer than the block holds.
  for (size_t index = 0; index < 8; ++index)
    bytes[firstPayloadOffset(bytes) + index] = 0xFF;
  EXPECT_EQ(parseError(bytes), "fatbin entry 1: LZ4 payload is corrupt");
}

TEST(Corruption, DecompressedSizeMismatch) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  for (auto [name, codec] : {std::pair{"default.fatbin", "zstd"}, {"speed.fatbin", "LZ4"}}) {
    auto original = readFile(inputPath(name));
    size_t field = kFirstEntry + test::kEntryUncompressedSizeOffset;
    uint64_t actual = peek<uint64_t>(original, field);
    ASSERT_GT(actual, 0u) << name;
    // LZ4 can only tell "too small" as corruption, so test it with a larger declared size.
    for (uint64_t declared : {actual + 1, actual + 100, actual - 1}) {
      if (declared < actual && std::string(codec) == "LZ4")
        continue;
      auto bytes = original;
      poke<uint64_t>(bytes, field, declared);
      EXPECT_EQ(parseError(bytes), "fatbin entry 1: " + std::string(codec) +
                                       " payload decompressed to " + std::to_string(actual) +
                                       " bytes but the entry header says " +
                                       std::to_string(declared));
    }
  }
}

} // namespace
} // namespace cuport::fatbin
