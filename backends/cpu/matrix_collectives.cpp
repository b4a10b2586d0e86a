// mma.sync and wmma.mma over a warp. mma follows the PTX ISA's "Matrix fragments for mma.m*"
// sections: with groupID = laneid >> 2 and threadID_in_group = laneid % 4, each element of a
// lane's A, B, C and D fragments is one element of the matrices at a row and column given by a
// per-shape formula; wmma fragments are in cuport's own layout (docs/execution-model.md). The
// warp's fragments are gathered into whole matrices, D = A * B + C is computed, and D is
// scattered back.
//
// mma.m8n8k4 with .f16 is four independent products, one per quad pair (lanes 4q..4q+3 and
// 16+4q..16+4q+3), in the layouts of the ISA's "Matrix Fragments for mma.m8n8k4 with .f16". mma.sp
// gathers A's stored half in the layout of a dense A with half the columns, and places each row's
// stored elements at the dense columns the metadata names (sparse_metadata.cpp).
//
// Precision: the ISA leaves the order of the accumulation and the intermediate precision of the
// floating-point forms unspecified. Here each element of D is C plus the products, summed in
// double in k order, rounded once to D's type (to nearest even); the f16, bf16, tf32 and fp8
// products and their sums are exact in double. The f64 forms sum the products and C exactly
// (exact_sum.h) and round once, to nearest even or in wmma.mma's .rz / .rm / .rp direction. tf32
// operands use the upper 19 bits of their registers (the ISA: the register holds .tf32 data; its
// low 13 bits are not part of it). Integer forms are exact: the sum wraps modulo 2^32, or with
// .satfinite clamps to the s32 range; .b1 forms add the popc of the AND or XOR of A's row and B's
// column.
#include "backends/cpu/matrix_collectives.h"

