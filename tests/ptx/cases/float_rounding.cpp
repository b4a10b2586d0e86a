// f32 and f64 add, sub, mul, div, fma, mad, sqrt and rcp in every rounding mode (.rn, .rz, .rm,
// .rp), against the host FPU switched to the same IEEE 754 mode; add, sub and mul without a
// rounding modifier round to nearest even. mad with a rounding modifier is fma (PTX ISA, "mad":
// the product and the sum in infinite precision, one rounding).
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
// nearest even.
template <typename T>
void checkAllModes(Op op, const std::string &caseName, bool defaultMode = false) {
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
    body += std::string(opName(op)) + rounding + "." + type + " " + dest + ", " +
            operands[arity(op)] + ";\n";
    body += std::string("st.global.") + type + " [%rd6+" + std::to_string(int(mode) * width) +
            "], " + dest + ";\n";
  }
  Bytes out = runElementwise(body, in, count, 3 * width, 4 * width);

  int failures = 0;
  for (size_t e = 0; e < count && failures < 10; ++e) {
    for (Mode mode : kModes) {
      size_t at = e * 4 * width + int(mode) * width;
      T a = in.at<T>(e * 3 * width), b = in.at<T>(e * 3 * width + width),
        c = in.at<T>(e * 3 * width + 2 * width);
      T want = reference(op, a, b, c, defaultMode ? Mode::rn : mode);
      bool same;
      if constexpr (single)
        same = sameFloat(out.at<uint32_t>(at), bits32(want));
      else
        same = sameDouble(out.at<uint64_t>(at), bits64(want));
      if (!same) {
        ++failures;
        ADD_FAILURE() << opName(op) << (defaultMode ? "" : ".")
                      << (defaultMode ? "" : modeName(mode)) << "." << type << " (" << a << ", "
                      << b << ", " << c << ") gave " << out.at<T>(at) << ", expected " << want;
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

// No rounding modifier: round to nearest even (the four kernel slots all hold the default form).
PTX_CASE(FloatRounding, DefaultModeF32) {
  for (Op op : {Op::add, Op::sub, Op::mul})
    checkAllModes<float>(op, std::string("FloatRounding.DefaultModeF32.") + opName(op), true);
}
PTX_CASE(FloatRounding, DefaultModeF64) {
  for (Op op : {Op::add, Op::sub, Op::mul})
    checkAllModes<double>(op, std::string("FloatRounding.DefaultModeF64.") + opName(op), true);
}

} // namespace
} // namespace cuport::conformance
