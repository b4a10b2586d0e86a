// Control flow (PTX ISA 9.7.12): predicated and divergent bra, brx.idx over .branchtargets,
// direct, recursive and indirect calls (.callprototype through function tables and vtables laid
// out as nvcc lays them out), parameters in .reg space, exit inside a .func, trap and brkpt (the
// launch fails), nanosleep and pmevent (no effect on results).
#include "tests/ptx/conformance.h"

#include <string>

namespace cuport::conformance {
namespace {

Launch oneBlock(const std::string &body, uint32_t threads, size_t outBytes,
                const std::string &functions = "") {
  Launch launch;
  launch.ptx = header(75) + functions + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .pred %p<4>;
  .reg .b32 %r<16>;
  .reg .b64 %rd<16>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
)" + body + "\n  ret;\n}\n";
  launch.block = {threads, 1, 1};
  launch.outSize = outBytes;
  return launch;
}

// brx.idx picks one of four paths (tid % 4); odd threads also take a predicated branch.
PTX_CASE(ControlFlow, IndexedAndDivergentBranches) {
  Bytes out = runOk(oneBlock(R"(
  rem.u32 %r2, %r1, 4;
  mov.u32 %r3, 0;
ts: .branchtargets L0, L1, L2, L3;
  brx.idx %r2, ts;
L0:
  mov.u32 %r3, 100;
  bra.uni join;
L1:
  mov.u32 %r3, 200;
  bra.uni join;
L2:
  mov.u32 %r3, 300;
  bra.uni join;
L3:
  mov.u32 %r3, 400;
join:
  and.b32 %r4, %r1, 1;
  setp.eq.u32 %p1, %r4, 0;
  @%p1 bra even;
  add.u32 %r3, %r3, 1;
even:
  @!%p1 add.u32 %r3, %r3, 1000;
  add.u32 %r3, %r3, %r1;
  st.global.u32 [%rd3], %r3;
)",
                             96, 96 * 4));
  for (uint32_t t = 0; t < 96; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), 100 * (t % 4 + 1) + (t & 1) * 1001 + t) << t;
}

// An index past the .branchtargets list is undefined in PTX; cuport makes it a launch failure.
PTX_CASE(ControlFlow, IndexedBranchPastTheList) {
  Launch launch = oneBlock(R"(
  ld.param.u64 %rd4, [in];
  ld.global.u32 %r2, [%rd4];
ts: .branchtargets A, B;
  brx.idx.uni %r2, ts;
A:
  mov.u32 %r3, 1;
  bra.uni done;
B:
  mov.u32 %r3, 2;
done:
  st.global.u32 [%rd3], %r3;
)",
                           4, 16);
  launch.in.push(uint32_t{1});
  Bytes out = runOk(launch);
  EXPECT_EQ(out.at<uint32_t>(0), 2u);
  Launch past = launch;
  past.in = Bytes();
  past.in.push(uint32_t{2});
  Outcome outcome = run(past);
  EXPECT_TRUE(outcome.loaded) << outcome.message;
  EXPECT_FALSE(outcome.launched);
}

// As nvcc 13 emits for virtual functions, a __device__ function-pointer table and recursion.
const char *kFunctions = R"(
.func (.param .b32 func_retval0) square(.param .b64 self)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [self];
  ld.u32 %r1, [%rd1+8];
  mul.lo.s32 %r2, %r1, %r1;
  st.param.b32 [func_retval0+0], %r2;
  ret;
}
.func (.param .b32 func_retval0) triple(.param .b64 self)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [self];
  ld.u32 %r1, [%rd1+8];
  mul.lo.s32 %r2, %r1, 3;
  st.param.b32 [func_retval0+0], %r2;
  ret;
}
.func (.param .b32 func_retval0) add(.param .b32 a, .param .b32 b)
{
  .reg .b32 %r<4>;
  ld.param.u32 %r1, [a];
  ld.param.u32 %r2, [b];
  add.s32 %r3, %r1, %r2;
  st.param.b32 [func_retval0+0], %r3;
  ret;
}
.func (.param .b32 func_retval0) mul(.param .b32 a, .param .b32 b)
{
  .reg .b32 %r<4>;
  ld.param.u32 %r1, [a];
  ld.param.u32 %r2, [b];
  mul.lo.s32 %r3, %r1, %r2;
  st.param.b32 [func_retval0+0], %r3;
  ret;
}
.func (.param .b32 func_retval0) fact(.param .b32 n)
{
  .reg .pred %p<2>;
  .reg .b32 %r<5>;
  ld.param.u32 %r1, [n];
  setp.lt.s32 %p1, %r1, 2;
  mov.u32 %r4, 1;
  @%p1 bra done;
  add.s32 %r2, %r1, -1;
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r2;
  .param .b32 retval0;
  call.uni (retval0), fact, (param0);
  ld.param.b32 %r3, [retval0+0];
  }
  mul.lo.s32 %r4, %r3, %r1;
