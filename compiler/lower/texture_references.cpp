// Module-scope texture, sampler and surface references. A reference is a
// cuport_texture_descriptor in the module's global memory: a texture or surface reference starts
// unbound (all zero, so its magic marks no live object) and the program binds it by filling the
// descriptor in place, found by name like any other global; a sampler reference is filled here
// from its initializer and never changes. The address of the descriptor is the reference's
// handle, the value `mov.u64 %rd, tex;` takes (the ISA's indirect access).
#include "compiler/lower/texture_references.h"

#include "backends/texture_descriptor.h"
#include "compiler/lower/module_lowering.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/Module.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <set>

namespace cuport::lower {

bool isReferenceType(ptx::ScalarType type) {
  return type == ptx::ScalarType::TexRef || type == ptx::ScalarType::SamplerRef ||
         type == ptx::ScalarType::SurfRef;
}

bool independentTextureMode(const ptx::Module &module) {
  for (const std::string &target : module.targets)
    if (target == "texmode_independent")
      return true;
  return false;
}

namespace {

// A field's value: a word of its enumeration, or its position in that enumeration as an integer.
std::optional<uint32_t> enumerated(const ptx::OpaqueField &field,
                                   std::initializer_list<std::string_view> words) {
  uint32_t position = 0;
  for (std::string_view word : words) {
    if (field.value == word)
      return position;
    ++position;
  }
  uint32_t value = 0;
  const char *end = field.value.data() + field.value.size();
  auto [stop, error] = std::from_chars(field.value.data(), end, value);
  if (error != std::errc() || stop != end || value >= words.size())
    return std::nullopt;
  return value;
}

} // namespace

// The sampling state of a `.samplerref`: fields the initializer leaves out are the first of their
// enumeration (nearest, wrap), as a zero-initialized .global variable would be. Its
// normalized_coords is 0 when force_unnormalized_coords is set and 1 when the texture's setting
// applies (backends/texture_descriptor.h).
bool ModuleLowering::samplerDescriptor(const ptx::VariableDecl &decl,
                                       cuport_texture_descriptor &sampler) {
  std::memset(&sampler, 0, sizeof sampler);
  sampler.magic = CUPORT_SAMPLER_MAGIC;
  sampler.normalized_coords = 1;
  std::set<std::string> seen;
  for (const ptx::OpaqueField &field : decl.opaqueFields) {
    if (!seen.insert(field.name).second)
      return error(field.loc, "field '" + field.name + "' of '" + decl.name + "' is given twice");
    std::string bad = "unsupported value '" + field.value + "' for field '" + field.name + "'";
    if (field.name == "filter_mode") {
      auto mode = enumerated(field, {"nearest", "linear"});
      if (!mode)
        return error(field.loc, bad);
      sampler.linear_filter = *mode;
    } else if (field.name == "addr_mode_0" || field.name == "addr_mode_1" ||
               field.name == "addr_mode_2") {
      // The ISA's { wrap, mirror, clamp_ogl, clamp_to_edge, clamp_to_border }.
      auto mode =
          enumerated(field, {"wrap", "mirror", "clamp_ogl", "clamp_to_edge", "clamp_to_border"});
      if (!mode)
        return error(field.loc, bad);
      static constexpr uint32_t kModes[] = {CUPORT_ADDRESS_WRAP, CUPORT_ADDRESS_MIRROR,
                                            CUPORT_ADDRESS_CLAMP_OGL, CUPORT_ADDRESS_CLAMP,
                                            CUPORT_ADDRESS_BORDER};
      sampler.address_mode[field.name.back() - '0'] = kModes[*mode];
    } else if (field.name == "force_unnormalized_coords") {
      uint64_t value = 0;
      const char *end = field.value.data() + field.value.size();
      auto [stop, failure] = std::from_chars(field.value.data(), end, value);
      if (failure != std::errc() || stop != end)
        return error(field.loc, bad);
      sampler.normalized_coords = value == 0;
    } else {
      return error(field.loc, "'" + field.name + "' is not a field of a .samplerref");
    }
  }
  return true;
}

// A reference's descriptor as a byte array in the global state space, 8-byte aligned.
llvm::GlobalVariable *ModuleLowering::createReferenceVariable(const ptx::VariableDecl &decl) {
  if (decl.space != ptx::StateSpace::Global || decl.linkage == ptx::Linkage::Extern ||
      !decl.arrayDims.empty() || decl.vectorWidth > 1) {
    error(decl.loc,
          "reference '" + decl.name + "' must be a scalar .global variable defined in this module");
    return nullptr;
  }
  bool sampler = decl.type == ptx::ScalarType::SamplerRef;
  if (sampler && !independentTextureMode(ptx_)) {
    error(decl.loc, "'" + decl.name + "': a .samplerref needs .target texmode_independent");
    return nullptr;
  }
  if (!sampler && decl.hasInitializer) {
    // Texture and surface references are bound by the program (cuTexRefSet*, cuSurfRefSetArray);
    // a declared initial state of theirs is not supported.
    error(decl.loc,
          "initializers of .texref / .surfref variables are not supported ('" + decl.name + "')");
    return nullptr;
  }
  cuport_texture_descriptor descriptor;
  std::memset(&descriptor, 0, sizeof descriptor);
  if (sampler && !samplerDescriptor(decl, descriptor))
    return nullptr;
  auto &ctx = context();
  const auto *bytes = reinterpret_cast<const uint8_t *>(&descriptor);
  llvm::Constant *initializer =
      llvm::ConstantDataArray::get(ctx, llvm::ArrayRef<uint8_t>(bytes, sizeof descriptor));
  auto *global = new llvm::GlobalVariable(
      module_, initializer->getType(), /*isConstant=*/false, llvm::GlobalValue::ExternalLinkage,
      initializer, decl.name, nullptr, llvm::GlobalValue::NotThreadLocal, kGlobal);
  global->setAlignment(llvm::Align(alignof(cuport_texture_descriptor)));
  dataVariables_.push_back({decl.name, decl.space, sizeof descriptor, decl.type});
  references_[decl.name] = decl.type;
  return global;
}

std::optional<ptx::ScalarType> ModuleLowering::referenceType(const std::string &name) const {
  auto it = references_.find(name);
  if (it == references_.end())
    return std::nullopt;
  return it->second;
}

} // namespace cuport::lower
