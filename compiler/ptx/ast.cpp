#include "compiler/ptx/ast.h"

#include <array>
#include <utility>

namespace cuport::ptx {

namespace {

struct TypeName {
  ScalarType type;
  const char *name;
  uint32_t bits;
};

constexpr std::array kTypes = {
    TypeName{ScalarType::Pred, "pred", 1},
    TypeName{ScalarType::B8, "b8", 8},
    TypeName{ScalarType::B16, "b16", 16},
    TypeName{ScalarType::B32, "b32", 32},
    TypeName{ScalarType::B64, "b64", 64},
    TypeName{ScalarType::B128, "b128", 128},
    TypeName{ScalarType::U8, "u8", 8},
    TypeName{ScalarType::U16, "u16", 16},
    TypeName{ScalarType::U32, "u32", 32},
    TypeName{ScalarType::U64, "u64", 64},
    TypeName{ScalarType::S8, "s8", 8},
    TypeName{ScalarType::S16, "s16", 16},
    TypeName{ScalarType::S32, "s32", 32},
    TypeName{ScalarType::S64, "s64", 64},
    TypeName{ScalarType::F16, "f16", 16},
    TypeName{ScalarType::F16x2, "f16x2", 32},
    TypeName{ScalarType::BF16, "bf16", 16},
    TypeName{ScalarType::BF16x2, "bf16x2", 32},
    TypeName{ScalarType::F32, "f32", 32},
    TypeName{ScalarType::F64, "f64", 64},
    TypeName{ScalarType::TF32, "tf32", 32},
    TypeName{ScalarType::E4M3x2, "e4m3x2", 16},
    TypeName{ScalarType::E5M2x2, "e5m2x2", 16},
    TypeName{ScalarType::TexRef, "texref", 64},
    TypeName{ScalarType::SamplerRef, "samplerref", 64},
    TypeName{ScalarType::SurfRef, "surfref", 64},
};

const TypeName *find(ScalarType type) {
  for (const TypeName &entry : kTypes)
    if (entry.type == type)
      return &entry;
  return nullptr;
}

} // namespace

ScalarType scalarTypeFromName(std::string_view name) {
  for (const TypeName &entry : kTypes)
    if (name == entry.name)
      return entry.type;
  return ScalarType::None;
}

const char *scalarTypeName(ScalarType type) {
  const TypeName *entry = find(type);
  return entry ? entry->name : "none";
}

uint32_t scalarTypeBits(ScalarType type) {
  const TypeName *entry = find(type);
  return entry ? entry->bits : 0;
}

bool isFloatType(ScalarType type) {
  switch (type) {
  case ScalarType::F16:
  case ScalarType::F16x2:
  case ScalarType::BF16:
  case ScalarType::BF16x2:
  case ScalarType::F32:
  case ScalarType::F64:
  case ScalarType::TF32:
  case ScalarType::E4M3x2:
  case ScalarType::E5M2x2:
    return true;
  default:
    return false;
  }
}

bool isSignedIntType(ScalarType type) {
  return type == ScalarType::S8 || type == ScalarType::S16 || type == ScalarType::S32 ||
         type == ScalarType::S64;
}

} // namespace cuport::ptx
