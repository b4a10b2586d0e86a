// The scalar video instructions vadd, vsub, vabsdiff, vmin, vmax, vshl, vshr, vset and vmad
// (PTX ISA 9.7.18.1): byte/half/word operand selectors, saturation, the secondary .add/.min/.max
// and the data merge at a destination selector; vmad's negations, .po and scaling.
//
// The references follow the ISA's pseudocode and the types it gives its helpers: inputs are .s33,
// the primary result .s34, optSaturate and the secondary operation .s33 values (c extended by
// the destination's sign), and the low 32 bits are written.
#include "tests/ptx/cases/integer_reference.h"
#include "tests/ptx/elementwise.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

const char *const kSelectors[] = {"", "b0", "b1", "b2", "b3", "h0", "h1"};
const char *const kArithmetic[] = {"vadd", "vsub", "vabsdiff", "vmin", "vmax"};

// partSelectSignExtend: the byte, half-word or word a selector names, extended by the type.
int64_t partSelect(uint64_t word, const std::string &selector, bool isSigned) {
  unsigned bits = 32, shift = 0;
  if (!selector.empty()) {
    bits = selector[0] == 'b' ? 8 : 16;
    shift = bits * unsigned(selector[1] - '0');
  }
  uint64_t part = lowBits(word >> shift, bits);
  return isSigned ? signExtend(part, bits) : int64_t(part);
}

// Bits of the destination a merge selector names (the whole word without one).
unsigned destinationBits(const std::string &dsel) {
  return dsel.empty() ? 32 : dsel[0] == 'b' ? 8 : 16;
}

struct ScalarVideo {
  std::string op; // vadd, vsub, vabsdiff, vmin, vmax, vshl, vshr, vset
  bool dSigned = false, aSigned = false, bSigned = false;
  bool saturate = false;
  std::string asel, bsel, dsel; // empty: no selector
  std::string secondary;        // add, min, max or empty
  std::string mode;             // vshl/vshr: clamp or wrap
  std::string comparison;       // vset

  bool takesC() const { return !secondary.empty() || !dsel.empty(); }

  std::string statement(unsigned result) const {
    auto type = [](bool isSigned) { return isSigned ? std::string(".s32") : std::string(".u32"); };
    std::string text = "  " + op;
    if (op == "vset")
      text += type(aSigned) + type(bSigned) + "." + comparison;
    else
      text += type(dSigned) + type(aSigned) + type(bSigned) + (saturate ? ".sat" : "");
    if (!mode.empty())
      text += "." + mode;
    if (!secondary.empty())
      text += "." + secondary;
    text += " %r" + std::to_string(result) + (dsel.empty() ? "" : "." + dsel) + ", %a0" +
            (asel.empty() ? "" : "." + asel) + ", %a1" + (bsel.empty() ? "" : "." + bsel);
    return text + (takesC() ? ", %a2;\n" : ";\n");
  }

