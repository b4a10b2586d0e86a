// Rewrites constrained FP calls with a static directed rounding mode into calls to the runtime
// functions of directed_rounding_runtime.cpp (see directed_rounding.h).
#include "backends/cpu/directed_rounding.h"

#include "backends/cpu/passes.h"
#include "backends/cpu/runtime_symbols.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/Intrinsics.h>

namespace cuport::cpu {
namespace {

// The runtime's mode for a static LLVM rounding mode; false for the dynamic one.
bool kindOf(llvm::RoundingMode mode, RoundingKind &kind) {
  switch (mode) {
  case llvm::RoundingMode::NearestTiesToEven:
    kind = RoundingKind::NearestEven;
    return true;
  case llvm::RoundingMode::TowardZero:
    kind = RoundingKind::TowardZero;
    return true;
  case llvm::RoundingMode::TowardNegative:
    kind = RoundingKind::Down;
    return true;
  case llvm::RoundingMode::TowardPositive:
    kind = RoundingKind::Up;
    return true;
  default:
    return false;
  }
}

std::optional<RoundedOp> arithmeticOf(llvm::Intrinsic::ID id) {
  switch (id) {
  case llvm::Intrinsic::experimental_constrained_fadd:
    return RoundedOp::Add;
  case llvm::Intrinsic::experimental_constrained_fsub:
    return RoundedOp::Sub;
  case llvm::Intrinsic::experimental_constrained_fmul:
    return RoundedOp::Mul;
  case llvm::Intrinsic::experimental_constrained_fdiv:
    return RoundedOp::Div;
  case llvm::Intrinsic::experimental_constrained_fma:
    return RoundedOp::Fma;
  case llvm::Intrinsic::experimental_constrained_sqrt:
    return RoundedOp::Sqrt;
  default:
    return std::nullopt;
  }
}

std::optional<NumberKind> floatKindOf(llvm::Type *type) {
  if (type->isHalfTy())
    return NumberKind::F16;
  if (type->isBFloatTy())
    return NumberKind::BF16;
  if (type->isFloatTy())
    return NumberKind::F32;
  if (type->isDoubleTy())
    return NumberKind::F64;
  return std::nullopt;
}

llvm::Value *arithmeticCall(llvm::IRBuilder<> &b, llvm::ConstrainedFPIntrinsic &call, RoundedOp op,
                            RoundingKind mode) {
  llvm::Type *type = call.getType();
  if (!type->isFloatTy() && !type->isDoubleTy())
    return nullptr;
  bool single = type->isFloatTy();
  llvm::Module &module = *call.getModule();
  llvm::FunctionCallee callee = module.getOrInsertFunction(
      single ? runtime_symbols::rounded_f32 : runtime_symbols::rounded_f64, type, b.getInt32Ty(),
      type, type, type, b.getInt32Ty());
  llvm::Value *operands[3] = {llvm::ConstantFP::get(type, 0.0), llvm::ConstantFP::get(type, 0.0),
                              llvm::ConstantFP::get(type, 0.0)};
  for (unsigned i = 0; i < call.getNonMetadataArgCount(); ++i)
    operands[i] = call.getArgOperand(i);
  return b.CreateCall(callee, {b.getInt32(uint32_t(op)), operands[0], operands[1], operands[2],
                               b.getInt32(uint32_t(mode))});
}

llvm::Value *conversionCall(llvm::IRBuilder<> &b, llvm::ConstrainedFPIntrinsic &call,
                            RoundingKind mode) {
  llvm::Value *source = call.getArgOperand(0);
  llvm::Type *from = source->getType(), *to = call.getType();
  std::optional<NumberKind> toKind = floatKindOf(to);
  if (!toKind || from->isVectorTy())
    return nullptr;
  llvm::Type *i64 = b.getInt64Ty();
  NumberKind fromKind;
  llvm::Value *bits = nullptr;
  switch (call.getIntrinsicID()) {
  case llvm::Intrinsic::experimental_constrained_fptrunc: {
    std::optional<NumberKind> kind = floatKindOf(from);
    if (!kind || (*kind != NumberKind::F32 && *kind != NumberKind::F64))
      return nullptr;
    fromKind = *kind;
    bits = b.CreateZExt(b.CreateBitCast(source, b.getIntNTy(from->getPrimitiveSizeInBits())), i64);
    break;
  }
  case llvm::Intrinsic::experimental_constrained_sitofp:
    if (!from->isIntegerTy() || from->getIntegerBitWidth() > 64)
      return nullptr;
    fromKind = NumberKind::Signed;
    bits = b.CreateSExt(source, i64);
    break;
  case llvm::Intrinsic::experimental_constrained_uitofp:
    if (!from->isIntegerTy() || from->getIntegerBitWidth() > 64)
      return nullptr;
    fromKind = NumberKind::Unsigned;
    bits = b.CreateZExt(source, i64);
    break;
  default:
    return nullptr;
  }
  llvm::FunctionCallee callee = call.getModule()->getOrInsertFunction(
      runtime_symbols::rounded_convert, i64, i64, b.getInt32Ty(), b.getInt32Ty(), b.getInt32Ty());
  llvm::Value *result =
      b.CreateCall(callee, {bits, b.getInt32(uint32_t(fromKind)), b.getInt32(uint32_t(*toKind)),
                            b.getInt32(uint32_t(mode))});
  return b.CreateBitCast(b.CreateTrunc(result, b.getIntNTy(to->getPrimitiveSizeInBits())), to);
}

} // namespace

llvm::Error lowerDirectedRounding(llvm::Module &module) {
  for (llvm::Function &function : module) {
    llvm::SmallVector<llvm::ConstrainedFPIntrinsic *, 8> calls;
    for (llvm::Instruction &inst : llvm::instructions(function))
      if (auto *call = llvm::dyn_cast<llvm::ConstrainedFPIntrinsic>(&inst))
        calls.push_back(call);
    for (llvm::ConstrainedFPIntrinsic *call : calls) {
      std::optional<llvm::RoundingMode> rounding = call->getRoundingMode();
      if (rounding == llvm::RoundingMode::Dynamic)
        return makeError("function '" + function.getName() +
                         "' uses the dynamic rounding mode, which kernel IR does not have");
      RoundingKind kind = RoundingKind::NearestEven;
      std::optional<RoundedOp> op = arithmeticOf(call->getIntrinsicID());
      // Arithmetic rounding to nearest even is what the plain operation does; conversions in
      // that mode reach here only where the plain one is not exact on every host (to bf16).
      if (!rounding || !kindOf(*rounding, kind) || (op && kind == RoundingKind::NearestEven))
        continue;
      llvm::IRBuilder<> b(call);
      llvm::Value *replacement =
          op ? arithmeticCall(b, *call, *op, kind) : conversionCall(b, *call, kind);
      if (!replacement)
        return makeError("function '" + function.getName() + "' calls '" +
                         call->getCalledFunction()->getName() +
                         "' with a directed rounding mode, which the CPU backend does not "
                         "support for these types");
      call->replaceAllUsesWith(replacement);
      call->eraseFromParent();
    }
  }
  return llvm::Error::success();
}

} // namespace cuport::cpu
