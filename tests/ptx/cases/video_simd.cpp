// The SIMD video instructions vadd2/4, vsub2/4, vavrg2/4, vabsdiff2/4, vmin2/4, vmax2/4 and
// vset2/4: SIMD merge with c, .sat, the .add accumulation, source selectors into the pair {b, a}
// and destination masks (PTX ISA 9.7.18.2).
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

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
  VideoForm(std::string name, unsigned laneCount, bool dIsSigned, bool aIsSigned, bool bIsSigned,
            bool saturates, bool accumulates)
      : op(std::move(name)), lanes(laneCount), dSigned(dIsSigned), aSigned(aIsSigned),
        bSigned(bIsSigned), saturate(saturates), accumulate(accumulates) {}

  std::string op;
  unsigned lanes;
  bool dSigned, aSigned, bSigned, saturate, accumulate;
  std::string asel, bsel, mask; // empty: the defaults (.h10/.b3210, .h32/.b7654, all lanes)
};

// extractAndSignExt: lane i of a selector is its (lanes - i)th digit, an index into the halves or
// bytes of {b, a}.
int64_t selectedLane(uint64_t a, uint64_t b, const std::string &selector, unsigned lanes,
                     unsigned lane, bool isSigned) {
  unsigned index = unsigned(selector[lanes - lane] - '0');
  return laneValue(b << 32 | a, 32 / lanes, index, isSigned);
}

// extractMaskBits: whether lane i is one of the mask's digits.
bool inMask(const std::string &mask, unsigned lane) {
  return mask.empty() || mask.find(char('0' + lane), 1) != std::string::npos;
}

uint64_t videoReference(const VideoForm &form, const uint64_t *a) {
  unsigned bits = 32 / form.lanes;
  std::string asel = !form.asel.empty() ? form.asel : form.lanes == 2 ? "h10" : "b3210";
  std::string bsel = !form.bsel.empty() ? form.bsel : form.lanes == 2 ? "h32" : "b7654";
  uint64_t result = form.accumulate ? a[2] : 0;
  for (unsigned i = 0; i < form.lanes; ++i) {
    int64_t t = laneOp(form.op, selectedLane(a[0], a[1], asel, form.lanes, i, form.aSigned),
                       selectedLane(a[0], a[1], bsel, form.lanes, i, form.bSigned));
    if (form.saturate) {
      int64_t low = form.dSigned ? -(int64_t(1) << (bits - 1)) : 0;
      int64_t high = form.dSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
      t = std::min(std::max(t, low), high);
    }
    bool written = inMask(form.mask, i);
    if (form.accumulate)
      result += written ? uint64_t(t) : 0;
    else
      result |= lowBits(written ? uint64_t(t) : a[2] >> (bits * i), bits) << (bits * i);
  }
  return result & 0xffffffff;
}

std::string videoStatement(const VideoForm &form, unsigned result) {
  auto type = [](bool isSigned) { return isSigned ? std::string("s32") : std::string("u32"); };
  auto selector = [](const std::string &name) { return name.empty() ? name : "." + name; };
  std::string instruction = form.op + std::to_string(form.lanes) + "." + type(form.dSigned) + "." +
                            type(form.aSigned) + "." + type(form.bSigned) +
                            (form.saturate ? ".sat" : "") + (form.accumulate ? ".add" : "");
  return "  " + instruction + " %r" + std::to_string(result) + selector(form.mask) + ", %a0" +
         selector(form.asel) + ", %a1" + selector(form.bsel) + ", %a2;\n";
}

void checkVideo(const VideoForm &form) {
  checkOperation({{"b32", "b32", "b32"}, {"b32"}, videoStatement(form, 0)},
                 [form](const uint64_t *a, uint64_t *r) { r[0] = videoReference(form, a); });
}

