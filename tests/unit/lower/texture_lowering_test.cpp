// tex, tld4, suld, sust, sured and txq through object handles become cuport.tex / cuport.tld4 /
// cuport.suld / cuport.sust / cuport.sured / cuport.txq calls with the operation codes of
// backends/texture_descriptor.h (docs/kernel-ir.md).
#include "lower_test_support.h"

#include "backends/texture_descriptor.h"

#include <gtest/gtest.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

namespace cuport::lower::test {
namespace {

// What nvcc -arch=sm_75 -O2 emits for tex2D, tex1Dfetch, tex2Dgather, surf2Dwrite and surf1Dread
// (with cudaBoundaryModeZero) on object handles, plus a txq written by hand.
constexpr const char *kTexturePtx = R"(
.version 9.0
.target sm_75
.address_size 64
.visible .entry k(
	.param .u64 k_param_0,
	.param .u64 k_param_1,
	.param .u64 k_param_2
)
{
	.reg .f32 	%f<16>;
	.reg .b32 	%r<8>;
	.reg .b64 	%rd<5>;
	ld.param.u64 	%rd1, [k_param_0];
	ld.param.u64 	%rd2, [k_param_1];
	ld.param.u64 	%rd3, [k_param_2];
	cvta.to.global.u64 	%rd4, %rd3;
	ld.global.f32 	%f1, [%rd4+4];
	ld.global.f32 	%f2, [%rd4+8];
	tex.2d.v4.f32.f32 	{%f3, %f4, %f5, %f6}, [%rd1, {%f1, %f2}];
	st.global.f32 	[%rd4], %f3;
	mov.u32 	%r1, 5;
	tex.1d.v4.f32.s32 	{%f7, %f8, %f9, %f10}, [%rd1, {%r1}];
	st.global.f32 	[%rd4+12], %f7;
	mov.f32 	%f11, 0f3F000000;
	tld4.g.2d.v4.f32.f32 	{%f12, %f13, %f14, %f15}, [%rd1, {%f11, %f11}];
	st.global.f32 	[%rd4+16], %f13;
	ld.global.u32 	%r2, [%rd4+20];
	mov.u32 	%r3, 3;
	mov.u32 	%r4, 8;
	sust.b.2d.b32.trap 	[%rd2, {%r4, %r3}], {%r2};
	mov.u32 	%r5, 4;
	suld.b.1d.b32.zero {%r6}, [%rd2, {%r5}];
	st.global.u32 	[%rd4+24], %r6;
	txq.width.b32 	%r7, [%rd1];
	st.global.u32 	[%rd4+28], %r7;
	ret;
}
)";

std::vector<const llvm::CallInst *> callsTo(const llvm::Function &function, llvm::StringRef name) {
  std::vector<const llvm::CallInst *> calls;
  for (const llvm::Instruction &inst : llvm::instructions(function))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (call->getCalledFunction() && call->getCalledFunction()->getName() == name)
        calls.push_back(call);
  return calls;
}

uint64_t opOf(const llvm::CallInst *call) {
  return llvm::cast<llvm::ConstantInt>(call->getArgOperand(1))->getZExtValue();
}

TEST(TextureLowering, ObjectInstructionsBecomeIntrinsicCalls) {
  Lowered lowered = lowerText(kTexturePtx);
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  const llvm::Function *kernel = lowered.module->module->getFunction("k");
  ASSERT_NE(kernel, nullptr);

  auto tex = callsTo(*kernel, "cuport.tex");
  ASSERT_EQ(tex.size(), 2u);
  EXPECT_EQ(opOf(tex[0]), uint64_t{CUPORT_SHAPE_2D});
  EXPECT_EQ(opOf(tex[1]), uint64_t{CUPORT_SHAPE_1D | CUPORT_TEX_COORDS_INT});

  auto gather = callsTo(*kernel, "cuport.tld4");
  ASSERT_EQ(gather.size(), 1u);
  EXPECT_EQ(opOf(gather[0]), uint64_t{CUPORT_SHAPE_2D | 1u << CUPORT_TEX_GATHER_SHIFT});

  auto store = callsTo(*kernel, "cuport.sust");
  ASSERT_EQ(store.size(), 1u);
  EXPECT_EQ(opOf(store[0]), uint64_t{CUPORT_SHAPE_2D | CUPORT_SURFACE_TRAP << 4 | 4u << 8});
  auto load = callsTo(*kernel, "cuport.suld");
  ASSERT_EQ(load.size(), 1u);
  EXPECT_EQ(opOf(load[0]), uint64_t{CUPORT_SHAPE_1D | CUPORT_SURFACE_ZERO << 4 | 4u << 8});

  auto query = callsTo(*kernel, "cuport.txq");
  ASSERT_EQ(query.size(), 1u);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(query[0]->getArgOperand(1))->getZExtValue(), 0u);
}

