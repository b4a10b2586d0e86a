// Threads a hidden ThreadContext pointer through every defined function and replaces the
// geometry intrinsics by loads from it. The loads are marked invariant: a thread's geometry and
// its block's window never change while the thread runs, so LLVM may CSE and hoist them freely.
#include "backends/cpu/context.h"
#include "backends/cpu/passes.h"
#include "backends/cpu/runtime_symbols.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringSwitch.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Intrinsics.h>

namespace cuport::cpu {
namespace {

namespace off = context_offsets;

llvm::Value *loadInvariant(llvm::IRBuilder<> &builder, llvm::Type *type, llvm::Value *base,
                           uint64_t offset) {
  llvm::Value *address = builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), base, offset);
  llvm::LoadInst *load = builder.CreateLoad(type, address);
  load->setMetadata(llvm::LLVMContext::MD_invariant_load,
                    llvm::MDNode::get(builder.getContext(), {}));
  return load;
}

llvm::Value *loadBlockField(llvm::IRBuilder<> &builder, llvm::Type *type, llvm::Value *context,
                            uint64_t offset) {
  llvm::Value *block = loadInvariant(builder, builder.getPtrTy(), context, off::block);
  return loadInvariant(builder, type, block, offset);
}

// The value of a geometry intrinsic, or null when `name` is not one.
llvm::Value *geometryValue(llvm::IRBuilder<> &builder, llvm::StringRef name, llvm::Value *context) {
  llvm::Type *i32 = builder.getInt32Ty();
  auto dimension = [&](llvm::StringRef prefix, uint64_t base, bool perBlock) -> llvm::Value * {
    for (unsigned axis = 0; axis < 3; ++axis) {
      if (name == (prefix + "." + llvm::Twine("xyz"[axis])).str()) {
        uint64_t offset = base + 4 * axis;
        return perBlock ? loadBlockField(builder, i32, context, offset)
                        : loadInvariant(builder, i32, context, offset);
      }
    }
    return nullptr;
  };
  if (llvm::Value *v = dimension("cuport.tid", off::tid, false))
    return v;
  if (llvm::Value *v = dimension("cuport.ntid", off::ntid, true))
    return v;
  if (llvm::Value *v = dimension("cuport.ctaid", off::ctaid, true))
    return v;
  if (llvm::Value *v = dimension("cuport.nctaid", off::nctaid, true))
    return v;
  // Every cluster is one CTA: a cluster's id and count are the CTA's, and the CTA is rank 0 of 1.
  if (llvm::Value *v = dimension("cuport.clusterid", off::ctaid, true))
    return v;
  if (llvm::Value *v = dimension("cuport.nclusterid", off::nctaid, true))
    return v;
  if (name.starts_with("cuport.cluster_ctaid.") || name == "cuport.cluster_ctarank")
    return builder.getInt32(0);
  if (name.starts_with("cuport.cluster_nctaid.") || name == "cuport.cluster_nctarank")
    return builder.getInt32(1);
  if (name == "cuport.is_explicit_cluster")
    return builder.CreateICmpNE(loadBlockField(builder, i32, context, off::explicit_cluster),
                                builder.getInt32(0));
  // No device graphs run here; the performance monitor counters, undefined by the ISA, read 0.
  if (name == "cuport.current_graph_exec" || name.starts_with("cuport.pm64."))
    return builder.getInt64(0);
  if (name.starts_with("cuport.pm."))
    return builder.getInt32(0);
  if (name == "cuport.laneid")
    return loadInvariant(builder, i32, context, off::lane_id);
  if (name == "cuport.warpid")
    return loadInvariant(builder, i32, context, off::warp_id);
  if (name == "cuport.nwarpid")
    return loadBlockField(builder, i32, context, off::nwarps);
  if (name == "cuport.smid")
    return loadBlockField(builder, i32, context, off::sm_id);
  if (name == "cuport.nsmid")
    return loadBlockField(builder, i32, context, off::num_sms);
  if (name == "cuport.gridid")
    return loadBlockField(builder, builder.getInt64Ty(), context, off::grid_id);
  if (name.starts_with("cuport.envreg.")) {
    // The driver's environment registers: envreg1 and envreg2 carry the high and low halves of
    // the grid workspace pointer (cooperative launches); the others are zero.
    llvm::StringRef index = name.drop_front(strlen("cuport.envreg."));
    if (index != "1" && index != "2")
      return builder.getInt32(0);
    llvm::Value *workspace =
        loadBlockField(builder, builder.getInt64Ty(), context, off::grid_workspace);
    if (index == "1")
      workspace = builder.CreateLShr(workspace, 32);
    return builder.CreateTrunc(workspace, i32);
  }
  if (name == "cuport.dynamic_smem_size")
    return loadBlockField(builder, i32, context, off::dynamic_smem_size);
  // No shared memory is reserved for the driver, so the aggregate is the CTA's own.
  if (name == "cuport.total_smem_size" || name == "cuport.aggr_smem_size")
    return loadBlockField(builder, i32, context, off::total_smem_size);
  if (name.starts_with("cuport.lanemask.")) {
    llvm::Value *lane = loadInvariant(builder, i32, context, off::lane_id);
    llvm::Value *eq = builder.CreateShl(builder.getInt32(1), lane);
    llvm::Value *lt = builder.CreateSub(eq, builder.getInt32(1));
    llvm::Value *le = builder.CreateOr(lt, eq); // bit 31 included without overflow
    return llvm::StringSwitch<llvm::Value *>(name.drop_front(strlen("cuport.lanemask.")))
        .Case("eq", eq)
        .Case("lt", lt)
        .Case("le", le)
        .Case("gt", builder.CreateNot(le))
        .Case("ge", builder.CreateNot(lt))
        .Default(nullptr);
  }
  if (name == "cuport.clock64" || name == "cuport.clock" || name == "cuport.clock.hi") {
    llvm::Value *cycles = builder.CreateIntrinsic(llvm::Intrinsic::readcyclecounter, {}, {});
    if (name == "cuport.clock64")
      return cycles;
    if (name == "cuport.clock.hi")
      cycles = builder.CreateLShr(cycles, 32);
    return builder.CreateTrunc(cycles, i32);
  }
  if (name.starts_with("cuport.globaltimer")) {
    llvm::Module &module = *builder.GetInsertBlock()->getModule();
    llvm::FunctionCallee timer = module.getOrInsertFunction(
        runtime_symbols::global_timer, llvm::FunctionType::get(builder.getInt64Ty(), false));
    llvm::Value *nanoseconds = builder.CreateCall(timer);
    if (name == "cuport.globaltimer")
      return nanoseconds;
    if (name == "cuport.globaltimer.hi")
      nanoseconds = builder.CreateLShr(nanoseconds, 32);
    return builder.CreateTrunc(nanoseconds, i32);
  }
  return nullptr;
}

