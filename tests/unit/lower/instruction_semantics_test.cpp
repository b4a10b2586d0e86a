// Executes single PTX instructions after lowering and compares each result with an independent
// C++ model of the PTX ISA's definition, over edge values.
#include "lower_test_support.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

namespace cuport::lower::test {
namespace {

uint64_t bits(float value) {
  return std::bit_cast<uint32_t>(value);
}
uint64_t bits(double value) {
  return std::bit_cast<uint64_t>(value);
}
float asFloat(uint64_t value) {
  return std::bit_cast<float>(static_cast<uint32_t>(value));
}
double asDouble(uint64_t value) {
  return std::bit_cast<double>(value);
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
const float kDenormal = 1e-40f;
const float kMinNormal = std::numeric_limits<float>::min();

// Register classes: r b32, d b64, h b16, f f32, F f64, p pred.
std::string registerName(char cls, int index) {
  switch (cls) {
  case 'r':
    return "%r" + std::to_string(index);
  case 'd':
    return "%rd" + std::to_string(index);
  case 'h':
    return "%rs" + std::to_string(index);
  case 'f':
    return "%f" + std::to_string(index);
  case 'F':
    return "%fd" + std::to_string(index);
  default:
    return "%p" + std::to_string(index);
  }
}

std::string storeOf(char cls, const std::string &reg, int slot) {
  std::string address = "[%rd10+" + std::to_string(8 * slot) + "]";
  switch (cls) {
  case 'r':
    return "st.global.u32 " + address + ", " + reg + ";";
  case 'd':
    return "st.global.u64 " + address + ", " + reg + ";";
  case 'h':
    return "st.global.u16 " + address + ", " + reg + ";";
  case 'f':
    return "st.global.f32 " + address + ", " + reg + ";";
  case 'F':
    return "st.global.f64 " + address + ", " + reg + ";";
  default:
    return "selp.u32 %r11, 1, 0, " + reg + ";\n st.global.u32 " + address + ", %r11;";
  }
}

// One kernel around one instruction: sources come from in[i] (8-byte slots), results go to
// out[0] ($d) and out[1] ($e). $1.. name the sources.
class InstructionKernel {
public:
  InstructionKernel(const std::string &instruction, char destination, const std::string &sources,
                    char second = 0)
      : sources_(sources.size()) {
    std::string body;
    for (size_t i = 0; i < sources.size(); ++i) {
      std::string address = "[%rd11+" + std::to_string(8 * i) + "]";
      std::string reg = registerName(sources[i], int(i) + 1);
      switch (sources[i]) {
      case 'r':
        body += "ld.global.u32 " + reg + ", " + address + ";\n";
        break;
      case 'd':
        body += "ld.global.u64 " + reg + ", " + address + ";\n";
        break;
      case 'h':
        body += "ld.global.u16 " + reg + ", " + address + ";\n";
        break;
      case 'f':
        body += "ld.global.f32 " + reg + ", " + address + ";\n";
        break;
      case 'F':
        body += "ld.global.f64 " + reg + ", " + address + ";\n";
        break;
      default:
        body += "ld.global.u32 %r" + std::to_string(6 + i) + ", " + address + ";\n";
        body += "setp.ne.b32 " + reg + ", %r" + std::to_string(6 + i) + ", 0;\n";
      }
    }
    std::string text = instruction;
    auto replace = [&](const std::string &from, const std::string &to) {
      for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1))
        text.replace(at, from.size(), to);
    };
    replace("$d", registerName(destination, 0));
    if (second)
      replace("$e", registerName(second, 5));
    for (size_t i = 0; i < sources.size(); ++i)
      replace("$" + std::to_string(i + 1), registerName(sources[i], int(i) + 1));
    body += text + ";\n" + storeOf(destination, registerName(destination, 0), 0) + "\n";
    if (second)
      body += storeOf(second, registerName(second, 5), 1) + "\n";
    std::string ptx = R"(.version 9.0
.target sm_90
.address_size 64
.visible .entry k(.param .u64 k_out, .param .u64 k_in)
{
.reg .pred %p<8>;
.reg .b16 %rs<8>;
.reg .b32 %r<12>;
.reg .b64 %rd<12>;
.reg .f32 %f<8>;
.reg .f64 %fd<8>;
ld.param.u64 %rd10, [k_out];
ld.param.u64 %rd11, [k_in];
)" + body + "ret;\n}\n";
    lowered_ = lowerText(ptx);
    if (!lowered_.module)
      ADD_FAILURE() << instruction << ": " << ::testing::PrintToString(lowered_.diagnostics) << "\n"
                    << ptx;
    else
      jit_ = std::make_unique<Jit>(lowered_);
  }

  bool ok() const { return jit_ != nullptr; }

