// mov (PTX ISA 9.7.9.10): register and immediate moves of every type, half-precision values as
// .b16 and packed in .b32 (mov has no .f16 type), packing and unpacking vectors of narrower
// registers in .b16 / .b32 / .b64 / .b128 (sink elements included), and the addresses of
// variables (with and without an offset), functions and entries.
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

// mov.type d, a copies the bits; the narrow signed types come back sign-extended by the store of
// the same type, so the identity holds at the register's width.
PTX_CASE(DataMov, Registers) {
  for (const char *type :
       {"b16", "u16", "s16", "b32", "u32", "s32", "f32", "b64", "u64", "s64", "f64"})
    checkOperation({{type}, {type}, std::string("  mov.") + type + " %r0, %a0;"},
                   [](const uint64_t *a, uint64_t *r) { r[0] = a[0]; });
  checkOperation({{"u32"},
                  {"u32", "u32"},
                  "  setp.ne.u32 %p0, %a0, 0;\n  mov.pred %p1, %p0;\n  mov.pred %p2, !%p0;\n"
                  "  selp.u32 %r0, 1, 0, %p1;\n  selp.u32 %r1, 1, 0, %p2;",
                  ".reg .pred %p<3>;"},
                 [](const uint64_t *a, uint64_t *r) {
                   r[0] = a[0] != 0;
                   r[1] = a[0] == 0;
                 },
                 {Domain{{0, 1, 0x80000000u}, 1}});
}

// Immediate sources: integers (negative ones in the type's width), float literals in hex (0f, 0d),
// an f16 bit pattern through .b16, and predicate constants.
PTX_CASE(DataMov, Immediates) {
  checkOperation({{"u32"},
                  {"b16", "s16", "u32", "f32", "f64", "b64", "u32", "u32"},
                  "  mov.b16 %r0, 0x3c00;\n"
                  "  mov.s16 %r1, -5;\n"
                  "  mov.u32 %r2, 0xdeadbeef;\n"
                  "  mov.f32 %r3, 0f3FC00000;\n"
                  "  mov.f64 %r4, 0dC00C000000000000;\n"
                  "  mov.b64 %r5, -2;\n"
                  "  mov.pred %p0, 1;\n  mov.pred %p1, 0;\n"
                  "  selp.u32 %r6, 1, 0, %p0;\n  selp.u32 %r7, 1, 0, %p1;",
                  ".reg .pred %p<2>;"},
                 [](const uint64_t *, uint64_t *r) {
                   r[0] = 0x3c00; // 1.0 in f16
                   r[1] = 0xfffb;
                   r[2] = 0xdeadbeef;
                   r[3] = 0x3fc00000;            // 1.5f
                   r[4] = 0xc00c000000000000ull; // -3.5
                   r[5] = 0xfffffffffffffffeull;
                   r[6] = 1;
                   r[7] = 0;
                 },
                 {Domain{{0}, 1}});
}

// Unpacking a register into a vector of narrower ones (element 0 the least significant) and
// packing them back in another order: .b16 from two .b8, .b32 from two .b16 (half-precision
// pairs), .b64 from two .b32 or four .b16.
PTX_CASE(DataMov, PackUnpack) {
  checkOperation({{"b16"},
                  {"b16"},
                  "  mov.b16 {%c0, %c1}, %a0;\n  mov.b16 %r0, {%c1, %c0};",
                  ".reg .b8 %c<2>;"},
                 [](const uint64_t *a, uint64_t *r) { r[0] = (a[0] >> 8) | (a[0] & 0xff) << 8; });
  checkOperation({{"b32"},
                  {"b32", "b16", "b16"},
                  "  mov.b32 {%x0, %x1}, %a0;\n  mov.b32 %r0, {%x1, %x0};\n"
                  "  mov.b16 %r1, %x0;\n  mov.b16 %r2, %x1;",
                  ".reg .b16 %x<2>;"},
                 [](const uint64_t *a, uint64_t *r) {
                   r[0] = (a[0] >> 16) | (a[0] & 0xffff) << 16;
                   r[1] = a[0] & 0xffff;
                   r[2] = a[0] >> 16;
                 });
  checkOperation({{"b64"},
                  {"b64", "b64"},
                  "  mov.b64 {%x0, %x1, %x2, %x3}, %a0;\n  mov.b64 %r0, {%x3, %x2, %x1, %x0};\n"
                  "  mov.b64 {%w0, %w1}, %a0;\n  mov.b64 %r1, {%w1, %w0};",
                  ".reg .b16 %x<4>;\n  .reg .b32 %w<2>;"},
                 [](const uint64_t *a, uint64_t *r) {
                   uint64_t x = a[0];
                   r[0] = (x >> 48) | (x >> 16 & 0xffff0000u) | (x << 16 & 0xffff00000000ull) |
                          x << 48;
                   r[1] = x >> 32 | x << 32;
                 });
  // A sink element leaves its part unwritten.
  checkOperation({{"b32"},
                  {"b16"},
                  "  mov.b16 %x1, 0x1234;\n  mov.b32 {_, %x1}, %a0;\n  mov.b16 %r0, %x1;",
                  ".reg .b16 %x<2>;"},
                 [](const uint64_t *a, uint64_t *r) { r[0] = a[0] >> 16; });
}

