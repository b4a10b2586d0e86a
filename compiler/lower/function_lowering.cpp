#include "compiler/lower/function_lowering.h"

#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/target_requirements.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/Instructions.h>

#include <charconv>

namespace cuport::lower {
namespace {

std::string fullName(const ptx::Instruction &instruction) {
  std::string name = instruction.opcode;
  for (const std::string &modifier : instruction.modifiers)
    name += "." + modifier;
  return name;
}

} // namespace

FunctionLowering::FunctionLowering(ModuleLowering &module, const FunctionSignature &signature)
    : module_(module), signature_(signature), function_(signature.function),
      builder_(module.context()) {}

bool FunctionLowering::error(ptx::SourceLoc loc, std::string message) {
  module_.error(loc, std::move(message));
  ok_ = false;
  return false;
}

bool FunctionLowering::unsupported(const ptx::Instruction &instruction) {
  return error(instruction.loc, "unsupported instruction '" + fullName(instruction) + "'");
}

bool FunctionLowering::expectOperands(const ptx::Instruction &instruction, size_t count) {
  if (instruction.operands.size() == count)
    return true;
  return error(instruction.loc, "'" + fullName(instruction) + "' expects " + std::to_string(count) +
                                    " operands, got " +
                                    std::to_string(instruction.operands.size()));
}

llvm::BasicBlock *FunctionLowering::newBlock(const llvm::Twine &name) {
  return llvm::BasicBlock::Create(context(), name, function_);
}

llvm::BasicBlock *FunctionLowering::labelBlock(const std::string &name) {
  auto it = labels_.find(name);
  return it == labels_.end() ? nullptr : it->second;
}

void FunctionLowering::continueInNewBlock() {
  builder_.SetInsertPoint(newBlock("dead"));
}

llvm::AllocaInst *FunctionLowering::createEntryAlloca(llvm::Type *type, uint32_t align,
                                                      const llvm::Twine &name) {
  llvm::IRBuilder<> entry(entryBlock_, entryBlock_->begin());
  auto *alloca = entry.CreateAlloca(type, nullptr, name);
  alloca->setAlignment(llvm::Align(std::max<uint32_t>(align, 1)));
  return alloca;
}

llvm::AllocaInst *FunctionLowering::carryFlag() {
  if (!carryFlag_) {
    carryFlag_ = createEntryAlloca(builder_.getInt1Ty(), 1, "cc.cf");
    llvm::IRBuilder<>(entryBlock_).CreateStore(builder_.getFalse(), carryFlag_);
  }
  return carryFlag_;
}

bool FunctionLowering::run() {
  entryBlock_ = newBlock("entry");
  llvm::BasicBlock *body = newBlock("body");
  builder_.SetInsertPoint(body);
  scopes_.emplace_back();
  bindParameters();
  collectLabels(signature_.ptx->body);
  emitStatements(signature_.ptx->body);
  if (!builder_.GetInsertBlock()->getTerminator())
    emitReturn();
  llvm::IRBuilder<>(entryBlock_).CreateBr(body);
  scopes_.clear();
  return ok_;
}

namespace {

// A `.param` parameter is memory that `ld.param` / `st.param` address; a `.reg` one is a register
// the body reads and writes by name. Both keep their value in `storage`.
ScopeEntry slotEntry(const ParamSlot &slot, llvm::Value *storage) {
  if (slot.inRegister)
    return {ScopeEntry::Kind::Register, storage, slot.type, ptx::StateSpace::Reg};
  return {ScopeEntry::Kind::Memory, storage, slot.type, ptx::StateSpace::Param};
}

} // namespace

void FunctionLowering::bindParameters() {
  Scope &scope = scopes_.back();
  auto &ctx = context();
  if (isKernel()) {
    llvm::IRBuilder<> entry(entryBlock_);
    llvm::Value *params = function_->getArg(0);
    for (const ParamSlot &slot : signature_.params) {
      llvm::Value *pointer = entry.CreateConstInBoundsGEP1_64(llvm::Type::getInt8Ty(ctx), params,
                                                              slot.kernelOffset, slot.name);
      scope.entries[slot.name] = {ScopeEntry::Kind::Memory, pointer, nullptr,
                                  ptx::StateSpace::Param};
    }
    return;
  }
  unsigned argument = 0;
  // By-pointer returns come first, then the parameters; scalars are spilled to a slot so that
  // `ld.param` / `st.param` can address them.
  for (const ParamSlot &slot : signature_.returns) {
    llvm::Value *storage = nullptr;
    if (slot.byPointer) {
      storage = function_->getArg(argument++);
      storage->setName(slot.name);
    } else {
      storage = createEntryAlloca(slot.type, slot.align, slot.name);
    }
    scope.entries[slot.name] = slotEntry(slot, storage);
  }
  for (const ParamSlot &slot : signature_.params) {
    llvm::Argument *arg = function_->getArg(argument++);
    arg->setName(slot.name);
    llvm::Value *storage = arg;
    if (!slot.byPointer) {
      storage = createEntryAlloca(slot.type, slot.align, slot.name + ".slot");
      llvm::IRBuilder<> entry(entryBlock_);
      entry.CreateStore(arg, storage);
    }
    scope.entries[slot.name] = slotEntry(slot, storage);
  }
}

void FunctionLowering::emitReturn() {
  if (isKernel()) {
    builder_.CreateRetVoid();
    return;
  }
  std::vector<llvm::Value *> values;
  for (const ParamSlot &slot : signature_.returns) {
    if (slot.byPointer)
      continue;
    ScopeEntry *entry = lookup(slot.name);
    values.push_back(builder_.CreateLoad(slot.type, entry->storage, slot.name));
  }
  if (values.empty()) {
    builder_.CreateRetVoid();
  } else if (values.size() == 1) {
    builder_.CreateRet(values[0]);
  } else {
    llvm::Value *aggregate = llvm::PoisonValue::get(function_->getReturnType());
    for (unsigned i = 0; i < values.size(); ++i)
      aggregate = builder_.CreateInsertValue(aggregate, values[i], {i});
    builder_.CreateRet(aggregate);
  }
}

void FunctionLowering::collectLabels(const std::vector<ptx::Statement> &statements) {
  for (const ptx::Statement &statement : statements) {
    if (statement.kind == ptx::Statement::Kind::Label) {
      if (labels_.count(statement.label.name))
        error(statement.label.loc, "duplicate label '" + statement.label.name + "'");
      else
        labels_[statement.label.name] = newBlock(statement.label.name);
    } else if (statement.kind == ptx::Statement::Kind::Block) {
      collectLabels(statement.block.statements);
    }
  }
  // `ts: .branchtargets L1, L2;` names the target list of `brx.idx %r, ts;`, and
  // `fs: .calltargets f, g;` the possible callees of `call %fptr, (...), fs;`.
  for (size_t i = 0; i + 1 < statements.size(); ++i) {
    if (statements[i].kind != ptx::Statement::Kind::Label ||
        statements[i + 1].kind != ptx::Statement::Kind::Directive)
      continue;
    const ptx::Directive &directive = statements[i + 1].directive;
    if (directive.name == "branchtargets")
      branchTargets_[statements[i].label.name] = directive.arguments;
    else if (directive.name == "calltargets")
      callTargets_[statements[i].label.name] = directive.arguments;
  }
}

const std::vector<std::string> *FunctionLowering::callTargets(const std::string &label) const {
  auto found = callTargets_.find(label);
  return found == callTargets_.end() ? nullptr : &found->second;
}

const std::vector<std::string> *FunctionLowering::branchTargets(const std::string &label) const {
  auto found = branchTargets_.find(label);
  return found == branchTargets_.end() ? nullptr : &found->second;
}

void FunctionLowering::emitStatements(const std::vector<ptx::Statement> &statements) {
  for (const ptx::Statement &statement : statements) {
    switch (statement.kind) {
    case ptx::Statement::Kind::Instruction:
      emitInstruction(statement.instruction);
      break;
    case ptx::Statement::Kind::Label: {
      llvm::BasicBlock *block = labelBlock(statement.label.name);
      if (!block)
        break;
      if (!builder_.GetInsertBlock()->getTerminator())
        builder_.CreateBr(block);
      builder_.SetInsertPoint(block);
      break;
    }
    case ptx::Statement::Kind::Variable:
      declare(statement.variable);
      break;
    case ptx::Statement::Kind::Block:
      scopes_.emplace_back();
      emitStatements(statement.block.statements);
      scopes_.pop_back();
      break;
    case ptx::Statement::Kind::Directive:
      break; // .pragma, .loc, ...: hints without meaning for the IR
    }
  }
}

void FunctionLowering::declare(const ptx::VariableDecl &decl) {
  Scope &scope = scopes_.back();
  auto &ctx = context();
  switch (decl.space) {
  case ptx::StateSpace::Reg: {
    if (decl.vectorWidth > 1 || !decl.arrayDims.empty()) {
      error(decl.loc, "unsupported register declaration '" + decl.name + "' (vector or array)");
      return;
    }
    llvm::Type *type = llvmTypeOf(ctx, decl.type);
    if (decl.parameterizedCount)
      scope.families.push_back({decl.name, *decl.parameterizedCount, type});
    else
      scope.entries[decl.name] = {ScopeEntry::Kind::Register, nullptr, type, ptx::StateSpace::Reg};
    return;
  }
  case ptx::StateSpace::Param:
  case ptx::StateSpace::Local: {
    uint64_t size = variableByteSize(decl);
    auto *type = llvm::ArrayType::get(llvm::Type::getInt8Ty(ctx), size);
    llvm::Value *storage = createEntryAlloca(type, variableAlignment(decl), decl.name);
    if (decl.space == ptx::StateSpace::Local) {
      // Allocas live in the default address space; `.local` addresses are their AS 5 view.
      llvm::IRBuilder<> entry(entryBlock_);
      storage = entry.CreateAddrSpaceCast(storage, llvm::PointerType::get(ctx, kLocal),
                                          decl.name + ".local");
    }
    scope.entries[decl.name] = {ScopeEntry::Kind::Memory, storage, llvmTypeOf(ctx, decl.type),
                                decl.space};
    return;
  }
  case ptx::StateSpace::Shared:
  case ptx::StateSpace::Global:
  case ptx::StateSpace::Const: {
    llvm::GlobalVariable *global = module_.createFunctionScopeVariable(decl);
    if (global)
      scope.entries[decl.name] = {ScopeEntry::Kind::Memory, global, nullptr, decl.space};
    return;
  }
  default:
    error(decl.loc, "unsupported declaration of '" + decl.name + "' in a function body");
  }
}

ScopeEntry *FunctionLowering::lookup(const std::string &name) {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    if (auto it = scope->entries.find(name); it != scope->entries.end()) {
      ScopeEntry &entry = it->second;
      if (entry.kind == ScopeEntry::Kind::Register && !entry.storage)
        entry.storage = createEntryAlloca(entry.type, 1, name);
      return &entry;
    }
    for (const RegisterFamily &family : scope->families) {
      if (name.size() <= family.prefix.size() ||
          name.compare(0, family.prefix.size(), family.prefix) != 0)
        continue;
      const char *first = name.data() + family.prefix.size();
      const char *last = name.data() + name.size();
      uint32_t index = 0;
      auto [end, ec] = std::from_chars(first, last, index);
      if (ec != std::errc() || end != last || index >= family.count ||
          (*first == '0' && last - first > 1))
        continue;
      ScopeEntry entry{ScopeEntry::Kind::Register, createEntryAlloca(family.type, 1, name),
                       family.type, ptx::StateSpace::Reg};
      return &(scope->entries[name] = entry);
    }
  }
  return nullptr;
}

