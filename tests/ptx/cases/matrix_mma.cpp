// mma.sync.aligned (m8n8k4 with f16 is matrix_mma_quad_pair.cpp's, mma.sp
// matrix_mma_sparse.cpp's): m16n8k16 and m16n8k8 with f16 (f16 or f32 accumulators, C and D of
// one type as ptxas requires), bf16 and tf32
// inputs, m16n8k4 tf32, m8n8k4 f64 and the sm_90 f64 shapes m16n8k4/k8/k16, m8n8k16, m16n8k16
// and m16n8k32 with s8/u8 inputs, m8n8k32, m16n8k32 and m16n8k64 with s4/u4 (wrapping and
// .satfinite), m8n8k128, m16n8k128 and m16n8k256 .b1 (.xor.popc, .and.popc), m16n8k32 and
// m16n8k16 with e4m3/e5m2 (sm_89).
// The host reference draws whole matrices, hands each lane the elements the PTX ISA's "Matrix
// fragments for mma.m16n8k*" / "mma.m8n8k4" sections assign to it, and computes D exactly.
//
// The floating-point inputs are drawn so that every sum is exact in double (bounded exponent
// range), so D rounded once from the exact result is what any accumulation order yields; cuport
// documents that it rounds once (backends/cpu/matrix_collectives.cpp). tf32 inputs carry random
// low 13 bits, which are not part of a .tf32 value and must be ignored.
#include "tests/ptx/cases/matrix_reference.h"
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>

