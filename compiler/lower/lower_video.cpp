// The SIMD video instructions vadd2/4, vsub2/4, vavrg2/4, vabsdiff2/4, vmin2/4, vmax2/4 and
// vset2/4 (nvcc emits vabsdiff for __vabsdiffu4, __vsadu4 and their kin): per 16-bit half or byte,
// then a SIMD merge with c or, with .add, the sum of the lanes accumulated into c. Only the default
// operand selectors and destination mask: the parser takes no selector syntax, so any other form
// fails to load.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Intrinsics.h>

#include <string>

namespace cuport::lower {
namespace {

using llvm::Value;

bool isWordType(std::optional<ptx::ScalarType> type) {
  return type == ptx::ScalarType::U32 || type == ptx::ScalarType::S32;
}

bool lowerSimdVideo(FunctionLowering &fl, const ptx::Instruction &inst, const std::string &op,
                    unsigned lanes) {
  Modifiers mods(inst.modifiers);
  // vset has no destination type: its lanes are 0 or 1.
  bool compare = op == "vset";
  auto dType = compare ? std::optional<ptx::ScalarType>(ptx::ScalarType::U32) : mods.takeType();
  auto aType = mods.takeType(), bType = mods.takeType();
  std::optional<std::string> comparison;
  if (compare)
    comparison = mods.takeOneOf({"eq", "ne", "lt", "le", "gt", "ge"});
  bool saturate = !compare && mods.take("sat");
  bool accumulate = mods.take("add");
  if (!isWordType(dType) || !isWordType(aType) || !isWordType(bType) || !mods.allTaken() ||
      (saturate && accumulate) || (compare && !comparison))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  auto &b = fl.builder();
  auto *i32 = b.getInt32Ty();
  Value *a = fl.read(inst.operands[1], i32), *bv = fl.read(inst.operands[2], i32);
  Value *c = fl.read(inst.operands[3], i32);
  if (!a || !bv || !c)
    return false;
  const unsigned bits = 32 / lanes;
  auto lane = [&](Value *word, unsigned index, bool isSigned) {
    Value *part = b.CreateTrunc(b.CreateLShr(word, bits * index), b.getIntNTy(bits));
    return isSigned ? b.CreateSExt(part, i32) : b.CreateZExt(part, i32);
  };
  bool aSigned = *aType == ptx::ScalarType::S32, bSigned = *bType == ptx::ScalarType::S32;
  bool dSigned = *dType == ptx::ScalarType::S32;
  Value *result = accumulate ? c : b.getInt32(0);
  for (unsigned i = 0; i < lanes; ++i) {
    // Lanes are at most 16 bits wide, so every intermediate fits in 32 bits.
    Value *x = lane(a, i, aSigned), *y = lane(bv, i, bSigned);
    Value *t = nullptr;
    if (op == "vadd") {
      t = b.CreateAdd(x, y);
    } else if (op == "vsub") {
      t = b.CreateSub(x, y);
    } else if (op == "vavrg") {
      // The ISA rounds a non-negative sum up and a negative one down.
      Value *sum = b.CreateAdd(x, y);
      Value *nonNegative = b.CreateICmpSGE(sum, b.getInt32(0));
      t = b.CreateSelect(nonNegative, b.CreateAShr(b.CreateAdd(sum, b.getInt32(1)), 1),
                         b.CreateAShr(sum, 1));
    } else if (op == "vabsdiff") {
      Value *difference = b.CreateSub(x, y);
      t = b.CreateBinaryIntrinsic(llvm::Intrinsic::abs, difference, b.getFalse());
    } else if (compare) {
      // The lanes are exact in 32 bits, so a signed comparison orders mixed signedness too.
      llvm::CmpInst::Predicate predicate = *comparison == "eq"   ? llvm::CmpInst::ICMP_EQ
                                           : *comparison == "ne" ? llvm::CmpInst::ICMP_NE
                                           : *comparison == "lt" ? llvm::CmpInst::ICMP_SLT
                                           : *comparison == "le" ? llvm::CmpInst::ICMP_SLE
                                           : *comparison == "gt" ? llvm::CmpInst::ICMP_SGT
                                                                 : llvm::CmpInst::ICMP_SGE;
      t = b.CreateZExt(b.CreateICmp(predicate, x, y), i32);
    } else if (op == "vmin" || op == "vmax") {
      // Mixed signedness compares the extended values, which are exact in 32 bits.
      t = b.CreateBinaryIntrinsic(op == "vmin" ? llvm::Intrinsic::smin : llvm::Intrinsic::smax, x,
                                  y);
    }
    if (saturate) {
      int64_t low = dSigned ? -(int64_t(1) << (bits - 1)) : 0;
      int64_t high = dSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
      t = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, t, b.getInt32(uint32_t(low)));
      t = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, t, b.getInt32(uint32_t(high)));
    }
    if (accumulate) {
      result = b.CreateAdd(result, t);
    } else {
      Value *field = b.CreateAnd(t, b.getInt32((1u << bits) - 1));
      result = b.CreateOr(result, b.CreateShl(field, bits * i));
    }
  }
  return fl.write(inst.operands[0], result);
}

} // namespace

LoweringResult lowerVideoInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  const std::string &opcode = inst.opcode;
  if (opcode.size() < 2)
    return std::nullopt;
  char width = opcode.back();
  std::string op = opcode.substr(0, opcode.size() - 1);
  if ((width != '2' && width != '4') ||
      (op != "vadd" && op != "vsub" && op != "vavrg" && op != "vabsdiff" && op != "vmin" &&
       op != "vmax" && op != "vset"))
    return std::nullopt;
  return lowerSimdVideo(fl, inst, op, width == '2' ? 2 : 4);
}

} // namespace cuport::lower
