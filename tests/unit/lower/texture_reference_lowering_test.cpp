// Texture, sampler and surface references: module-scope .texref / .samplerref / .surfref
// variables become cuport_texture_descriptor globals whose addresses are the handles the texture
// intrinsics take; independent mode's sampler operand goes through cuport.tex.sampler; what is
// not supported is diagnosed at load (docs/kernel-ir.md).
#include "lower_test_support.h"

#include "backends/texture_descriptor.h"

#include <gtest/gtest.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

#include <cstring>
#include <utility>

namespace cuport::lower::test {
namespace {

std::vector<const llvm::CallInst *> callsTo(const llvm::Function &function, llvm::StringRef name) {
  std::vector<const llvm::CallInst *> calls;
  for (const llvm::Instruction &inst : llvm::instructions(function))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (call->getCalledFunction() && call->getCalledFunction()->getName() == name)
        calls.push_back(call);
  return calls;
}

// Whether `value` is (a constant expression over) `global`'s address.
bool addressOf(const llvm::Value *value, const llvm::GlobalVariable *global) {
  if (value == global)
    return true;
  if (auto *expression = llvm::dyn_cast<llvm::ConstantExpr>(value))
    for (const llvm::Use &operand : expression->operands())
      if (addressOf(operand.get(), global))
        return true;
  return false;
}

cuport_texture_descriptor descriptorOf(const llvm::GlobalVariable &global) {
  auto *bytes = llvm::cast<llvm::ConstantDataSequential>(global.getInitializer());
  cuport_texture_descriptor descriptor;
  EXPECT_EQ(bytes->getRawDataValues().size(), sizeof descriptor);
  std::memcpy(&descriptor, bytes->getRawDataValues().data(), sizeof descriptor);
  return descriptor;
}

constexpr const char *kUnifiedPtx = R"(
.version 8.0
.target sm_75
.address_size 64
.global .texref tex0;
.global .surfref surf0;
.visible .entry k(.param .u64 out)
{
	.reg .f32 	%f<6>;
	.reg .b32 	%r<4>;
	.reg .b64 	%rd<2>;
	.reg .pred 	%p1;
	mov.f32 	%f1, 0f3F000000;
	tex.1d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [tex0, {%f1}];
	tld4.r.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [tex0, {%f1, %f1}];
	txq.width.b32 	%r1, [tex0];
	suld.b.1d.b32.trap 	{%r2}, [surf0, {%r1}];
	sust.b.1d.b32.trap 	[surf0, {%r1}], {%r2};
	sured.b.add.1d.u32.trap 	[surf0, {%r1}], %r2;
	suq.width.b32 	%r3, [surf0];
	mov.u64 	%rd1, tex0;
	istypep.texref 	%p1, %rd1;
	ret;
}
)";

TEST(TextureReferenceLowering, ReferencesAreUnboundDescriptorGlobals) {
  Lowered lowered = lowerText(kUnifiedPtx);
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  for (auto [name, kind] :
       {std::pair{"tex0", ptx::ScalarType::TexRef}, std::pair{"surf0", ptx::ScalarType::SurfRef}}) {
    const llvm::GlobalVariable *global = lowered.module->module->getGlobalVariable(name);
    ASSERT_NE(global, nullptr) << name;
    EXPECT_EQ(global->getAlign().valueOrOne().value(), alignof(cuport_texture_descriptor));
    EXPECT_TRUE(global->getInitializer()->isNullValue()) << name << " starts unbound";
    EXPECT_FALSE(global->isConstant()) << "the program binds " << name;
    bool listed = false;
    for (const GlobalInfo &info : lowered.module->globals)
      listed |=
          info.name == name && info.size == sizeof(cuport_texture_descriptor) && info.type == kind;
    EXPECT_TRUE(listed) << name << " is found by name like other globals, with its kind";
  }
}

TEST(TextureReferenceLowering, ReferenceOperandsPassTheDescriptorsAddress) {
  Lowered lowered = lowerText(kUnifiedPtx);
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  const llvm::Module &module = *lowered.module->module;
  const llvm::Function *kernel = module.getFunction("k");
  const llvm::GlobalVariable *texture = module.getGlobalVariable("tex0");
  const llvm::GlobalVariable *surface = module.getGlobalVariable("surf0");
  for (const char *name : {"cuport.tex", "cuport.tld4"}) {
    auto calls = callsTo(*kernel, name);
    ASSERT_EQ(calls.size(), 1u) << name;
    EXPECT_TRUE(addressOf(calls[0]->getArgOperand(0), texture)) << name;
  }
  auto queries = callsTo(*kernel, "cuport.txq"); // txq, then suq
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_TRUE(addressOf(queries[0]->getArgOperand(0), texture));
  EXPECT_TRUE(addressOf(queries[1]->getArgOperand(0), surface));
  for (const char *name : {"cuport.suld", "cuport.sust", "cuport.sured"}) {
    auto calls = callsTo(*kernel, name);
    ASSERT_EQ(calls.size(), 1u) << name;
    EXPECT_TRUE(addressOf(calls[0]->getArgOperand(0), surface)) << name;
  }
  auto types = callsTo(*kernel, "cuport.istypep");
  ASSERT_EQ(types.size(), 1u);
}

constexpr const char *kIndependentPtx = R"(
.version 8.0
.target sm_75, texmode_independent
.address_size 64
.global .texref tex0;
.global .samplerref smp0 = { addr_mode_1 = clamp_to_border, filter_mode = linear,
                             addr_mode_0 = 1, force_unnormalized_coords = 1 };
.global .samplerref smp1;
.global .samplerref smp2 = { addr_mode_0 = clamp_ogl, addr_mode_2 = 2 };
.visible .entry k(.param .u64 out)
{
	.reg .f32 	%f<6>;
	.reg .b32 	%r<3>;
	mov.f32 	%f1, 0f3F000000;
	tex.2d.v4.f32.f32 	{%f2, %f3, %f4, %f5}, [tex0, smp0, {%f1, %f1}];
	txq.addr_mode_0.b32 	%r1, [smp0];
	txq.force_unnormalized_coords.b32 	%r2, [smp0];
	ret;
}
)";

