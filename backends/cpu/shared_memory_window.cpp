// Shared memory: addrspace(3) pointers are offsets in the block's shared window (kernel-IR
// contract). Static shared variables get fixed offsets (module order, alignment respected), extern
// shared arrays all start at the dynamic area after them; every dereference of an addrspace(3)
// pointer becomes a dereference of window base + offset in the generic address space.
#include "backends/cpu/context.h"
#include "backends/cpu/passes.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/ReplaceConstant.h>
#include <llvm/Support/MathExtras.h>

namespace cuport::cpu {
namespace {

constexpr unsigned kSharedSpace = 3;
constexpr uint64_t kDynamicAreaAlignment = 16; // what CUDA guarantees for extern __shared__

bool isShared(const llvm::Type *type) {
  return type->isPointerTy() && type->getPointerAddressSpace() == kSharedSpace;
}

class WindowRewriter {
public:
  explicit WindowRewriter(llvm::Function &function) : function_(function) {}

  llvm::Error run() {
    llvm::SmallVector<llvm::Instruction *, 64> work;
    for (llvm::Instruction &inst : llvm::instructions(function_))
      work.push_back(&inst);
    for (llvm::Instruction *inst : work)
      if (llvm::Error error = rewrite(*inst))
        return error;
    return llvm::Error::success();
  }

private:
  // The window base, loaded once at the function's entry.
  llvm::Value *base() {
    if (base_)
      return base_;
    llvm::IRBuilder<> builder(&*function_.getEntryBlock().getFirstInsertionPt());
    llvm::Value *context = contextArgument(function_);
    auto invariant = [&](llvm::Value *pointer, uint64_t offset) {
      llvm::Value *address =
          builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), pointer, offset);
      llvm::LoadInst *load = builder.CreateLoad(builder.getPtrTy(), address);
      load->setMetadata(llvm::LLVMContext::MD_invariant_load,
                        llvm::MDNode::get(builder.getContext(), {}));
      return load;
    };
    llvm::Value *block = invariant(context, context_offsets::block);
    base_ = invariant(block, context_offsets::shared_base);
    base_->setName("cuport.shared.base");
    return base_;
  }

  llvm::Value *toGeneric(llvm::Value *shared, llvm::Instruction &before) {
    llvm::IRBuilder<> builder(&before);
    llvm::Value *offset = builder.CreatePtrToInt(shared, builder.getInt64Ty());
    return builder.CreateGEP(builder.getInt8Ty(), base(), offset);
  }

