// Unsupported or malformed input gives located diagnostics, never a crash or a silent drop;
// plus the IR shapes of guards, exit, trap and barriers with a thread count.
#include "lower_test_support.h"

#include <gtest/gtest.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

namespace cuport::lower::test {
namespace {

std::string kernelWith(const std::string &body, const std::string &header = ".address_size 64") {
  return ".version 9.0\n.target sm_75\n" + header +
         "\n.visible .entry k(.param .u64 p)\n{\n.reg .pred %p<4>;\n.reg .b32 %r<8>;\n"
         ".reg .b64 %rd<4>;\n.reg .f32 %f<4>;\n.reg .b16 %rs<4>;\n" +
         body + "\nret;\n}\n";
}

std::string joined(const std::vector<std::string> &messages) {
  std::string text;
  for (const std::string &message : messages)
    text += message + "\n";
  return text;
}

TEST(LowerDiagnostics, UnsupportedInstructionIsLocated) {
  // 3 header lines, the entry line, "{", 5 register declarations and two movs: line 13.
  Lowered lowered = lowerText(kernelWith("mov.u32 %r1, 1;\nmov.u32 %r2, 2;\n"
                                         "  redux.sync.min.f32 %r3, %r1, -1;"));
  EXPECT_FALSE(lowered.module.has_value());
  ASSERT_EQ(lowered.diagnostics.size(), 1u) << joined(lowered.diagnostics);
  EXPECT_EQ(lowered.diagnostics[0], "ptx:13:3: unsupported instruction 'redux.sync.min.f32' before "
                                    "sm_80 (the module targets sm_75)");
}

TEST(LowerDiagnostics, UnknownModifierIsNeverDropped) {
  for (const char *instruction :
       {"add.cc.u16 %rs1, %rs2, %rs3;", "min.relu.u32 %r1, %r2, %r3;",
        "prmt.b32.f4e.rc8 %r1, %r2, %r3, %r4;", "mul.f32.bogus %f1, %f2, %f3;",
        "ld.global.L2::evict_bogus.u32 %r1, [%rd1];", "add.sat.u32 %r1, %r2, %r3;",
        "div.f32 %f1, %f2, %f3;", "cvt.s32.f32 %r1, %f1;"}) {
    SCOPED_TRACE(instruction);
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value());
    ASSERT_FALSE(lowered.diagnostics.empty());
    EXPECT_NE(lowered.diagnostics[0].find("unsupported instruction"), std::string::npos)
        << lowered.diagnostics[0];
  }
}

// Forms ptxas refuses (tests/coverage/ptxas_legality_test.py checks the whole space against it).
TEST(LowerDiagnostics, FormsTheIsaDoesNotDefineAreRejected) {
  for (const char *instruction :
       {"setp.lt.b32 %p1, %r1, %r2;", "setp.hi.s32 %p1, %r1, %r2;", "cvt.sat.s32.u8 %r1, %rs1;",
        "cvt.f32.s32 %f1, %r1;", "cvt.rn.bf16.u8 %rs1, %rs2;", "add.b32 %r1, %r2, %r3;",
        "ld.global.f16 %rs1, [%rd1];", "ld.global.v4.u64 {%rd1, %rd2, %rd3, %rd1}, [%rd2];",
        "red.acq_rel.gpu.global.add.u32 [%rd1], %r1;", "mov.u8 %rs1, %rs2;", "not.u32 %r1, %r2;",
        "selp.f16 %rs1, %rs2, %rs3, %p1;"}) {
    SCOPED_TRACE(instruction);
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value());
    ASSERT_FALSE(lowered.diagnostics.empty());
    EXPECT_NE(lowered.diagnostics[0].find("unsupported instruction"), std::string::npos)
        << lowered.diagnostics[0];
  }
}