  uint64_t reference(uint64_t a, uint64_t b, uint64_t c) const {
    int64_t ta = partSelect(a, asel, aSigned), tb = partSelect(b, bsel, bSigned);
    int64_t tmp = 0;
    if (op == "vadd") {
      tmp = ta + tb;
    } else if (op == "vsub") {
      tmp = ta - tb;
    } else if (op == "vabsdiff") {
      tmp = ta > tb ? ta - tb : tb - ta;
    } else if (op == "vmin") {
      tmp = std::min(ta, tb);
    } else if (op == "vmax") {
      tmp = std::max(ta, tb);
    } else if (op == "vset") {
      const std::string &how = comparison;
      bool holds = how == "eq"   ? ta == tb
                   : how == "ne" ? ta != tb
                   : how == "lt" ? ta < tb
                   : how == "le" ? ta <= tb
                   : how == "gt" ? ta > tb
                                 : ta >= tb;
      tmp = holds ? 1 : 0;
    } else {
      // b is .u32; the result is the ISA's signed 34-bit intermediate.
      uint64_t amount = uint64_t(tb);
      amount = mode == "clamp" ? std::min<uint64_t>(amount, 32) : amount & 0x1f;
      tmp = op == "vshl" ? signExtend(uint64_t(ta) << amount, 34) : ta >> amount;
    }
    if (saturate) {
      unsigned bits = destinationBits(dsel);
      int64_t low = dSigned ? -(int64_t(1) << (bits - 1)) : 0;
      int64_t high = dSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
      tmp = std::min(std::max(tmp, low), high);
    }
    uint64_t d = uint64_t(tmp);
    if (!secondary.empty()) {
      int64_t value = signExtend(uint64_t(tmp), 33);
      int64_t wideC = dSigned ? signExtend(c, 32) : int64_t(lowBits(c, 32));
      d = uint64_t(secondary == "add"   ? value + wideC
                   : secondary == "min" ? std::min(value, wideC)
                                        : std::max(value, wideC));
    } else if (!dsel.empty()) {
      unsigned bits = destinationBits(dsel);
      unsigned shift = bits * unsigned(dsel[1] - '0');
      uint64_t field = lowBits(~uint64_t(0), bits) << shift;
      d = ((uint64_t(tmp) << shift) & field) | (c & ~field);
    }
    return lowBits(d, 32);
  }
};

// Several forms in one kernel, each writing its own result from the operands a, b and c.
void checkForms(const std::vector<ScalarVideo> &forms, const std::vector<Domain> &domains = {}) {
  std::string body;
  std::vector<std::string> results;
  for (unsigned k = 0; k < forms.size(); ++k) {
    body += forms[k].statement(k);
    results.push_back("b32");
  }
  checkOperation(
      {{"b32", "b32", "b32"}, results, body},
      [forms](const uint64_t *a, uint64_t *r) {
        for (size_t k = 0; k < forms.size(); ++k)
          r[k] = forms[k].reference(a[0], a[1], a[2]);
      },
      domains);
}

ScalarVideo form(const std::string &op, unsigned signs) {
  ScalarVideo f;
  f.op = op;
  f.dSigned = signs & 4;
  f.aSigned = signs & 2;
  f.bSigned = signs & 1;
  return f;
}

// Every pairing of a and b selectors (the b selector rotates with the signedness), with and
// without saturation to the 32-bit destination.
PTX_CASE(VideoScalar, ArithmeticSelectors) {
  for (const char *op : kArithmetic)
    for (unsigned signs = 0; signs < 8; ++signs)
      for (bool saturate : {false, true}) {
        std::vector<ScalarVideo> forms;
        for (unsigned j = 0; j < 7; ++j) {
          ScalarVideo f = form(op, signs);
          f.saturate = saturate;
          f.asel = kSelectors[j];
          f.bsel = kSelectors[(j + signs) % 7];
          forms.push_back(f);
        }
        checkForms(forms);
      }
}

// .add, .min and .max with c, saturated or not (saturation comes first).
PTX_CASE(VideoScalar, SecondaryOperations) {
  for (const char *op : kArithmetic)
    for (unsigned signs = 0; signs < 8; ++signs) {
      std::vector<ScalarVideo> forms;
      unsigned j = signs;
      for (const char *secondary : {"add", "min", "max"})
        for (bool saturate : {false, true}) {
          ScalarVideo f = form(op, signs);
          f.secondary = secondary;
          f.saturate = saturate;
          f.asel = kSelectors[j % 7];
          f.bsel = kSelectors[(j * 3 + 1) % 7];
          ++j;
          forms.push_back(f);
        }
      checkForms(forms);
    }
}

