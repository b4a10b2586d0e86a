// f16 and bf16 arithmetic, scalar and packed (x2), every form of PTX ISA 9.0 (9.7.4): add, sub,
// mul ({.rn}, .ftz, .sat), fma (.rn, .ftz, .sat, .relu, .oob), neg and abs (.ftz) over every
// input, min and max (.ftz, .NaN, .xorsign.abs); the forms the ISA does not define are rejected.
// bf16 fma also takes .rz, .rm and .rp, which ptxas assembles though the ISA's syntax lists .rn
// only: the exact a * b + c rounded in that direction.
// The reference computes the exact result in long double (an exact sum error from TwoSum where
// the sum itself is not exact) and rounds it to the format by choosing between the neighbouring
// representable values (float_support.h).
#include "tests/ptx/cases/float_support.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

using namespace floats;

struct Format {
  const char *type; // f16 or bf16
  const NarrowFormat &narrow;
  uint16_t quietNaN() const { return 0x7fff; } // the canonical NaN of both formats
};
const Format kF16{"f16", kHalf}, kBF16{"bf16", kBfloat};

// Arithmetic NaN results may carry any payload; min/max and .relu give the canonical 0x7fff.
constexpr uint16_t kAnyNaN = 0x7fc1; // a NaN in both formats
// The OOB-NaN of tensor copies (PTX ISA 5.5.3.3) that fma.oob turns into +0.0. The ISA gives no
// encoding; 0x7ff7 is the one reported for Hopper's tensor copies.
constexpr uint16_t kOobNaN = 0x7ff7;

bool isNaN(const Format &f, uint16_t bits) {
  return f.narrow.isNaN(bits);
}
bool isInf(const Format &f, uint16_t bits) {
  return (bits & 0x7fff) == f.narrow.infinity();
}
long double valueOf(const Format &f, uint16_t bits) {
  if (isNaN(f, bits))
    return NAN;
  if (isInf(f, bits))
    return bits & 0x8000 ? -INFINITY : INFINITY;
  return f.narrow.value(bits);
}
uint16_t flush(const Format &f, uint16_t bits) {
  bool subnormal = (bits & f.narrow.infinity()) == 0;
  return subnormal ? bits & 0x8000 : bits;
}

// Rounds hi + lo (lo the exact error of hi, |lo| <= half an ulp of hi in long double) to nearest
// even. When hi lies on a rounding boundary of the format, the sign of lo decides the side.
uint16_t roundPair(const Format &f, long double hi, long double lo) {
  if (std::isnan(hi))
    return kAnyNaN;
  if (std::isinf(hi))
    return uint16_t((hi < 0 ? f.narrow.signBit() : 0) | f.narrow.infinity());
  uint32_t down = f.narrow.round(hi, Mode::rz), up = f.narrow.round(hi, Mode::rp);
  if (hi < 0)
    up = f.narrow.round(hi, Mode::rm);
  bool onBoundary =
      down == up || (up != (f.narrow.infinity() | (hi < 0 ? f.narrow.signBit() : 0)) &&
                     f.narrow.value(down) + f.narrow.value(up) == 2 * hi);
  if (lo != 0 && onBoundary)
    hi = std::nextafter(hi, lo > 0 ? INFINITY : -INFINITY);
  if (hi == 0 && lo == 0 && std::signbit(hi))
    return uint16_t(f.narrow.signBit());
  return uint16_t(f.narrow.round(hi, Mode::rn));
}

// Exact a + b as a pair (TwoSum in long double).
uint16_t roundedSum(const Format &f, long double a, long double b) {
  volatile long double s = a + b;
  long double bb = s - a;
  long double err = (a - (s - bb)) + (b - bb);
  if (std::isinf(s) || std::isnan(s))
    err = 0;
  return roundPair(f, s, err);
}

