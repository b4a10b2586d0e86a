// ldmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}.b16 from shared memory (through .shared and
// generic addresses) with per-lane row addresses, and movmatrix.sync.aligned.m8n8.trans.b16, on
// two warps. The reference follows the ISA's ldmatrix fragment figure: lane l holds row l / 4,
// columns 2 (l % 4) and 2 (l % 4) + 1 of each 8x8 matrix (lower half first); .trans and movmatrix
// deliver the transpose.
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

#include <algorithm>
#include <numeric>

namespace cuport::conformance {
namespace {

constexpr uint32_t kThreads = 64, kTileBytes = 1024;

// in: the 1024-byte tile (copied to shared memory, 16 bytes per thread), then each thread's row
// offset (u32). out: each thread's d0..d3 (u32; the registers the form does not write stay 0).
std::string ldmatrixKernel(const std::string &instruction, unsigned count, bool generic) {
  std::string destination;
  if (count == 1)
    destination = "{%r10}"; // a vector of one, as ptxas requires
  else if (count == 2)
    destination = "{%r10, %r11}";
  else
    destination = "{%r10, %r11, %r12, %r13}";
  return header(80) + R"(
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
  add.s64 %rd4, %rd1, %rd3;
  ld.global.v4.u32 {%r1, %r2, %r3, %r4}, [%rd4];
  mov.u64 %rd5, tile;
  add.s64 %rd6, %rd5, %rd3;
  st.shared.v4.u32 [%rd6], {%r1, %r2, %r3, %r4};
  bar.sync 0;
  mul.wide.u32 %rd7, %r0, 4;
  add.s64 %rd8, %rd1, %rd7;
  ld.global.u32 %r5, [%rd8+1024];
  cvt.u64.u32 %rd9, %r5;
  add.s64 %rd10, %rd5, %rd9;
)" + (generic ? "  cvta.shared.u64 %rd10, %rd10;\n" : "") +
         R"(  mov.u32 %r10, 0;
  mov.u32 %r11, 0;
  mov.u32 %r12, 0;
  mov.u32 %r13, 0;
  )" + instruction +
         " " + destination + R"(, [%rd10];
  add.s64 %rd11, %rd2, %rd3;
  st.global.v4.u32 [%rd11], {%r10, %r11, %r12, %r13};
  ret;
}
)";
}

void checkLdmatrix(unsigned count, bool transpose, bool generic) {
  std::string instruction = "ldmatrix.sync.aligned.m8n8.x" + std::to_string(count) +
                            (transpose ? ".trans" : "") + (generic ? "" : ".shared") + ".b16";
  std::mt19937_64 random = randomFor(instruction);
  for (int round = 0; round < 8; ++round) {
    Launch launch;
    launch.ptx = ldmatrixKernel(instruction, count, generic);
    launch.block = {kThreads, 1, 1};
    std::vector<uint16_t> tile(kTileBytes / 2);
    for (uint16_t &element : tile)
      element = uint16_t(random());
    for (uint16_t element : tile)
      launch.in.push(element);
    // Each lane addresses a row of the tile: a random permutation of the 64 16-byte rows.
    std::vector<uint32_t> rows(kThreads);
    std::iota(rows.begin(), rows.end(), 0u);
    std::shuffle(rows.begin(), rows.end(), random);
    for (uint32_t row : rows)
      launch.in.push(row * 16);
    launch.outSize = kThreads * 16;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < kThreads; ++t) {
      uint32_t warp = t / 32, lane = t % 32;
      for (unsigned i = 0; i < 4; ++i) {
        uint32_t expected = 0;
        if (i < count) {
          // Matrix i's row r comes from the address of lane 8i + r.
          auto element = [&](uint32_t row, uint32_t col) {
            return uint32_t(tile[rows[warp * 32 + 8 * i + row] * 8 + col]);
          };
          uint32_t row = lane / 4, col = 2 * (lane % 4);
          expected = transpose ? element(col, row) | element(col + 1, row) << 16
                               : element(row, col) | element(row, col + 1) << 16;
        }
        EXPECT_EQ(out.at<uint32_t>((t * 4 + i) * 4), expected)
            << instruction << " thread " << t << " d" << i;
      }
    }
  }
}

PTX_CASE(MatrixLdmatrix, X1) {
  checkLdmatrix(1, false, false);
}
PTX_CASE(MatrixLdmatrix, X2) {
  checkLdmatrix(2, false, false);
}
PTX_CASE(MatrixLdmatrix, X4) {
  checkLdmatrix(4, false, false);
}
PTX_CASE(MatrixLdmatrix, X1Trans) {
  checkLdmatrix(1, true, false);
}
PTX_CASE(MatrixLdmatrix, X2Trans) {
  checkLdmatrix(2, true, false);
}
PTX_CASE(MatrixLdmatrix, X4Trans) {
  checkLdmatrix(4, true, false);
}
PTX_CASE(MatrixLdmatrix, X4GenericAddress) {
  checkLdmatrix(4, false, true);
}
PTX_CASE(MatrixLdmatrix, X2TransGenericAddress) {
  checkLdmatrix(2, true, true);
}

PTX_CASE(MatrixMovmatrix, Trans) {
  std::mt19937_64 random = randomFor("movmatrix");
  for (int round = 0; round < 8; ++round) {
    Launch launch;
    launch.ptx = header(80) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<6>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r1, [%rd4];
  movmatrix.sync.aligned.m8n8.trans.b16 %r2, %r1;
  add.s64 %rd5, %rd2, %rd3;
  st.global.u32 [%rd5], %r2;
  ret;
}
)";
    launch.block = {kThreads, 1, 1};
    std::vector<uint32_t> fragments(kThreads);
    for (uint32_t &fragment : fragments)
      fragment = uint32_t(random());
    for (uint32_t fragment : fragments)
      launch.in.push(fragment);
    launch.outSize = kThreads * 4;
    Bytes out = runOk(launch);
    for (uint32_t t = 0; t < kThreads; ++t) {
      uint32_t warp = t / 32, lane = t % 32;
      // Element (row, col) of the source is half col % 2 of lane row * 4 + col / 2's fragment.
      auto element = [&](uint32_t row, uint32_t col) {
        return (fragments[warp * 32 + row * 4 + col / 2] >> (16 * (col % 2))) & 0xffff;
      };
      uint32_t row = lane / 4, col = 2 * (lane % 4);
      uint32_t expected = element(col, row) | element(col + 1, row) << 16;
      EXPECT_EQ(out.at<uint32_t>(t * 4), expected) << "thread " << t;
    }
  }
}

PTX_CASE(MatrixLdmatrix, UnsupportedFormsRejected) {
  for (const char *instruction :
       {"ldmatrix.sync.aligned.m16n16.x1.trans.shared.b8 {%r0, %r1}, [%rd0];",
        "ldmatrix.sync.aligned.m8n16.x1.shared.b8x16.b6x16_p32 %r0, [%rd0];"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(90, "8.6") +
                                  ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                                  "  .reg .b32 %r<4>;\n  .reg .b64 %rd<2>;\n  " +
                                  std::string(instruction) + "\n  ret;\n}\n");
    launch.block = {32, 1, 1};
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("matrix"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
