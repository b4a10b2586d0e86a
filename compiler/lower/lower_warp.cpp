// Warp collectives: shfl.sync, vote.sync, match.sync, redux.sync, elect.sync, activemask (->
// the cuport.* warp intrinsics of docs/kernel-ir.md, variant codes of backends/warp_operations.h).
// The deprecated forms without .sync (shfl, vote; PTX ISA 6.4 removed them for sm_70 and later, so
// they come from PTX 6.3 and older) act among the warp's active threads: the .sync collective with
// the active mask as its membermask.
#include "backends/warp_operations.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/module_lowering.h"

#include <cstdlib>
#include <string>

namespace cuport::lower {
namespace {

// Whether the module may use shfl and vote without .sync: PTX ISA 6.4 removed them for sm_70 and
// later, as ptxas does.
bool allowsWithoutSync(FunctionLowering &fl) {
  const ptx::Module &module = fl.moduleLowering().ptx();
  bool before64 = module.versionMajor < 6 || (module.versionMajor == 6 && module.versionMinor < 4);
  for (const std::string &target : module.targets)
    if (target.starts_with("sm_") && std::atoi(target.c_str() + 3) >= 70 && !before64)
      return false;
  return true;
}

bool rejectWithoutSync(FunctionLowering &fl, const ptx::Instruction &inst) {
  return fl.error(inst.loc, "'" + inst.opcode +
                                "' without .sync is not supported on sm_70 and later from PTX "
                                "ISA 6.4 (use " +
                                inst.opcode + ".sync with a membermask)");
}

// The membermask: the operand of the .sync form, the active threads for the deprecated one.
llvm::Value *memberMask(FunctionLowering &fl, const ptx::Instruction &inst, bool sync,
                        size_t operand) {
  if (!sync)
    return fl.builder().CreateCall(declareActiveMask(fl.module()));
  return fl.read(inst.operands[operand], fl.builder().getInt32Ty());
}

// Writes the {value, predicate} result of a collective: d, and p when `d|p` names one.
bool writeValueAndPredicate(FunctionLowering &fl, const ptx::Instruction &inst,
                            llvm::Value *result) {
  auto &b = fl.builder();
  bool ok = fl.write(inst.operands[0], b.CreateExtractValue(result, {0}));
  if (inst.pairedDestination)
    ok &= fl.write(*inst.pairedDestination, b.CreateExtractValue(result, {1}));
  return ok;
}

// shfl.sync.{up,down,bfly,idx}.b32 d[|p], a, b, c, membermask; shfl.{up,down,bfly,idx}.b32
// d[|p], a, b, c
bool lowerShuffle(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  bool sync = mods.take("sync");
  if (!sync && !allowsWithoutSync(fl))
    return rejectWithoutSync(fl, inst);
  auto mode = mods.takeOneOf({"up", "down", "bfly", "idx"});
  if (!mode || !mods.take("b32") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, sync ? 5 : 4))
    return false;
  auto &b = fl.builder();
  uint32_t code = *mode == "up"     ? CUPORT_SHFL_UP
                  : *mode == "down" ? CUPORT_SHFL_DOWN
                  : *mode == "bfly" ? CUPORT_SHFL_BFLY
                                    : CUPORT_SHFL_IDX;
  llvm::SmallVector<llvm::Value *, 5> args{b.getInt32(code)};
  for (size_t i = 1; i < 5; ++i) {
    llvm::Value *value =
        i == 4 ? memberMask(fl, inst, sync, 4) : fl.read(inst.operands[i], b.getInt32Ty());
    if (!value)
      return false;
    args.push_back(value);
  }
  return writeValueAndPredicate(fl, inst, b.CreateCall(declareShflSync(fl.module()), args));
}

// vote.sync.{all,any,uni}.pred d, {!}a, membermask; vote.sync.ballot.b32 d, {!}a, membermask;
// and the same without .sync and membermask
bool lowerVote(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  bool sync = mods.take("sync");
  if (!sync && !allowsWithoutSync(fl))
    return rejectWithoutSync(fl, inst);
  auto mode = mods.takeOneOf({"all", "any", "uni", "ballot"});
  if (!mode || !mods.take(*mode == "ballot" ? "b32" : "pred") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, sync ? 3 : 2))
    return false;
  auto &b = fl.builder();
  uint32_t code = *mode == "all"   ? CUPORT_VOTE_ALL
                  : *mode == "any" ? CUPORT_VOTE_ANY
                  : *mode == "uni" ? CUPORT_VOTE_UNI
                                   : CUPORT_VOTE_BALLOT;
  llvm::Value *predicate = fl.readPredicate(inst.operands[1]);
  llvm::Value *mask = memberMask(fl, inst, sync, 2);
  if (!predicate || !mask)
    return false;
  llvm::Value *result =
      b.CreateCall(declareVoteSync(fl.module()), {b.getInt32(code), predicate, mask});
  if (code != CUPORT_VOTE_BALLOT)
    result = b.CreateICmpNE(result, b.getInt32(0));
  return fl.write(inst.operands[0], result);
}

