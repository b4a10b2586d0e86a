// Declarations of the cuport.* intrinsics of docs/kernel-ir.md, with their attributes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace cuport::lower {

struct SpecialRegister {
  std::string intrinsic; // "cuport.tid.x"
  unsigned bits = 32;    // 32 or 64 (1 for the .pred %is_explicit_cluster)
  bool pure = true;      // geometry: memory(none); clocks read hidden state
};

// `%tid` with component 0 -> cuport.tid.x; nullopt when `name` is not a special register we
// lower (the caller then treats it as an ordinary register name).
std::optional<SpecialRegister> specialRegister(std::string_view name, int component);

// Why a special register of the PTX ISA is refused, or nullopt when `name` is not one of those.
std::optional<std::string_view> unsupportedSpecialRegister(std::string_view name);

llvm::Function *declareSpecialRegister(llvm::Module &module, const SpecialRegister &reg);

// barrier.cluster.arrive / .wait: void(), convergent.
llvm::Function *declareClusterBarrier(llvm::Module &module, bool wait);

// i1 @cuport.isspacep.<space>(i64 address), space = shared, local, const or param: whether a
// generic address lies in that state space's window; memory(none).
llvm::Function *declareIsSpaceAddress(llvm::Module &module, std::string_view space);
// void @cuport.bar.sync(i32 id, i32 count): convergent, nounwind.
llvm::Function *declareBarSync(llvm::Module &module);
// void @cuport.bar.warp.sync(i32 mask): convergent, nounwind.
llvm::Function *declareBarWarpSync(llvm::Module &module);
// The other barriers and the warp collectives of docs/kernel-ir.md, by name
// ("cuport.shfl.sync", ...): convergent, nounwind; the variant codes are the enums of
// backends/cpu/context.h, repeated in docs/kernel-ir.md.
llvm::Function *declareBarArrive(llvm::Module &module);  // void (i32 id, i32 count)
llvm::Function *declareBarRed(llvm::Module &module);     // i32 (i32 op, i32 id, i32 count, i1)
llvm::Function *declareShflSync(llvm::Module &module);   // {i32, i1} (i32 mode, a, b, c, mask)
llvm::Function *declareVoteSync(llvm::Module &module);   // i32 (i32 mode, i1 pred, i32 mask)
llvm::Function *declareMatchSync(llvm::Module &module);  // {i32, i1} (i32 mode, i64, i32 mask)
llvm::Function *declareReduxSync(llvm::Module &module);  // i32 (i32 op, i32 value, i32 mask)
llvm::Function *declareElectSync(llvm::Module &module);  // {i32, i1} (i32 mask)
llvm::Function *declareActiveMask(llvm::Module &module); // i32 ()
llvm::Function *declareMmaSync(llvm::Module &module);    // void (i32 variant, ptr fragments, mask)
llvm::Function *declareLdmatrixSync(llvm::Module &module);  // {i64, i64} (i32 variant, ptr, mask)
llvm::Function *declareMovmatrixSync(llvm::Module &module); // i32 (i32 a, i32 mask)
// void (i32 variant, ptr row, i64 registers 0 | 1 << 32, i64 registers 2 | 3 << 32, i32 mask)
llvm::Function *declareStmatrixSync(llvm::Module &module);
// mbarrier objects (docs/kernel-ir.md), all nounwind; the pointer is generic. Waits suspend the
// thread, so they are convergent like barriers.
llvm::Function *declareMbarrierInit(llvm::Module &module);   // void (ptr, i32 count)
llvm::Function *declareMbarrierInval(llvm::Module &module);  // void (ptr)
llvm::Function *declareMbarrierArrive(llvm::Module &module); // i64 (ptr, i32, i32 tx, i32 flags)
llvm::Function *declareMbarrierTx(llvm::Module &module);     // void (ptr, i32 delta)
llvm::Function *declareMbarrierPendingCount(llvm::Module &module); // i32 (i64 state)
llvm::Function *declareMbarrierWait(llvm::Module &module); // i1 (i32 variant, ptr, i64 phase)
// Bulk asynchronous copies (docs/kernel-ir.md), nounwind; pointers are generic, the mbarrier null
// for bulk_group completion.
// void (i32 variant, ptr dst, ptr src, i32 size, ptr mbarrier, i32 ctaMask)
llvm::Function *declareBulkCopy(llvm::Module &module);
// void (i32 op, ptr dst, ptr src, i32 size, ptr mbarrier)
llvm::Function *declareBulkReduce(llvm::Module &module);
// void @cuport.trap() and void @cuport.exit(): noreturn, nounwind.
llvm::Function *declareTrap(llvm::Module &module);
// void @cuport.brkpt(): noreturn, nounwind; ends the grid (no debugger to stop in).
llvm::Function *declareBreakpoint(llvm::Module &module);
llvm::Function *declareExit(llvm::Module &module);

} // namespace cuport::lower