// A form newer than the module's .target is rejected with the target it needs; the same form
// loads for that target.
TEST(LowerDiagnostics, FormsNewerThanTheTargetAreRejected) {
  struct Form {
    const char *instruction;
    unsigned target;
  };
  for (const Form &form :
       {Form{"cvt.rn.bf16.f32 %rs1, %f1;", 80}, Form{"add.rn.bf16 %rs1, %rs2, %rs3;", 90},
        Form{"min.NaN.f32 %f1, %f2, %f3;", 80}, Form{"min.xorsign.abs.f32 %f1, %f2, %f3;", 86},
        Form{"ld.relaxed.cluster.global.u32 %r1, [%rd1];", 90},
        Form{"redux.sync.add.u32 %r1, %r2, -1;", 80}, Form{"elect.sync %r1|%p1, -1;", 90}}) {
    SCOPED_TRACE(form.instruction);
    std::string older = kernelWith(form.instruction);
    older.replace(older.find("sm_75"), 5, "sm_" + std::to_string(form.target - 5));
    Lowered rejected = lowerText(older);
    ASSERT_FALSE(rejected.diagnostics.empty());
    EXPECT_NE(rejected.diagnostics[0].find("before sm_" + std::to_string(form.target)),
              std::string::npos)
        << rejected.diagnostics[0];
    std::string newer = kernelWith(form.instruction);
    newer.replace(newer.find("sm_75"), 5, "sm_" + std::to_string(form.target));
    Lowered accepted = lowerText(newer);
    EXPECT_TRUE(accepted.module.has_value()) << joined(accepted.diagnostics);
  }
}

// A form newer than the module's .version is rejected with the PTX ISA version it needs; the same
// form loads in a module of that version.
TEST(LowerDiagnostics, FormsNewerThanTheVersionAreRejected) {
  struct Form {
    const char *instruction;
    const char *target, *older, *needed;
  };
  for (const Form &form :
       {Form{"abs.f16 %rs1, %rs2;", "sm_75", "6.4", "6.5"},
        Form{"tanh.approx.f32 %f1, %f2;", "sm_75", "6.5", "7.0"},
        Form{"szext.clamp.s32 %r1, %r2, %r3;", "sm_75", "7.5", "7.6"},
        Form{"cvt.f32.bf16 %f1, %rs1;", "sm_80", "7.0", "7.1"},
        Form{"min.xorsign.abs.f32 %f1, %f2, %f3;", "sm_86", "7.1", "7.2"},
        Form{"max.relu.s32 %r1, %r2, %r3;", "sm_90", "7.8", "8.0"},
        Form{"cvt.rn.satfinite.f16.f32 %rs1, %f1;", "sm_90", "8.0", "8.1"},
        Form{"sured.b.min.1d.u64.trap [%rd1, {%r1}], %rd2;", "sm_75", "8.0", "8.1"},
        Form{"alloca.u64 %rd1, 16;", "sm_75", "7.2", "7.3"},
        Form{"ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%r1}, [%rd1];", "sm_75", "6.4", "6.5"},
        Form{"ld.mmio.relaxed.sys.global.u32 %r1, [%rd1];", "sm_75", "8.1", "8.2"}}) {
    SCOPED_TRACE(form.instruction);
    auto module = [&](const char *version) {
      std::string text = kernelWith(form.instruction);
      text.replace(text.find("9.0"), 3, version);
      text.replace(text.find("sm_75"), 5, form.target);
      return text;
    };
    Lowered rejected = lowerText(module(form.older));
    ASSERT_FALSE(rejected.diagnostics.empty());
    EXPECT_NE(rejected.diagnostics[0].find(std::string("before PTX ISA ") + form.needed),
              std::string::npos)
        << rejected.diagnostics[0];
    Lowered accepted = lowerText(module(form.needed));
    EXPECT_TRUE(accepted.module.has_value()) << joined(accepted.diagnostics);
  }
}

// sm_100a conversions (fp4 / fp6 / ue8m0 formats, stochastic rounding) are out of scope, and
// malformed cvt.pack, createpolicy and isspacep forms are refused, all with the instruction named.
TEST(LowerDiagnostics, OutOfScopeConversionsAndMalformedFormsAreRejected) {
  for (const char *instruction :
       {"cvt.rn.satfinite.e2m1x2.f32 %rs1, %f1, %f2;", "cvt.rn.f16x2.e2m1x2 %r1, %rs1;",
        "cvt.rn.satfinite.e2m3x2.f32 %rs1, %f1, %f2;", "cvt.rn.f16x2.e3m2x2 %r1, %rs1;",
        "cvt.rz.satfinite.ue8m0x2.f32 %rs1, %f1, %f2;", "cvt.rs.f16x2.f32 %r1, %f1, %f2, %r2;",
        "cvt.rs.satfinite.e4m3x4.f32 %r1, {%f1, %f2, %f3, %f1}, %r2;",
        "cvt.pack.u16.s32 %r1, %r2, %r3;", "cvt.pack.sat.u8.s32 %r1, %r2, %r3;",
        "cvt.pack.sat.u16.s32.b32 %r1, %r2, %r3, %r4;", "cvt.pack.sat.u32.s32 %r1, %r2, %r3;",
        "cvt.rn.sat.bf16.f32 %rs1, %f1;", "cvt.rn.f32.f16 %f1, %rs1;",
        "createpolicy.fractional.b64 %rd1, 0.5;", "createpolicy.cvt.L2::evict_last.b64 %rd1, %rd2;",
        "createpolicy.fractional.L2::evict_first.L2::evict_last.b64 %rd1, 0.5;",
        "isspacep.texture %p1, %rd1;"}) {
    SCOPED_TRACE(instruction);
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value());
    ASSERT_FALSE(lowered.diagnostics.empty());
    EXPECT_NE(lowered.diagnostics[0].find("unsupported instruction"), std::string::npos)
        << lowered.diagnostics[0];
  }
}

