// selectPtx on hand-built fatbins: PTX is forward compatible only, newest eligible wins.
#include "compiler/fatbin/fatbin.h"

#include <gtest/gtest.h>

namespace cuport::fatbin {
namespace {

Entry ptx(uint32_t arch, std::string text = "") {
  return Entry{EntryKind::Ptx, arch, "", text.empty() ? "ptx " + std::to_string(arch) : text};
}

Entry elf(uint32_t arch) {
  return Entry{EntryKind::Elf, arch, "",
               "\x7f"
               "ELF"};
}

TEST(SelectPtx, EmptyFatbinHasNothing) {
  EXPECT_EQ(selectPtx(Fatbin{}, 90), nullptr);
}

TEST(SelectPtx, CubinsAreNeverChosen) {
  Fatbin fatbin{{elf(75), elf(86)}};
  EXPECT_EQ(selectPtx(fatbin, 86), nullptr);
}

TEST(SelectPtx, NewestNotAboveTheDeviceWinsRegardlessOfOrder) {
  Fatbin fatbin{{ptx(86), elf(90), ptx(52), ptx(90), ptx(75)}};
  EXPECT_EQ(selectPtx(fatbin, 50), nullptr);
  EXPECT_EQ(selectPtx(fatbin, 52)->smArch, 52u);
  EXPECT_EQ(selectPtx(fatbin, 61)->smArch, 52u);
  EXPECT_EQ(selectPtx(fatbin, 80)->smArch, 75u);
  EXPECT_EQ(selectPtx(fatbin, 89)->smArch, 86u);
  EXPECT_EQ(selectPtx(fatbin, 90)->smArch, 90u);
  EXPECT_EQ(selectPtx(fatbin, 120)->smArch, 90u);
}

TEST(SelectPtx, FirstOfEqualArchsIsChosen) {
  Fatbin fatbin{{ptx(75, "first"), ptx(75, "second")}};
  EXPECT_EQ(selectPtx(fatbin, 80)->payload, "first");
}

TEST(SelectPtx, ReturnsAPointerIntoTheFatbin) {
  Fatbin fatbin{{ptx(60), ptx(70)}};
  EXPECT_EQ(selectPtx(fatbin, 75), &fatbin.entries[1]);
}

} // namespace
} // namespace cuport::fatbin
