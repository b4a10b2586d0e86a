// Device description, memory and launch-configuration checks.
#include "cpu_test_support.h"

#include <thread>

namespace cuport::cpu::test {
namespace {

using BackendBasics = CpuBackendTest;

TEST_F(BackendBasics, IdentifiesItself) {
  EXPECT_EQ(backend_->abi_version, CUPORT_BACKEND_ABI_VERSION);
  EXPECT_STREQ(backend_->name, "cpu");
}

TEST_F(BackendBasics, DeviceInfoDescribesTheHost) {
  cuport_device_info info{};
  ASSERT_EQ(backend_->get_device_info(backend_->self, &info), CUPORT_OK);
  EXPECT_EQ(std::string(info.name).rfind("cuport CPU (", 0), 0u) << info.name;
  EXPECT_EQ(info.name[std::string(info.name).size() - 1], ')');
  unsigned threads = std::thread::hardware_concurrency();
  EXPECT_EQ(info.multiprocessor_count, threads == 0 ? 1u : threads);
  EXPECT_GT(info.total_global_memory, 0u);
  EXPECT_EQ(info.warp_size, 32u);
  EXPECT_EQ(info.max_threads_per_block, 1024u);
  EXPECT_EQ(info.max_block_dim[0], 1024u);
  EXPECT_EQ(info.max_block_dim[2], 64u);
  EXPECT_EQ(info.max_grid_dim[0], 2147483647u);
  EXPECT_EQ(info.max_grid_dim[1], 65535u);
  EXPECT_EQ(info.max_grid_dim[2], 65535u);
  EXPECT_GE(info.max_shared_memory_per_block, 48u * 1024);
  EXPECT_EQ(info.compute_capability_major, 9u);
  EXPECT_EQ(info.compute_capability_minor, 0u);
  EXPECT_EQ(info.unified_addressing, 1u);
  EXPECT_EQ(backend_->get_device_info(backend_->self, nullptr), CUPORT_ERROR_INVALID_VALUE);
}

TEST_F(BackendBasics, MemoryIsAlignedCopiedAndSet) {
  for (size_t bytes : {size_t{0}, size_t{1}, size_t{255}, size_t{4096}, size_t{1} << 20}) {
    void *memory = nullptr;
    ASSERT_EQ(backend_->mem_alloc(backend_->self, bytes, &memory), CUPORT_OK);
    ASSERT_NE(memory, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(memory) % 256, 0u) << bytes;
    EXPECT_EQ(backend_->memset(backend_->self, memory, 0x5a, bytes), CUPORT_OK);
    std::vector<unsigned char> host(bytes, 0);
    EXPECT_EQ(backend_->memcpy(backend_->self, host.data(), memory, bytes), CUPORT_OK);
    for (unsigned char byte : host)
      ASSERT_EQ(byte, 0x5a);
    EXPECT_EQ(backend_->mem_free(backend_->self, memory), CUPORT_OK);
  }
  void *huge = nullptr;
  EXPECT_EQ(backend_->mem_alloc(backend_->self, SIZE_MAX - 8, &huge), CUPORT_ERROR_OUT_OF_MEMORY);
}

const char *kEmptyKernel = R"(
define void @empty(ptr %params) "cuport-kernel" {
  ret void
}
)";

TEST_F(BackendBasics, RejectsInvalidLaunchConfigurations) {
  cuport_backend_module *module = load(kEmptyKernel);
  ASSERT_NE(module, nullptr);
  ParamBuffer none;
  std::string error;
  struct Case {
    Dim3 grid, block;
    uint32_t dynamic_shared;
    cuport_status expected;
  };
  const Case cases[] = {
      {{1, 1, 1}, {0, 1, 1}, 0, CUPORT_ERROR_INVALID_VALUE},
      {{1, 1, 1}, {1025, 1, 1}, 0, CUPORT_ERROR_INVALID_VALUE},
      {{1, 1, 1}, {32, 32, 2}, 0, CUPORT_ERROR_INVALID_VALUE}, // 2048 threads
      {{1, 1, 1}, {1, 1, 65}, 0, CUPORT_ERROR_INVALID_VALUE},
      {{0, 1, 1}, {1, 1, 1}, 0, CUPORT_ERROR_INVALID_VALUE},
      {{1, 65536, 1}, {1, 1, 1}, 0, CUPORT_ERROR_INVALID_VALUE},
      {{1, 1, 65536}, {1, 1, 1}, 0, CUPORT_ERROR_INVALID_VALUE},
      {{1, 1, 1}, {1, 1, 1}, 228 * 1024, CUPORT_ERROR_LAUNCH_OUT_OF_RESOURCES},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(launch(module, "empty", c.grid, c.block, none, c.dynamic_shared, &error), c.expected);
    EXPECT_FALSE(error.empty());
  }
  // The limits themselves are fine.
  EXPECT_EQ(launch(module, "empty", {1, 1, 1}, {1024, 1, 1}, none, 0, &error), CUPORT_OK) << error;
  EXPECT_EQ(launch(module, "empty", {1, 1, 1}, {1, 1, 64}, none, 227 * 1024, &error), CUPORT_OK)
      << error;
  EXPECT_EQ(launch(module, "empty", {1, 65535, 1}, {1, 1, 1}, none, 0, &error), CUPORT_OK) << error;
}

TEST_F(BackendBasics, UnknownNamesAreNotFound) {
  cuport_backend_module *module = load(kEmptyKernel);
  ASSERT_NE(module, nullptr);
  cuport_backend_kernel *kernel = nullptr;
  EXPECT_EQ(backend_->module_get_kernel(backend_->self, module, "missing", &kernel),
            CUPORT_ERROR_NOT_FOUND);
  void *address = nullptr;
  size_t size = 0;
  EXPECT_EQ(backend_->module_get_global(backend_->self, module, "missing", &address, &size),
            CUPORT_ERROR_NOT_FOUND);
}

} // namespace
} // namespace cuport::cpu::test
