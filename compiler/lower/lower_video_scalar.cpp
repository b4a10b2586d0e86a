// The scalar video instructions vadd, vsub, vabsdiff, vmin, vmax, vshl, vshr, vset and vmad
// (PTX ISA 9.7.18.1): byte/half/word operand selectors extended to 33 bits by each operand's
// type, the primary operation's 34-bit result, optional saturation to the destination type (or
// to the merged byte/half), then a secondary .add/.min/.max with c or a merge into c at the
// destination selector. vmad multiplies with operand negation, .po and .shr7/.shr15 scaling.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"
#include "compiler/lower/video_fields.h"

#include <llvm/IR/Intrinsics.h>

#include <string>

namespace cuport::lower {
namespace {

using llvm::Value;

// Which bits of a 32-bit register an operand selector names.
struct PartSelect {
  unsigned bits = 32;
  unsigned shift = 0;
};

// .b0 .. .b3, .h0, .h1, or no selector (the whole word).
std::optional<PartSelect> scalarSelector(const std::string &selector) {
  if (selector.empty())
    return PartSelect{};
  if (selector.size() == 2 && selector[0] == 'b' && selector[1] >= '0' && selector[1] <= '3')
    return PartSelect{8, 8u * unsigned(selector[1] - '0')};
  if (selector.size() == 2 && selector[0] == 'h' && selector[1] >= '0' && selector[1] <= '1')
    return PartSelect{16, 16u * unsigned(selector[1] - '0')};
  return std::nullopt;
}

// The selected part of `word`, sign- or zero-extended to i64 (the ISA's .s33 input value).
Value *extractPart(llvm::IRBuilder<> &b, Value *word, PartSelect part, bool isSigned) {
  return extractVideoField(b, word, part.shift, part.bits, isSigned, b.getInt64Ty());
}

// Keeps the low `bits` bits of an i64 as a signed value: the ISA's .s33 / .s34 intermediates.
Value *wrapSigned(llvm::IRBuilder<> &b, Value *value, unsigned bits) {
  return b.CreateAShr(b.CreateShl(value, 64 - bits), 64 - bits);
}

Value *clampSigned(llvm::IRBuilder<> &b, Value *value, int64_t low, int64_t high) {
  value = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, value, b.getInt64(uint64_t(low)));
  return b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, value, b.getInt64(uint64_t(high)));
}

// The operands' selectors: a and b may carry a part selector, d only the merge selector, c none.
// Operand negation belongs to vmad alone.
bool readScalarOperands(FunctionLowering &fl, const ptx::Instruction &inst, bool aSigned,
                        bool bSigned, Value *&ta, Value *&tb) {
  auto aPart = scalarSelector(inst.operands[1].videoSelector);
  auto bPart = scalarSelector(inst.operands[2].videoSelector);
  if (!aPart || !bPart)
    return fl.unsupported(inst);
  auto &b = fl.builder();
  Value *a = fl.read(inst.operands[1], b.getInt32Ty());
  Value *bv = fl.read(inst.operands[2], b.getInt32Ty());
  if (!a || !bv)
    return false;
  ta = extractPart(b, a, *aPart, aSigned);
  tb = extractPart(b, bv, *bPart, bSigned);
  return true;
}

