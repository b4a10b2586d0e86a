// setp and set on half-precision operands (PTX ISA 9.7.7): f16, bf16 and the packed pairs f16x2,
// bf16x2 (low half first), every comparison operator incl. the unordered ones, .ftz (subnormal f16
// inputs compare as zeros of their sign), the .and/.or/.xor combination with a (negated)
// predicate, setp's p|q of a pair, and every destination type set allows: .u16/.s16/.u32/.s32 (all
// ones), .f16/.bf16 (1.0), per half for the pairs; and .f16/.bf16 results of integer and f32/f64
// comparisons.
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

#include <bit>
#include <cmath>
#include <string>

namespace cuport::conformance {
namespace {

const char *const kOps[] = {"eq",  "ne",  "lt",  "le",  "gt",  "ge",  "equ",
                            "neu", "ltu", "leu", "gtu", "geu", "num", "nan"};

struct Format {
  const char *scalar, *pair;
  bool bfloat;
  unsigned sm;
  const char *version;
  uint16_t one; // 1.0
};
const Format kF16{"f16", "f16x2", false, 75, "8.0", 0x3c00};
const Format kBF16{"bf16", "bf16x2", true, 90, "7.8", 0x3f80};

// The value of a half-precision bit pattern: 1 sign, 5 exponent (bias 15) and 10 fraction bits
// for f16; bf16 is the upper half of an f32. `ftz` reads a subnormal f16 as a zero of its sign.
double halfValue(uint16_t bits, bool bfloat, bool ftz) {
  if (bfloat)
    return std::bit_cast<float>(uint32_t(bits) << 16);
  int exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff;
  double sign = bits & 0x8000 ? -1.0 : 1.0;
  if (exponent == 0x1f)
    return fraction ? NAN : sign * INFINITY;
  if (exponent == 0)
    return ftz ? sign * 0.0 : sign * std::ldexp(double(fraction), -24);
  return sign * std::ldexp(double(fraction | 0x400), exponent - 25);
}

// a CmpOp b: the ordered operators are false and the unordered (...u) ones true when either
// operand is NaN; num and nan test for that alone.
bool compareValues(const std::string &op, double x, double y) {
  bool unordered = std::isnan(x) || std::isnan(y);
  if (op == "num")
    return !unordered;
  if (op == "nan")
    return unordered;
  if (unordered)
    return op.size() == 3;
  std::string base = op.substr(0, 2);
  return base == "eq"   ? x == y
         : base == "ne" ? x != y
         : base == "lt" ? x < y
         : base == "le" ? x <= y
         : base == "gt" ? x > y
                        : x >= y;
}

bool compareHalves(const std::string &op, uint64_t a, uint64_t b, const Format &f, bool ftz) {
  return compareValues(op, halfValue(uint16_t(a), f.bfloat, ftz),
                       halfValue(uint16_t(b), f.bfloat, ftz));
}

bool combine(const std::string &how, bool value, bool c) {
  return how.empty() ? value : how == "and" ? value && c : how == "or" ? value || c : value != c;
}

std::vector<uint64_t> scalarEdges(const Format &f) {
  return widen(f.bfloat ? edgeBfloats() : edgeHalves());
}

// Pairs of edge values: each edge in the low half with another edge (or itself) in the high half.
std::vector<uint64_t> pairEdges(const Format &f) {
  std::vector<uint64_t> scalars = scalarEdges(f), pairs;
  for (size_t i = 0; i < scalars.size(); ++i) {
    pairs.push_back(scalars[i] | scalars[i] << 16);
    pairs.push_back(scalars[i] | scalars[(i * 7 + 3) % scalars.size()] << 16);
  }
  return pairs;
}

ElementwiseOp forFormat(ElementwiseOp op, const Format &f) {
  op.sm = f.sm;
  op.version = f.version;
  return op;
}

// setp.CmpOp{.ftz}.f16 / .bf16 p, a, b.
void checkScalarSetp(const Format &f, bool ftz) {
  Domain edges{scalarEdges(f), 0};
  for (std::string op : kOps) {
    std::string instruction = "setp." + op + (ftz ? ".ftz." : ".") + f.scalar;
    checkOperation(
        forFormat({{"b16", "b16"},
                   {"u32"},
                   "  " + instruction +
                       " %p0, %a0, %a1;\n"
                       "  selp.u32 %r0, 1, 0, %p0;",
                   ".reg .pred %p0;"},
                  f),
        [=](const uint64_t *a, uint64_t *r) { r[0] = compareHalves(op, a[0], a[1], f, ftz); },
        {edges, edges});
  }
}

// setp.CmpOp{.ftz}.f16x2 / .bf16x2 p|q, a, b: p from the low halves, q from the high halves.
void checkPairSetp(const Format &f, bool ftz) {
  Domain edges{pairEdges(f), 0};
  for (std::string op : kOps) {
    std::string instruction = "setp." + op + (ftz ? ".ftz." : ".") + f.pair;
    checkOperation(forFormat({{"b32", "b32"},
                              {"u32", "u32"},
                              "  " + instruction +
                                  " %p0|%p1, %a0, %a1;\n"
                                  "  selp.u32 %r0, 1, 0, %p0;\n"
                                  "  selp.u32 %r1, 1, 0, %p1;",
                              ".reg .pred %p<2>;"},
                             f),
                   [=](const uint64_t *a, uint64_t *r) {
                     r[0] = compareHalves(op, a[0], a[1], f, ftz);
                     r[1] = compareHalves(op, a[0] >> 16, a[1] >> 16, f, ftz);
                   },
                   {edges, edges});
  }
}

PTX_CASE(SetpHalf, F16) {
  checkScalarSetp(kF16, false);
}
PTX_CASE(SetpHalf, F16Ftz) {
  checkScalarSetp(kF16, true);
}
PTX_CASE(SetpHalf, F16x2) {
  checkPairSetp(kF16, false);
}
PTX_CASE(SetpHalf, F16x2Ftz) {
  checkPairSetp(kF16, true);
}
PTX_CASE(SetpHalf, Bf16) {
  checkScalarSetp(kBF16, false);
}
PTX_CASE(SetpHalf, Bf16x2) {
  checkPairSetp(kBF16, false);
}

// p = (a CmpOp b) BoolOp c (and q from the high halves for a pair), with c or !c; and a pair
// comparison that writes p alone.
PTX_CASE(SetpHalf, PredicateCombination) {
  for (const Format *f : {&kF16, &kBF16})
    for (const char *how : {"and", "or", "xor"})
      for (bool negate : {false, true}) {
        std::string combination = how, c = negate ? "!%p2" : "%p2";
        Domain edges{scalarEdges(*f), 0}, pairs{pairEdges(*f), 0}, predicate{{0, 1}, 1};
        checkOperation(
            forFormat({{"b16", "b16", "u32"},
                       {"u32"},
                       "  setp.ne.u32 %p2, %a2, 0;\n  setp.ltu." + combination + "." + f->scalar +
                           " %p0, %a0, %a1, " + c + ";\n  selp.u32 %r0, 1, 0, %p0;",
                       ".reg .pred %p<3>;"},
                      *f),
            [=](const uint64_t *a, uint64_t *r) {
              r[0] = combine(combination, compareHalves("ltu", a[0], a[1], *f, false),
                             (a[2] != 0) != negate);
            },
            {edges, edges, predicate});
        checkOperation(forFormat({{"b32", "b32", "u32"},
                                  {"u32", "u32"},
                                  "  setp.ne.u32 %p2, %a2, 0;\n  setp.ge." + combination + "." +
                                      f->pair + " %p0|%p1, %a0, %a1, " + c +
                                      ";\n  selp.u32 %r0, 1, 0, %p0;\n"
                                      "  selp.u32 %r1, 1, 0, %p1;",
                                  ".reg .pred %p<3>;"},
                                 *f),
                       [=](const uint64_t *a, uint64_t *r) {
                         bool p = (a[2] != 0) != negate;
                         r[0] = combine(combination, compareHalves("ge", a[0], a[1], *f, false), p);
                         r[1] = combine(combination,
                                        compareHalves("ge", a[0] >> 16, a[1] >> 16, *f, false), p);
                       },
                       {pairs, pairs, predicate});
      }
  Domain pairs{pairEdges(kF16), 0};
  checkOperation(
      {{"b32", "b32"},
       {"u32"},
       "  setp.gtu.f16x2 %p0, %a0, %a1;\n  selp.u32 %r0, 1, 0, %p0;",
       ".reg .pred %p0;"},
      [](const uint64_t *a, uint64_t *r) { r[0] = compareHalves("gtu", a[0], a[1], kF16, false); },
      {pairs, pairs});
}

// set.CmpOp{.ftz}.dtype.f16 / .bf16 d, a, b: 0xffff (16-bit), 0xffffffff (32-bit) or 1.0 of the
// destination's format where the comparison holds, else 0.
PTX_CASE(SetHalf, ScalarSources) {
  struct Destination {
    const char *type, *registerType;
    uint64_t holds;
  };
  for (const Format *f : {&kF16, &kBF16}) {
    Domain edges{scalarEdges(*f), 0};
    std::vector<Destination> destinations = {{"u16", "b16", 0xffff},
                                             {"s16", "b16", 0xffff},
                                             {"u32", "b32", 0xffffffffu},
                                             {"s32", "b32", 0xffffffffu},
                                             {f->scalar, "b16", f->one}};
    if (!f->bfloat)
      destinations.push_back({"bf16", "b16", kBF16.one});
    for (const Destination &d : destinations)
      for (bool ftz : {false, true}) {
        if (ftz && (f->bfloat || std::string(d.type) == "bf16"))
          continue;
        for (std::string op : kOps) {
          std::string instruction = "set." + op + (ftz ? ".ftz." : ".") + d.type + "." + f->scalar;
          uint64_t holds = d.holds;
          checkOperation(
              forFormat({{"b16", "b16"}, {d.registerType}, "  " + instruction + " %r0, %a0, %a1;"},
                        d.type == std::string("bf16") ? kBF16 : *f),
              [=](const uint64_t *a, uint64_t *r) {
                r[0] = compareHalves(op, a[0], a[1], *f, ftz) ? holds : 0;
              },
              {edges, edges});
        }
      }
  }
}

// set.CmpOp{.ftz}.dtype.f16x2 / .bf16x2 d, a, b: each half of d holds its element's result,
// 0xffff for .u32/.s32 and 1.0 for the pair type itself.
PTX_CASE(SetHalf, PairSources) {
  for (const Format *f : {&kF16, &kBF16}) {
    Domain edges{pairEdges(*f), 0};
    for (const char *destination : {"u32", "s32", f->pair})
      for (bool ftz : {false, true}) {
        if (ftz && f->bfloat)
          continue;
        uint64_t holds = std::string(destination) == f->pair ? f->one : 0xffff;
        for (std::string op : kOps) {
          std::string instruction =
              "set." + op + (ftz ? ".ftz." : ".") + destination + "." + f->pair;
          checkOperation(
              forFormat({{"b32", "b32"}, {"b32"}, "  " + instruction + " %r0, %a0, %a1;"}, *f),
              [=](const uint64_t *a, uint64_t *r) {
                uint64_t low = compareHalves(op, a[0], a[1], *f, ftz) ? holds : 0;
                uint64_t high = compareHalves(op, a[0] >> 16, a[1] >> 16, *f, ftz) ? holds : 0;
                r[0] = low | high << 16;
              },
              {edges, edges});
        }
      }
  }
}

// d = ((a CmpOp b) BoolOp c) per element, with c or !c.
PTX_CASE(SetHalf, PredicateCombination) {
  Domain predicate{{0, 1}, 1};
  for (const Format *f : {&kF16, &kBF16}) {
    Domain edges{scalarEdges(*f), 0}, pairs{pairEdges(*f), 0};
    for (const char *how : {"and", "or", "xor"})
      for (bool negate : {false, true}) {
        std::string combination = how, c = negate ? "!%p0" : "%p0";
        checkOperation(forFormat({{"b16", "b16", "u32"},
                                  {"b16"},
                                  "  setp.ne.u32 %p0, %a2, 0;\n  set.le." + combination + "." +
                                      f->scalar + "." + f->scalar + " %r0, %a0, %a1, " + c + ";",
                                  ".reg .pred %p0;"},
                                 *f),
                       [=](const uint64_t *a, uint64_t *r) {
                         bool holds =
                             combine(combination, compareHalves("le", a[0], a[1], *f, false),
                                     (a[2] != 0) != negate);
                         r[0] = holds ? f->one : 0;
                       },
                       {edges, edges, predicate});
        checkOperation(
            forFormat({{"b32", "b32", "u32"},
                       {"b32"},
                       "  setp.ne.u32 %p0, %a2, 0;\n  set.neu." + combination + ".u32." + f->pair +
                           " %r0, %a0, %a1, " + c + ";",
                       ".reg .pred %p0;"},
                      *f),
            [=](const uint64_t *a, uint64_t *r) {
              bool p = (a[2] != 0) != negate;
              bool low = combine(combination, compareHalves("neu", a[0], a[1], *f, false), p);
              bool high =
                  combine(combination, compareHalves("neu", a[0] >> 16, a[1] >> 16, *f, false), p);
              r[0] = (low ? 0xffffu : 0) | (high ? 0xffff0000u : 0);
            },
            {pairs, pairs, predicate});
      }
  }
}

// set.CmpOp{.ftz}.f16 / .bf16 .stype d, a, b: integer, f32 and f64 comparisons that write 1.0 or
// 0.0 in a half-precision format.
PTX_CASE(SetHalf, HalfDestinations) {
  struct Variant {
    const char *instruction, *sourceType;
    bool ftz;
  };
  const Variant variants[] = {
      {"set.lt.f16.s32", "s32", false},    {"set.lo.f16.u32", "u32", false},
      {"set.hs.bf16.u64", "u64", false},   {"set.ne.f16.b16", "b16", false},
      {"set.gt.bf16.s16", "s16", false},   {"set.ltu.f16.f32", "f32", false},
      {"set.ge.ftz.f16.f32", "f32", true}, {"set.nan.bf16.f32", "f32", false},
      {"set.equ.f16.f64", "f64", false},   {"set.le.bf16.f64", "f64", false},
  };
  for (const Variant &variant : variants) {
    std::string name = variant.instruction, type = variant.sourceType;
    std::string op = name.substr(4, name.find('.', 4) - 4);
    bool bfloat = name.find(".bf16.") != std::string::npos;
    bool ftz = variant.ftz;
    uint64_t one = bfloat ? kBF16.one : kF16.one;
    std::vector<Domain> domains;
    if (type[0] == 'f') {
      Domain edges{type == "f32" ? widen(edgeFloats32()) : edgeFloats64(), 0};
      domains = {edges, edges};
    }
    ElementwiseOp operation{{type, type}, {"b16"}, "  " + name + " %r0, %a0, %a1;"};
    if (bfloat) {
      operation.sm = kBF16.sm;
      operation.version = kBF16.version;
    }
    checkOperation(
        operation,
        [=](const uint64_t *a, uint64_t *r) {
          bool holds = false;
          if (type == "f32" || type == "f64") {
            auto value = [&](uint64_t bits) {
              if (type == "f64")
                return std::bit_cast<double>(bits);
              float x = std::bit_cast<float>(uint32_t(bits));
              if (ftz && std::fpclassify(x) == FP_SUBNORMAL)
                x = std::copysign(0.0f, x);
              return double(x);
            };
            holds = compareValues(op, value(a[0]), value(a[1]));
          } else {
            unsigned bits = type == "u64" ? 64 : type == "s16" || type == "b16" ? 16 : 32;
            auto asSigned = [&](uint64_t v) { return int64_t(v << (64 - bits)) >> (64 - bits); };
            bool isSigned = type[0] == 's';
            bool less = isSigned ? asSigned(a[0]) < asSigned(a[1]) : a[0] < a[1];
            holds = op == "lt" || op == "lo" ? less
                    : op == "hs"             ? !less
                    : op == "gt"             ? !less && a[0] != a[1]
                    : op == "ne"             ? a[0] != a[1]
                                             : false;
          }
          r[0] = holds ? one : 0;
        },
        domains);
  }
}

// Forms the ISA does not define are rejected when the module loads: a q for a scalar half, .ftz
// on bf16, the unsigned-only operators on halves, an f32 result from a half, a 16-bit or scalar
// result from a pair, and a pair result of the other format.
void expectRejected(const std::string &statement, const std::string &operand,
                    const std::string &result) {
  ElementwiseOp op{
      {operand, operand}, {result}, "  setp.ne.u32 %p1, 0, 0;\n" + statement, ".reg .pred %p<2>;"};
  op.sm = 90;
  op.version = "7.8";
  Launch launch;
  launch.ptx = invalidOnPurpose(elementwiseModule(op));
  Outcome outcome = run(launch);
  EXPECT_FALSE(outcome.loaded) << statement;
  EXPECT_NE(outcome.message.find("unsupported"), std::string::npos) << outcome.message;
}

PTX_CASE(SetpHalf, RejectedForms) {
  expectRejected("  setp.eq.f16 %p0|%p1, %a0, %a1;\n  selp.u32 %r0, 1, 0, %p0;", "b16", "u32");
  expectRejected("  setp.lt.ftz.bf16 %p0, %a0, %a1;\n  selp.u32 %r0, 1, 0, %p0;", "b16", "u32");
  expectRejected("  setp.lo.f16 %p0, %a0, %a1;\n  selp.u32 %r0, 1, 0, %p0;", "b16", "u32");
  expectRejected("  setp.ge.ftz.bf16x2 %p0|%p1, %a0, %a1;\n  selp.u32 %r0, 1, 0, %p0;", "b32",
                 "u32");
}

PTX_CASE(SetHalf, RejectedForms) {
  expectRejected("  set.eq.f32.f16 %r0, %a0, %a1;", "b16", "f32");
  expectRejected("  set.eq.ftz.bf16.f16 %r0, %a0, %a1;", "b16", "b16");
  expectRejected("  set.eq.ftz.u32.bf16 %r0, %a0, %a1;", "b16", "u32");
  expectRejected("  set.hs.u32.f16 %r0, %a0, %a1;", "b16", "u32");
  expectRejected("  set.eq.u16.f16x2 %r0, %a0, %a1;", "b32", "b16");
  expectRejected("  set.eq.f16.f16x2 %r0, %a0, %a1;", "b32", "b16");
  expectRejected("  set.eq.bf16x2.f16x2 %r0, %a0, %a1;", "b32", "b32");
  expectRejected("  set.eq.u16.u32 %r0, %a0, %a1;", "u32", "b16");
}

} // namespace
} // namespace cuport::conformance