llvm::Value *FunctionLowering::convert(llvm::Value *value, llvm::Type *to, Extend extend) {
  llvm::Type *from = value->getType();
  if (from == to)
    return value;
  unsigned fromBits = from->getPrimitiveSizeInBits();
  unsigned toBits = to->getPrimitiveSizeInBits();
  if (fromBits == 0 || toBits == 0)
    return nullptr;
  if (!from->isIntegerTy())
    value = builder_.CreateBitCast(value, builder_.getIntNTy(fromBits));
  if (toBits == 1 && fromBits > 1) {
    value = builder_.CreateICmpNE(value, llvm::ConstantInt::get(value->getType(), 0));
  } else if (fromBits < toBits) {
    value = extend == Extend::Sign && fromBits > 1
                ? builder_.CreateSExt(value, builder_.getIntNTy(toBits))
                : builder_.CreateZExt(value, builder_.getIntNTy(toBits));
  } else if (fromBits > toBits) {
    value = builder_.CreateTrunc(value, builder_.getIntNTy(toBits));
  }
  if (!to->isIntegerTy())
    value = builder_.CreateBitCast(value, to);
  return value;
}

llvm::Value *FunctionLowering::symbolPointer(const std::string &name, ptx::SourceLoc loc) {
  if (ScopeEntry *entry = lookup(name)) {
    if (entry->kind == ScopeEntry::Kind::Memory)
      return entry->storage;
    error(loc, "register '" + name + "' used as an address symbol");
    return nullptr;
  }
  if (llvm::GlobalValue *global = module_.symbol(name))
    return global;
  error(loc, "unknown symbol '" + name + "'");
  return nullptr;
}

