// Kernels with bar.sync and shared memory.
#include "cpu_test_support.h"

namespace cuport::cpu::test {
namespace {

using Barriers = CpuBackendTest;

// Tree reduction in shared memory with a barrier inside the loop; works for any block size up to
// 1024 (partner must be inside the block). out[ctaid] = sum of in[ctaid * ntid .. + ntid).
const char *kReduce = R"(
@sdata = internal addrspace(3) global [1024 x i32] undef, align 4

define void @reduce(ptr %params) "cuport-kernel" {
entry:
  %in.int = load i64, ptr %params, align 8
  %in = inttoptr i64 %in.int to ptr addrspace(1)
  %out.at = getelementptr i8, ptr %params, i64 8
  %out.int = load i64, ptr %out.at, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  %ntid = call i32 @cuport.ntid.x()
  %ctaid = call i32 @cuport.ctaid.x()
  %base = mul i32 %ctaid, %ntid
  %gid = add i32 %base, %tid
  %src = getelementptr i32, ptr addrspace(1) %in, i32 %gid
  %v = load i32, ptr addrspace(1) %src, align 4
  %shared = ptrtoint ptr addrspace(3) @sdata to i32
  %mine.off = shl i32 %tid, 2
  %mine.int = add i32 %shared, %mine.off
  %mine = inttoptr i32 %mine.int to ptr addrspace(3)
  store i32 %v, ptr addrspace(3) %mine, align 4
  call void @cuport.bar.sync(i32 0, i32 -1)
  br label %loop
loop:
  %stride = phi i32 [ 512, %entry ], [ %stride.next, %latch ]
  %partner = add i32 %tid, %stride
  %low = icmp ult i32 %tid, %stride
  %inside = icmp ult i32 %partner, %ntid
  %active = and i1 %low, %inside
  br i1 %active, label %accumulate, label %latch
accumulate:
  %theirs.off = shl i32 %partner, 2
  %theirs.int = add i32 %shared, %theirs.off
  %theirs = inttoptr i32 %theirs.int to ptr addrspace(3)
  %a = load i32, ptr addrspace(3) %mine, align 4
  %b = load i32, ptr addrspace(3) %theirs, align 4
  %s = add i32 %a, %b
  store i32 %s, ptr addrspace(3) %mine, align 4
  br label %latch
latch:
  call void @cuport.bar.sync(i32 0, i32 -1)
  %stride.next = lshr i32 %stride, 1
  %more = icmp ne i32 %stride.next, 0
  br i1 %more, label %loop, label %finish
finish:
  %leader = icmp eq i32 %tid, 0
  br i1 %leader, label %write, label %done
write:
  %total = load i32, ptr addrspace(3) %mine, align 4
  %dst = getelementptr i32, ptr addrspace(1) %out, i32 %ctaid
  store i32 %total, ptr addrspace(1) %dst, align 4
  br label %done
done:
  ret void
}
)";

TEST_F(Barriers, TreeReductionInSharedMemory) {
  cuport_backend_module *module = load(kReduce);
  ASSERT_NE(module, nullptr);
  for (uint32_t threads : {256u, 1000u, 1024u, 33u, 1u}) {
    const uint32_t blocks = 37;
    int32_t *in = allocate<int32_t>(blocks * threads);
    int32_t *out = allocate<int32_t>(blocks);
    std::vector<int64_t> expected(blocks, 0);
    for (uint32_t i = 0; i < blocks * threads; ++i) {
      in[i] = int32_t((i * 7919u) % 1001u) - 500;
      expected[i / threads] += in[i];
    }
    ParamBuffer params;
    params.add(in).add(out);
    std::string error;
    ASSERT_EQ(launch(module, "reduce", {blocks, 1, 1}, {threads, 1, 1}, params, 0, &error),
              CUPORT_OK)
        << error;
    for (uint32_t b = 0; b < blocks; ++b)
      ASSERT_EQ(out[b], expected[b]) << "block " << b << " of " << threads << " threads";
  }
}

TEST_F(Barriers, KernelAttributesReportStaticShared) {
  cuport_backend_module *module = load(kReduce);
  ASSERT_NE(module, nullptr);
  cuport_kernel_attributes attributes{};
  ASSERT_EQ(backend_->kernel_get_attributes(backend_->self, kernel(module, "reduce"), &attributes),
            CUPORT_OK);
  EXPECT_EQ(attributes.static_shared_bytes, 4096u);
  EXPECT_EQ(attributes.max_threads_per_block, 1024u);
}

// Dynamic shared memory follows the static variables: each thread writes 3 * tid into the
// dynamic array (through a generic pointer, cvta.shared), then reads its mirror's value.
const char *kDynamicShared = R"(
@marker = internal addrspace(3) global i32 undef, align 4
@dynamic = external addrspace(3) global [0 x i32], align 16

define void @mirror(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  %ntid = call i32 @cuport.ntid.x()
  %ctaid = call i32 @cuport.ctaid.x()
  %first = icmp eq i32 %tid, 0
  br i1 %first, label %mark, label %fill
mark:
  store i32 -559038737, ptr addrspace(3) @marker, align 4
  br label %fill
fill:
  %generic = addrspacecast ptr addrspace(3) @dynamic to ptr
  %mine = getelementptr i32, ptr %generic, i32 %tid
  %value = mul i32 %tid, 3
  store i32 %value, ptr %mine, align 4
  call void @cuport.bar.sync(i32 0, i32 -1)
  %last = sub i32 %ntid, 1
  %mirror = sub i32 %last, %tid
  %theirs = getelementptr i32, ptr addrspace(3) @dynamic, i32 %mirror
  %read = load i32, ptr addrspace(3) %theirs, align 4
  %base = mul i32 %ctaid, %ntid
  %gid = add i32 %base, %tid
  %dst = getelementptr i32, ptr addrspace(1) %out, i32 %gid
  store i32 %read, ptr addrspace(1) %dst, align 4
  br i1 %first, label %report, label %done
report:
  %extra.at = getelementptr i8, ptr %params, i64 8
  %extra.int = load i64, ptr %extra.at, align 8
  %extra = inttoptr i64 %extra.int to ptr addrspace(1)
  %slot = mul i32 %ctaid, 3
  %m.at = getelementptr i32, ptr addrspace(1) %extra, i32 %slot
  %m = load i32, ptr addrspace(3) @marker, align 4
  store i32 %m, ptr addrspace(1) %m.at, align 4
  %size = call i32 @cuport.dynamic_smem_size()
  %s.at = getelementptr i32, ptr addrspace(1) %m.at, i32 1
  store i32 %size, ptr addrspace(1) %s.at, align 4
  ; cvta.to.shared of the generic pointer gives back the offset of the dynamic area
  %back = addrspacecast ptr %generic to ptr addrspace(3)
  %offset = ptrtoint ptr addrspace(3) %back to i32
  %o.at = getelementptr i32, ptr addrspace(1) %m.at, i32 2
  store i32 %offset, ptr addrspace(1) %o.at, align 4
  br label %done
done:
  ret void
}
)";