// a + b (finite or infinite) rounded in a directed mode. When TwoSum's sum s is inexact, the exact
// sum lies strictly between s and its long double neighbour on the error's side, and no value of
// the format lies strictly between those two: rounding down the lower one, up the upper one, or
// toward zero the one nearer zero gives the exact sum's rounding.
uint16_t directedSum(const Format &f, long double a, long double b, Mode mode) {
  volatile long double s = a + b;
  long double bb = s - a;
  long double err = (a - (s - bb)) + (b - bb);
  if (std::isnan(s))
    return kAnyNaN;
  if (std::isinf(s))
    return uint16_t((s < 0 ? f.narrow.signBit() : 0) | f.narrow.infinity());
  if (s == 0) { // exact: two zeros keep a common sign, any other zero sum is -0.0 only for .rm
    bool negative =
        a == 0 && b == 0 && std::signbit(a) == std::signbit(b) ? std::signbit(a) : mode == Mode::rm;
    return negative ? uint16_t(f.narrow.signBit()) : 0;
  }
  long double sum = s;
  if (err != 0) {
    long double other = std::nextafter(sum, err > 0 ? INFINITY : -INFINITY);
    long double lower = std::min(sum, other), upper = std::max(sum, other);
    sum = mode == Mode::rm   ? lower
          : mode == Mode::rp ? upper
                             : (std::fabs(lower) < std::fabs(upper) ? lower : upper);
  }
  return uint16_t(f.narrow.round(sum, mode));
}

enum class Op {
  add,
  sub,
  mul,
  fma,
  fmaRelu,
  fmaOob,
  fmaOobRelu,
  neg,
  abs,
  min,
  max,
  minNaN,
  maxNaN,
  minXor,
  maxXor,
  minNaNXor,
  maxNaNXor
};
struct Instruction {
  Op op;
  const char *text; // the mnemonic without the type
  int arity;
  Mode rounding = Mode::rn; // fma's
};

uint16_t reference(const Format &f, Op op, uint16_t a, uint16_t b, uint16_t c, bool ftz, bool sat,
                   Mode rounding) {
  if (ftz) {
    a = flush(f, a);
    b = flush(f, b);
    c = flush(f, c);
  }
  long double x = valueOf(f, a), y = valueOf(f, b), z = valueOf(f, c);
  uint16_t result = 0;
  auto minMax = [&](bool isMin, bool nan, bool xorsign) -> uint16_t {
    uint16_t p = a, q = b;
    if (xorsign) {
      p &= 0x7fff;
      q &= 0x7fff;
    }
    long double u = valueOf(f, p), v = valueOf(f, q);
    uint16_t r;
    if ((std::isnan(u) && std::isnan(v)) || (nan && (std::isnan(u) || std::isnan(v))))
      return f.quietNaN();
    if (std::isnan(u))
      r = q;
    else if (std::isnan(v))
      r = p;
    else if (u == v)
      r = isMin == bool(p & 0x8000) ? p : q; // -0.0 is the smaller zero
    else
      r = (isMin ? u < v : u > v) ? p : q;
    if (xorsign)
      r = uint16_t((r & 0x7fff) | ((a ^ b) & 0x8000));
    return r;
  };
  switch (op) {
  case Op::add:
    result = roundedSum(f, x, y);
    break;
  case Op::sub:
    result = roundedSum(f, x, -y);
    break;
  case Op::mul:
    result = roundPair(f, x * y, 0); // 2 x 11 bits: exact in long double
    break;
  case Op::fma:
  case Op::fmaRelu:
  case Op::fmaOob:
  case Op::fmaOobRelu:
    // .oob: +0.0 when an operand is the OOB-NaN, in each lane on its own.
    if ((op == Op::fmaOob || op == Op::fmaOobRelu) &&
        (a == kOobNaN || b == kOobNaN || c == kOobNaN))
      return 0;
    // The product of two 8- or 11-bit significands is exact in long double.
    result = rounding == Mode::rn ? roundedSum(f, x * y, z) : directedSum(f, x * y, z, rounding);
    if (op == Op::fmaRelu || op == Op::fmaOobRelu)
      result = isNaN(f, result) ? f.quietNaN() : (result & 0x8000) ? 0 : result;
    break;
  case Op::neg:
    return uint16_t((ftz ? flush(f, a) : a) ^ 0x8000);
  case Op::abs:
    return uint16_t((ftz ? flush(f, a) : a) & 0x7fff);
  case Op::min:
  case Op::max:
    result = minMax(op == Op::min, false, false);
    break;
  case Op::minNaN:
  case Op::maxNaN:
    result = minMax(op == Op::minNaN, true, false);
    break;
  case Op::minXor:
  case Op::maxXor:
    result = minMax(op == Op::minXor, false, true);
    break;
  case Op::minNaNXor:
  case Op::maxNaNXor:
    result = minMax(op == Op::minNaNXor, true, true);
    break;
  }
  if (sat) {
    long double r = valueOf(f, result);
    result = std::isnan(r) || r <= 0 ? 0
             : r >= 1                ? uint16_t(f.narrow.round(1.0L, Mode::rn))
                                     : result;
  }
  return ftz ? flush(f, result) : result;
}