llvm::Value *FunctionLowering::read(const ptx::Operand &operand, llvm::Type *type, Extend extend) {
  auto &ctx = context();
  switch (operand.kind) {
  case ptx::Operand::Kind::IntImm:
    if (type->isIntegerTy(1))
      return builder_.getInt1(operand.intValue != 0);
    if (type->isIntegerTy())
      return llvm::ConstantInt::get(type, operand.intValue);
    if (type->isFloatingPointTy())
      return llvm::ConstantFP::get(type, operand.intIsUnsigned
                                             ? static_cast<double>(operand.intValue)
                                             : static_cast<double>(int64_t(operand.intValue)));
    break;
  case ptx::Operand::Kind::FloatImm: {
    llvm::Constant *value = nullptr;
    if (operand.floatBitsWidth == 32)
      value = llvm::ConstantFP::get(
          ctx, llvm::APFloat(llvm::APFloat::IEEEsingle(), llvm::APInt(32, operand.floatBits)));
    else if (operand.floatBitsWidth == 64)
      value = llvm::ConstantFP::get(
          ctx, llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, operand.floatBits)));
    else
      value = llvm::ConstantFP::get(builder_.getDoubleTy(), operand.floatValue);
    if (type->isFloatingPointTy()) {
      if (value->getType() == type)
        return value;
      llvm::APFloat converted = llvm::cast<llvm::ConstantFP>(value)->getValueAPF();
      bool lost = false;
      converted.convert(type->getFltSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
      return llvm::ConstantFP::get(ctx, converted);
    }
    if (type->isIntegerTy() && operand.floatBitsWidth != 0)
      return convert(value, type, Extend::Zero); // `mov.b32 %r, 0f3F800000`: the bits
    error(operand.loc, "floating-point literal used as an integer");
    return nullptr;
  }
  case ptx::Operand::Kind::Register:
  case ptx::Operand::Kind::Symbol: {
    ScopeEntry *entry = operand.component < 0 ? lookup(operand.name) : nullptr;
    if (entry && entry->kind == ScopeEntry::Kind::Register) {
      llvm::Value *value = builder_.CreateLoad(entry->type, entry->storage, operand.name);
      if (operand.negated) {
        if (!value->getType()->isIntegerTy(1)) {
          error(operand.loc, "'!' applies to predicates only");
          return nullptr;
        }
        value = builder_.CreateNot(value);
      }
      return convert(value, type, extend);
    }
    if (!entry) {
      if (auto special = specialRegister(operand.name, operand.component)) {
        llvm::Function *intrinsic = declareSpecialRegister(module(), *special);
        return convert(builder_.CreateCall(intrinsic), type, Extend::Zero);
      }
      if (auto reason = unsupportedSpecialRegister(operand.name)) {
        error(operand.loc,
              "unsupported special register '" + operand.name + "': " + std::string(*reason));
        return nullptr;
      }
      if (!operand.name.empty() && operand.name[0] == '%') {
        error(operand.loc, "unknown register '" + operand.name + "'");
        return nullptr;
      }
    }
    // A variable or function name: its address.
    llvm::Value *pointer = symbolPointer(operand.name, operand.loc);
    if (!pointer)
      return nullptr;
    if (!type->isIntegerTy() || type->getIntegerBitWidth() < 32) {
      error(operand.loc, "address of '" + operand.name + "' needs a 32- or 64-bit integer type");
      return nullptr;
    }
    if (operand.offset != 0) // `mov.u64 %rd, sym+8`
      pointer =
          builder_.CreateGEP(builder_.getInt8Ty(), pointer, builder_.getInt64(operand.offset));
    return builder_.CreatePtrToInt(pointer, type);
  }
  case ptx::Operand::Kind::Vector: {
    // `{lo, hi}`: element 0 is the least significant.
    unsigned totalBits = type->getPrimitiveSizeInBits();
    size_t count = operand.elements.size();
    if (count == 0 || totalBits % count != 0) {
      error(operand.loc,
            "vector operand does not divide a " + std::to_string(totalBits) + "-bit value");
      return nullptr;
    }
    unsigned elementBits = totalBits / count;
    llvm::Type *wide = builder_.getIntNTy(totalBits);
    llvm::Value *packed = llvm::ConstantInt::get(wide, 0);
    for (size_t i = 0; i < count; ++i) {
      llvm::Value *element = read(operand.elements[i], builder_.getIntNTy(elementBits));
      if (!element)
        return nullptr;
      element = builder_.CreateShl(builder_.CreateZExt(element, wide), i * elementBits);
      packed = builder_.CreateOr(packed, element);
    }
    return convert(packed, type, Extend::Zero);
  }
  default:
    break;
  }
  error(operand.loc, "unsupported operand here");
  return nullptr;
}

