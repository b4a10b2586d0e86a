#include "compiler/lower/module_lowering.h"

#include "compiler/lower/function_lowering.h"
#include "compiler/lower/texture_references.h"
#include "compiler/lower/types.h"

#include <llvm/ADT/SetVector.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MathExtras.h>

#include <charconv>
#include <set>

namespace cuport::lower {
namespace {

// Elements of one declared variable, counting vector lanes; `[]` dimensions are sized from the
// initializer.
uint64_t elementCount(const ptx::VariableDecl &decl) {
  uint64_t inner = decl.vectorWidth;
  for (size_t i = 1; i < decl.arrayDims.size(); ++i)
    inner *= decl.arrayDims[i];
  if (decl.arrayDims.empty())
    return inner;
  uint64_t outer = decl.arrayDims[0];
  if (outer == 0 && decl.hasInitializer && inner != 0)
    outer = (decl.initializer.size() + inner - 1) / inner;
  return outer * inner;
}

llvm::Type *storageElementType(llvm::LLVMContext &context, ptx::ScalarType type) {
  if (type == ptx::ScalarType::Pred)
    return llvm::Type::getInt8Ty(context);
  return llvmTypeOf(context, type);
}

llvm::GlobalValue::LinkageTypes linkageOf(ptx::Linkage linkage, bool hasInitializer) {
  switch (linkage) {
  case ptx::Linkage::Weak:
    return llvm::GlobalValue::WeakAnyLinkage;
  case ptx::Linkage::Common:
    return hasInitializer ? llvm::GlobalValue::WeakAnyLinkage : llvm::GlobalValue::CommonLinkage;
  default:
    // Non-visible data keeps external linkage too: the runtime finds `static __device__`
    // variables by name (cudaMemcpyToSymbol).
    return llvm::GlobalValue::ExternalLinkage;
  }
}

std::optional<uint32_t> parseDirectiveNumber(const std::string &token) {
  std::string digits;
  for (char c : token)
    if (c != ',' && c != ' ')
      digits += c;
  if (digits.empty())
    return std::nullopt;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size())
    return std::nullopt;
  return value;
}

void readLaunchBounds(const ptx::Function &function, KernelInfo &info) {
  for (const ptx::Directive &directive : function.performanceDirectives) {
    std::string name = directive.name;
    if (!name.empty() && name[0] == '.')
      name.erase(0, 1);
    std::array<uint32_t, 3> *target = nullptr;
    if (name == "reqntid")
      target = &info.reqntid;
    else if (name == "maxntid")
      target = &info.maxntid;
    else if (name == "reqnctapercluster")
      target = &info.reqnctapercluster;
    if (!target)
      continue;
    std::array<uint32_t, 3> dims{1, 1, 1};
    size_t n = 0;
    for (const std::string &argument : directive.arguments)
      if (auto value = parseDirectiveNumber(argument); value && n < 3)
        dims[n++] = *value;
    if (n > 0)
      *target = dims;
  }
}

} // namespace

uint64_t variableByteSize(const ptx::VariableDecl &decl) {
  return elementCount(decl) * byteSizeOf(decl.type);
}

uint32_t variableAlignment(const ptx::VariableDecl &decl) {
  if (decl.align)
    return *decl.align;
  return byteSizeOf(decl.type) * (decl.vectorWidth ? decl.vectorWidth : 1);
}

ModuleLowering::ModuleLowering(const ptx::Module &ptx, llvm::Module &module,
                               std::vector<ptx::Diagnostic> &diagnostics)
    : ptx_(ptx), module_(module), diagnostics_(diagnostics) {}

llvm::LLVMContext &ModuleLowering::context() {
  return module_.getContext();
}

bool ModuleLowering::error(ptx::SourceLoc loc, std::string message) {
  diagnostics_.push_back(ptx::Diagnostic{loc, std::move(message)});
  return false;
}

llvm::GlobalValue *ModuleLowering::symbol(const std::string &name) const {
  auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : it->second;
}

const FunctionSignature *ModuleLowering::signature(const std::string &name) const {
  auto it = signatures_.find(name);
  return it == signatures_.end() ? nullptr : &it->second;
}

bool ModuleLowering::declareModuleScope() {
  bool ok = true;
  // Functions first: variable initializers may hold function addresses.
  for (const ptx::Function &function : ptx_.functions)
    ok &= declareFunction(function);
  for (const ptx::VariableDecl &decl : ptx_.globals)
    ok &= declareVariable(decl);
  return ok;
}

