// Lowers nvcc-generated PTX (inputs/kernels.cu -> kernels.ptx) and checks the shape of the IR
// against docs/kernel-ir.md.
#include "lower_test_support.h"

#include <gtest/gtest.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>

namespace cuport::lower::test {
namespace {

class KernelsPtx : public ::testing::Test {
protected:
  void SetUp() override {
    lowered_ = lowerText(readInput("kernels.ptx"));
    ASSERT_TRUE(lowered_.module.has_value()) << ::testing::PrintToString(lowered_.diagnostics);
    module_ = lowered_.module->module.get();
  }

  std::vector<const llvm::CallInst *> callsTo(const llvm::Function &function,
                                              llvm::StringRef callee) {
    std::vector<const llvm::CallInst *> calls;
    for (const llvm::Instruction &inst : llvm::instructions(function))
      if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
        if (call->getCalledFunction() && call->getCalledFunction()->getName() == callee)
          calls.push_back(call);
    return calls;
  }

  template <typename T> size_t count(const llvm::Function &function) {
    size_t n = 0;
    for (const llvm::Instruction &inst : llvm::instructions(function))
      n += llvm::isa<T>(inst);
    return n;
  }

  Lowered lowered_;
  llvm::Module *module_ = nullptr;
};

TEST_F(KernelsPtx, VerifiesAndHasNoDiagnostics) {
  EXPECT_TRUE(lowered_.diagnostics.empty()) << ::testing::PrintToString(lowered_.diagnostics);
  EXPECT_FALSE(llvm::verifyModule(*module_, &llvm::errs()));
}

TEST_F(KernelsPtx, KernelsTakeTheParameterBufferAndAreMarked) {
  for (const char *name :
       {"_Z5saxpyifPKfPf", "_Z11callHelpersPiPf4Pairi", "_Z12reduceSharedPKfPf",
        "_Z13dynamicSharedPi", "_Z7atomicsPiPjPfS_S_PKi", "_Z10localArrayPKiPi", "_Z7printeri"}) {
    SCOPED_TRACE(name);
    llvm::Function *kernel = module_->getFunction(name);
    ASSERT_NE(kernel, nullptr);
    EXPECT_TRUE(kernel->hasFnAttribute("cuport-kernel"));
    EXPECT_TRUE(kernel->getReturnType()->isVoidTy());
    ASSERT_EQ(kernel->arg_size(), 1u);
    EXPECT_TRUE(kernel->getArg(0)->getType()->isPointerTy());
    EXPECT_EQ(kernel->getArg(0)->getType()->getPointerAddressSpace(), 0u);
    EXPECT_FALSE(kernel->isDeclaration());
  }
}

TEST_F(KernelsPtx, DeviceFunctionsHaveRealParameters) {
  llvm::Function *combine = module_->getFunction("_Z7combineii");
  ASSERT_NE(combine, nullptr);
  EXPECT_FALSE(combine->hasFnAttribute("cuport-kernel"));
  EXPECT_TRUE(combine->getReturnType()->isIntegerTy(32));
  ASSERT_EQ(combine->arg_size(), 2u);
  EXPECT_TRUE(combine->getArg(0)->getType()->isIntegerTy(32));
  EXPECT_TRUE(combine->getArg(1)->getType()->isIntegerTy(32));

  // The struct travels as a byte array .param: a pointer to the caller's copy.
  // nvcc declares the float result and argument as .b32, so they are i32 in the IR.
  llvm::Function *scale = module_->getFunction("_Z9scalePair4Pairf");
  ASSERT_NE(scale, nullptr);
  EXPECT_TRUE(scale->getReturnType()->isIntegerTy(32));
  ASSERT_EQ(scale->arg_size(), 2u);
  EXPECT_TRUE(scale->getArg(0)->getType()->isPointerTy());
  EXPECT_TRUE(scale->getArg(1)->getType()->isIntegerTy(32));

  llvm::Function *caller = module_->getFunction("_Z11callHelpersPiPf4Pairi");
  EXPECT_EQ(callsTo(*caller, "_Z7combineii").size(), 1u);
  EXPECT_EQ(callsTo(*caller, "_Z9scalePair4Pairf").size(), 1u);
}

TEST_F(KernelsPtx, ParameterLayoutFollowsTheCudaAbi) {
  // saxpy(int, float, const float *, float *): C layout 0, 4, 8, 16; 24 bytes.
  const KernelInfo *saxpy = lowered_.kernel("_Z5saxpyifPKfPf");
  ASSERT_NE(saxpy, nullptr);
  ASSERT_EQ(saxpy->params.size(), 4u);
  std::vector<uint32_t> offsets, sizes, aligns;
  for (const KernelParam &param : saxpy->params) {
    offsets.push_back(param.offset);
    sizes.push_back(param.size);
    aligns.push_back(param.align);
  }
  EXPECT_EQ(offsets, (std::vector<uint32_t>{0, 4, 8, 16}));
  EXPECT_EQ(sizes, (std::vector<uint32_t>{4, 4, 8, 8}));
  EXPECT_EQ(aligns, (std::vector<uint32_t>{4, 4, 8, 8}));
  EXPECT_EQ(saxpy->paramBufferSize, 24u);
  EXPECT_EQ(saxpy->staticSharedBytes, 0u);

  // callHelpers(int *, float *, Pair{int, float, double}, int): 0, 8, 16 (16 bytes, align 8), 32.
  const KernelInfo *helpers = lowered_.kernel("_Z11callHelpersPiPf4Pairi");
  ASSERT_NE(helpers, nullptr);
  ASSERT_EQ(helpers->params.size(), 4u);
  EXPECT_EQ(helpers->params[2].offset, 16u);
  EXPECT_EQ(helpers->params[2].size, 16u);
  EXPECT_EQ(helpers->params[2].align, 8u);
  EXPECT_EQ(helpers->params[3].offset, 32u);
  EXPECT_EQ(helpers->paramBufferSize, 36u);
}

TEST_F(KernelsPtx, SharedMemoryAndLaunchBounds) {
  // float partial[128] and int flag: 512 + 4 bytes.
  const KernelInfo *reduce = lowered_.kernel("_Z12reduceSharedPKfPf");
  ASSERT_NE(reduce, nullptr);
  EXPECT_EQ(reduce->staticSharedBytes, 516u);
  EXPECT_EQ(reduce->maxntid, (std::array<uint32_t, 3>{128, 1, 1}));
  EXPECT_EQ(reduce->reqntid, (std::array<uint32_t, 3>{0, 0, 0}));

  const KernelInfo *dynamic = lowered_.kernel("_Z13dynamicSharedPi");
  ASSERT_NE(dynamic, nullptr);
  EXPECT_EQ(dynamic->staticSharedBytes, 0u);
  bool sawDynamicArea = false;
  for (const llvm::GlobalVariable &global : module_->globals()) {
    if (global.getAddressSpace() != 3)
      continue;
    if (global.isDeclaration()) {
      sawDynamicArea = true;
      auto *array = llvm::dyn_cast<llvm::ArrayType>(global.getValueType());
      ASSERT_NE(array, nullptr);
      EXPECT_EQ(array->getNumElements(), 0u);
    }
  }
  EXPECT_TRUE(sawDynamicArea);
}

TEST_F(KernelsPtx, BarriersAndGeometryAreIntrinsicCalls) {
  llvm::Function *reduce = module_->getFunction("_Z12reduceSharedPKfPf");
  auto barriers = callsTo(*reduce, "cuport.bar.sync");
  ASSERT_FALSE(barriers.empty());
  for (const llvm::CallInst *call : barriers) {
    auto *id = llvm::dyn_cast<llvm::ConstantInt>(call->getArgOperand(0));
    auto *count = llvm::dyn_cast<llvm::ConstantInt>(call->getArgOperand(1));
    ASSERT_TRUE(id && count);
    EXPECT_EQ(id->getSExtValue(), 0);
    EXPECT_EQ(count->getSExtValue(), -1);
  }
  llvm::Function *barSync = module_->getFunction("cuport.bar.sync");
  ASSERT_NE(barSync, nullptr);
  EXPECT_TRUE(barSync->isConvergent());
  EXPECT_TRUE(barSync->doesNotThrow());

  llvm::Function *saxpy = module_->getFunction("_Z5saxpyifPKfPf");
  for (const char *name : {"cuport.tid.x", "cuport.ntid.x", "cuport.ctaid.x"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(callsTo(*saxpy, name).size(), 1u);
    llvm::Function *intrinsic = module_->getFunction(name);
    ASSERT_NE(intrinsic, nullptr);
    EXPECT_TRUE(intrinsic->doesNotAccessMemory());
    EXPECT_TRUE(intrinsic->willReturn());
    EXPECT_TRUE(intrinsic->getReturnType()->isIntegerTy(32));
  }
}

TEST_F(KernelsPtx, GlobalAndConstantVariables) {
  auto *counter = module_->getGlobalVariable("deviceCounter");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(counter->getAddressSpace(), 1u);
  auto *counterInit = llvm::dyn_cast<llvm::ConstantInt>(counter->getInitializer());
  ASSERT_NE(counterInit, nullptr);
  EXPECT_EQ(counterInit->getSExtValue(), 7);

  auto *weights = module_->getGlobalVariable("constantWeights");
  ASSERT_NE(weights, nullptr);
  EXPECT_EQ(weights->getAddressSpace(), 4u);
  EXPECT_TRUE(weights->isConstant());

  auto *table = module_->getGlobalVariable("deviceTable");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->getAddressSpace(), 1u);

  std::map<std::string, uint64_t> sizes;
  for (const GlobalInfo &global : lowered_.module->globals)
    sizes[global.name] = global.size;
  EXPECT_EQ(sizes["deviceCounter"], 4u);
  EXPECT_EQ(sizes["deviceTable"], 16u);
  EXPECT_EQ(sizes["constantWeights"], 12u);
}

TEST_F(KernelsPtx, AtomicsBecomeAtomicInstructionsOnGlobalPointers) {
  llvm::Function *atomics = module_->getFunction("_Z7atomicsPiPjPfS_S_PKi");
  std::set<llvm::AtomicRMWInst::BinOp> ops;
  for (const llvm::Instruction &inst : llvm::instructions(*atomics)) {
    if (auto *rmw = llvm::dyn_cast<llvm::AtomicRMWInst>(&inst)) {
      ops.insert(rmw->getOperation());
      EXPECT_EQ(rmw->getPointerAddressSpace(), 1u);
    }
  }
  EXPECT_TRUE(ops.count(llvm::AtomicRMWInst::Add));
  EXPECT_TRUE(ops.count(llvm::AtomicRMWInst::UIncWrap));
  EXPECT_TRUE(ops.count(llvm::AtomicRMWInst::FAdd));
  EXPECT_TRUE(ops.count(llvm::AtomicRMWInst::Max));
  EXPECT_EQ(count<llvm::AtomicCmpXchgInst>(*atomics), 1u);
}

TEST_F(KernelsPtx, RegistersArePromotedAndLocalArraysStayInMemory) {
  EXPECT_EQ(count<llvm::AllocaInst>(*module_->getFunction("_Z5saxpyifPKfPf")), 0u);
  llvm::Function *local = module_->getFunction("_Z10localArrayPKiPi");
  EXPECT_GE(count<llvm::AllocaInst>(*local), 1u);
  bool castToLocal = false;
  for (const llvm::Instruction &inst : llvm::instructions(*local))
    if (auto *cast = llvm::dyn_cast<llvm::AddrSpaceCastInst>(&inst))
      castToLocal |= cast->getDestAddressSpace() == 5;
  EXPECT_TRUE(castToLocal);
}

TEST_F(KernelsPtx, ExternalFunctionsStayExternalCalls) {
  llvm::Function *vprintf = module_->getFunction("vprintf");
  ASSERT_NE(vprintf, nullptr);
  EXPECT_TRUE(vprintf->isDeclaration());
  EXPECT_EQ(callsTo(*module_->getFunction("_Z7printeri"), "vprintf").size(), 1u);
}

TEST_F(KernelsPtx, SharedAccessesUseAddressSpace3) {
  llvm::Function *reduce = module_->getFunction("_Z12reduceSharedPKfPf");
  size_t sharedLoads = 0, sharedStores = 0;
  for (const llvm::Instruction &inst : llvm::instructions(*reduce)) {
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst))
      sharedLoads += load->getPointerAddressSpace() == 3;
    if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst))
      sharedStores += store->getPointerAddressSpace() == 3;
  }
  EXPECT_GE(sharedLoads, 2u);
  EXPECT_GE(sharedStores, 2u);
}

TEST(MathLibraryPtx, LowersWithoutDiagnostics) {
  Lowered lowered = lowerText(readInput("mathlib.ptx"));
  EXPECT_TRUE(lowered.module.has_value()) << ::testing::PrintToString(lowered.diagnostics);
  EXPECT_TRUE(lowered.diagnostics.empty()) << ::testing::PrintToString(lowered.diagnostics);
}

} // namespace
} // namespace cuport::lower::test