namespace cuport::conformance {
namespace {

using namespace matrix;

struct Form {
  unsigned m, n, k;
  Type d, a, b, c;
  bool satfinite = false;
  bool andPopc = false; // .b1: .and.popc instead of .xor.popc
  unsigned sm = 80;
  const char *version = "8.0";
};

// The ISA's fragment layouts, written out as in its tables: groupID = laneid >> 2,
// threadID_in_group = laneid % 4; element i of the lane's fragment (a_i, b_i, c_i).
struct RowCol {
  unsigned row, col;
};

RowCol layoutA(const Form &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  unsigned bits = bitsOf(form.a);
  if (form.m == 8) {
    if (bits == 64) // m8n8k4 .f64: row = groupID, col = threadID_in_group
      return {groupID, threadID_in_group};
    // m8n8k16 .s8/.u8: col = threadID_in_group * 4 + i; m8n8k32 .s4/.u4: * 8 + i;
    // m8n8k128 .b1: * 32 + i
    return {groupID, threadID_in_group * (32 / bits) + i};
  }
  if (form.a == Type::TF32 || form.a == Type::F64) {
    if (form.k == 4) // m16n8k4: a0 (groupID, threadID_in_group), a1 eight rows down
      return {i == 0 ? groupID : groupID + 8, threadID_in_group};
    if (form.k == 8) { // m16n8k8: a0..a3
      unsigned row = (i == 0 || i == 2) ? groupID : groupID + 8;
      unsigned col = i < 2 ? threadID_in_group : threadID_in_group + 4;
      return {row, col};
    }
    // m16n8k16 .f64: a0..a7
    if (i % 2 == 0)
      return {groupID, i * 2 + threadID_in_group};
    return {groupID + 8, i * 2 - 2 + threadID_in_group};
  }
  if (bits == 16) {
    if (form.k == 8) // a0..a3
      return {i < 2 ? groupID : groupID + 8, threadID_in_group * 2 + (i & 0x1)};
    // m16n8k16: a0..a7
    unsigned row = (i < 2 || (i >= 4 && i < 6)) ? groupID : groupID + 8;
    unsigned col = threadID_in_group * 2 + (i & 0x1) + (i < 4 ? 0 : 8);
    return {row, col};
  }
  if (bits == 8) {
    if (form.k == 16) // .s8/.u8/.e4m3/.e5m2 m16n8k16: a0..a7
      return {i < 4 ? groupID : groupID + 8, threadID_in_group * 4 + (i & 0x3)};
    // m16n8k32: a0..a15
    unsigned row = (i < 4 || (i >= 8 && i < 12)) ? groupID : groupID + 8;
    unsigned col = threadID_in_group * 4 + (i & 0x3) + (i < 8 ? 0 : 16);
    return {row, col};
  }
  if (bits == 4) {
    if (form.k == 32) // .s4/.u4 m16n8k32: a0..a15
      return {i < 8 ? groupID : groupID + 8, threadID_in_group * 8 + (i & 0x7)};
    // m16n8k64: a0..a31
    unsigned row = (i < 8 || (i >= 16 && i < 24)) ? groupID : groupID + 8;
    unsigned col = threadID_in_group * 8 + (i & 0x7) + (i < 16 ? 0 : 32);
    return {row, col};
  }
  if (form.k == 128) // .b1 m16n8k128: a0..a63
    return {i < 32 ? groupID : groupID + 8, threadID_in_group * 32 + (i & 0x1f)};
  // .b1 m16n8k256: a0..a127
  unsigned row = (i < 32 || (i >= 64 && i < 96)) ? groupID : groupID + 8;
  unsigned col = threadID_in_group * 32 + (i & 0x1f) + (i < 64 ? 0 : 128);
  return {row, col};
}

RowCol layoutB(const Form &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  unsigned bits = bitsOf(form.b);
  if (form.m == 8) {
    if (bits == 64)
      return {threadID_in_group, groupID};
    return {threadID_in_group * (32 / bits) + i, groupID};
  }
  if (form.b == Type::TF32 || form.b == Type::F64) {
    if (form.k == 4) // b0
      return {threadID_in_group, groupID};
    if (form.k == 8) // b0, b1
      return {i == 0 ? threadID_in_group : threadID_in_group + 4, groupID};
    return {threadID_in_group + 4 * i, groupID}; // m16n8k16 .f64: b0..b3
  }
  if (bits == 16) {
    if (form.k == 8) // b0, b1
      return {threadID_in_group * 2 + i, groupID};
    return {threadID_in_group * 2 + (i & 0x1) + (i < 2 ? 0 : 8), groupID}; // b0..b3
  }
  if (bits == 8) {
    if (form.k == 16) // b0..b3
      return {threadID_in_group * 4 + i, groupID};
    return {threadID_in_group * 4 + (i & 0x3) + (i < 4 ? 0 : 16), groupID}; // b0..b7
  }
  if (bits == 4) {
    if (form.k == 32) // b0..b7
      return {threadID_in_group * 8 + i, groupID};
    return {threadID_in_group * 8 + (i & 0x7) + (i < 8 ? 0 : 32), groupID}; // b0..b15
  }
  if (form.k == 128) // .b1 b0..b31
    return {threadID_in_group * 32 + i, groupID};
  return {threadID_in_group * 32 + (i & 0x1f) + (i < 32 ? 0 : 128), groupID}; // b0..b63
}

RowCol layoutC(const Form &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  if (form.m == 8) // c0, c1
    return {groupID, threadID_in_group * 2 + i};
  return {i < 2 ? groupID : groupID + 8, threadID_in_group * 2 + (i & 0x1)}; // c0..c3
}

std::string fragmentList(char name, unsigned count) {
  std::string list = "{";
  for (unsigned i = 0; i < count; ++i)
    list += std::string(i ? ", " : "") + "%" + name + std::to_string(i);
  return list + "}";
}

// Each thread loads its A, B, C registers (one 8-byte slot each) from in[tid * slots], runs the
// mma and stores its D registers to out[tid * dRegisters] (8-byte slots).
std::string mmaKernel(const Form &form, const std::string &instruction, unsigned na, unsigned nb,
                      unsigned nc, unsigned nd) {
  std::string body = header(form.sm, form.version) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<8>;
  .reg .)" + registerType(form.a) +
                     " %a<" + std::to_string(na) + ">;\n  .reg ." + registerType(form.b) + " %b<" +
                     std::to_string(nb) + ">;\n  .reg ." + registerType(form.c) + " %c<" +
                     std::to_string(nc) + ">;\n  .reg ." + registerType(form.d) + " %d<" +
                     std::to_string(nd) + ">;\n" + R"(
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mul.wide.u32 %rd3, %r0, )" +
                     std::to_string(8 * (na + nb + nc)) + R"(;
  add.s64 %rd4, %rd1, %rd3;
  mul.wide.u32 %rd3, %r0, )" +
                     std::to_string(8 * nd) + R"(;
  add.s64 %rd5, %rd2, %rd3;
)";
  unsigned slot = 0;
  auto load = [&](char name, unsigned count, Type type) {
    for (unsigned i = 0; i < count; ++i, ++slot)
      body += "  ld.global." + std::string(registerType(type)) + " %" + name + std::to_string(i) +
              ", [%rd4+" + std::to_string(8 * slot) + "];\n";
  };
  load('a', na, form.a);
  load('b', nb, form.b);
  load('c', nc, form.c);
  body += "  " + instruction + " " + fragmentList('d', nd) + ", " + fragmentList('a', na) + ", " +
          fragmentList('b', nb) + ", " + fragmentList('c', nc) + ";\n";
  for (unsigned i = 0; i < nd; ++i)
    body += "  st.global." + std::string(registerType(form.d)) + " [%rd5+" + std::to_string(8 * i) +
            "], %d" + std::to_string(i) + ";\n";
  return body + "  ret;\n}\n";
}