// The operations that take .sat (on f16).
bool isArithmetic(Op op) {
  return op == Op::add || op == Op::sub || op == Op::mul || op == Op::fma || op == Op::fmaOob;
}

std::vector<uint16_t> halfSamples(const Format &f, const std::string &name, size_t randoms) {
  std::vector<uint16_t> values = f.narrow.exponentBits == 5 ? edgeHalves() : edgeBfloats();
  // The OOB-NaN, its negation and a neighbouring NaN: only the first one is out of bounds.
  for (uint16_t nan : {kOobNaN, uint16_t(kOobNaN | 0x8000), uint16_t(kOobNaN - 1)})
    values.push_back(nan);
  std::mt19937_64 random = randomFor(name);
  for (size_t i = 0; i < randoms; ++i)
    values.push_back(uint16_t(random()));
  return values;
}

// Runs each instruction (with the flavours the format allows) on scalar and x2 forms over `in`:
// `count` rows of three operand registers, the scalar form taking their low halves.
void checkInputs(const Format &f, const std::vector<Instruction> &instructions,
                 const std::vector<std::string> &flavours, unsigned sm, const std::string &version,
                 const Bytes &in, size_t count) {
  for (const Instruction &inst : instructions) {
    for (const std::string &flavour : flavours) {
      bool ftz = flavour.find("ftz") != std::string::npos;
      bool sat = flavour.find("sat") != std::string::npos;
      if (sat && !isArithmetic(inst.op))
        continue;
      if (ftz && (inst.op == Op::fmaRelu && sat))
        continue;
      std::string mnemonic = std::string(inst.text);
      size_t dot = mnemonic.find('.');
      std::string head = dot == std::string::npos ? mnemonic : mnemonic.substr(0, dot);
      std::string tail = dot == std::string::npos ? "" : mnemonic.substr(dot);
      std::string full = head + tail + flavour + "." + f.type;
      std::string body = "ld.global.b32 %r5, [%rd4];\nld.global.b32 %r6, [%rd4+4];\n"
                         "ld.global.b32 %r7, [%rd4+8];\n"
                         "mov.b32 {%h1, %h4}, %r5;\nmov.b32 {%h2, %h5}, %r6;\n"
                         "mov.b32 {%h3, %h6}, %r7;\n";
      const char *scalarOperands[] = {"", "%h1", "%h1, %h2", "%h1, %h2, %h3"};
      const char *pairOperands[] = {"", "%r5", "%r5, %r6", "%r5, %r6, %r7"};
      body += full + " %h7, " + scalarOperands[inst.arity] + ";\nst.global.b16 [%rd6], %h7;\n";
      body += full + "x2 %r8, " + pairOperands[inst.arity] + ";\nst.global.b32 [%rd6+4], %r8;\n";
      Bytes out = runElementwise(body, in, count, 12, 8, sm, version);
      int failures = 0;
      for (size_t e = 0; e < count; ++e) {
        uint32_t a = in.at<uint32_t>(e * 12), b = in.at<uint32_t>(e * 12 + 4),
                 c = in.at<uint32_t>(e * 12 + 8);
        auto want = [&](uint32_t x, uint32_t y, uint32_t z) {
          return reference(f, inst.op, uint16_t(x), uint16_t(y), uint16_t(z), ftz, sat,
                           inst.rounding);
        };
        uint16_t wants[3] = {want(a, b, c), want(a, b, c), want(a >> 16, b >> 16, c >> 16)};
        uint16_t gots[3] = {out.at<uint16_t>(e * 8), out.at<uint16_t>(e * 8 + 4),
                            out.at<uint16_t>(e * 8 + 6)};
        for (int k = 0; k < 3; ++k) {
          bool same = gots[k] == wants[k] ||
                      (isNaN(f, gots[k]) && isNaN(f, wants[k]) && wants[k] != f.quietNaN());
          if (!same && ++failures <= 10)
            ADD_FAILURE() << full << (k ? "x2 lane " + std::to_string(k - 1) : "") << " (0x"
                          << std::hex << (k == 2 ? a >> 16 : a & 0xffff) << ", 0x"
                          << (k == 2 ? b >> 16 : b & 0xffff) << ", 0x"
                          << (k == 2 ? c >> 16 : c & 0xffff) << ") gave 0x" << gots[k]
                          << ", expected 0x" << wants[k];
        }
      }
    }
  }
}

