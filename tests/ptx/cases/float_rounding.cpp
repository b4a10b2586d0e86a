// f32 and f64 add, sub, mul, div, fma, mad, sqrt and rcp in every rounding mode (.rn, .rz, .rm,
// .rp), against the host FPU switched to the same IEEE 754 mode; add, sub and mul without a
// rounding modifier round to nearest even. mad with a rounding modifier is fma (PTX ISA, "mad":
// the product and the sum in infinite precision, one rounding). rcp.rnd.ftz.f64, which ptxas
// assembles though the ISA's syntax has .ftz on rcp.rnd.f32 only, gets .ftz's meaning there:
// subnormal inputs and results become zeros of the same sign.
#include "tests/ptx/cases/float_support.h"

namespace cuport::conformance {
namespace {

using namespace floats;

enum class Op { add, sub, mul, div, fma, mad, sqrt, rcp };
const char *opName(Op op) {
  static const char *const kNames[] = {"add", "sub", "mul", "div", "fma", "mad", "sqrt", "rcp"};
  return kNames[int(op)];
}
int arity(Op op) {
  return op == Op::sqrt || op == Op::rcp ? 1 : op == Op::fma || op == Op::mad ? 3 : 2;
}

template <typename T> T reference(Op op, T a, T b, T c, Mode mode) {
  volatile T x = a, y = b, z = c;
  return inMode(mode, [&]() -> T {
    volatile T result;
    switch (op) {
    case Op::add:
      result = x + y;
      break;
    case Op::sub:
      result = x - y;
      break;
    case Op::mul:
      result = x * y;
      break;
    case Op::div:
      result = x / y;
      break;
    case Op::fma:
    case Op::mad:
      result = std::fma(T(x), T(y), T(z));
      break;
    case Op::sqrt:
      result = std::sqrt(T(x));
      break;
    case Op::rcp:
      result = T(1) / x;
      break;
    }
    return T(result);
  });
}

// One kernel per operation computes all four modes; each element holds its three operands.
// `defaultMode`: the instruction without a rounding modifier instead, expected to round to
// nearest even. `ftz`: the instruction with .ftz after the rounding modifier.
template <typename T>
void checkAllModes(Op op, const std::string &caseName, bool defaultMode = false, bool ftz = false) {
  constexpr bool single = sizeof(T) == 4;
  const char *type = single ? "f32" : "f64";
  const char *reg = single ? "%f" : "%fd";
  size_t width = sizeof(T);
  std::vector<uint64_t> pool;
  if constexpr (single)
    for (uint32_t v : samples32(caseName, 64))
      pool.push_back(v);
  else
    pool = samples64(caseName, 64);
  // Every pair of edge and sampled values, then random triples.
  Bytes in;
  size_t count = 0;
  auto push = [&](uint64_t a, uint64_t b, uint64_t c) {
    for (uint64_t v : {a, b, c}) {
      if constexpr (single)
        in.push(uint32_t(v));
      else
        in.push(v);
    }
    ++count;
  };
  size_t pairs = arity(op) == 1 ? 1 : pool.size();
  for (size_t i = 0; i < pool.size(); ++i)
    for (size_t j = 0; j < pairs; ++j)
      push(pool[i], pool[j], pool[(i * 7 + j * 3) % pool.size()]);
  std::vector<uint64_t> more = single ? [&] {
    std::vector<uint64_t> v;
    for (uint32_t x : samples32(caseName + ".more", kRandomSamples * 3))
      v.push_back(x);
    return v;
  }()
                                      : samples64(caseName + ".more", kRandomSamples * 3);
  for (size_t i = 0; i + 2 < more.size(); i += 3)
    push(more[i], more[i + 1], more[i + 2]);

  std::string body;
  for (int k = 0; k < 3; ++k)
    body += std::string("ld.global.") + type + " " + reg + std::to_string(k + 1) + ", [%rd4+" +
            std::to_string(k * width) + "];\n";
  std::string operands[] = {"", reg + std::string("1"), reg + std::string("1, ") + reg + "2",
                            reg + std::string("1, ") + reg + "2, " + reg + "3"};
  for (Mode mode : kModes) {
    std::string dest = reg + std::to_string(4 + int(mode));
    std::string rounding = defaultMode ? "" : std::string(".") + modeName(mode);
    body += std::string(opName(op)) + rounding + (ftz ? ".ftz." : ".") + type + " " + dest + ", " +
            operands[arity(op)] + ";\n";
    body += std::string("st.global.") + type + " [%rd6+" + std::to_string(int(mode) * width) +
            "], " + dest + ";\n";
  }
  Bytes out = runElementwise(body, in, count, 3 * width, 4 * width);

  auto flushed = [ftz](T value) {
    return ftz && std::fpclassify(value) == FP_SUBNORMAL ? std::copysign(T(0), value) : value;
  };
  int failures = 0;
  for (size_t e = 0; e < count && failures < 10; ++e) {
    for (Mode mode : kModes) {
      size_t at = e * 4 * width + int(mode) * width;
      T a = in.at<T>(e * 3 * width), b = in.at<T>(e * 3 * width + width),
        c = in.at<T>(e * 3 * width + 2 * width);
      T want =
          flushed(reference(op, flushed(a), flushed(b), flushed(c), defaultMode ? Mode::rn : mode));
      bool same;
      if constexpr (single)
        same = sameFloat(out.at<uint32_t>(at), bits32(want));
      else
        same = sameDouble(out.at<uint64_t>(at), bits64(want));
      if (!same) {
        ++failures;
        ADD_FAILURE() << opName(op) << (defaultMode ? "" : ".")
                      << (defaultMode ? "" : modeName(mode)) << (ftz ? ".ftz." : ".") << type
                      << " (" << a << ", " << b << ", " << c << ") gave " << out.at<T>(at)
                      << ", expected " << want;
      }
    }
  }
}

PTX_CASE(FloatRounding, AddF32) {
  checkAllModes<float>(Op::add, "FloatRounding.AddF32");
}
PTX_CASE(FloatRounding, SubF32) {
  checkAllModes<float>(Op::sub, "FloatRounding.SubF32");
}
PTX_CASE(FloatRounding, MulF32) {
  checkAllModes<float>(Op::mul, "FloatRounding.MulF32");
}
PTX_CASE(FloatRounding, DivF32) {
  checkAllModes<float>(Op::div, "FloatRounding.DivF32");
}
PTX_CASE(FloatRounding, FmaF32) {
  checkAllModes<float>(Op::fma, "FloatRounding.FmaF32");
}
PTX_CASE(FloatRounding, MadF32) {
  checkAllModes<float>(Op::mad, "FloatRounding.MadF32");
}
PTX_CASE(FloatRounding, SqrtF32) {
  checkAllModes<float>(Op::sqrt, "FloatRounding.SqrtF32");
}
PTX_CASE(FloatRounding, RcpF32) {
  checkAllModes<float>(Op::rcp, "FloatRounding.RcpF32");
}
PTX_CASE(FloatRounding, AddF64) {
  checkAllModes<double>(Op::add, "FloatRounding.AddF64");
}
PTX_CASE(FloatRounding, SubF64) {
  checkAllModes<double>(Op::sub, "FloatRounding.SubF64");
}
PTX_CASE(FloatRounding, MulF64) {
  checkAllModes<double>(Op::mul, "FloatRounding.MulF64");
}
PTX_CASE(FloatRounding, DivF64) {
  checkAllModes<double>(Op::div, "FloatRounding.DivF64");
}
PTX_CASE(FloatRounding, FmaF64) {
  checkAllModes<double>(Op::fma, "FloatRounding.FmaF64");
}
PTX_CASE(FloatRounding, MadF64) {
  checkAllModes<double>(Op::mad, "FloatRounding.MadF64");
}
PTX_CASE(FloatRounding, SqrtF64) {
  checkAllModes<double>(Op::sqrt, "FloatRounding.SqrtF64");
}
PTX_CASE(FloatRounding, RcpF64) {
  checkAllModes<double>(Op::rcp, "FloatRounding.RcpF64");
}
PTX_CASE(FloatRounding, RcpFtzF64) {
  checkAllModes<double>(Op::rcp, "FloatRounding.RcpFtzF64", false, /*ftz=*/true);
}

// No rounding modifier: round to nearest even (the four kernel slots all hold the default form).
PTX_CASE(FloatRounding, DefaultModeF32) {
  for (Op op : {Op::add, Op::sub, Op::mul})
    checkAllModes<float>(op, std::string("FloatRounding.DefaultModeF32.") + opName(op), true);
}
PTX_CASE(FloatRounding, DefaultModeF64) {
  for (Op op : {Op::add, Op::sub, Op::mul})
    checkAllModes<double>(op, std::string("FloatRounding.DefaultModeF64.") + opName(op), true);
}

// "NaN payloads are supported for double-precision instructions": with one NaN operand the result
// is that NaN, made quiet, in every rounding mode (its sign is not checked).
PTX_CASE(FloatRounding, NaNPayloadF64) {
  const uint64_t nans[] = {0x7ff8000000000005ull, 0xfff8000012345678ull, 0x7ff0000000000001ull,
                           0x7fffffffffffffffull, 0xfff4000000000000ull};
  const double others[] = {1.5, -0.0, 3e300, 5e-324, -7.25};
  Bytes in;
  std::vector<int> nanAt; // which operand holds the NaN
  std::vector<uint64_t> nanOf;
  for (uint64_t nan : nans)
    for (double other : others)
      for (int position = 0; position < 3; ++position) {
        for (int k = 0; k < 3; ++k)
          in.push(k == position ? nan : bits64(other));
        nanAt.push_back(position);
        nanOf.push_back(nan);
      }
  const Op ops[] = {Op::add, Op::sub, Op::mul, Op::div, Op::fma, Op::mad, Op::sqrt, Op::rcp};
  std::string body = "ld.global.f64 %fd1, [%rd4];\nld.global.f64 %fd2, [%rd4+8];\n"
                     "ld.global.f64 %fd3, [%rd4+16];\n";
  const char *operands[] = {"", "%fd1", "%fd1, %fd2", "%fd1, %fd2, %fd3"};
  size_t slot = 0;
  for (Op op : ops)
    for (Mode mode : kModes) {
      body += std::string(opName(op)) + "." + modeName(mode) + ".f64 %fd4, " + operands[arity(op)] +
              ";\nst.global.f64 [%rd6+" + std::to_string(8 * slot++) + "], %fd4;\n";
    }
  Bytes out = runElementwise(body, in, nanAt.size(), 24, 8 * slot);
  uint64_t magnitude = ~(1ull << 63), quiet = 1ull << 51;
  for (size_t e = 0; e < nanAt.size(); ++e) {
    size_t s = 0;
    for (Op op : ops)
      for (Mode mode : kModes) {
        uint64_t got = out.at<uint64_t>(e * 8 * slot + 8 * s++);
        if (nanAt[e] >= arity(op))
          continue; // the NaN is not an operand of this one
        EXPECT_EQ(got & magnitude, (nanOf[e] | quiet) & magnitude)
            << opName(op) << "." << modeName(mode) << ".f64 with the NaN 0x" << std::hex << nanOf[e]
            << " as operand " << nanAt[e] << " gave 0x" << got;
      }
  }
}

// Immediate operands: hex bit patterns (0f, 0d) and decimal literals, which are f64 values
// rounded to f32 where the instruction is .f32, in any operand position.
PTX_CASE(FloatRounding, ImmediateOperands) {
  std::vector<uint32_t> pool = samples32("FloatRounding.ImmediateOperands", 256);
  std::vector<uint64_t> pool64 = samples64("FloatRounding.ImmediateOperands.f64", 256);
  pool.resize(std::min(pool.size(), pool64.size()));
  Bytes in;
  for (size_t i = 0; i < pool.size(); ++i)
    in.push(uint64_t(pool[i])).push(pool64[i]);
  Bytes out = runElementwise("ld.global.f32 %f1, [%rd4];\nld.global.f64 %fd1, [%rd4+8];\n"
                             "mul.rn.f32 %f2, %f1, 0f40400000;\nst.global.f32 [%rd6], %f2;\n"
                             "sub.f32 %f2, 0f3F800000, %f1;\nst.global.f32 [%rd6+4], %f2;\n"
                             "div.rn.f32 %f2, %f1, 3.14159;\nst.global.f32 [%rd6+8], %f2;\n"
                             "fma.rn.f64 %fd2, %fd1, 0d4000000000000000, 0d3FF0000000000000;\n"
                             "st.global.f64 [%rd6+16], %fd2;\n"
                             "add.rz.f64 %fd2, %fd1, 0.1;\nst.global.f64 [%rd6+24], %fd2;\n",
                             in, pool.size(), 16, 32);
  for (size_t i = 0; i < pool.size(); ++i) {
    float a = f32(pool[i]);
    double d = f64(pool64[i]);
    float want32[] = {reference(Op::mul, a, 3.0f, 0.0f, Mode::rn),
                      reference(Op::sub, 1.0f, a, 0.0f, Mode::rn),
                      reference(Op::div, a, float(3.14159), 0.0f, Mode::rn)};
    for (int k = 0; k < 3; ++k)
      EXPECT_TRUE(sameFloat(out.at<uint32_t>(i * 32 + 4 * k), bits32(want32[k])))
          << "f32 immediate form " << k << " of " << a << " gave " << out.at<float>(i * 32 + 4 * k)
          << ", expected " << want32[k];
    double want64[] = {reference(Op::fma, d, 2.0, 1.0, Mode::rn),
                       reference(Op::add, d, 0.1, 0.0, Mode::rz)};
    for (int k = 0; k < 2; ++k)
      EXPECT_TRUE(sameDouble(out.at<uint64_t>(i * 32 + 16 + 8 * k), bits64(want64[k])))
          << "f64 immediate form " << k << " of " << d << " gave "
          << out.at<double>(i * 32 + 16 + 8 * k) << ", expected " << want64[k];
  }
}

} // namespace
} // namespace cuport::conformance