TEST(TextureReferenceLowering, SamplersHoldTheirInitializersState) {
  Lowered lowered = lowerText(kIndependentPtx);
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  const llvm::Module &module = *lowered.module->module;
  cuport_texture_descriptor sampler = descriptorOf(*module.getGlobalVariable("smp0"));
  EXPECT_EQ(sampler.magic, CUPORT_SAMPLER_MAGIC);
  EXPECT_EQ(sampler.linear_filter, 1u);
  EXPECT_EQ(sampler.address_mode[0], uint32_t{CUPORT_ADDRESS_MIRROR});
  EXPECT_EQ(sampler.address_mode[1], uint32_t{CUPORT_ADDRESS_BORDER});
  EXPECT_EQ(sampler.address_mode[2], uint32_t{CUPORT_ADDRESS_WRAP});
  EXPECT_EQ(sampler.normalized_coords, 0u) << "forced unnormalized";
  cuport_texture_descriptor defaults = descriptorOf(*module.getGlobalVariable("smp1"));
  EXPECT_EQ(defaults.magic, CUPORT_SAMPLER_MAGIC);
  EXPECT_EQ(defaults.linear_filter, 0u);
  EXPECT_EQ(defaults.address_mode[0], uint32_t{CUPORT_ADDRESS_WRAP});
  EXPECT_EQ(defaults.normalized_coords, 1u) << "the texture's setting applies";
  // clamp_ogl, by word or by its position 2 in the ISA's enumeration.
  cuport_texture_descriptor ogl = descriptorOf(*module.getGlobalVariable("smp2"));
  EXPECT_EQ(ogl.address_mode[0], uint32_t{CUPORT_ADDRESS_CLAMP_OGL});
  EXPECT_EQ(ogl.address_mode[1], uint32_t{CUPORT_ADDRESS_WRAP});
  EXPECT_EQ(ogl.address_mode[2], uint32_t{CUPORT_ADDRESS_CLAMP_OGL});
}

