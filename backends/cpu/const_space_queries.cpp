// isspacep.const: cuport.isspacep.const(address) becomes a range test against every .const
// variable (addrspace(4) global) of the module. It runs before unused declarations are dropped
// from a kernel's module, while every .const variable of the PTX module is still there.
#include "backends/cpu/passes.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

namespace cuport::cpu {
namespace {

constexpr unsigned kConstSpace = 4;

} // namespace

void expandConstSpaceQueries(llvm::Module &module) {
  llvm::Function *query = module.getFunction("cuport.isspacep.const");
  if (!query)
    return;
  const llvm::DataLayout &layout = module.getDataLayout();
  llvm::SmallVector<std::pair<llvm::GlobalVariable *, uint64_t>, 8> variables;
  for (llvm::GlobalVariable &global : module.globals())
    if (global.getAddressSpace() == kConstSpace && global.getValueType()->isSized())
      if (uint64_t size = layout.getTypeAllocSize(global.getValueType()))
        variables.push_back({&global, size});

  llvm::SmallVector<llvm::CallInst *, 8> calls;
  for (llvm::User *user : query->users())
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(user);
        call && call->getCalledFunction() == query)
      calls.push_back(call);
  for (llvm::CallInst *call : calls) {
    llvm::IRBuilder<> builder(call);
    llvm::Type *i64 = builder.getInt64Ty();
    llvm::Value *inside = builder.getFalse();
    for (auto [global, size] : variables) {
      llvm::Value *base =
          builder.CreatePtrToInt(builder.CreateAddrSpaceCast(global, builder.getPtrTy()), i64);
      llvm::Value *offset = builder.CreateSub(call->getArgOperand(0), base);
      inside = builder.CreateOr(inside, builder.CreateICmpULT(offset, builder.getInt64(size)));
    }
    call->replaceAllUsesWith(inside);
    call->eraseFromParent();
  }
  if (query->use_empty())
    query->eraseFromParent();
}

} // namespace cuport::cpu