TEST(TextureLowering, WrongCoordinateCountIsDiagnosed) {
  Lowered lowered = lowerText(R"(
.version 9.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 t)
{
	.reg .f32 	%f<6>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [t];
	mov.f32 	%f1, 0f3F000000;
	tex.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1}];
	ret;
}
)");
  EXPECT_FALSE(lowered.module.has_value());
  ASSERT_FALSE(lowered.diagnostics.empty());
  EXPECT_NE(lowered.diagnostics[0].find("coordinates"), std::string::npos)
      << lowered.diagnostics[0];
}

TEST(TextureLowering, SurfaceReductionsCarryTheReductionAndSignedness) {
  Lowered lowered = lowerText(R"(
.version 9.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 s)
{
	.reg .b32 	%r<4>;
	.reg .b64 	%rd<3>;
	ld.param.u64 	%rd1, [s];
	mov.u32 	%r1, 4;
	mov.u32 	%r2, 1;
	mov.u32 	%r3, 7;
	mov.u64 	%rd2, 9;
	sured.b.add.1d.u32.trap 	[%rd1, {%r1}], %r3;
	sured.b.min.2d.s64.zero 	[%rd1, {%r1, %r2}], %rd2;
	sured.b.or.1d.b32.clamp 	[%rd1, {%r1}], %r3;
	ret;
}
)");
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  auto reductions = callsTo(*lowered.module->module->getFunction("k"), "cuport.sured");
  ASSERT_EQ(reductions.size(), 3u);
  EXPECT_EQ(opOf(reductions[0]), uint64_t{CUPORT_SHAPE_1D | CUPORT_SURFACE_TRAP << 4 | 4u << 8 |
                                          CUPORT_SURED_ADD << CUPORT_SURED_SHIFT});
  EXPECT_EQ(opOf(reductions[1]),
            uint64_t{CUPORT_SHAPE_2D | CUPORT_SURFACE_ZERO << 4 | 8u << 8 |
                     CUPORT_SURED_MIN << CUPORT_SURED_SHIFT | CUPORT_SURED_SIGNED});
  EXPECT_EQ(opOf(reductions[2]), uint64_t{CUPORT_SHAPE_1D | CUPORT_SURFACE_CLAMP << 4 | 4u << 8 |
                                          CUPORT_SURED_OR << CUPORT_SURED_SHIFT});
}

// Pairs the PTX ISA does not list (and on .u32, add on .s64; sured.p add on .b64, sured.p on .u32)
// and array shapes are refused at load, naming the instruction.
TEST(TextureLowering, SurfaceReductionsOutsideTheIsaTableAreRefused) {
  for (const char *instruction : {"sured.b.and.1d.u32.trap [%rd1, {%r1}], %r1;",
                                  "sured.b.add.1d.s64.trap [%rd1, {%r1}], %rd1;",
                                  "sured.p.add.1d.b64.trap [%rd1, {%r1}], %rd1;",
                                  "sured.p.min.1d.u32.trap [%rd1, {%r1}], %r1;",
                                  "sured.b.add.a1d.u32.trap [%rd1, {%r1, %r1}], %r1;"}) {
    Lowered lowered = lowerText(std::string(R"(
.version 9.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 s)
{
	.reg .b32 	%r<2>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [s];
	mov.u32 	%r1, 0;
	)") + instruction + R"(
	ret;
}
)");
    EXPECT_FALSE(lowered.module.has_value()) << instruction;
    ASSERT_FALSE(lowered.diagnostics.empty()) << instruction;
    EXPECT_NE(lowered.diagnostics[0].find("sured"), std::string::npos) << lowered.diagnostics[0];
  }
}

