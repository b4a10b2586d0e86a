// Kernels without barriers: thread geometry, globals, many blocks across the worker pool.
#include "cpu_test_support.h"

#include <numeric>
#include <thread>

namespace cuport::cpu::test {
namespace {

using KernelExecution = CpuBackendTest;

// c[i] = a[i] + b[i] for i < n; pointers arrive as generic addresses and are converted with
// cvta.to.global (addrspacecast), as the lowering does.
const char *kVectorAdd = R"(
define void @vadd(ptr %params) "cuport-kernel" {
entry:
  %a = load i64, ptr %params, align 8
  %b.at = getelementptr i8, ptr %params, i64 8
  %b = load i64, ptr %b.at, align 8
  %c.at = getelementptr i8, ptr %params, i64 16
  %c = load i64, ptr %c.at, align 8
  %n.at = getelementptr i8, ptr %params, i64 24
  %n = load i32, ptr %n.at, align 4
  %tid = call i32 @cuport.tid.x()
  %ntid = call i32 @cuport.ntid.x()
  %ctaid = call i32 @cuport.ctaid.x()
  %base = mul i32 %ctaid, %ntid
  %i = add i32 %base, %tid
  %inside = icmp ult i32 %i, %n
  br i1 %inside, label %body, label %done
body:
  %i64 = zext i32 %i to i64
  %offset = shl i64 %i64, 2
  %a.i = add i64 %a, %offset
  %b.i = add i64 %b, %offset
  %c.i = add i64 %c, %offset
  %a.p = inttoptr i64 %a.i to ptr
  %a.g = addrspacecast ptr %a.p to ptr addrspace(1)
  %b.g = inttoptr i64 %b.i to ptr addrspace(1)
  %c.g = inttoptr i64 %c.i to ptr addrspace(1)
  %av = load float, ptr addrspace(1) %a.g, align 4
  %bv = load float, ptr addrspace(1) %b.g, align 4
  %sum = fadd float %av, %bv
  store float %sum, ptr addrspace(1) %c.g, align 4
  br label %done
done:
  ret void
}
)";

TEST_F(KernelExecution, VectorAddOverManyBlocks) {
  cuport_backend_module *module = load(kVectorAdd);
  ASSERT_NE(module, nullptr);
  const uint32_t n = 100003; // not a multiple of the block size
  float *a = allocate<float>(n), *b = allocate<float>(n), *c = allocate<float>(n);
  for (uint32_t i = 0; i < n; ++i) {
    a[i] = float(i) * 0.5f;
    b[i] = float(n - i);
    c[i] = -1.0f;
  }
  ParamBuffer params;
  params.add(a).add(b).add(c).add(n);
  std::string error;
  ASSERT_EQ(launch(module, "vadd", {(n + 255) / 256, 1, 1}, {256, 1, 1}, params, 0, &error),
            CUPORT_OK)
      << error;
  for (uint32_t i = 0; i < n; ++i)
    ASSERT_EQ(c[i], float(i) * 0.5f + float(n - i)) << i;
}

TEST_F(KernelExecution, ConcurrentLaunchesFromSeveralHostThreads) {
  cuport_backend_module *module = load(kVectorAdd);
  ASSERT_NE(module, nullptr);
  const uint32_t n = 5000;
  const int launchers = 4;
  std::vector<float *> outputs;
  float *a = allocate<float>(n), *b = allocate<float>(n);
  for (uint32_t i = 0; i < n; ++i) {
    a[i] = float(i);
    b[i] = 1.0f;
  }
  for (int t = 0; t < launchers; ++t)
    outputs.push_back(allocate<float>(n));
  cuport_backend_kernel *handle = kernel(module, "vadd"); // compiles on first launch, racing
  ASSERT_NE(handle, nullptr);
  std::vector<std::thread> threads;
  std::vector<cuport_status> statuses(launchers, CUPORT_ERROR_INVALID_VALUE);
  for (int t = 0; t < launchers; ++t)
    threads.emplace_back([&, t] {
      ParamBuffer params;
      params.add(a).add(b).add(outputs[t]).add(n);
      cuport_launch_config config{};
      config.grid[0] = (n + 127) / 128;
      config.grid[1] = config.grid[2] = 1;
      config.block[0] = 128;
      config.block[1] = config.block[2] = 1;
      config.params = params.data();
      config.params_size = params.size();
      for (int repeat = 0; repeat < 10; ++repeat) {
        statuses[t] = backend_->launch(backend_->self, handle, &config, cuport_error_buffer{});
        if (statuses[t] != CUPORT_OK)
          break;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < launchers; ++t) {
    EXPECT_EQ(statuses[t], CUPORT_OK);
    for (uint32_t i = 0; i < n; ++i)
      ASSERT_EQ(outputs[t][i], float(i) + 1.0f) << t << "/" << i;
  }
}

// Every thread records its geometry: out[gid * 16 + k].
const char *kGeometry = R"(
define void @geometry(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tx = call i32 @cuport.tid.x()
  %ty = call i32 @cuport.tid.y()
  %tz = call i32 @cuport.tid.z()
  %bx = call i32 @cuport.ctaid.x()
  %by = call i32 @cuport.ctaid.y()
  %bz = call i32 @cuport.ctaid.z()
  %nx = call i32 @cuport.ntid.x()
  %ny = call i32 @cuport.ntid.y()
  %nz = call i32 @cuport.ntid.z()
  %gx = call i32 @cuport.nctaid.x()
  %gy = call i32 @cuport.nctaid.y()
  %gz = call i32 @cuport.nctaid.z()
  %lane = call i32 @cuport.laneid()
  %warp = call i32 @cuport.warpid()
  %lt = call i32 @cuport.lanemask.lt()
  %ge = call i32 @cuport.lanemask.ge()
  ; block linear = (bz * gy + by) * gx + bx; thread linear = (tz * ny + ty) * nx + tx
  %b1 = mul i32 %bz, %gy
  %b2 = add i32 %b1, %by
  %b3 = mul i32 %b2, %gx
  %block = add i32 %b3, %bx
  %t1 = mul i32 %tz, %ny
  %t2 = add i32 %t1, %ty
  %t3 = mul i32 %t2, %nx
  %thread = add i32 %t3, %tx
  %s1 = mul i32 %nx, %ny
  %size = mul i32 %s1, %nz
  %g1 = mul i32 %block, %size
  %gid = add i32 %g1, %thread
  %gid64 = zext i32 %gid to i64
  %slot = mul i64 %gid64, 16
  %p0 = getelementptr i32, ptr addrspace(1) %out, i64 %slot
  store i32 %tx, ptr addrspace(1) %p0
  %p1 = getelementptr i32, ptr addrspace(1) %p0, i64 1
  store i32 %ty, ptr addrspace(1) %p1
  %p2 = getelementptr i32, ptr addrspace(1) %p0, i64 2
  store i32 %tz, ptr addrspace(1) %p2
  %p3 = getelementptr i32, ptr addrspace(1) %p0, i64 3
  store i32 %bx, ptr addrspace(1) %p3
  %p4 = getelementptr i32, ptr addrspace(1) %p0, i64 4
  store i32 %by, ptr addrspace(1) %p4
  %p5 = getelementptr i32, ptr addrspace(1) %p0, i64 5
  store i32 %bz, ptr addrspace(1) %p5
  %p6 = getelementptr i32, ptr addrspace(1) %p0, i64 6
  store i32 %nx, ptr addrspace(1) %p6
  %p7 = getelementptr i32, ptr addrspace(1) %p0, i64 7
  store i32 %ny, ptr addrspace(1) %p7
  %p8 = getelementptr i32, ptr addrspace(1) %p0, i64 8
  store i32 %nz, ptr addrspace(1) %p8
  %p9 = getelementptr i32, ptr addrspace(1) %p0, i64 9
  store i32 %gx, ptr addrspace(1) %p9
  %p10 = getelementptr i32, ptr addrspace(1) %p0, i64 10
  store i32 %gy, ptr addrspace(1) %p10
  %p11 = getelementptr i32, ptr addrspace(1) %p0, i64 11
  store i32 %gz, ptr addrspace(1) %p11
  %p12 = getelementptr i32, ptr addrspace(1) %p0, i64 12
  store i32 %lane, ptr addrspace(1) %p12
  %p13 = getelementptr i32, ptr addrspace(1) %p0, i64 13
  store i32 %warp, ptr addrspace(1) %p13
  %p14 = getelementptr i32, ptr addrspace(1) %p0, i64 14
  store i32 %lt, ptr addrspace(1) %p14
  %p15 = getelementptr i32, ptr addrspace(1) %p0, i64 15
  store i32 %ge, ptr addrspace(1) %p15
  ret void
}
)";

void checkGeometry(const uint32_t *out, Dim3 grid, Dim3 block) {
  uint32_t size = block.x * block.y * block.z;
  for (uint32_t bz = 0; bz < grid.z; ++bz)
    for (uint32_t by = 0; by < grid.y; ++by)
      for (uint32_t bx = 0; bx < grid.x; ++bx)
        for (uint32_t tz = 0; tz < block.z; ++tz)
          for (uint32_t ty = 0; ty < block.y; ++ty)
            for (uint32_t tx = 0; tx < block.x; ++tx) {
              uint32_t blockLinear = (bz * grid.y + by) * grid.x + bx;
              uint32_t threadLinear = (tz * block.y + ty) * block.x + tx;
              const uint32_t *slot = out + (uint64_t(blockLinear) * size + threadLinear) * 16;
              uint32_t lane = threadLinear % 32;
              uint32_t expected[16] = {tx,
                                       ty,
                                       tz,
                                       bx,
                                       by,
                                       bz,
                                       block.x,
                                       block.y,
                                       block.z,
                                       grid.x,
                                       grid.y,
                                       grid.z,
                                       lane,
                                       threadLinear / 32,
                                       (1u << lane) - 1,
                                       ~((1u << lane) - 1)};
              for (int k = 0; k < 16; ++k)
                ASSERT_EQ(slot[k], expected[k])
                    << "field " << k << " of block (" << bx << "," << by << "," << bz
                    << ") thread (" << tx << "," << ty << "," << tz << ")";
            }
}

TEST_F(KernelExecution, ThreeDimensionalGeometry) {
  cuport_backend_module *module = load(kGeometry);
  ASSERT_NE(module, nullptr);
  for (auto [grid, block] :
       {std::pair<Dim3, Dim3>{{3, 2, 2}, {5, 4, 3}}, std::pair<Dim3, Dim3>{{4, 3, 1}, {16, 8, 1}},
        std::pair<Dim3, Dim3>{{1, 1, 1}, {1, 1, 1}}, std::pair<Dim3, Dim3>{{2, 1, 3}, {7, 1, 9}}}) {
    uint64_t threads = uint64_t(grid.x) * grid.y * grid.z * block.x * block.y * block.z;
    uint32_t *out = allocate<uint32_t>(threads * 16);
    std::fill(out, out + threads * 16, 0xffffffffu);
    ParamBuffer params;
    params.add(out);
    std::string error;
    ASSERT_EQ(launch(module, "geometry", grid, block, params, 0, &error), CUPORT_OK) << error;
    checkGeometry(out, grid, block);
  }
}

// Block ctaid.x: atomically counts itself and bumps its own slot (non-atomically, so a block run
// twice would show up as 2).
const char *kManyBlocks = R"(
define void @count_blocks(ptr %params) "cuport-kernel" {
entry:
  %tid = call i32 @cuport.tid.x()
  %first = icmp eq i32 %tid, 0
  br i1 %first, label %count, label %done
count:
  %counter.int = load i64, ptr %params, align 8
  %counter = inttoptr i64 %counter.int to ptr addrspace(1)
  %old = atomicrmw add ptr addrspace(1) %counter, i32 1 monotonic
  %slots.at = getelementptr i8, ptr %params, i64 8
  %slots.int = load i64, ptr %slots.at, align 8
  %slots = inttoptr i64 %slots.int to ptr addrspace(1)
  %bx = call i32 @cuport.ctaid.x()
  %by = call i32 @cuport.ctaid.y()
  %gx = call i32 @cuport.nctaid.x()
  %row = mul i32 %by, %gx
  %index = add i32 %row, %bx
  %slot = getelementptr i32, ptr addrspace(1) %slots, i32 %index
  %value = load i32, ptr addrspace(1) %slot, align 4
  %next = add i32 %value, 1
  store i32 %next, ptr addrspace(1) %slot, align 4
  br label %done
done:
  ret void
}
)";

TEST_F(KernelExecution, ManyBlocksEachRunOnce) {
  cuport_backend_module *module = load(kManyBlocks);
  ASSERT_NE(module, nullptr);
  const Dim3 grid{4000, 5, 1};
  const uint32_t blocks = grid.x * grid.y;
  uint32_t *counter = allocate<uint32_t>(1);
  uint32_t *slots = allocate<uint32_t>(blocks);
  for (int round = 0; round < 3; ++round) {
    *counter = 0;
    std::fill(slots, slots + blocks, 0u);
    ParamBuffer params;
    params.add(counter).add(slots);
    std::string error;
    ASSERT_EQ(launch(module, "count_blocks", grid, {64, 1, 1}, params, 0, &error), CUPORT_OK)
        << error;
    EXPECT_EQ(*counter, blocks);
    for (uint32_t i = 0; i < blocks; ++i)
      ASSERT_EQ(slots[i], 1u) << "block " << i;
  }
}

// .global and .const variables, one initialized with another's address.
const char *kGlobals = R"(
@counter = addrspace(1) global i32 7, align 4
@table = addrspace(4) global [4 x i32] [i32 1, i32 2, i32 3, i32 4], align 16
@counter_address = addrspace(1) global i64 ptrtoint (ptr addrspace(1) @counter to i64), align 8
@zeroes = internal addrspace(1) global [100 x i64] zeroinitializer, align 8

define void @read_globals(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %c = load i32, ptr addrspace(1) @counter, align 4
  %c64 = zext i32 %c to i64
  store i64 %c64, ptr addrspace(1) %out, align 8
  %t0 = load i32, ptr addrspace(4) @table, align 4
  %t1.at = getelementptr [4 x i32], ptr addrspace(4) @table, i64 0, i64 1
  %t1 = load i32, ptr addrspace(4) %t1.at, align 4
  %t2.at = getelementptr [4 x i32], ptr addrspace(4) @table, i64 0, i64 2
  %t2 = load i32, ptr addrspace(4) %t2.at, align 4
  %t3.at = getelementptr [4 x i32], ptr addrspace(4) @table, i64 0, i64 3
  %t3 = load i32, ptr addrspace(4) %t3.at, align 4
  %s1 = add i32 %t0, %t1
  %s2 = add i32 %s1, %t2
  %s3 = add i32 %s2, %t3
  %s64 = zext i32 %s3 to i64
  %o1 = getelementptr i64, ptr addrspace(1) %out, i64 1
  store i64 %s64, ptr addrspace(1) %o1, align 8
  %addr = load i64, ptr addrspace(1) @counter_address, align 8
  %o2 = getelementptr i64, ptr addrspace(1) %out, i64 2
  store i64 %addr, ptr addrspace(1) %o2, align 8
  %z = load i64, ptr addrspace(1) @zeroes, align 8
  %o3 = getelementptr i64, ptr addrspace(1) %out, i64 3
  store i64 %z, ptr addrspace(1) %o3, align 8
  ; the kernel also writes a global the host reads back
  store i32 99, ptr addrspace(1) @counter, align 4
  ret void
}
)";