std::string instructionOf(const Form &form) {
  return "mma.sync.aligned.m" + std::to_string(form.m) + "n" + std::to_string(form.n) + "k" +
         std::to_string(form.k) + ".row.col" + (form.satfinite ? ".satfinite" : "") + "." +
         typeName(form.d) + "." + typeName(form.a) + "." + typeName(form.b) + "." +
         typeName(form.c) +
         (form.a != Type::B1 ? ""
          : form.andPopc     ? ".and.popc"
                             : ".xor.popc");
}

void checkMma(const Form &form, unsigned warps) {
  const std::string instruction = instructionOf(form);
  std::mt19937_64 random = randomFor(instruction + std::to_string(warps));
  const unsigned aElements = form.m * form.k / 32, bElements = form.k * form.n / 32;
  const unsigned cElements = form.m * form.n / 32;
  const unsigned na = registersOf(aElements, form.a), nb = registersOf(bElements, form.b);
  const unsigned nc = registersOf(cElements, form.c), nd = registersOf(cElements, form.d);
  for (int round = 0; round < 4; ++round) {
    Launch launch;
    launch.ptx = mmaKernel(form, instruction, na, nb, nc, nd);
    launch.block = {32 * warps, 1, 1};
    launch.outSize = size_t(32 * warps) * nd * 8;
    std::vector<std::vector<uint64_t>> expected(32 * warps, std::vector<uint64_t>(nd, 0));
    for (unsigned warp = 0; warp < warps; ++warp) {
      std::vector<Drawn> a(form.m * form.k), b(form.k * form.n), c(form.m * form.n);
      for (Drawn &x : a)
        x = draw(form.a, random);
      for (Drawn &x : b)
        x = draw(form.b, random);
      for (Drawn &x : c)
        x = draw(form.c, random);
      for (unsigned lane = 0; lane < 32; ++lane) {
        std::vector<uint64_t> ra(na, 0), rb(nb, 0), rc(nc, 0);
        for (unsigned i = 0; i < aElements; ++i) {
          RowCol at = layoutA(form, lane, i);
          packInto(ra, form.a, i, a[at.row * form.k + at.col].bits);
        }
        for (unsigned i = 0; i < bElements; ++i) {
          RowCol at = layoutB(form, lane, i);
          packInto(rb, form.b, i, b[at.row * form.n + at.col].bits);
        }
        for (unsigned i = 0; i < cElements; ++i) {
          RowCol at = layoutC(form, lane, i);
          packInto(rc, form.c, i, c[at.row * form.n + at.col].bits);
        }
        for (uint64_t r : ra)
          launch.in.push(r);
        for (uint64_t r : rb)
          launch.in.push(r);
        for (uint64_t r : rc)
          launch.in.push(r);
        for (unsigned i = 0; i < cElements; ++i) {
          RowCol at = layoutC(form, lane, i);
          double real = c[at.row * form.n + at.col].real;
          int64_t integer = c[at.row * form.n + at.col].integer;
          for (unsigned k = 0; k < form.k; ++k) {
            real += a[at.row * form.k + k].real * b[k * form.n + at.col].real;
            int64_t x = a[at.row * form.k + k].integer, y = b[k * form.n + at.col].integer;
            if (form.a == Type::B1) // the popc of the AND / XOR of A's row and B's column
              integer += form.andPopc ? (x & y) : (x ^ y);
            else
              integer += x * y;
          }
          packInto(expected[warp * 32 + lane], form.d, i,
                   encodeResult(form.d, real, integer, form.satfinite));
        }
      }
    }
    Bytes out = runOk(launch);
    for (unsigned t = 0; t < 32 * warps; ++t)
      for (unsigned r = 0; r < nd; ++r) {
        uint64_t got = out.at<uint64_t>((t * nd + r) * 8);
        if (bitsOf(form.d) != 64)
          got &= 0xffffffffu;
        EXPECT_EQ(got, expected[t][r]) << instruction << " thread " << t << " register d" << r;
      }
  }
}