// The result truncated (or saturated to the byte / half-word) and merged into c.
PTX_CASE(VideoScalar, MergeIntoDestination) {
  for (const char *op : kArithmetic)
    for (unsigned signs = 0; signs < 8; ++signs) {
      std::vector<ScalarVideo> forms;
      unsigned j = signs;
      for (const char *dsel : {"b0", "b1", "b2", "b3", "h0", "h1"})
        for (bool saturate : {false, true}) {
          ScalarVideo f = form(op, signs);
          f.dsel = dsel;
          f.saturate = saturate;
          f.asel = kSelectors[j % 7];
          f.bsel = kSelectors[(j * 5 + 2) % 7];
          ++j;
          forms.push_back(f);
        }
      checkForms(forms);
    }
}

// Shift amounts: every byte value up to 63 so that any selector of b sees small and clamped
// amounts, plus the word boundaries.
Domain videoShiftDomain() {
  std::vector<uint64_t> values;
  for (uint64_t amount = 0; amount <= 40; ++amount)
    values.push_back(amount);
  for (uint64_t amount : {63u, 64u, 255u, 256u, 0x1f1f1f1fu, 0x20202020u, 0x21212121u, 0x0100u,
                          0x00200000u, 0x80000000u, 0xffffffffu})
    values.push_back(amount);
  return {values, 0x3f3f3f3f};
}

PTX_CASE(VideoScalar, Shifts) {
  for (const char *op : {"vshl", "vshr"})
    for (const char *mode : {"clamp", "wrap"})
      for (unsigned signs = 0; signs < 8; signs += 2) {
        std::vector<ScalarVideo> forms;
        unsigned j = signs;
        for (const char *secondary : {"", "add", "min", "max"})
          for (bool saturate : {false, true}) {
            ScalarVideo f = form(op, signs);
            f.mode = mode;
            f.secondary = secondary;
            f.saturate = saturate;
            f.asel = kSelectors[j % 7];
            f.bsel = kSelectors[(j * 3) % 7];
            ++j;
            forms.push_back(f);
          }
        for (const char *dsel : {"b1", "h0", "b3", "h1"}) {
          ScalarVideo f = form(op, signs);
          f.mode = mode;
          f.dsel = dsel;
          f.saturate = j % 2;
          f.asel = kSelectors[j % 7];
          ++j;
          forms.push_back(f);
        }
        checkForms(forms, {Domain{}, videoShiftDomain()});
      }
}

// vset: 0 or 1 from comparing the extended parts, then the secondary operation or the merge.
PTX_CASE(VideoScalar, Set) {
  for (const char *comparison : {"eq", "ne", "lt", "le", "gt", "ge"})
    for (unsigned signs = 0; signs < 4; ++signs) {
      std::vector<ScalarVideo> forms;
      unsigned j = signs;
      for (const char *secondary : {"", "add", "min", "max"})
        for (const char *dsel : {"", "b2"}) {
          if (*secondary && *dsel)
            continue;
          for (unsigned repeat = 0; repeat < 2; ++repeat) {
            ScalarVideo f = form("vset", signs);
            f.comparison = comparison;
            f.secondary = secondary;
            f.dsel = dsel;
            f.asel = kSelectors[j % 7];
            f.bsel = kSelectors[(j * 3 + repeat) % 7];
            ++j;
            forms.push_back(f);
          }
        }
      forms.push_back(form("vset", signs));
      forms.back().comparison = comparison;
      forms.back().dsel = "h1";
      checkForms(forms);
    }
}

