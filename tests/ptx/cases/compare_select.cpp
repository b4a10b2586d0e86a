// setp, set, selp and slct: every comparison of integer and floating-point operands, the
// .and/.or/.xor combination with a (possibly negated) predicate, and the paired destination
// (PTX ISA 9.7.9.1-4).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"

#include <bit>
#include <cmath>

namespace cuport::conformance {
namespace {

const char *const kIntegerOps[] = {"eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs"};
const char *const kFloatOps[] = {"eq",  "ne",  "lt",  "le",  "gt",  "ge",  "equ",
                                 "neu", "ltu", "leu", "gtu", "geu", "num", "nan"};

bool integerCompare(const std::string &op, uint64_t a, uint64_t b, const std::string &type) {
  int64_t x = asSigned(a, type), y = asSigned(b, type);
  bool isSigned = isSignedType(type);
  bool less = isSigned ? x < y : a < b;
  if (op == "eq")
    return a == b;
  if (op == "ne")
    return a != b;
  if (op == "lt")
    return less;
  if (op == "le")
    return less || a == b;
  if (op == "gt")
    return !less && a != b;
  if (op == "ge")
    return !less;
  if (op == "lo")
    return a < b;
  if (op == "ls")
    return a <= b;
  if (op == "hi")
    return a > b;
  return a >= b; // hs
}

double asFloat(uint64_t bits, const std::string &type) {
  return type == "f32" ? double(std::bit_cast<float>(uint32_t(bits))) : std::bit_cast<double>(bits);
}

// Flushes a denormal f32 to a zero of the same sign, as .ftz does.
double flushed(double value) {
  return std::fpclassify(float(value)) == FP_SUBNORMAL ? std::copysign(0.0, value) : value;
}

bool floatCompare(const std::string &op, double x, double y) {
  bool unordered = std::isnan(x) || std::isnan(y);
  if (op == "num")
    return !unordered;
  if (op == "nan")
    return unordered;
  std::string base = op.substr(0, 2);
  bool result = base == "eq"   ? x == y
                : base == "ne" ? x != y
                : base == "lt" ? x < y
                : base == "le" ? x <= y
                : base == "gt" ? x > y
                               : x >= y;
  if (unordered)
    return op.size() == 3; // the ...u forms are true for NaN, the ordered ones false
  return result;
}

// setp writes p and its complement q; both come back as 0/1.
ElementwiseOp setpOp(const std::string &instruction, const std::string &type) {
  return {{type, type},
          {"u32", "u32"},
          "  " + instruction +
              " %p0|%p1, %a0, %a1;\n"
              "  selp.u32 %r0, 1, 0, %p0;\n"
              "  selp.u32 %r1, 1, 0, %p1;",
          ".reg .pred %p<2>;"};
}

PTX_CASE(Setp, IntegerCompare) {
  for (const char *type : {"b16", "u16", "s16", "b32", "u32", "s32", "b64", "u64", "s64"})
    for (const char *op : kIntegerOps) {
      // Bit-size types compare only for equality; lo/ls/hi/hs are for unsigned types.
      if (type[0] == 'b' && std::string(op) != "eq" && std::string(op) != "ne")
        continue;
      std::string name = op;
      if (type[0] == 's' && (name == "lo" || name == "ls" || name == "hi" || name == "hs"))
        continue;
      std::string compareType = type[0] == 'b' ? "u" + std::string(type + 1) : type;
      checkOperation(setpOp(std::string("setp.") + op + "." + type, type),
                     [op, compareType](const uint64_t *a, uint64_t *r) {
                       r[0] = integerCompare(op, a[0], a[1], compareType);
                       r[1] = !r[0];
                     });
    }
}

PTX_CASE(Setp, FloatCompare) {
  for (const char *type : {"f32", "f64"}) {
    Domain edges{type == std::string("f32") ? widen(edgeFloats32()) : edgeFloats64(), 0};
    for (const char *op : kFloatOps)
      checkOperation(setpOp(std::string("setp.") + op + "." + type, type),
                     [op, type](const uint64_t *a, uint64_t *r) {
                       r[0] = floatCompare(op, asFloat(a[0], type), asFloat(a[1], type));
                       r[1] = !r[0];
                     },
                     {edges, edges});
  }
}

// .ftz compares denormal f32 operands as zeros of their sign.
PTX_CASE(Setp, FloatCompareFtz) {
  Domain edges{widen(edgeFloats32()), 0};
  for (const char *op : kFloatOps)
    checkOperation(setpOp(std::string("setp.") + op + ".ftz.f32", "f32"),
                   [op](const uint64_t *a, uint64_t *r) {
                     r[0] = floatCompare(op, flushed(asFloat(a[0], "f32")),
                                         flushed(asFloat(a[1], "f32")));
                     r[1] = !r[0];
                   },
                   {edges, edges});
}

// p = (a cmp b) BOOL c, q = !(a cmp b) BOOL c, with c or !c.
PTX_CASE(Setp, PredicateCombination) {
  for (const char *combine : {"and", "or", "xor"})
    for (bool negate : {false, true}) {
      ElementwiseOp op{{"s32", "s32", "u32"},
                       {"u32", "u32"},
                       std::string("  setp.ne.u32 %p2, %a2, 0;\n  setp.lt.") + combine +
                           ".s32 %p0|%p1, %a0, %a1, " + (negate ? "!" : "") +
                           "%p2;\n"
                           "  selp.u32 %r0, 1, 0, %p0;\n"
                           "  selp.u32 %r1, 1, 0, %p1;",
                       ".reg .pred %p<3>;"};
      std::string how = combine;
      checkOperation(op,
                     [how, negate](const uint64_t *a, uint64_t *r) {
                       bool less = asSigned(a[0], "s32") < asSigned(a[1], "s32");
                       bool c = (a[2] != 0) != negate;
                       auto apply = [&](bool x) {
                         return how == "and" ? x && c : how == "or" ? x || c : x != c;
                       };
                       r[0] = apply(less);
                       r[1] = apply(!less);
                     },
                     {Domain{}, Domain{}, Domain{{0, 1}, 1}});
    }
}

// set: all ones (integer destinations) or 1.0f (f32) when the comparison, combined with c, holds.
PTX_CASE(Set, IntegerAndFloatDestinations) {
  struct Variant {
    const char *instruction, *sourceType;
  };
  const Variant variants[] = {{"set.lt.u32.s32", "s32"},  {"set.hs.s32.u32", "u32"},
                              {"set.ne.u32.b16", "b16"},  {"set.ge.f32.s64", "s64"},
                              {"set.ltu.u32.f32", "f32"}, {"set.nan.f32.f64", "f64"},
                              {"set.eq.s32.f64", "f64"}};
  for (const Variant &variant : variants) {
    std::string name = variant.instruction, type = variant.sourceType;
    std::string op = name.substr(4, name.find('.', 4) - 4);
    bool floatResult = name.find(".f32.") != std::string::npos;
    bool floatSource = type[0] == 'f';
    std::vector<Domain> domains;
    if (floatSource) {
      Domain edges{type == "f32" ? widen(edgeFloats32()) : edgeFloats64(), 0};
      domains = {edges, edges};
    }
    checkOperation(
        // A .b32 result register: an f32 destination type does not take a .u32 one.
        {{type, type}, {"b32"}, "  " + name + " %r0, %a0, %a1;"},
        [=](const uint64_t *a, uint64_t *r) {
          bool holds = floatSource ? floatCompare(op, asFloat(a[0], type), asFloat(a[1], type))
                                   : integerCompare(op, a[0], a[1], type[0] == 'b' ? "u16" : type);
          r[0] = floatResult ? (holds ? 0x3f800000u : 0) : (holds ? 0xffffffffu : 0);
        },
        domains);
  }
}

PTX_CASE(Set, PredicateCombination) {
  for (const char *combine : {"and", "or", "xor"}) {
    std::string how = combine;
    checkOperation(
        {{"u32", "u32", "u32"},
         {"u32"},
         "  setp.ne.u32 %p0, %a2, 0;\n  set.gt." + how + ".u32.u32 %r0, %a0, %a1, !%p0;",
         ".reg .pred %p0;"},
        [how](const uint64_t *a, uint64_t *r) {
          bool greater = a[0] > a[1], c = a[2] == 0;
          bool holds = how == "and" ? greater && c : how == "or" ? greater || c : greater != c;
          r[0] = holds ? 0xffffffffu : 0;
        },
        {Domain{}, Domain{}, Domain{{0, 1}, 1}});
  }
}

PTX_CASE(Selp, AllTypes) {
  for (const char *type :
       {"b16", "u16", "s16", "b32", "u32", "s32", "f32", "b64", "u64", "s64", "f64"})
    checkOperation(
        {{type, type, "u32"},
         {type},
         std::string("  setp.ne.u32 %p0, %a2, 0;\n  selp.") + type + " %r0, %a0, %a1, %p0;",
         ".reg .pred %p0;"},
        [](const uint64_t *a, uint64_t *r) { r[0] = a[2] ? a[0] : a[1]; },
        {Domain{}, Domain{}, Domain{{0, 1, 0x80000000u}, 1}});
}

// slct: a when c >= 0, else b; c is .s32 or .f32 (a NaN is not >= 0; -0.0 is).
PTX_CASE(Slct, S32Selector) {
  for (const char *type :
       {"b16", "u16", "s16", "b32", "u32", "s32", "f32", "b64", "u64", "s64", "f64"})
    checkOperation(
        {{type, type, "s32"}, {type}, std::string("  slct.") + type + ".s32 %r0, %a0, %a1, %a2;"},
        [](const uint64_t *a, uint64_t *r) { r[0] = asSigned(a[2], "s32") >= 0 ? a[0] : a[1]; });
}

PTX_CASE(Slct, F32Selector) {
  Domain selectors{widen(edgeFloats32()), 0};
  for (bool ftz : {false, true})
    for (const char *type : {"u32", "s64", "f32"})
      checkOperation(
          {{type, type, "f32"},
           {type},
           std::string("  slct") + (ftz ? ".ftz." : ".") + type + ".f32 %r0, %a0, %a1, %a2;"},
          [ftz](const uint64_t *a, uint64_t *r) {
            double c = asFloat(a[2], "f32");
            if (ftz)
              c = flushed(c);
            r[0] = c >= 0 ? a[0] : a[1];
          },
          {Domain{}, Domain{}, selectors});
}

} // namespace
} // namespace cuport::conformance
