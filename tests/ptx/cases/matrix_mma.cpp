// mma.sync.aligned (sm_80): m16n8k16 and m16n8k8 with f16 (f16 or f32 accumulators), bf16 and
// tf32 inputs, m8n8k4 f64, m16n8k16 and m16n8k32 with s8/u8 inputs (wrapping and .satfinite).
// The host reference draws whole matrices, hands each lane the elements the PTX ISA's "Matrix
// fragments for mma.m16n8k*" / "mma.m8n8k4" sections assign to it, and computes D exactly.
//
// The floating-point inputs are drawn so that every sum is exact in double (bounded exponent
// range), so D rounded once from the exact result is what any accumulation order yields; cuport
// documents that it rounds once (backends/cpu/matrix_collectives.cpp). tf32 inputs carry random
// low 13 bits, which are not part of a .tf32 value and must be ignored.
#include "tests/ptx/conformance.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>

namespace cuport::conformance {
namespace {

enum class Type { F16, BF16, TF32, F32, F64, S8, U8, S32 };

const char *typeName(Type type) {
  switch (type) {
  case Type::F16:
    return "f16";
  case Type::BF16:
    return "bf16";
  case Type::TF32:
    return "tf32";
  case Type::F32:
    return "f32";
  case Type::F64:
    return "f64";
  case Type::S8:
    return "s8";
  case Type::U8:
    return "u8";
  default:
    return "s32";
  }
}

unsigned bitsOf(Type type) {
  switch (type) {
  case Type::F16:
  case Type::BF16:
    return 16;
  case Type::S8:
  case Type::U8:
    return 8;
  case Type::F64:
    return 64;
  default:
    return 32;
  }
}

struct Form {
  unsigned m, n, k;
  Type d, a, b, c;
  bool satfinite = false;
};

// The ISA's fragment layouts, written out as in its tables: groupID = laneid >> 2,
// threadID_in_group = laneid % 4; element i of the lane's fragment (a_i, b_i, c_i).
struct RowCol {
  unsigned row, col;
};

RowCol layoutA(const Form &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  if (form.m == 8) // m8n8k4 .f64: row = groupID, col = threadID_in_group
    return {groupID, threadID_in_group};
  if (form.a == Type::TF32) { // m16n8k8 .tf32: a0..a3
    unsigned row = (i == 0 || i == 2) ? groupID : groupID + 8;
    unsigned col = i < 2 ? threadID_in_group : threadID_in_group + 4;
    return {row, col};
  }
  if (bitsOf(form.a) == 16) {
    if (form.k == 8) // a0..a3
      return {i < 2 ? groupID : groupID + 8, threadID_in_group * 2 + (i & 0x1)};
    // m16n8k16: a0..a7
    unsigned row = (i < 2 || (i >= 4 && i < 6)) ? groupID : groupID + 8;
    unsigned col = threadID_in_group * 2 + (i & 0x1) + (i < 4 ? 0 : 8);
    return {row, col};
  }
  if (form.k == 16) // .s8/.u8 m16n8k16: a0..a7
    return {i < 4 ? groupID : groupID + 8, threadID_in_group * 4 + (i & 0x3)};
  // .s8/.u8 m16n8k32: a0..a15
  unsigned row = (i < 4 || (i >= 8 && i < 12)) ? groupID : groupID + 8;
  unsigned col = threadID_in_group * 4 + (i & 0x3) + (i < 8 ? 0 : 16);
  return {row, col};
}

RowCol layoutB(const Form &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  if (form.m == 8)
    return {threadID_in_group, groupID};
  if (form.b == Type::TF32) // b0, b1
    return {i == 0 ? threadID_in_group : threadID_in_group + 4, groupID};
  if (bitsOf(form.b) == 16) {
    if (form.k == 8) // b0, b1
      return {threadID_in_group * 2 + i, groupID};
    return {threadID_in_group * 2 + (i & 0x1) + (i < 2 ? 0 : 8), groupID}; // b0..b3
  }
  if (form.k == 16) // b0..b3
    return {threadID_in_group * 4 + i, groupID};
  return {threadID_in_group * 4 + (i & 0x3) + (i < 4 ? 0 : 16), groupID}; // b0..b7
}

RowCol layoutC(const Form &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  if (form.m == 8) // c0, c1
    return {groupID, threadID_in_group * 2 + i};
  return {i < 2 ? groupID : groupID + 8, threadID_in_group * 2 + (i & 0x1)}; // c0..c3
}

double fromHalf(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f;
  double mantissa = bits & 0x3ff;
  double value = exponent == 0 ? mantissa * std::pow(2.0, -24)
                               : (1024 + mantissa) * std::pow(2.0, exponent - 25);
  return (bits & 0x8000) ? -value : value;
}

// The nearest f16 (ties to the even encoding) by search over the finite values.
uint16_t toHalf(double value) {
  static const std::vector<double> finite = [] {
    std::vector<double> values;
    for (uint32_t bits = 0; bits < 0x7c00; ++bits)
      values.push_back(fromHalf(uint16_t(bits)));
    return values;
  }();
  uint16_t sign = value < 0 ? 0x8000 : 0;
  double magnitude = std::fabs(value);
  if (magnitude >= 65520.0)
    return sign | 0x7c00;
  auto above = std::lower_bound(finite.begin(), finite.end(), magnitude);
  auto upper = uint16_t(above - finite.begin());
  if (*above == magnitude || upper == 0)
    return sign | upper;
  double up = *above - magnitude, down = magnitude - finite[upper - 1];
  if (up < down || (up == down && upper % 2 == 0))
    return sign | upper;
  return sign | uint16_t(upper - 1);
}

// A random input element as its bits and its value. Floating values have exponents in
// [-6, 1], so every product and sum of a fragment is exact in double.
struct Drawn {
  uint64_t bits;
  double real;
  int64_t integer;
};

Drawn draw(Type type, std::mt19937_64 &random) {
  auto exponent = [&] { return int(random() % 8) - 6; };
  bool negative = random() % 2;
  switch (type) {
  case Type::F16: {
    auto bits =
        uint16_t((negative ? 0x8000 : 0) | uint32_t(exponent() + 15) << 10 | (random() & 0x3ff));
    return {bits, fromHalf(bits), 0};
  }
  case Type::BF16: {
    auto bits =
        uint16_t((negative ? 0x8000 : 0) | uint32_t(exponent() + 127) << 7 | (random() & 0x7f));
    return {bits, double(std::bit_cast<float>(uint32_t(bits) << 16)), 0};
  }
  case Type::TF32: {
    auto bits = uint32_t((negative ? 0x80000000u : 0) | uint32_t(exponent() + 127) << 23 |
                         (random() & 0x7fffff));
    return {bits, double(std::bit_cast<float>(bits & 0xffffe000u)), 0};
  }
  case Type::F32: {
    auto bits = uint32_t((negative ? 0x80000000u : 0) | uint32_t(exponent() + 127) << 23 |
                         (random() & 0x7fffff));
    return {bits, double(std::bit_cast<float>(bits)), 0};
  }
  case Type::F64: {
    double value = double(int(random() % 64) - 32) / 8.0;
    return {std::bit_cast<uint64_t>(value), value, 0};
  }
  case Type::S8: {
    auto value = int8_t(random());
    return {uint8_t(value), 0, value};
  }
  case Type::U8: {
    auto value = uint8_t(random());
    return {value, 0, value};
  }
  default: { // S32: small values, or values near the ends of the range (wrap and .satfinite)
    int64_t value = random() % 2 ? int64_t(int32_t(random() % 2000000) - 1000000)
                                 : (negative ? INT32_MIN + int64_t(random() % 100000)
                                             : INT32_MAX - int64_t(random() % 100000));
    return {uint32_t(int32_t(value)), 0, value};
  }
  }
}

uint64_t encodeResult(Type type, double real, int64_t integer, bool satfinite) {
  switch (type) {
  case Type::F16:
    return toHalf(real);
  case Type::F32:
    return std::bit_cast<uint32_t>(float(real));
  case Type::F64:
    return std::bit_cast<uint64_t>(real);
  default:
    if (satfinite)
      integer = std::clamp<int64_t>(integer, INT32_MIN, INT32_MAX);
    return uint32_t(uint64_t(integer));
  }
}

// Registers of a lane's fragment of `elements` elements of `type`.
unsigned registersOf(unsigned elements, Type type) {
  return bitsOf(type) == 64 ? elements : elements * bitsOf(type) / 32;
}

const char *registerType(Type type) {
  return type == Type::F64 ? "f64" : type == Type::F32 ? "f32" : "b32";
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
  std::string body = header(80) + R"(
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
         typeName(form.c);
}

// Packs element values into a lane's registers: element i goes to register i / perRegister at
// bit offset bits * (i % perRegister) (the ISA packs .f16x2 / .s8x4 low element first).
void packInto(std::vector<uint64_t> &registers, Type type, unsigned i, uint64_t bits) {
  unsigned width = bitsOf(type);
  unsigned perRegister = width == 64 ? 1 : 32 / width;
  registers[i / perRegister] |= width == 64 ? bits : bits << (width * (i % perRegister));
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
            integer += a[at.row * form.k + k].integer * b[k * form.n + at.col].integer;
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
PTX_CASE(MatrixMma, M16N8K16MixedAccumulators) {
  checkMma({16, 8, 16, Type::F32, Type::F16, Type::F16, Type::F16}, kOneWarp);
  checkMma({16, 8, 16, Type::F16, Type::F16, Type::F16, Type::F32}, kOneWarp);
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

// Forms cuport does not implement are rejected at load, naming the instruction.
PTX_CASE(MatrixMma, UnsupportedFormsRejected) {
  for (const char *instruction :
       {"mma.sync.aligned.m8n8k4.row.col.f32.f16.f16.f32 {%f0, %f1, %f2, %f3, %f4, %f5, %f6, "
        "%f7}, {%r0, %r1}, {%r2, %r3}, {%f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7};",
        "mma.sync.aligned.m16n8k16.row.col.satfinite.f32.f16.f16.f32 {%f0, %f1, %f2, %f3}, {%r0, "
        "%r1, %r2, %r3}, {%r0, %r1}, {%f0, %f1, %f2, %f3};",
        "mma.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32 {%r0, %r1, %r2, %r3}, {%r0, %r1, %r2, "
        "%r3}, {%r0, %r1}, {%r0, %r1, %r2, %r3};"}) {
    Launch launch;
    launch.ptx = header(80) +
                 ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                 "  .reg .b32 %r<4>;\n  .reg .f32 %f<8>;\n  " +
                 std::string(instruction) + "\n  ret;\n}\n";
    launch.block = {32, 1, 1};
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("mma"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