// Several forms in one kernel, result k from form k.
void checkVideoForms(const std::vector<VideoForm> &forms) {
  std::string body;
  std::vector<std::string> results;
  for (unsigned k = 0; k < forms.size(); ++k) {
    body += videoStatement(forms[k], k);
    results.push_back("b32");
  }
  checkOperation({{"b32", "b32", "b32"}, results, body}, [forms](const uint64_t *a, uint64_t *r) {
    for (size_t k = 0; k < forms.size(); ++k)
      r[k] = videoReference(forms[k], a);
  });
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

// Half-word selectors: all sixteen for a and for b (paired in rotation), each op and signedness.
const char *const kHalfSelectors[] = {"h00", "h01", "h02", "h03", "h10", "h11", "h12", "h13",
                                      "h20", "h21", "h22", "h23", "h30", "h31", "h32", "h33"};
// Byte selectors: identities, reversals, broadcasts, interleavings and mixes of a and b.
const char *const kByteSelectors[] = {"b3210", "b7654", "b0123", "b4567", "b0000", "b7777",
                                      "b1357", "b6420", "b5140", "b3276", "b2301", "b7351",
                                      "b0707", "b4444", "b1032", "b6543"};

PTX_CASE(VideoSimd, SourceSelectors) {
  for (const char *op : kVideoOps)
    for (unsigned lanes : {2u, 4u})
      for (unsigned signs = 0; signs < 8; ++signs) {
        const char *const *selectors = lanes == 2 ? kHalfSelectors : kByteSelectors;
        std::vector<VideoForm> forms;
        for (unsigned j = 0; j < 8; ++j) {
          VideoForm form{op,         lanes,     bool(signs & 4), bool(signs & 2), bool(signs & 1),
                         j % 4 == 1, j % 4 == 3};
          form.asel = selectors[(2 * j + signs) % 16];
          form.bsel = selectors[(5 * j + 3 * signs + 1) % 16];
          forms.push_back(form);
        }
        checkVideoForms(forms);
      }
}

// Every destination mask: the merge keeps c's lanes outside it, the accumulation adds only its
// lanes.
PTX_CASE(VideoSimd, DestinationMasks) {
  const std::vector<std::string> halfMasks = {"h0", "h1", "h10"};
  const std::vector<std::string> byteMasks = {"b0",   "b1",   "b10",  "b2",   "b20",
                                              "b21",  "b210", "b3",   "b30",  "b31",
                                              "b310", "b32",  "b320", "b321", "b3210"};
  for (const char *op : kVideoOps)
    for (unsigned lanes : {2u, 4u})
      for (unsigned signs = 0; signs < 8; signs += 3) {
        std::vector<VideoForm> forms;
        unsigned j = signs;
        for (const std::string &mask : lanes == 2 ? halfMasks : byteMasks)
          for (unsigned how = 0; how < 3; ++how) {
            // Merge, saturated merge, accumulate.
            VideoForm form{op,       lanes,   bool(signs & 4), bool(signs & 2), bool(signs & 1),
                           how == 1, how == 2};
            form.mask = mask;
            if (++j % 3 == 0)
              form.asel = lanes == 2 ? kHalfSelectors[j % 16] : kByteSelectors[j % 16];
            forms.push_back(form);
          }
        checkVideoForms(forms);
      }
}

// Forms the lowering does not take are rejected: .sat with .add, 64-bit types, selectors of the
// wrong width or length, masks out of order, a selector on c, immediate operands.
PTX_CASE(VideoSimd, UnsupportedFormsRejected) {
  for (const char *statement :
       {"vadd4.u32.u32.u32.sat.add %r0, %a0, %a1, %a2;", "vmax2.u64.u32.u32 %r0, %a0, %a1, %a2;",
        "vabsdiff4.u32.u32.f32 %r0, %a0, %a1, %a2;", "vadd2.u32.u32.u32 %r0, %a0.h1, %a1, %a2;",
        "vadd2.u32.u32.u32 %r0, %a0.b10, %a1, %a2;", "vadd4.u32.u32.u32 %r0, %a0, %a1.b765, %a2;",
        "vadd4.u32.u32.u32 %r0, %a0, %a1.h10, %a2;", "vmin4.u32.u32.u32 %r0.b01, %a0, %a1, %a2;",
        "vmin2.u32.u32.u32 %r0.h2, %a0, %a1, %a2;", "vmin4.u32.u32.u32 %r0.b4, %a0, %a1, %a2;",
        "vset4.u32.u32.lt %r0.h0, %a0, %a1, %a2;", "vmax4.u32.u32.u32 %r0, %a0, %a1, %a2.b3210;",
        "vset2.u32.u32.lt %r0, %a0, %a1, %a2.h10;", "vadd4.u32.u32.u32 %r0, %a0, %a1, 7;",
        "vadd2.u32.u32.u32 %r0, 7, %a1, %a2;"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(
        elementwiseModule({{"b32", "b32", "b32"}, {"b32"}, std::string("  ") + statement}));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << statement;
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

// vset2/vset4 with source selectors and destination masks: the compared lanes come from {b, a},
// lanes outside the mask keep c's (merge) or add nothing (accumulate).
PTX_CASE(VideoSimd, SetSelectorsAndMasks) {
  for (const char *comparison : {"eq", "ne", "lt", "le", "gt", "ge"})
    for (unsigned lanes : {2u, 4u}) {
      std::string body;
      std::vector<std::string> results;
      struct SetForm {
        bool aSigned, bSigned, accumulate;
        std::string asel, bsel, mask;
      };
      std::vector<SetForm> forms;
      for (unsigned j = 0; j < 8; ++j) {
        const char *const *selectors = lanes == 2 ? kHalfSelectors : kByteSelectors;
        SetForm form{bool(j & 2),
                     bool(j & 1),
                     bool(j & 4),
                     selectors[(3 * j + 1) % 16],
                     selectors[(7 * j + 2) % 16],
                     ""};
        if (j % 3 == 1)
          form.mask = lanes == 2 ? "h1" : "b31";
        else if (j % 3 == 2)
          form.mask = lanes == 2 ? "h0" : "b20";
        forms.push_back(form);
        body += std::string("  vset") + std::to_string(lanes) + (form.aSigned ? ".s32" : ".u32") +
                (form.bSigned ? ".s32." : ".u32.") + comparison + (form.accumulate ? ".add" : "") +
                " %r" + std::to_string(j) + (form.mask.empty() ? "" : "." + form.mask) + ", %a0." +
                form.asel + ", %a1." + form.bsel + ", %a2;\n";
        results.push_back("b32");
      }
      std::string how = comparison;
      checkOperation({{"b32", "b32", "b32"}, results, body}, [=](const uint64_t *a, uint64_t *r) {
        unsigned bits = 32 / lanes;
        for (size_t k = 0; k < forms.size(); ++k) {
          const SetForm &form = forms[k];
          uint64_t result = form.accumulate ? a[2] : 0;
          for (unsigned i = 0; i < lanes; ++i) {
            int64_t x = selectedLane(a[0], a[1], form.asel, lanes, i, form.aSigned);
            int64_t y = selectedLane(a[0], a[1], form.bsel, lanes, i, form.bSigned);
            bool holds = how == "eq"   ? x == y
                         : how == "ne" ? x != y
                         : how == "lt" ? x < y
                         : how == "le" ? x <= y
                         : how == "gt" ? x > y
                                       : x >= y;
            bool written = inMask(form.mask, i);
            if (form.accumulate)
              result += written && holds ? 1 : 0;
            else
              result |= (written ? uint64_t(holds) : lowBits(a[2] >> (bits * i), bits))
                        << (bits * i);
          }
          r[k] = result & 0xffffffff;
        }
      });
    }
}

} // namespace
} // namespace cuport::conformance
