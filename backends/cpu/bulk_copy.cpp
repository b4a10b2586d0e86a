#include "backends/cpu/bulk_copy.h"

#include "backends/warp_operations.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace cuport::cpu {
namespace {

// The canonical NaN of PTX's half-precision arithmetic.
constexpr uint16_t kCanonicalHalfNaN = 0x7fff;

struct Half {
  uint16_t bits;
};
struct Bfloat {
  uint16_t bits;
};

float widen(Half h) {
  _Float16 value;
  std::memcpy(&value, &h.bits, 2);
  return float(value);
}

float widen(Bfloat h) {
  uint32_t bits = uint32_t(h.bits) << 16;
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

// Round to nearest even; the sum of two halves computed in f32 is rounded only once more (f32's
// 24-bit significand >= 2 * 11 + 2), which still gives the correctly rounded half.
Half narrowHalf(float value) {
  _Float16 narrow = _Float16(value);
  Half h;
  std::memcpy(&h.bits, &narrow, 2);
  return h;
}

Bfloat narrowBfloat(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t odd = (bits >> 16) & 1;
  return Bfloat{uint16_t((bits + 0x7fff + odd) >> 16)};
}

template <typename H> H addHalves(H a, H b) {
  float sum = widen(a) + widen(b);
  if (sum != sum)
    return H{kCanonicalHalfNaN};
  if constexpr (std::is_same_v<H, Half>)
    return narrowHalf(sum);
  else
    return narrowBfloat(sum);
}

// min / max of halves: a NaN operand yields the other one (both NaN: the canonical NaN); equal
// values differ only for zeros, where -0.0 is the smaller.
template <typename H> H minMaxHalves(H a, H b, bool isMin) {
  float fa = widen(a), fb = widen(b);
  bool aNaN = fa != fa, bNaN = fb != fb;
  if (aNaN || bNaN)
    return aNaN && bNaN ? H{kCanonicalHalfNaN} : aNaN ? b : a;
  if (fa == fb) {
    bool aNegative = (a.bits & 0x8000) != 0;
    return (aNegative == isMin) ? a : b;
  }
  return (fa < fb) == isMin ? a : b;
}

template <typename T> T integerReduce(uint32_t op, T old, T value) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
  case CUPORT_BULK_AND:
    return old & value;
  case CUPORT_BULK_OR:
    return old | value;
  case CUPORT_BULK_XOR:
    return old ^ value;
  case CUPORT_BULK_ADD:
    return T(U(old) + U(value)); // two's-complement wrap-around
  case CUPORT_BULK_INC:          // (old >= value) ? 0 : old + 1
    return old >= value ? T(0) : T(old + 1);
  case CUPORT_BULK_DEC: // (old == 0 || old > value) ? value : old - 1
    return old == 0 || old > value ? value : T(old - 1);
  case CUPORT_BULK_MIN:
    return value < old ? value : old;
  default: // CUPORT_BULK_MAX
    return value > old ? value : old;
  }
}

template <typename T> T elementReduce(uint32_t op, T old, T value) {
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, Bfloat>)
    return op == CUPORT_BULK_ADD ? addHalves(old, value)
                                 : minMaxHalves(old, value, op == CUPORT_BULK_MIN);
  else if constexpr (std::is_floating_point_v<T>)
    return old + value; // .add is the only floating-point reduction of .f32 / .f64
  else
    return integerReduce(op, old, value);
}

template <typename T>
void reduceElements(uint32_t op, uint8_t *destination, const uint8_t *source, uint32_t size) {
  for (uint32_t offset = 0; offset + sizeof(T) <= size; offset += sizeof(T)) {
    T old, value;
    std::memcpy(&old, destination + offset, sizeof(T));
    std::memcpy(&value, source + offset, sizeof(T));
    T result = elementReduce(op, old, value);
    std::memcpy(destination + offset, &result, sizeof(T));
  }
}

} // namespace

const char *bulkOperandError(const char *instruction, uint64_t destination, uint64_t source,
                             uint32_t size, char (&message)[160]) {
  if (size % 16 != 0)
    std::snprintf(message, sizeof message, "%s: size %" PRIu32 " is not a multiple of 16 bytes",
                  instruction, size);
  else if (destination % 16 != 0)
    std::snprintf(message, sizeof message,
                  "%s: destination address 0x%" PRIx64 " is not 16-byte aligned", instruction,
                  destination);
  else if (source % 16 != 0)
    std::snprintf(message, sizeof message,
                  "%s: source address 0x%" PRIx64 " is not 16-byte aligned", instruction, source);
  else
    return nullptr;
  return message;
}

void bulkReduce(uint32_t op, uint32_t type, void *destination, const void *source, uint32_t size) {
  auto *to = static_cast<uint8_t *>(destination);
  const auto *from = static_cast<const uint8_t *>(source);
  switch (type) {
  case CUPORT_BULK_U32:
    return reduceElements<uint32_t>(op, to, from, size);
  case CUPORT_BULK_S32:
    return reduceElements<int32_t>(op, to, from, size);
  case CUPORT_BULK_U64:
    return reduceElements<uint64_t>(op, to, from, size);
  case CUPORT_BULK_S64:
    return reduceElements<int64_t>(op, to, from, size);
  case CUPORT_BULK_F32:
    return reduceElements<float>(op, to, from, size);
  case CUPORT_BULK_F64:
    return reduceElements<double>(op, to, from, size);
  case CUPORT_BULK_F16:
    return reduceElements<Half>(op, to, from, size);
  default: // CUPORT_BULK_BF16
    return reduceElements<Bfloat>(op, to, from, size);
  }
}

} // namespace cuport::cpu
