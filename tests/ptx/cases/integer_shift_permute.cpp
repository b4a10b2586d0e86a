// shl, shr, shf, lop3 (incl. the predicate result), prmt (every mode), dp4a, dp2a (PTX
// ISA 9.7.1.25-26, 9.7.8.6-9).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

// Shift amounts: every in-range value, the boundary and far beyond it.
Domain shiftDomain() {
  std::vector<uint64_t> values;
  for (uint64_t amount = 0; amount <= 66; ++amount)
    values.push_back(amount);
  for (uint64_t amount : {127u, 128u, 255u, 256u, 0x7fffffffu, 0x80000000u, 0xffffffffu})
    values.push_back(amount);
  return {values, 0x7f};
}

// Shift amounts above the width clamp: shl and shr.u give 0, shr.s the sign.
PTX_CASE(IntegerShift, Left) {
  for (const char *type : {"b16", "b32", "b64"})
    checkOperation({{type, "u32"}, {type}, std::string("  shl.") + type + " %r0, %a0, %a1;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     r[0] = a[1] >= bitsOf(type) ? 0 : lowBits(a[0] << a[1], bitsOf(type));
                   },
                   {Domain{}, shiftDomain()});
}

PTX_CASE(IntegerShift, Right) {
  for (const char *type : {"b16", "u16", "s16", "b32", "u32", "s32", "b64", "u64", "s64"})
    checkOperation({{type, "u32"}, {type}, std::string("  shr.") + type + " %r0, %a0, %a1;"},
                   [type](const uint64_t *a, uint64_t *r) {
                     unsigned bits = bitsOf(type);
                     uint64_t amount = std::min<uint64_t>(a[1], bits);
                     if (isSignedType(type))
                       r[0] = uint64_t(asSigned(a[0], type) >> std::min<uint64_t>(amount, 63));
                     else
                       r[0] = amount >= bits ? 0 : a[0] >> amount;
                   },
                   {Domain{}, shiftDomain()});
}

// shf: the 64-bit {b, a} shifted and its upper (.l) or lower (.r) half kept; .clamp limits the
// amount to 32, .wrap takes it modulo 32.
PTX_CASE(IntegerShf, LeftRightClampWrap) {
  for (bool left : {true, false})
    for (bool clamp : {true, false}) {
      std::string instruction =
          std::string("shf.") + (left ? "l" : "r") + (clamp ? ".clamp" : ".wrap") + ".b32";
      checkOperation({{"b32", "b32", "u32"}, {"b32"}, "  " + instruction + " %r0, %a0, %a1, %a2;"},
                     [left, clamp](const uint64_t *a, uint64_t *r) {
                       uint64_t amount = clamp ? std::min<uint64_t>(a[2], 32) : a[2] & 31;
                       uint64_t joined = a[1] << 32 | a[0];
                       r[0] = left ? uint64_t((joined << amount) >> 32) & 0xffffffff
                                   : (joined >> amount) & 0xffffffff;
                     },
                     {Domain{}, Domain{}, shiftDomain()});
    }
}

// lop3: bit i of the result is bit (a_i << 2 | b_i << 1 | c_i) of the lookup table. Bits are
// independent, so the exhaustive run covers every table over edge operands (which hold every
// combination of operand bits) instead of adding random samples to each.
uint64_t lookup(unsigned table, const uint64_t *a) {
  uint64_t result = 0;
  for (unsigned bit = 0; bit < 32; ++bit) {
    unsigned index = unsigned((a[0] >> bit & 1) << 2 | (a[1] >> bit & 1) << 1 | (a[2] >> bit & 1));
    result |= uint64_t(table >> index & 1) << bit;
  }
  return result;
}

ElementwiseOp lop3(unsigned table) {
  return {{"b32", "b32", "b32"},
          {"b32"},
          "  lop3.b32 %r0, %a0, %a1, %a2, " + std::to_string(table) + ";"};
}

