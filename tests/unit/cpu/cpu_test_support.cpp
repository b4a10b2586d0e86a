#include "cpu_test_support.h"

#include "compiler/lower/lower.h"
#include "compiler/ptx/parser.h"

#include <llvm/AsmParser/Parser.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

namespace cuport::cpu::test {

const char *const kIntrinsicDeclarations = R"(
declare i32 @cuport.tid.x() nounwind willreturn memory(none)
declare i32 @cuport.tid.y() nounwind willreturn memory(none)
declare i32 @cuport.tid.z() nounwind willreturn memory(none)
declare i32 @cuport.ntid.x() nounwind willreturn memory(none)
declare i32 @cuport.ntid.y() nounwind willreturn memory(none)
declare i32 @cuport.ntid.z() nounwind willreturn memory(none)
declare i32 @cuport.ctaid.x() nounwind willreturn memory(none)
declare i32 @cuport.ctaid.y() nounwind willreturn memory(none)
declare i32 @cuport.ctaid.z() nounwind willreturn memory(none)
declare i32 @cuport.nctaid.x() nounwind willreturn memory(none)
declare i32 @cuport.nctaid.y() nounwind willreturn memory(none)
declare i32 @cuport.nctaid.z() nounwind willreturn memory(none)
declare i32 @cuport.laneid() nounwind willreturn memory(none)
declare i32 @cuport.warpid() nounwind willreturn memory(none)
declare i32 @cuport.lanemask.lt() nounwind willreturn memory(none)
declare i32 @cuport.lanemask.ge() nounwind willreturn memory(none)
declare i32 @cuport.dynamic_smem_size() nounwind willreturn memory(none)
declare void @cuport.bar.sync(i32, i32) convergent nounwind
declare void @cuport.bar.arrive(i32, i32) convergent nounwind
declare i32 @cuport.bar.red(i32, i32, i32, i1) convergent nounwind
declare void @cuport.bar.warp.sync(i32) convergent nounwind
declare { i32, i1 } @cuport.shfl.sync(i32, i32, i32, i32, i32) convergent nounwind
declare i32 @cuport.vote.sync(i32, i1, i32) convergent nounwind
declare { i32, i1 } @cuport.match.sync(i32, i64, i32) convergent nounwind
declare i32 @cuport.redux.sync(i32, i32, i32) convergent nounwind
declare { i32, i1 } @cuport.elect.sync(i32) convergent nounwind
declare i32 @cuport.activemask() convergent nounwind
declare void @cuport.trap() noreturn nounwind
declare void @cuport.exit() noreturn nounwind
)";

std::vector<char> assemble(const std::string &ir) {
  llvm::LLVMContext context;
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(std::string(kIntrinsicDeclarations) + ir, diagnostic, context);
  if (!module) {
    std::string text;
    llvm::raw_string_ostream stream(text);
    diagnostic.print("test-kernel", stream);
    ADD_FAILURE() << "test IR does not parse: " << text;
    return {};
  }
  llvm::SmallVector<char, 0> buffer;
  llvm::BitcodeWriter writer(buffer);
  writer.writeModule(*module);
  writer.writeSymtab();
  writer.writeStrtab();
  return {buffer.begin(), buffer.end()};
}

const cuport_backend *CpuBackendTest::backend_ = nullptr;

void CpuBackendTest::SetUpTestSuite() {
  if (!backend_)
    backend_ = cuport_cpu_backend_create();
}

void CpuBackendTest::TearDownTestSuite() {
  // Kept for the whole run: the worker pool is meant to persist across launches.
}

void CpuBackendTest::TearDown() {
  for (cuport_backend_module *module : modules_)
    backend_->module_unload(backend_->self, module);
  for (void *memory : allocations_)
    backend_->mem_free(backend_->self, memory);
}

cuport_status CpuBackendTest::tryLoad(const std::string &ir, std::string *error) {
  std::vector<char> bitcode = assemble(ir);
  char message[4096] = {};
  cuport_backend_module *module = nullptr;
  cuport_status status =
      backend_->module_load(backend_->self, bitcode.data(), bitcode.size(), &module,
                            cuport_error_buffer{message, sizeof message});
  if (status == CUPORT_OK)
    modules_.push_back(module);
  if (error)
    *error = message;
  return status;
}

cuport_backend_module *CpuBackendTest::loadPtx(const std::string &ptx, std::string *error) {
  std::string ignored;
  std::string &message = error ? *error : ignored;
  auto describe = [&](const std::vector<ptx::Diagnostic> &diagnostics) {
    message.clear();
    for (const ptx::Diagnostic &diagnostic : diagnostics)
      message += diagnostic.format("test.ptx") + "\n";
  };
  ptx::ParseResult parsed = ptx::parseModule(ptx);
  if (!parsed.module) {
    describe(parsed.diagnostics);
    return nullptr;
  }
  llvm::LLVMContext context;
  lower::LowerResult lowered = lower::lowerModule(*parsed.module, context, "test.ptx");
  if (!lowered.lowered) {
    describe(lowered.diagnostics);
    return nullptr;
  }
  llvm::SmallVector<char, 0> buffer;
  llvm::BitcodeWriter writer(buffer);
  writer.writeModule(*lowered.lowered->module);
  writer.writeSymtab();
  writer.writeStrtab();
  char text[4096] = {};
  cuport_backend_module *module = nullptr;
  cuport_status status = backend_->module_load(backend_->self, buffer.data(), buffer.size(),
                                               &module, cuport_error_buffer{text, sizeof text});
  message = text;
  if (status != CUPORT_OK)
    return nullptr;
  modules_.push_back(module);
  return module;
}

cuport_backend_module *CpuBackendTest::load(const std::string &ir) {
  std::string error;
  EXPECT_EQ(tryLoad(ir, &error), CUPORT_OK) << error;
  return modules_.empty() ? nullptr : modules_.back();
}

cuport_backend_kernel *CpuBackendTest::kernel(cuport_backend_module *module, const char *name) {
  cuport_backend_kernel *result = nullptr;
  EXPECT_EQ(backend_->module_get_kernel(backend_->self, module, name, &result), CUPORT_OK) << name;
  return result;
}

cuport_status CpuBackendTest::launch(cuport_backend_module *module, const char *name, Dim3 grid,
                                     Dim3 block, const ParamBuffer &params, uint32_t dynamic_shared,
                                     std::string *error) {
  cuport_backend_kernel *handle = kernel(module, name);
  if (!handle)
    return CUPORT_ERROR_NOT_FOUND;
  cuport_launch_config config{};
  config.grid[0] = grid.x;
  config.grid[1] = grid.y;
  config.grid[2] = grid.z;
  config.block[0] = block.x;
  config.block[1] = block.y;
  config.block[2] = block.z;
  config.dynamic_shared_bytes = dynamic_shared;
  config.params = params.data();
  config.params_size = params.size();
  char message[4096] = {};
  cuport_status status = backend_->launch(backend_->self, handle, &config,
                                          cuport_error_buffer{message, sizeof message});
  if (error)
    *error = message;
  return status;
}

} // namespace cuport::cpu::test