TEST_F(Barriers, DynamicSharedMemoryFollowsStatic) {
  cuport_backend_module *module = load(kDynamicShared);
  ASSERT_NE(module, nullptr);
  const uint32_t threads = 300, blocks = 9;
  int32_t *out = allocate<int32_t>(threads * blocks);
  int32_t *extra = allocate<int32_t>(3 * blocks);
  ParamBuffer params;
  params.add(out).add(extra);
  std::string error;
  ASSERT_EQ(launch(module, "mirror", {blocks, 1, 1}, {threads, 1, 1}, params, threads * 4, &error),
            CUPORT_OK)
      << error;
  for (uint32_t b = 0; b < blocks; ++b) {
    for (uint32_t t = 0; t < threads; ++t)
      ASSERT_EQ(out[b * threads + t], int32_t(3 * (threads - 1 - t))) << b << "/" << t;
    EXPECT_EQ(extra[3 * b], int32_t(0xdeadbeef)) << "the dynamic area overlapped the static one";
    EXPECT_EQ(extra[3 * b + 1], int32_t(threads * 4));
    EXPECT_EQ(extra[3 * b + 2], 16) << "dynamic area starts after 4 static bytes, 16-aligned";
  }
}

// Odd threads return before the barrier; even threads exchange values through shared memory
// after it. A barrier must not wait for exited threads.
const char *kEarlyReturn = R"(
@slots = internal addrspace(3) global [1024 x i32] undef, align 4

define void @early_return(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  %ntid = call i32 @cuport.ntid.x()
  %odd.bit = and i32 %tid, 1
  %odd = icmp ne i32 %odd.bit, 0
  br i1 %odd, label %leave, label %work
leave:
  ret void
work:
  %mine = getelementptr [1024 x i32], ptr addrspace(3) @slots, i32 0, i32 %tid
  %value = add i32 %tid, 100
  store i32 %value, ptr addrspace(3) %mine, align 4
  call void @cuport.bar.sync(i32 0, i32 -1)
  %next = add i32 %tid, 2
  %wrap = urem i32 %next, %ntid
  %wrap.odd = and i32 %wrap, 1
  %partner = sub i32 %wrap, %wrap.odd
  %theirs = getelementptr [1024 x i32], ptr addrspace(3) @slots, i32 0, i32 %partner
  %read = load i32, ptr addrspace(3) %theirs, align 4
  call void @cuport.bar.sync(i32 0, i32 -1)
  %dst = getelementptr i32, ptr addrspace(1) %out, i32 %tid
  store i32 %read, ptr addrspace(1) %dst, align 4
  ret void
}
)";