// Every pair of sample operands (edge values, NaNs and randoms) with a random third operand, then
// random registers.
void checkFormat(const Format &f, const std::vector<Instruction> &instructions,
                 const std::vector<std::string> &flavours, unsigned sm, const std::string &version,
                 const std::string &name) {
  std::vector<uint16_t> pool = halfSamples(f, name, 48);
  std::mt19937_64 random = randomFor(name + ".lanes");
  Bytes in;
  size_t count = 0;
  for (uint16_t a : pool)
    for (uint16_t b : pool) {
      // Each operand register: this element in the low lane, a random one in the high lane.
      in.push(uint32_t(a | (random() << 16))).push(uint32_t(b | (random() << 16)));
      in.push(uint32_t(pool[random() % pool.size()] | (random() << 16)));
      ++count;
    }
  for (size_t i = 0; i < kRandomSamples; ++i, ++count)
    in.push(uint32_t(random())).push(uint32_t(random())).push(uint32_t(random()));
  checkInputs(f, instructions, flavours, sm, version, in, count);
}

// Unary forms over every 16-bit input, in the scalar form and in both lanes of the x2 form.
void checkEveryInput(const Format &f, const std::vector<Instruction> &instructions,
                     const std::vector<std::string> &flavours, unsigned sm,
                     const std::string &version) {
  Bytes in;
  for (uint32_t v = 0; v < 0x10000; ++v) // the high lane sees every value too, in another order
    in.push(uint32_t(v | ((v ^ 0xa5a5) << 16))).push(uint32_t(0)).push(uint32_t(0));
  checkInputs(f, instructions, flavours, sm, version, in, 0x10000);
}

PTX_CASE(FloatHalf, F16Arithmetic) {
  // Without a rounding modifier add, sub and mul round to nearest even as with .rn.
  checkFormat(kF16,
              {{Op::add, "add.rn", 2},
               {Op::sub, "sub.rn", 2},
               {Op::mul, "mul.rn", 2},
               {Op::add, "add", 2},
               {Op::sub, "sub", 2},
               {Op::mul, "mul", 2},
               {Op::fma, "fma.rn", 3}},
              {"", ".ftz", ".sat", ".ftz.sat"}, 75, "8.0", "FloatHalf.F16Arithmetic");
}

