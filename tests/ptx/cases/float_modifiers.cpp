// .ftz and .sat on f32 arithmetic (with every rounding mode, and without one where the ISA allows
// that): subnormal inputs and results become zeros of the same sign, .sat clamps the result to
// [+0.0, 1.0] with NaN to +0.0 (PTX ISA, "Floating-Point Instructions"); min/max with .ftz, .NaN
// and .xorsign.abs; testp, copysign, abs and neg; the forms the ISA does not define are refused.
#include "tests/ptx/cases/float_support.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

using namespace floats;

float flush(float x) {
  return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x;
}
float saturate(float x) {
  if (std::isnan(x) || x <= 0.0f)
    return 0.0f; // NaN and -0.0 become +0.0
  return x > 1.0f ? 1.0f : x;
}

struct Variant {
  const char *op;
  int arity;
  bool sat;           // whether the ISA allows .sat on it
  bool defaultToNear; // whether it may omit the rounding modifier (then .rn)
};
const Variant kVariants[] = {{"add", 2, true, true},    {"sub", 2, true, true},
                             {"mul", 2, true, true},    {"fma", 3, true, false},
                             {"mad", 3, true, false},   {"div", 2, false, false},
                             {"sqrt", 1, false, false}, {"rcp", 1, false, false}};

// The rounding modifiers of a variant's forms and the mode each stands for.
std::vector<std::pair<std::string, Mode>> roundings(const Variant &variant) {
  std::vector<std::pair<std::string, Mode>> list;
  for (Mode mode : kModes)
    list.emplace_back(std::string(".") + modeName(mode), mode);
  if (variant.defaultToNear)
    list.emplace_back("", Mode::rn);
  return list;
}

float compute(const std::string &op, float a, float b, float c, Mode mode) {
  volatile float x = a, y = b, z = c;
  return inMode(mode, [&] {
    volatile float r = op == "add"                  ? x + y
                       : op == "sub"                ? x - y
                       : op == "mul"                ? x * y
                       : op == "fma" || op == "mad" ? std::fma(float(x), float(y), float(z))
                       : op == "div"                ? x / y
                       : op == "sqrt"               ? std::sqrt(float(x))
                                                    : 1.0f / x;
    return float(r);
  });
}

PTX_CASE(FloatModifiers, FtzAndSatF32) {
  std::vector<uint32_t> pool = samples32("FloatModifiers.FtzAndSatF32", 24);
  for (uint32_t v : {0x00000010u, 0x80000010u, 0x00400000u, 0x3f000000u, 0x3f7fffffu, 0x3f800001u,
                     0x00ffffffu, 0x80ffffffu, 0x1f800000u, 0x20000000u})
    pool.push_back(v); // subnormal results from normal operands, values near 0 and 1
  Bytes in;
  size_t count = 0;
  for (size_t i = 0; i < pool.size(); ++i)
    for (size_t j = 0; j < pool.size(); ++j, ++count)
      in.push(pool[i]).push(pool[j]).push(pool[(i + 3 * j) % pool.size()]).push(uint32_t(0));
  for (const Variant &variant : kVariants) {
    std::vector<std::string> flavours = {".ftz"};
    if (variant.sat) {
      flavours.push_back(".sat");
      flavours.push_back(".ftz.sat");
    }
    const char *operands[] = {"", "%f1", "%f1, %f2", "%f1, %f2, %f3"};
    std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n"
                       "ld.global.f32 %f3, [%rd4+8];\n";
    size_t slot = 0;
    for (const std::string &flavour : flavours)
      for (const auto &[rounding, mode] : roundings(variant)) {
        body += std::string(variant.op) + rounding + flavour + ".f32 %f4, " +
                operands[variant.arity] + ";\n";
        body += "st.global.f32 [%rd6+" + std::to_string(4 * slot++) + "], %f4;\n";
      }
    Bytes out = runElementwise(body, in, count, 16, 4 * slot);
    int failures = 0;
    for (size_t e = 0; e < count; ++e) {
      size_t s = 0;
      for (const std::string &flavour : flavours)
        for (const auto &[rounding, mode] : roundings(variant)) {
          bool ftz = flavour.find("ftz") != std::string::npos;
          bool sat = flavour.find("sat") != std::string::npos;
          float a = in.at<float>(e * 16), b = in.at<float>(e * 16 + 4),
                c = in.at<float>(e * 16 + 8);
          if (ftz) {
            a = flush(a);
            b = flush(b);
            c = flush(c);
          }
          float want = compute(variant.op, a, b, c, mode);
          if (ftz)
            want = flush(want);
          if (sat)
            want = saturate(want);
          uint32_t got = out.at<uint32_t>(e * 4 * slot + 4 * s++);
          if (!sameFloat(got, bits32(want)) && ++failures <= 10)
            ADD_FAILURE() << variant.op << rounding << flavour << ".f32 (" << in.at<float>(e * 16)
                          << ", " << in.at<float>(e * 16 + 4) << ", " << in.at<float>(e * 16 + 8)
                          << ") gave " << f32(got) << " (0x" << std::hex << got << "), expected "
                          << want;
        }
    }
  }
}