bool ModuleLowering::declareVariable(const ptx::VariableDecl &decl) {
  switch (decl.space) {
  case ptx::StateSpace::Global:
  case ptx::StateSpace::Const:
  case ptx::StateSpace::Shared:
    break;
  default:
    return error(decl.loc,
                 "unsupported module-scope variable '" + decl.name + "' in this state space");
  }
  if (symbols_.count(decl.name))
    return error(decl.loc, "redefinition of '" + decl.name + "'");
  llvm::GlobalVariable *global = isReferenceType(decl.type)
                                     ? createReferenceVariable(decl)
                                     : createVariable(decl, /*functionScope=*/false);
  if (!global)
    return false;
  symbols_[decl.name] = global;
  return true;
}

llvm::GlobalVariable *ModuleLowering::createFunctionScopeVariable(const ptx::VariableDecl &decl) {
  if (isReferenceType(decl.type)) {
    error(decl.loc, "reference '" + decl.name + "' must be declared at module scope");
    return nullptr;
  }
  return createVariable(decl, /*functionScope=*/true);
}

llvm::GlobalVariable *ModuleLowering::createVariable(const ptx::VariableDecl &decl,
                                                     bool functionScope) {
  auto &ctx = context();
  unsigned addressSpace = *addressSpaceOf(decl.space);
  llvm::Type *elementType = storageElementType(ctx, decl.type);
  bool isExtern = decl.linkage == ptx::Linkage::Extern;
  uint64_t count = elementCount(decl);
  bool isAggregate = !decl.arrayDims.empty() || decl.vectorWidth > 1;
  llvm::Type *type =
      isAggregate || isExtern ? llvm::ArrayType::get(elementType, count) : elementType;
  if (isExtern && decl.space == ptx::StateSpace::Shared)
    type = llvm::ArrayType::get(elementType, 0);

  llvm::Constant *initializer = nullptr;
  if (!isExtern) {
    if (decl.hasInitializer) {
      if (decl.space == ptx::StateSpace::Shared) {
        error(decl.loc, "'.shared' variable '" + decl.name + "' cannot have an initializer");
        return nullptr;
      }
      std::vector<llvm::Constant *> elements;
      for (const ptx::InitElement &element : decl.initializer) {
        llvm::Constant *value = nullptr;
        switch (element.kind) {
        case ptx::InitElement::Kind::Int:
          if (elementType->isFloatingPointTy()) {
            if (element.floatIsHexBits) {
              llvm::APInt bits(elementType->getPrimitiveSizeInBits(), element.intValue);
              value =
                  llvm::ConstantFP::get(ctx, llvm::APFloat(elementType->getFltSemantics(), bits));
            } else {
              value = llvm::ConstantFP::get(elementType,
                                            static_cast<double>(int64_t(element.intValue)));
            }
          } else {
            value = llvm::ConstantInt::get(elementType, element.intValue);
          }
          break;
        case ptx::InitElement::Kind::Float:
          if (!elementType->isFloatingPointTy()) {
            error(decl.loc, "floating-point initializer for integer variable '" + decl.name + "'");
            return nullptr;
          }
          value = llvm::ConstantFP::get(elementType, element.floatValue);
          break;
        case ptx::InitElement::Kind::Symbol: {
          llvm::GlobalValue *target = symbol(element.symbol);
          if (!target) {
            error(decl.loc,
                  "unknown symbol '" + element.symbol + "' in initializer of '" + decl.name + "'");
            return nullptr;
          }
          if (!elementType->isIntegerTy() || elementType->getIntegerBitWidth() < 32) {
            error(decl.loc, "unsupported symbol address in initializer of '" + decl.name +
                                "' (element type too narrow)");
            return nullptr;
          }
          llvm::Constant *pointer = target;
          if (element.genericAddress && target->getAddressSpace() != kGeneric)
            pointer = llvm::ConstantExpr::getAddrSpaceCast(pointer,
                                                           llvm::PointerType::get(ctx, kGeneric));
          if (element.offset != 0)
            pointer = llvm::ConstantExpr::getGetElementPtr(
                llvm::Type::getInt8Ty(ctx), pointer,
                llvm::ConstantInt::get(llvm::Type::getInt64Ty(ctx), element.offset));
          value = llvm::ConstantExpr::getPtrToInt(pointer, elementType);
          break;
        }
        }
        elements.push_back(value);
      }
      if (elements.size() > count) {
        error(decl.loc, "too many initializers for '" + decl.name + "'");
        return nullptr;
      }
      if (isAggregate) {
        while (elements.size() < count)
          elements.push_back(llvm::Constant::getNullValue(elementType));
        initializer = llvm::ConstantArray::get(llvm::cast<llvm::ArrayType>(type), elements);
      } else {
        initializer = elements.empty() ? llvm::Constant::getNullValue(type) : elements[0];
      }
    } else if (decl.space == ptx::StateSpace::Shared) {
      initializer = llvm::UndefValue::get(type);
    } else {
      initializer = llvm::Constant::getNullValue(type); // PTX zero-initializes .global/.const
    }
  }

  auto linkage = isExtern ? llvm::GlobalValue::ExternalLinkage
                 : decl.space == ptx::StateSpace::Shared || functionScope
                     ? llvm::GlobalValue::InternalLinkage
                     : linkageOf(decl.linkage, decl.hasInitializer);
  if (linkage == llvm::GlobalValue::CommonLinkage)
    initializer = llvm::Constant::getNullValue(type);
  auto *global = new llvm::GlobalVariable(module_, type, decl.space == ptx::StateSpace::Const,
                                          linkage, initializer, decl.name, nullptr,
                                          llvm::GlobalValue::NotThreadLocal, addressSpace);
  global->setAlignment(llvm::Align(variableAlignment(decl)));

  if (decl.space == ptx::StateSpace::Shared && !isExtern)
    sharedVariables_.push_back({global, variableByteSize(decl), variableAlignment(decl)});
  if (decl.space != ptx::StateSpace::Shared && !isExtern)
    dataVariables_.push_back({decl.name, decl.space, variableByteSize(decl), decl.type});
  return global;
}

