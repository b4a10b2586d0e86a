// The reader against fatbins nvcc 13 writes: every compression mode must give back exactly the
// PTX `nvcc -ptx` produces (as fatbinary minifies it), and cubins exactly what `nvcc -cubin` does.
#include "compiler/fatbin/fatbin.h"
#include "tests/unit/fatbin/test_support.h"

#include <algorithm>

namespace cuport::fatbin {
namespace {

using test::inputPath;
using test::readFile;

Fatbin parseFile(const std::string &name) {
  auto bytes = readFile(inputPath(name));
  ParseError error;
  auto fatbin = parseContainer(bytes, error);
  EXPECT_TRUE(fatbin.has_value()) << name << ": " << error.message;
  return fatbin.value_or(Fatbin{});
}

std::string referencePtx(uint32_t arch) {
  return test::minifyPtx(test::readText(inputPath("reference_" + std::to_string(arch) + ".ptx")));
}

bool containsBytes(const std::vector<uint8_t> &haystack, std::vector<uint8_t> needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

TEST(NvccOutput, MinifiedReferenceLooksLikePtx) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  // Guards the comparison below against a minifier that would turn everything into nothing.
  std::string ptx = referencePtx(75);
  EXPECT_NE(ptx.find(".target sm_75"), std::string::npos);
  EXPECT_NE(ptx.find(".entry saxpy("), std::string::npos);
  EXPECT_EQ(ptx.find("//"), std::string::npos);
}

struct CompressionCase {
  const char *file;
  const char *expectedCompression;
};

class CompressionModes : public ::testing::TestWithParam<CompressionCase> {};

TEST_P(CompressionModes, DecompressesToTheReferencePtx) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  Fatbin fatbin = parseFile(GetParam().file);
  ASSERT_EQ(fatbin.entries.size(), 1u);
  const Entry &entry = fatbin.entries[0];
  EXPECT_EQ(entry.kind, EntryKind::Ptx);
  EXPECT_EQ(entry.smArch, 75u);
  EXPECT_EQ(entry.compression, GetParam().expectedCompression);
  EXPECT_EQ(entry.payload, referencePtx(75));
}

// CUDA 13's fatbinary uses zstd by default and for compress-mode=size, LZ4 for speed.
INSTANTIATE_TEST_SUITE_P(Nvcc13, CompressionModes,
                         ::testing::Values(CompressionCase{"default.fatbin", "zstd"},
                                           CompressionCase{"uncompressed.fatbin", ""},
                                           CompressionCase{"size.fatbin", "zstd"},
                                           CompressionCase{"speed.fatbin", "lz4"}),
                         [](const auto &info) {
                           std::string name = info.param.file;
                           return name.substr(0, name.find('.'));
                         });

TEST(NvccOutput, DebugPtxBehindALongerHeader) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  Fatbin fatbin = parseFile("debug.fatbin");
  ASSERT_EQ(fatbin.entries.size(), 1u);
  EXPECT_EQ(fatbin.entries[0].kind, EntryKind::Ptx);
  EXPECT_EQ(fatbin.entries[0].payload,
            test::minifyPtx(test::readText(inputPath("reference_75_debug.ptx"))));
}

TEST(NvccOutput, ZstdFlagMatchesAZstdFrameInTheFile) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  // Independent of our flag table: a zstd frame starts with 28 B5 2F FD.
  EXPECT_TRUE(containsBytes(readFile(inputPath("default.fatbin")), {0x28, 0xB5, 0x2F, 0xFD}));
  EXPECT_FALSE(containsBytes(readFile(inputPath("uncompressed.fatbin")), {0x28, 0xB5, 0x2F, 0xFD}));
}

TEST(NvccOutput, UncompressedPtxIsStoredVerbatim) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  // The text must appear byte for byte in the file, followed by a NUL we strip.
  auto bytes = readFile(inputPath("uncompressed.fatbin"));
  std::string ptx = referencePtx(75);
  std::vector<uint8_t> needle(ptx.begin(), ptx.end());
  needle.push_back(0);
  EXPECT_TRUE(containsBytes(bytes, needle));
}

