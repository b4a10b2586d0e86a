#include "compiler/lower/intrinsics.h"

#include <llvm/IR/Attributes.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/ModRef.h>

#include <array>
#include <charconv>
#include <string>

namespace cuport::lower {
namespace {

llvm::Function *declare(llvm::Module &module, std::string_view name, llvm::FunctionType *type) {
  auto callee = module.getOrInsertFunction(llvm::StringRef(name.data(), name.size()), type);
  return llvm::cast<llvm::Function>(callee.getCallee());
}

} // namespace

std::optional<SpecialRegister> specialRegister(std::string_view name, int component) {
  static constexpr std::array<std::string_view, 8> kVectorRegisters{
      "%tid",       "%ntid",       "%ctaid",         "%nctaid",
      "%clusterid", "%nclusterid", "%cluster_ctaid", "%cluster_nctaid"};
  static constexpr std::array<const char *, 3> kAxes{"x", "y", "z"};
  for (std::string_view vector : kVectorRegisters) {
    if (name != vector)
      continue;
    if (component < 0 || component > 2)
      return std::nullopt;
    return SpecialRegister{"cuport." + std::string(vector.substr(1)) + "." + kAxes[component], 32,
                           true};
  }
  if (component >= 0)
    return std::nullopt;
  struct Scalar {
    std::string_view ptxName;
    const char *intrinsic;
    unsigned bits;
    bool pure;
  };
  static constexpr std::array<Scalar, 24> kScalars{{
      {"%laneid", "cuport.laneid", 32, true},
      {"%warpid", "cuport.warpid", 32, true},
      {"%nwarpid", "cuport.nwarpid", 32, true},
      {"%lanemask_eq", "cuport.lanemask.eq", 32, true},
      {"%lanemask_lt", "cuport.lanemask.lt", 32, true},
      {"%lanemask_le", "cuport.lanemask.le", 32, true},
      {"%lanemask_gt", "cuport.lanemask.gt", 32, true},
      {"%lanemask_ge", "cuport.lanemask.ge", 32, true},
      {"%smid", "cuport.smid", 32, true},
      {"%nsmid", "cuport.nsmid", 32, true},
      {"%gridid", "cuport.gridid", 64, true},
      {"%clock", "cuport.clock", 32, false},
      {"%clock_hi", "cuport.clock.hi", 32, false},
      {"%clock64", "cuport.clock64", 64, false},
      {"%globaltimer", "cuport.globaltimer", 64, false},
      {"%globaltimer_lo", "cuport.globaltimer.lo", 32, false},
      {"%globaltimer_hi", "cuport.globaltimer.hi", 32, false},
      {"%dynamic_smem_size", "cuport.dynamic_smem_size", 32, true},
      {"%total_smem_size", "cuport.total_smem_size", 32, true},
      {"%aggr_smem_size", "cuport.aggr_smem_size", 32, true},
      {"%cluster_ctarank", "cuport.cluster_ctarank", 32, true},
      {"%cluster_nctarank", "cuport.cluster_nctarank", 32, true},
      {"%current_graph_exec", "cuport.current_graph_exec", 64, true},
      {"%is_explicit_cluster", "cuport.is_explicit_cluster", 1, true},
  }};
  for (const Scalar &scalar : kScalars)
    if (scalar.ptxName == name)
      return SpecialRegister{scalar.intrinsic, scalar.bits, scalar.pure};
  // %envreg0..%envreg31: values the driver sets per launch (the cooperative grid workspace).
  constexpr std::string_view kEnvironment = "%envreg";
  if (name.starts_with(kEnvironment)) {
    std::string_view digits = name.substr(kEnvironment.size());
    unsigned index = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty() &&
        index < 32)
      return SpecialRegister{"cuport.envreg." + std::to_string(index), 32, true};
  }
  // %pm0..%pm7 and %pm0_64..%pm7_64: performance monitor counters, whose behaviour the ISA leaves
  // undefined.
  if (name.size() >= 4 && name.starts_with("%pm") && name[3] >= '0' && name[3] <= '7') {
    std::string_view rest = name.substr(4);
    if (rest.empty())
      return SpecialRegister{"cuport.pm." + std::string(1, name[3]), 32, false};
    if (rest == "_64")
      return SpecialRegister{"cuport.pm64." + std::string(1, name[3]), 64, false};
  }
  return std::nullopt;
}

