// Texture and surface instructions through texture / surface objects (the 64-bit handle in a
// register) or references (.texref / .samplerref / .surfref variables): tex (with .base,
// .level and .grad, which select levels of a mipmapped texture; .f16 and .f16x2 results are
// the .f32 ones rounded to half; the multisample geometries; the offset, depth-compare and
// residency-predicate operands), tld4, suld.b, sust.b / sust.p, sured.b / sured.p, txq / suq and
// istypep. Each becomes a call of a cuport.* intrinsic that takes the handle, an operation code
// (backends/texture_descriptor.h), the coordinates and the data through memory
// (docs/kernel-ir.md); the backend samples.
#include "backends/texture_descriptor.h"
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/modifiers.h"
#include "compiler/lower/texture_references.h"
#include "compiler/lower/types.h"

#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>

namespace cuport::lower {
namespace {

using llvm::Value;

struct Shape {
  uint32_t code;
  uint32_t coordinates; // how many the vector holds (after padding to 1, 2 or 4)
  bool layered;         // the first coordinate is an integer layer index
};

// The geometry modifier; `.2dms` / `.a2dms` (multisample textures: integer coordinates led by
// the sample number, and for arrays the layer before it) only where `multisample` allows them.
std::optional<Shape> takeShape(Modifiers &mods, bool multisample = false) {
  if (multisample) {
    if (mods.take("2dms"))
      return Shape{CUPORT_SHAPE_2DMS, 4, false};
    if (mods.take("a2dms"))
      return Shape{CUPORT_SHAPE_A2DMS, 4, true};
  }
  auto name = mods.takeOneOf({"1d", "2d", "3d", "a1d", "a2d", "cube", "acube"});
  if (!name)
    return std::nullopt;
  if (*name == "1d")
    return Shape{CUPORT_SHAPE_1D, 1, false};
  if (*name == "2d")
    return Shape{CUPORT_SHAPE_2D, 2, false};
  if (*name == "3d")
    return Shape{CUPORT_SHAPE_3D, 4, false};
  if (*name == "a1d")
    return Shape{CUPORT_SHAPE_A1D, 2, true};
  if (*name == "a2d")
    return Shape{CUPORT_SHAPE_A2D, 4, true};
  if (*name == "cube")
    return Shape{CUPORT_SHAPE_CUBE, 4, false};
  return Shape{CUPORT_SHAPE_ACUBE, 4, true};
}

// How many elements a geometry's offset vector has (the ISA's operand e): one per spatial
// coordinate, four for 3d (the last ignored); 0 where offsets are not allowed (cubemaps).
uint32_t offsetElements(uint32_t shape) {
  switch (shape) {
  case CUPORT_SHAPE_1D:
  case CUPORT_SHAPE_A1D:
    return 1;
  case CUPORT_SHAPE_3D:
    return 4;
  case CUPORT_SHAPE_CUBE:
  case CUPORT_SHAPE_ACUBE:
    return 0;
  default:
    return 2;
  }
}

// The handle of a texture, sampler or surface operand: a .u64 register holding one, or a
// module-scope reference variable of the kind the instruction takes, whose descriptor's address
// is its handle (texture_references.cpp).
Value *readObject(FunctionLowering &fl, const ptx::Operand &operand, ptx::ScalarType kind) {
  auto *i64 = fl.builder().getInt64Ty();
  if (operand.kind == ptx::Operand::Kind::Register)
    return fl.read(operand, i64);
  if (operand.kind != ptx::Operand::Kind::Symbol) {
    fl.error(operand.loc, "expected a register or a reference variable");
    return nullptr;
  }
  std::optional<ptx::ScalarType> type = fl.moduleLowering().referenceType(operand.name);
  if (type != kind) {
    fl.error(operand.loc, "'" + operand.name + "' is not a ." +
                              std::string(ptx::scalarTypeName(kind)) +
                              " variable or a .u64 register");
    return nullptr;
  }
  return fl.read(operand, i64);
}

// The handle of `[handle, {coordinates}]`: a register or a reference variable of type `kind`.
Value *readHandle(FunctionLowering &fl, const ptx::Operand &address,
                  ptx::ScalarType kind = ptx::ScalarType::TexRef) {
  if (address.kind != ptx::Operand::Kind::Address || address.offset != 0) {
    fl.error(address.loc, "expected [handle, ...] with a register or a reference variable");
    return nullptr;
  }
  ptx::Operand handle;
  handle.kind =
      address.addressBaseIsRegister ? ptx::Operand::Kind::Register : ptx::Operand::Kind::Symbol;
  handle.loc = address.loc;
  handle.name = address.name;
  return readObject(fl, handle, kind);
}

// Independent texture mode's `[texture, sampler, {coordinates}]`: the texture's descriptor with
// the sampler's sampling state, built by cuport.tex.sampler in a slot of the frame; `address`
// loses the sampler element. Unified mode takes no sampler operand.
Value *bindSampler(FunctionLowering &fl, ptx::Operand &address, Value *texture) {
  bool independent = independentTextureMode(fl.moduleLowering().ptx());
  if (!independent) {
    if (address.elements.size() == 2) {
      fl.error(address.elements[0].loc, "a sampler operand needs .target texmode_independent");
      return nullptr;
    }
    return texture;
  }
  if (address.elements.size() != 2) {
    fl.error(address.loc, "independent texture mode takes [texture, sampler, coordinates]");
    return nullptr;
  }
  Value *sampler = readObject(fl, address.elements[0], ptx::ScalarType::SamplerRef);
  if (!sampler)
    return nullptr;
  address.elements.erase(address.elements.begin());
  auto &b = fl.builder();
  auto *slotType = llvm::ArrayType::get(b.getInt8Ty(), sizeof(cuport_texture_descriptor));
  llvm::AllocaInst *slot =
      fl.createEntryAlloca(slotType, alignof(cuport_texture_descriptor), "tex.sampled");
  auto *type = llvm::FunctionType::get(b.getInt64Ty(),
                                       {b.getInt64Ty(), b.getInt64Ty(), b.getPtrTy()}, false);
  llvm::FunctionCallee callee = fl.module().getOrInsertFunction("cuport.tex.sampler", type);
  if (auto *function = llvm::dyn_cast<llvm::Function>(callee.getCallee()))
    function->setDoesNotThrow();
  return b.CreateCall(callee, {texture, sampler, slot});
}

// Stores the coordinates of `[handle, {c...}]` as four i32 bit patterns in a fresh slot of
// `words` i32 (the words after the fourth are left for the caller). Integer ones are the layer
// index of arrays and every coordinate when `integerCoordinates`.
llvm::AllocaInst *storeCoordinates(FunctionLowering &fl, const ptx::Operand &address,
                                   const Shape &shape, bool integerCoordinates,
                                   uint32_t words = 4) {
  if (address.elements.size() != 1) {
    fl.error(address.loc, "expected one coordinate vector after the handle");
    return nullptr;
  }
  const ptx::Operand &vector = address.elements[0];
  std::vector<const ptx::Operand *> coordinates;
  if (vector.kind == ptx::Operand::Kind::Vector)
    for (const ptx::Operand &element : vector.elements)
      coordinates.push_back(&element);
  else
    coordinates.push_back(&vector);
  if (coordinates.size() != shape.coordinates) {
    fl.error(vector.loc, "this geometry takes " + std::to_string(shape.coordinates) +
                             " coordinates, not " + std::to_string(coordinates.size()));
    return nullptr;
  }
  auto &b = fl.builder();
  auto *i32 = b.getInt32Ty();
  auto *slotType = llvm::ArrayType::get(i32, words);
  llvm::AllocaInst *slot = fl.createEntryAlloca(slotType, 16, "tex.coords");
  for (uint32_t i = 0; i < 4; ++i) {
    Value *bits = b.getInt32(0);
    if (i < coordinates.size() && coordinates[i]->kind != ptx::Operand::Kind::Sink) {
      bool integer = integerCoordinates || (shape.layered && i == 0);
      Value *value = fl.read(*coordinates[i], integer ? i32 : b.getFloatTy());
      if (!value)
        return nullptr;
      bits = b.CreateBitCast(value, i32);
    }
    b.CreateStore(bits, b.CreateConstInBoundsGEP2_32(slotType, slot, 0, i));
  }
  return slot;
}

llvm::FunctionCallee textureIntrinsic(FunctionLowering &fl, llvm::StringRef name) {
  auto &b = fl.builder();
  auto *type = llvm::FunctionType::get(
      b.getVoidTy(), {b.getInt64Ty(), b.getInt32Ty(), b.getPtrTy(), b.getPtrTy()}, false);
  llvm::FunctionCallee callee = fl.module().getOrInsertFunction(name, type);
  if (auto *function = llvm::dyn_cast<llvm::Function>(callee.getCallee()))
    function->setDoesNotThrow();
  return callee;
}

// The optional operands after `[a, c]` (and lod or gradients): the ISA's e, a vector of .s32
// texel offsets, then f, a scalar .f32 depth-compare reference.
struct OptionalOperands {
  const ptx::Operand *offsets = nullptr;
  const ptx::Operand *reference = nullptr;
};

std::optional<OptionalOperands> takeOptionalOperands(FunctionLowering &fl,
                                                     const ptx::Instruction &inst, size_t first) {
  OptionalOperands optional;
  for (size_t i = first; i < inst.operands.size(); ++i) {
    const ptx::Operand &operand = inst.operands[i];
    if (operand.kind == ptx::Operand::Kind::Vector && !optional.offsets && !optional.reference) {
      optional.offsets = &operand;
    } else if (operand.kind != ptx::Operand::Kind::Vector && !optional.reference) {
      optional.reference = &operand;
    } else {
      fl.error(operand.loc, inst.opcode + ": expected at most an offset vector and then a "
                                          "depth-compare value");
      return std::nullopt;
    }
  }
  return optional;
}

// Stores the offsets in words 4..6 and the reference in word 7 of the coordinate slot.
bool storeOptionalOperands(FunctionLowering &fl, llvm::AllocaInst *slot,
                           const OptionalOperands &optional) {
  auto &b = fl.builder();
  auto *slotType = llvm::ArrayType::get(b.getInt32Ty(), 8);
  if (optional.offsets) {
    const auto &elements = optional.offsets->elements;
    for (uint32_t i = 0; i < 3; ++i) {
      Value *offset = b.getInt32(0);
      if (i < elements.size() && elements[i].kind != ptx::Operand::Kind::Sink)
        offset = fl.read(elements[i], b.getInt32Ty());
      if (!offset)
        return false;
      b.CreateStore(offset, b.CreateConstInBoundsGEP2_32(slotType, slot, 0, 4 + i));
    }
  }
  if (optional.reference) {
    Value *reference = fl.read(*optional.reference, b.getFloatTy());
    if (!reference)
      return false;
    b.CreateStore(b.CreateBitCast(reference, b.getInt32Ty()),
                  b.CreateConstInBoundsGEP2_32(slotType, slot, 0, 7));
  }
  return true;
}

// Stores the level-of-detail operands of tex.level (the lod, .s32 with .s32 coordinates, else
// .f32) or tex.grad (dPdx and dPdy: .f32 vectors of one element for 1d / a1d, two for 2d / a2d,
// four for 3d / cube / acube) after the coordinates and the optional operands: word 8, or 8..11
// and 12..15 of `slot`.
bool storeLevelOfDetail(FunctionLowering &fl, const ptx::Instruction &inst, const Shape &shape,
                        bool integerCoordinates, size_t extraOperands, llvm::AllocaInst *slot) {
  auto &b = fl.builder();
  auto *slotType = slot->getAllocatedType();
  auto *i32 = b.getInt32Ty();
  if (extraOperands == 1) {
    Value *lod = fl.read(inst.operands[2], integerCoordinates ? i32 : b.getFloatTy());
    if (!lod)
      return false;
    b.CreateStore(b.CreateBitCast(lod, i32), b.CreateConstInBoundsGEP2_32(slotType, slot, 0, 8));
    return true;
  }
  uint32_t components = shape.code == CUPORT_SHAPE_1D || shape.code == CUPORT_SHAPE_A1D   ? 1
                        : shape.code == CUPORT_SHAPE_2D || shape.code == CUPORT_SHAPE_A2D ? 2
                                                                                          : 4;
  for (uint32_t g = 0; g < 2; ++g) {
    const ptx::Operand &gradient = inst.operands[2 + g];
    if (gradient.kind != ptx::Operand::Kind::Vector || gradient.elements.size() != components)
      return fl.error(gradient.loc, "tex.grad takes gradient vectors of " +
                                        std::to_string(components) + " elements for this geometry");
    for (uint32_t i = 0; i < 4; ++i) {
      Value *bits = b.getInt32(0);
      if (i < components && i < 3) { // a 3d / cube gradient's fourth element is ignored
        Value *value = fl.read(gradient.elements[i], b.getFloatTy());
        if (!value)
          return false;
        bits = b.CreateBitCast(value, i32);
      }
      b.CreateStore(bits, b.CreateConstInBoundsGEP2_32(slotType, slot, 0, 8 + 4 * g + i));
    }
  }
  return true;
}

// tex{.base, .level, .grad}.geom.v4.dtype.ctype d{|p}, [a, c] {, lod | , dPdx, dPdy} {, e} {, f}
// and tld4.comp.{2d,a2d,cube,acube}.v4.dtype.f32 d{|p}, [a, c] {, e} {, f}. .base and plain tex
// sample level 0 of a mipmapped texture; .level and .grad select levels
// (backends/cpu/texture_lod.h). The offsets e are allowed on every geometry but the cubemaps,
// the depth-compare value f on every geometry but 3d and the multisample ones, with .f32
// coordinates only (what ptxas accepts).
bool lowerTexture(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  bool gather = inst.opcode == "tld4";
  uint32_t op = 0;
  size_t extraOperands = 0;
  if (gather) {
    auto component = mods.takeOneOf({"r", "g", "b", "a"});
    if (!component)
      return fl.unsupported(inst);
    op |= uint32_t(std::string_view("rgba").find(*component)) << CUPORT_TEX_GATHER_SHIFT;
  } else if (mods.take("level")) {
    extraOperands = 1;
    op |= CUPORT_TEX_LOD_LEVEL;
  } else if (mods.take("grad")) {
    extraOperands = 2;
    op |= CUPORT_TEX_LOD_GRAD;
  } else {
    mods.take("base");
  }
  auto shape = takeShape(mods, /*multisample=*/!gather);
  uint32_t width = mods.takeVectorWidth();
  auto resultType = mods.takeType();
  auto coordinateType = mods.takeType();
  if (!shape || !resultType || !coordinateType || !mods.allTaken() ||
      (gather && shape->code != CUPORT_SHAPE_2D && shape->code != CUPORT_SHAPE_A2D &&
       shape->code != CUPORT_SHAPE_CUBE && shape->code != CUPORT_SHAPE_ACUBE))
    return fl.unsupported(inst);
  using ptx::ScalarType;
  // .v4 of .f32 / .s32 / .u32 / .f16, or (tex only) .v2.f16x2: r and g, b and a packed.
  bool halves = *resultType == ScalarType::F16 || *resultType == ScalarType::F16x2;
  bool packed = *resultType == ScalarType::F16x2;
  if (width != (packed ? 2u : 4u) || (halves && gather) ||
      (!halves && *resultType != ScalarType::F32 && *resultType != ScalarType::S32 &&
       *resultType != ScalarType::U32))
    return fl.unsupported(inst);
  // tld4 and the cube shapes take .f32 coordinates only, the multisample shapes .s32 only.
  bool cube = shape->code == CUPORT_SHAPE_CUBE || shape->code == CUPORT_SHAPE_ACUBE;
  bool multisample = shape->code == CUPORT_SHAPE_2DMS || shape->code == CUPORT_SHAPE_A2DMS;
  if ((*coordinateType != ScalarType::F32 && *coordinateType != ScalarType::S32) ||
      ((gather || cube) && *coordinateType != ScalarType::F32) ||
      (multisample && *coordinateType != ScalarType::S32))
    return fl.unsupported(inst);
  size_t fixedOperands = 2 + extraOperands;
  if (inst.operands.size() < fixedOperands || inst.operands.size() > fixedOperands + 2)
    return fl.expectOperands(inst, fixedOperands);
  auto optional = takeOptionalOperands(fl, inst, fixedOperands);
  if (!optional)
    return false;
  if (optional->offsets) {
    if (offsetElements(shape->code) == 0)
      return fl.unsupported(inst);
    if (optional->offsets->elements.size() != offsetElements(shape->code))
      return fl.error(optional->offsets->loc,
                      "this geometry takes " + std::to_string(offsetElements(shape->code)) +
                          " offsets, not " + std::to_string(optional->offsets->elements.size()));
    op |= CUPORT_TEX_OFFSET;
  }
  if (optional->reference) {
    if (shape->code == CUPORT_SHAPE_3D || multisample || *coordinateType != ScalarType::F32)
      return fl.unsupported(inst);
    op |= CUPORT_TEX_DEPTH_COMPARE;
  }
  op |= shape->code;
  bool integerCoordinates = *coordinateType == ScalarType::S32;
  if (integerCoordinates)
    op |= CUPORT_TEX_COORDS_INT;
  if (*resultType == ScalarType::S32 || *resultType == ScalarType::U32)
    op |= CUPORT_TEX_RESULT_INT;
  if (inst.pairedDestination)
    op |= CUPORT_TEX_RESIDENCY;

  ptx::Operand address = inst.operands[1];
  Value *handle = readHandle(fl, address);
  if (handle)
    handle = bindSampler(fl, address, handle);
  if (!handle)
    return false;
  bool withOptional = optional->offsets || optional->reference;
  uint32_t words = op & CUPORT_TEX_LOD_GRAD    ? 16
                   : op & CUPORT_TEX_LOD_LEVEL ? 9
                   : withOptional              ? 8
                                               : 4;
  llvm::AllocaInst *coordinates = storeCoordinates(fl, address, *shape, integerCoordinates, words);
  if (!coordinates || (withOptional && !storeOptionalOperands(fl, coordinates, *optional)) ||
      (extraOperands &&
       !storeLevelOfDetail(fl, inst, *shape, integerCoordinates, extraOperands, coordinates)))
    return false;
  auto &b = fl.builder();
  auto *resultSlotType = llvm::ArrayType::get(b.getInt32Ty(), inst.pairedDestination ? 5 : 4);
  llvm::AllocaInst *result = fl.createEntryAlloca(resultSlotType, 16, "tex.result");
  b.CreateCall(textureIntrinsic(fl, gather ? "cuport.tld4" : "cuport.tex"),
               {handle, b.getInt32(op), coordinates, result});
  const ptx::Operand &destination = inst.operands[0];
  if (destination.kind != ptx::Operand::Kind::Vector || destination.elements.size() != width)
    return fl.error(destination.loc,
                    "texture results need " + std::to_string(width) + " destination registers");
  bool integer = *resultType == ScalarType::S32 || *resultType == ScalarType::U32;
  llvm::Type *elementType = integer ? b.getInt32Ty() : b.getFloatTy();
  std::vector<Value *> components;
  for (uint32_t i = 0; i < 4; ++i) {
    Value *value =
        b.CreateLoad(elementType, b.CreateConstInBoundsGEP2_32(resultSlotType, result, 0, i));
    // Half results: the float result rounded to nearest even.
    components.push_back(halves ? b.CreateFPTrunc(value, b.getHalfTy()) : value);
  }
  bool ok = true;
  for (uint32_t i = 0; i < width; ++i) {
    if (destination.elements[i].kind == ptx::Operand::Kind::Sink)
      continue;
    Value *value = components[i];
    if (packed) { // the first of each pair in the low half
      auto *pair = llvm::FixedVectorType::get(b.getHalfTy(), 2);
      Value *vector =
          b.CreateInsertElement(llvm::PoisonValue::get(pair), components[2 * i], uint64_t(0));
      vector = b.CreateInsertElement(vector, components[2 * i + 1], uint64_t(1));
      value = b.CreateBitCast(vector, b.getInt32Ty());
    }
    ok &= fl.write(destination.elements[i], value);
  }
  if (inst.pairedDestination && inst.pairedDestination->kind != ptx::Operand::Kind::Sink) {
    Value *resident =
        b.CreateLoad(b.getInt32Ty(), b.CreateConstInBoundsGEP2_32(resultSlotType, result, 0, 4));
    ok &= fl.write(*inst.pairedDestination, b.CreateICmpNE(resident, b.getInt32(0)));
  }
  return ok;
}

uint32_t clampCode(const std::string &clamp) {
  return clamp == "trap"    ? CUPORT_SURFACE_TRAP
         : clamp == "clamp" ? CUPORT_SURFACE_CLAMP
                            : CUPORT_SURFACE_ZERO;
}

// The registers of a surface access's data operand: a vector's elements, or the one register.
std::vector<const ptx::Operand *> dataRegisters(const ptx::Operand &data) {
  std::vector<const ptx::Operand *> registers;
  if (data.kind == ptx::Operand::Kind::Vector)
    for (const ptx::Operand &element : data.elements)
      registers.push_back(&element);
  else
    registers.push_back(&data);
  return registers;
}

// sust.p.{1d,2d,3d}.vec.b32.clamp [a, c], v: a formatted store of one sample, x counting samples.
// The backend converts the 32-bit values (f32, u32 or s32 as the surface's format says) to it.
bool lowerFormattedStore(FunctionLowering &fl, const ptx::Instruction &inst, Modifiers &mods) {
  auto shape = takeShape(mods);
  uint32_t width = mods.takeVectorWidth();
  auto type = mods.takeType();
  auto clamp = mods.takeOneOf({"trap", "clamp", "zero"});
  if (!shape || !type || *type != ptx::ScalarType::B32 || !clamp || !mods.allTaken() ||
      (shape->code != CUPORT_SHAPE_1D && shape->code != CUPORT_SHAPE_2D &&
       shape->code != CUPORT_SHAPE_3D) ||
      (width != 1 && width != 2 && width != 4))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  uint32_t op = shape->code | clampCode(*clamp) << 4 | (4 * width) << 8 | CUPORT_SURFACE_FORMATTED;
  const ptx::Operand &address = inst.operands[0];
  const ptx::Operand &data = inst.operands[1];
  Value *handle = readHandle(fl, address, ptx::ScalarType::SurfRef);
  if (!handle)
    return false;
  Value *coordinates = storeCoordinates(fl, address, *shape, /*integerCoordinates=*/true);
  if (!coordinates)
    return false;
  std::vector<const ptx::Operand *> registers = dataRegisters(data);
  if (registers.size() != width)
    return fl.error(data.loc, "expected " + std::to_string(width) + " data registers");
  auto &b = fl.builder();
  auto *bufferType = llvm::ArrayType::get(b.getInt32Ty(), 4);
  llvm::AllocaInst *buffer = fl.createEntryAlloca(bufferType, 16, "surface.data");
  for (uint32_t i = 0; i < width; ++i) {
    Value *value = fl.read(*registers[i], b.getInt32Ty());
    if (!value)
      return false;
    b.CreateStore(value, b.CreateConstInBoundsGEP2_32(bufferType, buffer, 0, i));
  }
  b.CreateCall(textureIntrinsic(fl, "cuport.sust"), {handle, b.getInt32(op), coordinates, buffer});
  return true;
}

// suld.b.geom{.cop}.vec.dtype.clamp d, [a, c] and sust.b.geom{.cop}.vec.ctype.clamp [a, c], v.
// The x coordinate is in bytes, y and z (or the layer) in elements. The syntax lists .v4 with
// .b64, but PTX vectors cannot exceed 128 bits (PTX ISA "Vectors"; ptxas refuses .v4.b64 here for
// every target), so that form is refused like any other the ISA does not define.
bool lowerSurface(FunctionLowering &fl, const ptx::Instruction &inst) {
  bool load = inst.opcode == "suld";
  Modifiers mods(inst.modifiers);
  if (!load && mods.take("p"))
    return lowerFormattedStore(fl, inst, mods);
  if (!mods.take("b"))
    return fl.unsupported(inst);
  auto shape = takeShape(mods);
  // Cache operators only steer caches.
  mods.takeOneOf({"ca", "cg", "cs", "cv", "wb", "wt"});
  uint32_t width = mods.takeVectorWidth();
  auto type = mods.takeType();
  auto clamp = mods.takeOneOf({"trap", "clamp", "zero"});
  using ptx::ScalarType;
  if (!shape || !type || !clamp || !mods.allTaken() || shape->code == CUPORT_SHAPE_CUBE ||
      shape->code == CUPORT_SHAPE_ACUBE ||
      (*type != ScalarType::B8 && *type != ScalarType::B16 && *type != ScalarType::B32 &&
       *type != ScalarType::B64) ||
      (width != 1 && width != 2 && width != 4) || byteSizeOf(*type) * width > 16)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  uint32_t elementBytes = byteSizeOf(*type);
  // op: shape | clamp << 4 | access bytes << 8
  uint32_t op = shape->code | clampCode(*clamp) << 4 | (elementBytes * width) << 8;
  const ptx::Operand &address = inst.operands[load ? 1 : 0];
  const ptx::Operand &data = inst.operands[load ? 0 : 1];
  Value *handle = readHandle(fl, address, ptx::ScalarType::SurfRef);
  if (!handle)
    return false;
  Value *coordinates = storeCoordinates(fl, address, *shape, /*integerCoordinates=*/true);
  if (!coordinates)
    return false;
  std::vector<const ptx::Operand *> registers = dataRegisters(data);
  if (registers.size() != width)
    return fl.error(data.loc, "expected " + std::to_string(width) + " data registers");
  auto &b = fl.builder();
  llvm::Type *elementType = b.getIntNTy(elementBytes * 8);
  auto *bufferType = llvm::ArrayType::get(elementType, 4);
  llvm::AllocaInst *buffer = fl.createEntryAlloca(bufferType, 16, "surface.data");
  if (!load)
    for (uint32_t i = 0; i < width; ++i) {
      Value *value = fl.read(*registers[i], elementType);
      if (!value)
        return false;
      b.CreateStore(value, b.CreateConstInBoundsGEP2_32(bufferType, buffer, 0, i));
    }
  b.CreateCall(textureIntrinsic(fl, load ? "cuport.suld" : "cuport.sust"),
               {handle, b.getInt32(op), coordinates, buffer});
  if (!load)
    return true;
  bool ok = true;
  for (uint32_t i = 0; i < width; ++i)
    if (registers[i]->kind != ptx::Operand::Kind::Sink)
      ok &= fl.write(*registers[i], b.CreateLoad(elementType, b.CreateConstInBoundsGEP2_32(
                                                                  bufferType, buffer, 0, i)));
  return ok;
}

// sured.b.op.geom.ctype.clamp [a, c], v: an atomic reduction of one surface element (x in
// bytes). The PTX ISA allows .add on .u32/.u64/.s32, .min and .max on .u32/.s32/.u64/.s64, and
// .and / .or on .b32. sured.p.op.geom.{b32,b64}.clamp (x in samples; .b64 for .min / .max only)
// leaves signedness to the surface's format: the backend reads it there
// (CUPORT_SURFACE_FORMATTED).
bool lowerSurfaceReduction(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  bool formatted = mods.take("p");
  if (!formatted && !mods.take("b"))
    return fl.unsupported(inst);
  auto reduction = mods.takeOneOf({"add", "min", "max", "and", "or"});
  auto shape = takeShape(mods);
  auto type = mods.takeType();
  auto clamp = mods.takeOneOf({"trap", "clamp", "zero"});
  if (!reduction || !shape || !type || !clamp || !mods.allTaken() ||
      (shape->code != CUPORT_SHAPE_1D && shape->code != CUPORT_SHAPE_2D &&
       shape->code != CUPORT_SHAPE_3D))
    return fl.unsupported(inst);
  using ptx::ScalarType;
  ScalarType t = *type;
  bool typeAllowed =
      formatted ? t == ScalarType::B32 ||
                      (t == ScalarType::B64 && (*reduction == "min" || *reduction == "max"))
      : *reduction == "add" ? t == ScalarType::U32 || t == ScalarType::U64 || t == ScalarType::S32
      : *reduction == "and" || *reduction == "or"
          ? t == ScalarType::B32
          : t == ScalarType::U32 || t == ScalarType::S32 || t == ScalarType::U64 ||
                t == ScalarType::S64;
  if (!typeAllowed)
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  uint32_t code = *reduction == "add"   ? CUPORT_SURED_ADD
                  : *reduction == "min" ? CUPORT_SURED_MIN
                  : *reduction == "max" ? CUPORT_SURED_MAX
                  : *reduction == "and" ? CUPORT_SURED_AND
                                        : CUPORT_SURED_OR;
  uint32_t bytes = byteSizeOf(t);
  uint32_t op = shape->code | clampCode(*clamp) << 4 | bytes << 8 | code << CUPORT_SURED_SHIFT;
  if (t == ScalarType::S32 || t == ScalarType::S64)
    op |= CUPORT_SURED_SIGNED;
  if (formatted)
    op |= CUPORT_SURFACE_FORMATTED;
  const ptx::Operand &address = inst.operands[0];
  Value *handle = readHandle(fl, address, ptx::ScalarType::SurfRef);
  if (!handle)
    return false;
  Value *coordinates = storeCoordinates(fl, address, *shape, /*integerCoordinates=*/true);
  if (!coordinates)
    return false;
  auto &b = fl.builder();
  llvm::Type *elementType = b.getIntNTy(bytes * 8);
  Value *value = fl.read(inst.operands[1], elementType);
  if (!value)
    return false;
  llvm::AllocaInst *operand = fl.createEntryAlloca(elementType, bytes, "sured.operand");
  b.CreateStore(value, operand);
  b.CreateCall(textureIntrinsic(fl, "cuport.sured"),
               {handle, b.getInt32(op), coordinates, operand});
  return true;
}

// txq.query.b32 d, [a] and suq.query.b32 d, [a]: i32 @cuport.txq(i64 handle, i32 query), the
// query numbered by its place in kQueries. In independent texture mode the sampler queries
// (filter_mode, addr_mode_*, force_unnormalized_coords, which exists only there) take a
// .samplerref. channel_data_type / channel_order answer the OpenCL CL_* values of the image's
// format (docs/kernel-ir.md). txq.level.{width,height,depth}.b32 d, [a], lod is
// i32 @cuport.txq.level(i64 handle, i32 query, i32 lod).
bool lowerQuery(FunctionLowering &fl, const ptx::Instruction &inst) {
  static constexpr std::string_view kQueries[] = {"width",
                                                  "height",
                                                  "depth",
                                                  "array_size",
                                                  "normalized_coords",
                                                  "filter_mode",
                                                  "addr_mode_0",
                                                  "addr_mode_1",
                                                  "addr_mode_2",
                                                  "num_mipmap_levels",
                                                  "num_samples",
                                                  "memory_layout",
                                                  "force_unnormalized_coords",
                                                  "channel_data_type",
                                                  "channel_order"};
  Modifiers mods(inst.modifiers);
  bool level = inst.opcode == "txq" && mods.take("level");
  auto query = mods.takeOneOf({"width", "height", "depth", "array_size", "normalized_coords",
                               "filter_mode", "addr_mode_0", "addr_mode_1", "addr_mode_2",
                               "num_mipmap_levels", "num_samples", "memory_layout",
                               "force_unnormalized_coords", "channel_data_type", "channel_order"});
  if (!query || !mods.take("b32") || !mods.allTaken())
    return fl.unsupported(inst);
  bool surfaceQuery = *query == "width" || *query == "height" || *query == "depth" ||
                      *query == "array_size" || *query == "memory_layout" ||
                      *query == "channel_data_type" || *query == "channel_order";
  bool samplerQuery = *query == "filter_mode" || query->starts_with("addr_mode_") ||
                      *query == "force_unnormalized_coords";
  bool independent = independentTextureMode(fl.moduleLowering().ptx());
  if ((inst.opcode == "suq" && !surfaceQuery) ||
      (inst.opcode == "txq" && *query == "memory_layout") ||
      (*query == "force_unnormalized_coords" && !independent) ||
      (level && *query != "width" && *query != "height" && *query != "depth"))
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, level ? 3 : 2))
    return false;
  uint32_t code = 0;
  while (kQueries[code] != *query)
    ++code;
  const ptx::Operand &address = inst.operands[1];
  if (!address.elements.empty())
    return fl.error(address.loc, "txq / suq take no coordinates");
  ptx::ScalarType kind = inst.opcode == "suq"          ? ptx::ScalarType::SurfRef
                         : independent && samplerQuery ? ptx::ScalarType::SamplerRef
                                                       : ptx::ScalarType::TexRef;
  Value *handle = readHandle(fl, address, kind);
  if (!handle)
    return false;
  auto &b = fl.builder();
  std::vector<llvm::Type *> parameters = {b.getInt64Ty(), b.getInt32Ty()};
  std::vector<Value *> arguments = {handle, b.getInt32(code)};
  if (level) {
    Value *lod = fl.read(inst.operands[2], b.getInt32Ty());
    if (!lod)
      return false;
    parameters.push_back(b.getInt32Ty());
    arguments.push_back(lod);
  }
  auto *type = llvm::FunctionType::get(b.getInt32Ty(), parameters, false);
  llvm::FunctionCallee callee =
      fl.module().getOrInsertFunction(level ? "cuport.txq.level" : "cuport.txq", type);
  if (auto *function = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    function->setDoesNotThrow();
    function->setOnlyReadsMemory();
  }
  return fl.write(inst.operands[0], b.CreateCall(callee, arguments));
}