PTX_CASE(IntegerLop3, LookupTables) {
  if (exhaustive()) {
    std::vector<uint64_t> edges = {0, 0xffffffff, 0xf0f0f0f0, 0xcccccccc, 0xaaaaaaaa, 0x12345678};
    std::vector<uint64_t> rows = crossRows({edges, edges, edges});
    for (unsigned table = 0; table < 256; ++table)
      checkElementwise(lop3(table), rows,
                       [table](const uint64_t *a, uint64_t *r) { r[0] = lookup(table, a); });
    return;
  }
  for (unsigned table : {0x00, 0xff, 0xf0, 0xcc, 0xaa, 0x96, 0xe8, 0x80, 0xfe, 0x01, 0x3c, 0x5a,
                         0x6a, 0xb4, 0x17, 0xd2})
    checkOperation(lop3(table),
                   [table](const uint64_t *a, uint64_t *r) { r[0] = lookup(table, a); });
}

// lop3.BoolOp.b32 d|p, a, b, c, immLut, q (PTX 8.2): d as above and p = (d != 0) BoolOp q, with q
// or !q; tables that give zero for some operands so that both values of d != 0 occur. A sink d
// leaves p alone.
PTX_CASE(IntegerLop3, PredicateResult) {
  for (const char *how : {"and", "or"})
    for (bool negate : {false, true})
      for (unsigned table : {0x80, 0x96, 0x01, 0xe8}) {
        std::string combination = how;
        ElementwiseOp op{{"b32", "b32", "b32", "u32"},
                         {"b32", "u32"},
                         "  setp.ne.u32 %p1, %a3, 0;\n  lop3." + combination +
                             ".b32 %r0|%p0, %a0, %a1, %a2, " + std::to_string(table) + ", " +
                             (negate ? "!" : "") + "%p1;\n  selp.u32 %r1, 1, 0, %p0;",
                         ".reg .pred %p<2>;"};
        op.version = "8.2";
        checkOperation(op,
                       [=](const uint64_t *a, uint64_t *r) {
                         r[0] = lookup(table, a);
                         bool q = (a[3] != 0) != negate;
                         r[1] = combination == "and" ? r[0] != 0 && q : r[0] != 0 || q;
                       },
                       {Domain{}, Domain{}, Domain{}, Domain{{0, 1}, 1}});
      }
  ElementwiseOp sink{{"b32", "b32", "b32"},
                     {"u32"},
                     "  setp.ne.u32 %p1, %a2, 7;\n  lop3.or.b32 _|%p0, %a0, %a1, %a2, 0x80, %p1;\n"
                     "  selp.u32 %r0, 1, 0, %p0;",
                     ".reg .pred %p<2>;"};
  sink.version = "8.2";
  checkOperation(sink,
                 [](const uint64_t *a, uint64_t *r) { r[0] = lookup(0x80, a) != 0 || a[2] != 7; });
}

// .BoolOp is .and or .or, and it comes with the predicate result and q, as that result needs it.
PTX_CASE(IntegerLop3, PredicateFormsRejected) {
  for (const char *statement :
       {"lop3.xor.b32 %r0|%p0, %a0, %a1, %a2, 0x80, %p1;",
        "lop3.and.b32 %r0, %a0, %a1, %a2, 0x80, %p1;", "lop3.b32 %r0|%p0, %a0, %a1, %a2, 0x80;"}) {
    ElementwiseOp op{{"b32", "b32", "b32"},
                     {"b32"},
                     std::string("  setp.ne.u32 %p1, %a0, 0;\n  ") + statement,
                     ".reg .pred %p<2>;"};
    op.version = "8.2";
    Launch launch;
    launch.ptx = invalidOnPurpose(elementwiseModule(op));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << statement;
    EXPECT_FALSE(outcome.message.empty()) << statement;
  }
}

uint64_t byteOf(uint64_t value, unsigned index) {
  return value >> (8 * index) & 0xff;
}

// prmt's default mode: four 4-bit selectors, bit 3 replicating the chosen byte's sign.
PTX_CASE(IntegerPrmt, Default) {
  checkOperation({{"b32", "b32", "b32"}, {"b32"}, "  prmt.b32 %r0, %a0, %a1, %a2;"},
                 [](const uint64_t *a, uint64_t *r) {
                   uint64_t bytes = a[1] << 32 | a[0];
                   r[0] = 0;
                   for (unsigned i = 0; i < 4; ++i) {
                     unsigned selector = unsigned(a[2] >> (4 * i)) & 0xf;
                     uint64_t byte = byteOf(bytes, selector & 7);
                     if (selector & 8)
                       byte = byte & 0x80 ? 0xff : 0;
                     r[0] |= byte << (8 * i);
                   }
                 });
}