TEST_F(KernelExecution, GlobalsAreAddressableBeforeLaunchAndShared) {
  cuport_backend_module *module = load(kGlobals);
  ASSERT_NE(module, nullptr);
  void *counter = nullptr, *table = nullptr, *counterAddress = nullptr, *zeroes = nullptr;
  size_t size = 0;
  ASSERT_EQ(backend_->module_get_global(backend_->self, module, "counter", &counter, &size),
            CUPORT_OK);
  EXPECT_EQ(size, 4u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(counter) % 4, 0u);
  EXPECT_EQ(*static_cast<int32_t *>(counter), 7);
  ASSERT_EQ(backend_->module_get_global(backend_->self, module, "table", &table, &size), CUPORT_OK);
  EXPECT_EQ(size, 16u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(table) % 16, 0u);
  EXPECT_EQ(static_cast<int32_t *>(table)[3], 4);
  ASSERT_EQ(backend_->module_get_global(backend_->self, module, "counter_address", &counterAddress,
                                        &size),
            CUPORT_OK);
  EXPECT_EQ(*static_cast<uint64_t *>(counterAddress), reinterpret_cast<uint64_t>(counter));
  ASSERT_EQ(backend_->module_get_global(backend_->self, module, "zeroes", &zeroes, &size),
            CUPORT_OK);
  EXPECT_EQ(size, 800u);

  // The host writes before the first launch (cudaMemcpyToSymbol), into .const too.
  *static_cast<int32_t *>(counter) = 42;
  static_cast<int32_t *>(table)[2] = 30;
  static_cast<int64_t *>(zeroes)[0] = -5;
  int64_t *out = allocate<int64_t>(4);
  ParamBuffer params;
  params.add(out);
  std::string error;
  ASSERT_EQ(launch(module, "read_globals", {1, 1, 1}, {1, 1, 1}, params, 0, &error), CUPORT_OK)
      << error;
  EXPECT_EQ(out[0], 42);
  EXPECT_EQ(out[1], 1 + 2 + 30 + 4);
  EXPECT_EQ(out[2], static_cast<int64_t>(reinterpret_cast<uintptr_t>(counter)));
  EXPECT_EQ(out[3], -5);
  EXPECT_EQ(*static_cast<int32_t *>(counter), 99);
}