// min/max: -0.0 < +0.0; one NaN operand gives the other; both NaN (or any with .NaN) give the
// canonical NaN 0x7fffffff; .xorsign.abs compares magnitudes and gives the result the XOR of the
// operands' signs (unless it is NaN).
uint32_t minMaxReference(bool isMin, uint32_t aBits, uint32_t bBits, bool ftz, bool nan,
                         bool xorsign) {
  float a = f32(aBits), b = f32(bBits);
  if (ftz) {
    a = flush(a);
    b = flush(b);
  }
  bool sign = std::signbit(a) != std::signbit(b);
  if (xorsign) {
    a = std::fabs(a);
    b = std::fabs(b);
  }
  uint32_t result;
  if ((std::isnan(a) && std::isnan(b)) || (nan && (std::isnan(a) || std::isnan(b))))
    return 0x7fffffff;
  if (std::isnan(a))
    result = bits32(b);
  else if (std::isnan(b))
    result = bits32(a);
  else if (a == b && a == 0.0f) // signed zeros: -0.0 is the smaller
    result = (std::signbit(a) == isMin) ? bits32(a) : bits32(b);
  else
    result = bits32(isMin ? (a < b ? a : b) : (a > b ? a : b));
  if (xorsign)
    result = (result & 0x7fffffff) | (sign ? 0x80000000u : 0);
  return result;
}

PTX_CASE(FloatModifiers, MinMaxF32) {
  std::vector<uint32_t> pool = samples32("FloatModifiers.MinMaxF32", 32);
  Bytes in;
  size_t count = 0;
  for (uint32_t a : pool)
    for (uint32_t b : pool) {
      in.push(a).push(b);
      ++count;
    }
  const char *flavours[] = {"",
                            ".ftz",
                            ".NaN",
                            ".ftz.NaN",
                            ".xorsign.abs",
                            ".ftz.xorsign.abs",
                            ".NaN.xorsign.abs",
                            ".ftz.NaN.xorsign.abs"};
  std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n";
  size_t slot = 0;
  for (const char *op : {"min", "max"})
    for (const char *flavour : flavours) {
      body += std::string(op) + flavour + ".f32 %f3, %f1, %f2;\n";
      body += "st.global.f32 [%rd6+" + std::to_string(4 * slot++) + "], %f3;\n";
    }
  Bytes out = runElementwise(body, in, count, 8, 4 * slot, 86, "7.2");
  int failures = 0;
  for (size_t e = 0; e < count; ++e) {
    size_t s = 0;
    for (bool isMin : {true, false})
      for (std::string flavour : flavours) {
        uint32_t a = in.at<uint32_t>(e * 8), b = in.at<uint32_t>(e * 8 + 4);
        uint32_t want = minMaxReference(isMin, a, b, flavour.find("ftz") != std::string::npos,
                                        flavour.find("NaN") != std::string::npos,
                                        flavour.find("xorsign") != std::string::npos);
        uint32_t got = out.at<uint32_t>(e * 4 * slot + 4 * s++);
        if (got != want && ++failures <= 10)
          ADD_FAILURE() << (isMin ? "min" : "max") << flavour << ".f32 (0x" << std::hex << a
                        << ", 0x" << b << ") gave 0x" << got << ", expected 0x" << want;
      }
  }
}