llvm::CallInst *recreateCall(llvm::CallBase &call, llvm::FunctionType *type, llvm::Value *callee,
                             llvm::ArrayRef<llvm::Value *> arguments) {
  llvm::SmallVector<llvm::OperandBundleDef, 1> bundles;
  call.getOperandBundlesAsDefs(bundles);
  llvm::CallInst *replacement =
      llvm::CallInst::Create(type, callee, arguments, bundles, "", call.getIterator());
  replacement->takeName(&call);
  replacement->setCallingConv(call.getCallingConv());
  replacement->setAttributes(call.getAttributes());
  replacement->setDebugLoc(call.getDebugLoc());
  if (auto *plain = llvm::dyn_cast<llvm::CallInst>(&call))
    replacement->setTailCallKind(plain->getTailCallKind());
  if (!call.getType()->isVoidTy())
    call.replaceAllUsesWith(replacement);
  call.eraseFromParent();
  return replacement;
}

llvm::Error rewriteCall(llvm::CallBase &call, llvm::Value *context,
                        const llvm::DenseMap<llvm::Function *, llvm::Function *> &rewritten) {
  llvm::Module &module = *call.getModule();
  if (llvm::isa<llvm::InvokeInst>(call) || llvm::isa<llvm::CallBrInst>(call))
    return makeError("unsupported call instruction in '" + call.getFunction()->getName() + "'");
  if (call.isInlineAsm())
    return makeError("inline assembly in '" + call.getFunction()->getName() +
                     "' is not supported by the CPU backend");
  llvm::SmallVector<llvm::Value *, 8> arguments(call.args());
  llvm::Function *callee = call.getCalledFunction();
  auto withContext = [&](llvm::FunctionType *type) {
    llvm::SmallVector<llvm::Type *, 8> parameters(type->params());
    parameters.push_back(context->getType());
    return llvm::FunctionType::get(type->getReturnType(), parameters, false);
  };

  if (!callee || rewritten.count(callee)) {
    // A call to a function we own (direct, or indirect: every function whose address can be
    // taken is one of ours and got the hidden parameter too).
    if (call.getFunctionType()->isVarArg())
      return makeError("variadic indirect call in '" + call.getFunction()->getName() +
                       "' is not supported");
    arguments.push_back(context);
    llvm::Value *target = callee ? rewritten.lookup(callee) : call.getCalledOperand();
    recreateCall(call, withContext(call.getFunctionType()), target, arguments);
    return llvm::Error::success();
  }

  llvm::StringRef name = callee->getName();
  if (name == "cuport.trap" || name == "cuport.brkpt") {
    llvm::FunctionCallee trap = module.getOrInsertFunction(
        name == "cuport.trap" ? runtime_symbols::trap : runtime_symbols::breakpoint,
        llvm::FunctionType::get(llvm::Type::getVoidTy(module.getContext()), {context->getType()},
                                false));
    llvm::CallInst *replacement =
        recreateCall(call, trap.getFunctionType(), trap.getCallee(), {context});
    replacement->setDoesNotReturn();
    return llvm::Error::success();
  }
  if (name == "__assertfail") {
    llvm::FunctionType *type = withContext(call.getFunctionType());
    llvm::FunctionCallee fail = module.getOrInsertFunction(runtime_symbols::assert_fail, type);
    arguments.push_back(context);
    recreateCall(call, type, fail.getCallee(), arguments)->setDoesNotReturn();
    return llvm::Error::success();
  }
  // Texture, surface, mbarrier and bulk-copy intrinsics become calls of the executor's functions,
  // context appended.
  static constexpr std::pair<std::string_view, std::string_view> kRuntimeCalls[] = {
      {"cuport.tex", runtime_symbols::texture_sample},
      {"cuport.tld4", runtime_symbols::texture_gather},
      {"cuport.suld", runtime_symbols::surface_load},
      {"cuport.sust", runtime_symbols::surface_store},
      {"cuport.sured", runtime_symbols::surface_reduce},
      {"cuport.txq", runtime_symbols::texture_query},
      {"cuport.txq.level", runtime_symbols::texture_level_query},
      {"cuport.istypep", runtime_symbols::object_type_test},
      {"cuport.tex.sampler", runtime_symbols::texture_bind_sampler},
      {"cuport.mbarrier.init", runtime_symbols::mbarrier_init},
      {"cuport.mbarrier.inval", runtime_symbols::mbarrier_inval},
      {"cuport.mbarrier.arrive", runtime_symbols::mbarrier_arrive},
      {"cuport.mbarrier.tx", runtime_symbols::mbarrier_transactions},
      {"cuport.mbarrier.pending_count", runtime_symbols::mbarrier_pending_count},
      {"cuport.bulk.copy", runtime_symbols::bulk_copy},
      {"cuport.bulk.reduce", runtime_symbols::bulk_reduce},
  };
  for (auto [intrinsic, symbol] : kRuntimeCalls) {
    if (name != llvm::StringRef(intrinsic.data(), intrinsic.size()))
      continue;
    llvm::FunctionType *type = withContext(call.getFunctionType());
    llvm::FunctionCallee target =
        module.getOrInsertFunction(llvm::StringRef(symbol.data(), symbol.size()), type);
    arguments.push_back(context);
    recreateCall(call, type, target.getCallee(), arguments);
    return llvm::Error::success();
  }
  if (name == "cuport.isspacep.shared" || name == "cuport.isspacep.local" ||
      name == "cuport.isspacep.param" || name == "cuport.isspacep.const") {
    llvm::IRBuilder<> builder(&call);
    llvm::Type *i64 = builder.getInt64Ty();
    llvm::Value *address = call.getArgOperand(0);
    // Inside a window: 0 <= address - base < size.
    auto inWindow = [&](llvm::Value *base, llvm::Value *size) {
      llvm::Value *offset = builder.CreateSub(address, builder.CreatePtrToInt(base, i64));
      return builder.CreateICmpULT(offset, size);
    };
    auto blockField = [&](llvm::Type *type, uint64_t offset) {
      return loadBlockField(builder, type, context, offset);
    };
    llvm::Value *inside;
    if (name == "cuport.isspacep.shared") {
      inside =
          inWindow(blockField(builder.getPtrTy(), off::shared_base),
                   builder.CreateZExt(blockField(builder.getInt32Ty(), off::total_smem_size), i64));
    } else if (name == "cuport.isspacep.const") {
      // The .const variables of every loaded module: the executor keeps their ranges.
      llvm::FunctionCallee query =
          module.getOrInsertFunction(runtime_symbols::is_const_address,
                                     llvm::FunctionType::get(builder.getInt32Ty(), {i64}, false));
      inside = builder.CreateICmpNE(builder.CreateCall(query, {address}), builder.getInt32(0));
    } else if (name == "cuport.isspacep.param") {
      inside =
          inWindow(blockField(builder.getPtrTy(), off::params), blockField(i64, off::params_size));
    } else {
      // Local memory is the worker's stack, and for a coroutine kernel also the thread's frame
      // (allocas live across suspension points move there) and its run-time allocations. The
      // frame may grow: a plain load.
      auto threadField = [&](llvm::Type *type, uint64_t offset) {
        return builder.CreateLoad(
            type, builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), context, offset));
      };
      inside = builder.CreateOr(inWindow(blockField(builder.getPtrTy(), off::stack_base),
                                         blockField(i64, off::stack_size)),
                                inWindow(threadField(builder.getPtrTy(), off::frame),
                                         threadField(i64, off::frame_capacity)));
      inside =
          builder.CreateOr(inside, inWindow(threadField(builder.getPtrTy(), off::dynamic_stack),
                                            builder.getInt64(kDynamicStackBytes)));
    }
    call.replaceAllUsesWith(inside);
    call.eraseFromParent();
    return llvm::Error::success();
  }
  if (name == "cuport.nanosleep") {
    // A sleep that insertSpinWaitYields left (in a function called through a pointer, which
    // cannot suspend): sleeping no time at all is allowed.
    call.eraseFromParent();
    return llvm::Error::success();
  }
  if (name.starts_with("cuport.") && !isSuspendingIntrinsic(name) && name != kExitIntrinsic) {
    llvm::IRBuilder<> builder(&call);
    llvm::Value *value = geometryValue(builder, name, context);
    if (!value)
      return makeError("intrinsic '" + name + "' (called in '" + call.getFunction()->getName() +
                       "') is not supported by the CPU backend yet");
    if (value->getType() != call.getType())
      value = builder.CreateZExtOrTrunc(value, call.getType());
    call.replaceAllUsesWith(value);
    call.eraseFromParent();
  }
  return llvm::Error::success();
}

} // namespace