TEST(TextureReferenceLowering, IndependentModeCombinesTextureAndSampler) {
  Lowered lowered = lowerText(kIndependentPtx);
  ASSERT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  const llvm::Module &module = *lowered.module->module;
  const llvm::Function *kernel = module.getFunction("k");
  auto bind = callsTo(*kernel, "cuport.tex.sampler");
  ASSERT_EQ(bind.size(), 1u);
  EXPECT_TRUE(addressOf(bind[0]->getArgOperand(0), module.getGlobalVariable("tex0")));
  EXPECT_TRUE(addressOf(bind[0]->getArgOperand(1), module.getGlobalVariable("smp0")));
  auto tex = callsTo(*kernel, "cuport.tex");
  ASSERT_EQ(tex.size(), 1u);
  EXPECT_EQ(tex[0]->getArgOperand(0), bind[0]) << "tex samples through the combined descriptor";
  auto queries = callsTo(*kernel, "cuport.txq");
  ASSERT_EQ(queries.size(), 2u);
  for (const llvm::CallInst *query : queries)
    EXPECT_TRUE(addressOf(query->getArgOperand(0), module.getGlobalVariable("smp0")));
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(queries[1]->getArgOperand(1))->getZExtValue(), 12u);
}

// Forms outside what is supported or what the ISA allows fail to load with a diagnostic naming
// the reason.
TEST(TextureReferenceLowering, UnsupportedFormsAreDiagnosed) {
  struct Case {
    const char *target;
    const char *declarations;
    const char *statement;
    const char *message;
  };
  const Case kCases[] = {
      {"sm_75", ".global .samplerref s;", "ret;", "texmode_independent"},
      {"sm_75", ".global .texref t = { filter_mode = linear };", "ret;", "initializers"},
      {"sm_75, texmode_independent", ".global .samplerref s = { addr_mode_0 = clamp };", "ret;",
       "unsupported value 'clamp'"},
      {"sm_75, texmode_independent", ".global .samplerref s = { addr_mode_1 = 5 };", "ret;",
       "unsupported value '5'"},
      {"sm_75, texmode_independent", ".global .samplerref s = { width = 4 };", "ret;",
       "not a field"},
      {"sm_75, texmode_independent",
       ".global .samplerref s = { filter_mode = 1, filter_mode = 0 };", "ret;", "twice"},
      {"sm_75", ".global .texref t; .global .texref u;",
       "tex.1d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [t, u, {%f1}];", "texmode_independent"},
      {"sm_75, texmode_independent", ".global .texref t;",
       "tex.1d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [t, {%f1}];", "sampler"},
      {"sm_75, texmode_independent", ".global .texref t; .global .samplerref s;",
       "tex.1d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [s, t, {%f1}];", "is not a .texref"},
      {"sm_75", ".global .surfref s;", "tex.1d.v4.f32.f32 {%f1, %f2, %f3, %f4}, [s, {%f1}];",
       "is not a .texref"},
      {"sm_75", ".global .texref t;", "suq.width.b32 %r1, [t];", "is not a .surfref"},
      {"sm_75, texmode_independent", ".global .texref t;", "txq.filter_mode.b32 %r1, [t];",
       "is not a .samplerref"},
      {"sm_75", ".global .texref t;", "txq.force_unnormalized_coords.b32 %r1, [t];", "txq"},
      {"sm_75", ".global .u64 g;", "txq.width.b32 %r1, [g];", "is not a .texref"},
  };
  for (const Case &c : kCases) {
    std::string ptx = std::string(".version 8.0\n.target ") + c.target + "\n.address_size 64\n" +
                      c.declarations +
                      "\n.visible .entry k()\n{\n.reg .f32 %f<6>;\n.reg .b32 %r<4>;\n" +
                      c.statement + "\nret;\n}\n";
    Lowered lowered = lowerText(ptx);
    EXPECT_FALSE(lowered.module.has_value()) << ptx;
    ASSERT_FALSE(lowered.diagnostics.empty()) << ptx;
    EXPECT_NE(lowered.diagnostics[0].find(c.message), std::string::npos)
        << lowered.diagnostics[0] << "\n"
        << ptx;
  }
}

} // namespace
} // namespace cuport::lower::test