// PTX vectors cannot exceed 128 bits: suld.b / sust.b .v4.b64 (32 bytes) is refused at load,
// while .v2.b64 and .v4.b32 (16 bytes) lower.
TEST(TextureLowering, SurfaceVectorsWiderThan128BitsAreRefused) {
  auto lowerAccess = [](const std::string &instruction) {
    return lowerText(R"(
.version 8.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 s)
{
	.reg .b32 	%r<6>;
	.reg .b64 	%rd<6>;
	ld.param.u64 	%rd1, [s];
	mov.u32 	%r1, 0;
	)" + instruction +
                     R"(
	ret;
}
)");
  };
  for (const char *instruction :
       {"suld.b.1d.v4.b64.trap {%rd2, %rd3, %rd4, %rd5}, [%rd1, {%r1}];",
        "sust.b.2d.v4.b64.clamp [%rd1, {%r1, %r1}], {%rd2, %rd3, %rd4, %rd5};"}) {
    Lowered lowered = lowerAccess(instruction);
    EXPECT_FALSE(lowered.module.has_value()) << instruction;
    ASSERT_FALSE(lowered.diagnostics.empty()) << instruction;
    EXPECT_NE(lowered.diagnostics[0].find(std::string(instruction).substr(0, 4)), std::string::npos)
        << lowered.diagnostics[0];
  }
  for (const char *instruction : {"suld.b.1d.v2.b64.trap {%rd2, %rd3}, [%rd1, {%r1}];",
                                  "sust.b.1d.v4.b32.trap [%rd1, {%r1}], {%r1, %r2, %r3, %r4};"})
    EXPECT_TRUE(lowerAccess(instruction).module.has_value()) << instruction;
}

// tld4 and the cube shapes take .f32 coordinates only; tld4 has no half results; .v4.f16x2 is
// not a form.
TEST(TextureLowering, CoordinateAndResultTypesOutsideTheIsaAreRefused) {
  for (const char *instruction :
       {"tld4.r.2d.v4.f32.s32 {%f1, %f1, %f1, %f1}, [%rd1, {%r1, %r1}];",
        "tex.cube.v4.f32.s32 {%f1, %f1, %f1, %f1}, [%rd1, {%r1, %r1, %r1, %r1}];",
        "tld4.g.2d.v4.f16.f32 {%h1, %h1, %h1, %h1}, [%rd1, {%f1, %f1}];",
        "tex.2d.v4.f16x2.f32 {%r1, %r1, %r1, %r1}, [%rd1, {%f1, %f1}];"}) {
    Lowered lowered = lowerText(std::string(R"(
.version 8.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 t)
{
	.reg .b32 	%r<2>;
	.reg .f32 	%f<2>;
	.reg .b16 	%h<2>;
	.reg .b64 	%rd<2>;
	ld.param.u64 	%rd1, [t];
	mov.u32 	%r1, 0;
	mov.f32 	%f1, 0f00000000;
	)") + instruction + R"(
	ret;
}
)");
    EXPECT_FALSE(lowered.module.has_value()) << instruction;
    ASSERT_FALSE(lowered.diagnostics.empty()) << instruction;
    EXPECT_NE(lowered.diagnostics[0].find(std::string(instruction).substr(0, 4)), std::string::npos)
        << lowered.diagnostics[0];
  }
}

// sust.p and sured.p carry CUPORT_SURFACE_FORMATTED; sust.p's access size counts its 32-bit values.
TEST(TextureLowering, FormattedSurfaceAccessesAreMarked) {
  Lowered lowered = lowerText(R"(
.version 8.1
.target sm_75
.address_size 64
.visible .entry k(.param .u64 s)
{
	.reg .b32 	%r<5>;
	.reg .b64 	%rd<3>;
	ld.param.u64 	%rd1, [s];
	mov.u32 	%r1, 4;
	mov.u64 	%rd2, 9;
	sust.p.2d.v2.b32.clamp 	[%rd1, {%r1, %r1}], {%r1, %r1};
	sured.p.max.1d.b64.zero 	[%rd1, {%r1}], %rd2;
	ret;
}
)");
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  llvm::Function *kernel = lowered.module->module->getFunction("k");
  auto stores = callsTo(*kernel, "cuport.sust");
  ASSERT_EQ(stores.size(), 1u);
  EXPECT_EQ(opOf(stores[0]), uint64_t{CUPORT_SHAPE_2D | CUPORT_SURFACE_CLAMP << 4 | 8u << 8 |
                                      CUPORT_SURFACE_FORMATTED});
  auto reductions = callsTo(*kernel, "cuport.sured");
  ASSERT_EQ(reductions.size(), 1u);
  EXPECT_EQ(opOf(reductions[0]),
            uint64_t{CUPORT_SHAPE_1D | CUPORT_SURFACE_ZERO << 4 | 8u << 8 |
                     CUPORT_SURED_MAX << CUPORT_SURED_SHIFT | CUPORT_SURFACE_FORMATTED});
}

// A kernel around `body`, with registers of every kind the texture forms use.
std::string textureKernel(const std::string &body) {
  return R"(
.version 8.0
.target sm_75
.address_size 64
.visible .entry k(.param .u64 t)
{
	.reg .b32 	%r<12>;
	.reg .f32 	%f<12>;
	.reg .b16 	%h<4>;
	.reg .b64 	%rd<2>;
	.reg .pred 	%p<2>;
	ld.param.u64 	%rd1, [t];
	mov.u32 	%r1, 0;
	mov.f32 	%f1, 0f00000000;
	)" +
         body + R"(
	ret;
}
)";
}

