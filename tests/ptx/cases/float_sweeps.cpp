// Unary f32 operations and conversions through checkOperation: edge values and random samples in
// the normal run, every one of the 2^32 inputs under the `exhaustive` label. NaN results may carry
// any payload, so the kernels turn any NaN result into 0x7fffffff (testp + selp) before storing.
#include "tests/ptx/cases/float_support.h"
#include "tests/ptx/elementwise.h"

namespace cuport::conformance {
namespace {

using namespace floats;

// `instruction` is applied to %a0 into %x<k> (f32), then NaNs become 0x7fffffff in %r<k>.
std::string f32Results(const std::vector<std::string> &instructions) {
  std::string body;
  for (size_t k = 0; k < instructions.size(); ++k) {
    std::string x = "%x" + std::to_string(k), r = "%r" + std::to_string(k);
    body += "  " + instructions[k] + " " + x + ", %a0;\n";
    body += "  testp.notanumber.f32 %q, " + x + ";\n";
    body += "  mov.b32 " + r + ", " + x + ";\n";
    body += "  selp.b32 " + r + ", 0x7fffffff, " + r + ", %q;\n";
  }
  return body;
}

uint32_t canonical(float value) {
  return std::isnan(value) ? 0x7fffffffu : bits32(value);
}

template <typename Compute>
void checkUnaryF32(const std::vector<std::string> &instructions, Compute compute) {
  ElementwiseOp op({"f32"}, std::vector<std::string>(instructions.size(), "b32"),
                   f32Results(instructions),
                   ".reg .f32 %x<" + std::to_string(instructions.size()) + ">;\n.reg .pred %q;");
  checkOperation(op, [&](const uint64_t *a, uint64_t *r) {
    for (size_t k = 0; k < instructions.size(); ++k)
      r[k] = canonical(compute(k, f32(uint32_t(a[0]))));
  });
}

PTX_CASE(FloatSweep, SqrtF32EveryMode) {
  checkUnaryF32({"sqrt.rn.f32", "sqrt.rz.f32", "sqrt.rm.f32", "sqrt.rp.f32"},
                [](size_t k, float x) {
                  volatile float v = x;
                  return inMode(kModes[k], [&] {
                    volatile float r = std::sqrt(float(v));
                    return float(r);
                  });
                });
}

PTX_CASE(FloatSweep, RcpF32EveryMode) {
  checkUnaryF32({"rcp.rn.f32", "rcp.rz.f32", "rcp.rm.f32", "rcp.rp.f32", "rcp.rn.ftz.f32"},
                [](size_t k, float x) {
                  bool ftz = k == 4;
                  if (ftz && std::fpclassify(x) == FP_SUBNORMAL)
                    x = std::copysign(0.0f, x);
                  volatile float v = x;
                  float r = inMode(kModes[ftz ? 0 : k], [&] {
                    volatile float q = 1.0f / v;
                    return float(q);
                  });
                  return ftz && std::fpclassify(r) == FP_SUBNORMAL ? std::copysign(0.0f, r) : r;
                });
}

// Conversions from f32 to 16-bit and integer results, every rounding.
PTX_CASE(FloatSweep, CvtF16AndBf16FromF32) {
  const char *names[] = {"cvt.rn.f16.f32", "cvt.rz.f16.f32",  "cvt.rm.f16.f32",
                         "cvt.rp.f16.f32", "cvt.rn.bf16.f32", "cvt.rz.bf16.f32"};
  // A NaN input gives some NaN; the kernel stores 0x7fff for it.
  std::string body = "  testp.notanumber.f32 %q, %a0;\n";
  for (int k = 0; k < 6; ++k) {
    std::string r = "%r" + std::to_string(k);
    body += std::string("  ") + names[k] + " " + r + ", %a0;\n";
    body += "  selp.b16 " + r + ", 0x7fff, " + r + ", %q;\n";
  }
  ElementwiseOp op({"f32"}, std::vector<std::string>(6, "b16"), body, ".reg .pred %q;");
  op.sm = 80;
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    float x = f32(uint32_t(a[0]));
    for (int k = 0; k < 6; ++k) {
      const NarrowFormat &f = k < 4 ? kHalf : kBfloat;
      Mode mode = k < 4 ? kModes[k] : k == 4 ? Mode::rn : Mode::rz;
      uint32_t result;
      if (std::isnan(x))
        result = 0x7fff;
      else if (std::isinf(x))
        result = f.infinity() | (x < 0 ? f.signBit() : 0);
      else
        result = f.round(x, mode);
      r[k] = result;
    }
  });
}

PTX_CASE(FloatSweep, CvtS32FromF32) {
  ElementwiseOp op({"f32"}, {"s32", "s32", "s32", "s32", "u32"},
                   "  cvt.rni.s32.f32 %r0, %a0;\n  cvt.rzi.s32.f32 %r1, %a0;\n"
                   "  cvt.rmi.s32.f32 %r2, %a0;\n  cvt.rpi.s32.f32 %r3, %a0;\n"
                   "  cvt.rni.u32.f32 %r4, %a0;\n");
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    float x = f32(uint32_t(a[0]));
    for (int k = 0; k < 5; ++k) {
      long double low = k < 4 ? -2147483648.0L : 0.0L, high = k < 4 ? 2147483647.0L : 4294967295.0L;
      long double v = k == 0 || k == 4 ? std::nearbyint((long double)x)
                      : k == 1         ? std::trunc((long double)x)
                      : k == 2         ? std::floor((long double)x)
                                       : std::ceil((long double)x);
      v = std::isnan(x) ? 0 : std::clamp(v, low, high);
      r[k] = k < 4 ? uint64_t(uint32_t(int32_t(v))) : uint64_t(uint32_t(v));
    }
  });
}

} // namespace
} // namespace cuport::conformance