bool ModuleLowering::buildParamSlot(const ptx::VariableDecl &decl, bool isKernel, ParamSlot &slot) {
  if (decl.space != ptx::StateSpace::Param && decl.space != ptx::StateSpace::Reg)
    return error(decl.loc, "unsupported parameter '" + decl.name + "' (not in .param space)");
  slot.inRegister = decl.space == ptx::StateSpace::Reg;
  if (slot.inRegister && (isKernel || !decl.arrayDims.empty() || decl.vectorWidth > 1))
    return error(decl.loc,
                 "parameter '" + decl.name + "' in .reg space must be a scalar of a .func");
  slot.name = decl.name;
  slot.size = static_cast<uint32_t>(variableByteSize(decl));
  slot.align = variableAlignment(decl);
  slot.byPointer = !decl.arrayDims.empty() || decl.vectorWidth > 1;
  slot.type = slot.byPointer ? llvm::PointerType::get(context(), kGeneric)
                             : llvmTypeOf(context(), decl.type);
  if (isKernel && slot.align == 0)
    slot.align = 1;
  return true;
}

llvm::FunctionType *ModuleLowering::functionTypeOf(const FunctionSignature &signature) {
  auto &ctx = context();
  auto *ptrType = llvm::PointerType::get(ctx, kGeneric);
  std::vector<llvm::Type *> params, scalarReturns;
  for (const ParamSlot &slot : signature.returns) {
    if (slot.byPointer)
      params.push_back(ptrType);
    else
      scalarReturns.push_back(slot.type);
  }
  for (const ParamSlot &slot : signature.params)
    params.push_back(slot.type);
  llvm::Type *returnType = scalarReturns.empty()       ? llvm::Type::getVoidTy(ctx)
                           : scalarReturns.size() == 1 ? scalarReturns[0]
                                                       : llvm::StructType::get(ctx, scalarReturns);
  return llvm::FunctionType::get(returnType, params, false);
}

bool ModuleLowering::prototypeSignature(const ptx::CallPrototype &prototype,
                                        FunctionSignature &signature, llvm::FunctionType *&type) {
  bool ok = true;
  for (const ptx::VariableDecl &decl : prototype.returns) {
    ParamSlot slot;
    ok &= buildParamSlot(decl, /*isKernel=*/false, slot);
    signature.returns.push_back(slot);
  }
  for (const ptx::VariableDecl &decl : prototype.params) {
    ParamSlot slot;
    ok &= buildParamSlot(decl, /*isKernel=*/false, slot);
    signature.params.push_back(slot);
  }
  if (ok)
    type = functionTypeOf(signature);
  return ok;
}