// The i32 stored into word `word` of the coordinate slot of `call`, or null.
const llvm::Value *storedWord(const llvm::CallInst *call, unsigned word) {
  const llvm::Value *slot = call->getArgOperand(2);
  for (const llvm::User *user : slot->users())
    if (auto *element = llvm::dyn_cast<llvm::GetElementPtrInst>(user))
      if (element->getNumIndices() == 2 &&
          llvm::cast<llvm::ConstantInt>(element->getOperand(2))->getZExtValue() == word)
        for (const llvm::User *elementUser : element->users())
          if (auto *store = llvm::dyn_cast<llvm::StoreInst>(elementUser))
            return store->getValueOperand();
  return nullptr;
}

// Offsets (registers or immediates) go to words 4..6 and the depth reference to word 7, flagged
// in the operation code; `d|p` asks for the residency word and writes the predicate from it.
TEST(TextureLowering, OptionalOperandsAreFlaggedAndStoredAfterTheCoordinates) {
  Lowered lowered = lowerText(textureKernel(R"(
	mov.u32 	%r2, 3;
	tex.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1, %f1}], {%r2, -8};
	tex.a1d.v4.s32.f32 	{%r4, %r5, %r6, %r7}|%p1, [%rd1, {%r1, %f1}], {%r2}, %f1;
	tld4.a.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}|%p1, [%rd1, {%f1, %f1}], {7, %r2};
	tex.2dms.v4.u32.s32 	{%r4, %r5, %r6, %r7}, [%rd1, {%r1, %r1, %r1, %r1}];
	tex.a2dms.v2.f16x2.s32 	{%r4, %r5}|%p1, [%rd1, {%r1, %r1, %r1, %r1}], {%r1, %r2};
	tex.1d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%f1}], %f1;
	tex.3d.v4.f32.s32 	{%f2, %f3, %f4, %f5}, [%rd1, {%r1, %r1, %r1, %r1}], {%r1, %r1, %r2, %r1};)"));
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  const llvm::Function *kernel = lowered.module->module->getFunction("k");
  auto tex = callsTo(*kernel, "cuport.tex");
  ASSERT_EQ(tex.size(), 6u);
  EXPECT_EQ(opOf(tex[0]), uint64_t{CUPORT_SHAPE_2D | CUPORT_TEX_OFFSET});
  auto *immediate = llvm::dyn_cast_or_null<llvm::ConstantInt>(storedWord(tex[0], 5));
  ASSERT_NE(immediate, nullptr);
  EXPECT_EQ(immediate->getSExtValue(), -8);
  EXPECT_NE(storedWord(tex[0], 4), nullptr);
  EXPECT_EQ(opOf(tex[1]), uint64_t{CUPORT_SHAPE_A1D | CUPORT_TEX_RESULT_INT | CUPORT_TEX_OFFSET |
                                   CUPORT_TEX_DEPTH_COMPARE | CUPORT_TEX_RESIDENCY});
  EXPECT_NE(storedWord(tex[1], 7), nullptr);
  EXPECT_EQ(opOf(tex[2]),
            uint64_t{CUPORT_SHAPE_2DMS | CUPORT_TEX_COORDS_INT | CUPORT_TEX_RESULT_INT});
  EXPECT_EQ(opOf(tex[3]), uint64_t{CUPORT_SHAPE_A2DMS | CUPORT_TEX_COORDS_INT | CUPORT_TEX_OFFSET |
                                   CUPORT_TEX_RESIDENCY});
  EXPECT_EQ(opOf(tex[4]), uint64_t{CUPORT_SHAPE_1D | CUPORT_TEX_DEPTH_COMPARE});
  EXPECT_EQ(opOf(tex[5]), uint64_t{CUPORT_SHAPE_3D | CUPORT_TEX_COORDS_INT | CUPORT_TEX_OFFSET});
  // The slot of a fetch with a residency predicate has the fifth word.
  auto *result = llvm::cast<llvm::AllocaInst>(tex[1]->getArgOperand(3));
  EXPECT_EQ(llvm::cast<llvm::ArrayType>(result->getAllocatedType())->getNumElements(), 5u);
  auto gather = callsTo(*kernel, "cuport.tld4");
  ASSERT_EQ(gather.size(), 1u);
  EXPECT_EQ(opOf(gather[0]), uint64_t{CUPORT_SHAPE_2D | 3u << CUPORT_TEX_GATHER_SHIFT |
                                      CUPORT_TEX_OFFSET | CUPORT_TEX_RESIDENCY});
  auto *seven = llvm::dyn_cast_or_null<llvm::ConstantInt>(storedWord(gather[0], 4));
  ASSERT_NE(seven, nullptr);
  EXPECT_EQ(seven->getSExtValue(), 7);
}

