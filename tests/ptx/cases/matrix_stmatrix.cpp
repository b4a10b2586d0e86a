// stmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}{.shared}.b16 (sm_90) to shared memory through
// .shared and generic addresses, with per-lane row addresses, on two warps. The reference follows
// the ISA's stmatrix fragment figure, the inverse of ldmatrix's: lane l holds, in register i, row
// l / 4, columns 2 (l % 4) and 2 (l % 4) + 1 of matrix i (lower half first), and the lanes
// 8i..8i+7 give the addresses of matrix i's rows; with .trans the registers hold the fragment of
// the transpose of the stored matrix.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

#include <algorithm>
#include <numeric>

namespace cuport::conformance {
namespace {

constexpr uint32_t kThreads = 64, kTileBytes = 1024;

// in: each thread's four registers (u32), then each thread's row offset in the tile (u32).
// out: the tile after the stores (the block zeroes it first), 16 bytes per thread.
std::string stmatrixKernel(const std::string &instruction, unsigned count, bool generic) {
  std::string sources;
  if (count == 1)
    sources = "{%r10}"; // a vector of one, as ptxas requires
  else if (count == 2)
    sources = "{%r10, %r11}";
  else
    sources = "{%r10, %r11, %r12, %r13}";
  return header(90, "7.8") + R"(
.shared .align 16 .b8 tile[1024];

.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<16>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 16;
  mov.u64 %rd5, tile;
  add.s64 %rd6, %rd5, %rd3;
  mov.u32 %r1, 0;
  st.shared.v4.u32 [%rd6], {%r1, %r1, %r1, %r1};
  bar.sync 0;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.v4.u32 {%r10, %r11, %r12, %r13}, [%rd4];
  mul.wide.u32 %rd7, %r0, 4;
  add.s64 %rd8, %rd1, %rd7;
  ld.global.u32 %r5, [%rd8+1024];
  cvt.u64.u32 %rd9, %r5;
  add.s64 %rd10, %rd5, %rd9;
)" + (generic ? "  cvta.shared.u64 %rd10, %rd10;\n" : "") +
         "  " + instruction + " [%rd10], " + sources + R"(;
  bar.sync 0;
  ld.shared.v4.u32 {%r1, %r2, %r3, %r4}, [%rd6];
  add.s64 %rd11, %rd2, %rd3;
  st.global.v4.u32 [%rd11], {%r1, %r2, %r3, %r4};
  ret;
}
)";
}

void checkStmatrix(unsigned count, bool transpose, bool generic) {
  std::string instruction = "stmatrix.sync.aligned.m8n8.x" + std::to_string(count) +
                            (transpose ? ".trans" : "") + (generic ? "" : ".shared") + ".b16";
  std::mt19937_64 random = randomFor(instruction);
  for (int round = 0; round < 8; ++round) {
    Launch launch;
    launch.ptx = stmatrixKernel(instruction, count, generic);
    launch.block = {kThreads, 1, 1};
    std::vector<uint32_t> registers(kThreads * 4);
    for (uint32_t &value : registers)
      value = uint32_t(random());
    for (uint32_t value : registers)
      launch.in.push(value);
    // Each lane addresses a row of the tile: a random permutation of the 64 16-byte rows.
    std::vector<uint32_t> rows(kThreads);
    std::iota(rows.begin(), rows.end(), 0u);
    std::shuffle(rows.begin(), rows.end(), random);
    for (uint32_t row : rows)
      launch.in.push(row * 16);
    launch.outSize = kTileBytes;
    std::vector<uint16_t> expected(kTileBytes / 2, 0);
    for (uint32_t warp = 0; warp < kThreads / 32; ++warp)
      for (uint32_t i = 0; i < count; ++i) {
        // Element (row, col) of the fragment matrix of register i: half col % 2 of lane
        // row * 4 + col / 2's register.
        auto fragment = [&](uint32_t row, uint32_t col) {
          return uint16_t(registers[(warp * 32 + row * 4 + col / 2) * 4 + i] >> (16 * (col % 2)));
        };
        for (uint32_t row = 0; row < 8; ++row)
          for (uint32_t col = 0; col < 8; ++col)
            expected[rows[warp * 32 + 8 * i + row] * 8 + col] =
                transpose ? fragment(col, row) : fragment(row, col);
      }
    Bytes out = runOk(launch);
    for (uint32_t element = 0; element < kTileBytes / 2; ++element)
      EXPECT_EQ(out.at<uint16_t>(element * 2), expected[element])
          << instruction << " tile row " << element / 8 << " column " << element % 8;
  }
}

PTX_CASE(MatrixStmatrix, X1) {
  checkStmatrix(1, false, false);
}
PTX_CASE(MatrixStmatrix, X2) {
  checkStmatrix(2, false, false);
}
PTX_CASE(MatrixStmatrix, X4) {
  checkStmatrix(4, false, false);
}
PTX_CASE(MatrixStmatrix, X1Trans) {
  checkStmatrix(1, true, false);
}
PTX_CASE(MatrixStmatrix, X2Trans) {
  checkStmatrix(2, true, false);
}
PTX_CASE(MatrixStmatrix, X4Trans) {
  checkStmatrix(4, true, false);
}
PTX_CASE(MatrixStmatrix, X4GenericAddress) {
  checkStmatrix(4, false, true);
}
PTX_CASE(MatrixStmatrix, X2TransGenericAddress) {
  checkStmatrix(2, true, true);
}

// The sm_100a .m16n8 .b8 form and a wrong register count are rejected at load.
PTX_CASE(MatrixStmatrix, UnsupportedFormsRejected) {
  for (const char *instruction : {"stmatrix.sync.aligned.m16n8.x1.trans.shared.b8 [%rd0], %r0;",
                                  "stmatrix.sync.aligned.m8n8.x2.shared.b16 [%rd0], %r0;"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(90, "8.6") +
                                  ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                                  "  .reg .b32 %r<4>;\n  .reg .b64 %rd<2>;\n  " +
                                  std::string(instruction) + "\n  ret;\n}\n");
    launch.block = {32, 1, 1};
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("stmatrix"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
