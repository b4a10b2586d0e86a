// cvta / cvta.to (PTX ISA 9.7.9.18): a state-space address converted to a generic one and back.
// Every space's round trip is checked through the data it reaches: stores through one form of
// the address, loads through the other. 32-bit cvta needs .address_size 32, which no toolchain
// for sm_75 and later accepts; the 32-bit shared addresses nvcc-built code uses are a 64-bit
// cvta.to.shared truncated with cvt.u32.u64, checked here too.
#include "tests/ptx/conformance.h"

#include <string>

namespace cuport::conformance {
namespace {

// One thread per value; slot k of a thread's 8 words holds what round trip k read back.
constexpr uint32_t kThreads = 64;
constexpr uint32_t kSlots = 8;

std::string cvtaKernel(unsigned sm, const std::string &version) {
  return header(sm, version) + R"(
.const .align 4 .b32 table[4] = {11, 22, 33, 44};
.extern .shared .align 16 .b8 dynamic[];
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .local .align 4 .b8 depot[16];
  .shared .align 4 .b32 tile[64];
  .reg .pred %p<4>;
  .reg .b32 %r<32>;
  .reg .b64 %rd<48>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd3, %r1, 4;
  mul.wide.u32 %rd4, %r1, 32;
  add.s64 %rd5, %rd2, %rd4;                 // this thread's 8 result words
  // global: the input through cvta.to.global, then back to generic.
  cvta.to.global.u64 %rd6, %rd1;
  add.s64 %rd7, %rd6, %rd3;
  ld.global.u32 %r2, [%rd7];
  cvta.global.u64 %rd8, %rd6;
  add.s64 %rd9, %rd8, %rd3;
  ld.u32 %r3, [%rd9];
  add.u32 %r4, %r2, %r3;
  st.u32 [%rd5], %r4;                       // slot 0: 2 * in[tid]
  // shared, from the variable's name: a generic store, then shared loads through the address
  // converted back (64-bit and truncated to 32 bits).
  cvta.SHARED.u64 %rd10, tile;
  add.s64 %rd11, %rd10, %rd3;
  add.u32 %r5, %r2, 1000;
  st.u32 [%rd11], %r5;
  bar.sync 0;
  xor.b32 %r6, %r1, 1;                      // the neighbour's element
  mul.wide.u32 %rd12, %r6, 4;
  add.s64 %rd13, %rd10, %rd12;
  cvta.to.SHARED.u64 %rd14, %rd13;
  ld.shared.u32 %r7, [%rd14];
  st.u32 [%rd5+4], %r7;                     // slot 1: in[tid ^ 1] + 1000
  cvt.u32.u64 %r8, %rd14;
  ld.shared.u32 %r9, [%r8];
  st.u32 [%rd5+8], %r9;                     // slot 2: the same through a 32-bit address
  // shared, from a register holding the shared address (dynamic shared memory).
  mov.u64 %rd15, dynamic;
  add.s64 %rd16, %rd15, %rd3;
  add.u32 %r10, %r2, 2000;
  st.shared.u32 [%rd16], %r10;
  cvta.SHARED.u64 %rd17, %rd16;
  ld.u32 %r11, [%rd17];
  st.u32 [%rd5+12], %r11;                   // slot 3: in[tid] + 2000
  // local: a generic store, a local load of the address converted back, and one by name.
  cvta.local.u64 %rd18, depot;
  add.u32 %r12, %r2, 3000;
  st.u32 [%rd18+4], %r12;
  cvta.to.local.u64 %rd19, %rd18;
  ld.local.u32 %r13, [%rd19+4];
  ld.local.u32 %r14, [depot+4];
  add.u32 %r15, %r13, %r14;
  st.u32 [%rd5+16], %r15;                   // slot 4: 2 * (in[tid] + 3000)
  // const: a generic load, and a const load of the address converted back.
  and.b32 %r16, %r1, 3;
  mul.wide.u32 %rd20, %r16, 4;
  mov.u64 %rd21, table;
  cvta.const.u64 %rd22, %rd21;
  add.s64 %rd23, %rd22, %rd20;
  ld.u32 %r17, [%rd23];
  cvta.to.const.u64 %rd24, %rd23;
  ld.const.u32 %r18, [%rd24];
  mul.lo.u32 %r19, %r17, 100;
  add.u32 %r20, %r19, %r18;
  st.u32 [%rd5+20], %r20;                   // slot 5: 101 * table[tid & 3]
  // param: the kernel parameter `in` read through its generic address, also after a trip
  // through the param space and back.
  mov.u64 %rd25, in;
  cvta.param.u64 %rd26, %rd25;
  ld.u64 %rd27, [%rd26];
  cvta.to.param.u64 %rd28, %rd26;
  cvta.param.u64 %rd29, %rd28;
  ld.u64 %rd30, [%rd29];
  setp.eq.u64 %p1, %rd27, %rd1;
  setp.eq.u64 %p2, %rd30, %rd1;
  and.pred %p3, %p1, %p2;
  selp.u32 %r21, 1, 0, %p3;
  st.u32 [%rd5+24], %r21;                   // slot 6: 1
  ret;
}
)";
}

void checkCvta(const std::string &sharedSpace, unsigned sm = 75,
               const std::string &version = "8.0") {
  std::string ptx = cvtaKernel(sm, version);
  for (size_t at; (at = ptx.find("SHARED")) != std::string::npos;)
    ptx.replace(at, 6, sharedSpace);
  Launch launch;
  launch.ptx = ptx;
  launch.grid = {1, 1, 1};
  launch.block = {kThreads, 1, 1};
  launch.dynamicShared = kThreads * 4;
  for (uint32_t t = 0; t < kThreads; ++t)
    launch.in.push(uint32_t(t * 7 + 5));
  launch.outSize = kThreads * kSlots * 4;
  Bytes out = runOk(launch);
  const uint32_t table[] = {11, 22, 33, 44};
  for (uint32_t t = 0; t < kThreads; ++t) {
    uint32_t in = t * 7 + 5, neighbour = (t ^ 1) * 7 + 5;
    const uint32_t want[] = {2 * in,    neighbour + 1000, neighbour + 1000,
                             in + 2000, 2 * (in + 3000),  101 * table[t & 3],
                             1};
    for (uint32_t slot = 0; slot < 7; ++slot)
      EXPECT_EQ(out.at<uint32_t>((t * kSlots + slot) * 4), want[slot])
          << "thread " << t << ", slot " << slot;
  }
}

PTX_CASE(MemoryCvta, EverySpaceRoundTrip) {
  checkCvta("shared");
}

// .shared::cta (PTX 7.8) and .shared::cluster (sm_90): a cluster is one CTA here, so both name
// the CTA's shared window.
PTX_CASE(MemoryCvta, QualifiedSharedSpellings) {
  checkCvta("shared::cta", 90, "7.8");
  checkCvta("shared::cluster", 90, "7.8");
}

} // namespace
} // namespace cuport::conformance