// The special modes pick bytes by the selector's two low bits, from the ISA's table (listed as
// d.b3 d.b2 d.b1 d.b0 for selectors 0..3).
PTX_CASE(IntegerPrmt, Modes) {
  struct Mode {
    const char *name;
    unsigned table[4][4]; // [selector][d.b3, d.b2, d.b1, d.b0]
  };
  const Mode modes[] = {
      {"f4e", {{3, 2, 1, 0}, {4, 3, 2, 1}, {5, 4, 3, 2}, {6, 5, 4, 3}}},
      {"b4e", {{5, 6, 7, 0}, {6, 7, 0, 1}, {7, 0, 1, 2}, {0, 1, 2, 3}}},
      {"rc8", {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}},
      {"ecl", {{3, 2, 1, 0}, {3, 2, 1, 1}, {3, 2, 2, 2}, {3, 3, 3, 3}}},
      {"ecr", {{0, 0, 0, 0}, {1, 1, 1, 0}, {2, 2, 1, 0}, {3, 2, 1, 0}}},
      {"rc16", {{1, 0, 1, 0}, {3, 2, 3, 2}, {1, 0, 1, 0}, {3, 2, 3, 2}}},
  };
  for (const Mode &mode : modes)
    checkOperation({{"b32", "b32", "b32"},
                    {"b32"},
                    std::string("  prmt.b32.") + mode.name + " %r0, %a0, %a1, %a2;"},
                   [&mode](const uint64_t *a, uint64_t *r) {
                     uint64_t bytes = a[1] << 32 | a[0];
                     const unsigned *row = mode.table[a[2] & 3];
                     r[0] = 0;
                     for (unsigned i = 0; i < 4; ++i)
                       r[0] |= byteOf(bytes, row[3 - i]) << (8 * i);
                   });
}

int64_t element(uint64_t word, unsigned bits, unsigned index, bool isSigned) {
  uint64_t part = lowBits(word >> (bits * index), bits);
  return isSigned ? signExtend(part, bits) : int64_t(part);
}

PTX_CASE(IntegerDp4a, SignCombinations) {
  for (const char *aType : {"u32", "s32"})
    for (const char *bType : {"u32", "s32"}) {
      bool aSigned = isSignedType(aType), bSigned = isSignedType(bType);
      checkOperation({{"b32", "b32", "b32"},
                      {"b32"},
                      std::string("  dp4a.") + aType + "." + bType + " %r0, %a0, %a1, %a2;"},
                     [aSigned, bSigned](const uint64_t *a, uint64_t *r) {
                       int64_t sum = int64_t(a[2]);
                       for (unsigned i = 0; i < 4; ++i)
                         sum += element(a[0], 8, i, aSigned) * element(a[1], 8, i, bSigned);
                       r[0] = uint64_t(sum) & 0xffffffff;
                     });
    }
}

PTX_CASE(IntegerDp2a, LoHi) {
  for (const char *half : {"lo", "hi"})
    for (const char *aType : {"u32", "s32"})
      for (const char *bType : {"u32", "s32"}) {
        bool aSigned = isSignedType(aType), bSigned = isSignedType(bType);
        unsigned firstByte = std::string(half) == "hi" ? 2 : 0;
        checkOperation(
            {{"b32", "b32", "b32"},
             {"b32"},
             std::string("  dp2a.") + half + "." + aType + "." + bType + " %r0, %a0, %a1, %a2;"},
            [aSigned, bSigned, firstByte](const uint64_t *a, uint64_t *r) {
              int64_t sum = int64_t(a[2]);
              for (unsigned i = 0; i < 2; ++i)
                sum += element(a[0], 16, i, aSigned) * element(a[1], 8, firstByte + i, bSigned);
              r[0] = uint64_t(sum) & 0xffffffff;
            });
      }
}

} // namespace
} // namespace cuport::conformance