llvm::Value *FunctionLowering::readPredicate(const ptx::Operand &operand) {
  if (operand.kind != ptx::Operand::Kind::Register && operand.kind != ptx::Operand::Kind::Symbol &&
      operand.kind != ptx::Operand::Kind::IntImm) {
    error(operand.loc, "expected a predicate");
    return nullptr;
  }
  return read(operand, builder_.getInt1Ty());
}

bool FunctionLowering::write(const ptx::Operand &operand, llvm::Value *value, Extend extend) {
  if (!value)
    return false;
  switch (operand.kind) {
  case ptx::Operand::Kind::Sink:
    return true;
  case ptx::Operand::Kind::Register:
  case ptx::Operand::Kind::Symbol: {
    ScopeEntry *entry = lookup(operand.name);
    if (!entry || entry->kind != ScopeEntry::Kind::Register || operand.component >= 0 ||
        operand.negated)
      return error(operand.loc, "'" + operand.name + "' is not a writable register");
    llvm::Value *converted = convert(value, entry->type, extend);
    if (!converted)
      return error(operand.loc, "cannot write this value to '" + operand.name + "'");
    builder_.CreateStore(converted, entry->storage);
    return true;
  }
  case ptx::Operand::Kind::Vector: {
    unsigned totalBits = value->getType()->getPrimitiveSizeInBits();
    size_t count = operand.elements.size();
    if (count == 0 || totalBits % count != 0)
      return error(operand.loc,
                   "vector operand does not divide a " + std::to_string(totalBits) + "-bit value");
    unsigned elementBits = totalBits / count;
    llvm::Value *bits = convert(value, builder_.getIntNTy(totalBits), Extend::Zero);
    bool ok = true;
    for (size_t i = 0; i < count; ++i) {
      llvm::Value *element = builder_.CreateTrunc(builder_.CreateLShr(bits, i * elementBits),
                                                  builder_.getIntNTy(elementBits));
      ok &= write(operand.elements[i], element);
    }
    return ok;
  }
  default:
    return error(operand.loc, "operand is not a destination");
  }
}