  // Returns out[0]; out[1] goes to `second`.
  uint64_t run(std::vector<uint64_t> inputs, uint64_t *second = nullptr) {
    if (!jit_)
      return 0xdeadbeefdeadbeefull;
    inputs.resize(std::max<size_t>(inputs.size(), sources_));
    uint64_t out[2] = {0, 0};
    std::vector<uint8_t> params(16);
    uint64_t *outPointer = out;
    uint64_t *inPointer = inputs.data();
    std::memcpy(params.data(), &outPointer, 8);
    std::memcpy(params.data() + 8, &inPointer, 8);
    jit_->launch("k", params, {1, 1, 1}, {1, 1, 1});
    if (second)
      *second = out[1];
    return out[0];
  }

private:
  size_t sources_;
  Lowered lowered_;
  std::unique_ptr<Jit> jit_;
};

const std::vector<uint32_t> kWords{0u,          1u,          2u,          31u,
                                   32u,         33u,         0x7fffffffu, 0x80000000u,
                                   0x80000001u, 0xdeadbeefu, 0xffffffffu, 0x00ff00f0u};

// ---- Integer ------------------------------------------------------------------------------

TEST(IntegerSemantics, ShiftsClampAmountsAtTheWidth) {
  InstructionKernel shl("shl.b32 $d, $1, $2", 'r', "rr");
  InstructionKernel shru("shr.u32 $d, $1, $2", 'r', "rr");
  InstructionKernel shrs("shr.s32 $d, $1, $2", 'r', "rr");
  for (uint32_t value : kWords) {
    for (uint32_t amount : {0u, 1u, 7u, 31u, 32u, 33u, 100u, 0xffffffffu}) {
      SCOPED_TRACE(std::to_string(value) + " by " + std::to_string(amount));
      uint32_t left = amount >= 32 ? 0 : value << amount;
      uint32_t right = amount >= 32 ? 0 : value >> amount;
      int32_t arithmetic = static_cast<int32_t>(value) >> std::min(amount, 31u);
      EXPECT_EQ(shl.run({value, amount}), left);
      EXPECT_EQ(shru.run({value, amount}), right);
      EXPECT_EQ(static_cast<uint32_t>(shrs.run({value, amount})),
                static_cast<uint32_t>(arithmetic));
    }
  }
  InstructionKernel shl64("shl.b64 $d, $1, $2", 'd', "dr");
  InstructionKernel shrs64("shr.s64 $d, $1, $2", 'd', "dr");
  for (uint64_t value : {1ull, 0x8000000000000001ull, 0x123456789abcdefull}) {
    for (uint32_t amount : {0u, 32u, 63u, 64u, 65u, 1000u}) {
      EXPECT_EQ(shl64.run({value, amount}), amount >= 64 ? 0 : value << amount);
      EXPECT_EQ(shrs64.run({value, amount}),
                static_cast<uint64_t>(static_cast<int64_t>(value) >> std::min(amount, 63u)));
    }
  }
}

TEST(IntegerSemantics, SaturatingAddAndSubtract) {
  InstructionKernel add("add.sat.s32 $d, $1, $2", 'r', "rr");
  InstructionKernel sub("sub.sat.s32 $d, $1, $2", 'r', "rr");
  auto clamp = [](int64_t v) {
    return static_cast<uint32_t>(
        static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX)));
  };
  for (uint32_t a : kWords)
    for (uint32_t b : kWords) {
      int64_t x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
      EXPECT_EQ(add.run({a, b}), clamp(x + y)) << a << " + " << b;
      EXPECT_EQ(sub.run({a, b}), clamp(x - y)) << a << " - " << b;
    }
}

TEST(IntegerSemantics, MultiplyHighWideAndMultiplyAdd) {
  InstructionKernel hiS("mul.hi.s32 $d, $1, $2", 'r', "rr");
  InstructionKernel hiU("mul.hi.u32 $d, $1, $2", 'r', "rr");
  InstructionKernel wideS("mul.wide.s32 $d, $1, $2", 'd', "rr");
  InstructionKernel wideU("mul.wide.u32 $d, $1, $2", 'd', "rr");
  InstructionKernel madLo("mad.lo.s32 $d, $1, $2, $3", 'r', "rrr");
  InstructionKernel madWide("mad.wide.s32 $d, $1, $2, $3", 'd', "rrd");
  for (uint32_t a : kWords)
    for (uint32_t b : kWords) {
      int64_t sp = int64_t(int32_t(a)) * int64_t(int32_t(b));
      uint64_t up = uint64_t(a) * uint64_t(b);
      EXPECT_EQ(hiS.run({a, b}), uint32_t(uint64_t(sp) >> 32));
      EXPECT_EQ(hiU.run({a, b}), uint32_t(up >> 32));
      EXPECT_EQ(wideS.run({a, b}), uint64_t(sp));
      EXPECT_EQ(wideU.run({a, b}), up);
      EXPECT_EQ(madLo.run({a, b, 12345u}), uint32_t(a * b + 12345u));
      EXPECT_EQ(madWide.run({a, b, 0xfffffffffffffff0ull}), uint64_t(sp) + 0xfffffffffffffff0ull);
    }
}

