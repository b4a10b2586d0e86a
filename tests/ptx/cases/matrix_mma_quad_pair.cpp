// mma.sync.aligned.m8n8k4 with .f16 A and B (sm_70's form, PTX 6.4): every .row / .col layout of A
// and of B, with .f16 / .f16, .f32 / .f16 and .f32 / .f32 D / C (ptxas refuses .f16 D from .f32 C).
// The warp computes four independent products, one per quad pair: lanes 0-3 with 16-19, 4-7 with
// 20-23, 8-11 with 24-27, 12-15 with 28-31 (the PTX ISA's "Matrix Fragments for mma.m8n8k4 with
// .f16 floating point type"). The host reference draws four sets of matrices, hands each lane the
// elements the ISA's formulas assign to it and computes each D exactly (inputs as in
// matrix_mma.cpp: every sum is exact in double).
#include "tests/ptx/cases/matrix_reference.h"
#include "tests/ptx/conformance.h"

namespace cuport::conformance {
namespace {

using namespace matrix;

struct QuadPairForm {
  bool aRowMajor, bRowMajor;
  Type d, c;
};

struct RowCol {
  unsigned row, col;
};

// The ISA's formulas; "+ 4 otherwise" applies to lanes 16..31 (the high group).
RowCol layoutA(const QuadPairForm &form, unsigned laneid, unsigned i) {
  unsigned high = laneid < 16 ? 0 : 4;
  if (form.aRowMajor) // row = %laneid % 4 (+ 4), col = i
    return {laneid % 4 + high, i};
  return {i % 4 + high, laneid % 4}; // row = i % 4 (+ 4), col = %laneid % 4
}

RowCol layoutB(const QuadPairForm &form, unsigned laneid, unsigned i) {
  unsigned high = laneid < 16 ? 0 : 4;
  if (form.bRowMajor) // row = %laneid % 4, col = i (+ 4)
    return {laneid % 4, i + high};
  return {i, laneid % 4 + high}; // row = i, col = %laneid % 4 (+ 4)
}

RowCol layoutC(Type type, unsigned laneid, unsigned i) {
  unsigned high = laneid < 16 ? 0 : 4;
  if (type == Type::F16) // row = %laneid % 4 (+ 4), col = i
    return {laneid % 4 + high, i};
  // .f32: row = X (+ 4) with X = (%laneid & 0b1) + (i & 0b10),
  // col = (i & 0b100) + (%laneid & 0b10) + (i & 0b1)
  unsigned x = (laneid & 0b1) + (i & 0b10);
  return {x + high, (i & 0b100) + (laneid & 0b10) + (i & 0b1)};
}

std::string instructionOf(const QuadPairForm &form) {
  return std::string("mma.sync.aligned.m8n8k4.") + (form.aRowMajor ? "row" : "col") + "." +
         (form.bRowMajor ? "row" : "col") + "." + typeName(form.d) + ".f16.f16." + typeName(form.c);
}

std::string fragmentList(char name, unsigned count) {
  std::string list = "{";
  for (unsigned i = 0; i < count; ++i)
    list += std::string(i ? ", " : "") + "%" + name + std::to_string(i);
  return list + "}";
}

// Each thread loads its 2 A, 2 B and nc C registers (8-byte slots) from in[tid * slots], runs the
// mma and stores its nd D registers to out[tid * nd].
std::string quadPairKernel(const QuadPairForm &form, unsigned nc, unsigned nd) {
  std::string body = header(75, "6.4") +
                     ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                     "  .reg .b32 %r<4>;\n  .reg .b64 %rd<8>;\n  .reg .b32 %a<2>;\n"
                     "  .reg .b32 %b<2>;\n  .reg ." +
                     std::string(registerType(form.c)) + " %c<" + std::to_string(nc) +
                     ">;\n  .reg ." + registerType(form.d) + " %d<" + std::to_string(nd) +
                     ">;\n"
                     "  ld.param.u64 %rd1, [in];\n  ld.param.u64 %rd2, [out];\n"
                     "  cvta.to.global.u64 %rd1, %rd1;\n  cvta.to.global.u64 %rd2, %rd2;\n"
                     "  mov.u32 %r0, %tid.x;\n  mul.wide.u32 %rd3, %r0, " +
                     std::to_string(8 * (4 + nc)) + ";\n  add.s64 %rd4, %rd1, %rd3;\n" +
                     "  mul.wide.u32 %rd3, %r0, " + std::to_string(8 * nd) +
                     ";\n  add.s64 %rd5, %rd2, %rd3;\n";
  unsigned slot = 0;
  auto load = [&](char name, unsigned count, const char *type) {
    for (unsigned i = 0; i < count; ++i, ++slot)
      body += "  ld.global." + std::string(type) + " %" + name + std::to_string(i) + ", [%rd4+" +
              std::to_string(8 * slot) + "];\n";
  };
  load('a', 2, "b32");
  load('b', 2, "b32");
  load('c', nc, registerType(form.c));
  body += "  " + instructionOf(form) + " " + fragmentList('d', nd) + ", {%a0, %a1}, {%b0, %b1}, " +
          fragmentList('c', nc) + ";\n";
  for (unsigned i = 0; i < nd; ++i)
    body += "  st.global." + std::string(registerType(form.d)) + " [%rd5+" + std::to_string(8 * i) +
            "], %d" + std::to_string(i) + ";\n";
  return body + "  ret;\n}\n";
}

void checkQuadPairs(const QuadPairForm &form, unsigned warps) {
  const std::string instruction = instructionOf(form);
  std::mt19937_64 random = randomFor(instruction + std::to_string(warps));
  const unsigned nc = registersOf(8, form.c), nd = registersOf(8, form.d);
  for (int round = 0; round < 4; ++round) {
    Launch launch;
    launch.ptx = quadPairKernel(form, nc, nd);
    launch.block = {32 * warps, 1, 1};
    launch.outSize = size_t(32 * warps) * nd * 8;
    std::vector<std::vector<uint64_t>> expected(32 * warps, std::vector<uint64_t>(nd, 0));
    std::vector<std::vector<uint64_t>> inputs(32 * warps);
    for (unsigned warp = 0; warp < warps; ++warp)
      for (unsigned pair = 0; pair < 4; ++pair) {
        std::vector<Drawn> a(8 * 4), b(4 * 8), c(8 * 8);
        for (Drawn &x : a)
          x = draw(Type::F16, random);
        for (Drawn &x : b)
          x = draw(Type::F16, random);
        for (Drawn &x : c)
          x = draw(form.c, random);
        for (unsigned laneid : {4 * pair, 4 * pair + 1, 4 * pair + 2, 4 * pair + 3, 16 + 4 * pair,
                                17 + 4 * pair, 18 + 4 * pair, 19 + 4 * pair}) {
          std::vector<uint64_t> ra(2, 0), rb(2, 0), rc(nc, 0);
          for (unsigned i = 0; i < 4; ++i) {
            RowCol at = layoutA(form, laneid, i);
            packInto(ra, Type::F16, i, a[at.row * 4 + at.col].bits);
            at = layoutB(form, laneid, i);
            packInto(rb, Type::F16, i, b[at.row * 8 + at.col].bits);
          }
          for (unsigned i = 0; i < 8; ++i) {
            RowCol at = layoutC(form.c, laneid, i);
            packInto(rc, form.c, i, c[at.row * 8 + at.col].bits);
            RowCol out = layoutC(form.d, laneid, i);
            double sum = c[out.row * 8 + out.col].real;
            for (unsigned k = 0; k < 4; ++k)
              sum += a[out.row * 4 + k].real * b[k * 8 + out.col].real;
            packInto(expected[warp * 32 + laneid], form.d, i, encodeResult(form.d, sum, 0, false));
          }
          std::vector<uint64_t> &in = inputs[warp * 32 + laneid];
          in.insert(in.end(), ra.begin(), ra.end());
          in.insert(in.end(), rb.begin(), rb.end());
          in.insert(in.end(), rc.begin(), rc.end());
        }
      }
    for (const std::vector<uint64_t> &registers : inputs)
      for (uint64_t r : registers)
        launch.in.push(r);
    Bytes out = runOk(launch);
    for (unsigned t = 0; t < 32 * warps; ++t)
      for (unsigned r = 0; r < nd; ++r)
        EXPECT_EQ(out.at<uint64_t>((t * nd + r) * 8) & 0xffffffffu, expected[t][r])
            << instruction << " thread " << t << " register d" << r;
  }
}

PTX_CASE(MatrixMma, M8N8K4F16QuadPairs) {
  for (bool aRowMajor : {true, false})
    for (bool bRowMajor : {true, false}) {
      checkQuadPairs({aRowMajor, bRowMajor, Type::F16, Type::F16}, 1);
      checkQuadPairs({aRowMajor, bRowMajor, Type::F32, Type::F16}, 1);
      checkQuadPairs({aRowMajor, bRowMajor, Type::F32, Type::F32}, 3);
    }
}

} // namespace
} // namespace cuport::conformance
