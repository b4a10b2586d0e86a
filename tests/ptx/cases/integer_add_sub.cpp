// add, sub, addc, subc: wrapping and saturating sums of every integer width, the packed
// .u16x2/.s16x2 add, and carry chains through CC.CF (PTX ISA 9.7.1.1-2, 9.7.2.1-4).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"

namespace cuport::conformance {
namespace {

ElementwiseOp binary(const std::string &instruction, const std::string &type) {
  return {{type, type}, {type}, "  " + instruction + " %r0, %a0, %a1;"};
}

PTX_CASE(IntegerAdd, Wrapping) {
  for (const char *type : kIntegerTypes)
    checkOperation(binary(std::string("add.") + type, type),
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0] + a[1]; });
}

PTX_CASE(IntegerSub, Wrapping) {
  for (const char *type : kIntegerTypes)
    checkOperation(binary(std::string("sub.") + type, type),
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0] - a[1]; });
}

// add.u16x2 / add.s16x2 (sm_90): each 16-bit half wraps on its own, no carry between them.
PTX_CASE(IntegerAdd, Packed16x2) {
  for (const char *type : {"u16x2", "s16x2"}) {
    ElementwiseOp op{{"b32", "b32"}, {"b32"}, std::string("  add.") + type + " %r0, %a0, %a1;"};
    op.sm = 90;
    checkOperation(op, [](const uint64_t *a, uint64_t *r) {
      uint64_t low = (a[0] + a[1]) & 0xffff;
      uint64_t high = ((a[0] >> 16) + (a[1] >> 16)) & 0xffff;
      r[0] = low | high << 16;
    });
  }
}

// .sat clamps the exact result to [MININT, MAXINT]; PTX has it for .s32 only.
PTX_CASE(IntegerAdd, SatS32) {
  checkOperation(binary("add.sat.s32", "s32"), [](const uint64_t *a, uint64_t *r) {
    r[0] = uint64_t(clampS32(signExtend(a[0], 32) + signExtend(a[1], 32)));
  });
}

PTX_CASE(IntegerSub, SatS32) {
  checkOperation(binary("sub.sat.s32", "s32"), [](const uint64_t *a, uint64_t *r) {
    r[0] = uint64_t(clampS32(signExtend(a[0], 32) - signExtend(a[1], 32)));
  });
}

// A 96-bit sum from three 32-bit limbs: add.cc, addc.cc, addc, plus the final carry read back
// through addc of zeros.
PTX_CASE(IntegerAddCarry, ThreeLimbs32) {
  ElementwiseOp op{{"u32", "u32", "u32", "u32", "u32", "u32"},
                   {"u32", "u32", "u32", "u32"},
                   "  add.cc.u32 %r0, %a0, %a3;\n"
                   "  addc.cc.u32 %r1, %a1, %a4;\n"
                   "  addc.cc.u32 %r2, %a2, %a5;\n"
                   "  addc.u32 %r3, 0, 0;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    uint64_t carry = 0;
    for (int limb = 0; limb < 3; ++limb) {
      uint64_t sum = a[limb] + a[limb + 3] + carry;
      r[limb] = sum & 0xffffffff;
      carry = sum >> 32;
    }
    r[3] = carry;
  });
}

PTX_CASE(IntegerAddCarry, TwoLimbs64) {
  ElementwiseOp op{{"u64", "u64", "u64", "u64"},
                   {"u64", "u64", "u64"},
                   "  add.cc.s64 %r0, %a0, %a2;\n"
                   "  addc.cc.s64 %r1, %a1, %a3;\n"
                   "  addc.u64 %r2, 0, 0;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    unsigned __int128 low = (unsigned __int128)a[0] + a[2];
    unsigned __int128 high = (unsigned __int128)a[1] + a[3] + uint64_t(low >> 64);
    r[0] = uint64_t(low);
    r[1] = uint64_t(high);
    r[2] = uint64_t(high >> 64);
  });
}

// Multi-word subtraction: sub.cc produces the borrow that subc.cc and subc consume.
PTX_CASE(IntegerSubBorrow, ThreeLimbs32) {
  ElementwiseOp op{{"u32", "u32", "u32", "u32", "u32", "u32"},
                   {"u32", "u32", "u32"},
                   "  sub.cc.u32 %r0, %a0, %a3;\n"
                   "  subc.cc.s32 %r1, %a1, %a4;\n"
                   "  subc.u32 %r2, %a2, %a5;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    uint64_t x = a[0] | a[1] << 32, y = a[3] | a[4] << 32;
    unsigned __int128 wide =
        ((unsigned __int128)a[2] << 64 | x) - ((unsigned __int128)a[5] << 64 | y);
    r[0] = uint64_t(wide) & 0xffffffff;
    r[1] = uint64_t(wide) >> 32;
    r[2] = uint64_t(wide >> 64) & 0xffffffff;
  });
}

PTX_CASE(IntegerSubBorrow, TwoLimbs64) {
  ElementwiseOp op{{"u64", "u64", "u64", "u64"},
                   {"u64", "u64"},
                   "  sub.cc.u64 %r0, %a0, %a2;\n"
                   "  subc.u64 %r1, %a1, %a3;"};
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    unsigned __int128 wide =
        ((unsigned __int128)a[1] << 64 | a[0]) - ((unsigned __int128)a[3] << 64 | a[2]);
    r[0] = uint64_t(wide);
    r[1] = uint64_t(wide >> 64);
  });
}

} // namespace
} // namespace cuport::conformance
