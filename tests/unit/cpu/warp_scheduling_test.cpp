// The block scheduler on hand-written kernel IR: warp collectives reached through calls (inlined
// into the kernel before it becomes a coroutine) and blocks of every size up to 1024 threads.
#include "cpu_test_support.h"

#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/SourceMgr.h>

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

// Only kernels with a barrier or a warp collective pay for the coroutine: a kernel without them
// stays a plain per-thread function.
TEST_F(WarpScheduling, OnlySynchronizingKernelsBecomeCoroutines) {
  const std::string plain = R"(
define void @plain(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  %lane = call i32 @cuport.laneid()
  %dst = getelementptr i32, ptr addrspace(1) %out, i32 %tid
  store i32 %lane, ptr addrspace(1) %dst, align 4
  ret void
}
)";
  llvm::LLVMContext context;
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module = llvm::parseAssemblyString(
      std::string(kIntrinsicDeclarations) + kButterflyInHelper + plain, diagnostic, context);
  ASSERT_NE(module, nullptr) << diagnostic.getMessage().str();
  std::string assembly, error;
  ASSERT_TRUE(compileToAssembly(*module, assembly, error)) << error;
  EXPECT_NE(assembly.find("# kernel sums (barriers or warp collectives: coroutine)"),
            std::string::npos)
      << assembly.substr(0, 2000);
  size_t plainHeader = assembly.find("# kernel plain");
  ASSERT_NE(plainHeader, std::string::npos);
  EXPECT_EQ(assembly.compare(plainHeader, 15, "# kernel plain\n"), 0);
}

} // namespace
} // namespace cuport::cpu::test
