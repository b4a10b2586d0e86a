// Control flow: bra, brx.idx, call (direct and through a .callprototype), ret, exit, trap,
// brkpt, nanosleep, pmevent.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

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

// `call (r), %fptr, (a), proto;`: the prototype a `.callprototype` label names.
const ptx::CallPrototype *findPrototype(FunctionLowering &fl, const std::string &label) {
  for (const ptx::CallPrototype &prototype : fl.signature().ptx->prototypes)
    if (prototype.label == label)
      return &prototype;
  return nullptr;
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
  FunctionSignature indirect;
  llvm::FunctionType *calleeType = nullptr;
  Value *target = nullptr;
  if (signature) {
    if (index < operands.size())
      return fl.error(operands[index].loc,
                      "direct call of '" + callee.name + "' with a prototype or call-target list");
    if (signature->ptx->isKernel)
      return fl.error(inst.loc, "call of kernel '" + callee.name + "'");
    calleeType = signature->function->getFunctionType();
    target = signature->function;
  } else {
    // An indirect call: the callee is an address, its type the named `.callprototype` or that of
    // the functions a `.calltargets` list names (which must all have the same).
    if (index + 1 != operands.size() || !isName(operands[index]))
      return fl.error(inst.loc, "indirect call through '" + callee.name +
                                    "' needs a .callprototype or .calltargets label after its "
                                    "arguments");
    const ptx::Operand &list = operands[index];
    if (const ptx::CallPrototype *prototype = findPrototype(fl, list.name)) {
      if (!fl.moduleLowering().prototypeSignature(*prototype, indirect, calleeType))
        return false;
      signature = &indirect;
    } else if (const std::vector<std::string> *targets = fl.callTargets(list.name)) {
      for (const std::string &name : *targets) {
        const FunctionSignature *target = fl.moduleLowering().signature(name);
        if (!target || target->ptx->isKernel)
          return fl.error(list.loc, "'" + name + "' in .calltargets is not a .func");
        if (signature && target->function->getFunctionType() != calleeType)
          return fl.error(list.loc, "the functions of .calltargets '" + list.name +
                                        "' have different parameters");
        signature = target;
        calleeType = target->function->getFunctionType();
      }
      if (!signature)
        return fl.error(list.loc, ".calltargets '" + list.name + "' is empty");
    } else {
      return fl.error(list.loc, "unsupported instruction 'call' (indirect call through '" +
                                    callee.name + "' with '" + list.name +
                                    "', which is neither a .callprototype nor a .calltargets "
                                    "list of this function)");
    }
    Value *address = fl.read(callee, fl.builder().getInt64Ty());
    if (!address)
      return false;
    target = fl.builder().CreateIntToPtr(address, fl.builder().getPtrTy(kGeneric));
  }
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
  llvm::CallInst *call = b.CreateCall(calleeType, target, values);
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

// brx.idx %r, targets: a jump to the %r-th label of a `.branchtargets` list. An index past the
// list is undefined in PTX; here it traps.
bool lowerIndexedBranch(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("uni");
  if (!mods.take("idx") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  const ptx::Operand &list = inst.operands[1];
  const std::vector<std::string> *targets = isName(list) ? fl.branchTargets(list.name) : nullptr;
  if (!targets)
    return fl.error(list.loc, "brx.idx needs the label of a .branchtargets list");
  auto &b = fl.builder();
  Value *index = fl.read(inst.operands[0], b.getInt32Ty());
  if (!index)
    return false;
  llvm::BasicBlock *outOfRange = fl.newBlock("brx.out_of_range");
  auto *switchInst = b.CreateSwitch(index, outOfRange, static_cast<unsigned>(targets->size()));
  for (size_t i = 0; i < targets->size(); ++i) {
    llvm::BasicBlock *block = fl.labelBlock((*targets)[i]);
    if (!block)
      return fl.error(list.loc, "branch target '" + (*targets)[i] + "' is not a label");
    switchInst->addCase(b.getInt32(static_cast<uint32_t>(i)), block);
  }
  b.SetInsertPoint(outOfRange);
  b.CreateCall(declareTrap(fl.module()));
  b.CreateUnreachable();
  fl.continueInNewBlock();
  return true;
}

// brkpt suspends the thread for a debugger; with none attached the grid fails, with a message
// that names the instruction.
bool lowerBreakpoint(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (!inst.modifiers.empty())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 0))
    return false;
  fl.builder().CreateCall(declareBreakpoint(fl.module()));
  fl.builder().CreateUnreachable();
  fl.continueInNewBlock();
  return true;
}

// void @cuport.nanosleep(i32 ns), nounwind (docs/kernel-ir.md).
static llvm::Function *declareNanosleep(llvm::Module &module) {
  auto &context = module.getContext();
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                       {llvm::Type::getInt32Ty(context)}, false);
  auto *function =
      llvm::cast<llvm::Function>(module.getOrInsertFunction("cuport.nanosleep", type).getCallee());
  function->setDoesNotThrow();
  return function;
}

// nanosleep.u32 t: PTX guarantees a sleep in [0, 2t] ns, so not sleeping at all is one of the
// allowed durations. It stays a call because a sleep in a loop is a spin-wait's backoff, where a
// backend that runs a block's threads on one host thread must let the others run.
bool lowerNanosleep(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.take("u32") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  llvm::Value *duration = fl.read(inst.operands[0], fl.builder().getInt32Ty());
  if (!duration)
    return false;
  fl.builder().CreateCall(declareNanosleep(fl.module()), {duration});
  return true;
}

// pmevent / pmevent.mask: signals a performance-monitor event, which has no effect on the
// program; there are no performance monitors to signal.
bool lowerPerformanceEvent(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  bool mask = mods.take("mask");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  const ptx::Operand &event = inst.operands[0];
  if (event.kind != ptx::Operand::Kind::IntImm || event.intValue > (mask ? 0xffffu : 15u))
    return fl.error(event.loc, mask ? "pmevent.mask needs a 16-bit immediate mask"
                                    : "pmevent needs an immediate event number 0..15");
  return true;
}

LoweringResult lowerControlInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "nanosleep")
    return lowerNanosleep(fl, inst);
  if (inst.opcode == "pmevent")
    return lowerPerformanceEvent(fl, inst);
  if (inst.opcode == "brx")
    return lowerIndexedBranch(fl, inst);
  if (inst.opcode == "brkpt")
    return lowerBreakpoint(fl, inst);
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
