// Real nvcc output (inputs/warp_kernels.cu compiled for sm_80 and sm_75): shuffles, votes,
// activemask, match, redux, cooperative groups tiles and CUB's warp and block collectives run
// through compiler/lower and the CPU backend, against host references of what the CUDA source
// computes.
#include "cpu_test_support.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace cuport::cpu::test {
namespace {

std::string readInput(const std::string &name) {
  std::ifstream file(std::string(CUPORT_CPU_TEST_INPUTS) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class WarpNvcc : public CpuBackendTest, public ::testing::WithParamInterface<const char *> {
protected:
  void SetUp() override {
    std::string error;
    module_ = loadPtx(readInput(GetParam()), &error);
    ASSERT_NE(module_, nullptr) << error;
  }

  std::vector<int> run(const char *kernelName, uint32_t blocks, uint32_t threads,
                       const std::vector<int> &in, size_t outWords) {
    if (!module_)
      return std::vector<int>(outWords, 0);
    int *input = allocate<int>(in.size());
    std::copy(in.begin(), in.end(), input);
    int *output = allocate<int>(outWords);
    std::fill_n(output, outWords, -1);
    ParamBuffer params;
    params.add(input).add(output);
    std::string error;
    EXPECT_EQ(launch(module_, kernelName, {blocks, 1, 1}, {threads, 1, 1}, params, 0, &error),
              CUPORT_OK)
        << error;
    return std::vector<int>(output, output + outWords);
  }

  static std::vector<int> randomInts(size_t count, int low, int high, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> distribution(low, high);
    std::vector<int> values(count);
    for (int &value : values)
      value = distribution(random);
    return values;
  }

  cuport_backend_module *module_ = nullptr;
};

TEST_P(WarpNvcc, ShuffleSum) {
  std::vector<int> in = randomInts(128, -1000, 1000, 1);
  std::vector<int> out = run("shuffleSum", 1, 128, in, 4);
  for (int w = 0; w < 4; ++w) {
    int sum = 0;
    for (int l = 0; l < 32; ++l)
      sum += in[w * 32 + l];
    EXPECT_EQ(out.at(w), sum) << w;
  }
}

TEST_P(WarpNvcc, SegmentedScan) {
  std::vector<int> in = randomInts(64, -50, 50, 2);
  std::vector<int> out = run("segmentedScan", 1, 64, in, 64);
  for (int t = 0; t < 64; ++t) {
    int sum = 0;
    for (int u = t - t % 8; u <= t; ++u)
      sum += in[u];
    EXPECT_EQ(out.at(t), sum) << t;
  }
}

TEST_P(WarpNvcc, BallotActiveMaskMatchReduce) {
  for (unsigned seed : {3u, 4u, 5u}) {
    std::vector<int> in = randomInts(64, seed == 5 ? 1 : -3, 4, seed);
    std::vector<int> out = run("votes", 1, 64, in, 64 * 5);
    for (int t = 0; t < 64; ++t) {
      int warp = t / 32;
      unsigned ballot = 0, even = 0, same = 0, sum = 0;
      for (int l = 0; l < 32; ++l) {
        int value = in[warp * 32 + l];
        ballot |= (value > 0 ? 1u : 0u) << l;
        even |= (value % 2 == 0 ? 1u : 0u) << l;
        same |= (value == in[t] ? 1u : 0u) << l;
        sum += unsigned(value);
      }
      EXPECT_EQ(unsigned(out.at(t * 5 + 0)), ballot) << t;
      EXPECT_EQ(unsigned(out.at(t * 5 + 1)), in[t] % 2 == 0 ? even : 0u) << t;
      EXPECT_EQ(unsigned(out.at(t * 5 + 2)), same) << t;
      EXPECT_EQ(unsigned(out.at(t * 5 + 3)), sum) << t;
      EXPECT_EQ(out.at(t * 5 + 4), ballot == ~0u ? 1 : 0) << t;
    }
  }
}

TEST_P(WarpNvcc, CooperativeGroupsTiles) {
  std::vector<int> in = randomInts(64, -100, 100, 6);
  std::vector<int> out = run("tiles", 1, 64, in, 64 * 3);
  for (int t = 0; t < 64; ++t) {
    int first = t / 16 * 16;
    int sum = 0, maximum = in[first];
    for (int u = first; u < first + 16; ++u) {
      sum += in[u];
      maximum = std::max(maximum, in[u]);
    }
    EXPECT_EQ(out.at(t * 3 + 0), sum) << t;
    EXPECT_EQ(out.at(t * 3 + 1), maximum) << t;
    EXPECT_EQ(out.at(t * 3 + 2), t / 16 * 100 + t % 16) << t;
  }
}

TEST_P(WarpNvcc, CubWarpReduce) {
  std::vector<int> in = randomInts(128, -1000, 1000, 7);
  std::vector<int> out = run("cubWarpSum", 1, 128, in, 4);
  for (int w = 0; w < 4; ++w) {
    int sum = 0;
    for (int l = 0; l < 32; ++l)
      sum += in[w * 32 + l];
    EXPECT_EQ(out.at(w), sum) << w;
  }
}

TEST_P(WarpNvcc, CubBlockReduceAndScan) {
  std::vector<int> in = randomInts(256, -1000, 1000, 8);
  std::vector<int> out = run("cubBlock", 2, 128, in, 260);
  for (int b = 0; b < 2; ++b) {
    int prefix = 0, maximum = in[b * 128];
    for (int t = 0; t < 128; ++t) {
      EXPECT_EQ(out.at(b * 130 + t), prefix) << b << " " << t;
      prefix += in[b * 128 + t];
      maximum = std::max(maximum, in[b * 128 + t]);
    }
    EXPECT_EQ(out.at(b * 130 + 128), prefix) << b;
    EXPECT_EQ(out.at(b * 130 + 129), maximum) << b;
  }
}

TEST_P(WarpNvcc, SyncthreadsCountAndOr) {
  for (unsigned seed : {9u, 10u}) {
    std::vector<int> in = randomInts(80, seed == 10 ? 11 : 0, 20, seed);
    std::vector<int> out = run("syncthreadsReductions", 1, 80, in, 80 * 3);
    int count = int(std::count_if(in.begin(), in.end(), [](int v) { return v > 10; }));
    for (int t = 0; t < 80; ++t) {
      EXPECT_EQ(out.at(t * 3 + 0), count) << t;
      EXPECT_EQ(out.at(t * 3 + 1), count == 80 ? 1 : 0) << t;
      EXPECT_EQ(out.at(t * 3 + 2), count > 0 ? 1 : 0) << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ptx, WarpNvcc,
                         ::testing::Values("warp_kernels.sm80.ptx", "warp_kernels.sm75.ptx"));

} // namespace
} // namespace cuport::cpu::test
