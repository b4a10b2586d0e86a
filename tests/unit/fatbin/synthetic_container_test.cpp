// Hand-built containers: what nvcc 13 does not produce (zlib, unknown kinds, longer headers)
// and the exact handling of padding.
#include "compiler/fatbin/fatbin.h"
#include "tests/unit/fatbin/test_support.h"

namespace cuport::fatbin {
namespace {

using test::buildContainer;
using test::SyntheticEntry;

constexpr uint64_t kZlibFlag = 0x1000;

std::optional<Fatbin> parse(const std::vector<uint8_t> &bytes, ParseError &error) {
  return parseContainer(bytes, error);
}

TEST(SyntheticContainer, EmptyContainerHasNoEntries) {
  ParseError error;
  auto fatbin = parse(buildContainer({}), error);
  ASSERT_TRUE(fatbin) << error.message;
  EXPECT_TRUE(fatbin->entries.empty());
}

TEST(SyntheticContainer, ZlibPtxIsInflated) {
  std::string ptx = ".version 9.0\n.target sm_80\n.address_size 64\n";
  std::string stored = test::zlibCompress(ptx + '\0');
  ParseError error;
  auto fatbin = parse(buildContainer({{1, 80, 0x11 | kZlibFlag, stored, ptx.size() + 1}}), error);
  ASSERT_TRUE(fatbin) << error.message;
  ASSERT_EQ(fatbin->entries.size(), 1u);
  EXPECT_EQ(fatbin->entries[0].compression, "zlib");
  EXPECT_EQ(fatbin->entries[0].payload, ptx);
}

TEST(SyntheticContainer, ZlibSizeMismatchIsAnError) {
  std::string text(1000, 'x');
  std::string stored = test::zlibCompress(text);
  for (uint64_t declared : {999u, 1001u}) {
    ParseError error;
    auto fatbin = parse(buildContainer({{1, 80, kZlibFlag, stored, declared}}), error);
    EXPECT_FALSE(fatbin) << declared;
    EXPECT_NE(error.message.find("fatbin entry 1: zlib payload"), std::string::npos)
        << error.message;
  }
}

TEST(SyntheticContainer, CorruptZlibIsAnError) {
  std::string stored = test::zlibCompress(std::string(1000, 'x'));
  stored[0] = 0x12; // no longer a zlib or gzip header
  ParseError error;
  EXPECT_FALSE(parse(buildContainer({{1, 80, kZlibFlag, stored, 1000}}), error));
  EXPECT_EQ(error.message, "fatbin entry 1: zlib payload is corrupt");
}

TEST(SyntheticContainer, PtxLosesAllTrailingNulsElfKeepsThem) {
  std::string ptx = ".version 9.0\n";
  std::string cubin = std::string("\x7f"
                                  "ELF\0\0",
                                  6);
  ParseError error;
  auto fatbin = parse(
      buildContainer({{1, 75, 0x11, ptx + std::string(5, '\0')}, {2, 75, 0x11, cubin}}), error);
  ASSERT_TRUE(fatbin) << error.message;
  ASSERT_EQ(fatbin->entries.size(), 2u);
  EXPECT_EQ(fatbin->entries[0].payload, ptx);
  // The cubin's payload area is 8 bytes (6 padded); its own zeros are data, so all stay.
  EXPECT_EQ(fatbin->entries[1].payload, cubin + std::string(2, '\0'));
}

TEST(SyntheticContainer, UnknownKindsAreListedNotRejected) {
  ParseError error;
  auto fatbin = parse(buildContainer({{0x40, 90, 0x11, "opaque!!"}, {1, 90, 0x11, "ptx"}}), error);
  ASSERT_TRUE(fatbin) << error.message;
  ASSERT_EQ(fatbin->entries.size(), 2u);
  EXPECT_EQ(fatbin->entries[0].kind, EntryKind::Unknown);
  EXPECT_EQ(fatbin->entries[0].payload, "opaque!!");
  EXPECT_EQ(fatbin->entries[1].kind, EntryKind::Ptx);
  EXPECT_EQ(fatbin->entries[1].payload, "ptx");
}

TEST(SyntheticContainer, LongerEntryHeadersAreSkipped) {
  // nvcc writes 80- and 128-byte PTX headers (options, file name); the payload follows them.
  SyntheticEntry entry{1, 75, 0x11, "text"};
  entry.headerSize = 128;
  ParseError error;
  auto fatbin = parse(buildContainer({entry, {1, 86, 0x11, "more"}}), error);
  ASSERT_TRUE(fatbin) << error.message;
  ASSERT_EQ(fatbin->entries.size(), 2u);
  EXPECT_EQ(fatbin->entries[0].payload, "text");
  EXPECT_EQ(fatbin->entries[1].smArch, 86u);
  EXPECT_EQ(fatbin->entries[1].payload, "more");
}

TEST(SyntheticContainer, BytesAfterTheContainerAreIgnored) {
  auto bytes = buildContainer({{1, 75, 0x11, "ptx"}});
  bytes.insert(bytes.end(), {0xde, 0xad, 0xbe, 0xef});
  ParseError error;
  auto fatbin = parse(bytes, error);
  ASSERT_TRUE(fatbin) << error.message;
  EXPECT_EQ(fatbin->entries.size(), 1u);
}

TEST(SyntheticContainer, ParseContainerAtReadsTheSizeFromTheHeader) {
  auto bytes = buildContainer({{1, 75, 0x11, "ptx text"}});
  ParseError error;
  auto fatbin = parseContainerAt(bytes.data(), error);
  ASSERT_TRUE(fatbin) << error.message;
  ASSERT_EQ(fatbin->entries.size(), 1u);
  EXPECT_EQ(fatbin->entries[0].payload, "ptx text");
  EXPECT_FALSE(parseContainerAt(nullptr, error));
  EXPECT_NE(error.message.find("null"), std::string::npos);
}

} // namespace
} // namespace cuport::fatbin