llvm::Value *FunctionLowering::address(const ptx::Operand &operand, unsigned addressSpace) {
  auto &ctx = context();
  auto *pointerType = llvm::PointerType::get(ctx, addressSpace);
  if (operand.kind != ptx::Operand::Kind::Address) {
    error(operand.loc, "expected an address operand '[...]'");
    return nullptr;
  }
  if (!operand.elements.empty()) {
    error(operand.loc, "texture or surface coordinates in an address are not supported here");
    return nullptr;
  }
  if (operand.name.empty())
    return builder_.CreateIntToPtr(builder_.getInt64(operand.offset), pointerType);
  ScopeEntry *entry = lookup(operand.name);
  if ((entry && entry->kind == ScopeEntry::Kind::Register) ||
      (!entry && operand.addressBaseIsRegister)) {
    if (!entry) {
      error(operand.loc, "unknown register '" + operand.name + "'");
      return nullptr;
    }
    unsigned bits = entry->type->getPrimitiveSizeInBits();
    if (bits != 32 && bits != 64) {
      error(operand.loc, "address register '" + operand.name + "' is not 32 or 64 bits wide");
      return nullptr;
    }
    llvm::Type *intType = builder_.getIntNTy(bits);
    ptx::Operand baseRegister;
    baseRegister.kind = ptx::Operand::Kind::Register;
    baseRegister.loc = operand.loc;
    baseRegister.name = operand.name;
    llvm::Value *base = read(baseRegister, intType);
    if (!base)
      return nullptr;
    if (operand.offset != 0)
      base = builder_.CreateAdd(base, llvm::ConstantInt::get(intType, operand.offset));
    return builder_.CreateIntToPtr(base, pointerType);
  }
  llvm::Value *pointer = symbolPointer(operand.name, operand.loc);
  if (!pointer)
    return nullptr;
  unsigned own = pointer->getType()->getPointerAddressSpace();
  if (own != addressSpace) {
    if (addressSpace != kGeneric) {
      error(operand.loc, "'" + operand.name + "' is not in the state space this access names");
      return nullptr;
    }
    pointer = builder_.CreateAddrSpaceCast(pointer, pointerType);
  }
  if (operand.offset != 0)
    pointer = builder_.CreateGEP(builder_.getInt8Ty(), pointer, builder_.getInt64(operand.offset));
  return pointer;
}