TEST(IntegerSemantics, DivisionRemainderMinMaxAbs) {
  InstructionKernel divS("div.s32 $d, $1, $2", 'r', "rr");
  InstructionKernel remS("rem.s32 $d, $1, $2", 'r', "rr");
  InstructionKernel divU("div.u32 $d, $1, $2", 'r', "rr");
  InstructionKernel remU("rem.u32 $d, $1, $2", 'r', "rr");
  InstructionKernel minS("min.s32 $d, $1, $2", 'r', "rr");
  InstructionKernel maxU("max.u32 $d, $1, $2", 'r', "rr");
  InstructionKernel absS("abs.s32 $d, $1", 'r', "r");
  InstructionKernel negS("neg.s32 $d, $1", 'r', "r");
  for (int32_t a : {7, -7, 0, 100, INT32_MAX, INT32_MIN + 1})
    for (int32_t b : {1, -1, 3, -3, 7, INT32_MAX}) {
      uint32_t ua = uint32_t(a), ub = uint32_t(b);
      EXPECT_EQ(divS.run({ua, ub}), uint32_t(a / b));
      EXPECT_EQ(remS.run({ua, ub}), uint32_t(a % b));
      EXPECT_EQ(divU.run({ua, ub}), ua / ub);
      EXPECT_EQ(remU.run({ua, ub}), ua % ub);
      EXPECT_EQ(minS.run({ua, ub}), uint32_t(std::min(a, b)));
      EXPECT_EQ(maxU.run({ua, ub}), std::max(ua, ub));
    }
  for (uint32_t a : kWords) {
    int64_t magnitude = std::abs(int64_t(int32_t(a)));
    EXPECT_EQ(absS.run({a}), uint32_t(magnitude)); // abs(INT_MIN) wraps to INT_MIN
    EXPECT_EQ(negS.run({a}), uint32_t(0u - a));
  }
}

TEST(IntegerSemantics, BitCountsAndLogic) {
  InstructionKernel popc("popc.b32 $d, $1", 'r', "r");
  InstructionKernel clz("clz.b32 $d, $1", 'r', "r");
  InstructionKernel brev("brev.b32 $d, $1", 'r', "r");
  InstructionKernel cnot("cnot.b32 $d, $1", 'r', "r");
  InstructionKernel notOp("not.b32 $d, $1", 'r', "r");
  InstructionKernel bfindU("bfind.u32 $d, $1", 'r', "r");
  InstructionKernel bfindS("bfind.s32 $d, $1", 'r', "r");
  InstructionKernel bfindShift("bfind.shiftamt.u32 $d, $1", 'r', "r");
  for (uint32_t a : kWords) {
    uint32_t count = 0, leading = 32, reversed = 0;
    for (int i = 0; i < 32; ++i) {
      count += (a >> i) & 1;
      if ((a >> i) & 1)
        leading = 31 - i;
      reversed |= ((a >> i) & 1u) << (31 - i);
    }
    EXPECT_EQ(popc.run({a}), count);
    EXPECT_EQ(clz.run({a}), leading);
    EXPECT_EQ(brev.run({a}), reversed);
    EXPECT_EQ(cnot.run({a}), a == 0 ? 1u : 0u);
    EXPECT_EQ(notOp.run({a}), ~a);
    auto msb = [](uint32_t v) -> uint32_t {
      for (int i = 31; i >= 0; --i)
        if ((v >> i) & 1)
          return i;
      return 0xffffffffu;
    };
    EXPECT_EQ(bfindU.run({a}), msb(a));
    EXPECT_EQ(bfindS.run({a}), msb(int32_t(a) < 0 ? ~a : a));
    EXPECT_EQ(bfindShift.run({a}), a == 0 ? 0xffffffffu : 31 - msb(a));
  }
}

// The PTX ISA's pseudo-code for bfe and bfi, transcribed bit by bit.
uint32_t referenceBfe(uint32_t a, uint32_t b, uint32_t c, bool isSignedType) {
  const uint32_t msb = 31;
  uint32_t pos = b & 0xff, len = c & 0xff;
  uint32_t sbit = 0;
  if (isSignedType && len != 0)
    sbit = (a >> std::min(pos + len - 1, msb)) & 1;
  uint32_t d = 0;
  for (uint32_t i = 0; i <= msb; ++i) {
    uint32_t bit = (i < len && pos + i <= msb) ? (a >> (pos + i)) & 1 : sbit;
    d |= bit << i;
  }
  return d;
}

