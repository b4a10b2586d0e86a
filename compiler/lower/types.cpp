#include "compiler/lower/types.h"

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Type.h>

#include <array>
#include <utility>

namespace cuport::lower {

using ptx::ScalarType;

std::optional<unsigned> addressSpaceOf(ptx::StateSpace space) {
  switch (space) {
  case ptx::StateSpace::None:
  case ptx::StateSpace::Param:
    return kGeneric;
  case ptx::StateSpace::Global:
    return kGlobal;
  case ptx::StateSpace::Shared:
    return kShared;
  case ptx::StateSpace::Const:
    return kConst;
  case ptx::StateSpace::Local:
    return kLocal;
  default:
    return std::nullopt;
  }
}

std::optional<ScalarType> typeFromModifier(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, ScalarType>, 24> kNames{{
      {"pred", ScalarType::Pred},     {"b8", ScalarType::B8},
      {"b16", ScalarType::B16},       {"b32", ScalarType::B32},
      {"b64", ScalarType::B64},       {"b128", ScalarType::B128},
      {"u8", ScalarType::U8},         {"u16", ScalarType::U16},
      {"u32", ScalarType::U32},       {"u64", ScalarType::U64},
      {"s8", ScalarType::S8},         {"s16", ScalarType::S16},
      {"s32", ScalarType::S32},       {"s64", ScalarType::S64},
      {"f16", ScalarType::F16},       {"f16x2", ScalarType::F16x2},
      {"bf16", ScalarType::BF16},     {"bf16x2", ScalarType::BF16x2},
      {"f32", ScalarType::F32},       {"f64", ScalarType::F64},
      {"tf32", ScalarType::TF32},     {"e4m3x2", ScalarType::E4M3x2},
      {"e5m2x2", ScalarType::E5M2x2}, {"texref", ScalarType::TexRef},
  }};
  for (const auto &[text, type] : kNames)
    if (text == name)
      return type;
  return std::nullopt;
}

uint32_t bitsOf(ScalarType type) {
  switch (type) {
  case ScalarType::Pred:
    return 1;
  case ScalarType::B8:
  case ScalarType::U8:
  case ScalarType::S8:
    return 8;
  case ScalarType::B16:
  case ScalarType::U16:
  case ScalarType::S16:
  case ScalarType::F16:
  case ScalarType::BF16:
  case ScalarType::E4M3x2:
  case ScalarType::E5M2x2:
    return 16;
  case ScalarType::B32:
  case ScalarType::U32:
  case ScalarType::S32:
  case ScalarType::F32:
  case ScalarType::F16x2:
  case ScalarType::BF16x2:
  case ScalarType::TF32:
    return 32;
  case ScalarType::B128:
    return 128;
  case ScalarType::None:
    return 0;
  default:
    return 64;
  }
}

bool isFloat(ScalarType type) {
  return type == ScalarType::F16 || type == ScalarType::BF16 || type == ScalarType::F32 ||
         type == ScalarType::F64;
}

bool isFloatPair(ScalarType type) {
  return type == ScalarType::F16x2 || type == ScalarType::BF16x2;
}

bool isSigned(ScalarType type) {
  return type == ScalarType::S8 || type == ScalarType::S16 || type == ScalarType::S32 ||
         type == ScalarType::S64;
}

bool isUnsigned(ScalarType type) {
  return type == ScalarType::U8 || type == ScalarType::U16 || type == ScalarType::U32 ||
         type == ScalarType::U64;
}

bool isBits(ScalarType type) {
  return type == ScalarType::B8 || type == ScalarType::B16 || type == ScalarType::B32 ||
         type == ScalarType::B64 || type == ScalarType::B128;
}

llvm::Type *llvmTypeOf(llvm::LLVMContext &context, ScalarType type) {
  switch (type) {
  case ScalarType::F16:
    return llvm::Type::getHalfTy(context);
  case ScalarType::BF16:
    return llvm::Type::getBFloatTy(context);
  case ScalarType::F32:
    return llvm::Type::getFloatTy(context);
  case ScalarType::F64:
    return llvm::Type::getDoubleTy(context);
  default:
    return llvm::IntegerType::get(context, bitsOf(type));
  }
}

uint32_t byteSizeOf(ScalarType type) {
  uint32_t bits = bitsOf(type);
  return bits <= 8 ? 1 : bits / 8;
}

} // namespace cuport::lower
