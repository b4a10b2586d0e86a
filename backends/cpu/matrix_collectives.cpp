// mma.sync over a warp, following the PTX ISA's "Matrix fragments for mma.m16n8k*" and
// "mma.m8n8k4" sections: with groupID = laneid >> 2 and threadID_in_group = laneid % 4, each
// element of a lane's A, B, C and D fragments is one element of the matrices at a row and column
// given by a per-shape formula. The warp's fragments are gathered into whole matrices,
// D = A * B + C is computed, and D is scattered back.
//
// Precision: the ISA leaves the order of the accumulation and the intermediate precision of the
// floating-point forms unspecified. Here each element of D is C plus the products, summed in
// double in k order, rounded once to D's type (to nearest even); the f16, bf16 and tf32 products
// are exact in double. tf32 operands use the upper 19 bits of their registers (the ISA: the
// register holds .tf32 data; its low 13 bits are not part of it). Integer forms are exact: the
// sum wraps modulo 2^32, or with .satfinite clamps to the s32 range.
#include "backends/cpu/matrix_collectives.h"

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
    return 8;
  case CUPORT_MMA_F64:
    return 64;
  default:
    return 32;
  }
}

bool isInteger(uint32_t type) {
  return type == CUPORT_MMA_S8 || type == CUPORT_MMA_U8 || type == CUPORT_MMA_S32;
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

Position positionOf(Operand operand, uint32_t shape, uint32_t type, uint32_t lane, uint32_t i) {
  uint32_t group = lane >> 2, thread = lane % 4;
  bool tf32 = type == CUPORT_MMA_TF32;
  bool bytes = type == CUPORT_MMA_S8 || type == CUPORT_MMA_U8;
  if (operand == Operand::C) {
    if (shape == CUPORT_MMA_M8N8K4)
      return {group, thread * 2 + i};
    return {group + 8 * (i >> 1), thread * 2 + (i & 1)};
  }
  if (operand == Operand::A) {
    switch (shape) {
    case CUPORT_MMA_M8N8K4:
      return {group, thread};
    case CUPORT_MMA_M16N8K8:
      if (tf32)
        return {group + 8 * (i & 1), thread + 4 * (i >> 1)};
      return {group + 8 * (i >> 1), thread * 2 + (i & 1)};
    case CUPORT_MMA_M16N8K32:
      return {group + 8 * ((i >> 2) & 1), thread * 4 + (i & 3) + 16 * (i >> 3)};
    default: // m16n8k16
      if (bytes)
        return {group + 8 * (i >> 2), thread * 4 + (i & 3)};
      return {group + 8 * ((i >> 1) & 1), thread * 2 + (i & 1) + 8 * (i >> 2)};
    }
  }
  switch (shape) { // B
  case CUPORT_MMA_M8N8K4:
    return {thread, group};
  case CUPORT_MMA_M16N8K8:
    if (tf32)
      return {thread + 4 * i, group};
    return {thread * 2 + i, group};
  case CUPORT_MMA_M16N8K32:
    return {thread * 4 + (i & 3) + 16 * (i >> 2), group};
  default: // m16n8k16
    if (bytes)
      return {thread * 4 + i, group};
    return {thread * 2 + (i & 1) + 8 * (i >> 1), group};
  }
}

constexpr uint32_t kMaxElements = 16 * 32;

// Gathers operand `operand` (rows x cols, row-major into `matrix`) from the lanes' buffers.
void gather(Operand operand, uint32_t shape, uint32_t type, uint32_t elements, uint32_t firstSlot,
            uint32_t cols, uint32_t group, ThreadContext *const lanes[kLanesPerWarp],
            Element *matrix) {
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
      Position at = positionOf(operand, shape, type, lane, i);
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

} // namespace

void multiplyAccumulateMatrices(uint32_t variant, uint32_t group,
                                ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t shape = variant & 15, aType = (variant >> 4) & 15, bType = (variant >> 8) & 15;
  uint32_t cType = (variant >> 12) & 15, dType = (variant >> 16) & 15;
  bool satfinite = variant & CUPORT_MMA_SATFINITE;
  Shape size = shapeOf(shape);
  static thread_local Element a[kMaxElements], b[kMaxElements], c[kMaxElements], d[kMaxElements];
  uint32_t perLaneA = size.m * size.k / kLanesPerWarp, perLaneB = size.k * size.n / kLanesPerWarp;
  uint32_t perLaneC = size.m * size.n / kLanesPerWarp;
  gather(Operand::A, shape, aType, perLaneA, CUPORT_MMA_SLOT_A, size.k, group, lanes, a);
  gather(Operand::B, shape, bType, perLaneB, CUPORT_MMA_SLOT_B, size.n, group, lanes, b);
  gather(Operand::C, shape, cType, perLaneC, CUPORT_MMA_SLOT_C, size.n, group, lanes, c);
  bool integer = isInteger(aType);
  for (uint32_t row = 0; row < size.m; ++row)
    for (uint32_t col = 0; col < size.n; ++col) {
      Element sum = c[row * size.n + col];
      for (uint32_t k = 0; k < size.k; ++k) {
        const Element &x = a[row * size.k + k], &y = b[k * size.n + col];
        if (integer)
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
    std::fill(slots + CUPORT_MMA_SLOT_D, slots + CUPORT_MMA_SLOTS, 0);
    for (uint32_t i = 0; i < perLaneC; ++i) {
      Position at = positionOf(Operand::C, shape, dType, lane, i);
      uint64_t raw = encode(d[at.row * size.n + at.col], dType, satfinite);
      slots[CUPORT_MMA_SLOT_D + i / perSlot] |= bits == 64 ? raw : raw << (bits * (i % perSlot));
    }
  }
}

// ldmatrix and movmatrix, after the ISA's ldmatrix fragment figure: in an 8x8 .b16 matrix, lane l
// holds row l / 4, columns 2 (l % 4) and 2 (l % 4) + 1 (the lower half first); .trans delivers
// the fragment of the transpose instead.
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
