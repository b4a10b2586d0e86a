// isspacep (PTX ISA 9.7.9.19): whether a generic address lies in the window of a state space.
// Shared covers static and dynamic shared memory; .param the kernel's parameters, which the ISA
// also counts as .global; .global every other address outside shared, local and const memory.
#include "tests/ptx/conformance.h"

#include <string>
#include <vector>

namespace cuport::conformance {
namespace {

PTX_CASE(MemoryIsSpace, SharedAddresses) {
  Launch launch;
  launch.ptx = header(75) + R"(
.const .align 4 .u32 constant = 7;
.extern .shared .align 16 .b8 dynamic[];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .local .align 8 .b8 depot[8];
  .shared .align 16 .b8 tile[32];
  .reg .pred %p<8>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<16>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mov.u64 %rd2, tile;
  cvta.shared.u64 %rd3, %rd2;
  cvt.u64.u32 %rd4, %r1;
  add.s64 %rd5, %rd3, %rd4;                 // tile + tid (tid < 32)
  mov.u64 %rd6, dynamic;
  cvta.shared.u64 %rd7, %rd6;
  add.s64 %rd8, %rd7, %rd4;                 // dynamic + tid (64 dynamic bytes)
  mov.u64 %rd9, depot;
  cvta.local.u64 %rd10, %rd9;
  mov.u64 %rd11, constant;
  cvta.const.u64 %rd12, %rd11;
  isspacep.shared %p1, %rd5;
  isspacep.shared::cta %p2, %rd8;
  isspacep.shared %p3, %rd1;
  isspacep.shared %p4, %rd10;
  isspacep.shared %p5, %rd12;
  selp.u32 %r2, 1, 0, %p1;
  selp.u32 %r3, 2, 0, %p2;
  selp.u32 %r4, 4, 0, %p3;
  selp.u32 %r5, 8, 0, %p4;
  selp.u32 %r6, 16, 0, %p5;
  or.b32 %r7, %r2, %r3;
  or.b32 %r7, %r7, %r4;
  or.b32 %r7, %r7, %r5;
  or.b32 %r7, %r7, %r6;
  mul.wide.u32 %rd13, %r1, 4;
  add.s64 %rd14, %rd1, %rd13;
  st.global.u32 [%rd14], %r7;
  ret;
}
)";
  launch.grid = {3, 1, 1};
  launch.block = {32, 1, 1};
  launch.dynamicShared = 64;
  launch.outSize = 32 * 4;
  Bytes out = runOk(launch);
  for (uint32_t t = 0; t < 32; ++t)
    EXPECT_EQ(out.at<uint32_t>(4 * t), 3u) << t; // shared (static and dynamic) only
}

// Each candidate address against every space: bit 0 shared, 1 local, 2 const, 3 param, 4 global.
enum SpaceBit : uint32_t { kShared = 1, kLocal = 2, kConst = 4, kParam = 8, kGlobal = 16 };

std::string spaceMask(const std::string &address, size_t slot,
                      const std::vector<std::string> &spellings) {
  std::string text;
  for (size_t bit = 0; bit < spellings.size(); ++bit)
    text += "  isspacep." + spellings[bit] + " %p1, " + address + ";\n  selp.u32 %r10, " +
            std::to_string(1u << bit) + ", 0, %p1;\n  or.b32 %r11, %r11, %r10;\n";
  return "  mov.u32 %r11, 0;\n" + text + "  st.global.u8 [%rd30+" + std::to_string(slot) +
         "], %r11;\n";
}

// The candidates: static and dynamic shared, the global output buffer, a local array, a const
// array (its first and last words), a kernel parameter. With `barrier`, a bar.sync between taking
// the addresses and testing them makes the kernel a coroutine, whose local arrays live in the
// thread's frame rather than on the worker's stack.
std::string spacesKernel(bool barrier, const std::vector<std::string> &spellings, unsigned sm,
                         const std::string &version) {
  std::string ptx = header(sm, version) + R"(
.const .align 4 .b32 table[4] = {1, 2, 3, 4};
.extern .shared .align 16 .b8 dynamic[];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .local .align 8 .b8 depot[16];
  .shared .align 16 .b8 tile[32];
  .reg .pred %p<4>;
  .reg .b32 %r<16>;
  .reg .b64 %rd<32>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  cvt.u64.u32 %rd3, %r1;
  mul.wide.u32 %rd4, %r1, 8;
  add.s64 %rd30, %rd1, %rd4;                // this thread's 8 result bytes
  mov.u64 %rd10, tile;
  cvta.shared.u64 %rd10, %rd10;
  add.s64 %rd10, %rd10, %rd3;
  mov.u64 %rd11, dynamic;
  cvta.shared.u64 %rd11, %rd11;
  add.s64 %rd11, %rd11, %rd3;
  mov.u64 %rd13, depot;
  cvta.local.u64 %rd13, %rd13;
  and.b64 %rd5, %rd3, 15;
  add.s64 %rd13, %rd13, %rd5;
  mov.u64 %rd14, table;
  cvta.const.u64 %rd14, %rd14;
  add.s64 %rd15, %rd14, 12;
  mov.u64 %rd16, in;
  cvta.param.u64 %rd16, %rd16;
)";
  if (barrier)
    ptx += "  bar.sync 0;\n";
  const char *addresses[] = {"%rd10", "%rd11", "%rd30", "%rd13", "%rd14", "%rd15", "%rd16"};
  for (size_t slot = 0; slot < 7; ++slot)
    ptx += spaceMask(addresses[slot], slot, spellings);
  return ptx + "  ret;\n}\n";
}

void checkSpaces(bool barrier, const std::vector<std::string> &spellings, unsigned sm = 75,
                 const std::string &version = "8.0") {
  Launch launch;
  launch.ptx = spacesKernel(barrier, spellings, sm, version);
  launch.grid = {2, 1, 1};
  launch.block = {64, 1, 1};
  launch.dynamicShared = 64;
  launch.outSize = 64 * 8;
  Bytes out = runOk(launch);
  const uint8_t want[] = {kShared, kShared, kGlobal, kLocal, kConst, kConst, kParam | kGlobal};
  const char *names[] = {"static shared", "dynamic shared", "global", "local",
                         "const",         "const + 12",     "param"};
  for (uint32_t t = 0; t < 64; ++t)
    for (size_t slot = 0; slot < 7; ++slot)
      EXPECT_EQ(out.at<uint8_t>(8 * t + slot), want[slot])
          << names[slot] << " address of thread " << t << " (bits: shared, local, const, param, "
          << "global)";
}

PTX_CASE(MemoryIsSpace, EverySpace) {
  checkSpaces(false, {"shared", "local", "const", "param", "global"});
}

PTX_CASE(MemoryIsSpace, EverySpaceAcrossBarrier) {
  checkSpaces(true, {"shared", "local", "const", "param", "global"});
}

// The sub-qualified spellings: .shared::cta, .shared::cluster (sm_90; a cluster is one CTA
// here) and .param::entry (PTX 8.3) name the same windows.
PTX_CASE(MemoryIsSpace, QualifiedSpellings) {
  checkSpaces(false, {"shared::cluster", "local", "const", "param::entry", "global"}, 90, "8.3");
  checkSpaces(true, {"shared::cta", "local", "const", "param::entry", "global"}, 90, "8.3");
}

} // namespace
} // namespace cuport::conformance