#include "backends/cpu/exact_sum.h"
#include "backends/cpu/sparse_metadata.h"
#include "backends/warp_operations.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace cuport::cpu {
namespace {

struct Shape {
  uint32_t m, n, k;
};

Shape shapeOf(uint32_t shape) {
  switch (shape) {
  case CUPORT_MMA_M16N8K8:
    return {16, 8, 8};
  case CUPORT_MMA_M8N8K4:
    return {8, 8, 4};
  case CUPORT_MMA_M16N8K32:
    return {16, 8, 32};
  case CUPORT_MMA_M16N8K4:
    return {16, 8, 4};
  case CUPORT_MMA_M8N8K16:
    return {8, 8, 16};
  case CUPORT_MMA_M8N8K32:
    return {8, 8, 32};
  case CUPORT_MMA_M16N8K64:
    return {16, 8, 64};
  case CUPORT_MMA_M8N8K128:
    return {8, 8, 128};
  case CUPORT_MMA_M16N8K128:
    return {16, 8, 128};
  case CUPORT_MMA_M16N8K256:
    return {16, 8, 256};
  case CUPORT_MMA_M16N16K16:
    return {16, 16, 16};
  case CUPORT_MMA_M32N8K16:
    return {32, 8, 16};
  case CUPORT_MMA_M8N32K16:
    return {8, 32, 16};
  case CUPORT_MMA_M16N16K8:
    return {16, 16, 8};
  default: // CUPORT_MMA_M16N8K16
    return {16, 8, 16};
  }
}

uint32_t bitsOf(uint32_t type) {
  switch (type) {
  case CUPORT_MMA_F16:
  case CUPORT_MMA_BF16:
    return 16;
  case CUPORT_MMA_S8:
  case CUPORT_MMA_U8:
  case CUPORT_MMA_E4M3:
  case CUPORT_MMA_E5M2:
    return 8;
  case CUPORT_MMA_S4:
  case CUPORT_MMA_U4:
    return 4;
  case CUPORT_MMA_B1:
    return 1;
  case CUPORT_MMA_F64:
    return 64;
  default:
    return 32;
  }
}

bool isInteger(uint32_t type) {
  return type == CUPORT_MMA_S8 || type == CUPORT_MMA_U8 || type == CUPORT_MMA_S32 ||
         type == CUPORT_MMA_S4 || type == CUPORT_MMA_U4 || type == CUPORT_MMA_B1;
}

// An fp8 value (.e4m3: bias 7, no infinities, S.1111.111 is NaN; .e5m2: bias 15, IEEE-like).
double fp8ToDouble(uint8_t bits, bool e4m3) {
  uint32_t mantissaBits = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;
  uint32_t exponent = (bits & 0x7f) >> mantissaBits, mantissa = bits & ((1u << mantissaBits) - 1);
  uint32_t maxExponent = e4m3 ? 15 : 31;
  double magnitude;
  if (e4m3 && exponent == maxExponent && mantissa == 7)
    magnitude = NAN;
  else if (!e4m3 && exponent == maxExponent)
    magnitude = mantissa ? NAN : INFINITY;
  else if (exponent == 0)
    magnitude = std::ldexp(double(mantissa), 1 - int(bias) - int(mantissaBits));
  else
    magnitude = std::ldexp(double(mantissa | (1u << mantissaBits)),
                           int(exponent) - int(bias) - int(mantissaBits));
  return (bits & 0x80) ? -magnitude : magnitude;
}

double halfToDouble(uint16_t bits) {
  uint32_t exponent = (bits >> 10) & 31, mantissa = bits & 1023;
  double magnitude = exponent == 0    ? std::ldexp(double(mantissa), -24)
                     : exponent == 31 ? (mantissa ? NAN : INFINITY)
                                      : std::ldexp(double(mantissa | 1024), int(exponent) - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

// Rounds to the nearest even f16; NaN becomes the canonical 0x7fff.
uint16_t doubleToHalf(double value) {
  if (std::isnan(value))
    return 0x7fff;
  uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double magnitude = std::fabs(value);
  if (magnitude >= 65520.0) // halfway between 65504 and 2^16 rounds up to infinity
    return sign | 0x7c00;
  if (magnitude < std::ldexp(1.0, -14)) // subnormal: multiples of 2^-24 (1024 is the least normal)
    return sign | uint16_t(std::nearbyint(std::ldexp(magnitude, 24)));
  int exponent = std::ilogb(magnitude);
  auto significand = uint32_t(std::nearbyint(std::ldexp(magnitude, 10 - exponent)));
  if (significand == 2048) {
    significand = 1024;
    ++exponent;
  }
  return sign | uint16_t(uint32_t(exponent + 15) << 10) | uint16_t(significand - 1024);
}

// One element of a fragment, `bits` wide, as double (floating types) or integer.
struct Element {
  double real = 0;
  int64_t integer = 0;
};

Element decode(uint64_t raw, uint32_t type) {
  Element element;
  switch (type) {
  case CUPORT_MMA_F16:
    element.real = halfToDouble(uint16_t(raw));
    break;
  case CUPORT_MMA_BF16:
    element.real = std::bit_cast<float>(uint32_t(raw) << 16);
    break;
  case CUPORT_MMA_TF32:
    element.real = std::bit_cast<float>(uint32_t(raw) & 0xffffe000u);
    break;
  case CUPORT_MMA_F32:
    element.real = std::bit_cast<float>(uint32_t(raw));
    break;
  case CUPORT_MMA_F64:
    element.real = std::bit_cast<double>(raw);
    break;
  case CUPORT_MMA_S8:
    element.integer = int8_t(raw);
    break;
  case CUPORT_MMA_U8:
    element.integer = uint8_t(raw);
    break;
  case CUPORT_MMA_E4M3:
  case CUPORT_MMA_E5M2:
    element.real = fp8ToDouble(uint8_t(raw), type == CUPORT_MMA_E4M3);
    break;
  case CUPORT_MMA_S4:
    element.integer = int64_t(raw & 7) - int64_t(raw & 8);
    break;
  case CUPORT_MMA_U4:
  case CUPORT_MMA_B1:
    element.integer = int64_t(raw);
    break;
  default: // CUPORT_MMA_S32
    element.integer = int32_t(raw);
    break;
  }
  return element;
}

enum class Operand { A, B, C };

// The PTX ISA's fragment layouts: the row and column of element `i` of lane `lane`'s fragment.
struct Position {
  uint32_t row, col;
};

// Every mma fragment layout of the ISA but m8n8k4 .f16's follows one pattern in units of 32-bit
// registers (64-bit for .f64) holding `per` = 32 / bits elements, with groupID = laneid >> 2,
// threadID_in_group = laneid % 4, element i in register r = i / per at position p = i % per:
// A (m x k): row groupID (+ 8 in odd registers of m16 shapes), column threadID_in_group * per + p,
//   plus 4 * per for each further register pair (m16) or register (m8);
// B (k x n): row threadID_in_group * per + p + 4 * per * r, column groupID;
// C and D (m x n, two elements a row): row groupID (+ 8 for c2, c3), column
//   threadID_in_group * 2 + (i & 1).
// mma.sp's B fragments follow it too, and so does its A as a dense m x k/2 matrix of the stored
// elements (the ISA's sparse A figures: each register holds the stored elements of one chunk).
// For example m16n8k16 .f16 A: a0, a1 at (groupID, 2 threadID_in_group + 0/1), a2, a3 eight rows
// down, a4..a7 eight columns right; m16n8k8 .tf32 A: a0 (groupID, threadID_in_group), a1 eight
// rows down, a2, a3 four columns right.
Position positionOf(Operand operand, uint32_t m, uint32_t type, uint32_t lane, uint32_t i) {
  uint32_t group = lane >> 2, thread = lane % 4;
  if (operand == Operand::C)
    return {group + 8 * (i >> 1), thread * 2 + (i & 1)};
  uint32_t bits = bitsOf(type);
  uint32_t per = bits == 64 ? 1 : 32 / bits;
  uint32_t r = i / per, p = i % per;
  if (operand == Operand::B)
    return {thread * per + p + 4 * per * r, group};
  if (m == 8)
    return {group, thread * per + p + 4 * per * r};
  return {group + 8 * (r & 1), thread * per + p + 4 * per * (r >> 1)};
}

constexpr uint32_t kMaxMultiplicand = 16 * 256, kMaxAccumulator = 16 * 32;

// cuport's wmma layout (docs/execution-model.md): lane l holds the `elements` elements from l *
// elements on of the matrix in row-major order, whatever the layout it was loaded with.
Position wmmaPositionOf(uint32_t cols, uint32_t elements, uint32_t lane, uint32_t i) {
  uint32_t index = lane * elements + i;
  return {index / cols, index % cols};
}

// Gathers operand `operand` (rows x cols, row-major into `matrix`) from the lanes' buffers.
void gather(Operand operand, uint32_t m, uint32_t type, bool wmma, uint32_t elements,
            uint32_t firstSlot, uint32_t cols, uint32_t group,
            ThreadContext *const lanes[kLanesPerWarp], Element *matrix) {
  uint32_t bits = bitsOf(type);
  uint32_t perSlot = bits == 64 ? 1 : 32 / bits;
  for (uint32_t lane = 0; lane < kLanesPerWarp; ++lane) {
    const uint64_t *slots =
        (group & (1u << lane)) ? reinterpret_cast<const uint64_t *>(lanes[lane]->request.operand[0])
                               : nullptr;
    for (uint32_t i = 0; i < elements; ++i) {
      uint64_t raw = 0;
      if (slots) {
        uint64_t slot = slots[firstSlot + i / perSlot];
        raw = bits == 64 ? slot : (slot >> (bits * (i % perSlot))) & ((1ull << bits) - 1);
      }
      Position at =
          wmma ? wmmaPositionOf(cols, elements, lane, i) : positionOf(operand, m, type, lane, i);
      matrix[at.row * cols + at.col] = decode(raw, type);
    }
  }
}

uint64_t encode(const Element &element, uint32_t type, bool satfinite) {
  switch (type) {
  case CUPORT_MMA_F16:
    return doubleToHalf(element.real);
  case CUPORT_MMA_F32:
    return std::bit_cast<uint32_t>(float(element.real));
  case CUPORT_MMA_F64:
    return std::bit_cast<uint64_t>(element.real);
  default: { // CUPORT_MMA_S32
    int64_t value = element.integer;
    if (satfinite)
      value = std::clamp<int64_t>(value, INT32_MIN, INT32_MAX);
    return uint32_t(value);
  }
  }
}

// mma.m8n8k4 .f16's layouts, for a lane of a quad pair: with t = laneid % 4 and h = 4 in the
// high group (laneid >= 16), 0 in the low one,
// A (8x4): row-major a_i at (t + h, i), column-major at (i + h, t);
// B (4x8): row-major b_i at (t, i + h), column-major at (i, t + h);
// C and D (8x8): .f16 c_i at (t + h, i); .f32 at (X + h, (i & 4) + (laneid & 2) + (i & 1)) with
//   X = (laneid & 1) + (i & 2).
Position quadPairPositionOf(Operand operand, uint32_t variant, uint32_t type, uint32_t lane,
                            uint32_t i) {
  uint32_t t = lane % 4, h = lane >= 16 ? 4 : 0;
  if (operand == Operand::A)
    return (variant & CUPORT_MMA_A_COLUMN_MAJOR) ? Position{i + h, t} : Position{t + h, i};
  if (operand == Operand::B)
    return (variant & CUPORT_MMA_B_ROW_MAJOR) ? Position{t, i + h} : Position{i, t + h};
  if (type == CUPORT_MMA_F16)
    return {t + h, i};
  return {(lane & 1) + (i & 2) + h, (i & 4) + (lane & 2) + (i & 1)};
}

// Element i of a lane's fragment of `type` from its slots (16- or 32-bit elements).
uint64_t rawElement(const uint64_t *slots, uint32_t type, uint32_t i) {
  if (bitsOf(type) == 16)
    return (slots[i / 2] >> (16 * (i % 2))) & 0xffff;
  return slots[i] & 0xffffffffu;
}

// mma.m8n8k4 with .f16 A and B: each quad pair's D = A * B + C, 8x8x4.
void multiplyQuadPairs(uint32_t variant, uint32_t group,
                       ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t cType = (variant >> 12) & 15, dType = (variant >> 16) & 15;
  for (uint32_t pair = 0; pair < 4; ++pair) {
    Element a[8 * 4] = {}, b[4 * 8] = {}, c[8 * 8] = {};
    uint32_t members[8];
    for (uint32_t t = 0; t < 8; ++t)
      members[t] = 4 * pair + t % 4 + (t >= 4 ? 16 : 0);
    for (uint32_t lane : members) {
      if (!(group & (1u << lane)))
        continue; // an absent lane's elements stay zero
      auto *slots = reinterpret_cast<const uint64_t *>(lanes[lane]->request.operand[0]);
      for (uint32_t i = 0; i < 4; ++i) {
        Position at = quadPairPositionOf(Operand::A, variant, CUPORT_MMA_F16, lane, i);
        a[at.row * 4 + at.col] =
            decode(rawElement(slots + CUPORT_MMA_SLOT_A, CUPORT_MMA_F16, i), CUPORT_MMA_F16);
        at = quadPairPositionOf(Operand::B, variant, CUPORT_MMA_F16, lane, i);
        b[at.row * 8 + at.col] =
            decode(rawElement(slots + CUPORT_MMA_SLOT_B, CUPORT_MMA_F16, i), CUPORT_MMA_F16);
      }
      for (uint32_t i = 0; i < 8; ++i) {
        Position at = quadPairPositionOf(Operand::C, variant, cType, lane, i);
        c[at.row * 8 + at.col] = decode(rawElement(slots + CUPORT_MMA_SLOT_C, cType, i), cType);
      }
    }
    for (uint32_t lane : members) {
      if (!(group & (1u << lane)))
        continue;
      auto *slots = reinterpret_cast<uint64_t *>(lanes[lane]->request.operand[0]);
      std::fill(slots + CUPORT_MMA_SLOT_D, slots + CUPORT_MMA_SLOT_E, 0);
      for (uint32_t i = 0; i < 8; ++i) {
        Position at = quadPairPositionOf(Operand::C, variant, dType, lane, i);
        double sum = c[at.row * 8 + at.col].real;
        for (uint32_t k = 0; k < 4; ++k)
          sum += a[at.row * 4 + k].real * b[k * 8 + at.col].real;
        uint64_t raw = encode(Element{sum, 0}, dType, false);
        if (dType == CUPORT_MMA_F16)
          slots[CUPORT_MMA_SLOT_D + i / 2] |= raw << (16 * (i % 2));
        else
          slots[CUPORT_MMA_SLOT_D + i] = raw;
      }
    }
  }
}

// mma.sp: A (m x k, row-major into `a`) from the lanes' stored halves and metadata; "" or why the
// metadata is undefined.
std::string gatherSparseA(uint32_t variant, uint32_t m, uint32_t k, uint32_t group,
                          ThreadContext *const lanes[kLanesPerWarp], Element *a) {
  uint32_t type = (variant >> 4) & 15, storedK = k / 2;
  static thread_local Element stored[kMaxMultiplicand / 2];
  static thread_local int32_t columns[kMaxMultiplicand / 2];
  gather(Operand::A, m, type, false, m * storedK / kLanesPerWarp, CUPORT_MMA_SLOT_A, storedK, group,
         lanes, stored);
  uint32_t metadata[kLanesPerWarp] = {};
  for (uint32_t rest = group; rest != 0; rest &= rest - 1) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    metadata[lane] = uint32_t(
        reinterpret_cast<const uint64_t *>(lanes[lane]->request.operand[0])[CUPORT_MMA_SLOT_E]);
  }
  std::string error = sparseColumns(variant, m, k, metadata, group, columns);
  if (!error.empty())
    return error;
  std::fill(a, a + m * k, Element{});
  for (uint32_t row = 0; row < m; ++row)
    for (uint32_t j = 0; j < storedK; ++j)
      if (int32_t col = columns[row * storedK + j]; col >= 0)
        a[row * k + uint32_t(col)] = stored[row * storedK + j];
  return "";
}

} // namespace

std::string multiplyAccumulateMatrices(uint32_t variant, uint32_t group,
                                       ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t shape = variant & 15, aType = (variant >> 4) & 15, bType = (variant >> 8) & 15;
  uint32_t cType = (variant >> 12) & 15, dType = (variant >> 16) & 15;
  bool satfinite = variant & CUPORT_MMA_SATFINITE, wmma = variant & CUPORT_MMA_WMMA;
  Shape size = shapeOf(shape);
  if (shape == CUPORT_MMA_M8N8K4 && aType == CUPORT_MMA_F16) {
    multiplyQuadPairs(variant, group, lanes);
    return "";
  }
  static thread_local Element a[kMaxMultiplicand], b[kMaxMultiplicand], c[kMaxAccumulator],
      d[kMaxAccumulator];
  bool andPopc = variant & CUPORT_MMA_AND_POPC, bits1 = aType == CUPORT_MMA_B1;
  uint32_t perLaneA = size.m * size.k / kLanesPerWarp, perLaneB = size.k * size.n / kLanesPerWarp;
  uint32_t perLaneC = size.m * size.n / kLanesPerWarp;
  if (variant & CUPORT_MMA_SPARSE) {
    if (std::string error = gatherSparseA(variant, size.m, size.k, group, lanes, a); !error.empty())
      return error;
  } else {
    gather(Operand::A, size.m, aType, wmma, perLaneA, CUPORT_MMA_SLOT_A, size.k, group, lanes, a);
  }
  gather(Operand::B, size.m, bType, wmma, perLaneB, CUPORT_MMA_SLOT_B, size.n, group, lanes, b);
  gather(Operand::C, size.m, cType, wmma, perLaneC, CUPORT_MMA_SLOT_C, size.n, group, lanes, c);
  bool integer = isInteger(aType);
  auto rounding = SumRounding((variant >> CUPORT_MMA_ROUNDING_SHIFT) & 3);
  for (uint32_t row = 0; row < size.m; ++row)
    for (uint32_t col = 0; col < size.n; ++col) {
      if (aType == CUPORT_MMA_F64) {
        ExactSum exact;
        exact.add(c[row * size.n + col].real);
        for (uint32_t k = 0; k < size.k; ++k)
          exact.addProduct(a[row * size.k + k].real, b[k * size.n + col].real);
        d[row * size.n + col].real = exact.rounded(rounding);
        continue;
      }
      Element sum = c[row * size.n + col];
      for (uint32_t k = 0; k < size.k; ++k) {
        const Element &x = a[row * size.k + k], &y = b[k * size.n + col];
        if (bits1) // the popc of the AND or XOR of A's row and B's column
          sum.integer += andPopc ? (x.integer & y.integer) : (x.integer ^ y.integer);
        else if (integer)
          sum.integer += x.integer * y.integer;
        else
          sum.real += x.real * y.real;
      }
      d[row * size.n + col] = sum;
    }
  uint32_t bits = bitsOf(dType);
  uint32_t perSlot = bits == 64 ? 1 : 32 / bits;
  for (uint32_t rest = group; rest != 0; rest &= rest - 1) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    auto *slots = reinterpret_cast<uint64_t *>(lanes[lane]->request.operand[0]);
    std::fill(slots + CUPORT_MMA_SLOT_D, slots + CUPORT_MMA_SLOT_E, 0);
    for (uint32_t i = 0; i < perLaneC; ++i) {
      Position at = wmma ? wmmaPositionOf(size.n, perLaneC, lane, i)
                         : positionOf(Operand::C, size.m, dType, lane, i);
      uint64_t raw = encode(d[at.row * size.n + at.col], dType, satfinite);
      slots[CUPORT_MMA_SLOT_D + i / perSlot] |= bits == 64 ? raw : raw << (bits * (i % perSlot));
    }
  }
  return "";
}

