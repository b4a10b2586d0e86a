#include "backends/cpu/mbarrier.h"

#include "backends/warp_operations.h"

namespace cuport::cpu {
namespace {

constexpr uint32_t kCountBits = 21;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
constexpr uint32_t kExpectedShift = kCountBits;
constexpr uint32_t kTransactionShift = 2 * kCountBits;
constexpr uint32_t kPhaseShift = 63;
// The ISA's limits: arrival counts 1..2^20-1 (init), transaction counts -(2^20-1)..2^20-1.
constexpr int64_t kLimit = (int64_t{1} << 20) - 1;

struct Fields {
  int64_t pending, expected, transactions;
  uint64_t phase;
};

Fields decode(uint64_t word) {
  int64_t transactions = int64_t((word >> kTransactionShift) & kCountMask);
  if (transactions & (int64_t{1} << (kCountBits - 1)))
    transactions -= int64_t{1} << kCountBits; // sign-extend
  return {int64_t(word & kCountMask), int64_t((word >> kExpectedShift) & kCountMask), transactions,
          word >> kPhaseShift};
}

uint64_t encode(const Fields &fields) {
  return (uint64_t(fields.pending) & kCountMask) |
         ((uint64_t(fields.expected) & kCountMask) << kExpectedShift) |
         ((uint64_t(fields.transactions) & kCountMask) << kTransactionShift) |
         (fields.phase << kPhaseShift);
}

// The current phase completes once every expected arrival and every expected transaction has
// happened; the next phase starts with the expected count pending and no transactions.
bool completeIfDone(Fields &fields) {
  if (fields.pending != 0 || fields.transactions != 0)
    return false;
  fields.phase ^= 1;
  fields.pending = fields.expected;
  return true;
}

} // namespace

const char *mbarrierInit(uint64_t &word, uint32_t count) {
  if (count < 1 || count > kLimit)
    return "mbarrier.init with an arrival count outside 1..2^20-1";
  word = encode({int64_t(count), int64_t(count), 0, 0});
  return nullptr;
}

const char *mbarrierArrive(uint64_t &word, uint32_t count, int32_t transactions, uint32_t flags,
                           uint64_t &state) {
  state = word;
  Fields fields = decode(word);
  if (count < 1 || count > kLimit)
    return "mbarrier arrive with a count outside 1..2^20-1";
  if (transactions < 0 || transactions > kLimit)
    return "mbarrier arrive with a transaction count outside 0..2^20-1";
  if (int64_t(count) > fields.pending)
    return "mbarrier arrive with more arrivals than the current phase has pending";
  fields.transactions += transactions;
  if (fields.transactions > kLimit)
    return "mbarrier transaction count above 2^20-1";
  if (flags & CUPORT_MBARRIER_DROP)
    fields.expected -= count; // arrive_drop: this many fewer arrivals in later phases
  fields.pending -= count;
  if (completeIfDone(fields) && (flags & CUPORT_MBARRIER_NO_COMPLETE))
    return "mbarrier arrive.noComplete completed the current phase";
  word = encode(fields);
  return nullptr;
}

const char *mbarrierTransactions(uint64_t &word, int32_t delta) {
  Fields fields = decode(word);
  fields.transactions += delta;
  if (delta < -kLimit || delta > kLimit || fields.transactions < -kLimit ||
      fields.transactions > kLimit)
    return "mbarrier transaction count outside -(2^20-1)..2^20-1";
  completeIfDone(fields);
  word = encode(fields);
  return nullptr;
}

uint32_t mbarrierPendingCount(uint64_t state) {
  return uint32_t(decode(state).pending);
}

uint32_t mbarrierWaitedParity(uint32_t variant, uint64_t phase) {
  return uint32_t(variant & CUPORT_MBARRIER_WAIT_PARITY ? phase & 1 : phase >> kPhaseShift);
}

// The phase a wait names is the current one or the one before: it has completed unless it is the
// current one.
bool mbarrierPhaseComplete(uint64_t word, uint32_t variant, uint64_t phase) {
  return decode(word).phase != mbarrierWaitedParity(variant, phase);
}

} // namespace cuport::cpu