// match.any.sync.{b32,b64} d, a, membermask; match.all.sync.{b32,b64} d[|p], a, membermask
bool lowerMatch(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto mode = mods.takeOneOf({"any", "all"});
  if (!mode || !mods.take("sync"))
    return fl.unsupported(inst);
  auto type = mods.takeOneOf({"b32", "b64"});
  if (!type || !mods.allTaken() || (*mode == "any" && inst.pairedDestination))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 3))
    return false;
  auto &b = fl.builder();
  llvm::Value *value = fl.read(inst.operands[1], *type == "b32" ? b.getInt32Ty() : b.getInt64Ty());
  llvm::Value *mask = fl.read(inst.operands[2], b.getInt32Ty());
  if (!value || !mask)
    return false;
  uint32_t code = *mode == "any" ? CUPORT_MATCH_ANY : CUPORT_MATCH_ALL;
  llvm::Value *result = b.CreateCall(declareMatchSync(fl.module()),
                                     {b.getInt32(code), b.CreateZExt(value, b.getInt64Ty()), mask});
  return writeValueAndPredicate(fl, inst, result);
}

// redux.sync.{add,min,max}.{u32,s32} and redux.sync.{and,or,xor}.b32 d, a, membermask
bool lowerRedux(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.take("sync"))
    return fl.unsupported(inst);
  auto op = mods.takeOneOf({"add", "min", "max", "and", "or", "xor"});
  if (!op)
    return fl.unsupported(inst);
  bool bitwise = *op == "and" || *op == "or" || *op == "xor";
  auto type = bitwise ? mods.takeOneOf({"b32"}) : mods.takeOneOf({"u32", "s32"});
  if (!type || !mods.allTaken())
    return fl.unsupported(inst); // .f32 min/max (sm_100a) included
  if (!fl.expectOperands(inst, 3))
    return false;
  bool isSigned = *type == "s32";
  uint32_t code = *op == "add"   ? CUPORT_REDUX_ADD
                  : *op == "min" ? (isSigned ? CUPORT_REDUX_MIN_S32 : CUPORT_REDUX_MIN_U32)
                  : *op == "max" ? (isSigned ? CUPORT_REDUX_MAX_S32 : CUPORT_REDUX_MAX_U32)
                  : *op == "and" ? CUPORT_REDUX_AND
                  : *op == "or"  ? CUPORT_REDUX_OR
                                 : CUPORT_REDUX_XOR;
  auto &b = fl.builder();
  llvm::Value *value = fl.read(inst.operands[1], b.getInt32Ty());
  llvm::Value *mask = fl.read(inst.operands[2], b.getInt32Ty());
  if (!value || !mask)
    return false;
  return fl.write(inst.operands[0],
                  b.CreateCall(declareReduxSync(fl.module()), {b.getInt32(code), value, mask}));
}

// elect.sync d|p, membermask (d may be _)
bool lowerElect(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.take("sync") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  llvm::Value *mask = fl.read(inst.operands[1], fl.builder().getInt32Ty());
  if (!mask)
    return false;
  return writeValueAndPredicate(fl, inst,
                                fl.builder().CreateCall(declareElectSync(fl.module()), {mask}));
}

// activemask.b32 d
bool lowerActiveMask(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.take("b32") || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 1))
    return false;
  return fl.write(inst.operands[0], fl.builder().CreateCall(declareActiveMask(fl.module())));
}

} // namespace

LoweringResult lowerWarpInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "shfl")
    return lowerShuffle(fl, inst);
  if (inst.opcode == "vote")
    return lowerVote(fl, inst);
  if (inst.opcode == "match")
    return lowerMatch(fl, inst);
  if (inst.opcode == "redux")
    return lowerRedux(fl, inst);
  if (inst.opcode == "elect")
    return lowerElect(fl, inst);
  if (inst.opcode == "activemask")
    return lowerActiveMask(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
