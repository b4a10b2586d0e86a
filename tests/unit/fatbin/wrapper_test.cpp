// parseWrapper and parsePrelinkedContainers: on the wrapper nvcc's own host stub registers at
// start-up (captured by registration_capture.cpp), and on hand-made wrappers.
#include "compiler/fatbin/fatbin.h"
#include "tests/unit/fatbin/test_support.h"

#if CUPORT_FATBIN_HAVE_NVCC
#include "tests/unit/fatbin/registration_capture.h"
#endif

namespace cuport::fatbin {
namespace {

using test::buildContainer;

// Mirrors __fatBinC_Wrapper_t from CUDA's fatbinary_section.h.
struct WrapperLayout {
  int magic;
  int version;
  const unsigned long long *data;
  void *filenameOrFatbins;
};
static_assert(sizeof(WrapperLayout) == 24);

WrapperLayout wrapperFor(const std::vector<uint8_t> &container, int version = 1,
                         void *fatbins = nullptr) {
  return {static_cast<int>(kWrapperMagic), version,
          reinterpret_cast<const unsigned long long *>(container.data()), fatbins};
}

#if CUPORT_FATBIN_HAVE_NVCC
TEST(Wrapper, TheWrapperNvccRegistersParses) {
  ASSERT_EQ(test::registeredWrappers().size(), 1u) << "kernels.o registers one fatbin";
  ParseError error;
  auto fatbin = parseWrapper(test::registeredWrappers()[0], error);
  ASSERT_TRUE(fatbin) << error.message;
  // kernels.o was compiled like multi.fatbin: PTX 75, cubin 86, PTX 86.
  ASSERT_EQ(fatbin->entries.size(), 3u);
  std::string ptx75 = test::minifyPtx(test::readText(test::inputPath("reference_75.ptx")));
  const Entry *chosen = selectPtx(*fatbin, 80);
  ASSERT_NE(chosen, nullptr);
  EXPECT_EQ(chosen->payload, ptx75);
  // Every kernel the stub registered is in the PTX we would run.
  const Entry *newest = selectPtx(*fatbin, 90);
  ASSERT_NE(newest, nullptr);
  EXPECT_EQ(newest->smArch, 86u);
  ASSERT_EQ(test::registeredKernelNames().size(), 2u);
  for (const std::string &name : test::registeredKernelNames())
    EXPECT_NE(newest->payload.find(".entry " + name + "("), std::string::npos) << name;
}

TEST(Wrapper, PlainWrapperHasNoPrelinkedContainers) {
  ParseError error;
  auto prelinked = parsePrelinkedContainers(test::registeredWrappers().at(0), error);
  ASSERT_TRUE(prelinked) << error.message;
  EXPECT_TRUE(prelinked->empty());
}
#endif

TEST(Wrapper, HandMadeWrapperReachesItsContainer) {
  auto container = buildContainer({{1, 75, 0x11, "ptx 75"}, {1, 90, 0x11, "ptx 90"}});
  WrapperLayout wrapper = wrapperFor(container);
  ParseError error;
  auto fatbin = parseWrapper(&wrapper, error);
  ASSERT_TRUE(fatbin) << error.message;
  ASSERT_EQ(fatbin->entries.size(), 2u);
  EXPECT_EQ(fatbin->entries[1].payload, "ptx 90");
}

TEST(Wrapper, BadWrappersAreErrors) {
  auto container = buildContainer({{1, 75, 0x11, "ptx"}});
  ParseError error;
  EXPECT_FALSE(parseWrapper(nullptr, error));
  EXPECT_EQ(error.message, "fatbin wrapper: null pointer");

  WrapperLayout badMagic = wrapperFor(container);
  badMagic.magic = 0x12345678;
  EXPECT_FALSE(parseWrapper(&badMagic, error));
  EXPECT_EQ(error.message, "fatbin wrapper: bad magic 0x12345678 (expected 0x466243B1)");

  WrapperLayout badVersion = wrapperFor(container, 3);
  EXPECT_FALSE(parseWrapper(&badVersion, error));
  EXPECT_EQ(error.message, "fatbin wrapper: unsupported version 3 (expected 1 or 2)");

  WrapperLayout noData = wrapperFor(container);
  noData.data = nullptr;
  EXPECT_FALSE(parseWrapper(&noData, error));
  EXPECT_EQ(error.message, "fatbin wrapper: fatbin container: null pointer");

  auto notContainer = container;
  notContainer[3] = 0;
  WrapperLayout wrongTarget = wrapperFor(notContainer);
  EXPECT_FALSE(parseWrapper(&wrongTarget, error));
  EXPECT_EQ(error.message,
            "fatbin wrapper: fatbin container: bad magic 0x55ED50 (expected 0xBA55ED50)");
}

TEST(Wrapper, PrelinkedContainersAreListedInOrder) {
  auto linked = buildContainer({{2, 86, 0x11,
                                 "\x7f"
                                 "ELF"}});
  auto first = buildContainer({{1, 75, 0x11, "first tu"}});
  auto second = buildContainer({{1, 80, 0x11, "second tu"}});
  const void *list[] = {first.data(), second.data(), nullptr};
  WrapperLayout wrapper = wrapperFor(linked, 2, list);
  ParseError error;
  auto main = parseWrapper(&wrapper, error);
  ASSERT_TRUE(main) << error.message;
  ASSERT_EQ(main->entries.size(), 1u);
  EXPECT_EQ(main->entries[0].kind, EntryKind::Elf);

  auto prelinked = parsePrelinkedContainers(&wrapper, error);
  ASSERT_TRUE(prelinked) << error.message;
  ASSERT_EQ(prelinked->size(), 2u);
  EXPECT_EQ((*prelinked)[0].entries.at(0).payload, "first tu");
  EXPECT_EQ((*prelinked)[1].entries.at(0).payload, "second tu");
}

TEST(Wrapper, CorruptPrelinkedContainerIsNamed) {
  auto linked = buildContainer({});
  auto good = buildContainer({{1, 75, 0x11, "ptx"}});
  auto bad = good;
  bad[0] ^= 0xFF;
  const void *list[] = {good.data(), bad.data(), nullptr};
  WrapperLayout wrapper = wrapperFor(linked, 2, list);
  ParseError error;
  EXPECT_FALSE(parsePrelinkedContainers(&wrapper, error));
  EXPECT_EQ(error.message.rfind("fatbin wrapper: prelinked container 2: fatbin container: bad "
                                "magic",
                                0),
            0u)
      << error.message;
}

} // namespace
} // namespace cuport::fatbin
