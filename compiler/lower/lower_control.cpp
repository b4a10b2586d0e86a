// Control flow: bra, call, ret, exit, trap.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"

#include <llvm/IR/Instructions.h>

namespace cuport::lower {
namespace {

using llvm::Value;

bool isName(const ptx::Operand &operand) {
  return operand.kind == ptx::Operand::Kind::Symbol || operand.kind == ptx::Operand::Kind::Register;
}

// `.param` storage named by a call operand; nullptr when the operand is a plain register or
// immediate.
ScopeEntry *paramStorage(FunctionLowering &fl, const ptx::Operand &operand) {
  if (!isName(operand))
    return nullptr;
  ScopeEntry *entry = fl.lookup(operand.name);
  return entry && entry->kind == ScopeEntry::Kind::Memory ? entry : nullptr;
}

bool lowerCall(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("uni");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  const auto &operands = inst.operands;
  size_t index = 0;
  std::vector<ptx::Operand> returns, arguments;
  if (operands.size() >= 2 && operands[0].kind == ptx::Operand::Kind::List && isName(operands[1])) {
    returns = operands[0].elements;
    index = 1;
  }
  if (index >= operands.size() || !isName(operands[index]))
    return fl.error(inst.loc, "call needs a callee");
  const ptx::Operand &callee = operands[index++];
  if (index < operands.size() && operands[index].kind == ptx::Operand::Kind::List)
    arguments = operands[index++].elements;
  const FunctionSignature *signature = fl.moduleLowering().signature(callee.name);
  if (!signature || index < operands.size())
    return fl.error(inst.loc, "unsupported instruction '" + inst.opcode +
                                  "' (indirect call through '" + callee.name + "')");
  if (signature->ptx->isKernel)
    return fl.error(inst.loc, "call of kernel '" + callee.name + "'");
  if (returns.size() != signature->returns.size() || arguments.size() != signature->params.size())
    return fl.error(inst.loc, "call of '" + callee.name + "' with " +
                                  std::to_string(returns.size()) + " results and " +
                                  std::to_string(arguments.size()) + " arguments; it has " +
                                  std::to_string(signature->returns.size()) + " and " +
                                  std::to_string(signature->params.size()));
  auto &b = fl.builder();
  std::vector<Value *> values;
  for (size_t i = 0; i < returns.size(); ++i) {
    if (!signature->returns[i].byPointer)
      continue;
    ScopeEntry *storage = paramStorage(fl, returns[i]);
    if (!storage)
      return fl.error(returns[i].loc, "array result needs a .param variable");
    values.push_back(storage->storage);
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    const ParamSlot &slot = signature->params[i];
    ScopeEntry *storage = paramStorage(fl, arguments[i]);
    if (slot.byPointer) {
      if (!storage)
        return fl.error(arguments[i].loc, "array argument needs a .param variable");
      values.push_back(storage->storage);
    } else if (storage) {
      values.push_back(b.CreateAlignedLoad(slot.type, storage->storage, llvm::Align(1)));
    } else {
      Value *value = fl.read(arguments[i], slot.type);
      if (!value)
        return false;
      values.push_back(value);
    }
  }
  llvm::CallInst *call = b.CreateCall(signature->function, values);
  unsigned scalarIndex = 0;
  unsigned scalarCount = 0;
  for (const ParamSlot &slot : signature->returns)
    scalarCount += slot.byPointer ? 0 : 1;
  for (size_t i = 0; i < returns.size(); ++i) {
    const ParamSlot &slot = signature->returns[i];
    if (slot.byPointer)
      continue;
    Value *result =
        scalarCount == 1 ? static_cast<Value *>(call) : b.CreateExtractValue(call, {scalarIndex});
    ++scalarIndex;
    if (ScopeEntry *storage = paramStorage(fl, returns[i]))
      b.CreateAlignedStore(result, storage->storage, llvm::Align(1));
    else if (!fl.write(returns[i], result))
      return false;
  }
  return true;
}

bool lowerReturn(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("uni");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 0))
    return false;
  fl.emitReturn();
  fl.continueInNewBlock();
  return true;
}

bool lowerExit(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (!inst.modifiers.empty())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 0))
    return false;
  if (fl.isKernel()) {
    fl.emitReturn(); // the thread ends with its kernel
  } else {
    fl.builder().CreateCall(declareExit(fl.module()));
    fl.builder().CreateUnreachable();
  }
  fl.continueInNewBlock();
  return true;
}

bool lowerTrap(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (!inst.modifiers.empty())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 0))
    return false;
  fl.builder().CreateCall(declareTrap(fl.module()));
  fl.builder().CreateUnreachable();
  fl.continueInNewBlock();
  return true;
}

} // namespace

bool lowerBranch(FunctionLowering &fl, const ptx::Instruction &inst, Value *condition) {
  Modifiers mods(inst.modifiers);
  mods.take("uni");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  const ptx::Operand &target = inst.operands[0];
  llvm::BasicBlock *block = isName(target) ? fl.labelBlock(target.name) : nullptr;
  if (!block)
    return fl.error(target.loc, "branch to unknown label '" + target.name + "'");
  auto &b = fl.builder();
  if (condition) {
    llvm::BasicBlock *fallthrough = fl.newBlock("fallthrough");
    b.CreateCondBr(condition, block, fallthrough);
    b.SetInsertPoint(fallthrough);
    return true;
  }
  b.CreateBr(block);
  fl.continueInNewBlock();
  return true;
}

LoweringResult lowerControlInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "call")
    return lowerCall(fl, inst);
  if (inst.opcode == "ret")
    return lowerReturn(fl, inst);
  if (inst.opcode == "exit")
    return lowerExit(fl, inst);
  if (inst.opcode == "trap")
    return lowerTrap(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
