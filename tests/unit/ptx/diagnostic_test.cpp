#include "compiler/ptx/diagnostic.h"

#include <gtest/gtest.h>

namespace cuport::ptx {
namespace {

TEST(Diagnostic, FormatsFileLineColumnMessage) {
  Diagnostic diagnostic{{3, 17}, "expected ';' after instruction, found 'ld'"};
  EXPECT_EQ(diagnostic.format("kernel.ptx"),
            "kernel.ptx:3:17: expected ';' after instruction, found 'ld'");
}

TEST(Diagnostic, EmptyFileName) {
  Diagnostic diagnostic{{1, 1}, "oops"};
  EXPECT_EQ(diagnostic.format(""), ":1:1: oops");
}

} // namespace
} // namespace cuport::ptx