TEST_F(KernelExecution, ModulesAreIndependent) {
  cuport_backend_module *first = load(kGlobals);
  cuport_backend_module *second = load(kGlobals);
  ASSERT_TRUE(first && second);
  void *a = nullptr, *b = nullptr;
  ASSERT_EQ(backend_->module_get_global(backend_->self, first, "counter", &a, nullptr), CUPORT_OK);
  ASSERT_EQ(backend_->module_get_global(backend_->self, second, "counter", &b, nullptr), CUPORT_OK);
  EXPECT_NE(a, b);
}

// A .func called directly and through a pointer, both need the hidden context parameter.
const char *kCalls = R"(
define internal i32 @lane_plus(i32 %x) {
  %lane = call i32 @cuport.laneid()
  %r = add i32 %x, %lane
  ret i32 %r
}

define internal i32 @twice_tid(i32 %unused) noinline {
  %t = call i32 @cuport.tid.x()
  %r = mul i32 %t, 2
  ret i32 %r
}

define void @calls(ptr %params) "cuport-kernel" {
entry:
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %fp.at = getelementptr i8, ptr %params, i64 8
  %selector = load i32, ptr %fp.at, align 4
  %pick = icmp eq i32 %selector, 0
  %fn = select i1 %pick, ptr @lane_plus, ptr @twice_tid
  %a = call i32 @lane_plus(i32 1000)
  %b = call i32 %fn(i32 0)
  %tid = call i32 @cuport.tid.x()
  %sum = add i32 %a, %b
  %slot = getelementptr i32, ptr addrspace(1) %out, i32 %tid
  store i32 %sum, ptr addrspace(1) %slot, align 4
  ret void
}
)";

