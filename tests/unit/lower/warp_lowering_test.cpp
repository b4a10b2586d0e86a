// Warp collectives and barriers lower to the cuport.* intrinsics of docs/kernel-ir.md with the
// variant codes of backends/warp_operations.h; forms that are not supported are diagnosed.
#include "lower_test_support.h"

#include "backends/warp_operations.h"

#include <gtest/gtest.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

namespace cuport::lower::test {
namespace {

std::string kernelWith(const std::string &body) {
  return ".version 8.0\n.target sm_80\n.address_size 64\n"
         ".visible .entry k(.param .u64 p)\n{\n.reg .pred %p<8>;\n.reg .b32 %r<16>;\n"
         ".reg .b64 %rd<4>;\n" +
         body + "\nret;\n}\n";
}

std::string joined(const std::vector<std::string> &messages) {
  std::string text;
  for (const std::string &message : messages)
    text += message + "\n";
  return text;
}

// The calls to cuport.* intrinsics other than the special registers, in order.
struct Call {
  std::string name;
  std::vector<int64_t> constants; // the constant arguments; INT64_MIN for the others
};
std::vector<Call> warpCalls(const std::string &body, const std::string &header = "") {
  std::string text = kernelWith(body);
  if (!header.empty())
    text = header + text.substr(text.find(".address_size"));
  Lowered lowered = lowerText(text);
  EXPECT_TRUE(lowered.module.has_value()) << joined(lowered.diagnostics);
  std::vector<Call> calls;
  if (!lowered.module)
    return calls;
  for (const llvm::Instruction &inst :
       llvm::instructions(*lowered.module->module->getFunction("k"))) {
    auto *call = llvm::dyn_cast<llvm::CallInst>(&inst);
    if (!call || !call->getCalledFunction())
      continue;
    llvm::Function *callee = call->getCalledFunction();
    if (!callee->getName().starts_with("cuport.") || callee->getName() == "cuport.tid.x")
      continue;
    EXPECT_TRUE(callee->isConvergent()) << callee->getName().str();
    EXPECT_TRUE(callee->doesNotThrow()) << callee->getName().str();
    Call recorded{callee->getName().str(), {}};
    for (const llvm::Value *argument : call->args()) {
      auto *constant = llvm::dyn_cast<llvm::ConstantInt>(argument);
      recorded.constants.push_back(constant ? constant->getSExtValue() : INT64_MIN);
    }
    calls.push_back(recorded);
  }
  return calls;
}

TEST(WarpLowering, ShuffleModesAndOperands) {
  auto calls = warpCalls("shfl.sync.up.b32 %r1|%p1, %r2, 1, 0, -1;\n"
                         "shfl.sync.down.b32 %r1, %r2, %r3, 31, 0xffff;\n"
                         "shfl.sync.bfly.b32 %r1|%p2, %r2, 4, 0x1f, %r4;\n"
                         "shfl.sync.idx.b32 %r1, %r2, %r3, %r5, -1;");
  ASSERT_EQ(calls.size(), 4u);
  for (const Call &call : calls)
    EXPECT_EQ(call.name, "cuport.shfl.sync");
  EXPECT_EQ(calls[0].constants, (std::vector<int64_t>{CUPORT_SHFL_UP, INT64_MIN, 1, 0, -1}));
  EXPECT_EQ(calls[1].constants,
            (std::vector<int64_t>{CUPORT_SHFL_DOWN, INT64_MIN, INT64_MIN, 31, 0xffff}));
  EXPECT_EQ(calls[2].constants,
            (std::vector<int64_t>{CUPORT_SHFL_BFLY, INT64_MIN, 4, 31, INT64_MIN}));
  EXPECT_EQ(calls[3].constants,
            (std::vector<int64_t>{CUPORT_SHFL_IDX, INT64_MIN, INT64_MIN, INT64_MIN, -1}));
}

TEST(WarpLowering, VoteMatchReduxElectActiveMask) {
  auto calls = warpCalls("vote.sync.all.pred %p1, %p2, -1;\n"
                         "vote.sync.any.pred %p1, !%p2, -1;\n"
                         "vote.sync.uni.pred %p1, %p2, 3;\n"
                         "vote.sync.ballot.b32 %r1, %p2, -1;\n"
                         "match.any.sync.b32 %r1, %r2, -1;\n"
                         "match.all.sync.b64 %r1|%p3, %rd1, -1;\n"
                         "redux.sync.add.s32 %r1, %r2, -1;\n"
                         "redux.sync.min.u32 %r1, %r2, -1;\n"
                         "redux.sync.max.s32 %r1, %r2, -1;\n"
                         "redux.sync.xor.b32 %r1, %r2, -1;\n"
                         "elect.sync %r1|%p1, -1;\n"
                         "activemask.b32 %r1;\n"
                         "bar.warp.sync -1;",
                         ".version 8.0\n.target sm_90\n"); // elect.sync came with sm_90
  std::vector<std::pair<std::string, int64_t>> expected = {
      {"cuport.vote.sync", CUPORT_VOTE_ALL},
      {"cuport.vote.sync", CUPORT_VOTE_ANY},
      {"cuport.vote.sync", CUPORT_VOTE_UNI},
      {"cuport.vote.sync", CUPORT_VOTE_BALLOT},
      {"cuport.match.sync", CUPORT_MATCH_ANY},
      {"cuport.match.sync", CUPORT_MATCH_ALL},
      {"cuport.redux.sync", CUPORT_REDUX_ADD},
      {"cuport.redux.sync", CUPORT_REDUX_MIN_U32},
      {"cuport.redux.sync", CUPORT_REDUX_MAX_S32},
      {"cuport.redux.sync", CUPORT_REDUX_XOR},
      {"cuport.elect.sync", -1},
      {"cuport.activemask", INT64_MIN},
      {"cuport.bar.warp.sync", -1}};
  ASSERT_EQ(calls.size(), expected.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].name, expected[i].first) << i;
    if (expected[i].second != INT64_MIN) {
      EXPECT_EQ(calls[i].constants.at(0), expected[i].second) << i;
    }
  }
}