// After .level's lod and .grad's gradients come the same optional operands.
TEST(TextureLowering, OptionalOperandsFollowTheLevelOperands) {
  Lowered lowered = lowerText(textureKernel(R"(
	tex.level.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}|%p1, [%rd1, {%f1, %f1}], %f1, {%r1, %r1}, %f1;
	tex.grad.a2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [%rd1, {%r1, %f1, %f1, %f1}], {%f1, %f1},
	    {%f1, %f1}, {%r1, %r1};)"));
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  auto tex = callsTo(*lowered.module->module->getFunction("k"), "cuport.tex");
  ASSERT_EQ(tex.size(), 2u);
  constexpr uint64_t kOptional =
      CUPORT_TEX_OFFSET | CUPORT_TEX_DEPTH_COMPARE | CUPORT_TEX_RESIDENCY;
  EXPECT_EQ(opOf(tex[0]) & (CUPORT_SHAPE_MASK | kOptional), CUPORT_SHAPE_2D | kOptional);
  EXPECT_EQ(opOf(tex[1]) & (CUPORT_SHAPE_MASK | kOptional), CUPORT_SHAPE_A2D | CUPORT_TEX_OFFSET);
}

// Forms ptxas refuses: offsets on cubemaps, a depth comparison on 3d or multisample geometries or
// with .s32 coordinates, multisample fetches with .f32 coordinates, tld4 on a multisample
// geometry, offset vectors of the wrong length, two offset vectors.
TEST(TextureLowering, OptionalOperandsOutsideTheIsaAreRefused) {
  for (const char *instruction :
       {"tex.cube.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%f1, %f1, %f1, %f1}], {%r1, %r1};",
        "tld4.r.acube.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%r1, %f1, %f1, %f1}], {%r1, %r1};",
        "tex.3d.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%f1, %f1, %f1, %f1}], %f1;",
        "tex.2dms.v4.f32.s32 {%f1, %f1, %f1, %f1}, [%rd1, {%r1, %r1, %r1, %r1}], %f1;",
        "tex.2d.v4.f32.s32 {%f1, %f1, %f1, %f1}, [%rd1, {%r1, %r1}], %f1;",
        "tex.2dms.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%f1, %f1, %f1, %f1}];",
        "tld4.r.2dms.v4.f32.s32 {%f1, %f1, %f1, %f1}, [%rd1, {%r1, %r1, %r1, %r1}];",
        "tex.2d.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%f1, %f1}], {%r1};",
        "tex.3d.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%f1, %f1, %f1, %f1}], {%r1, %r1, %r1};",
        "tex.2d.v4.f32.f32 {%f1, %f1, %f1, %f1}, [%rd1, {%f1, %f1}], {%r1, %r1}, {%r1, %r1};",
        "suld.b.2dms.b32.trap {%r1}, [%rd1, {%r1, %r1, %r1, %r1}];"}) {
    Lowered lowered = lowerText(textureKernel(instruction));
    EXPECT_FALSE(lowered.module.has_value()) << instruction;
    ASSERT_FALSE(lowered.diagnostics.empty()) << instruction;
    std::string opcode(instruction, std::string_view(instruction).find('.'));
    EXPECT_TRUE(lowered.diagnostics[0].find(opcode) != std::string::npos ||
                lowered.diagnostics[0].find("offsets") != std::string::npos)
        << lowered.diagnostics[0];
  }
}

// txq / suq .channel_data_type and .channel_order are queries 13 and 14 (12 is a sampler's
// force_unnormalized_coords).
TEST(TextureLowering, ChannelQueriesAreNumbered) {
  Lowered lowered = lowerText(textureKernel(R"(
	txq.channel_data_type.b32 	%r2, [%rd1];
	txq.channel_order.b32 	%r3, [%rd1];
	suq.channel_data_type.b32 	%r4, [%rd1];
	suq.channel_order.b32 	%r5, [%rd1];)"));
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  auto queries = callsTo(*lowered.module->module->getFunction("k"), "cuport.txq");
  ASSERT_EQ(queries.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(llvm::cast<llvm::ConstantInt>(queries[i]->getArgOperand(1))->getZExtValue(),
              13u + i % 2);
}

} // namespace
} // namespace cuport::lower::test