llvm::Value *contextArgument(llvm::Function &function) {
  return function.getArg(function.arg_size() - 1);
}

llvm::Error threadContext(llvm::Module &module) {
  llvm::LLVMContext &llvmContext = module.getContext();
  llvm::Type *pointer = llvm::PointerType::get(llvmContext, 0);

  llvm::SmallVector<llvm::Function *, 16> defined;
  for (llvm::Function &function : module)
    if (!function.isDeclaration())
      defined.push_back(&function);

  llvm::DenseMap<llvm::Function *, llvm::Function *> rewritten;
  for (llvm::Function *function : defined) {
    llvm::FunctionType *type = function->getFunctionType();
    if (type->isVarArg())
      return makeError("variadic function '" + function->getName() + "' is not supported");
    llvm::SmallVector<llvm::Type *, 8> parameters(type->params());
    parameters.push_back(pointer);
    auto *newType = llvm::FunctionType::get(type->getReturnType(), parameters, false);
    llvm::Function *replacement = llvm::Function::Create(newType, function->getLinkage(),
                                                         function->getAddressSpace(), "", &module);
    replacement->takeName(function);
    replacement->copyAttributesFrom(function);
    replacement->splice(replacement->end(), function);
    for (unsigned i = 0; i < type->getNumParams(); ++i) {
      function->getArg(i)->replaceAllUsesWith(replacement->getArg(i));
      replacement->getArg(i)->takeName(function->getArg(i));
    }
    llvm::Argument *context = replacement->getArg(type->getNumParams());
    context->setName("cuport.ctx");
    context->addAttr(llvm::Attribute::NonNull);
    context->addAttr(llvm::Attribute::NoUndef);
    rewritten[function] = replacement;
  }

  for (auto [original, replacement] : rewritten) {
    llvm::Value *context = contextArgument(*replacement);
    llvm::SmallVector<llvm::CallBase *, 32> calls;
    for (llvm::Instruction &inst : llvm::instructions(*replacement))
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst))
        if (!call->getCalledFunction() || !call->getCalledFunction()->isIntrinsic())
          calls.push_back(call);
    for (llvm::CallBase *call : calls)
      if (llvm::Error error = rewriteCall(*call, context, rewritten))
        return error;
  }

  // What remains are address-taken uses: they now name the function with the hidden parameter.
  for (auto [original, replacement] : rewritten) {
    original->replaceAllUsesWith(replacement);
    original->eraseFromParent();
  }
  return llvm::Error::success();
}

} // namespace cuport::cpu