// .b128 (PTX 8.3): packed from two .b64 and unpacked into four .b32.
PTX_CASE(DataMov, PackUnpack128) {
  ElementwiseOp op{{"b64", "b64"},
                   {"b64", "b32"},
                   "  mov.b128 %q0, {%a0, %a1};\n  mov.b128 {%w0, %w1, %w2, %w3}, %q0;\n"
                   "  mov.b64 %r0, {%w1, %w2};\n  mov.b32 %r1, %w3;",
                   ".reg .b128 %q0;\n  .reg .b32 %w<4>;"};
  op.sm = 90;
  op.version = "8.3";
  checkOperation(op, [](const uint64_t *a, uint64_t *r) {
    r[0] = a[0] >> 32 | a[1] << 32;
    r[1] = a[1] >> 32;
  });
}

// mov.u64 d, avar and d, avar+imm: the address of a global variable (loads through it read the
// initializer) and of a shared one (stores through the symbol are read back through it).
PTX_CASE(DataMov, VariableAddresses) {
  Launch launch;
  launch.ptx = header(75) + R"(
.global .align 4 .u32 table[4] = {11, 22, 33, 44};
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .shared .align 4 .u32 scratch[4];
  .reg .b32 %r<12>;
  .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [out];
  mov.u64 %rd2, table;
  mov.u64 %rd3, table+8;
  ld.global.u32 %r1, [%rd2];
  ld.global.u32 %r2, [%rd3];
  ld.global.u32 %r3, [%rd3+4];
  mov.u32 %r4, 55;
  st.shared.u32 [scratch+12], %r4;
  mov.u32 %r5, scratch;
  mov.u32 %r6, scratch+12;
  ld.shared.u32 %r7, [%r6];
  sub.u32 %r8, %r6, %r5;
  mov.u64 %rd4, scratch;
  cvt.u64.u32 %rd5, %r5;
  sub.u64 %rd6, %rd4, %rd5;
  cvt.u32.u64 %r9, %rd6;
  st.global.u32 [%rd1], %r1;
  st.global.u32 [%rd1+4], %r2;
  st.global.u32 [%rd1+8], %r3;
  st.global.u32 [%rd1+12], %r7;
  st.global.u32 [%rd1+16], %r8;
  st.global.u32 [%rd1+20], %r9;
  ret;
}
)";
  launch.outSize = 24;
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(0), 11u);
  EXPECT_EQ(out.at<uint32_t>(4), 33u);
  EXPECT_EQ(out.at<uint32_t>(8), 44u);
  EXPECT_EQ(out.at<uint32_t>(12), 55u);
  EXPECT_EQ(out.at<uint32_t>(16), 12u);
  EXPECT_EQ(out.at<uint32_t>(20), 0u); // the 32- and 64-bit shared addresses agree
}

// mov.u64 d, fname and d, kernel: a function's address (which indirect calls go through, see
// ControlFlow.IndirectCallWithCallTargets) and an entry's, distinct and nonzero; mov.u32 d, fname
// keeps the address's low 32 bits.
PTX_CASE(DataMov, FunctionAddresses) {
  Launch launch;
  launch.ptx = header(75) + R"(
.func (.param .b32 r) helper(.param .b32 x)
{
  .reg .b32 %t;
  ld.param.b32 %t, [x];
  add.u32 %t, %t, 1;
  st.param.b32 [r], %t;
  ret;
}
.visible .entry other()
{
  ret;
}
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [out];
  mov.u64 %rd2, helper;
  mov.u64 %rd3, other;
  mov.u64 %rd4, test;
  mov.u32 %r1, helper;
  st.global.u64 [%rd1], %rd2;
  st.global.u64 [%rd1+8], %rd3;
  st.global.u64 [%rd1+16], %rd4;
  st.global.u32 [%rd1+24], %r1;
  ret;
}
)";
  launch.outSize = 28;
  Bytes out = runOk(launch);
  uint64_t helper = out.at<uint64_t>(0), other = out.at<uint64_t>(8), self = out.at<uint64_t>(16);
  EXPECT_NE(helper, 0u);
  EXPECT_NE(other, 0u);
  EXPECT_NE(self, 0u);
  EXPECT_NE(helper, other);
  EXPECT_NE(helper, self);
  EXPECT_NE(other, self);
  EXPECT_EQ(out.at<uint32_t>(24), uint32_t(helper));
}

// mov has no half-precision types: .f16, .bf16 and their pairs move as .b16 / .b32.
PTX_CASE(DataMov, HalfTypesRejected) {
  for (const char *form : {"mov.f16 %r0, %a0;", "mov.bf16 %r0, %a0;"}) {
    ElementwiseOp op{{"b16"}, {"b16"}, std::string("  ") + form};
    op.sm = 90;
    Launch launch;
    launch.ptx = invalidOnPurpose(elementwiseModule(op));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << form;
    EXPECT_NE(outcome.message.find("unsupported"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