PTX_CASE(FloatModifiers, MinMaxF64) {
  std::vector<uint64_t> pool = samples64("FloatModifiers.MinMaxF64", 16);
  Bytes in;
  size_t count = 0;
  for (uint64_t a : pool)
    for (uint64_t b : pool) {
      in.push(a).push(b);
      ++count;
    }
  Bytes out = runElementwise("ld.global.f64 %fd1, [%rd4];\nld.global.f64 %fd2, [%rd4+8];\n"
                             "min.f64 %fd3, %fd1, %fd2;\nst.global.f64 [%rd6], %fd3;\n"
                             "max.f64 %fd3, %fd1, %fd2;\nst.global.f64 [%rd6+8], %fd3;\n",
                             in, count, 16, 16);
  for (size_t e = 0; e < count; ++e)
    for (bool isMin : {true, false}) {
      double a = in.at<double>(e * 16), b = in.at<double>(e * 16 + 8);
      uint64_t want;
      if (std::isnan(a) && std::isnan(b))
        want = 0x7fffffffffffffffull;
      else if (std::isnan(a) || std::isnan(b))
        want = bits64(std::isnan(a) ? b : a);
      else if (a == 0.0 && b == 0.0)
        want = bits64(std::signbit(a) == isMin ? a : b);
      else
        want = bits64(isMin ? std::min(a, b) : std::max(a, b));
      uint64_t got = out.at<uint64_t>(e * 16 + (isMin ? 0 : 8));
      ASSERT_EQ(got, want) << (isMin ? "min" : "max") << ".f64 " << a << ", " << b;
    }
}

