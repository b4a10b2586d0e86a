// Control flow from PTX to the CPU backend: divergent branches, brx.idx over .branchtargets,
// direct, recursive and indirect calls (through .callprototype, function tables and vtables as
// nvcc emits them), exit in a .func, brkpt, nanosleep and pmevent. Expected values come from C++
// written from the PTX source.
#include "backends/cpu/printf_fifo.h"
#include "cpu_test_support.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cuport::cpu::test {
namespace {

class PtxControl : public CpuBackendTest {
protected:
  cuport_backend_module *loadOk(const std::string &ptx) {
    std::string error;
    cuport_backend_module *module = loadPtx(ptx, &error);
    EXPECT_NE(module, nullptr) << error;
    return module;
  }
};

const std::string kHeader = ".version 8.0\n.target sm_80\n.address_size 64\n";

// Each thread takes one of four paths through brx.idx (index = tid % 4); odd threads also take a
// predicated branch: the warp diverges twice.
TEST_F(PtxControl, IndexedAndDivergentBranches) {
  cuport_backend_module *module = loadOk(kHeader + R"(
.visible .entry paths(.param .u64 out)
{
  .reg .b32 %r<8>;
  .reg .b64 %rd<4>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
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
  add.u32 %r3, %r3, %r1;
  st.global.u32 [%rd3], %r3;
  ret;
}
)");
  ASSERT_NE(module, nullptr);
  uint32_t *out = allocate<uint32_t>(64);
  ParamBuffer params;
  params.add(out);
  ASSERT_EQ(launch(module, "paths", {1, 1, 1}, {64, 1, 1}, params), CUPORT_OK);
  for (uint32_t t = 0; t < 64; ++t)
    EXPECT_EQ(out[t], 100 * (t % 4 + 1) + (t & 1) + t) << t;
}

TEST_F(PtxControl, IndexedBranchOutOfRangeFailsTheGrid) {
  cuport_backend_module *module = loadOk(kHeader + R"(
.visible .entry jump(.param .u32 index)
{
  .reg .b32 %r<2>;
  ld.param.u32 %r1, [index];
ts: .branchtargets A, B;
  brx.idx.uni %r1, ts;
A:
  ret;
B:
  ret;
}
)");
  ASSERT_NE(module, nullptr);
  ParamBuffer inRange;
  inRange.add(uint32_t{1});
  EXPECT_EQ(launch(module, "jump", {1, 1, 1}, {4, 1, 1}, inRange), CUPORT_OK);
  ParamBuffer outOfRange;
  outOfRange.add(uint32_t{2});
  EXPECT_EQ(launch(module, "jump", {1, 1, 1}, {4, 1, 1}, outOfRange), CUPORT_ERROR_LAUNCH_FAILED);
}

// As nvcc 13 emits for virtual functions, a function-pointer table and recursion (-arch=sm_80).
const char *kCalls = R"(
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
.global .align 8 .u64 vtableSquare[3] = {0, 0, square};
.global .align 8 .u64 vtableTriple[3] = {0, 0, triple};
.global .align 8 .u64 table[2] = {add, mul};

.visible .entry calls(.param .u64 out)
{
  .local .align 8 .b8 depot[16];
  .reg .b32 %r<12>;
  .reg .b64 %rd<16>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  // An object {vptr, value} on the stack, its class chosen by the thread's parity.
  mov.u64 %rd2, depot;
  cvta.local.u64 %rd3, %rd2;
  and.b32 %r2, %r1, 1;
  setp.eq.u32 %p1, %r2, 0;
  mov.u64 %rd4, vtableSquare;
  @%p1 mov.u64 %rd4, vtableTriple;
  cvta.global.u64 %rd5, %rd4;
  add.s64 %rd6, %rd5, 16;
  st.local.u64 [%rd2], %rd6;
  add.s32 %r3, %r1, 1;
  st.local.u32 [%rd2+8], %r3;
  ld.local.u64 %rd7, [%rd2];
  ld.u64 %rd8, [%rd7];
  {
  .param .b64 param0;
  st.param.b64 [param0+0], %rd3;
  .param .b32 retval0;
  prototype_0 : .callprototype (.param .b32 _) _ (.param .b64 _);
  call (retval0), %rd8, (param0), prototype_0;
  ld.param.b32 %r4, [retval0+0];
  }
  // table[tid & 1](tid, 5)
  mul.wide.u32 %rd9, %r2, 8;
  mov.u64 %rd10, table;
  add.s64 %rd11, %rd10, %rd9;
  ld.global.u64 %rd12, [%rd11];
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r1;
  .param .b32 param1;
  st.param.b32 [param1+0], 5;
  .param .b32 retval0;
  prototype_1 : .callprototype (.param .b32 _) _ (.param .b32 _, .param .b32 _);
  call (retval0), %rd12, (param0, param1), prototype_1;
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
  mul.wide.u32 %rd13, %r1, 12;
  add.s64 %rd14, %rd1, %rd13;
  st.global.u32 [%rd14], %r4;
  st.global.u32 [%rd14+4], %r5;
  st.global.u32 [%rd14+8], %r7;
  ret;
}
)";