TEST_F(KernelExecution, DirectAndIndirectCallsSeeTheirThread) {
  cuport_backend_module *module = load(kCalls);
  ASSERT_NE(module, nullptr);
  const uint32_t threads = 100;
  int32_t *out = allocate<int32_t>(threads);
  for (int32_t selector : {0, 1}) {
    ParamBuffer params;
    params.add(out).add(selector);
    std::string error;
    ASSERT_EQ(launch(module, "calls", {1, 1, 1}, {threads, 1, 1}, params, 0, &error), CUPORT_OK)
        << error;
    for (uint32_t t = 0; t < threads; ++t) {
      int32_t lane = int32_t(t % 32);
      int32_t expected = 1000 + lane + (selector == 0 ? lane : 2 * int32_t(t));
      ASSERT_EQ(out[t], expected) << "thread " << t << " selector " << selector;
    }
  }
}

// exit inside a .func ends only the calling thread.
const char *kExit = R"(
define internal void @leave_unless_small(i32 %t) {
  %big = icmp uge i32 %t, 4
  br i1 %big, label %leave, label %stay
leave:
  call void @cuport.exit()
  unreachable
stay:
  ret void
}

define void @exit_in_func(ptr %params) "cuport-kernel" {
  %out.int = load i64, ptr %params, align 8
  %out = inttoptr i64 %out.int to ptr addrspace(1)
  %tid = call i32 @cuport.tid.x()
  call void @leave_unless_small(i32 %tid)
  %slot = getelementptr i32, ptr addrspace(1) %out, i32 %tid
  store i32 1, ptr addrspace(1) %slot, align 4
  ret void
}
)";

TEST_F(KernelExecution, ExitInAFunctionEndsTheThread) {
  cuport_backend_module *module = load(kExit);
  ASSERT_NE(module, nullptr);
  int32_t *out = allocate<int32_t>(40);
  std::fill(out, out + 40, 0);
  ParamBuffer params;
  params.add(out);
  std::string error;
  ASSERT_EQ(launch(module, "exit_in_func", {1, 1, 1}, {40, 1, 1}, params, 0, &error), CUPORT_OK)
      << error;
  for (int t = 0; t < 40; ++t)
    EXPECT_EQ(out[t], t < 4 ? 1 : 0) << t;
}

} // namespace
} // namespace cuport::cpu::test