uint32_t referenceBfi(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  uint32_t pos = c & 0xff, len = d & 0xff, result = b;
  for (uint32_t i = 0; i < len && pos + i <= 31; ++i)
    result = (result & ~(1u << (pos + i))) | (((a >> i) & 1u) << (pos + i));
  return result;
}

TEST(IntegerSemantics, BitFieldExtractAndInsert) {
  InstructionKernel bfeU("bfe.u32 $d, $1, $2, $3", 'r', "rrr");
  InstructionKernel bfeS("bfe.s32 $d, $1, $2, $3", 'r', "rrr");
  InstructionKernel bfi("bfi.b32 $d, $1, $2, $3, $4", 'r', "rrrr");
  for (uint32_t a : {0xdeadbeefu, 0x80000000u, 0x00000f00u, 0x7fffffffu})
    for (uint32_t pos : {0u, 4u, 8u, 30u, 31u, 32u, 200u, 0x104u})
      for (uint32_t len : {0u, 1u, 8u, 31u, 32u, 40u, 0x108u}) {
        SCOPED_TRACE(std::to_string(a) + " " + std::to_string(pos) + " " + std::to_string(len));
        EXPECT_EQ(bfeU.run({a, pos, len}), referenceBfe(a, pos, len, false));
        EXPECT_EQ(bfeS.run({a, pos, len}), referenceBfe(a, pos, len, true));
        EXPECT_EQ(bfi.run({a, 0x12345678u, pos, len}), referenceBfi(a, 0x12345678u, pos, len));
      }
}

TEST(IntegerSemantics, PermuteLop3AndFunnelShift) {
  InstructionKernel prmt("prmt.b32 $d, $1, $2, $3", 'r', "rrr");
  for (uint32_t selector : {0x3210u, 0x7654u, 0x0123u, 0x8888u, 0xf0e1u, 0x4c4cu}) {
    uint32_t a = 0x80ff7f01u, b = 0x11a2b3c4u;
    uint64_t bytes = (uint64_t(b) << 32) | a;
    uint32_t expected = 0;
    for (int i = 0; i < 4; ++i) {
      uint32_t nibble = (selector >> (4 * i)) & 0xf;
      uint32_t byte = (bytes >> (8 * (nibble & 7))) & 0xff;
      if (nibble & 8)
        byte = (byte & 0x80) ? 0xff : 0x00;
      expected |= byte << (8 * i);
    }
    EXPECT_EQ(prmt.run({a, b, selector}), expected) << std::hex << selector;
  }
  for (uint32_t lut : {0x96u, 0xe8u, 0x80u, 0xfeu, 0x1u, 0xcau}) {
    InstructionKernel lop3("lop3.b32 $d, $1, $2, $3, " + std::to_string(lut), 'r', "rrr");
    uint32_t a = 0xf0f0cc55u, b = 0xccccaa0fu, c = 0xaaaa1234u;
    uint32_t expected = 0;
    for (int bit = 0; bit < 32; ++bit) {
      uint32_t index = (((a >> bit) & 1) << 2) | (((b >> bit) & 1) << 1) | ((c >> bit) & 1);
      expected |= ((lut >> index) & 1) << bit;
    }
    EXPECT_EQ(lop3.run({a, b, c}), expected) << lut;
  }
  InstructionKernel shfLWrap("shf.l.wrap.b32 $d, $1, $2, $3", 'r', "rrr");
  InstructionKernel shfRClamp("shf.r.clamp.b32 $d, $1, $2, $3", 'r', "rrr");
  InstructionKernel shfLClamp("shf.l.clamp.b32 $d, $1, $2, $3", 'r', "rrr");
  uint32_t lo = 0x89abcdefu, hi = 0x01234567u;
  uint64_t both = (uint64_t(hi) << 32) | lo;
  for (uint32_t n : {0u, 4u, 31u, 32u, 33u, 68u}) {
    uint32_t wrap = n & 31, clamp = std::min(n, 32u);
    EXPECT_EQ(shfLWrap.run({lo, hi, n}), uint32_t((both << wrap) >> 32)) << n;
    EXPECT_EQ(shfLClamp.run({lo, hi, n}), clamp == 32 ? lo : uint32_t((both << clamp) >> 32)) << n;
    EXPECT_EQ(shfRClamp.run({lo, hi, n}), clamp == 32 ? hi : uint32_t(both >> clamp)) << n;
  }
}

// ---- Floating point -----------------------------------------------------------------------

float flush(float x) {
  return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x;
}

void expectSameFloat(float actual, float expected, const std::string &what) {
  if (std::isnan(expected))
    EXPECT_TRUE(std::isnan(actual)) << what;
  else
    EXPECT_EQ(bits(actual), bits(expected)) << what << ": " << actual << " vs " << expected;
}

const std::vector<float> kFloats{0.0f,       -0.0f, 1.0f,  -1.5f, 3.25f, kDenormal, -kDenormal,
                                 kMinNormal, kInf,  -kInf, kNaN,  1e30f, 0.1f};