done:
  st.param.b32 [func_retval0+0], %r4;
  ret;
}
.func (.param .align 16 .b8 func_retval0[16]) spread(.param .align 8 .b8 pair[8])
{
  .reg .b32 %r<3>;
  ld.param.u32 %r1, [pair];
  ld.param.u32 %r2, [pair+4];
  st.param.v4.b32 [func_retval0+0], {%r1, %r2, %r2, %r1};
  ret;
}
.global .align 8 .u64 vtableSquare[3] = {0, 0, square};
.global .align 8 .u64 vtableTriple[3] = {0, 0, triple};
.global .align 8 .u64 table[2] = {add, mul};
)";

int factorial(int n) {
  return n < 2 ? 1 : n * factorial(n - 1);
}

PTX_CASE(ControlFlow, CallsDirectRecursiveAndIndirect) {
  Launch launch = oneBlock(R"(
  .local .align 8 .b8 depot[16];
  mov.u64 %rd4, depot;
  cvta.local.u64 %rd5, %rd4;
  and.b32 %r2, %r1, 1;
  setp.eq.u32 %p1, %r2, 0;
  mov.u64 %rd6, vtableSquare;
  @%p1 mov.u64 %rd6, vtableTriple;
  cvta.global.u64 %rd7, %rd6;
  add.s64 %rd8, %rd7, 16;
  st.local.u64 [%rd4], %rd8;
  add.s32 %r3, %r1, 1;
  st.local.u32 [%rd4+8], %r3;
  ld.local.u64 %rd9, [%rd4];
  ld.u64 %rd10, [%rd9];
  {
  .param .b64 param0;
  st.param.b64 [param0+0], %rd5;
  .param .b32 retval0;
  prototype_0 : .callprototype (.param .b32 _) _ (.param .b64 _);
  call (retval0), %rd10, (param0), prototype_0;
  ld.param.b32 %r4, [retval0+0];
  }
  mul.wide.u32 %rd11, %r2, 8;
  mov.u64 %rd12, table;
  add.s64 %rd13, %rd12, %rd11;
  ld.global.u64 %rd14, [%rd13];
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r1;
  .param .b32 param1;
  mov.u32 %r12, 5;
  st.param.b32 [param1+0], %r12;
  .param .b32 retval0;
  prototype_1 : .callprototype (.param .b32 _) _ (.param .b32 _, .param .b32 _);
  call (retval0), %rd14, (param0, param1), prototype_1;
  ld.param.b32 %r5, [retval0+0];
  }
  rem.u32 %r6, %r1, 8;
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r6;
  .param .b32 retval0;
  call.uni (retval0), fact, (param0);
  ld.param.b32 %r7, [retval0+0];
  }
  {
  .param .align 8 .b8 param0[8];
  st.param.v2.b32 [param0+0], {%r1, %r4};
  .param .align 16 .b8 retval0[16];
  call.uni (retval0), spread, (param0);
  ld.param.v4.b32 {%r8, %r9, %r10, %r11}, [retval0+0];
  }
  mul.wide.u32 %rd15, %r1, 32;
  add.s64 %rd15, %rd1, %rd15;
  st.global.v4.u32 [%rd15], {%r4, %r5, %r7, %r8};
  st.global.v4.u32 [%rd15+16], {%r9, %r10, %r11, %r1};
)",
                           64, 64 * 32, kFunctions);
  Bytes out = runOk(launch);
  for (int t = 0; t < 64; ++t) {
    int value = t + 1;
    int virtualCall = t % 2 == 0 ? value * 3 : value * value;
    size_t at = 32 * size_t(t);
    EXPECT_EQ(out.at<int32_t>(at), virtualCall) << t;
    EXPECT_EQ(out.at<int32_t>(at + 4), t % 2 == 0 ? t + 5 : t * 5) << t;
    EXPECT_EQ(out.at<int32_t>(at + 8), factorial(t % 8)) << t;
    EXPECT_EQ(out.at<int32_t>(at + 12), t) << t;
    EXPECT_EQ(out.at<int32_t>(at + 16), virtualCall) << t;
    EXPECT_EQ(out.at<int32_t>(at + 20), virtualCall) << t;
    EXPECT_EQ(out.at<int32_t>(at + 24), t) << t;
  }
}

// The call-target-list form: `call (r), %fptr, (a, b), Ftable;` with `Ftable: .calltargets`.
PTX_CASE(ControlFlow, IndirectCallWithCallTargets) {
  Bytes out = runOk(oneBlock(R"(
  and.b32 %r2, %r1, 1;
  setp.eq.u32 %p1, %r2, 0;
  mov.u64 %rd4, add;
  @%p1 mov.u64 %rd4, mul;
  mov.u32 %r3, 7;
Ftable: .calltargets add, mul;
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r1;
  .param .b32 param1;
  st.param.b32 [param1+0], %r3;
  .param .b32 retval0;
  call (retval0), %rd4, (param0, param1), Ftable;
  ld.param.b32 %r4, [retval0+0];
  }
  st.global.u32 [%rd3], %r4;
)",
                             64, 64 * 4, kFunctions));
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), t % 2 == 0 ? t * 7 : t + 7) << t;
}