TEST_F(Barriers, ThreadsReturningEarlyDoNotBlockTheBarrier) {
  cuport_backend_module *module = load(kEarlyReturn);
  ASSERT_NE(module, nullptr);
  for (uint32_t threads : {64u, 50u, 7u}) {
    int32_t *out = allocate<int32_t>(threads);
    std::fill(out, out + threads, -1);
    ParamBuffer params;
    params.add(out);
    std::string error;
    ASSERT_EQ(launch(module, "early_return", {3, 1, 1}, {threads, 1, 1}, params, 0, &error),
              CUPORT_OK)
        << error;
    for (uint32_t t = 0; t < threads; ++t) {
      if (t % 2) {
        EXPECT_EQ(out[t], -1) << t;
        continue;
      }
      uint32_t partner = (t + 2) % threads;
      partner -= partner % 2;
      EXPECT_EQ(out[t], int32_t(partner + 100)) << t << " of " << threads;
    }
  }
}

// A barrier inside a .func (inlined into the kernel), in a 2D block.
const char *kBarrierInCallee = R"(
@stage = internal addrspace(3) global [256 x i32] undef, align 4

define internal i32 @exchange(i32 %linear, i32 %value, i32 %size) {
  %mine = getelementptr [256 x i32], ptr addrspace(3) @stage, i32 0, i32 %linear
  store i32 %value, ptr addrspace(3) %mine, align 4
  call void @cuport.bar.sync(i32 0, i32 -1)
  %last = sub i32 %size, 1
  %other = sub i32 %last, %linear
  %theirs = getelementptr [256 x i32], ptr addrspace(3) @stage, i32 0, i32 %other
  %read = load i32, ptr addrspace(3) %theirs, align 4
  ret i32 %read
}

define void @callee_barrier(ptr %params) "cuport-kernel" {
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tx = call i32 @cuport.tid.x()
  %ty = call i32 @cuport.tid.y()
  %nx = call i32 @cuport.ntid.x()
  %ny = call i32 @cuport.ntid.y()
  %row = mul i32 %ty, %nx
  %linear = add i32 %row, %tx
  %size = mul i32 %nx, %ny
  %value = mul i32 %linear, %linear
  %got = call i32 @exchange(i32 %linear, i32 %value, i32 %size)
  %dst = getelementptr i32, ptr addrspace(1) %out, i32 %linear
  store i32 %got, ptr addrspace(1) %dst, align 4
  ret void
}
)";

TEST_F(Barriers, BarrierInsideACalledFunction) {
  cuport_backend_module *module = load(kBarrierInCallee);
  ASSERT_NE(module, nullptr);
  const uint32_t nx = 16, ny = 12, size = nx * ny;
  int32_t *out = allocate<int32_t>(size);
  ParamBuffer params;
  params.add(out);
  std::string error;
  ASSERT_EQ(launch(module, "callee_barrier", {2, 1, 1}, {nx, ny, 1}, params, 0, &error), CUPORT_OK)
      << error;
  for (uint32_t i = 0; i < size; ++i)
    ASSERT_EQ(out[i], int32_t((size - 1 - i) * (size - 1 - i))) << i;
}

const char *kRecursiveBarrier = R"(
define internal void @recurse(i32 %n) {
  call void @cuport.bar.sync(i32 0, i32 -1)
  %more = icmp ugt i32 %n, 0
  br i1 %more, label %again, label %done
again:
  %m = sub i32 %n, 1
  call void @recurse(i32 %m)
  br label %done
done:
  ret void
}

define void @uses_recursion(ptr %params) "cuport-kernel" {
  call void @recurse(i32 3)
  ret void
}
)";

TEST_F(Barriers, BarrierInRecursiveFunctionFailsAtLoad) {
  std::string error;
  EXPECT_EQ(tryLoad(kRecursiveBarrier, &error), CUPORT_ERROR_INVALID_IR);
  EXPECT_NE(error.find("recurse"), std::string::npos) << error;
  EXPECT_NE(error.find("recursive"), std::string::npos) << error;
}

} // namespace
} // namespace cuport::cpu::test