// The `!` of vote's predicate operand is applied before the call.
TEST(WarpLowering, NegatedVotePredicate) {
  Lowered lowered = lowerText(kernelWith("vote.sync.ballot.b32 %r1, !%p2, -1;"));
  ASSERT_TRUE(lowered.module.has_value()) << joined(lowered.diagnostics);
  for (const llvm::Instruction &inst :
       llvm::instructions(*lowered.module->module->getFunction("k")))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst);
        call && call->getCalledFunction()->getName() == "cuport.vote.sync") {
      auto *negation = llvm::dyn_cast<llvm::BinaryOperator>(call->getArgOperand(1));
      ASSERT_NE(negation, nullptr);
      EXPECT_EQ(negation->getOpcode(), llvm::Instruction::Xor);
      return;
    }
  FAIL() << "no cuport.vote.sync call";
}

TEST(WarpLowering, BarrierForms) {
  auto calls = warpCalls("bar.sync 0;\n"
                         "barrier.sync 1, 64;\n"
                         "barrier.cta.sync.aligned 2;\n"
                         "bar.arrive 3, 96;\n"
                         "barrier.arrive.aligned 4, 32;\n"
                         "bar.red.popc.u32 %r1, 5, %p1;\n"
                         "bar.red.and.pred %p2, 6, 64, !%p1;\n"
                         "barrier.red.or.pred %p2, 7, %p1;");
  ASSERT_EQ(calls.size(), 8u);
  EXPECT_EQ(calls[0].name, "cuport.bar.sync");
  EXPECT_EQ(calls[0].constants, (std::vector<int64_t>{0, -1}));
  EXPECT_EQ(calls[1].constants, (std::vector<int64_t>{1, 64}));
  EXPECT_EQ(calls[2].constants, (std::vector<int64_t>{2, -1}));
  EXPECT_EQ(calls[3].name, "cuport.bar.arrive");
  EXPECT_EQ(calls[3].constants, (std::vector<int64_t>{3, 96}));
  EXPECT_EQ(calls[4].constants, (std::vector<int64_t>{4, 32}));
  EXPECT_EQ(calls[5].name, "cuport.bar.red");
  EXPECT_EQ(calls[5].constants, (std::vector<int64_t>{CUPORT_BAR_RED_POPC, 5, -1, INT64_MIN}));
  EXPECT_EQ(calls[6].constants, (std::vector<int64_t>{CUPORT_BAR_RED_AND, 6, 64, INT64_MIN}));
  EXPECT_EQ(calls[7].constants, (std::vector<int64_t>{CUPORT_BAR_RED_OR, 7, -1, INT64_MIN}));
}