// testp over every class, copysign, abs and neg (with .ftz on f32: flushed input, sign kept).
// A NaN gives an unspecified NaN from abs.f32, neg.f32 and neg.f64; abs.f64 passes it through
// unchanged.
PTX_CASE(FloatModifiers, TestpCopysignAbsNegF32) {
  std::vector<uint32_t> pool = samples32("FloatModifiers.TestpCopysignAbsNegF32", 256);
  Bytes in;
  for (size_t i = 0; i < pool.size(); ++i)
    in.push(pool[i]).push(pool[(i * 5 + 1) % pool.size()]);
  const char *kinds[] = {"finite", "infinite", "number", "notanumber", "normal", "subnormal"};
  std::string body = "ld.global.f32 %f1, [%rd4];\nld.global.f32 %f2, [%rd4+4];\n";
  for (int k = 0; k < 6; ++k)
    body += std::string("testp.") + kinds[k] + ".f32 %p1, %f1;\nselp.u32 %r5, 1, 0, %p1;\n" +
            "st.global.u32 [%rd6+" + std::to_string(4 * k) + "], %r5;\n";
  body += "copysign.f32 %f3, %f1, %f2;\nst.global.f32 [%rd6+24], %f3;\n"
          "abs.f32 %f3, %f1;\nst.global.f32 [%rd6+28], %f3;\n"
          "abs.ftz.f32 %f3, %f1;\nst.global.f32 [%rd6+32], %f3;\n"
          "neg.f32 %f3, %f1;\nst.global.f32 [%rd6+36], %f3;\n"
          "neg.ftz.f32 %f3, %f1;\nst.global.f32 [%rd6+40], %f3;\n";
  Bytes out = runElementwise(body, in, pool.size(), 8, 44);
  for (size_t e = 0; e < pool.size(); ++e) {
    float a = in.at<float>(e * 8), b = in.at<float>(e * 8 + 4);
    int cls = std::fpclassify(a);
    // testp.normal: "positive and negative zero are considered normal numbers".
    bool want[] = {std::isfinite(a),
                   std::isinf(a),
                   !std::isnan(a),
                   std::isnan(a),
                   cls == FP_NORMAL || cls == FP_ZERO,
                   cls == FP_SUBNORMAL};
    for (int k = 0; k < 6; ++k)
      EXPECT_EQ(out.at<uint32_t>(e * 44 + 4 * k), uint32_t(want[k]))
          << "testp." << kinds[k] << ".f32 " << a;
    uint32_t bitsA = bits32(a), bitsB = bits32(b);
    // copysign.f32 d, a, b: b's magnitude with a's sign; abs/neg touch only the sign bit (on NaN
    // too).
    EXPECT_EQ(out.at<uint32_t>(e * 44 + 24), (bitsB & 0x7fffffff) | (bitsA & 0x80000000));
    uint32_t flushed = bits32(flush(a));
    if (!std::isnan(a)) {
      EXPECT_EQ(out.at<uint32_t>(e * 44 + 28), bitsA & 0x7fffffff) << "abs " << a;
      EXPECT_EQ(out.at<uint32_t>(e * 44 + 32), flushed & 0x7fffffff) << "abs.ftz " << a;
      EXPECT_EQ(out.at<uint32_t>(e * 44 + 36), bitsA ^ 0x80000000) << "neg " << a;
      EXPECT_EQ(out.at<uint32_t>(e * 44 + 40), flushed ^ 0x80000000) << "neg.ftz " << a;
    } else {
      for (int k = 7; k < 11; ++k)
        EXPECT_TRUE(std::isnan(out.at<float>(e * 44 + 4 * k))) << "NaN in, NaN out";
    }
  }
}

PTX_CASE(FloatModifiers, TestpCopysignAbsNegF64) {
  std::vector<uint64_t> pool = samples64("FloatModifiers.TestpCopysignAbsNegF64", 256);
  Bytes in;
  for (size_t i = 0; i < pool.size(); ++i)
    in.push(pool[i]).push(pool[(i * 5 + 1) % pool.size()]);
  const char *kinds[] = {"finite", "infinite", "number", "notanumber", "normal", "subnormal"};
  std::string body = "ld.global.f64 %fd1, [%rd4];\nld.global.f64 %fd2, [%rd4+8];\n";
  for (int k = 0; k < 6; ++k)
    body += std::string("testp.") + kinds[k] + ".f64 %p1, %fd1;\nselp.u32 %r5, 1, 0, %p1;\n" +
            "st.global.u32 [%rd6+" + std::to_string(4 * k) + "], %r5;\n";
  body += "copysign.f64 %fd3, %fd1, %fd2;\nst.global.f64 [%rd6+24], %fd3;\n"
          "abs.f64 %fd3, %fd1;\nst.global.f64 [%rd6+32], %fd3;\n"
          "neg.f64 %fd3, %fd1;\nst.global.f64 [%rd6+40], %fd3;\n";
  Bytes out = runElementwise(body, in, pool.size(), 16, 48);
  for (size_t e = 0; e < pool.size(); ++e) {
    double a = in.at<double>(e * 16), b = in.at<double>(e * 16 + 8);
    int cls = std::fpclassify(a);
    // testp.normal: "positive and negative zero are considered normal numbers".
    bool want[] = {std::isfinite(a),
                   std::isinf(a),
                   !std::isnan(a),
                   std::isnan(a),
                   cls == FP_NORMAL || cls == FP_ZERO,
                   cls == FP_SUBNORMAL};
    for (int k = 0; k < 6; ++k)
      EXPECT_EQ(out.at<uint32_t>(e * 48 + 4 * k), uint32_t(want[k]))
          << "testp." << kinds[k] << ".f64 " << a;
    uint64_t bitsA = bits64(a), bitsB = bits64(b), sign = 1ull << 63;
    EXPECT_EQ(out.at<uint64_t>(e * 48 + 24), (bitsB & ~sign) | (bitsA & sign));
    if (!std::isnan(a)) {
      EXPECT_EQ(out.at<uint64_t>(e * 48 + 32), bitsA & ~sign);
      EXPECT_EQ(out.at<uint64_t>(e * 48 + 40), bitsA ^ sign);
    } else {
      EXPECT_EQ(out.at<uint64_t>(e * 48 + 32), bitsA) << "abs.f64 passes a NaN through";
      EXPECT_TRUE(std::isnan(out.at<double>(e * 48 + 40))) << "neg.f64 of a NaN";
    }
  }
}