// ldmatrix, stmatrix and movmatrix, after the ISA's ldmatrix fragment figure: in an 8x8 .b16
// matrix, lane l holds row l / 4, columns 2 (l % 4) and 2 (l % 4) + 1 (the lower half first);
// .trans delivers the fragment of the transpose instead.
namespace {

// Lane `lane`'s .b16x2 fragment of `matrix` (8x8, row-major), or of its transpose.
uint32_t fragmentOf(const uint16_t matrix[64], uint32_t lane, bool transpose) {
  uint32_t row = lane / 4, col = 2 * (lane % 4);
  if (transpose)
    return matrix[col * 8 + row] | uint32_t(matrix[(col + 1) * 8 + row]) << 16;
  return matrix[row * 8 + col] | uint32_t(matrix[row * 8 + col + 1]) << 16;
}

} // namespace

void loadMatrices(uint32_t variant, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t count = variant & 7;
  bool transpose = variant & CUPORT_LDMATRIX_TRANS;
  uint16_t matrices[4][64] = {};
  for (uint32_t matrix = 0; matrix < count; ++matrix)
    for (uint32_t row = 0; row < 8; ++row) {
      uint32_t lane = matrix * 8 + row;
      if (group & (1u << lane))
        std::memcpy(&matrices[matrix][row * 8],
                    reinterpret_cast<const void *>(lanes[lane]->request.operand[0]), 16);
    }
  for (uint32_t rest = group; rest != 0; rest &= rest - 1) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    uint32_t registers[4] = {};
    for (uint32_t matrix = 0; matrix < count; ++matrix)
      registers[matrix] = fragmentOf(matrices[matrix], lane, transpose);
    lanes[lane]->request.result[0] = registers[0] | uint64_t(registers[1]) << 32;
    lanes[lane]->request.result[1] = registers[2] | uint64_t(registers[3]) << 32;
  }
}