bool lowerScalarVideo(FunctionLowering &fl, const ptx::Instruction &inst) {
  const std::string &op = inst.opcode;
  Modifiers mods(inst.modifiers);
  bool compare = op == "vset", shift = op == "vshl" || op == "vshr";
  // vset has no destination type: its result is 0 or 1, unsigned, and so is c.
  std::optional<bool> dSigned =
      compare ? std::optional<bool>(false) : videoWordSignedness(mods.takeType());
  std::optional<bool> aSigned = videoWordSignedness(mods.takeType());
  std::optional<bool> bSigned = videoWordSignedness(mods.takeType());
  std::optional<std::string> comparison;
  if (compare)
    comparison = mods.takeOneOf({"eq", "ne", "lt", "le", "gt", "ge"});
  bool saturate = !compare && mods.take("sat");
  std::optional<std::string> mode;
  if (shift)
    mode = mods.takeOneOf({"clamp", "wrap"});
  auto secondary = mods.takeOneOf({"add", "min", "max"});
  if (!dSigned || !aSigned || !bSigned || !mods.allTaken() || (compare && !comparison) ||
      (shift && (!mode || *bSigned)))
    return fl.unsupported(inst);
  if (inst.operands.empty())
    return fl.expectOperands(inst, 3);
  const ptx::Operand &dst = inst.operands[0];
  auto dPart = scalarSelector(dst.videoSelector);
  bool merge = !dst.videoSelector.empty();
  // The secondary operation and the merge both need c; the ISA has no form with both.
  if (!dPart || (merge && secondary))
    return fl.unsupported(inst);
  // Without either, ptxas also takes (and ignores) a c operand, as the ISA's semantics do.
  bool unusedC = !merge && !secondary && inst.operands.size() == 4;
  if (!unusedC && !fl.expectOperands(inst, merge || secondary ? 4 : 3))
    return false;
  for (size_t i = 0; i < inst.operands.size(); ++i)
    if (inst.operands[i].minus || (i == 3 && !inst.operands[i].videoSelector.empty()))
      return fl.unsupported(inst);

  auto &b = fl.builder();
  Value *ta = nullptr, *tb = nullptr;
  if (!readScalarOperands(fl, inst, *aSigned, *bSigned, ta, tb))
    return false;
  // Every input is exact in 33 bits and every primary result in 34, so i64 holds them.
  Value *tmp = nullptr;
  if (op == "vadd") {
    tmp = b.CreateAdd(ta, tb);
  } else if (op == "vsub") {
    tmp = b.CreateSub(ta, tb);
  } else if (op == "vabsdiff") {
    tmp = b.CreateBinaryIntrinsic(llvm::Intrinsic::abs, b.CreateSub(ta, tb), b.getFalse());
  } else if (op == "vmin" || op == "vmax") {
    tmp = b.CreateBinaryIntrinsic(op == "vmin" ? llvm::Intrinsic::smin : llvm::Intrinsic::smax, ta,
                                  tb);
  } else if (compare) {
    tmp = b.CreateZExt(b.CreateICmp(videoComparison(*comparison), ta, tb), b.getInt64Ty());
  } else {
    // The shift amount is unsigned: .clamp limits it to 32, .wrap keeps its low five bits.
    Value *amount = *mode == "clamp"
                        ? b.CreateBinaryIntrinsic(llvm::Intrinsic::umin, tb, b.getInt64(32))
                        : b.CreateAnd(tb, b.getInt64(31));
    // A left shift of a 33-bit value by up to 32 overflows the ISA's signed 34-bit result,
    // which keeps only its low 34 bits; the right shift is arithmetic on the extended value.
    tmp = op == "vshl" ? wrapSigned(b, b.CreateShl(ta, amount), 34) : b.CreateAShr(ta, amount);
  }

  // Saturation to the destination type, narrowed to the merged byte or half-word.
  if (saturate) {
    auto [low, high] = videoSaturationRange(dPart->bits, *dSigned);
    tmp = clampSigned(b, tmp, low, high);
  }
  Value *result = tmp;
  if (secondary) {
    // The secondary operation works on .s33 values; c is extended by the destination's sign.
    Value *c = fl.read(inst.operands[3], b.getInt32Ty());
    if (!c)
      return false;
    Value *wideC = *dSigned ? b.CreateSExt(c, b.getInt64Ty()) : b.CreateZExt(c, b.getInt64Ty());
    Value *value = wrapSigned(b, tmp, 33);
    if (*secondary == "add")
      result = b.CreateAdd(value, wideC);
    else
      result = b.CreateBinaryIntrinsic(
          *secondary == "min" ? llvm::Intrinsic::smin : llvm::Intrinsic::smax, value, wideC);
  }
  result = b.CreateTrunc(result, b.getInt32Ty());
  if (merge) {
    Value *c = fl.read(inst.operands[3], b.getInt32Ty());
    if (!c)
      return false;
    uint32_t field = uint32_t((uint64_t(1) << dPart->bits) - 1) << dPart->shift;
    Value *inserted = b.CreateAnd(b.CreateShl(result, dPart->shift), b.getInt32(field));
    result = b.CreateOr(inserted, b.CreateAnd(c, b.getInt32(~field)));
  }
  return fl.write(dst, result);
}

