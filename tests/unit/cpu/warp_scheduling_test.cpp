// The block scheduler on hand-written kernel IR: warp collectives reached through calls (inlined
// into the kernel before it becomes a coroutine) and blocks of every size up to 1024 threads.
#include "cpu_test_support.h"

namespace cuport::cpu::test {
namespace {

using WarpScheduling = CpuBackendTest;

// out[tid] = sum over the warp of (tid + 1), by a butterfly reduction in a helper function.
const char *kButterflyInHelper = R"(
define internal i32 @warp_sum(i32 %value) {
entry:
  br label %loop
loop:
  %v = phi i32 [ %value, %entry ], [ %sum, %loop ]
  %offset = phi i32 [ 16, %entry ], [ %next, %loop ]
  %pair = call { i32, i1 } @cuport.shfl.sync(i32 2, i32 %v, i32 %offset, i32 31, i32 -1)
  %other = extractvalue { i32, i1 } %pair, 0
  %sum = add i32 %v, %other
  %next = lshr i32 %offset, 1
  %more = icmp ne i32 %next, 0
  br i1 %more, label %loop, label %done
done:
  ret i32 %sum
}

define void @sums(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  %one = add i32 %tid, 1
  %sum = call i32 @warp_sum(i32 %one)
  %dst = getelementptr i32, ptr addrspace(1) %out, i32 %tid
  store i32 %sum, ptr addrspace(1) %dst, align 4
  ret void
}
)";

TEST_F(WarpScheduling, ButterflyReductionInACalledFunction) {
  cuport_backend_module *module = load(kButterflyInHelper);
  ASSERT_NE(module, nullptr);
  for (uint32_t threads : {32u, 64u, 1024u}) {
    uint32_t *out = allocate<uint32_t>(threads);
    ParamBuffer params;
    params.add(out);
    std::string error;
    ASSERT_EQ(launch(module, "sums", {3, 1, 1}, {threads, 1, 1}, params, 0, &error), CUPORT_OK)
        << error;
    for (uint32_t t = 0; t < threads; ++t) {
      uint32_t first = t / 32 * 32 + 1;
      EXPECT_EQ(out[t], 32 * first + 31 * 32 / 2) << "thread " << t << " of " << threads;
    }
  }
}

} // namespace
} // namespace cuport::cpu::test
