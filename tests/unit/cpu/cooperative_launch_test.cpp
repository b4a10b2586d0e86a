// Launch flags through the backend ABI: in cooperative launches the grid workspace reaches kernels
// through %envreg1:%envreg2 (null outside cooperative grids), and oversized grids or unknown flags
// fail; an explicit cluster launch (or a kernel declaring its clusters) makes %is_explicit_cluster
// true. That cooperative blocks run concurrently is tested end to end with grid.sync()
// (cudart_launch_test).
#include "backends/cpu/executor.h"
#include "cpu_test_support.h"

#include <set>

namespace cuport::cpu::test {
namespace {

class CooperativeLaunch : public CpuBackendTest {
protected:
  cuport_status launchWithFlags(cuport_backend_module *module, const char *name, uint32_t blocks,
                                uint32_t flags, const ParamBuffer &params) {
    cuport_launch_config config{};
    config.grid[0] = blocks;
    config.grid[1] = config.grid[2] = 1;
    config.block[0] = 32;
    config.block[1] = config.block[2] = 1;
    config.params = params.data();
    config.params_size = params.size();
    config.flags = flags;
    char message[1024] = {};
    return backend_->launch(backend_->self, kernel(module, name), &config,
                            cuport_error_buffer{message, sizeof message});
  }
};

// Block b writes the workspace pointer it sees (envreg1 high, envreg2 low) to out[b].
const char *kWorkspaceKernel = R"(
declare i32 @cuport.envreg.1() nounwind willreturn memory(none)
declare i32 @cuport.envreg.2() nounwind willreturn memory(none)

define void @workspace(ptr %params) "cuport-kernel" {
  %out = load ptr, ptr %params
  %hi = call i32 @cuport.envreg.1()
  %lo = call i32 @cuport.envreg.2()
  %hi64 = zext i32 %hi to i64
  %lo64 = zext i32 %lo to i64
  %shifted = shl i64 %hi64, 32
  %pointer = or i64 %shifted, %lo64
  %block = call i32 @cuport.ctaid.x()
  %slot = getelementptr i64, ptr %out, i32 %block
  store i64 %pointer, ptr %slot
  ret void
}
)";

TEST_F(CooperativeLaunch, WorkspaceOnlyInCooperativeGrids) {
  cuport_backend_module *module = load(kWorkspaceKernel);
  ASSERT_NE(module, nullptr);
  uint32_t blocks = Executor::hardwareThreads();
  uint64_t *out = allocate<uint64_t>(blocks);
  ParamBuffer params;
  params.add(out);

  ASSERT_EQ(launchWithFlags(module, "workspace", blocks, CUPORT_LAUNCH_COOPERATIVE, params),
            CUPORT_OK);
  std::set<uint64_t> seen(out, out + blocks);
  ASSERT_EQ(seen.size(), 1u) << "every block sees the same workspace";
  EXPECT_NE(*seen.begin(), 0u);
  EXPECT_EQ(*seen.begin() % 8, 0u);

  ASSERT_EQ(launchWithFlags(module, "workspace", blocks, 0, params), CUPORT_OK);
  for (uint32_t b = 0; b < blocks; ++b)
    EXPECT_EQ(out[b], 0u) << "block " << b;

  EXPECT_EQ(launchWithFlags(module, "workspace", blocks + 1, CUPORT_LAUNCH_COOPERATIVE, params),
            CUPORT_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE);
  // A flag the backend does not know.
  EXPECT_EQ(launchWithFlags(module, "workspace", 1, 1u << 31, params), CUPORT_ERROR_INVALID_VALUE);
}

// Block b writes %is_explicit_cluster to out[b]; the second kernel declares its clusters
// (.explicitcluster or .reqnctapercluster in PTX).
const char *kExplicitClusterKernels = R"(
declare i1 @cuport.is_explicit_cluster() nounwind willreturn memory(none)

define void @plain(ptr %params) "cuport-kernel" {
  %out = load ptr, ptr %params
  %explicit = call i1 @cuport.is_explicit_cluster()
  %value = zext i1 %explicit to i32
  %block = call i32 @cuport.ctaid.x()
  %slot = getelementptr i32, ptr %out, i32 %block
  store i32 %value, ptr %slot
  ret void
}

define void @declared(ptr %params) "cuport-kernel" "cuport-explicit-cluster" {
  %out = load ptr, ptr %params
  %explicit = call i1 @cuport.is_explicit_cluster()
  %value = zext i1 %explicit to i32
  %block = call i32 @cuport.ctaid.x()
  %slot = getelementptr i32, ptr %out, i32 %block
  store i32 %value, ptr %slot
  ret void
}
)";

TEST_F(CooperativeLaunch, ExplicitClusterReachesKernels) {
  cuport_backend_module *module = load(kExplicitClusterKernels);
  ASSERT_NE(module, nullptr);
  uint32_t *out = allocate<uint32_t>(2);
  ParamBuffer params;
  params.add(out);
  struct Expectation {
    const char *kernel;
    uint32_t flags;
    uint32_t explicitCluster;
  };
  for (const Expectation &expectation :
       {Expectation{"plain", 0, 0}, Expectation{"plain", CUPORT_LAUNCH_EXPLICIT_CLUSTER, 1},
        Expectation{"declared", 0, 1}, Expectation{"declared", CUPORT_LAUNCH_EXPLICIT_CLUSTER, 1},
        Expectation{"plain", CUPORT_LAUNCH_COOPERATIVE | CUPORT_LAUNCH_EXPLICIT_CLUSTER, 1}}) {
    out[0] = out[1] = 7;
    ASSERT_EQ(launchWithFlags(module, expectation.kernel, 2, expectation.flags, params), CUPORT_OK);
    for (uint32_t b = 0; b < 2; ++b)
      EXPECT_EQ(out[b], expectation.explicitCluster)
          << expectation.kernel << " with flags " << expectation.flags << ", block " << b;
  }
}

} // namespace
} // namespace cuport::cpu::test