// vmad: (a*b) + c in 128 bits with the ISA's negation by complement plus one, then the optional
// .shr7/.shr15 scaling to 64 bits and saturation to the final signedness's 32-bit range.
bool lowerVmad(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  // The ISA's semantics do not consult dtype: the final signedness follows from the operands.
  std::optional<bool> dSigned = videoWordSignedness(mods.takeType());
  std::optional<bool> aSigned = videoWordSignedness(mods.takeType());
  std::optional<bool> bSigned = videoWordSignedness(mods.takeType());
  bool plusOne = mods.take("po");
  bool saturate = mods.take("sat");
  auto scale = mods.takeOneOf({"shr7", "shr15"});
  if (!dSigned || !aSigned || !bSigned || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  const auto &ops = inst.operands;
  bool productNegated = ops[1].minus != ops[2].minus;
  bool anyNegation = ops[1].minus || ops[2].minus || ops[3].minus;
  // PTX negates either the product or c, never both, and nothing in .po mode; d takes no
  // selector or negation, c no selector.
  if ((plusOne && anyNegation) || (productNegated && ops[3].minus) || ops[0].minus ||
      !ops[0].videoSelector.empty() || !ops[3].videoSelector.empty())
    return fl.unsupported(inst);
  bool cNegated = ops[3].minus;

  auto &b = fl.builder();
  Value *ta = nullptr, *tb = nullptr;
  if (!readScalarOperands(fl, inst, *aSigned, *bSigned, ta, tb))
    return false;
  Value *c = fl.read(ops[3], b.getInt32Ty());
  if (!c)
    return false;
  bool signedFinal = *aSigned || *bSigned || productNegated || cNegated;
  auto *i128 = b.getInt128Ty();
  Value *tmp = b.CreateMul(b.CreateSExt(ta, i128), b.CreateSExt(tb, i128));
  bool lsb = plusOne || productNegated || cNegated;
  if (productNegated)
    tmp = b.CreateNot(tmp);
  else if (cNegated)
    c = b.CreateNot(c);
  Value *c128 = signedFinal ? b.CreateSExt(c, i128) : b.CreateZExt(c, i128);
  tmp = b.CreateAdd(tmp, c128);
  if (lsb)
    tmp = b.CreateAdd(tmp, llvm::ConstantInt::get(i128, 1));
  if (scale)
    tmp = b.CreateLShr(tmp, *scale == "shr7" ? 7 : 15);
  Value *result = b.CreateTrunc(tmp, b.getInt64Ty());
  if (saturate) {
    if (signedFinal) {
      result = clampSigned(b, result, INT32_MIN, INT32_MAX);
    } else {
      result = b.CreateBinaryIntrinsic(llvm::Intrinsic::umin, result, b.getInt64(UINT32_MAX));
    }
  }
  return fl.write(ops[0], b.CreateTrunc(result, b.getInt32Ty()));
}

} // namespace

LoweringResult lowerScalarVideoInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  const std::string &op = inst.opcode;
  if (op == "vmad")
    return lowerVmad(fl, inst);
  if (op == "vadd" || op == "vsub" || op == "vabsdiff" || op == "vmin" || op == "vmax" ||
      op == "vshl" || op == "vshr" || op == "vset")
    return lowerScalarVideo(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
