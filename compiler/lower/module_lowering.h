// Module-level lowering: variables and their initializers, function signatures, the kernel
// parameter layout, and the per-module tables that function bodies look symbols up in.
#pragma once

#include "compiler/lower/lower.h"
#include "compiler/ptx/ast.h"
#include "compiler/ptx/diagnostic.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

struct cuport_texture_descriptor;

namespace llvm {
class Function;
class FunctionType;
class GlobalValue;
class GlobalVariable;
class LLVMContext;
class Module;
class Type;
} // namespace llvm

namespace cuport::lower {

// One `.param` of a function's signature.
struct ParamSlot {
  std::string name;
  bool byPointer = false;     // byte arrays and vectors travel as a ptr to a caller-owned copy
  llvm::Type *type = nullptr; // the LLVM type when passed by value
  uint32_t size = 0;          // bytes
  uint32_t align = 1;
  uint32_t kernelOffset = 0; // kernels: offset in the parameter buffer
  bool inRegister = false;   // declared in .reg space: the callee names it as a register
};

struct FunctionSignature {
  const ptx::Function *ptx = nullptr;
  llvm::Function *function = nullptr;
  std::vector<ParamSlot> returns; // .func only; by-pointer returns are leading LLVM arguments
  std::vector<ParamSlot> params;
};

// Size in bytes of a declared variable (array dimensions, or the initializer for `[]`).
uint64_t variableByteSize(const ptx::VariableDecl &decl);
// Its alignment: `.align`, else the natural size of one element.
uint32_t variableAlignment(const ptx::VariableDecl &decl);

class ModuleLowering {
public:
  ModuleLowering(const ptx::Module &ptx, llvm::Module &module,
                 std::vector<ptx::Diagnostic> &diagnostics);

  // Module-scope variables and every function's declaration. False after diagnosing.
  bool declareModuleScope();
  // Emits every function body. False after diagnosing.
  bool defineFunctions();
  // Kernel parameter layouts, shared sizes and launch bounds, read off the final module.
  std::vector<KernelInfo> kernelInfos() const;
  std::vector<GlobalInfo> globalInfos() const;

  // A variable declared inside a function body that lives in module memory (`.shared` demoted
  // by nvcc, `.global`, `.const`).
  llvm::GlobalVariable *createFunctionScopeVariable(const ptx::VariableDecl &decl);

  llvm::Module &module() { return module_; }
  // The PTX module being lowered (its .version and .target).
  const ptx::Module &ptx() const { return ptx_; }
  llvm::LLVMContext &context();
  // A module-scope variable or function by its PTX name; nullptr when unknown.
  llvm::GlobalValue *symbol(const std::string &name) const;
  const FunctionSignature *signature(const std::string &name) const;
  // The parameter slots and LLVM type of an indirect call's `.callprototype`: the same calling
  // convention as a `.func` declared with those parameters. False after diagnosing.
  bool prototypeSignature(const ptx::CallPrototype &prototype, FunctionSignature &signature,
                          llvm::FunctionType *&type);

  bool error(ptx::SourceLoc loc, std::string message);
  // Records an opcode no instruction family recognised (see LowerResult::unknownOpcodes).
  void noteUnknownOpcode(const std::string &opcode) { unknownOpcodes_.push_back(opcode); }
  const std::vector<std::string> &unknownOpcodes() const { return unknownOpcodes_; }
  // The type of a module-scope .texref / .samplerref / .surfref variable; nothing for any other
  // name (texture_references.cpp).
  std::optional<ptx::ScalarType> referenceType(const std::string &name) const;

private:
  bool declareVariable(const ptx::VariableDecl &decl);
  llvm::GlobalVariable *createVariable(const ptx::VariableDecl &decl, bool functionScope);
  bool declareFunction(const ptx::Function &function);
  llvm::FunctionType *functionTypeOf(const FunctionSignature &signature);
  bool buildParamSlot(const ptx::VariableDecl &decl, bool isKernel, ParamSlot &slot);
  llvm::GlobalVariable *createReferenceVariable(const ptx::VariableDecl &decl);
  bool samplerDescriptor(const ptx::VariableDecl &decl, cuport_texture_descriptor &sampler);

  const ptx::Module &ptx_;
  llvm::Module &module_;
  std::vector<ptx::Diagnostic> &diagnostics_;
  std::vector<std::string> unknownOpcodes_;
  std::map<std::string, llvm::GlobalValue *> symbols_;
  std::map<std::string, FunctionSignature> signatures_;
  struct SharedVariable {
    llvm::GlobalVariable *global;
    uint64_t size;
    uint32_t align;
  };
  std::vector<SharedVariable> sharedVariables_; // declaration order
  struct DataVariable {
    std::string name;
    ptx::StateSpace space;
    uint64_t size;
    ptx::ScalarType type;
  };
  std::vector<DataVariable> dataVariables_;
  std::map<std::string, ptx::ScalarType> references_;
};

} // namespace cuport::lower