bool ModuleLowering::declareFunction(const ptx::Function &function) {
  auto &ctx = context();
  FunctionSignature signature;
  signature.ptx = &function;
  bool ok = true;
  for (const ptx::VariableDecl &decl : function.returns) {
    ParamSlot slot;
    ok &= buildParamSlot(decl, function.isKernel, slot);
    signature.returns.push_back(slot);
  }
  uint32_t offset = 0;
  for (const ptx::VariableDecl &decl : function.params) {
    ParamSlot slot;
    ok &= buildParamSlot(decl, function.isKernel, slot);
    offset = static_cast<uint32_t>(llvm::alignTo(offset, std::max<uint32_t>(slot.align, 1)));
    slot.kernelOffset = offset;
    offset += slot.size;
    signature.params.push_back(slot);
  }
  if (!ok)
    return false;
  if (function.isKernel && !function.returns.empty())
    return error(function.loc, "kernel '" + function.name + "' cannot return values");

  llvm::FunctionType *type =
      function.isKernel ? llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                                  {llvm::PointerType::get(ctx, kGeneric)}, false)
                        : functionTypeOf(signature);

  if (auto existing = signatures_.find(function.name); existing != signatures_.end()) {
    // A prototype followed by its definition.
    if (existing->second.function->getFunctionType() != type)
      return error(function.loc, "conflicting declarations of '" + function.name + "'");
    if (function.hasBody) {
      if (existing->second.ptx->hasBody)
        return error(function.loc, "redefinition of '" + function.name + "'");
      existing->second.ptx = &function;
      existing->second.returns = signature.returns;
      existing->second.params = signature.params;
    }
    return true;
  }
  if (symbols_.count(function.name))
    return error(function.loc, "redefinition of '" + function.name + "'");

  llvm::GlobalValue::LinkageTypes linkage = llvm::GlobalValue::ExternalLinkage;
  if (!function.isKernel && function.hasBody) {
    if (function.linkage == ptx::Linkage::None)
      linkage = llvm::GlobalValue::InternalLinkage;
    else if (function.linkage == ptx::Linkage::Weak)
      linkage = llvm::GlobalValue::WeakAnyLinkage;
  }
  auto *llvmFunction = llvm::Function::Create(type, linkage, function.name, module_);
  if (function.isKernel) {
    llvmFunction->addFnAttr("cuport-kernel");
    // %is_explicit_cluster is true in every launch of a kernel naming its cluster dimensions.
    for (const ptx::Directive &directive : function.performanceDirectives) {
      std::string_view name = directive.name;
      if (name.starts_with('.'))
        name.remove_prefix(1);
      if (name == "explicitcluster" || name == "reqnctapercluster")
        llvmFunction->addFnAttr("cuport-explicit-cluster");
    }
    llvmFunction->getArg(0)->setName("params");
  }
  signature.function = llvmFunction;
  symbols_[function.name] = llvmFunction;
  signatures_[function.name] = std::move(signature);
  return true;
}

bool ModuleLowering::defineFunctions() {
  bool ok = true;
  std::set<std::string> defined;
  for (const ptx::Function &function : ptx_.functions) {
    if (!function.hasBody)
      continue;
    const FunctionSignature &sig = signatures_.at(function.name);
    if (sig.ptx != &function || !defined.insert(function.name).second)
      continue;
    FunctionLowering lowering(*this, sig);
    ok &= lowering.run();
  }
  return ok;
}

std::vector<KernelInfo> ModuleLowering::kernelInfos() const {
  std::vector<KernelInfo> infos;
  for (const ptx::Function &function : ptx_.functions) {
    if (!function.isKernel || !function.hasBody)
      continue;
    const FunctionSignature &sig = signatures_.at(function.name);
    if (sig.ptx != &function)
      continue;
    KernelInfo info;
    info.name = function.name;
    for (const ParamSlot &slot : sig.params) {
      info.params.push_back(KernelParam{slot.kernelOffset, slot.size, slot.align});
      info.paramBufferSize = slot.kernelOffset + slot.size;
    }
    readLaunchBounds(function, info);

    // Shared variables that the kernel or a function it calls refers to, laid out in
    // declaration order.
    llvm::SetVector<const llvm::Function *> reachable;
    reachable.insert(sig.function);
    for (size_t i = 0; i < reachable.size(); ++i) {
      for (const llvm::Instruction &inst : llvm::instructions(*reachable[i]))
        if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst))
          if (auto *callee = call->getCalledFunction(); callee && !callee->isDeclaration())
            reachable.insert(callee);
    }
    uint64_t cursor = 0;
    for (const SharedVariable &shared : sharedVariables_) {
      bool used = false;
      std::vector<const llvm::User *> users(shared.global->user_begin(), shared.global->user_end());
      while (!users.empty() && !used) {
        const llvm::User *user = users.back();
        users.pop_back();
        if (auto *inst = llvm::dyn_cast<llvm::Instruction>(user))
          used = reachable.contains(inst->getFunction());
        else if (llvm::isa<llvm::ConstantExpr>(user))
          users.insert(users.end(), user->user_begin(), user->user_end());
      }
      if (used)
        cursor = llvm::alignTo(cursor, shared.align) + shared.size;
    }
    info.staticSharedBytes = static_cast<uint32_t>(cursor);
    infos.push_back(std::move(info));
  }
  return infos;
}

std::vector<GlobalInfo> ModuleLowering::globalInfos() const {
  std::vector<GlobalInfo> infos;
  for (const DataVariable &variable : dataVariables_)
    infos.push_back(GlobalInfo{variable.name, variable.space, variable.size, variable.type});
  return infos;
}

} // namespace cuport::lower