// Every pair of selected bytes (the other bytes vary too), for each arithmetic operation with
// signed saturation merged into a byte and unsigned saturation of the word.
PTX_CASE(VideoScalar, EveryBytePair) {
  std::vector<ScalarVideo> forms;
  for (const char *op : kArithmetic) {
    ScalarVideo merged = form(op, 4 | 2);
    merged.saturate = true;
    merged.asel = "b1";
    merged.bsel = "b2";
    merged.dsel = "b3";
    forms.push_back(merged);
    ScalarVideo word = form(op, 1);
    word.saturate = true;
    word.asel = "b1";
    word.bsel = "b2";
    word.secondary = "min";
    forms.push_back(word);
  }
  std::string body;
  std::vector<std::string> results;
  for (unsigned k = 0; k < forms.size(); ++k) {
    body += forms[k].statement(k);
    results.push_back("b32");
  }
  std::mt19937_64 random = randomFor(currentCaseName());
  std::vector<uint64_t> rows;
  for (uint64_t x = 0; x < 256; ++x)
    for (uint64_t y = 0; y < 256; ++y) {
      uint64_t noise = random();
      rows.push_back((noise & 0xffff00ff) | x << 8);
      rows.push_back((noise >> 32 & 0xff00ffff) | y << 16);
      rows.push_back(random() & 0xffffffff);
    }
  checkElementwise({{"b32", "b32", "b32"}, results, body}, rows,
                   [forms](const uint64_t *a, uint64_t *r) {
                     for (size_t k = 0; k < forms.size(); ++k)
                       r[k] = forms[k].reference(a[0], a[1], a[2]);
                   });
}

struct MadForm {
  bool dSigned = false, aSigned = false, bSigned = false;
  bool negateA = false, negateB = false, negateC = false, plusOne = false, saturate = false;
  std::string scale, asel, bsel;

  std::string statement(unsigned result) const {
    auto type = [](bool isSigned) { return isSigned ? std::string(".s32") : std::string(".u32"); };
    return "  vmad" + type(dSigned) + type(aSigned) + type(bSigned) + (plusOne ? ".po" : "") +
           (saturate ? ".sat" : "") + (scale.empty() ? "" : "." + scale) + " %r" +
           std::to_string(result) + ", " + (negateA ? "-" : "") + "%a0" +
           (asel.empty() ? "" : "." + asel) + ", " + (negateB ? "-" : "") + "%a1" +
           (bsel.empty() ? "" : "." + bsel) + ", " + (negateC ? "-" : "") + "%a2;\n";
  }

  // The ISA's vmad pseudocode, in 128-bit arithmetic.
  uint64_t reference(uint64_t a, uint64_t b, uint64_t c) const {
    __int128 ta = partSelect(a, asel, aSigned), tb = partSelect(b, bsel, bSigned);
    bool productNegated = negateA != negateB;
    bool signedFinal = aSigned || bSigned || productNegated || negateC;
    unsigned __int128 tmp = (unsigned __int128)(ta * tb);
    unsigned lsb = 0;
    uint32_t c32 = uint32_t(c);
    if (plusOne) {
      lsb = 1;
    } else if (productNegated) {
      tmp = ~tmp;
      lsb = 1;
    } else if (negateC) {
      c32 = ~c32;
      lsb = 1;
    }
    unsigned __int128 c128 =
        signedFinal ? (unsigned __int128)(__int128)int32_t(c32) : (unsigned __int128)c32;
    tmp = tmp + c128 + lsb;
    if (scale == "shr7")
      tmp >>= 7;
    else if (scale == "shr15")
      tmp >>= 15;
    uint64_t result = uint64_t(tmp);
    if (saturate) {
      if (signedFinal)
        result = uint64_t(clampS32(int64_t(result)));
      else
        result = std::min<uint64_t>(result, UINT32_MAX);
    }
    return lowBits(result, 32);
  }
};