TEST(NvccOutput, MultiArchListsEveryEntry) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  // -gencode compute_75 -> PTX 75; compute_86,code=[sm_86,compute_86] -> cubin 86 and PTX 86.
  Fatbin fatbin = parseFile("multi.fatbin");
  ASSERT_EQ(fatbin.entries.size(), 3u);
  auto count = [&](EntryKind kind, uint32_t arch) {
    return std::count_if(fatbin.entries.begin(), fatbin.entries.end(), [&](const Entry &entry) {
      return entry.kind == kind && entry.smArch == arch;
    });
  };
  EXPECT_EQ(count(EntryKind::Ptx, 75), 1);
  EXPECT_EQ(count(EntryKind::Ptx, 86), 1);
  EXPECT_EQ(count(EntryKind::Elf, 86), 1);
  for (const Entry &entry : fatbin.entries) {
    if (entry.kind == EntryKind::Ptx) {
      EXPECT_EQ(entry.payload, referencePtx(entry.smArch)) << "PTX for " << entry.smArch;
    }
  }
}

TEST(NvccOutput, UncompressedCubinMatchesNvccCubin) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  Fatbin fatbin = parseFile("multi.fatbin");
  auto cubin = readFile(inputPath("reference_86.cubin"));
  auto elf = std::find_if(fatbin.entries.begin(), fatbin.entries.end(),
                          [](const Entry &entry) { return entry.kind == EntryKind::Elf; });
  ASSERT_NE(elf, fatbin.entries.end());
  EXPECT_EQ(elf->compression, "");
  // Uncompressed payloads keep their 8-byte padding; the cubin is a prefix, the rest zeros.
  ASSERT_GE(elf->payload.size(), cubin.size());
  EXPECT_LT(elf->payload.size() - cubin.size(), 8u);
  std::string expected(cubin.begin(), cubin.end());
  EXPECT_TRUE(elf->payload.substr(0, cubin.size()) == expected) << "cubin differs";
  EXPECT_EQ(elf->payload.substr(cubin.size()),
            std::string(elf->payload.size() - cubin.size(), '\0'));
}

TEST(NvccOutput, CompressedCubinsMatchNvccCubin) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  auto cubin = readFile(inputPath("reference_86.cubin"));
  std::string expected(cubin.begin(), cubin.end());
  for (auto [file, compression] :
       {std::pair{"elf_zstd.fatbin", "zstd"}, std::pair{"elf_lz4.fatbin", "lz4"}}) {
    Fatbin fatbin = parseFile(file);
    ASSERT_EQ(fatbin.entries.size(), 1u) << file;
    EXPECT_EQ(fatbin.entries[0].kind, EntryKind::Elf) << file;
    EXPECT_EQ(fatbin.entries[0].smArch, 86u) << file;
    EXPECT_EQ(fatbin.entries[0].compression, compression) << file;
    EXPECT_TRUE(fatbin.entries[0].payload == expected) << file << ": cubin differs";
  }
}

TEST(NvccOutput, SelectPtxOnMultiArch) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  Fatbin fatbin = parseFile("multi.fatbin");
  EXPECT_EQ(selectPtx(fatbin, 70), nullptr); // PTX never runs on an older device
  for (auto [device, expected] :
       {std::pair{75u, 75u}, {80u, 75u}, {86u, 86u}, {89u, 86u}, {120u, 86u}}) {
    const Entry *chosen = selectPtx(fatbin, device);
    ASSERT_NE(chosen, nullptr) << "sm_" << device;
    EXPECT_EQ(chosen->kind, EntryKind::Ptx);
    EXPECT_EQ(chosen->smArch, expected) << "sm_" << device;
    EXPECT_NE(chosen->payload.find(".target sm_" + std::to_string(expected)), std::string::npos);
  }
}

} // namespace
} // namespace cuport::fatbin
