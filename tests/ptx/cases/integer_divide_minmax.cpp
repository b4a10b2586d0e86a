// div, rem, abs, neg, min, max on every integer width (PTX ISA 9.7.1.9-14).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

// The ISA leaves x/0 unspecified; MIN/-1 overflows the type and is left out too.
bool undefinedDivision(uint64_t a, uint64_t b, const std::string &type) {
  unsigned bits = bitsOf(type);
  if (lowBits(b, bits) == 0)
    return true;
  return isSignedType(type) && lowBits(a, bits) == uint64_t(1) << (bits - 1) &&
         lowBits(b, bits) == lowBits(~uint64_t(0), bits);
}

PTX_CASE(IntegerDiv, AllTypes) {
  for (const char *type : kIntegerTypes)
    checkOperation({{type, type}, {type}, std::string("  div.") + type + " %r0, %a0, %a1;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     if (undefinedDivision(a[0], a[1], type))
                       return unspecifiedResult();
                     // C++ division truncates toward zero, as PTX's does.
                     r[0] = isSignedType(type)
                                ? uint64_t(asSigned(a[0], type) / asSigned(a[1], type))
                                : a[0] / a[1];
                   });
}

PTX_CASE(IntegerRem, AllTypes) {
  for (const char *type : kIntegerTypes)
    checkOperation({{type, type}, {type}, std::string("  rem.") + type + " %r0, %a0, %a1;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     if (undefinedDivision(a[0], a[1], type))
                       return unspecifiedResult();
                     // The remainder takes the dividend's sign, as C++'s does.
                     r[0] = isSignedType(type)
                                ? uint64_t(asSigned(a[0], type) % asSigned(a[1], type))
                                : a[0] % a[1];
                   });
}

// abs and neg are defined on the signed types; the most negative value wraps to itself.
PTX_CASE(IntegerAbs, Signed) {
  for (const char *type : {"s16", "s32", "s64"})
    checkOperation({{type}, {type}, std::string("  abs.") + type + " %r0, %a0;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     int64_t value = asSigned(a[0], type);
                     r[0] = value < 0 ? 0 - uint64_t(value) : uint64_t(value);
                   });
}

PTX_CASE(IntegerNeg, Signed) {
  for (const char *type : {"s16", "s32", "s64"})
    checkOperation({{type}, {type}, std::string("  neg.") + type + " %r0, %a0;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = 0 - a[0]; });
}

PTX_CASE(IntegerMinMax, AllTypes) {
  for (const char *type : kIntegerTypes) {
    auto less = [type](uint64_t x, uint64_t y) {
      return isSignedType(type) ? asSigned(x, type) < asSigned(y, type) : x < y;
    };
    checkOperation(
        {{type, type}, {type}, std::string("  min.") + type + " %r0, %a0, %a1;"},
        [less](const uint64_t *a, uint64_t *r) { r[0] = less(a[1], a[0]) ? a[1] : a[0]; });
    checkOperation(
        {{type, type}, {type}, std::string("  max.") + type + " %r0, %a0, %a1;"},
        [less](const uint64_t *a, uint64_t *r) { r[0] = less(a[0], a[1]) ? a[1] : a[0]; });
  }
}

// Rejected: abs and neg of unsigned types, which the ISA does not define.
PTX_CASE(IntegerAbs, UnsignedRejected) {
  for (const char *instruction : {"abs.u32", "neg.u32", "abs.b32"}) {
    Outcome outcome =
        run(Launch{invalidOnPurpose(elementwiseModule(
                       {{"u32"}, {"u32"}, std::string("  ") + instruction + " %r0, %a0;"})),
                   "test",
                   {},
                   {},
                   0,
                   {},
                   0,
                   {}});
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find(instruction), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance

namespace cuport::conformance {
namespace {

int64_t relu(int64_t value) {
  return value < 0 ? 0 : value;
}

// min/max.relu.s32 (sm_90): the result, negative values clamped to zero.
PTX_CASE(IntegerMinMax, ReluS32) {
  for (bool min : {true, false}) {
    ElementwiseOp op{{"s32", "s32"},
                     {"s32"},
                     std::string("  ") + (min ? "min" : "max") + ".relu.s32 %r0, %a0, %a1;"};
    op.sm = 90;
    checkOperation(op, [min](const uint64_t *a, uint64_t *r) {
      int64_t x = asSigned(a[0], "s32"), y = asSigned(a[1], "s32");
      r[0] = uint64_t(relu(min ? std::min(x, y) : std::max(x, y)));
    });
  }
}

// The packed forms: each 16-bit half on its own.
PTX_CASE(IntegerMinMax, Packed16x2) {
  struct Variant {
    const char *instruction;
    bool min, isSigned, relu;
  };
  const Variant variants[] = {
      {"min.u16x2", true, false, false},    {"max.u16x2", false, false, false},
      {"min.s16x2", true, true, false},     {"max.s16x2", false, true, false},
      {"min.relu.s16x2", true, true, true}, {"max.relu.s16x2", false, true, true},
  };
  for (const Variant &variant : variants) {
    ElementwiseOp op{
        {"b32", "b32"}, {"b32"}, std::string("  ") + variant.instruction + " %r0, %a0, %a1;"};
    op.sm = 90;
    checkOperation(op, [variant](const uint64_t *a, uint64_t *r) {
      r[0] = 0;
      for (unsigned half = 0; half < 2; ++half) {
        uint64_t x = a[0] >> (16 * half) & 0xffff, y = a[1] >> (16 * half) & 0xffff;
        int64_t vx = variant.isSigned ? signExtend(x, 16) : int64_t(x);
        int64_t vy = variant.isSigned ? signExtend(y, 16) : int64_t(y);
        int64_t value = variant.min ? std::min(vx, vy) : std::max(vx, vy);
        if (variant.relu)
          value = relu(value);
        r[0] |= (uint64_t(value) & 0xffff) << (16 * half);
      }
    });
  }
}

// .relu is defined only for the signed .s32 and .s16x2 forms.
PTX_CASE(IntegerMinMax, ReluRejectedElsewhere) {
  for (const char *instruction : {"max.relu.u32", "min.relu.s64", "max.relu.u16x2"}) {
    ElementwiseOp op{{"b32", "b32"}, {"b32"}, std::string("  ") + instruction + " %r0, %a0, %a1;"};
    if (std::string(instruction).find("s64") != std::string::npos)
      op = ElementwiseOp{
          {"s64", "s64"}, {"s64"}, std::string("  ") + instruction + " %r0, %a0, %a1;"};
    op.sm = 90;
    Launch launch;
    launch.ptx = invalidOnPurpose(elementwiseModule(op));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("unsupported"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