TEST(WarpLowering, ClusterBarrierForms) {
  auto calls = warpCalls("barrier.cluster.arrive;\n"
                         "barrier.cluster.wait;\n"
                         "barrier.cluster.arrive.release.aligned;\n"
                         "barrier.cluster.wait.acquire.aligned;\n"
                         "barrier.cluster.arrive.relaxed;",
                         ".version 8.0\n.target sm_90\n");
  ASSERT_EQ(calls.size(), 5u);
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].name,
              i % 2 == 0 ? "cuport.barrier.cluster.arrive" : "cuport.barrier.cluster.wait");
    EXPECT_TRUE(calls[i].constants.empty());
  }
}

TEST(WarpLowering, UnsupportedFormsAreDiagnosed) {
  for (const char *instruction :
       {"redux.sync.min.f32 %r1, %r2, -1;", "redux.sync.add.b32 %r1, %r2, -1;",
        "redux.sync.and.u32 %r1, %r2, -1;", "match.any.sync.b32 %r1|%p1, %r2, -1;",
        "shfl.sync.idx.b64 %rd1, %rd2, 0, 31, -1;", "vote.sync.ballot.pred %p1, %p2, -1;",
        "bar.arrive 1;", "barrier.cluster.arrive.acquire;", "barrier.cluster.wait.release;",
        "barrier.cluster.sync;", "barrier.cluster.arrive 1;", "bar.red.popc.u32 %r1, 1;",
        "activemask.b64 %rd1;"}) {
    SCOPED_TRACE(instruction);
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value());
    EXPECT_FALSE(lowered.diagnostics.empty());
  }
  for (const char *instruction :
       {"vote.ballot.b32 %r1, %p1;", "shfl.idx.b32 %r1, %r2, 0, 31;", "vote.all.pred %p1, %p2;"}) {
    SCOPED_TRACE(instruction);
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value());
    std::string text = joined(lowered.diagnostics);
    EXPECT_NE(text.find("without .sync is not supported"), std::string::npos) << text;
  }
}

// Before PTX ISA 6.4 shfl and vote without .sync act among the active threads: the .sync
// collective with cuport.activemask as its membermask.
TEST(WarpLowering, FormsWithoutSyncUseTheActiveMask) {
  std::vector<Call> calls = warpCalls("shfl.bfly.b32 %r1|%p1, %r2, 1, 31;\n"
                                      "vote.ballot.b32 %r3, !%p2;\n"
                                      "vote.uni.pred %p3, %p2;",
                                      ".version 6.3\n.target sm_75\n");
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[0].name, "cuport.activemask");
  EXPECT_EQ(calls[1].name, "cuport.shfl.sync");
  EXPECT_EQ(calls[1].constants[0], CUPORT_SHFL_BFLY);
  EXPECT_EQ(calls[1].constants[4], INT64_MIN); // the active mask, not a constant
  EXPECT_EQ(calls[2].name, "cuport.activemask");
  EXPECT_EQ(calls[3].name, "cuport.vote.sync");
  EXPECT_EQ(calls[3].constants[0], CUPORT_VOTE_BALLOT);
  EXPECT_EQ(calls[5].name, "cuport.vote.sync");
  EXPECT_EQ(calls[5].constants[0], CUPORT_VOTE_UNI);
}