// exit in a .func ends the thread; the others run on.
PTX_CASE(ControlFlow, ExitInsideAFunction) {
  Bytes out = runOk(oneBlock(R"(
  mov.u32 %r2, 1;
  st.global.u32 [%rd3], %r2;
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r1;
  call.uni leaveIfOdd, (param0);
  }
  mov.u32 %r2, 2;
  st.global.u32 [%rd3], %r2;
)",
                             64, 64 * 4, R"(
.func leaveIfOdd(.param .b32 t)
{
  .reg .b32 %r<3>;
  .reg .pred %p<2>;
  ld.param.u32 %r1, [t];
  and.b32 %r2, %r1, 1;
  setp.ne.u32 %p1, %r2, 0;
  @%p1 exit;
  ret;
}
)"));
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), t % 2 ? 1u : 2u) << t;
}

// Parameters and results in .reg space (as clang's NVPTX backend and hand-written PTX declare
// them): the callee names them as registers, the caller passes registers; direct, recursive and
// through a .callprototype, with several results of different types. Two modules: a function with
// several results turns ptxas's call ABI off, and without it ptxas refuses recursion and indirect
// calls.
PTX_CASE(ControlFlow, RegisterSpaceParameters) {
  Bytes sums = runOk(oneBlock(R"(
  call (%r2), sumTo, (%r1);
  mov.u64 %rd5, sumTo;
  add.u32 %r6, %r1, 2;
  prototype_0 : .callprototype (.reg .b32 _) _ (.reg .b32 _);
  call (%r3), %rd5, (%r6), prototype_0;
  mul.wide.u32 %rd6, %r1, 8;
  add.s64 %rd6, %rd1, %rd6;
  st.global.v2.u32 [%rd6], {%r2, %r3};
)",
                              64, 64 * 8, R"(
.func (.reg .b32 total) sumTo(.reg .b32 n)
{
  .reg .pred %p1;
  .reg .b32 %r<3>;
  setp.eq.u32 %p1, n, 0;
  @%p1 bra $L_zero;
  sub.u32 %r1, n, 1;
  call (%r2), sumTo, (%r1);
  add.u32 total, %r2, n;
  ret;
$L_zero:
  mov.u32 total, 0;
  ret;
}
)"));
  Bytes results = runOk(oneBlock(R"(
  .reg .f32 %f<3>;
  mov.f32 %f1, 0f3F000000;
  call.uni (%f2, %rd4), scaleAndSquare, (%r1, %f1);
  mul.wide.u32 %rd6, %r1, 8;
  add.s64 %rd6, %rd1, %rd6;
  mov.b32 %r4, %f2;
  cvt.u32.u64 %r5, %rd4;
  st.global.v2.u32 [%rd6], {%r4, %r5};
)",
                                 64, 64 * 8, R"(
.func (.reg .f32 scaled, .reg .b64 square) scaleAndSquare(.reg .b32 x, .reg .f32 scale)
{
  cvt.rn.f32.u32 scaled, x;
  mul.rn.f32 scaled, scaled, scale;
  mul.wide.u32 square, x, x;
  ret;
}
)"));
  for (uint32_t t = 0; t < 64; ++t) {
    uint32_t triangle = t * (t + 1) / 2;
    EXPECT_EQ(sums.at<uint32_t>(8 * t), triangle) << t;
    EXPECT_EQ(sums.at<uint32_t>(8 * t + 4), (t + 2) * (t + 3) / 2) << t;
    EXPECT_EQ(results.at<float>(8 * t), float(t) / 2) << t;
    EXPECT_EQ(results.at<uint32_t>(8 * t + 4), t * t) << t;
  }
}

PTX_CASE(ControlFlow, TrapAndBreakpointFailTheLaunch) {
  for (const char *instruction : {"trap;", "brkpt;"}) {
    Outcome outcome = run(oneBlock(std::string(R"(
  setp.eq.u32 %p1, %r1, 3;
  @%p1 )") + instruction + "\n  st.global.u32 [%rd3], %r1;",
                                   8, 32));
    EXPECT_TRUE(outcome.loaded) << instruction << ": " << outcome.message;
    EXPECT_FALSE(outcome.launched) << instruction;
  }
}

// nanosleep sleeps between 0 and 2t ns and pmevent signals a monitor: neither changes results.
PTX_CASE(ControlFlow, NanosleepAndPmevent) {
  Launch launch = oneBlock(R"(
  mov.u32 %r2, 1000;
  nanosleep.u32 %r2;
  nanosleep.u32 50;
  pmevent 7;
  pmevent.mask 0x11;
  st.global.u32 [%rd3], %r2;
)",
                           32, 32 * 4);
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 32; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), 1000u) << t;
}

} // namespace
} // namespace cuport::conformance
