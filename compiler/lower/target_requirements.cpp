// Target and PTX ISA version requirements of instruction forms, after the PTX ISA's "Target ISA
// notes" and "PTX ISA notes" (and what ptxas enforces, checked by
// tests/coverage/ptxas_legality_test.py).
#include "compiler/lower/target_requirements.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace cuport::lower {
namespace {

bool has(const ptx::Instruction &inst, std::string_view modifier) {
  return std::ranges::find(inst.modifiers, modifier) != inst.modifiers.end();
}

// The cluster scope and the cluster state spaces (.cluster, .shared::cluster) came with sm_90.
bool namesCluster(const ptx::Instruction &inst) {
  return std::ranges::any_of(inst.modifiers, [](const std::string &modifier) {
    return modifier == "cluster" || modifier.ends_with("::cluster");
  });
}

// fence.proxy.async and the tensormap proxy fences came with sm_90.
bool isSm90Fence(const ptx::Instruction &inst) {
  return inst.opcode == "fence" &&
         std::ranges::any_of(inst.modifiers, [](const std::string &modifier) {
           return modifier == "async" || modifier.starts_with("tensormap");
         });
}

// The bulk asynchronous copies and the asynchronous stores and reductions came with sm_90.
bool isBulkOrAsyncStore(const ptx::Instruction &inst) {
  const std::vector<std::string> &mods = inst.modifiers;
  if (inst.opcode == "st" || inst.opcode == "red")
    return !mods.empty() && mods[0] == "async";
  if (inst.opcode != "cp")
    return false;
  return (mods.size() > 1 && mods[0] == "async" && mods[1] == "bulk") ||
         (mods.size() > 2 && mods[0] == "reduce" && mods[1] == "async" && mods[2] == "bulk");
}

bool isTypeName(const std::string &modifier) {
  static const char *const kTypes[] = {
      "b8",  "b16", "b32", "b64", "b128", "u8",   "u16",  "u32",   "u64",    "s8",    "s16",
      "s32", "s64", "f16", "f32", "f64",  "bf16", "tf32", "f16x2", "bf16x2", "u16x2", "s16x2"};
  return std::ranges::find(kTypes, modifier) != std::end(kTypes);
}

// cvt.dtype.atype: the two types, destination first.
std::vector<std::string> typesOf(const ptx::Instruction &inst) {
  std::vector<std::string> types;
  for (const std::string &modifier : inst.modifiers)
    if (isTypeName(modifier))
      types.push_back(modifier);
  return types;
}

unsigned cvtTarget(const ptx::Instruction &inst) {
  std::vector<std::string> types = typesOf(inst);
  if (types.size() != 2)
    return 0;
  const std::string &to = types[0], &from = types[1];
  if (to == "bf16" || from == "bf16") {
    // f32 <-> bf16 came with sm_80; bf16 with every other type, and .ftz on f32 results, with
    // sm_90.
    const std::string &other = to == "bf16" ? from : to;
    if (other != "f32" || (to == "f32" && has(inst, "ftz")))
      return 90;
    return 80;
  }
  if (to == "tf32") // .rna with sm_80; .rn and .rz with sm_90, and with .satfinite sm_100
    return has(inst, "rna") ? 80 : has(inst, "satfinite") ? 100 : 90;
  if (to == "f16x2" || to == "bf16x2" || has(inst, "relu"))
    return 80;
  return 0;
}

unsigned halfTarget(const ptx::Instruction &inst) {
  const std::string &op = inst.opcode;
  bool bfloat = has(inst, "bf16") || has(inst, "bf16x2");
  // The bf16 forms of these came with sm_90; fma, min, max, abs and neg have them since sm_80.
  if (bfloat && (op == "add" || op == "sub" || op == "mul" || op == "setp" || op == "set" ||
                 op == "tanh" || op == "ex2"))
    return 90;
  if (bfloat || has(inst, "tf32"))
    return 80;
  if ((op == "min" || op == "max") && (has(inst, "f16") || has(inst, "f16x2")))
    return 80;
  return 0;
}

// cvt forms newer than their types: f32 from bf16 (7.1, where bf16 to f32 came with 7.0) and
// .satfinite to the half and tf32 formats (8.1; tf32 with .rn / .rz takes it from 8.6 on).
unsigned cvtVersion(const ptx::Instruction &inst) {
  std::vector<std::string> types = typesOf(inst);
  if (types.size() != 2)
    return 0;
  unsigned version = 0;
  if (types[0] == "f32" && types[1] == "bf16")
    version = 71;
  if (has(inst, "satfinite"))
    version = std::max(version, types[0] == "tf32" && !has(inst, "rna") ? 86u : 81u);
  if (has(inst, "relu"))
    version = std::max(version, 70u);
  return version;
}

bool hasPrefix(const ptx::Instruction &inst, std::string_view prefix) {
  return std::ranges::any_of(
      inst.modifiers, [&](const std::string &modifier) { return modifier.starts_with(prefix); });
}

// The warp, matrix, asynchronous-copy, barrier and cache instructions' targets (what ptxas
// enforces for the forms the legality check generates).
unsigned asyncAndWarpTarget(const ptx::Instruction &inst) {
  const std::string &op = inst.opcode;
  bool asyncCopy = op == "cp" && has(inst, "async");
  if (op == "stmatrix" || op == "griddepcontrol" || op == "elect" || hasPrefix(inst, "tensormap") ||
      (asyncCopy && has(inst, "bulk")) ||
      (op == "mbarrier" &&
       (has(inst, "try_wait") || has(inst, "expect_tx") || has(inst, "complete_tx"))))
    return 90;
  if (op == "cvt" && (hasPrefix(inst, "e4m3") || hasPrefix(inst, "e5m2")))
    return 89;
  if (op == "redux" || op == "mbarrier" || asyncCopy || op == "createpolicy" || op == "discard" ||
      op == "applypriority" || has(inst, "L2::cache_hint") || has(inst, "L2::256B") ||
      (op == "prefetch" && hasPrefix(inst, "L2::evict")))
    return 80;
  return 0;
}

// Their PTX ISA versions.
unsigned asyncAndWarpVersion(const ptx::Instruction &inst) {
  const std::string &op = inst.opcode;
  bool asyncCopy = op == "cp" && has(inst, "async");
  if (op == "elect" || (op == "fence" && has(inst, "async")) ||
      (op == "prefetch" && has(inst, "tensormap")) ||
      (op == "mbarrier" && (has(inst, "expect_tx") || has(inst, "complete_tx"))))
    return 80;
  if (op == "movmatrix" || (op == "mbarrier" && has(inst, "try_wait")) ||
      (op == "barrier" && has(inst, "cluster")))
    return 78;
  if ((op == "cvta" || op == "isspacep") && has(inst, "param"))
    return 77;
  if (op == "createpolicy" || op == "discard" || op == "applypriority" ||
      has(inst, "L2::cache_hint") || has(inst, "L1::no_allocate") ||
      ((op == "ld" || op == "ldu") &&
       (has(inst, "L2::64B") || has(inst, "L2::128B") || has(inst, "L2::256B"))) ||
      (op == "prefetch" && hasPrefix(inst, "L2::evict")))
    return 74;
  if (op == "alloca" || op == "stacksave" || op == "stackrestore")
    return 73;
  if (op == "mbarrier" || asyncCopy)
    return 70;
  if (op == "ldmatrix" || (op == "cvt" && has(inst, "pack")))
    return 65;
  return 0;
}

bool hasHalfType(const ptx::Instruction &inst) {
  return has(inst, "f16") || has(inst, "f16x2");
}

// wmma came with sm_70, its s8/u8 forms with sm_72, the sub-byte shapes (m8n8k32 .s4/.u4,
// m8n8k128 .b1 .xor.popc) with sm_75, and the f64 form (m8n8k4) and .and.popc with sm_80; bf16
// and tf32 are halfTarget's.
unsigned wmmaTarget(const ptx::Instruction &inst) {
  if (has(inst, "and") || has(inst, "f64") || has(inst, "m8n8k4"))
    return 80;
  if (has(inst, "m8n8k32") || has(inst, "m8n8k128") || has(inst, "s4") || has(inst, "u4") ||
      has(inst, "b1"))
    return 75;
  if (has(inst, "s8") || has(inst, "u8"))
    return 72;
  return 70;
}

// mma: the m16n8 shapes but m16n8k8 (and m8n8k4 with .f64), .and.popc and sparse mma came with
// sm_80, .e4m3 / .e5m2 with sm_89, the m16n8 .f64 shapes with sm_90; m8n8k4 .f16, m16n8k8 .f16,
// m8n8k16, m8n8k32 and m8n8k128 .xor.popc are older.
unsigned mmaTarget(const ptx::Instruction &inst) {
  bool f64 = has(inst, "f64");
  if (f64 && !has(inst, "m8n8k4"))
    return 90;
  if (has(inst, "e4m3") || has(inst, "e5m2"))
    return 89;
  bool m16n8 = std::ranges::any_of(inst.modifiers, [](const std::string &modifier) {
    return modifier.starts_with("m16n8k") && modifier != "m16n8k8";
  });
  if (m16n8 || f64 || has(inst, "and") || has(inst, "sp") || has(inst, "sp::ordered_metadata"))
    return 80;
  return 0;
}

// The PTX ISA version of each mma form: 6.4 for m8n8k4 .f16; 6.5 for m16n8k8 .f16, m8n8k16 and
// m8n8k32; 7.0 for m8n8k128, the sm_80 shapes and m8n8k4 .f64; 7.1 for .and.popc and mma.sp; 7.8
// for the m16n8 .f64 shapes; 8.4 for .e4m3 / .e5m2 (8.7 for m16n8k16 and .f16 accumulators); 8.5
// for mma.sp::ordered_metadata.
unsigned mmaVersion(const ptx::Instruction &inst) {
  bool f64 = has(inst, "f64");
  unsigned version = 64;
  if (has(inst, "m16n8k8") || has(inst, "m8n8k16") || has(inst, "m8n8k32"))
    version = 65;
  if (mmaTarget(inst) >= 80 || has(inst, "m8n8k128"))
    version = std::max(version, 70u);
  if (has(inst, "and") || has(inst, "sp"))
    version = std::max(version, 71u);
  if (f64 && !has(inst, "m8n8k4"))
    version = std::max(version, 78u);
  if (has(inst, "e4m3") || has(inst, "e5m2"))
    version = std::max(version, has(inst, "m16n8k16") || has(inst, "f16") ? 87u : 84u);
  if (has(inst, "sp::ordered_metadata"))
    version = std::max(version, 85u);
  return version;
}

} // namespace

