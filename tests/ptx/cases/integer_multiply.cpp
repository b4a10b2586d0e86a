// mul, mad (.lo/.hi/.wide, mad.hi.sat.s32, the .cc and madc carry chains), mul24, mad24 and sad
// (PTX ISA 9.7.1.3-8, 9.7.2.4).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;

// The exact product of two operands of `type`, as the ISA's 2n-bit intermediate.
UInt128 product(uint64_t a, uint64_t b, const std::string &type) {
  if (isSignedType(type))
    return UInt128(Int128(asSigned(a, type)) * Int128(asSigned(b, type)));
  return UInt128(a) * UInt128(b);
}

uint64_t high(UInt128 value, unsigned bits) {
  return lowBits(uint64_t(value >> bits), bits);
}

std::string wideOf(const std::string &type) {
  return type.substr(0, 1) + std::to_string(bitsOf(type) * 2);
}

PTX_CASE(IntegerMul, Lo) {
  for (const char *type : kIntegerTypes)
    checkOperation({{type, type}, {type}, std::string("  mul.lo.") + type + " %r0, %a0, %a1;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     r[0] = lowBits(uint64_t(product(a[0], a[1], type)), bitsOf(type));
                   });
}

PTX_CASE(IntegerMul, Hi) {
  for (const char *type : kIntegerTypes)
    checkOperation({{type, type}, {type}, std::string("  mul.hi.") + type + " %r0, %a0, %a1;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     r[0] = high(product(a[0], a[1], type), bitsOf(type));
                   });
}

PTX_CASE(IntegerMul, Wide) {
  for (const char *type : {"u16", "s16", "u32", "s32"})
    checkOperation(
        {{type, type}, {wideOf(type)}, std::string("  mul.wide.") + type + " %r0, %a0, %a1;"},
        [type](const uint64_t *a, uint64_t *r) { r[0] = uint64_t(product(a[0], a[1], type)); });
}

PTX_CASE(IntegerMad, Lo) {
  for (const char *type : kIntegerTypes)
    checkOperation(
        {{type, type, type}, {type}, std::string("  mad.lo.") + type + " %r0, %a0, %a1, %a2;"},
        [type](const uint64_t *a, uint64_t *r) {
          r[0] = lowBits(uint64_t(product(a[0], a[1], type)) + a[2], bitsOf(type));
        });
}

PTX_CASE(IntegerMad, Hi) {
  for (const char *type : kIntegerTypes)
    checkOperation(
        {{type, type, type}, {type}, std::string("  mad.hi.") + type + " %r0, %a0, %a1, %a2;"},
        [type](const uint64_t *a, uint64_t *r) {
          r[0] = lowBits(high(product(a[0], a[1], type), bitsOf(type)) + a[2], bitsOf(type));
        });
}

PTX_CASE(IntegerMad, Wide) {
  for (const char *type : {"u16", "s16", "u32", "s32"}) {
    std::string wide = wideOf(type);
    checkOperation(
        {{type, type, wide}, {wide}, std::string("  mad.wide.") + type + " %r0, %a0, %a1, %a2;"},
        [type](const uint64_t *a, uint64_t *r) {
          r[0] = lowBits(uint64_t(product(a[0], a[1], type)) + a[2], bitsOf(type) * 2);
        });
  }
}

// mad.hi.sat.s32: the high half of the product plus c, clamped to [MININT, MAXINT].
PTX_CASE(IntegerMad, HiSatS32) {
  checkOperation({{"s32", "s32", "s32"}, {"s32"}, "  mad.hi.sat.s32 %r0, %a0, %a1, %a2;"},
                 [](const uint64_t *a, uint64_t *r) {
                   int64_t hi = (asSigned(a[0], "s32") * asSigned(a[1], "s32")) >> 32;
                   r[0] = uint64_t(clampS32(hi + asSigned(a[2], "s32")));
                 });
}

// A 64x32-bit product accumulated into 96 bits with mad.lo.cc, madc.hi.cc and madc.hi: the
// carry chain of multi-precision multiplication.
PTX_CASE(IntegerMadCarry, ProductAccumulate32) {
  ElementwiseOp op{{"u32", "u32", "u32", "u32", "u32", "u32"},
                   {"u32", "u32", "u32", "u32"},
                   // acc (a3,a4,a5) += (a0,a1) * a2
                   "  mad.lo.cc.u32 %r0, %a0, %a2, %a3;\n"
                   "  madc.hi.cc.u32 %r1, %a0, %a2, %a4;\n"
                   "  addc.cc.u32 %r2, %a5, 0;\n"
                   "  addc.u32 %r3, 0, 0;\n"
                   "  mad.lo.cc.u32 %r1, %a1, %a2, %r1;\n"
                   "  madc.hi.cc.u32 %r2, %a1, %a2, %r2;\n"
                   "  addc.u32 %r3, %r3, 0;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    UInt128 x = UInt128(a[1]) << 32 | a[0];
    UInt128 acc = UInt128(a[5]) << 64 | UInt128(a[4]) << 32 | a[3];
    UInt128 sum = x * a[2] + acc;
    r[0] = uint64_t(sum) & 0xffffffff;
    r[1] = uint64_t(sum >> 32) & 0xffffffff;
    r[2] = uint64_t(sum >> 64) & 0xffffffff;
    r[3] = uint64_t(sum >> 96) & 0xffffffff;
  });
}

