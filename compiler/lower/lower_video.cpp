// The SIMD video instructions vadd2/4, vsub2/4, vavrg2/4, vabsdiff2/4, vmin2/4, vmax2/4 and
// vset2/4 (nvcc emits vabsdiff for __vabsdiffu4, __vsadu4 and their kin): per 16-bit half or byte,
// then a SIMD merge with c or, with .add, the sum of the lanes accumulated into c. The source
// selectors (.hxy, .bxyzw) pick each lane from the halves or bytes of the pair {b, a}; the
// destination mask (.h0, .h1, .h10, .b0 ... .b3210) names the lanes that take a result.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/types.h"
#include "compiler/lower/video_fields.h"

#include <llvm/IR/Intrinsics.h>

#include <string>
#include <vector>

namespace cuport::lower {
namespace {

using llvm::Value;

// The lane sources of a SIMD selector, lowest lane first, as indices into the halves (2 lanes) or
// bytes (4 lanes) of the 64-bit pair {b, a}. Written highest lane first: .h10 is a's halves in
// order, .b7654 b's bytes.
std::optional<std::vector<unsigned>> laneSources(const std::string &selector, unsigned lanes,
                                                 const char *defaultSelector) {
  const std::string &text = selector.empty() ? std::string(defaultSelector) : selector;
  char kind = lanes == 2 ? 'h' : 'b';
  char highest = lanes == 2 ? '3' : '7';
  if (text.size() != lanes + 1 || text[0] != kind)
    return std::nullopt;
  std::vector<unsigned> sources(lanes);
  for (unsigned i = 0; i < lanes; ++i) {
    char digit = text[lanes - i];
    if (digit < '0' || digit > highest)
      return std::nullopt;
    sources[i] = unsigned(digit - '0');
  }
  return sources;
}

// The lanes a destination mask writes, as bits: its digits are distinct lanes, highest first.
std::optional<unsigned> destinationMask(const std::string &mask, unsigned lanes) {
  if (mask.empty())
    return (1u << lanes) - 1;
  char kind = lanes == 2 ? 'h' : 'b';
  if (mask.size() < 2 || mask[0] != kind)
    return std::nullopt;
  unsigned bits = 0;
  int previous = int(lanes);
  for (char digit : mask.substr(1)) {
    int lane = digit - '0';
    if (lane < 0 || lane >= previous)
      return std::nullopt;
    bits |= 1u << lane;
    previous = lane;
  }
  return bits;
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
  if (!videoWordSignedness(dType) || !videoWordSignedness(aType) || !videoWordSignedness(bType) ||
      !mods.allTaken() || (saturate && accumulate) || (compare && !comparison))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 4))
    return false;
  auto aSources = laneSources(inst.operands[1].videoSelector, lanes, lanes == 2 ? "h10" : "b3210");
  auto bSources = laneSources(inst.operands[2].videoSelector, lanes, lanes == 2 ? "h32" : "b7654");
  auto mask = destinationMask(inst.operands[0].videoSelector, lanes);
  // Every operand is a register (ptxas takes no immediate: a and b have implicit selectors), and
  // none is negated.
  bool registers = true;
  for (const ptx::Operand &operand : inst.operands)
    registers = registers && operand.kind == ptx::Operand::Kind::Register && !operand.minus;
  if (!aSources || !bSources || !mask || !inst.operands[3].videoSelector.empty() || !registers)
    return fl.unsupported(inst);
  auto &b = fl.builder();
  auto *i32 = b.getInt32Ty();
  Value *a = fl.read(inst.operands[1], i32), *bv = fl.read(inst.operands[2], i32);
  Value *c = fl.read(inst.operands[3], i32);
  if (!a || !bv || !c)
    return false;
  const unsigned bits = 32 / lanes;
  // The selectors index the 64-bit pair {b, a}.
  auto *i64 = b.getInt64Ty();
  Value *pair = b.CreateOr(b.CreateShl(b.CreateZExt(bv, i64), 32), b.CreateZExt(a, i64));
  auto selected = [&](unsigned index, bool isSigned) {
    return extractVideoField(b, pair, bits * index, bits, isSigned, i32);
  };
  bool aSigned = *aType == ptx::ScalarType::S32, bSigned = *bType == ptx::ScalarType::S32;
  bool dSigned = *dType == ptx::ScalarType::S32;
  Value *result = accumulate ? c : b.getInt32(0);
  for (unsigned i = 0; i < lanes; ++i) {
    // Lanes are at most 16 bits wide, so every intermediate fits in 32 bits.
    Value *x = selected((*aSources)[i], aSigned), *y = selected((*bSources)[i], bSigned);
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
      // The lanes are exact in 32 bits.
      t = b.CreateZExt(b.CreateICmp(videoComparison(*comparison), x, y), i32);
    } else if (op == "vmin" || op == "vmax") {
      // Mixed signedness compares the extended values, which are exact in 32 bits.
      t = b.CreateBinaryIntrinsic(op == "vmin" ? llvm::Intrinsic::smin : llvm::Intrinsic::smax, x,
                                  y);
    }
    if (saturate) {
      auto [low, high] = videoSaturationRange(bits, dSigned);
      t = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, t, b.getInt32(uint32_t(low)));
      t = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, t, b.getInt32(uint32_t(high)));
    }
    bool written = *mask & (1u << i);
    if (accumulate) {
      if (written)
        result = b.CreateAdd(result, t);
    } else {
      // A lane outside the mask keeps c's lane.
      Value *field = written ? b.CreateAnd(t, b.getInt32((1u << bits) - 1))
                             : extractVideoField(b, c, bits * i, bits, false, i32);
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