// Forms outside the ISA's syntax for sm_75..sm_90 (ptxas refuses each of them too): the module
// does not load, and the diagnostic names the instruction.
PTX_CASE(FloatModifiers, UndefinedFormsRefused) {
  // Why each is refused: no rounding modifier (allowed for mad on sm_1x only); .ftz, .sat, .NaN and
  // .xorsign.abs exist for f32 only; .abs needs .xorsign with two inputs; div, sqrt and rcp need
  // one of .approx, .full (div.f32), .rnd; rsqrt, sin, cos, lg2, ex2 and tanh are .approx only;
  // f64 has only rcp.approx.ftz and rsqrt.approx{.ftz}; tanh, copysign and testp have no .ftz.
  const char *forms[] = {"mad.f32 %f1, %f2, %f3, %f4",
                         "mad.ftz.sat.f32 %f1, %f2, %f3, %f4",
                         "mad.f64 %fd1, %fd2, %fd3, %fd4",
                         "fma.f32 %f1, %f2, %f3, %f4",
                         "mad.rn.sat.f64 %fd1, %fd2, %fd3, %fd4",
                         "add.sat.f64 %fd1, %fd2, %fd3",
                         "mul.rn.ftz.f64 %fd1, %fd2, %fd3",
                         "neg.ftz.f64 %fd1, %fd2",
                         "max.ftz.f64 %fd1, %fd2, %fd3",
                         "min.NaN.f64 %fd1, %fd2, %fd3",
                         "max.xorsign.abs.f64 %fd1, %fd2, %fd3",
                         "min.abs.f32 %f1, %f2, %f3",
                         "abs.sat.f32 %f1, %f2",
                         "div.rn.sat.f32 %f1, %f2, %f3",
                         "div.f32 %f1, %f2, %f3",
                         "div.approx.f64 %fd1, %fd2, %fd3",
                         "div.full.f64 %fd1, %fd2, %fd3",
                         "sqrt.f32 %f1, %f2",
                         "sqrt.approx.f64 %fd1, %fd2",
                         "rcp.approx.f64 %fd1, %fd2",
                         "rsqrt.rn.f32 %f1, %f2",
                         "sin.f32 %f1, %f2",
                         "ex2.approx.f64 %fd1, %fd2",
                         "cos.approx.f64 %fd1, %fd2",
                         "tanh.approx.ftz.f32 %f1, %f2",
                         "copysign.ftz.f32 %f1, %f2, %f3",
                         "testp.normal.ftz.f32 %p1, %f2"};
  for (const char *form : forms) {
    Launch launch;
    launch.ptx = invalidOnPurpose(elementwiseKernel(std::string("  ") + form + ";\n", 1, 4, 4));
    launch.block.x = 32;
    launch.outSize = 4;
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << form;
    std::string opcode(form, std::string(form).find('.'));
    EXPECT_NE(outcome.message.find(opcode), std::string::npos) << form << ": " << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
