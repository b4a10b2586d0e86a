// Emission of one function body: PTX registers become allocas (promoted by the cleanup), labels
// become basic blocks, a guarded instruction is branched around, and `{ }` blocks open scopes
// for their declarations. Instruction families (lower_*.cpp) read and write operands through
// this class.
#pragma once

#include "compiler/lower/module_lowering.h"
#include "compiler/ptx/ast.h"

#include <llvm/IR/IRBuilder.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cuport::lower {

enum class Extend { Zero, Sign };

// A name visible in a function body.
struct ScopeEntry {
  enum class Kind { Register, Memory } kind = Kind::Register;
  llvm::Value *storage = nullptr; // Register: its alloca; Memory: pointer to its bytes
  llvm::Type *type = nullptr;     // Register: its value type
  ptx::StateSpace space = ptx::StateSpace::Reg;
};

class FunctionLowering {
public:
  FunctionLowering(ModuleLowering &module, const FunctionSignature &signature);

  // Emits the body; false after diagnosing (the function is then incomplete).
  bool run();

  llvm::IRBuilder<> &builder() { return builder_; }
  llvm::LLVMContext &context() { return module_.context(); }
  llvm::Module &module() { return module_.module(); }
  ModuleLowering &moduleLowering() { return module_; }
  const FunctionSignature &signature() const { return signature_; }
  bool isKernel() const { return signature_.ptx->isKernel; }

  // Reads a register, immediate, special register, symbol address or `{a, b}` pack as `type`.
  llvm::Value *read(const ptx::Operand &operand, llvm::Type *type, Extend extend = Extend::Zero);
  // Reads a predicate operand, honouring `!%p`.
  llvm::Value *readPredicate(const ptx::Operand &operand);
  // Writes `value` to a register (converted to the register's type: narrower values are
  // extended per `extend`), a `{a, b}` unpack, or `_`.
  bool write(const ptx::Operand &operand, llvm::Value *value, Extend extend = Extend::Zero);
  // `[base + offset]` as a pointer in `addressSpace`.
  llvm::Value *address(const ptx::Operand &operand, unsigned addressSpace);
  // The address of a named variable or function, as a pointer in its own address space.
  llvm::Value *symbolPointer(const std::string &name, ptx::SourceLoc loc);

  ScopeEntry *lookup(const std::string &name);

  bool error(ptx::SourceLoc loc, std::string message);
  bool unsupported(const ptx::Instruction &instruction);
  // Checks the operand count; diagnoses and returns false otherwise.
  bool expectOperands(const ptx::Instruction &instruction, size_t count);

  llvm::BasicBlock *labelBlock(const std::string &name);
  // The labels of the `.branchtargets` list declared under `label`; nullptr when there is none.
  const std::vector<std::string> *branchTargets(const std::string &label) const;
  // The functions of the `.calltargets` list declared under `label`; nullptr when there is none.
  const std::vector<std::string> *callTargets(const std::string &label) const;
  llvm::BasicBlock *newBlock(const llvm::Twine &name);
  // After a terminator: later instructions up to the next label go into a fresh block.
  void continueInNewBlock();
  void emitReturn();
  llvm::AllocaInst *createEntryAlloca(llvm::Type *type, uint32_t align, const llvm::Twine &name);
  // The condition-code carry flag (CC.CF) of add.cc / addc / mad.cc ..., an i1 slot that starts
  // clear.
  llvm::AllocaInst *carryFlag();
  // Converts between LLVM value types of PTX registers (bitcast, extend or truncate).
  llvm::Value *convert(llvm::Value *value, llvm::Type *to, Extend extend);

private:
  struct RegisterFamily {
    std::string prefix; // %r of %r<6>
    uint32_t count;
    llvm::Type *type;
  };
  struct Scope {
    std::map<std::string, ScopeEntry> entries;
    std::vector<RegisterFamily> families;
  };

  void collectLabels(const std::vector<ptx::Statement> &statements);
  void emitStatements(const std::vector<ptx::Statement> &statements);
  void declare(const ptx::VariableDecl &decl);
  void emitInstruction(const ptx::Instruction &instruction);
  void lowerInstruction(const ptx::Instruction &instruction);
  void bindParameters();

  ModuleLowering &module_;
  const FunctionSignature &signature_;
  llvm::Function *function_;
  llvm::IRBuilder<> builder_;
  llvm::BasicBlock *entryBlock_ = nullptr;
  llvm::AllocaInst *carryFlag_ = nullptr;
  std::vector<Scope> scopes_;
  std::map<std::string, llvm::BasicBlock *> labels_;
  std::map<std::string, std::vector<std::string>> branchTargets_;
  std::map<std::string, std::vector<std::string>> callTargets_;
  bool ok_ = true;
};

} // namespace cuport::lower