PTX_CASE(FloatHalf, F16FmaRelu) {
  checkFormat(kF16, {{Op::fmaRelu, "fma.rn.relu", 3}}, {"", ".ftz"}, 80, "8.0",
              "FloatHalf.F16FmaRelu");
}

// .oob (sm_90, PTX 8.1) takes .relu, or .sat on f16, but not .ftz.
PTX_CASE(FloatHalf, F16FmaOob) {
  checkFormat(kF16, {{Op::fmaOob, "fma.rn.oob", 3}, {Op::fmaOobRelu, "fma.rn.oob.relu", 3}},
              {"", ".sat"}, 90, "8.1", "FloatHalf.F16FmaOob");
}

PTX_CASE(FloatHalf, F16NegAbsEveryInput) {
  checkEveryInput(kF16, {{Op::neg, "neg", 1}, {Op::abs, "abs", 1}}, {"", ".ftz"}, 75, "8.0");
}

PTX_CASE(FloatHalf, F16MinMax) {
  checkFormat(kF16,
              {{Op::min, "min", 2},
               {Op::max, "max", 2},
               {Op::minNaN, "min.NaN", 2},
               {Op::maxNaN, "max.NaN", 2},
               {Op::minXor, "min.xorsign.abs", 2},
               {Op::maxXor, "max.xorsign.abs", 2},
               {Op::minNaNXor, "min.NaN.xorsign.abs", 2},
               {Op::maxNaNXor, "max.NaN.xorsign.abs", 2}},
              {"", ".ftz"}, 86, "7.2", "FloatHalf.F16MinMax");
}

PTX_CASE(FloatHalf, Bf16Arithmetic) {
  checkFormat(kBF16,
              {{Op::add, "add.rn", 2},
               {Op::sub, "sub.rn", 2},
               {Op::mul, "mul.rn", 2},
               {Op::add, "add", 2},
               {Op::sub, "sub", 2},
               {Op::mul, "mul", 2},
               {Op::fma, "fma.rn", 3},
               {Op::fmaRelu, "fma.rn.relu", 3}},
              {""}, 90, "7.8", "FloatHalf.Bf16Arithmetic");
}

PTX_CASE(FloatHalf, Bf16FmaOob) {
  checkFormat(kBF16, {{Op::fmaOob, "fma.rn.oob", 3}, {Op::fmaOobRelu, "fma.rn.oob.relu", 3}}, {""},
              90, "8.1", "FloatHalf.Bf16FmaOob");
}

PTX_CASE(FloatHalf, Bf16FmaDirected) {
  checkFormat(kBF16,
              {{Op::fma, "fma.rz", 3, Mode::rz},
               {Op::fma, "fma.rm", 3, Mode::rm},
               {Op::fma, "fma.rp", 3, Mode::rp},
               {Op::fmaRelu, "fma.rz.relu", 3, Mode::rz},
               {Op::fmaRelu, "fma.rm.relu", 3, Mode::rm},
               {Op::fmaRelu, "fma.rp.relu", 3, Mode::rp}},
              {""}, 80, "7.0", "FloatHalf.Bf16FmaDirected");
}

PTX_CASE(FloatHalf, Bf16FmaOobDirected) {
  checkFormat(kBF16,
              {{Op::fmaOob, "fma.rz.oob", 3, Mode::rz},
               {Op::fmaOob, "fma.rm.oob", 3, Mode::rm},
               {Op::fmaOob, "fma.rp.oob", 3, Mode::rp},
               {Op::fmaOobRelu, "fma.rz.oob.relu", 3, Mode::rz},
               {Op::fmaOobRelu, "fma.rm.oob.relu", 3, Mode::rm},
               {Op::fmaOobRelu, "fma.rp.oob.relu", 3, Mode::rp}},
              {""}, 90, "8.1", "FloatHalf.Bf16FmaOobDirected");
}