TEST(FloatSemantics, RoundToNearestArithmetic) {
  InstructionKernel add("add.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel sub("sub.rn.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel mul("mul.rn.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel div("div.rn.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel fma("fma.rn.f32 $d, $1, $2, $3", 'f', "fff");
  for (float a : kFloats)
    for (float b : kFloats) {
      std::string what = std::to_string(a) + ", " + std::to_string(b);
      expectSameFloat(asFloat(add.run({bits(a), bits(b)})), a + b, "add " + what);
      expectSameFloat(asFloat(sub.run({bits(a), bits(b)})), a - b, "sub " + what);
      expectSameFloat(asFloat(mul.run({bits(a), bits(b)})), a * b, "mul " + what);
      expectSameFloat(asFloat(div.run({bits(a), bits(b)})), a / b, "div " + what);
      expectSameFloat(asFloat(fma.run({bits(a), bits(b), bits(0.5f)})), std::fma(a, b, 0.5f),
                      "fma " + what);
    }
}

TEST(FloatSemantics, FlushToZeroAndSaturate) {
  InstructionKernel addFtz("add.ftz.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel mulSat("mul.sat.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel mulFtzSat("mul.ftz.sat.f32 $d, $1, $2", 'f', "ff");
  for (float a : kFloats)
    for (float b : kFloats) {
      std::string what = std::to_string(a) + ", " + std::to_string(b);
      expectSameFloat(asFloat(addFtz.run({bits(a), bits(b)})), flush(flush(a) + flush(b)),
                      "add.ftz " + what);
      float product = a * b;
      float saturated = std::isnan(product) ? 0.0f : std::clamp(product, 0.0f, 1.0f);
      if (saturated == 0.0f)
        saturated = 0.0f; // .sat gives +0 for -0 too
      expectSameFloat(asFloat(mulSat.run({bits(a), bits(b)})), saturated, "mul.sat " + what);
      float flushedProduct = flush(flush(a) * flush(b));
      float flushedSaturated =
          std::isnan(flushedProduct) ? 0.0f : std::clamp(flushedProduct, 0.0f, 1.0f);
      if (flushedSaturated == 0.0f)
        flushedSaturated = 0.0f;
      expectSameFloat(asFloat(mulFtzSat.run({bits(a), bits(b)})), flushedSaturated,
                      "mul.ftz.sat " + what);
    }
  // A denormal result of a normal computation is flushed too.
  expectSameFloat(asFloat(addFtz.run({bits(kMinNormal * 1.5f), bits(-kMinNormal)})), 0.0f,
                  "denormal result");
  expectSameFloat(asFloat(addFtz.run({bits(-kMinNormal * 1.5f), bits(kMinNormal)})), -0.0f,
                  "negative denormal result");
}

TEST(FloatSemantics, MinMaxNaNAndSignedZero) {
  InstructionKernel min("min.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel max("max.f32 $d, $1, $2", 'f', "ff");
  InstructionKernel minNaN("min.NaN.f32 $d, $1, $2", 'f', "ff");
  for (float a : kFloats)
    for (float b : kFloats) {
      std::string what = std::to_string(a) + ", " + std::to_string(b);
      float expectedMin, expectedMax;
      if (std::isnan(a) && std::isnan(b)) {
        expectedMin = expectedMax = kNaN;
      } else if (std::isnan(a)) {
        expectedMin = expectedMax = b;
      } else if (std::isnan(b)) {
        expectedMin = expectedMax = a;
      } else if (a == b) { // only +0 / -0 differ: -0 is the smaller
        expectedMin = std::signbit(a) ? a : b;
        expectedMax = std::signbit(a) ? b : a;
      } else {
        expectedMin = a < b ? a : b;
        expectedMax = a > b ? a : b;
      }
      expectSameFloat(asFloat(min.run({bits(a), bits(b)})), expectedMin, "min " + what);
      expectSameFloat(asFloat(max.run({bits(a), bits(b)})), expectedMax, "max " + what);
      expectSameFloat(asFloat(minNaN.run({bits(a), bits(b)})),
                      std::isnan(a) || std::isnan(b) ? kNaN : expectedMin, "min.NaN " + what);
    }
}

TEST(FloatSemantics, SqrtReciprocalAbsNegCopysign) {
  InstructionKernel sqrt("sqrt.rn.f32 $d, $1", 'f', "f");
  InstructionKernel rcp("rcp.rn.f64 $d, $1", 'F', "F");
  InstructionKernel abs("abs.f32 $d, $1", 'f', "f");
  InstructionKernel negFtz("neg.ftz.f32 $d, $1", 'f', "f");
  InstructionKernel copysign("copysign.f32 $d, $1, $2", 'f', "ff");
  for (float a : kFloats) {
    expectSameFloat(asFloat(sqrt.run({bits(a)})), std::sqrt(a), "sqrt");
    double d = a;
    double r = asDouble(rcp.run({bits(d)}));
    if (std::isnan(d))
      EXPECT_TRUE(std::isnan(r));
    else
      EXPECT_EQ(bits(r), bits(1.0 / d));
    expectSameFloat(asFloat(abs.run({bits(a)})), std::fabs(a), "abs");
    expectSameFloat(asFloat(negFtz.run({bits(a)})), flush(-a), "neg.ftz");
    expectSameFloat(asFloat(copysign.run({bits(-1.0f), bits(a)})), std::copysign(a, -1.0f),
                    "copysign");
  }
}

TEST(FloatSemantics, SetpAllComparisonsWithPairedDestination) {
  struct Case {
    const char *op;
    bool (*model)(float, float);
  };
  const Case cases[] = {
      {"eq", [](float a, float b) { return a == b; }},
      {"ne", [](float a, float b) { return !std::isunordered(a, b) && a != b; }},
      {"lt", [](float a, float b) { return a < b; }},
      {"le", [](float a, float b) { return a <= b; }},
      {"gt", [](float a, float b) { return a > b; }},
      {"ge", [](float a, float b) { return a >= b; }},
      {"equ", [](float a, float b) { return std::isunordered(a, b) || a == b; }},
      {"neu", [](float a, float b) { return std::isunordered(a, b) || a != b; }},
      {"ltu", [](float a, float b) { return std::isunordered(a, b) || a < b; }},
      {"leu", [](float a, float b) { return std::isunordered(a, b) || a <= b; }},
      {"gtu", [](float a, float b) { return std::isunordered(a, b) || a > b; }},
      {"geu", [](float a, float b) { return std::isunordered(a, b) || a >= b; }},
      {"num", [](float a, float b) { return !std::isunordered(a, b); }},
      {"nan", [](float a, float b) { return std::isunordered(a, b); }},
  };
  const std::vector<float> values{0.0f, -0.0f, 1.0f, -2.0f, kInf, kNaN};
  for (const Case &c : cases) {
    InstructionKernel setp(std::string("setp.") + c.op + ".f32 $d|$e, $1, $2", 'p', "ff", 'p');
    InstructionKernel setpAnd(std::string("setp.") + c.op + ".and.f32 $d|$e, $1, $2, $3", 'p',
                              "ffp", 'p');
    for (float a : values)
      for (float b : values) {
        bool expected = c.model(a, b);
        uint64_t second = 2;
        EXPECT_EQ(setp.run({bits(a), bits(b)}, &second), expected ? 1u : 0u)
            << c.op << " " << a << " " << b;
        EXPECT_EQ(second, expected ? 0u : 1u) << c.op << " paired";
        for (uint64_t c3 : {0u, 1u}) {
          EXPECT_EQ(setpAnd.run({bits(a), bits(b), c3}, &second), expected && c3 ? 1u : 0u);
          EXPECT_EQ(second, !expected && c3 ? 1u : 0u);
        }
      }
  }
}

TEST(CompareSemantics, IntegerSetpSelpAndSet) {
  InstructionKernel ltS("setp.lt.s32 $d, $1, $2", 'p', "rr");
  InstructionKernel ltU("setp.lt.u32 $d, $1, $2", 'p', "rr");
  InstructionKernel hs("setp.hs.u32 $d, $1, $2", 'p', "rr");
  InstructionKernel neOr("setp.ne.or.b32 $d, $1, $2, !$3", 'p', "rrp");
  InstructionKernel selp("selp.b32 $d, $1, $2, $3", 'r', "rrp");
  InstructionKernel set("set.gt.u32.s32 $d, $1, $2", 'r', "rr");
  InstructionKernel setF("set.ltu.f32.f32 $d, $1, $2", 'f', "ff");
  for (uint32_t a : kWords)
    for (uint32_t b : kWords) {
      EXPECT_EQ(ltS.run({a, b}), int32_t(a) < int32_t(b) ? 1u : 0u);
      EXPECT_EQ(ltU.run({a, b}), a < b ? 1u : 0u);
      EXPECT_EQ(hs.run({a, b}), a >= b ? 1u : 0u);
      EXPECT_EQ(neOr.run({a, b, 1}), a != b ? 1u : 0u);
      EXPECT_EQ(neOr.run({a, b, 0}), 1u);
      EXPECT_EQ(selp.run({a, b, 1}), a);
      EXPECT_EQ(selp.run({a, b, 0}), b);
      EXPECT_EQ(set.run({a, b}), int32_t(a) > int32_t(b) ? 0xffffffffu : 0u);
    }
  for (float a : kFloats)
    for (float b : kFloats)
      expectSameFloat(asFloat(setF.run({bits(a), bits(b)})),
                      std::isunordered(a, b) || a < b ? 1.0f : 0.0f, "set.ltu");
}

// ---- Conversions --------------------------------------------------------------------------

template <typename Int> Int saturatingRound(double x, double (*round)(double)) {
  if (std::isnan(x))
    return 0;
  double r = round(x);
  if (r <= double(std::numeric_limits<Int>::min()))
    return std::numeric_limits<Int>::min();
  if (r >= double(std::numeric_limits<Int>::max()))
    return std::numeric_limits<Int>::max();
  return static_cast<Int>(r);
}

double roundHalfEven(double x) {
  return std::nearbyint(x);
}
double roundTowardZero(double x) {
  return std::trunc(x);
}
double roundDown(double x) {
  return std::floor(x);
}
double roundUp(double x) {
  return std::ceil(x);
}

TEST(ConversionSemantics, FloatToIntegerRoundsAndSaturates) {
  InstructionKernel rni("cvt.rni.s32.f32 $d, $1", 'r', "f");
  InstructionKernel rmi("cvt.rmi.s32.f32 $d, $1", 'r', "f");
  InstructionKernel rpiU("cvt.rpi.u32.f32 $d, $1", 'r', "f");
  InstructionKernel rziS64("cvt.rzi.s64.f64 $d, $1", 'd', "F");
  InstructionKernel rziU16("cvt.rzi.u16.f32 $d, $1", 'h', "f");
  const std::vector<float> values{0.5f,        1.5f,     2.5f,     -2.5f, -0.5f,
                                  0.49999997f, 1e10f,    -1e10f,   kNaN,  kInf,
                                  -kInf,       65535.5f, 70000.0f, -1.0f, kDenormal};
  for (float x : values) {
    SCOPED_TRACE(x);
    EXPECT_EQ(int32_t(rni.run({bits(x)})), saturatingRound<int32_t>(x, roundHalfEven));
    EXPECT_EQ(int32_t(rmi.run({bits(x)})), saturatingRound<int32_t>(x, roundDown));
    EXPECT_EQ(uint32_t(rpiU.run({bits(x)})), saturatingRound<uint32_t>(x, roundUp));
    EXPECT_EQ(int64_t(rziS64.run({bits(double(x) * 1e9)})),
              saturatingRound<int64_t>(double(x) * 1e9, roundTowardZero));
    EXPECT_EQ(uint16_t(rziU16.run({bits(x)})), saturatingRound<uint16_t>(x, roundTowardZero));
  }
}

TEST(ConversionSemantics, IntegerWideningNarrowingAndSaturation) {
  InstructionKernel s8("cvt.s32.s8 $d, $1", 'r', "r");
  InstructionKernel u16("cvt.u16.u32 $d, $1", 'h', "r");
  InstructionKernel satU8("cvt.sat.u8.s32 $d, $1", 'r', "r");
  InstructionKernel satS16("cvt.sat.s16.s32 $d, $1", 'h', "r");
  InstructionKernel s64("cvt.s64.s32 $d, $1", 'd', "r");
  InstructionKernel u64("cvt.u64.u32 $d, $1", 'd', "r");
  for (uint32_t a : kWords) {
    EXPECT_EQ(s8.run({a}), uint32_t(int32_t(int8_t(a & 0xff))));
    EXPECT_EQ(u16.run({a}), a & 0xffff);
    EXPECT_EQ(satU8.run({a}), uint32_t(std::clamp<int64_t>(int32_t(a), 0, 255)));
    EXPECT_EQ(satS16.run({a}), uint16_t(std::clamp<int64_t>(int32_t(a), -32768, 32767)));
    EXPECT_EQ(s64.run({a}), uint64_t(int64_t(int32_t(a))));
    EXPECT_EQ(u64.run({a}), uint64_t(a));
  }
}

TEST(ConversionSemantics, FloatConversions) {
  InstructionKernel fromU64("cvt.rn.f32.u64 $d, $1", 'f', "d");
  InstructionKernel fromS32("cvt.rn.f32.s32 $d, $1", 'f', "r");
  InstructionKernel toF64("cvt.f64.f32 $d, $1", 'F', "f");
  InstructionKernel toF32("cvt.rn.f32.f64 $d, $1", 'f', "F");
  InstructionKernel roundF("cvt.rni.f32.f32 $d, $1", 'f', "f");
  InstructionKernel ftz("cvt.ftz.f32.f32 $d, $1", 'f', "f");
  InstructionKernel sat("cvt.sat.f32.f32 $d, $1", 'f', "f");
  for (uint64_t v : {0ull, 1ull, 16777217ull, 0xffffffffffffffffull, 0x8000000000000001ull})
    expectSameFloat(asFloat(fromU64.run({v})), static_cast<float>(v), "u64->f32");
  for (uint32_t v : kWords)
    expectSameFloat(asFloat(fromS32.run({v})), static_cast<float>(int32_t(v)), "s32->f32");
  for (float x : kFloats) {
    double wide = asDouble(toF64.run({bits(x)}));
    if (std::isnan(x))
      EXPECT_TRUE(std::isnan(wide));
    else
      EXPECT_EQ(bits(wide), bits(double(x)));
    expectSameFloat(asFloat(roundF.run({bits(x)})), std::nearbyint(x), "rni");
    expectSameFloat(asFloat(ftz.run({bits(x)})), flush(x), "ftz");
    float s = std::isnan(x) ? 0.0f : std::clamp(x, 0.0f, 1.0f);
    if (s == 0.0f)
      s = 0.0f;
    expectSameFloat(asFloat(sat.run({bits(x)})), s, "sat");
  }
  for (double d : {1.0 / 3.0, 1e300, -1e-300, 3.4028235677973366e38, 1e-45})
    expectSameFloat(asFloat(toF32.run({bits(d)})), static_cast<float>(d), "f64->f32");
}

TEST(ConversionSemantics, HalfPrecision) {
  InstructionKernel toHalf("cvt.rn.f16.f32 $d, $1", 'h', "f");
  InstructionKernel fromHalf("cvt.f32.f16 $d, $1", 'f', "h");
  // IEEE binary16 encodings.
  EXPECT_EQ(toHalf.run({bits(1.0f)}), 0x3c00u);
  EXPECT_EQ(toHalf.run({bits(-2.0f)}), 0xc000u);
  EXPECT_EQ(toHalf.run({bits(65504.0f)}), 0x7bffu);
  EXPECT_EQ(toHalf.run({bits(1e5f)}), 0x7c00u);
  EXPECT_EQ(toHalf.run({bits(0.000061035156f)}), 0x0400u);
  expectSameFloat(asFloat(fromHalf.run({0x3555u})), 0.333251953125f, "f16->f32");
  expectSameFloat(asFloat(fromHalf.run({0x8001u})), -5.9604644775390625e-08f, "denormal half");
}

TEST(DataSemantics, VectorPackUnpackAndTestp) {
  InstructionKernel pack("mov.b64 $d, {$1, $2}", 'd', "rr");
  EXPECT_EQ(pack.run({0x11223344u, 0xaabbccddu}), 0xaabbccdd11223344ull);
  InstructionKernel unpack("mov.b64 {%r9, $d}, $1", 'r', "d");
  EXPECT_EQ(unpack.run({0xaabbccdd11223344ull}), 0xaabbccddu);
  InstructionKernel finite("testp.finite.f32 $d, $1", 'p', "f");
  InstructionKernel subnormal("testp.subnormal.f32 $d, $1", 'p', "f");
  for (float x : kFloats) {
    EXPECT_EQ(finite.run({bits(x)}), std::isfinite(x) ? 1u : 0u);
    EXPECT_EQ(subnormal.run({bits(x)}), std::fpclassify(x) == FP_SUBNORMAL ? 1u : 0u);
  }
}

} // namespace
} // namespace cuport::lower::test

namespace cuport::lower::test {
namespace {

TEST(IntegerSemantics, CarryChainsGiveExtendedPrecision) {
  // 64-bit add and subtract out of 32-bit halves, and a 32x32 -> 64 multiply-add through madc.
  InstructionKernel add64("add.cc.u32 %r9, $1, $3;\n addc.u32 $d, $2, $4", 'r', "rrrr");
  InstructionKernel sub64("sub.cc.u32 %r9, $1, $3;\n subc.u32 $d, $2, $4", 'r', "rrrr");
  InstructionKernel madHi("mad.lo.cc.u32 %r9, $1, $2, $3;\n madc.hi.u32 $d, $1, $2, $4", 'r',
                          "rrrr");
  for (uint64_t x : {0ull, 1ull, 0xffffffffull, 0x1ffffffffull, 0xfedcba9876543210ull})
    for (uint64_t y : {0ull, 1ull, 0xffffffffull, 0x80000000ffffffffull}) {
      uint32_t xl = uint32_t(x), xh = uint32_t(x >> 32), yl = uint32_t(y), yh = uint32_t(y >> 32);
      EXPECT_EQ(add64.run({xl, xh, yl, yh}), uint32_t((x + y) >> 32)) << x << " + " << y;
      EXPECT_EQ(sub64.run({xl, xh, yl, yh}), uint32_t((x - y) >> 32)) << x << " - " << y;
      // (xl * yl) + (yh:yl's halves as the addend): the high word of xl*yl + (xh << 32 | yl).
      uint64_t full = uint64_t(xl) * yl + ((uint64_t(xh) << 32) | yl);
      EXPECT_EQ(madHi.run({xl, yl, yl, xh}), uint32_t(full >> 32)) << x << " * " << y;
    }
}

} // namespace
} // namespace cuport::lower::test