std::optional<std::string_view> unsupportedSpecialRegister(std::string_view name) {
  if (name.starts_with("%reserved_smem_offset_"))
    return "the layout of the driver's reserved shared memory is not modelled";
  return std::nullopt;
}

llvm::Function *declareSpecialRegister(llvm::Module &module, const SpecialRegister &reg) {
  auto &context = module.getContext();
  auto *type = llvm::FunctionType::get(llvm::IntegerType::get(context, reg.bits), false);
  llvm::Function *function = declare(module, reg.intrinsic, type);
  function->setDoesNotThrow();
  function->setWillReturn();
  function->setMemoryEffects(reg.pure ? llvm::MemoryEffects::none()
                                      : llvm::MemoryEffects::inaccessibleMemOnly());
  return function;
}

llvm::Function *declareIsSpaceAddress(llvm::Module &module, std::string_view space) {
  auto &context = module.getContext();
  auto *type = llvm::FunctionType::get(llvm::Type::getInt1Ty(context),
                                       {llvm::Type::getInt64Ty(context)}, false);
  llvm::Function *function = declare(module, "cuport.isspacep." + std::string(space), type);
  function->setDoesNotThrow();
  function->setWillReturn();
  function->setMemoryEffects(llvm::MemoryEffects::none());
  return function;
}

llvm::Function *declareBarSync(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), {i32, i32}, false);
  llvm::Function *function = declare(module, "cuport.bar.sync", type);
  function->setDoesNotThrow();
  function->setConvergent();
  return function;
}

llvm::Function *declareBarWarpSync(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), {i32}, false);
  llvm::Function *function = declare(module, "cuport.bar.warp.sync", type);
  function->setDoesNotThrow();
  function->setConvergent();
  return function;
}

static llvm::Function *declareConvergent(llvm::Module &module, std::string_view name,
                                         llvm::Type *result, llvm::ArrayRef<llvm::Type *> params) {
  llvm::Function *function = declare(module, name, llvm::FunctionType::get(result, params, false));
  function->setDoesNotThrow();
  function->setConvergent();
  return function;
}

static llvm::Type *valueAndPredicate(llvm::LLVMContext &context) {
  return llvm::StructType::get(context,
                               {llvm::Type::getInt32Ty(context), llvm::Type::getInt1Ty(context)});
}

llvm::Function *declareBarArrive(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.bar.arrive", llvm::Type::getVoidTy(module.getContext()),
                           {i32, i32});
}

llvm::Function *declareClusterBarrier(llvm::Module &module, bool wait) {
  return declareConvergent(module,
                           wait ? "cuport.barrier.cluster.wait" : "cuport.barrier.cluster.arrive",
                           llvm::Type::getVoidTy(module.getContext()), {});
}

llvm::Function *declareBarRed(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.bar.red", i32,
                           {i32, i32, i32, llvm::Type::getInt1Ty(module.getContext())});
}

llvm::Function *declareShflSync(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.shfl.sync", valueAndPredicate(module.getContext()),
                           {i32, i32, i32, i32, i32});
}

llvm::Function *declareVoteSync(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.vote.sync", i32,
                           {i32, llvm::Type::getInt1Ty(module.getContext()), i32});
}

llvm::Function *declareMatchSync(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.match.sync", valueAndPredicate(module.getContext()),
                           {i32, llvm::Type::getInt64Ty(module.getContext()), i32});
}

llvm::Function *declareReduxSync(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.redux.sync", i32, {i32, i32, i32});
}

llvm::Function *declareElectSync(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.elect.sync", valueAndPredicate(module.getContext()),
                           {i32});
}

llvm::Function *declareActiveMask(llvm::Module &module) {
  return declareConvergent(module, "cuport.activemask", llvm::Type::getInt32Ty(module.getContext()),
                           {});
}

llvm::Function *declareMmaSync(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  return declareConvergent(module, "cuport.mma.sync", llvm::Type::getVoidTy(context),
                           {i32, llvm::PointerType::get(context, 0), i32});
}

