#include "compiler/lower/video_fields.h"

namespace cuport::lower {

std::optional<bool> videoWordSignedness(std::optional<ptx::ScalarType> type) {
  if (type == ptx::ScalarType::U32)
    return false;
  if (type == ptx::ScalarType::S32)
    return true;
  return std::nullopt;
}

llvm::Value *extractVideoField(llvm::IRBuilder<> &b, llvm::Value *word, unsigned shift,
                               unsigned bits, bool isSigned, llvm::Type *to) {
  llvm::Value *shifted = shift ? b.CreateLShr(word, shift) : word;
  llvm::Value *field = b.CreateTrunc(shifted, b.getIntNTy(bits));
  return isSigned ? b.CreateSExt(field, to) : b.CreateZExt(field, to);
}

llvm::CmpInst::Predicate videoComparison(const std::string &comparison) {
  return comparison == "eq"   ? llvm::CmpInst::ICMP_EQ
         : comparison == "ne" ? llvm::CmpInst::ICMP_NE
         : comparison == "lt" ? llvm::CmpInst::ICMP_SLT
         : comparison == "le" ? llvm::CmpInst::ICMP_SLE
         : comparison == "gt" ? llvm::CmpInst::ICMP_SGT
                              : llvm::CmpInst::ICMP_SGE;
}

std::pair<int64_t, int64_t> videoSaturationRange(unsigned bits, bool isSigned) {
  if (isSigned)
    return {-(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1};
  return {0, (int64_t(1) << bits) - 1};
}

} // namespace cuport::lower