TEST(WarpLowering, MatrixVariantCodes) {
  std::vector<Call> calls = warpCalls(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%r0, %r1, %r2, %r3}, {%r4, %r5, %r6, "
      "%r7}, {%r8, %r9}, {%r10, %r11, %r12, %r13};\n"
      "mma.sync.aligned.m16n8k32.row.col.satfinite.s32.u8.s8.s32 {%r0, %r1, %r2, %r3}, {%r4, "
      "%r5, %r6, %r7}, {%r8, %r9}, {%r10, %r11, %r12, %r13};\n"
      "mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%rd0, %rd1}, {%rd2}, {%rd3}, {%rd0, "
      "%rd1};\n"
      "ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%r0, %r1}, [%rd0];\n"
      "movmatrix.sync.aligned.m8n8.trans.b16 %r0, %r1;\n"
      "wmma.mma.sync.aligned.col.row.m32n8k16.s32.u8.u8.s32.satfinite {%r0, %r1, %r2, %r3, %r4, "
      "%r5, %r6, %r7}, {%r8, %r9, %r10, %r11}, {%r12}, {%r0, %r1, %r2, %r3, %r4, %r5, %r6, "
      "%r7};\n"
      "stmatrix.sync.aligned.m8n8.x4.trans.shared.b16 [%rd0], {%r0, %r1, %r2, %r3};\n"
      "mma.sync.aligned.m16n8k256.row.col.s32.b1.b1.s32.and.popc {%r0, %r1, %r2, %r3}, {%r4, "
      "%r5, %r6, %r7}, {%r8, %r9}, {%r10, %r11, %r12, %r13};",
      ".version 8.0\n.target sm_90\n"); // stmatrix came with sm_90
  ASSERT_EQ(calls.size(), 8u);
  EXPECT_EQ(calls[0].name, "cuport.mma.sync");
  EXPECT_EQ(calls[0].constants[0], CUPORT_MMA_M16N8K16 | CUPORT_MMA_BF16 << 4 |
                                       CUPORT_MMA_BF16 << 8 | CUPORT_MMA_F32 << 12 |
                                       CUPORT_MMA_F32 << 16);
  EXPECT_EQ(calls[0].constants[2], -1);
  EXPECT_EQ(calls[1].constants[0], CUPORT_MMA_M16N8K32 | CUPORT_MMA_U8 << 4 | CUPORT_MMA_S8 << 8 |
                                       CUPORT_MMA_S32 << 12 | CUPORT_MMA_S32 << 16 |
                                       CUPORT_MMA_SATFINITE);
  EXPECT_EQ(calls[2].constants[0], CUPORT_MMA_M8N8K4 | CUPORT_MMA_F64 << 4 | CUPORT_MMA_F64 << 8 |
                                       CUPORT_MMA_F64 << 12 | CUPORT_MMA_F64 << 16);
  EXPECT_EQ(calls[3].name, "cuport.ldmatrix.sync");
  EXPECT_EQ(calls[3].constants[0], 2 | CUPORT_LDMATRIX_TRANS);
  EXPECT_EQ(calls[4].name, "cuport.movmatrix.sync");
  EXPECT_EQ(calls[5].name, "cuport.mma.sync");
  EXPECT_EQ(calls[5].constants[0], CUPORT_MMA_M32N8K16 | CUPORT_MMA_U8 << 4 | CUPORT_MMA_U8 << 8 |
                                       CUPORT_MMA_S32 << 12 | CUPORT_MMA_S32 << 16 |
                                       CUPORT_MMA_SATFINITE | CUPORT_MMA_WMMA);
  EXPECT_EQ(calls[6].name, "cuport.stmatrix.sync");
  EXPECT_EQ(calls[6].constants[0], 4 | CUPORT_LDMATRIX_TRANS);
  EXPECT_EQ(calls[7].constants[0], CUPORT_MMA_M16N8K256 | CUPORT_MMA_B1 << 4 | CUPORT_MMA_B1 << 8 |
                                       CUPORT_MMA_S32 << 12 | CUPORT_MMA_S32 << 16 |
                                       CUPORT_MMA_AND_POPC);
}