void FunctionLowering::emitInstruction(const ptx::Instruction &instruction) {
  llvm::Value *condition = nullptr;
  if (instruction.guard) {
    ptx::Operand predicate;
    predicate.kind = ptx::Operand::Kind::Register;
    predicate.loc = instruction.loc;
    predicate.name = instruction.guard->predicate;
    predicate.negated = instruction.guard->negated;
    condition = readPredicate(predicate);
    if (!condition)
      return;
  }
  if (instruction.opcode == "bra") {
    lowerBranch(*this, instruction, condition);
    return;
  }
  if (!condition) {
    lowerInstruction(instruction);
    return;
  }
  llvm::BasicBlock *guarded = newBlock("guarded");
  llvm::BasicBlock *after = newBlock("after");
  builder_.CreateCondBr(condition, guarded, after);
  builder_.SetInsertPoint(guarded);
  lowerInstruction(instruction);
  if (!builder_.GetInsertBlock()->getTerminator())
    builder_.CreateBr(after);
  builder_.SetInsertPoint(after);
}

void FunctionLowering::lowerInstruction(const ptx::Instruction &instruction) {
  using Family = LoweringResult (*)(FunctionLowering &, const ptx::Instruction &);
  static constexpr Family kFamilies[] = {
      lowerMbarrierInstruction, // before memory: it owns cp.async.mbarrier.arrive
      lowerBulkCopyInstruction, // before memory and atomics: it owns cp.async.bulk, st/red.async
      lowerMemoryInstruction,      lowerIntegerInstruction, lowerFloatInstruction,
      lowerCompareInstruction,     lowerDataInstruction,    lowerControlInstruction,
      lowerSyncInstruction,        lowerAtomicInstruction,  lowerTextureInstruction,
      lowerVideoInstruction,       lowerWarpInstruction,    lowerMatrixInstruction,
      lowerScalarVideoInstruction, lowerWmmaInstruction,    lowerClusterInstruction,
      lowerStackInstruction,
  };
  // A form the ISA defines only on newer targets than the module's has no meaning here.
  std::optional<unsigned> target = moduleTarget(module_.ptx());
  if (unsigned needed = minimumTarget(instruction); target && needed > *target) {
    error(instruction.loc, "unsupported instruction '" + fullName(instruction) + "' before sm_" +
                               std::to_string(needed) + " (the module targets sm_" +
                               std::to_string(*target) + ")");
    return;
  }
  std::optional<unsigned> version = moduleVersion(module_.ptx());
  if (unsigned needed = minimumVersion(instruction, target.value_or(0));
      version && needed > *version) {
    auto dotted = [](unsigned v) { return std::to_string(v / 10) + "." + std::to_string(v % 10); };
    error(instruction.loc, "unsupported instruction '" + fullName(instruction) +
                               "' before PTX ISA " + dotted(needed) + " (the module is .version " +
                               dotted(*version) + ")");
    return;
  }
  for (Family family : kFamilies)
    if (family(*this, instruction).has_value())
      return;
  module_.noteUnknownOpcode(instruction.opcode);
  unsupported(instruction);
}

} // namespace cuport::lower
