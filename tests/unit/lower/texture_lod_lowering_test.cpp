// tex.base / .level / .grad and txq.level: the level-of-detail operands travel after the
// coordinates in cuport.tex's slot with CUPORT_TEX_LOD_LEVEL / CUPORT_TEX_LOD_GRAD in the op, and
// txq.level becomes cuport.txq.level (docs/kernel-ir.md); forms ptxas refuses are refused.
#include "lower_test_support.h"

#include "backends/texture_descriptor.h"

#include <gtest/gtest.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

namespace cuport::lower::test {
namespace {

std::string kernelWith(const std::string &body) {
  return std::string(R"(
.version 8.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 t)
{
	.reg .b32 	%r<8>;
	.reg .f32 	%f<16>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [t];
	mov.u32 	%r1, 1;
	mov.f32 	%f1, 0f3F000000;
	)") +
         body + R"(
	ret;
}
)";
}

std::vector<const llvm::CallInst *> callsTo(const llvm::Module &module, llvm::StringRef name) {
  std::vector<const llvm::CallInst *> calls;
  for (const llvm::Instruction &inst : llvm::instructions(*module.getFunction("k")))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (call->getCalledFunction() && call->getCalledFunction()->getName() == name)
        calls.push_back(call);
  return calls;
}

uint64_t opOf(const llvm::CallInst *call) {
  return llvm::cast<llvm::ConstantInt>(call->getArgOperand(1))->getZExtValue();
}

uint64_t slotWords(const llvm::CallInst *call) {
  auto *slot = llvm::cast<llvm::AllocaInst>(call->getArgOperand(2));
  return llvm::cast<llvm::ArrayType>(slot->getAllocatedType())->getNumElements();
}

TEST(TextureLodLowering, LevelGradAndBaseCarryTheirOperands) {
  Lowered lowered = lowerText(kernelWith(R"(
	tex.level.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1}], %f1;
	tex.level.a1d.v4.f32.s32 	{%f2, %f3, %f4, %f5}, [%rd1, {%r1, %r1}], %r1;
	tex.grad.3d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1, %f1, %f1}], {%f1, %f1, %f1, %f1}, {%f1, %f1, %f1, %f1};
	tex.grad.1d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1}], {%f1}, {%f1};
	tex.base.cube.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1, %f1, %f1}];
	txq.level.height.b32 	%r2, [%rd1], %r1;
	txq.level.depth.b32 	%r3, [%rd1], 2;
)"));
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  const llvm::Module &module = *lowered.module->module;
  auto tex = callsTo(module, "cuport.tex");
  ASSERT_EQ(tex.size(), 5u);
  EXPECT_EQ(opOf(tex[0]), uint64_t{CUPORT_SHAPE_2D | CUPORT_TEX_LOD_LEVEL});
  EXPECT_EQ(slotWords(tex[0]), 9u); // the level after the optional operands' words 4..7
  EXPECT_EQ(opOf(tex[1]),
            uint64_t{CUPORT_SHAPE_A1D | CUPORT_TEX_COORDS_INT | CUPORT_TEX_LOD_LEVEL});
  EXPECT_EQ(opOf(tex[2]), uint64_t{CUPORT_SHAPE_3D | CUPORT_TEX_LOD_GRAD});
  EXPECT_EQ(slotWords(tex[2]), 16u);
  EXPECT_EQ(opOf(tex[3]), uint64_t{CUPORT_SHAPE_1D | CUPORT_TEX_LOD_GRAD});
  EXPECT_EQ(opOf(tex[4]), uint64_t{CUPORT_SHAPE_CUBE});
  EXPECT_EQ(slotWords(tex[4]), 4u);
  auto query = callsTo(module, "cuport.txq.level");
  ASSERT_EQ(query.size(), 2u);
  EXPECT_EQ(opOf(query[0]), 1u);
  EXPECT_EQ(opOf(query[1]), 2u);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(query[1]->getArgOperand(2))->getZExtValue(), 2u);
}

TEST(TextureLodLowering, FormsOutsideTheIsaAreRefused) {
  for (const char *instruction : {
           // Gradient vectors must match the geometry (ptxas: "Operand vector size doesn't
           // match geometry") and be vectors.
           "tex.grad.2d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1}], {%f1, %f1, %f1, "
           "%f1}, {%f1, %f1, %f1, %f1};",
           "tex.grad.1d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd1, {%f1}], %f1, %f1;",
           // txq.level queries only width, height and depth.
           "txq.level.num_mipmap_levels.b32 %r2, [%rd1], %r1;",
           "txq.level.array_size.b32 %r2, [%rd1], %r1;",
           // One level-of-detail form at a time; tld4 has none.
           "tex.base.level.2d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1}], %f1;",
           "tld4.r.level.2d.v4.f32.f32 {%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1}], %f1;",
       }) {
    Lowered lowered = lowerText(kernelWith(instruction));
    EXPECT_FALSE(lowered.module.has_value()) << instruction;
    EXPECT_FALSE(lowered.diagnostics.empty()) << instruction;
  }
}

} // namespace
} // namespace cuport::lower::test
