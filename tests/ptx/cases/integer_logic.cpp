// and, or, xor, not, cnot on every bit width, and on predicates (PTX ISA 9.7.8.1-5).
#include "tests/ptx/elementwise.h"

namespace cuport::conformance {
namespace {

const char *const kBitTypes[] = {"b16", "b32", "b64"};

PTX_CASE(Logic, AndOrXor) {
  for (const char *type : kBitTypes) {
    checkOperation({{type, type}, {type}, std::string("  and.") + type + " %r0, %a0, %a1;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0] & a[1]; });
    checkOperation({{type, type}, {type}, std::string("  or.") + type + " %r0, %a0, %a1;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0] | a[1]; });
    checkOperation({{type, type}, {type}, std::string("  xor.") + type + " %r0, %a0, %a1;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0] ^ a[1]; });
  }
}

PTX_CASE(Logic, Not) {
  for (const char *type : kBitTypes)
    checkOperation({{type}, {type}, std::string("  not.") + type + " %r0, %a0;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = ~a[0]; });
}

// cnot: d = (a == 0) ? 1 : 0.
PTX_CASE(Logic, Cnot) {
  for (const char *type : kBitTypes)
    checkOperation({{type}, {type}, std::string("  cnot.") + type + " %r0, %a0;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0] == 0; });
}

// and/or/xor/not on .pred: the predicates come from the low bits of the operands.
PTX_CASE(Logic, Predicates) {
  ElementwiseOp op{{"b32", "b32"},
                   {"b32", "b32", "b32", "b32"},
                   "  setp.ne.b32 %p0, %a0, 0;\n"
                   "  setp.ne.b32 %p1, %a1, 0;\n"
                   "  and.pred %p2, %p0, %p1;\n"
                   "  selp.b32 %r0, 1, 0, %p2;\n"
                   "  or.pred %p2, %p0, %p1;\n"
                   "  selp.b32 %r1, 1, 0, %p2;\n"
                   "  xor.pred %p2, %p0, %p1;\n"
                   "  selp.b32 %r2, 1, 0, %p2;\n"
                   "  not.pred %p2, %p0;\n"
                   "  selp.b32 %r3, 1, 0, %p2;",
                   ".reg .pred %p<3>;"};
  checkOperation(op,
                 [](const uint64_t *a, uint64_t *r) {
                   bool p = a[0] != 0, q = a[1] != 0;
                   r[0] = p && q;
                   r[1] = p || q;
                   r[2] = p != q;
                   r[3] = !p;
                 },
                 {Domain{{0, 1, 2, 0x80000000u}, 1}, Domain{{0, 1, 4}, 1}});
}

} // namespace
} // namespace cuport::conformance
