#include "compiler/ptx/ast.h"

#include <gtest/gtest.h>

namespace cuport::ptx {
namespace {

TEST(AstHelpers, TypeNamesRoundTrip) {
  // Every PTX fundamental type spelling from the ISA's "Fundamental Types" table.
  const char *names[] = {"pred",   "b8",     "b16",    "b32",        "b64",    "b128", "u8",
                         "u16",    "u32",    "u64",    "s8",         "s16",    "s32",  "s64",
                         "f16",    "f16x2",  "bf16",   "bf16x2",     "f32",    "f64",  "tf32",
                         "e4m3x2", "e5m2x2", "texref", "samplerref", "surfref"};
  for (const char *name : names) {
    ScalarType type = scalarTypeFromName(name);
    EXPECT_NE(type, ScalarType::None) << name;
    EXPECT_STREQ(scalarTypeName(type), name);
  }
}

TEST(AstHelpers, NonTypesAreNone) {
  EXPECT_EQ(scalarTypeFromName(""), ScalarType::None);
  EXPECT_EQ(scalarTypeFromName("u31"), ScalarType::None);
  EXPECT_EQ(scalarTypeFromName(".u32"), ScalarType::None);
  EXPECT_EQ(scalarTypeFromName("U32"), ScalarType::None);
  EXPECT_EQ(scalarTypeFromName("global"), ScalarType::None);
  EXPECT_EQ(scalarTypeFromName("f32 "), ScalarType::None);
}

TEST(AstHelpers, SpecificMappings) {
  EXPECT_EQ(scalarTypeFromName("u32"), ScalarType::U32);
  EXPECT_EQ(scalarTypeFromName("f16x2"), ScalarType::F16x2);
  EXPECT_EQ(scalarTypeFromName("pred"), ScalarType::Pred);
  EXPECT_EQ(scalarTypeFromName("b128"), ScalarType::B128);
}

TEST(AstHelpers, Bits) {
  EXPECT_EQ(scalarTypeBits(ScalarType::Pred), 1u);
  EXPECT_EQ(scalarTypeBits(ScalarType::B8), 8u);
  EXPECT_EQ(scalarTypeBits(ScalarType::S16), 16u);
  EXPECT_EQ(scalarTypeBits(ScalarType::U32), 32u);
  EXPECT_EQ(scalarTypeBits(ScalarType::F64), 64u);
  EXPECT_EQ(scalarTypeBits(ScalarType::B128), 128u);
  EXPECT_EQ(scalarTypeBits(ScalarType::F16), 16u);
  EXPECT_EQ(scalarTypeBits(ScalarType::F16x2), 32u);
  EXPECT_EQ(scalarTypeBits(ScalarType::BF16x2), 32u);
  EXPECT_EQ(scalarTypeBits(ScalarType::TF32), 32u);
  EXPECT_EQ(scalarTypeBits(ScalarType::E4M3x2), 16u);
  EXPECT_EQ(scalarTypeBits(ScalarType::TexRef), 64u);
  EXPECT_EQ(scalarTypeBits(ScalarType::SurfRef), 64u);
  EXPECT_EQ(scalarTypeBits(ScalarType::None), 0u);
}

TEST(AstHelpers, Classification) {
  for (ScalarType t : {ScalarType::F16, ScalarType::F16x2, ScalarType::BF16, ScalarType::BF16x2,
                       ScalarType::F32, ScalarType::F64, ScalarType::TF32})
    EXPECT_TRUE(isFloatType(t)) << scalarTypeName(t);
  for (ScalarType t : {ScalarType::Pred, ScalarType::B32, ScalarType::U64, ScalarType::S32,
                       ScalarType::None, ScalarType::TexRef})
    EXPECT_FALSE(isFloatType(t)) << scalarTypeName(t);
  for (ScalarType t : {ScalarType::S8, ScalarType::S16, ScalarType::S32, ScalarType::S64})
    EXPECT_TRUE(isSignedIntType(t)) << scalarTypeName(t);
  for (ScalarType t :
       {ScalarType::U8, ScalarType::U32, ScalarType::B32, ScalarType::F32, ScalarType::Pred})
    EXPECT_FALSE(isSignedIntType(t)) << scalarTypeName(t);
}

} // namespace
} // namespace cuport::ptx