constexpr unsigned kOneWarp = 1, kThreeWarps = 3;

PTX_CASE(MatrixMma, M16N8K16F32F16) {
  checkMma({16, 8, 16, Type::F32, Type::F16, Type::F16, Type::F32}, kOneWarp);
  checkMma({16, 8, 16, Type::F32, Type::F16, Type::F16, Type::F32}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K16F16F16) {
  checkMma({16, 8, 16, Type::F16, Type::F16, Type::F16, Type::F16}, kOneWarp);
  checkMma({16, 8, 16, Type::F16, Type::F16, Type::F16, Type::F16}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K16Bf16) {
  checkMma({16, 8, 16, Type::F32, Type::BF16, Type::BF16, Type::F32}, kOneWarp);
  checkMma({16, 8, 16, Type::F32, Type::BF16, Type::BF16, Type::F32}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K8F16) {
  checkMma({16, 8, 8, Type::F32, Type::F16, Type::F16, Type::F32}, kOneWarp);
  checkMma({16, 8, 8, Type::F16, Type::F16, Type::F16, Type::F16}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K8Bf16) {
  checkMma({16, 8, 8, Type::F32, Type::BF16, Type::BF16, Type::F32}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K8Tf32) {
  checkMma({16, 8, 8, Type::F32, Type::TF32, Type::TF32, Type::F32}, kOneWarp);
  checkMma({16, 8, 8, Type::F32, Type::TF32, Type::TF32, Type::F32}, kThreeWarps);
}
PTX_CASE(MatrixMma, M8N8K4F64) {
  checkMma({8, 8, 4, Type::F64, Type::F64, Type::F64, Type::F64}, kOneWarp);
  checkMma({8, 8, 4, Type::F64, Type::F64, Type::F64, Type::F64}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K32Integer) {
  for (Type a : {Type::S8, Type::U8})
    for (Type b : {Type::S8, Type::U8})
      for (bool satfinite : {false, true})
        checkMma({16, 8, 32, Type::S32, a, b, Type::S32, satfinite}, kThreeWarps);
}
PTX_CASE(MatrixMma, M16N8K16Integer) {
  for (Type a : {Type::S8, Type::U8})
    for (Type b : {Type::S8, Type::U8})
      for (bool satfinite : {false, true})
        checkMma({16, 8, 16, Type::S32, a, b, Type::S32, satfinite}, kOneWarp);
}

PTX_CASE(MatrixMma, M16N8K4Tf32) {
  checkMma({16, 8, 4, Type::F32, Type::TF32, Type::TF32, Type::F32}, kOneWarp);
  checkMma({16, 8, 4, Type::F32, Type::TF32, Type::TF32, Type::F32}, kThreeWarps);
}
// The sm_90 f64 shapes (PTX 7.8).
PTX_CASE(MatrixMma, F64Sm90Shapes) {
  for (unsigned k : {4u, 8u, 16u})
    checkMma({16, 8, k, Type::F64, Type::F64, Type::F64, Type::F64, false, false, 90, "7.8"},
             kThreeWarps);
}
PTX_CASE(MatrixMma, M8N8K16Integer) {
  for (Type a : {Type::S8, Type::U8})
    for (Type b : {Type::S8, Type::U8})
      for (bool satfinite : {false, true})
        checkMma({8, 8, 16, Type::S32, a, b, Type::S32, satfinite}, kThreeWarps);
}
// .s4 / .u4: m8n8k32 (sm_75), m16n8k32 and m16n8k64 (sm_80).
PTX_CASE(MatrixMma, SubByteInteger) {
  for (unsigned shape = 0; shape < 3; ++shape)
    for (Type a : {Type::S4, Type::U4})
      for (Type b : {Type::S4, Type::U4})
        for (bool satfinite : {false, true}) {
          unsigned m = shape == 0 ? 8 : 16, k = shape == 2 ? 64 : 32;
          checkMma({m, 8, k, Type::S32, a, b, Type::S32, satfinite}, kThreeWarps);
        }
}
// .b1 with .xor.popc and .and.popc: m8n8k128, m16n8k128, m16n8k256.
PTX_CASE(MatrixMma, SingleBit) {
  for (unsigned shape = 0; shape < 3; ++shape)
    for (bool andPopc : {false, true}) {
      unsigned m = shape == 0 ? 8 : 16, k = shape == 2 ? 256 : 128;
      checkMma({m, 8, k, Type::S32, Type::B1, Type::B1, Type::S32, false, andPopc}, kThreeWarps);
    }
}
// .e4m3 / .e5m2 (sm_89): m16n8k32 (PTX 8.4 with f32 accumulators, 8.7 with f16 ones) and
// m16n8k16 (PTX 8.7); d and c have the same type.
PTX_CASE(MatrixMma, Fp8) {
  for (Type a : {Type::E4M3, Type::E5M2})
    for (Type b : {Type::E4M3, Type::E5M2}) {
      checkMma({16, 8, 32, Type::F32, a, b, Type::F32, false, false, 89, "8.4"}, kThreeWarps);
      checkMma({16, 8, 32, Type::F16, a, b, Type::F16, false, false, 89, "8.7"}, kOneWarp);
      checkMma({16, 8, 16, Type::F32, a, b, Type::F32, false, false, 89, "8.7"}, kOneWarp);
      checkMma({16, 8, 16, Type::F16, a, b, Type::F16, false, false, 89, "8.7"}, kOneWarp);
    }
}

// An invalid form is refused at load with a diagnostic naming mma (ptxas refuses it too).
void expectRefused(const std::string &instruction) {
  Launch launch;
  launch.ptx = invalidOnPurpose(header(80) +
                                ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                                "  .reg .b32 %r<4>;\n  .reg .f32 %f<8>;\n  " +
                                instruction + "\n  ret;\n}\n");
  launch.block = {32, 1, 1};
  Outcome outcome = run(launch);
  EXPECT_FALSE(outcome.loaded) << instruction;
  EXPECT_NE(outcome.message.find("mma"), std::string::npos) << outcome.message;
}

// Forms the ISA does not define: .satfinite on a float form, .b1 without its bit operation,
// .satfinite on .b1, d and c of different types (ptxas takes an .f32 D from an .f16 C for
// m8n8k4 .f16 only), layouts other than .row.col but for m8n8k4 .f16.
PTX_CASE(MatrixMma, InvalidFormsRejected) {
  for (const char *instruction :
       {"mma.sync.aligned.m16n8k16.row.col.satfinite.f32.f16.f16.f32 {%f0, %f1, %f2, %f3}, {%r0, "
        "%r1, %r2, %r3}, {%r0, %r1}, {%f0, %f1, %f2, %f3};",
        "mma.sync.aligned.m16n8k128.row.col.s32.b1.b1.s32 {%r0, %r1, %r2, %r3}, {%r0, %r1}, "
        "{%r0}, {%r0, %r1, %r2, %r3};",
        "mma.sync.aligned.m8n8k128.row.col.satfinite.s32.b1.b1.s32.and.popc {%r0, %r1}, {%r0}, "
        "{%r1}, {%r0, %r1};",
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f16 {%f0, %f1, %f2, %f3}, {%r0, %r1, %r2, "
        "%r3}, {%r0, %r1}, {%r2, %r3};",
        "mma.sync.aligned.m16n8k8.row.col.f16.f16.f16.f32 {%r0, %r1}, {%r0, %r1}, {%r2}, {%f0, "
        "%f1, %f2, %f3};",
        "mma.sync.aligned.m8n8k4.row.col.f16.f16.f16.f32 {%r0, %r1, %r2, %r3}, {%r0, %r1}, "
        "{%r2, %r3}, {%f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7};",
        "mma.sync.aligned.m16n8k16.col.row.f32.f16.f16.f32 {%f0, %f1, %f2, %f3}, {%r0, %r1, %r2, "
        "%r3}, {%r0, %r1}, {%f0, %f1, %f2, %f3};"})
    expectRefused(instruction);
}

} // namespace
} // namespace cuport::conformance
