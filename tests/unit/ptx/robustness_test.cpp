// The parser must return (a module or a diagnostic) on any input: truncations of real PTX at
// every length, and random byte mutations. Run under ASan/UBSan (CUPORT_SANITIZE) for over-reads.
#include "compiler/ptx/parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

namespace cuport::ptx {
namespace {

std::string readInput(const char *name) {
  std::ifstream in(std::string(CUPORT_PTX_INPUTS) + "/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Copies the prefix into its own allocation so that an over-read past the end is caught by ASan.
ParseResult parseExactCopy(std::string_view text) {
  std::unique_ptr<char[]> copy(new char[text.size() ? text.size() : 1]);
  std::copy(text.begin(), text.end(), copy.get());
  return parseModule(std::string_view(copy.get(), text.size()));
}

void expectWellFormedResult(const ParseResult &result) {
  if (result.module) {
    EXPECT_TRUE(result.diagnostics.empty());
  } else {
    ASSERT_FALSE(result.diagnostics.empty());
    EXPECT_FALSE(result.diagnostics[0].message.empty());
  }
}

TEST(Robustness, EveryTruncationReturns) {
  for (const char *name : {"noinline_struct.sm_80.ptx", "vector_add_debug.sm_75.ptx"}) {
    std::string text = readInput(name);
    ASSERT_FALSE(text.empty()) << name;
    size_t parsedOk = 0;
    for (size_t length = 0; length <= text.size(); ++length) {
      ParseResult result = parseExactCopy(std::string_view(text).substr(0, length));
      expectWellFormedResult(result);
      parsedOk += result.module.has_value();
    }
    // The whole file parses; so do some prefixes ending between top-level items.
    EXPECT_TRUE(parseModule(text).module.has_value()) << name;
    EXPECT_GE(parsedOk, 2u) << name;
  }
}

TEST(Robustness, RandomMutationsReturn) {
  std::string text = readInput("printf.sm_75.ptx");
  ASSERT_FALSE(text.empty());
  std::mt19937 rng(12345);
  const char interesting[] = {'{',  '}',  '[', ']', '(', ')', ';', ',', '.', '%', '"', '/', '*',
                              '\0', '\n', '-', '+', '@', '!', '|', '<', '>', ':', '_', '0', 'x'};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string mutated = text;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      size_t at = rng() % mutated.size();
      switch (rng() % 4) {
      case 0:
        mutated[at] = static_cast<char>(rng() % 256);
        break;
      case 1:
        mutated[at] = interesting[rng() % sizeof interesting];
        break;
      case 2:
        mutated.erase(at, 1 + rng() % 16);
        break;
      default:
        mutated.insert(at, 1, interesting[rng() % sizeof interesting]);
        break;
      }
    }
    expectWellFormedResult(parseExactCopy(mutated));
  }
}

TEST(Robustness, LinearTimeOnLargeInput) {
  // 200k instructions; a quadratic parser would take minutes.
  std::string text = ".version 9.0\n.target sm_80\n.address_size 64\n.entry k()\n{\n"
                     ".reg .b32 %r<4>;\n";
  for (int i = 0; i < 200000; ++i)
    text += "add.s32 %r1, %r2, 1;\n";
  text += "}\n";
  auto start = std::chrono::steady_clock::now();
  ParseResult result = parseModule(text);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(result.module.has_value());
  EXPECT_EQ(result.module->functions.at(0).body.size(), 200001u);
  EXPECT_LT(seconds, 10.0);
}

} // namespace
} // namespace cuport::ptx
