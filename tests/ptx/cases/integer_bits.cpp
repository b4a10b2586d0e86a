// Bit manipulation: popc, clz, bfind, brev, bfe, bfi, fns, bmsk, szext (PTX ISA 9.7.1.15-24).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"

namespace cuport::conformance {
namespace {

unsigned bitAt(uint64_t value, unsigned bit) {
  return unsigned(value >> bit) & 1;
}

PTX_CASE(IntegerPopc, B32B64) {
  for (const char *type : {"b32", "b64"})
    checkOperation({{type}, {"u32"}, std::string("  popc.") + type + " %r0, %a0;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     unsigned ones = 0;
                     for (unsigned bit = 0; bit < bitsOf(type); ++bit)
                       ones += bitAt(a[0], bit);
                     r[0] = ones;
                   });
}

PTX_CASE(IntegerClz, B32B64) {
  for (const char *type : {"b32", "b64"})
    checkOperation({{type}, {"u32"}, std::string("  clz.") + type + " %r0, %a0;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     unsigned zeros = 0;
                     for (int bit = int(bitsOf(type)) - 1; bit >= 0 && !bitAt(a[0], bit); --bit)
                       ++zeros;
                     r[0] = zeros;
                   });
}

// bfind: the position of the most significant bit that differs from the sign (for signed types)
// or is set (unsigned); 0xffffffff when there is none. .shiftamt returns the left shift that
// would move that bit to the top instead.
PTX_CASE(IntegerBfind, AllTypes) {
  for (const char *type : {"u32", "s32", "u64", "s64"})
    for (bool shiftAmount : {false, true}) {
      std::string instruction = std::string("bfind") + (shiftAmount ? ".shiftamt." : ".") + type;
      checkOperation({{type}, {"u32"}, "  " + instruction + " %r0, %a0;"},
                     [type, shiftAmount](const uint64_t *a, uint64_t *r) {
                       unsigned bits = bitsOf(type);
                       uint64_t value = a[0];
                       if (isSignedType(type) && bitAt(value, bits - 1))
                         value = lowBits(~value, bits);
                       r[0] = 0xffffffff;
                       for (int bit = int(bits) - 1; bit >= 0; --bit)
                         if (bitAt(value, bit)) {
                           r[0] = shiftAmount ? bits - 1 - bit : unsigned(bit);
                           break;
                         }
                     });
    }
}

PTX_CASE(IntegerBrev, B32B64) {
  for (const char *type : {"b32", "b64"})
    checkOperation({{type}, {type}, std::string("  brev.") + type + " %r0, %a0;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     unsigned bits = bitsOf(type);
                     r[0] = 0;
                     for (unsigned bit = 0; bit < bits; ++bit)
                       r[0] |= uint64_t(bitAt(a[0], bit)) << (bits - 1 - bit);
                   });
}

// Positions and lengths around the interesting boundaries; bits above the low byte are ignored.
Domain fieldDomain() {
  std::vector<uint64_t> values = {0,  1,  2,  7,   8,   15,  16,  24,  31,  32,    33,        40,
                                  63, 64, 65, 127, 128, 200, 255, 256, 257, 0x1ff, 0xffffffff};
  return {values, 0x1ff};
}

// bfe, from the ISA's bit-by-bit pseudocode.
PTX_CASE(IntegerBfe, AllTypes) {
  for (const char *type : {"u32", "s32", "u64", "s64"})
    checkOperation(
        {{type, "u32", "u32"}, {type}, std::string("  bfe.") + type + " %r0, %a0, %a1, %a2;"},
        [type](const uint64_t *a, uint64_t *r) {
          unsigned msb = bitsOf(type) - 1;
          unsigned pos = a[1] & 0xff, len = a[2] & 0xff;
          unsigned sign =
              !isSignedType(type) || len == 0 ? 0 : bitAt(a[0], std::min(pos + len - 1, msb));
          r[0] = 0;
          for (unsigned i = 0; i <= msb; ++i) {
            unsigned bit = i < len && pos + i <= msb ? bitAt(a[0], pos + i) : sign;
            r[0] |= uint64_t(bit) << i;
          }
        },
        {Domain{}, fieldDomain(), fieldDomain()});
}

PTX_CASE(IntegerBfi, B32B64) {
  for (const char *type : {"b32", "b64"})
    checkOperation({{type, type, "u32", "u32"},
                    {type},
                    std::string("  bfi.") + type + " %r0, %a0, %a1, %a2, %a3;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     unsigned msb = bitsOf(type) - 1;
                     unsigned pos = a[2] & 0xff, len = a[3] & 0xff;
                     r[0] = a[1];
                     for (unsigned i = 0; i < len && pos + i <= msb; ++i)
                       r[0] = (r[0] & ~(uint64_t(1) << (pos + i))) | uint64_t(bitAt(a[0], i))
                                                                         << (pos + i);
                   },
                   {Domain{}, Domain{}, fieldDomain(), fieldDomain()});
}

// fns: the ISA's loop. Bases outside 0..31 are outside the instruction's definition.
PTX_CASE(IntegerFns, B32) {
  std::vector<uint64_t> bases, offsets;
  for (uint64_t base = 0; base < 32; ++base)
    bases.push_back(base);
  for (int offset :
       {0, 1, 2, 3, 5, 16, 31, 32, 33, -1, -2, -3, -16, -32, -33, INT32_MIN, INT32_MAX})
    offsets.push_back(uint32_t(offset));
  ElementwiseOp op{{"b32", "u32", "s32"}, {"u32"}, "  fns.b32 %r0, %a0, %a1, %a2;"};
  op.sm = 75;
  checkOperation(op,
                 [](const uint64_t *a, uint64_t *r) {
                   uint32_t mask = uint32_t(a[0]);
                   int32_t base = int32_t(a[1]), offset = int32_t(a[2]);
                   r[0] = 0xffffffff;
                   if (offset == 0) {
                     if (bitAt(mask, base))
                       r[0] = uint32_t(base);
                     return;
                   }
                   int64_t count = (offset < 0 ? -int64_t(offset) : int64_t(offset)) - 1;
                   int inc = offset > 0 ? 1 : -1;
                   for (int64_t pos = base; pos >= 0 && pos < 32; pos += inc)
                     if (bitAt(mask, unsigned(pos))) {
                       if (count == 0) {
                         r[0] = uint32_t(pos);
                         return;
                       }
                       --count;
                     }
                 },
                 {Domain{}, Domain{bases, 31}, Domain{offsets, 0x8000003f}});
}

// Random offsets must stay small for fns to find anything; the mask above makes them -2^31..63.

PTX_CASE(IntegerBmsk, ClampWrap) {
  for (bool clamp : {true, false}) {
    ElementwiseOp op{{"b32", "b32"},
                     {"b32"},
                     std::string("  bmsk.") + (clamp ? "clamp" : "wrap") + ".b32 %r0, %a0, %a1;"};
    op.version = "7.6";
    checkOperation(op,
                   [clamp](const uint64_t *a, uint64_t *r) {
                     uint32_t x = uint32_t(a[0]), y = uint32_t(a[1]);
                     uint32_t a1 = x & 31, b1 = y & 31, sum = a1 + b1;
                     uint32_t mask0 = ~0u << a1;
                     uint32_t mask1 = sum >= 32 ? 0 : ~0u << sum;
                     bool overflow = sum >= 32;
                     if (clamp) {
                       if (x >= 32)
                         mask0 = 0;
                       overflow |= x >= 32 || y >= 32;
                     }
                     if (overflow)
                       mask1 = 0;
                     else if (b1 == 0)
                       mask1 = ~0u;
                     r[0] = mask0 & ~mask1;
                   },
                   {fieldDomain(), fieldDomain()});
  }
}

PTX_CASE(IntegerSzext, ClampWrap) {
  for (const char *type : {"u32", "s32"})
    for (bool clamp : {true, false}) {
      ElementwiseOp op{{type, "u32"},
                       {type},
                       std::string("  szext.") + (clamp ? "clamp." : "wrap.") + type +
                           " %r0, %a0, %a1;"};
      op.version = "7.6";
      checkOperation(op,
                     [type, clamp](const uint64_t *a, uint64_t *r) {
                       uint32_t x = uint32_t(a[0]), n = uint32_t(a[1]);
                       bool tooLarge = clamp && n >= 32;
                       uint32_t b1 = n & 31;
                       uint32_t mask = tooLarge ? 0 : ~0u << b1;
                       bool sign =
                           b1 != 0 && !tooLarge && isSignedType(type) && bitAt(x, (b1 - 1) & 31);
                       r[0] = (x & ~mask) | (sign ? mask : 0);
                     },
                     {Domain{}, fieldDomain()});
    }
}

} // namespace
} // namespace cuport::conformance