PTX_CASE(FloatHalf, Bf16NegAbsEveryInput) {
  checkEveryInput(kBF16, {{Op::neg, "neg", 1}, {Op::abs, "abs", 1}}, {""}, 80, "7.0");
}

PTX_CASE(FloatHalf, Bf16MinMax) {
  checkFormat(kBF16,
              {{Op::min, "min", 2},
               {Op::max, "max", 2},
               {Op::minNaN, "min.NaN", 2},
               {Op::maxNaN, "max.NaN", 2},
               {Op::minXor, "min.xorsign.abs", 2},
               {Op::maxXor, "max.xorsign.abs", 2},
               {Op::minNaNXor, "min.NaN.xorsign.abs", 2},
               {Op::maxNaNXor, "max.NaN.xorsign.abs", 2}},
              {""}, 86, "7.2", "FloatHalf.Bf16MinMax");
}

// Forms PTX ISA 9.0 does not define (ptxas rejects each of them): other roundings, .ftz and
// .sat on bf16, fma without .rn, .relu with .sat or off fma, .oob with .ftz or on bf16 with
// .sat, .sat or a rounding on neg, abs, min and max, .xorsign or .abs alone.
PTX_CASE(FloatHalf, RejectedForms) {
  for (const char *form : {"add.rz.f16 %h7, %h1, %h2;",
                           "sub.rm.f16x2 %r8, %r5, %r6;",
                           "mul.rp.bf16 %h7, %h1, %h2;",
                           "add.ftz.bf16 %h7, %h1, %h2;",
                           "sub.sat.bf16x2 %r8, %r5, %r6;",
                           "mul.ftz.bf16 %h7, %h1, %h2;",
                           "fma.f16 %h7, %h1, %h2, %h3;",
                           "fma.bf16x2 %r8, %r5, %r6, %r7;",
                           "fma.rz.f16 %h7, %h1, %h2, %h3;",
                           "fma.rn.sat.relu.f16 %h7, %h1, %h2, %h3;",
                           "fma.rn.sat.bf16 %h7, %h1, %h2, %h3;",
                           "fma.rn.ftz.bf16 %h7, %h1, %h2, %h3;",
                           "fma.rn.oob.ftz.f16 %h7, %h1, %h2, %h3;",
                           "fma.rn.oob.sat.bf16 %h7, %h1, %h2, %h3;",
                           "fma.rn.oob.relu.sat.f16x2 %r8, %r5, %r6, %r7;",
                           "add.rn.relu.f16 %h7, %h1, %h2;",
                           "mul.rn.relu.bf16 %h7, %h1, %h2;",
                           "add.oob.f16 %h7, %h1, %h2;",
                           "neg.ftz.bf16 %h7, %h1;",
                           "abs.ftz.bf16x2 %r8, %r5;",
                           "neg.rn.f16 %h7, %h1;",
                           "abs.sat.f16 %h7, %h1;",
                           "neg.relu.f16 %h7, %h1;",
                           "min.ftz.bf16 %h7, %h1, %h2;",
                           "max.rn.f16 %h7, %h1, %h2;",
                           "min.relu.f16 %h7, %h1, %h2;",
                           "min.sat.f16 %h7, %h1, %h2;",
                           "min.xorsign.f16 %h7, %h1, %h2;",
                           "max.abs.f16 %h7, %h1, %h2;",
                           "min.oob.f16 %h7, %h1, %h2;"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(
        elementwiseKernel(std::string("ld.global.b16 %h1, [%rd4];\n") +
                              "ld.global.b16 %h2, [%rd4];\nld.global.b16 %h3, [%rd4];\n" +
                              "ld.global.b32 %r5, [%rd4];\nld.global.b32 %r6, [%rd4];\n" +
                              "ld.global.b32 %r7, [%rd4];\n" + form,
                          1, 4, 4, 90, "8.1"));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << form;
    EXPECT_NE(outcome.message.find("unsupported"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