// istypep.{texref,samplerref,surfref} p, a: i32 @cuport.istypep(i64 handle, i32 kind) (0 texref,
// 1 samplerref, 2 surfref) is nonzero when the handle is a live object of that kind.
bool lowerTypeTest(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  auto kind = mods.takeOneOf({"texref", "samplerref", "surfref"});
  if (!kind || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  Value *handle = fl.read(inst.operands[1], b.getInt64Ty());
  if (!handle)
    return false;
  uint32_t code = *kind == "texref" ? 0 : *kind == "samplerref" ? 1 : 2;
  auto *type = llvm::FunctionType::get(b.getInt32Ty(), {b.getInt64Ty(), b.getInt32Ty()}, false);
  llvm::FunctionCallee callee = fl.module().getOrInsertFunction("cuport.istypep", type);
  if (auto *function = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    function->setDoesNotThrow();
    function->setOnlyReadsMemory();
  }
  Value *result = b.CreateCall(callee, {handle, b.getInt32(code)});
  return fl.write(inst.operands[0], b.CreateICmpNE(result, b.getInt32(0)));
}

} // namespace

LoweringResult lowerTextureInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "tex" || inst.opcode == "tld4")
    return lowerTexture(fl, inst);
  if (inst.opcode == "suld" || inst.opcode == "sust")
    return lowerSurface(fl, inst);
  if (inst.opcode == "sured")
    return lowerSurfaceReduction(fl, inst);
  if (inst.opcode == "txq" || inst.opcode == "suq")
    return lowerQuery(fl, inst);
  if (inst.opcode == "istypep")
    return lowerTypeTest(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