unsigned minimumTarget(const ptx::Instruction &inst) {
  const std::string &op = inst.opcode;
  unsigned target = 0;
  if (namesCluster(inst) || isSm90Fence(inst) || isBulkOrAsyncStore(inst) ||
      has(inst, "oob")) // .oob: fma on halves
    target = 90;
  if (has(inst, "u16x2") || has(inst, "s16x2"))
    target = std::max(target, 90u);
  target = std::max(target, asyncAndWarpTarget(inst));
  if (op == "cvt")
    return std::max(target, cvtTarget(inst));
  if (op == "mma")
    target = std::max(target, mmaTarget(inst));
  target = std::max(target, halfTarget(inst));
  if (op == "wmma")
    target = std::max(target, wmmaTarget(inst));
  if (op == "min" || op == "max") {
    if (has(inst, "relu"))
      target = std::max(target, 90u);
    if (has(inst, "abs")) // .xorsign.abs
      target = std::max(target, 86u);
    if (has(inst, "NaN"))
      target = std::max(target, 80u);
  } else if (has(inst, "relu")) {
    target = std::max(target, 80u);
  }
  return target;
}

unsigned minimumVersion(const ptx::Instruction &inst, unsigned target) {
  const std::string &op = inst.opcode;
  unsigned version = 0;
  auto need = [&](unsigned required) { version = std::max(version, required); };
  if (has(inst, "u16x2") || has(inst, "s16x2"))
    need(80);
  if (has(inst, "mmio"))
    need(82);
  if ((op == "st" || op == "red") && !inst.modifiers.empty() && inst.modifiers[0] == "async")
    need(81);
  if (op == "cp" && has(inst, "bulk")) // cp.async.bulk and cp.reduce.async.bulk: PTX 8.0
    need(80);
  // cp.async.bulk into .shared::cta came with PTX 8.6 (.shared::cluster with 8.0).
  if (op == "cp" && inst.modifiers.size() > 3 && inst.modifiers[0] == "async" &&
      inst.modifiers[1] == "bulk" && inst.modifiers[2] == "shared::cta")
    need(86);
  if (has(inst, "oob"))
    need(81);
  need(asyncAndWarpVersion(inst));
  // The e4m3 / e5m2 conversions came with PTX 7.8 for sm_90, with 8.1 for sm_89.
  if (op == "cvt" && (hasPrefix(inst, "e4m3") || hasPrefix(inst, "e5m2")))
    need(target == 89 ? 81 : 78);
  if (op == "cvt")
    return std::max(version, cvtVersion(inst));
  if (op == "mma")
    need(mmaVersion(inst));
  if (op == "szext" || op == "bmsk")
    need(76);
  if (op == "sured" && (has(inst, "min") || has(inst, "max")) &&
      (has(inst, "u64") || has(inst, "s64") || has(inst, "b64")))
    need(81);
  if (op == "tanh" || (op == "ex2" && hasHalfType(inst)))
    need(70);
  if (op == "abs" && hasHalfType(inst))
    need(65);
  // set on halves with an integer result; the half-typed result came earlier.
  if (op == "set" && hasHalfType(inst) && typesOf(inst).size() == 2 && typesOf(inst)[0] != "f16" &&
      typesOf(inst)[0] != "f16x2")
    need(65);
  if (op == "min" || op == "max") {
    if (has(inst, "relu"))
      need(80);
    if (has(inst, "abs")) // .xorsign.abs
      need(72);
    if (has(inst, "NaN"))
      need(70);
  } else if (has(inst, "relu")) {
    need(70);
  }
  return version;
}

std::optional<unsigned> moduleVersion(const ptx::Module &module) {
  if (module.versionMajor == 0 && module.versionMinor == 0)
    return std::nullopt;
  return module.versionMajor * 10 + module.versionMinor;
}

std::optional<unsigned> moduleTarget(const ptx::Module &module) {
  for (const std::string &target : module.targets) {
    if (!target.starts_with("sm_"))
      continue;
    unsigned number = 0;
    const char *begin = target.data() + 3, *end = target.data() + target.size();
    if (std::from_chars(begin, end, number).ec == std::errc())
      return number;
  }
  return std::nullopt;
}

} // namespace cuport::lower
