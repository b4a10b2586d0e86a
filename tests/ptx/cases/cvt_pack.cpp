// cvt.pack (PTX ISA 9.7.9.22, sm_72): a and b (s32) saturated to the narrow type's range, b in
// the low `size` bits and a in the next `size` bits; the 2-, 4- and 8-bit forms copy the low
// bits of c into the rest of d.
#include "tests/ptx/elementwise.h"

#include <algorithm>

namespace cuport::conformance {
namespace {

// The ISA's MIN(convertType)..MAX(convertType) clamp, as the type's bit pattern.
uint32_t saturated(uint64_t operand, unsigned bits, bool isSigned) {
  int64_t value = int32_t(uint32_t(operand));
  int64_t low = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t high = isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  return uint32_t(std::clamp(value, low, high)) & ((uint32_t(1) << bits) - 1);
}

// Edges around every narrow range, for both operands.
Domain packEdges() {
  Domain domain;
  for (int64_t v :
       {0ll,   1ll,     -1ll,    2ll,      -2ll,     3ll,     -3ll,    7ll,          8ll,
        -8ll,  -9ll,    15ll,    16ll,     127ll,    128ll,   -128ll,  -129ll,       255ll,
        256ll, 32767ll, 32768ll, -32768ll, -32769ll, 65535ll, 65536ll, 2147483647ll, -2147483648ll})
    domain.edges.push_back(uint32_t(int32_t(v)));
  return domain;
}

PTX_CASE(CvtPack, SixteenBit) {
  for (const char *type : {"u16", "s16"}) {
    bool isSigned = type[0] == 's';
    checkOperation(
        {{"s32", "s32"}, {"b32"}, std::string("  cvt.pack.sat.") + type + ".s32 %r0, %a0, %a1;"},
        [=](const uint64_t *a, uint64_t *r) {
          r[0] = uint64_t(saturated(a[0], 16, isSigned)) << 16 | saturated(a[1], 16, isSigned);
        },
        {packEdges(), packEdges()});
  }
}

PTX_CASE(CvtPack, NarrowWithC) {
  for (const char *type : {"u2", "s2", "u4", "s4", "u8", "s8"}) {
    bool isSigned = type[0] == 's';
    unsigned bits = unsigned(type[1] - '0');
    checkOperation({{"s32", "s32", "b32"},
                    {"b32"},
                    std::string("  cvt.pack.sat.") + type + ".s32.b32 %r0, %a0, %a1, %a2;"},
                   [=](const uint64_t *a, uint64_t *r) {
                     r[0] = uint32_t(uint32_t(a[2]) << (2 * bits) |
                                     saturated(a[0], bits, isSigned) << bits |
                                     saturated(a[1], bits, isSigned));
                   },
                   {packEdges(), packEdges()});
  }
}

// Packing chains: the 8-bit form's c is the previous pack, so four values fill d (the idiom
// nvcc-built code uses for int8 quantization).
PTX_CASE(CvtPack, ChainedBytes) {
  ElementwiseOp op({"s32", "s32", "s32", "s32"}, {"b32"},
                   "  cvt.pack.sat.s8.s32.b32 %t0, %a2, %a3, 0;\n"
                   "  cvt.pack.sat.s8.s32.b32 %r0, %a0, %a1, %t0;",
                   ".reg .b32 %t0;");
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    r[0] = saturated(a[2], 8, true) << 24 | saturated(a[3], 8, true) << 16 |
           saturated(a[0], 8, true) << 8 | saturated(a[1], 8, true);
  });
}

} // namespace
} // namespace cuport::conformance