// The same chain on 64-bit limbs, with madc.lo and the carry read back through addc.
PTX_CASE(IntegerMadCarry, ProductAccumulate64) {
  ElementwiseOp op{{"u64", "u64", "u64", "u64"},
                   {"u64", "u64", "u64"},
                   // (a2, a3) + a0 * a1, then the carry
                   "  mad.lo.cc.u64 %r0, %a0, %a1, %a2;\n"
                   "  madc.hi.cc.u64 %r1, %a0, %a1, %a3;\n"
                   "  addc.u64 %r2, 0, 0;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    UInt128 p = UInt128(a[0]) * a[1];
    UInt128 low = UInt128(uint64_t(p)) + a[2];
    UInt128 highSum = (p >> 64) + a[3] + (low >> 64);
    r[0] = uint64_t(low);
    r[1] = uint64_t(highSum);
    r[2] = uint64_t(highSum >> 64);
  });
}

// madc.lo consuming a carry, and signed mad.hi.cc (the carry of the unsigned word addition).
PTX_CASE(IntegerMadCarry, SignedAndLo) {
  ElementwiseOp op{{"s32", "s32", "s32", "s32"},
                   {"u32", "u32", "u32"},
                   "  mad.hi.cc.s32 %r0, %a0, %a1, %a2;\n"
                   "  madc.lo.cc.s32 %r1, %a0, %a1, %a3;\n"
                   "  addc.u32 %r2, 0, 0;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    uint64_t hi = uint64_t((asSigned(a[0], "s32") * asSigned(a[1], "s32")) >> 32) & 0xffffffff;
    uint64_t lo = uint64_t(asSigned(a[0], "s32") * asSigned(a[1], "s32")) & 0xffffffff;
    uint64_t first = hi + a[2];
    uint64_t second = lo + a[3] + (first >> 32);
    r[0] = first & 0xffffffff;
    r[1] = second & 0xffffffff;
    r[2] = second >> 32;
  });
}

// mul24/mad24: the product of the low 24 bits (sign-extended for .s32) as a 48-bit value; .lo
// keeps bits 31..0, .hi bits 47..16.
int64_t product24(uint64_t a, uint64_t b, bool isSigned) {
  if (isSigned)
    return signExtend(a, 24) * signExtend(b, 24);
  return int64_t(lowBits(a, 24) * lowBits(b, 24));
}

PTX_CASE(IntegerMul24, LoHi) {
  for (const char *type : {"u32", "s32"}) {
    bool isSigned = isSignedType(type);
    checkOperation({{type, type}, {type}, std::string("  mul24.lo.") + type + " %r0, %a0, %a1;"},
                   [isSigned](const uint64_t *a, uint64_t *r) {
                     r[0] = uint64_t(product24(a[0], a[1], isSigned)) & 0xffffffff;
                   });
    checkOperation({{type, type}, {type}, std::string("  mul24.hi.") + type + " %r0, %a0, %a1;"},
                   [isSigned](const uint64_t *a, uint64_t *r) {
                     r[0] = uint64_t(product24(a[0], a[1], isSigned) >> 16) & 0xffffffff;
                   });
  }
}

PTX_CASE(IntegerMad24, LoHi) {
  for (const char *type : {"u32", "s32"}) {
    bool isSigned = isSignedType(type);
    checkOperation(
        {{type, type, type}, {type}, std::string("  mad24.lo.") + type + " %r0, %a0, %a1, %a2;"},
        [isSigned](const uint64_t *a, uint64_t *r) {
          r[0] = (uint64_t(product24(a[0], a[1], isSigned)) + a[2]) & 0xffffffff;
        });
    checkOperation(
        {{type, type, type}, {type}, std::string("  mad24.hi.") + type + " %r0, %a0, %a1, %a2;"},
        [isSigned](const uint64_t *a, uint64_t *r) {
          r[0] = (uint64_t(product24(a[0], a[1], isSigned) >> 16) + a[2]) & 0xffffffff;
        });
  }
}

PTX_CASE(IntegerMad24, HiSatS32) {
  checkOperation({{"s32", "s32", "s32"}, {"s32"}, "  mad24.hi.sat.s32 %r0, %a0, %a1, %a2;"},
                 [](const uint64_t *a, uint64_t *r) {
                   int64_t hi = signExtend(uint64_t(product24(a[0], a[1], true) >> 16), 32);
                   r[0] = uint64_t(clampS32(hi + asSigned(a[2], "s32")));
                 });
}

// sad: c + |a - b|, the difference taken exactly and the sum wrapped to the type.
PTX_CASE(IntegerSad, AllTypes) {
  for (const char *type : kIntegerTypes)
    checkOperation(
        {{type, type, type}, {type}, std::string("  sad.") + type + " %r0, %a0, %a1, %a2;"},
        [type](const uint64_t *a, uint64_t *r) {
          UInt128 difference;
          if (isSignedType(type)) {
            Int128 x = asSigned(a[0], type), y = asSigned(a[1], type);
            difference = UInt128(x < y ? y - x : x - y);
          } else {
            difference = a[0] < a[1] ? a[1] - a[0] : a[0] - a[1];
          }
          r[0] = lowBits(uint64_t(difference) + a[2], bitsOf(type));
        });
}

// Rejected at load: .sat where the ISA does not define it.
PTX_CASE(IntegerMad, SatOnlyForHiS32) {
  for (const char *instruction : {"mad.lo.sat.s32", "mad.hi.sat.u32", "mad24.lo.sat.s32"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(
        elementwiseModule({{"s32", "s32", "s32"},
                           {"s32"},
                           std::string("  ") + instruction + " %r0, %a0, %a1, %a2;"}));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find(instruction), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