// m8n8k4 .f16 carries its layouts, mma.sp its kind, selector and metadata register (slot E).
TEST(WarpLowering, QuadPairAndSparseMatrixVariantCodes) {
  std::vector<Call> calls = warpCalls(
      "mma.sync.aligned.m8n8k4.col.row.f32.f16.f16.f16 {%r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7}, "
      "{%r8, %r9}, {%r10, %r11}, {%r12, %r13, %r14, %r15};\n"
      "mma.sp::ordered_metadata.sync.aligned.m16n8k32.row.col.f32.bf16.bf16.f32 {%r0, %r1, %r2, "
      "%r3}, {%r4, %r5, %r6, %r7}, {%r8, %r9, %r10, %r11}, {%r0, %r1, %r2, %r3}, %r12, 1;\n"
      "mma.sp.sync.aligned.m16n8k128.row.col.satfinite.s32.u4.s4.s32 {%r0, %r1, %r2, %r3}, {%r4, "
      "%r5, %r6, %r7}, {%r8, %r9, %r10, %r11}, {%r0, %r1, %r2, %r3}, %r12, 0;",
      ".version 8.5\n.target sm_80\n");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].constants[0], CUPORT_MMA_M8N8K4 | CUPORT_MMA_F16 << 4 | CUPORT_MMA_F16 << 8 |
                                       CUPORT_MMA_F16 << 12 | CUPORT_MMA_F32 << 16 |
                                       CUPORT_MMA_A_COLUMN_MAJOR | CUPORT_MMA_B_ROW_MAJOR);
  EXPECT_EQ(calls[1].constants[0],
            CUPORT_MMA_M16N8K32 | CUPORT_MMA_BF16 << 4 | CUPORT_MMA_BF16 << 8 |
                CUPORT_MMA_F32 << 12 | CUPORT_MMA_F32 << 16 | CUPORT_MMA_SPARSE |
                CUPORT_MMA_ORDERED_METADATA | 1u << CUPORT_MMA_SELECTOR_SHIFT);
  EXPECT_EQ(calls[2].constants[0], CUPORT_MMA_M16N8K128 | CUPORT_MMA_U4 << 4 | CUPORT_MMA_S4 << 8 |
                                       CUPORT_MMA_S32 << 12 | CUPORT_MMA_S32 << 16 |
                                       CUPORT_MMA_SATFINITE | CUPORT_MMA_SPARSE);
}

TEST(WarpLowering, UnsupportedMatrixFormsAreDiagnosed) {
  for (const char *instruction :
       {"mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%r0, %r1, %r2}, {%r4, %r5, %r6, %r7}, "
        "{%r8, %r9}, {%r10, %r11, %r12, %r13};",
        "mma.sync.aligned.m16n8k16.col.row.f32.f16.f16.f32 {%r0, %r1, %r2, %r3}, {%r4, %r5, %r6, "
        "%r7}, {%r8, %r9}, {%r10, %r11, %r12, %r13};",
        "mma.sync.aligned.m16n8k16.row.col.f32.tf32.tf32.f32 {%r0, %r1, %r2, %r3}, {%r4, %r5, %r6, "
        "%r7}, {%r8, %r9}, {%r10, %r11, %r12, %r13};",
        "mma.sync.aligned.m16n8k8.row.col.f16.bf16.bf16.f32 {%r0, %r1}, {%r4, %r5}, {%r8}, {%r10, "
        "%r11, %r12, %r13};",
        "ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%r0, %r1}, [%rd0];",
        "ldmatrix.sync.aligned.m8n8.x3.shared.b16 {%r0, %r1, %r2}, [%rd0];",
        "movmatrix.sync.aligned.m8n8.b16 %r0, %r1;",
        "wmma.mma.sync.aligned.row.col.m16n16k16.f32.f32 {%r0}, {%r1}, {%r2}, {%r3};",
        // m8n8k4 .f16 takes two A registers; an .f16 D from an .f32 C
        "mma.sync.aligned.m8n8k4.row.row.f16.f16.f16.f16 {%r0, %r1, %r2, %r3}, {%r4}, {%r8, %r9}, "
        "{%r10, %r11, %r12, %r13};",
        "mma.sync.aligned.m8n8k4.row.col.f16.f16.f16.f32 {%r0, %r1, %r2, %r3}, {%r4, %r5}, {%r8, "
        "%r9}, {%r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7};",
        // mma.sp: the selector past the shape's range or not a constant, no metadata operand
        "mma.sp.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%r0, %r1, %r2, %r3}, {%r4, %r5}, "
        "{%r8, %r9}, {%r0, %r1, %r2, %r3}, %r12, 2;",
        "mma.sp.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%r0, %r1}, {%r4, %r5}, {%r8, %r9}, "
        "{%r0, %r1}, %r12, %r13;",
        "mma.sp.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%r0, %r1}, {%r4, %r5}, {%r8, %r9}, "
        "{%r0, %r1};"}) {
    SCOPED_TRACE(instruction);
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value());
    EXPECT_FALSE(lowered.diagnostics.empty());
  }
}

} // namespace
} // namespace cuport::lower::test