void storeMatrices(uint32_t variant, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t count = variant & 7;
  bool transpose = variant & CUPORT_LDMATRIX_TRANS;
  uint16_t matrices[4][64] = {};
  for (uint32_t rest = group; rest != 0; rest &= rest - 1) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    const uint64_t *pairs = &lanes[lane]->request.operand[1];
    uint32_t row = lane / 4, col = 2 * (lane % 4);
    for (uint32_t matrix = 0; matrix < count; ++matrix) {
      auto fragment = uint32_t(pairs[matrix / 2] >> (32 * (matrix % 2)));
      uint16_t *elements = matrices[matrix];
      if (transpose) {
        elements[col * 8 + row] = uint16_t(fragment);
        elements[(col + 1) * 8 + row] = uint16_t(fragment >> 16);
      } else {
        elements[row * 8 + col] = uint16_t(fragment);
        elements[row * 8 + col + 1] = uint16_t(fragment >> 16);
      }
    }
  }
  for (uint32_t matrix = 0; matrix < count; ++matrix)
    for (uint32_t row = 0; row < 8; ++row) {
      uint32_t lane = matrix * 8 + row;
      if (group & (1u << lane))
        std::memcpy(reinterpret_cast<void *>(lanes[lane]->request.operand[0]),
                    &matrices[matrix][row * 8], 16);
    }
}

void transposeMatrix(uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  uint16_t matrix[64] = {};
  for (uint32_t rest = group; rest != 0; rest &= rest - 1) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    auto fragment = uint32_t(lanes[lane]->request.operand[0]);
    matrix[(lane / 4) * 8 + 2 * (lane % 4)] = uint16_t(fragment);
    matrix[(lane / 4) * 8 + 2 * (lane % 4) + 1] = uint16_t(fragment >> 16);
  }
  for (uint32_t rest = group; rest != 0; rest &= rest - 1) {
    uint32_t lane = uint32_t(std::countr_zero(rest));
    lanes[lane]->request.result[0] = fragmentOf(matrix, lane, true);
  }
}

} // namespace cuport::cpu