  llvm::Error rewrite(llvm::Instruction &inst) {
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst)) {
      if (isShared(load->getPointerOperandType()))
        load->setOperand(0, toGeneric(load->getPointerOperand(), inst));
    } else if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst)) {
      if (isShared(store->getPointerOperandType()))
        store->setOperand(1, toGeneric(store->getPointerOperand(), inst));
    } else if (auto *rmw = llvm::dyn_cast<llvm::AtomicRMWInst>(&inst)) {
      if (isShared(rmw->getPointerOperand()->getType()))
        rmw->setOperand(0, toGeneric(rmw->getPointerOperand(), inst));
    } else if (auto *cmpxchg = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(&inst)) {
      if (isShared(cmpxchg->getPointerOperand()->getType()))
        cmpxchg->setOperand(0, toGeneric(cmpxchg->getPointerOperand(), inst));
    } else if (auto *cast = llvm::dyn_cast<llvm::AddrSpaceCastInst>(&inst)) {
      return rewriteCast(*cast);
    } else if (auto *memory = llvm::dyn_cast<llvm::MemIntrinsic>(&inst)) {
      return rewriteMemIntrinsic(*memory);
    } else if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst)) {
      for (llvm::Value *argument : call->args()) {
        if (!isShared(argument->getType()))
          continue;
        if (auto *intrinsic = llvm::dyn_cast<llvm::IntrinsicInst>(call);
            intrinsic && intrinsic->isLifetimeStartOrEnd()) {
          intrinsic->eraseFromParent();
          return llvm::Error::success();
        }
        llvm::StringRef callee =
            call->getCalledFunction() ? call->getCalledFunction()->getName() : "<indirect>";
        return makeError("a shared-memory pointer passed to '" + callee + "' in '" +
                         function_.getName() + "' is not supported by the CPU backend");
      }
    }
    return llvm::Error::success();
  }

  llvm::Error rewriteCast(llvm::AddrSpaceCastInst &cast) {
    llvm::IRBuilder<> builder(&cast);
    llvm::Value *result = nullptr;
    if (isShared(cast.getSrcTy())) {
      llvm::Value *generic = toGeneric(cast.getOperand(0), cast);
      result = cast.getDestAddressSpace() == 0
                   ? generic
                   : builder.CreateAddrSpaceCast(generic, cast.getDestTy());
    } else if (isShared(cast.getDestTy())) {
      // cvta.to.shared: generic address minus the window base.
      llvm::Value *address = builder.CreatePtrToInt(cast.getOperand(0), builder.getInt64Ty());
      llvm::Value *window = builder.CreatePtrToInt(base(), builder.getInt64Ty());
      result = builder.CreateIntToPtr(builder.CreateSub(address, window), cast.getDestTy());
    } else {
      return llvm::Error::success(); // global/const/local/generic casts are no-ops on the host
    }
    result->takeName(&cast);
    cast.replaceAllUsesWith(result);
    cast.eraseFromParent();
    return llvm::Error::success();
  }

  llvm::Error rewriteMemIntrinsic(llvm::MemIntrinsic &memory) {
    bool touched = false;
    for (unsigned i = 0; i < 2; ++i) {
      if (i == 1 && !llvm::isa<llvm::MemTransferInst>(memory))
        break;
      if (isShared(memory.getArgOperand(i)->getType())) {
        memory.setArgOperand(i, toGeneric(memory.getArgOperand(i), memory));
        touched = true;
      }
    }
    if (!touched)
      return llvm::Error::success();
    // The intrinsic is overloaded on its pointer types: re-declare it for the new ones.
    llvm::SmallVector<llvm::Type *, 3> overloads;
    if (llvm::isa<llvm::MemTransferInst>(memory))
      overloads = {memory.getArgOperand(0)->getType(), memory.getArgOperand(1)->getType(),
                   memory.getArgOperand(2)->getType()};
    else
      overloads = {memory.getArgOperand(0)->getType(), memory.getArgOperand(2)->getType()};
    memory.setCalledFunction(
        llvm::Intrinsic::getDeclaration(function_.getParent(), memory.getIntrinsicID(), overloads));
    return llvm::Error::success();
  }

  llvm::Function &function_;
  llvm::Value *base_ = nullptr;
};

} // namespace

llvm::Expected<SharedLayout> lowerSharedMemory(llvm::Module &module) {
  const llvm::DataLayout &layout = module.getDataLayout();
  llvm::SmallVector<llvm::GlobalVariable *, 8> statics, dynamics;
  for (llvm::GlobalVariable &global : module.globals()) {
    if (global.getAddressSpace() != kSharedSpace)
      continue;
    (global.isDeclaration() ? dynamics : statics).push_back(&global);
  }

  SharedLayout result;
  llvm::DenseMap<llvm::GlobalVariable *, uint64_t> offsets;
  for (llvm::GlobalVariable *global : statics) {
    llvm::Align align = layout.getPreferredAlign(global);
    result.static_bytes = llvm::alignTo(result.static_bytes, align);
    offsets[global] = result.static_bytes;
    result.static_bytes += layout.getTypeAllocSize(global->getValueType());
  }
  uint64_t dynamicAlign = kDynamicAreaAlignment;
  for (llvm::GlobalVariable *global : dynamics)
    dynamicAlign = std::max<uint64_t>(dynamicAlign, layout.getPreferredAlign(global).value());
  result.dynamic_offset = llvm::alignTo(result.static_bytes, dynamicAlign);
  for (llvm::GlobalVariable *global : dynamics)
    offsets[global] = result.dynamic_offset;

  // Constant expressions (addrspacecast, GEP of a shared variable) become instructions, so that
  // the rewriter below sees every use in the function that makes it.
  llvm::SmallVector<llvm::Constant *, 8> constants;
  for (auto &[global, offset] : offsets)
    constants.push_back(global);
  llvm::convertUsersOfConstantsToInstructions(constants);

  llvm::Type *i64 = llvm::Type::getInt64Ty(module.getContext());
  for (auto &[global, offset] : offsets) {
    for (llvm::User *user : global->users())
      if (!llvm::isa<llvm::Instruction>(user))
        return makeError("shared variable '" + global->getName() +
                         "' is used outside a function (in a global's initializer), which the "
                         "CPU backend does not support");
    global->replaceAllUsesWith(
        llvm::ConstantExpr::getIntToPtr(llvm::ConstantInt::get(i64, offset), global->getType()));
    global->eraseFromParent();
  }

  for (llvm::Function &function : module)
    if (!function.isDeclaration())
      if (llvm::Error error = WindowRewriter(function).run())
        return error;
  return result;
}

} // namespace cuport::cpu