llvm::Function *declareLdmatrixSync(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  return declareConvergent(module, "cuport.ldmatrix.sync",
                           llvm::StructType::get(context, {i64, i64}),
                           {i32, llvm::PointerType::get(context, 0), i32});
}

llvm::Function *declareStmatrixSync(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  return declareConvergent(module, "cuport.stmatrix.sync", llvm::Type::getVoidTy(context),
                           {i32, llvm::PointerType::get(context, 0), i64, i64, i32});
}

llvm::Function *declareMovmatrixSync(llvm::Module &module) {
  auto *i32 = llvm::Type::getInt32Ty(module.getContext());
  return declareConvergent(module, "cuport.movmatrix.sync", i32, {i32, i32});
}

static llvm::Function *declareNoThrow(llvm::Module &module, std::string_view name,
                                      llvm::Type *result, llvm::ArrayRef<llvm::Type *> params) {
  llvm::Function *function = declare(module, name, llvm::FunctionType::get(result, params, false));
  function->setDoesNotThrow();
  return function;
}

llvm::Function *declareMbarrierInit(llvm::Module &module) {
  auto &context = module.getContext();
  return declareNoThrow(module, "cuport.mbarrier.init", llvm::Type::getVoidTy(context),
                        {llvm::PointerType::get(context, 0), llvm::Type::getInt32Ty(context)});
}

llvm::Function *declareMbarrierInval(llvm::Module &module) {
  auto &context = module.getContext();
  return declareNoThrow(module, "cuport.mbarrier.inval", llvm::Type::getVoidTy(context),
                        {llvm::PointerType::get(context, 0)});
}

llvm::Function *declareMbarrierArrive(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  return declareNoThrow(module, "cuport.mbarrier.arrive", llvm::Type::getInt64Ty(context),
                        {llvm::PointerType::get(context, 0), i32, i32, i32});
}

llvm::Function *declareMbarrierTx(llvm::Module &module) {
  auto &context = module.getContext();
  return declareNoThrow(module, "cuport.mbarrier.tx", llvm::Type::getVoidTy(context),
                        {llvm::PointerType::get(context, 0), llvm::Type::getInt32Ty(context)});
}

llvm::Function *declareBulkCopy(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *ptr = llvm::PointerType::get(context, 0);
  return declareNoThrow(module, "cuport.bulk.copy", llvm::Type::getVoidTy(context),
                        {i32, ptr, ptr, i32, ptr, i32});
}

llvm::Function *declareBulkReduce(llvm::Module &module) {
  auto &context = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(context);
  auto *ptr = llvm::PointerType::get(context, 0);
  return declareNoThrow(module, "cuport.bulk.reduce", llvm::Type::getVoidTy(context),
                        {i32, ptr, ptr, i32, ptr});
}

llvm::Function *declareMbarrierPendingCount(llvm::Module &module) {
  auto &context = module.getContext();
  llvm::Function *function =
      declareNoThrow(module, "cuport.mbarrier.pending_count", llvm::Type::getInt32Ty(context),
                     {llvm::Type::getInt64Ty(context)});
  function->setDoesNotAccessMemory();
  function->setWillReturn();
  return function;
}

llvm::Function *declareMbarrierWait(llvm::Module &module) {
  auto &context = module.getContext();
  return declareConvergent(module, "cuport.mbarrier.wait", llvm::Type::getInt1Ty(context),
                           {llvm::Type::getInt32Ty(context), llvm::PointerType::get(context, 0),
                            llvm::Type::getInt64Ty(context)});
}

static llvm::Function *declareNoReturn(llvm::Module &module, std::string_view name) {
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(module.getContext()), false);
  llvm::Function *function = declare(module, name, type);
  function->setDoesNotThrow();
  function->setDoesNotReturn();
  return function;
}

llvm::Function *declareTrap(llvm::Module &module) {
  return declareNoReturn(module, "cuport.trap");
}

llvm::Function *declareBreakpoint(llvm::Module &module) {
  return declareNoReturn(module, "cuport.brkpt");
}
llvm::Function *declareExit(llvm::Module &module) {
  return declareNoReturn(module, "cuport.exit");
}

} // namespace cuport::lower