TEST(LowerDiagnostics, AllProblemsAreReported) {
  Lowered lowered = lowerText(kernelWith("redux.sync.max.f32 %r1, %r2, -1;\n"
                                         "bra $L_missing;\n"
                                         "add.u32 %r1, %q9, 1;"));
  EXPECT_FALSE(lowered.module.has_value());
  std::string text = joined(lowered.diagnostics);
  EXPECT_NE(text.find("unsupported instruction 'redux.sync.max.f32'"), std::string::npos) << text;
  EXPECT_NE(text.find("$L_missing"), std::string::npos) << text;
}

TEST(LowerDiagnostics, ThirtyTwoBitAddressingIsRejected) {
  Lowered lowered = lowerText(kernelWith("", ".address_size 32"));
  EXPECT_FALSE(lowered.module.has_value());
  ASSERT_FALSE(lowered.diagnostics.empty());
  EXPECT_NE(lowered.diagnostics.back().find("address_size 32"), std::string::npos);
}

TEST(LowerShapes, GuardsExitTrapAndCountedBarriers) {
  const std::string ptx = R"(.version 9.0
.target sm_75
.address_size 64
.func stop(.param .b32 code)
{
  .reg .pred %p<2>;
  .reg .b32 %r<2>;
  ld.param.b32 %r1, [code];
  setp.eq.s32 %p1, %r1, 0;
  @%p1 trap;
  exit;
}
.visible .entry k(.param .u64 p)
{
  .reg .pred %p<2>;
  .reg .b32 %r<4>;
  .reg .b64 %rd<3>;
  ld.param.u64 %rd1, [p];
  mov.u32 %r1, %tid.x;
  setp.ne.s32 %p1, %r1, 0;
  @!%p1 st.global.u32 [%rd1], %r1;
  barrier.sync.aligned 1, 64;
  bar.sync 2;
  {
    .param .b32 param0;
    st.param.b32 [param0], %r1;
    call.uni stop, (param0);
  }
  ret;
}
)";
  Lowered lowered = lowerText(ptx);
  ASSERT_TRUE(lowered.module.has_value()) << joined(lowered.diagnostics);
  llvm::Module &module = *lowered.module->module;
  llvm::Function *stop = module.getFunction("stop");
  ASSERT_NE(stop, nullptr);
  std::vector<std::string> stopCalls;
  for (const llvm::Instruction &inst : llvm::instructions(*stop))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      stopCalls.push_back(call->getCalledFunction()->getName().str());
  EXPECT_EQ(stopCalls, (std::vector<std::string>{"cuport.trap", "cuport.exit"}));
  EXPECT_TRUE(module.getFunction("cuport.trap")->doesNotReturn());
  EXPECT_TRUE(module.getFunction("cuport.exit")->doesNotReturn());

  llvm::Function *kernel = module.getFunction("k");
  std::vector<std::pair<int64_t, int64_t>> barriers;
  size_t conditionalBranches = 0, stores = 0;
  for (const llvm::Instruction &inst : llvm::instructions(*kernel)) {
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst);
        call && call->getCalledFunction()->getName() == "cuport.bar.sync")
      barriers.emplace_back(llvm::cast<llvm::ConstantInt>(call->getArgOperand(0))->getSExtValue(),
                            llvm::cast<llvm::ConstantInt>(call->getArgOperand(1))->getSExtValue());
    if (auto *branch = llvm::dyn_cast<llvm::BranchInst>(&inst))
      conditionalBranches += branch->isConditional();
    if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst))
      stores += store->getPointerAddressSpace() == 1;
  }
  EXPECT_EQ(barriers, (std::vector<std::pair<int64_t, int64_t>>{{1, 64}, {2, -1}}));
  EXPECT_EQ(conditionalBranches, 1u); // the guard
  EXPECT_EQ(stores, 1u);
}

} // namespace
} // namespace cuport::lower::test
