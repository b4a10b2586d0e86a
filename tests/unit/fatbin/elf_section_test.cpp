// parseElfSection on a host executable nvcc linked from two translation units, on this very test
// binary (it links an nvcc-compiled object), and on broken ELF files.
#include "compiler/fatbin/fatbin.h"
#include "tests/unit/fatbin/test_support.h"

#include <algorithm>
#include <elf.h>

namespace cuport::fatbin {
namespace {

using test::inputPath;
using test::readFile;

const Entry *findPtxWith(const std::vector<Fatbin> &fatbins, uint32_t arch,
                         const std::string &text) {
  for (const Fatbin &fatbin : fatbins)
    for (const Entry &entry : fatbin.entries)
      if (entry.kind == EntryKind::Ptx && entry.smArch == arch &&
          entry.payload.find(text) != std::string::npos)
        return &entry;
  return nullptr;
}

TEST(ElfSection, NvccExecutableListsEveryTranslationUnit) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  ParseError error;
  auto fatbins = parseElfSection(readFile(inputPath("app")), error);
  ASSERT_TRUE(fatbins) << error.message;
  // One container per translation unit, plus one (empty here) for nvcc's device-link step.
  size_t withPtx = std::count_if(fatbins->begin(), fatbins->end(), [](const Fatbin &fatbin) {
    return std::any_of(fatbin.entries.begin(), fatbin.entries.end(),
                       [](const Entry &entry) { return entry.kind == EntryKind::Ptx; });
  });
  EXPECT_EQ(withPtx, 2u);
  // app_main.cu and app_other.cu were each compiled for compute_75 and compute_80.
  for (uint32_t arch : {75u, 80u}) {
    EXPECT_NE(findPtxWith(*fatbins, arch, ".entry appKernel("), nullptr) << arch;
    EXPECT_NE(findPtxWith(*fatbins, arch, ".entry otherKernel("), nullptr) << arch;
  }
}

TEST(ElfSection, ThisTestBinaryCarriesTheLinkedKernels) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  ParseError error;
  auto fatbins = parseElfSection(readFile("/proc/self/exe"), error);
  ASSERT_TRUE(fatbins) << error.message;
  EXPECT_NE(findPtxWith(*fatbins, 75, ".entry saxpy("), nullptr);
  EXPECT_NE(findPtxWith(*fatbins, 86, ".entry scaleDoubles("), nullptr);
}

TEST(ElfSection, CubinWithoutFatbinSectionIsAnError) {
  CUPORT_REQUIRE_NVCC_INPUTS();
  ParseError error;
  EXPECT_FALSE(parseElfSection(readFile(inputPath("reference_86.cubin")), error));
  EXPECT_EQ(error.message, "ELF: no .nv_fatbin section (the file holds no CUDA device code)");
}

TEST(ElfSection, NotAnElfFile) {
  ParseError error;
  std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_FALSE(parseElfSection(text, error));
  EXPECT_EQ(error.message, "ELF: not an ELF file (bad or missing magic)");
  EXPECT_FALSE(parseElfSection({}, error));
}

TEST(ElfSection, ThirtyTwoBitElfIsRejected) {
  std::vector<uint8_t> bytes(sizeof(Elf64_Ehdr), 0);
  std::memcpy(bytes.data(), ELFMAG, SELFMAG);
  bytes[EI_CLASS] = ELFCLASS32;
  bytes[EI_DATA] = ELFDATA2LSB;
  ParseError error;
  EXPECT_FALSE(parseElfSection(bytes, error));
  EXPECT_EQ(error.message, "ELF: only 64-bit ELF files are supported");
}

class BrokenExecutable : public ::testing::Test {
protected:
  void SetUp() override {
    if (!CUPORT_FATBIN_HAVE_NVCC)
      GTEST_SKIP() << "nvcc was not found at configure time; no generated executable to test";
    app = readFile(inputPath("app"));
    ASSERT_GE(app.size(), sizeof(Elf64_Ehdr));
  }
  std::string errorFor(const std::vector<uint8_t> &bytes) {
    ParseError error;
    auto result = parseElfSection(bytes, error);
    return result ? "" : error.message;
  }
  std::vector<uint8_t> app;
};

TEST_F(BrokenExecutable, SectionTableBeyondTheFile) {
  test::poke<uint64_t>(app, offsetof(Elf64_Ehdr, e_shoff), app.size() - 8);
  EXPECT_NE(errorFor(app).find("section header table"), std::string::npos) << errorFor(app);
}

TEST_F(BrokenExecutable, HugeSectionCount) {
  test::poke<uint16_t>(app, offsetof(Elf64_Ehdr, e_shnum), 0xFEFF);
  EXPECT_NE(errorFor(app).find("section header table"), std::string::npos) << errorFor(app);
}

TEST_F(BrokenExecutable, SectionNameTableIndexOutOfRange) {
  test::poke<uint16_t>(app, offsetof(Elf64_Ehdr, e_shstrndx), 0xFEFF);
  EXPECT_NE(errorFor(app).find("section-name table index"), std::string::npos) << errorFor(app);
}

TEST_F(BrokenExecutable, EveryTruncationFailsCleanly) {
  // Section headers sit at the end of the file, so no proper prefix is a usable ELF file.
  for (size_t length = 0; length < app.size(); ++length) {
    std::vector<uint8_t> prefix(app.begin(), app.begin() + length);
    EXPECT_NE(errorFor(prefix), "") << "truncated to " << length;
  }
  EXPECT_EQ(errorFor(app), "");
}

TEST_F(BrokenExecutable, EveryByteFlipIsHandled) {
  for (size_t index = 0; index < app.size(); ++index) {
    std::vector<uint8_t> bytes = app;
    bytes[index] ^= 0xFF;
    ParseError error;
    if (!parseElfSection(bytes, error)) {
      EXPECT_FALSE(error.message.empty());
    }
  }
}

TEST_F(BrokenExecutable, CorruptContainerInTheSectionIsNamed) {
  // Find the first container by its magic and break it: the message says which one, and where.
  const uint8_t magic[] = {0x50, 0xED, 0x55, 0xBA};
  auto at = std::search(app.begin(), app.end(), std::begin(magic), std::end(magic));
  ASSERT_NE(at, app.end());
  test::poke<uint16_t>(app, (at - app.begin()) + 4, 9); // container version
  EXPECT_EQ(errorFor(app).rfind(".nv_fatbin container 1 at 0x0: fatbin container: unsupported "
                                "version 9",
                                0),
            0u)
      << errorFor(app);
}

} // namespace
} // namespace cuport::fatbin
