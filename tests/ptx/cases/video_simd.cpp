// The SIMD video instructions vadd2/4, vsub2/4, vavrg2/4, vabsdiff2/4, vmin2/4, vmax2/4 with the
// default selectors: SIMD merge with c, .sat, and the .add accumulation (PTX ISA 9.7.16.2).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"

namespace cuport::conformance {
namespace {

int64_t laneValue(uint64_t word, unsigned bits, unsigned index, bool isSigned) {
  uint64_t part = lowBits(word >> (bits * index), bits);
  return isSigned ? signExtend(part, bits) : int64_t(part);
}

int64_t laneOp(const std::string &op, int64_t x, int64_t y) {
  if (op == "vadd")
    return x + y;
  if (op == "vsub")
    return x - y;
  if (op == "vavrg")
    return x + y >= 0 ? (x + y + 1) >> 1 : (x + y) >> 1;
  if (op == "vabsdiff")
    return x > y ? x - y : y - x;
  if (op == "vmin")
    return std::min(x, y);
  return std::max(x, y);
}

struct VideoForm {
  std::string op;
  unsigned lanes;
  bool dSigned, aSigned, bSigned, saturate, accumulate;
};

uint64_t videoReference(const VideoForm &form, const uint64_t *a) {
  unsigned bits = 32 / form.lanes;
  uint64_t result = form.accumulate ? a[2] : 0;
  for (unsigned i = 0; i < form.lanes; ++i) {
    int64_t t = laneOp(form.op, laneValue(a[0], bits, i, form.aSigned),
                       laneValue(a[1], bits, i, form.bSigned));
    if (form.saturate) {
      int64_t low = form.dSigned ? -(int64_t(1) << (bits - 1)) : 0;
      int64_t high = form.dSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
      t = std::min(std::max(t, low), high);
    }
    if (form.accumulate)
      result += uint64_t(t);
    else
      result |= lowBits(uint64_t(t), bits) << (bits * i);
  }
  return result & 0xffffffff;
}

void checkVideo(const VideoForm &form) {
  auto type = [](bool isSigned) { return isSigned ? std::string("s32") : std::string("u32"); };
  std::string instruction = form.op + std::to_string(form.lanes) + "." + type(form.dSigned) + "." +
                            type(form.aSigned) + "." + type(form.bSigned) +
                            (form.saturate ? ".sat" : "") + (form.accumulate ? ".add" : "");
  checkOperation({{"b32", "b32", "b32"}, {"b32"}, "  " + instruction + " %r0, %a0, %a1, %a2;"},
                 [form](const uint64_t *a, uint64_t *r) { r[0] = videoReference(form, a); });
}

const char *const kVideoOps[] = {"vadd", "vsub", "vavrg", "vabsdiff", "vmin", "vmax"};

PTX_CASE(VideoSimd, MergeAndSaturate) {
  for (const char *op : kVideoOps)
    for (unsigned lanes : {2u, 4u})
      for (unsigned signs = 0; signs < 8; ++signs)
        for (bool saturate : {false, true})
          checkVideo(
              {op, lanes, bool(signs & 4), bool(signs & 2), bool(signs & 1), saturate, false});
}

PTX_CASE(VideoSimd, Accumulate) {
  for (const char *op : kVideoOps)
    for (unsigned lanes : {2u, 4u})
      for (unsigned signs = 0; signs < 8; ++signs)
        checkVideo({op, lanes, bool(signs & 4), bool(signs & 2), bool(signs & 1), false, true});
}

// What nvcc emits for __vsadu4 and __vabsdiffu4: the accumulating and the merging form.
PTX_CASE(VideoSimd, AbsdiffUnsignedBytes) {
  VideoForm form{"vabsdiff", 4, false, false, false, false, true};
  ElementwiseOp op{{"b32", "b32", "b32"},
                   {"b32", "b32"},
                   "  vabsdiff4.u32.u32.u32.add %r0, %a0, %a1, %a2;\n"
                   "  vabsdiff4.u32.u32.u32 %r1, %a0, %a1, %a2;"};
  VideoForm merge = form;
  merge.accumulate = false;
  checkOperation(op, [form, merge](const uint64_t *a, uint64_t *r) {
    r[0] = videoReference(form, a);
    r[1] = videoReference(merge, a);
  });
}

// Forms the lowering does not take are rejected: .sat with .add, and 64-bit types.
PTX_CASE(VideoSimd, UnsupportedFormsRejected) {
  for (const char *instruction :
       {"vadd4.u32.u32.u32.sat.add", "vmax2.u64.u32.u32", "vabsdiff4.u32.u32.f32"}) {
    Launch launch;
    launch.ptx = elementwiseModule(
        {{"b32", "b32", "b32"}, {"b32"}, std::string("  ") + instruction + " %r0, %a0, %a1, %a2;"});
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("unsupported"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance

namespace cuport::conformance {
namespace {

// vset2/vset4: each lane 1 when the comparison of the extended lanes holds, else 0; merged with
// c or summed into it.
PTX_CASE(VideoSimd, Set) {
  for (const char *comparison : {"eq", "ne", "lt", "le", "gt", "ge"})
    for (unsigned lanes : {2u, 4u})
      for (unsigned signs = 0; signs < 4; ++signs)
        for (bool accumulate : {false, true}) {
          bool aSigned = signs & 2, bSigned = signs & 1;
          std::string instruction = "vset" + std::to_string(lanes) + (aSigned ? ".s32" : ".u32") +
                                    (bSigned ? ".s32." : ".u32.") + comparison +
                                    (accumulate ? ".add" : "");
          std::string how = comparison;
          checkOperation(
              {{"b32", "b32", "b32"}, {"b32"}, "  " + instruction + " %r0, %a0, %a1, %a2;"},
              [=](const uint64_t *a, uint64_t *r) {
                unsigned bits = 32 / lanes;
                uint64_t result = accumulate ? a[2] : 0;
                for (unsigned i = 0; i < lanes; ++i) {
                  int64_t x = laneValue(a[0], bits, i, aSigned),
                          y = laneValue(a[1], bits, i, bSigned);
                  bool holds = how == "eq"   ? x == y
                               : how == "ne" ? x != y
                               : how == "lt" ? x < y
                               : how == "le" ? x <= y
                               : how == "gt" ? x > y
                                             : x >= y;
                  result += accumulate ? uint64_t(holds) : uint64_t(holds) << (bits * i);
                }
                r[0] = result & 0xffffffff;
              });
        }
}

// The scalar video instructions (with their byte and half selectors and secondary operations)
// are not lowered: they are rejected at load with a diagnostic naming them.
PTX_CASE(VideoScalar, Rejected) {
  for (const char *instruction :
       {"vadd.u32.u32.u32 %r0, %a0, %a1;", "vabsdiff.s32.s32.s32.sat %r0, %a0, %a1;",
        "vshl.u32.u32.u32.clamp %r0, %a0, %a1;", "vshr.u32.u32.u32.wrap %r0, %a0, %a1;",
        "vmad.u32.u32.u32 %r0, %a0, %a1, %a2;", "vset.u32.u32.lt %r0, %a0, %a1;",
        "vmin.s32.s32.s32 %r0, %a0, %a1;", "vmax.u32.u32.u32 %r0, %a0, %a1;",
        "vsub.u32.u32.u32 %r0, %a0, %a1;"}) {
    Launch launch;
    launch.ptx =
        elementwiseModule({{"b32", "b32", "b32"}, {"b32"}, std::string("  ") + instruction});
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    std::string opcode = std::string(instruction).substr(0, std::string(instruction).find('.'));
    EXPECT_NE(outcome.message.find("'" + opcode), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