int factorial(int n) {
  return n < 2 ? 1 : n * factorial(n - 1);
}

TEST_F(PtxControl, VirtualFunctionTablesAndRecursion) {
  cuport_backend_module *module = loadOk(kHeader + kCalls);
  ASSERT_NE(module, nullptr);
  const uint32_t threads = 40;
  int32_t *out = allocate<int32_t>(threads * 3);
  ParamBuffer params;
  params.add(out);
  ASSERT_EQ(launch(module, "calls", {2, 1, 1}, {threads, 1, 1}, params), CUPORT_OK);
  for (int t = 0; t < int(threads); ++t) {
    int value = t + 1;
    EXPECT_EQ(out[3 * t], t % 2 == 0 ? value * 3 : value * value) << t;
    EXPECT_EQ(out[3 * t + 1], t % 2 == 0 ? t + 5 : t * 5) << t;
    EXPECT_EQ(out[3 * t + 2], factorial(t % 8)) << t;
  }
}

std::string readPtxInput(const std::string &name) {
  std::ifstream file(std::string(CUPORT_PTX_INPUTS) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// nvcc 13's own output for a call through a __device__ function-pointer table.
TEST_F(PtxControl, NvccFunctionPointerTable) {
  cuport_backend_module *module = loadOk(readPtxInput("indirect_call.sm_80.ptx"));
  ASSERT_NE(module, nullptr);
  for (int which = 0; which < 2; ++which) {
    float *data = allocate<float>(32);
    for (int i = 0; i < 32; ++i)
      data[i] = 0.75f * i - 5.0f;
    ParamBuffer params;
    params.add(data).add(int32_t{which});
    ASSERT_EQ(launch(module, "_Z7applyOpPfi", {1, 1, 1}, {32, 1, 1}, params), CUPORT_OK);
    for (int i = 0; i < 32; ++i) {
      float x = 0.75f * i - 5.0f;
      float expected = which == 0 ? std::fma(x, 2.0f, float(i)) : x * x - float(i);
      EXPECT_EQ(data[i], expected) << which << " " << i;
    }
  }
}

// nvcc's printf: each vprintf call queues a record that a flush formats.
TEST_F(PtxControl, NvccPrintfQueuesRecords) {
  cuport_backend_module *module = loadOk(readPtxInput("printf.sm_75.ptx"));
  ASSERT_NE(module, nullptr);
  std::FILE *earlier = std::tmpfile();
  printfFifo().flush(earlier); // whatever other tests left
  std::fclose(earlier);
  ParamBuffer params;
  params.add(int32_t{42}).add(2.5);
  ASSERT_EQ(launch(module, "_Z5helloid", {2, 1, 1}, {4, 1, 1}, params), CUPORT_OK);
  std::FILE *out = std::tmpfile();
  printfFifo().flush(out);
  std::rewind(out);
  std::vector<std::string> lines;
  char line[256];
  while (std::fgets(line, sizeof line, out))
    lines.push_back(line);
  std::fclose(out);
  std::vector<std::string> expected;
  for (int block = 0; block < 2; ++block) {
    for (int thread = 0; thread < 4; ++thread) {
      std::snprintf(line, sizeof line, "thread %d block %d value %d d=%f\n", thread, block, 42,
                    2.5);
      expected.push_back(line);
    }
    expected.push_back("only thread zero\n");
  }
  std::sort(lines.begin(), lines.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(lines, expected);
}

TEST_F(PtxControl, IndirectCallNeedsAPrototype) {
  std::string error;
  EXPECT_EQ(loadPtx(kHeader + R"(
.visible .entry bad(.param .u64 f)
{
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [f];
  call %rd1, ();
  ret;
}
)",
                    &error),
            nullptr);
  EXPECT_NE(error.find(".callprototype"), std::string::npos) << error;
}

// exit in a .func ends the thread, not only the function; the other threads finish.
TEST_F(PtxControl, ExitInAFunctionEndsTheThread) {
  cuport_backend_module *module = loadOk(kHeader + R"(
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
.visible .entry leaving(.param .u64 out)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd2, %r1, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], 1;
  {
  .param .b32 param0;
  st.param.b32 [param0+0], %r1;
  call.uni leaveIfOdd, (param0);
  }
  st.global.u32 [%rd3], 2;
  ret;
}
)");
  ASSERT_NE(module, nullptr);
  uint32_t *out = allocate<uint32_t>(32);
  ParamBuffer params;
  params.add(out);
  ASSERT_EQ(launch(module, "leaving", {1, 1, 1}, {32, 1, 1}, params), CUPORT_OK);
  for (uint32_t t = 0; t < 32; ++t)
    EXPECT_EQ(out[t], t % 2 ? 1u : 2u) << t;
}