PTX_CASE(VideoScalar, MultiplyAdd) {
  for (unsigned signs = 0; signs < 4; ++signs)
    for (bool saturate : {false, true})
      for (const char *scale : {"", "shr7", "shr15"}) {
        std::vector<MadForm> forms;
        unsigned j = signs * 3;
        // No negation, -a, -b, -a with -b (the product is not negated), -c, and .po.
        for (unsigned negations : {0u, 4u, 2u, 6u, 1u, 8u}) {
          MadForm f;
          f.aSigned = signs & 2;
          f.bSigned = signs & 1;
          f.negateA = negations & 4;
          f.negateB = negations & 2;
          f.negateC = negations & 1;
          f.plusOne = negations & 8;
          f.dSigned = f.aSigned || f.bSigned || f.negateA != f.negateB || f.negateC;
          f.saturate = saturate;
          f.scale = scale;
          forms.push_back(f);
          f.asel = kSelectors[j % 7];
          f.bsel = kSelectors[(j * 3 + 1) % 7];
          ++j;
          forms.push_back(f);
        }
        std::string body;
        std::vector<std::string> results;
        for (unsigned k = 0; k < forms.size(); ++k) {
          body += forms[k].statement(k);
          results.push_back("b32");
        }
        checkOperation({{"b32", "b32", "b32"}, results, body},
                       [forms](const uint64_t *a, uint64_t *r) {
                         for (size_t k = 0; k < forms.size(); ++k)
                           r[k] = forms[k].reference(a[0], a[1], a[2]);
                       });
      }
}

// Immediate operands stand for a whole word (no selector); without a secondary operation or a
// merge, a c operand is allowed and has no effect.
PTX_CASE(VideoScalar, ImmediatesAndUnusedC) {
  ScalarVideo add = form("vadd", 4 | 2);
  ScalarVideo shift = form("vshl", 0);
  shift.mode = "clamp";
  ScalarVideo maximum = form("vmax", 4 | 1);
  maximum.saturate = true;
  maximum.asel = "h1";
  checkOperation({{"b32", "b32", "b32"},
                  {"b32", "b32", "b32", "b32", "b32"},
                  "  vadd.s32.s32.u32 %r0, %a0, 0xfffffff0;\n"
                  "  vshl.u32.u32.u32.clamp %r1, %a0, 3;\n"
                  "  vmad.s32.u32.s32 %r2, %a0, -7, 9;\n"
                  "  vmax.s32.u32.s32.sat %r3, %a0.h1, %a1, %a2;\n"
                  "  vadd.s32.s32.u32 %r4, -5, %a1;\n"},
                 [=](const uint64_t *a, uint64_t *r) {
                   r[0] = add.reference(a[0], 0xfffffff0, 0);
                   r[1] = shift.reference(a[0], 3, 0);
                   r[2] = lowBits(uint64_t(int64_t(a[0]) * -7 + 9), 32);
                   r[3] = maximum.reference(a[0], a[1], a[2]);
                   r[4] = add.reference(0xfffffffb, a[1], 0);
                 });
}

// Forms outside the ISA's syntax are rejected at load with a diagnostic naming the instruction.
PTX_CASE(VideoScalar, UnsupportedFormsRejected) {
  for (const char *statement :
       {"vadd.u32.u32.u32.add %r0.h0, %a0, %a1, %a2;", "vshl.u32.u32.s32.clamp %r0, %a0, %a1;",
        "vshr.u32.u32.u32 %r0, %a0, %a1;", "vadd.u32.u32.u32 %r0, %a0.b4, %a1;",
        "vmin.u32.u32.u32 %r0, %a0, %a1.h10;", "vadd.u64.u32.u32 %r0, %a0, %a1;",
        "vset.u32.u32.u32.lt %r0, %a0, %a1;", "vset.u32.u32.lt.sat %r0, %a0, %a1;",
        "vmad.s32.s32.s32.po %r0, -%a0, %a1, %a2;", "vmad.s32.s32.s32 %r0, -%a0, %a1, -%a2;",
        "vmad.u32.u32.u32 %r0.h0, %a0, %a1, %a2;", "vmad.u32.u32.u32 %r0, %a0, %a1, %a2.b0;",
        "vadd.u32.u32.u32 %r0.h0, %a0, %a1;", "vsub.s32.s32.s32 %r0, -%a0, %a1;"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(
        elementwiseModule({{"b32", "b32", "b32"}, {"b32"}, std::string("  ") + statement}));
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << statement;
    std::string opcode = std::string(statement).substr(0, std::string(statement).find('.'));
    EXPECT_NE(outcome.message.find(opcode), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