TEST_F(PtxControl, BreakpointFailsTheGridWithAMessage) {
  cuport_backend_module *module = loadOk(kHeader + R"(
.visible .entry stop()
{
  .reg .b32 %r<2>;
  .reg .pred %p<2>;
  mov.u32 %r1, %tid.x;
  setp.eq.u32 %p1, %r1, 3;
  @%p1 brkpt;
  ret;
}
)");
  ASSERT_NE(module, nullptr);
  std::string error;
  EXPECT_EQ(launch(module, "stop", {1, 1, 1}, {8, 1, 1}, ParamBuffer{}, 0, &error),
            CUPORT_ERROR_LAUNCH_FAILED);
  EXPECT_NE(error.find("brkpt"), std::string::npos) << error;
  EXPECT_NE(error.find("thread: [3,0,0]"), std::string::npos) << error;
}

TEST_F(PtxControl, NanosleepAndPerformanceEventsChangeNothing) {
  cuport_backend_module *module = loadOk(".version 8.0\n.target sm_80\n.address_size 64\n"
                                         R"(
.visible .entry idle(.param .u64 out)
{
  .reg .b32 %r<2>;
  .reg .b64 %rd<2>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, 1000;
  nanosleep.u32 %r1;
  nanosleep.u32 50;
  pmevent 7;
  pmevent.mask 0x11;
  st.global.u32 [%rd1], %r1;
  ret;
}
)");
  ASSERT_NE(module, nullptr);
  uint32_t *out = allocate<uint32_t>(1);
  ParamBuffer params;
  params.add(out);
  ASSERT_EQ(launch(module, "idle", {1, 1, 1}, {1, 1, 1}, params), CUPORT_OK);
  EXPECT_EQ(out[0], 1000u);
}

} // namespace
} // namespace cuport::cpu::test
