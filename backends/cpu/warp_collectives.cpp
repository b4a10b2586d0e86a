// Warp collectives over the lanes of a group, following the PTX ISA's descriptions of shfl.sync,
// vote.sync, match.sync, redux.sync, elect.sync and activemask. A lane that reads from a lane
// outside the group (not in the membermask, exited, or past the end of a partial warp: undefined in
// PTX) gets its own value, so a program with that bug still computes something deterministic.
#include "backends/cpu/warp_collectives.h"

#include "backends/cpu/matrix_collectives.h"

#include "backends/warp_operations.h"

#include <algorithm>
#include <bit>

namespace cuport::cpu {
namespace {

template <typename Fn> void forEachLane(uint32_t group, Fn &&fn) {
  for (uint32_t rest = group; rest != 0; rest &= rest - 1)
    fn(uint32_t(std::countr_zero(rest)));
}

// shfl.sync: the source lane and whether it is inside the lane's segment (the ISA pseudocode).
void shuffle(uint32_t mode, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  forEachLane(group, [&](uint32_t lane) {
    const SuspendRequest &request = lanes[lane]->request;
    uint32_t offset = uint32_t(request.operand[1]) & 31;
    uint32_t c = uint32_t(request.operand[2]);
    uint32_t clamp = c & 31;
    uint32_t segmentMask = (c >> 8) & 31;
    int32_t maxLane = int32_t((lane & segmentMask) | (clamp & ~segmentMask));
    int32_t minLane = int32_t(lane & segmentMask);
    int32_t source = 0;
    bool inside = false;
    switch (mode) {
    case CUPORT_SHFL_UP:
      source = int32_t(lane) - int32_t(offset);
      inside = source >= maxLane;
      break;
    case CUPORT_SHFL_DOWN:
      source = int32_t(lane + offset);
      inside = source <= maxLane;
      break;
    case CUPORT_SHFL_BFLY:
      source = int32_t(lane ^ offset);
      inside = source <= maxLane;
      break;
    default: // CUPORT_SHFL_IDX
      source = minLane | int32_t(offset & ~segmentMask);
      inside = source <= maxLane;
      break;
    }
    if (!inside || source < 0 || source >= int32_t(kLanesPerWarp) || !(group & (1u << source)))
      source = int32_t(lane);
    lanes[lane]->request.result[0] = uint32_t(lanes[source]->request.operand[0]);
    lanes[lane]->request.result[1] = inside;
  });
}

void vote(uint32_t mode, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t ballot = 0;
  forEachLane(group, [&](uint32_t lane) {
    if (lanes[lane]->request.operand[0] != 0)
      ballot |= 1u << lane;
  });
  uint64_t result = 0;
  switch (mode) {
  case CUPORT_VOTE_ALL:
    result = ballot == group;
    break;
  case CUPORT_VOTE_ANY:
    result = ballot != 0;
    break;
  case CUPORT_VOTE_UNI:
    result = ballot == group || ballot == 0;
    break;
  default: // CUPORT_VOTE_BALLOT
    result = ballot;
    break;
  }
  forEachLane(group, [&](uint32_t lane) { lanes[lane]->request.result[0] = result; });
}

// match.any: the lanes with the same value; match.all: the group if all values agree, else 0.
void match(uint32_t mode, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t first = uint32_t(std::countr_zero(group));
  uint64_t firstValue = lanes[first]->request.operand[0];
  bool allEqual = true;
  forEachLane(group,
              [&](uint32_t lane) { allEqual &= lanes[lane]->request.operand[0] == firstValue; });
  forEachLane(group, [&](uint32_t lane) {
    SuspendRequest &request = lanes[lane]->request;
    if (mode == CUPORT_MATCH_ALL) {
      request.result[0] = allEqual ? group : 0;
      request.result[1] = allEqual;
      return;
    }
    uint32_t same = 0;
    forEachLane(group, [&](uint32_t other) {
      if (lanes[other]->request.operand[0] == request.operand[0])
        same |= 1u << other;
    });
    request.result[0] = same;
    request.result[1] = 0;
  });
}

void reduce(uint32_t op, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]) {
  uint32_t first = uint32_t(std::countr_zero(group));
  uint32_t result = uint32_t(lanes[first]->request.operand[0]);
  forEachLane(group & (group - 1), [&](uint32_t lane) {
    uint32_t value = uint32_t(lanes[lane]->request.operand[0]);
    switch (op) {
    case CUPORT_REDUX_ADD:
      result += value;
      break;
    case CUPORT_REDUX_MIN_U32:
      result = std::min(result, value);
      break;
    case CUPORT_REDUX_MAX_U32:
      result = std::max(result, value);
      break;
    case CUPORT_REDUX_MIN_S32:
      result = uint32_t(std::min(int32_t(result), int32_t(value)));
      break;
    case CUPORT_REDUX_MAX_S32:
      result = uint32_t(std::max(int32_t(result), int32_t(value)));
      break;
    case CUPORT_REDUX_AND:
      result &= value;
      break;
    case CUPORT_REDUX_OR:
      result |= value;
      break;
    default: // CUPORT_REDUX_XOR
      result ^= value;
      break;
    }
  });
  forEachLane(group, [&](uint32_t lane) { lanes[lane]->request.result[0] = result; });
}

} // namespace

bool isWarpCollective(uint32_t kind) {
  return kind >= kSuspendWarpSync && kind <= kSuspendStmatrix;
}

const char *suspendKindName(uint32_t kind) {
  switch (kind) {
  case kSuspendBarSync:
    return "bar.sync";
  case kSuspendBarArrive:
    return "bar.arrive";
  case kSuspendBarRed:
    return "bar.red";
  case kSuspendClusterArrive:
    return "barrier.cluster.arrive";
  case kSuspendClusterWait:
    return "barrier.cluster.wait";
  case kSuspendWarpSync:
    return "bar.warp.sync";
  case kSuspendShuffle:
    return "shfl.sync";
  case kSuspendVote:
    return "vote.sync";
  case kSuspendMatch:
    return "match.sync";
  case kSuspendReduce:
    return "redux.sync";
  case kSuspendElect:
    return "elect.sync";
  case kSuspendActiveMask:
    return "activemask";
  case kSuspendMma:
    return "mma.sync";
  case kSuspendLdmatrix:
    return "ldmatrix";
  case kSuspendMovmatrix:
    return "movmatrix";
  case kSuspendStmatrix:
    return "stmatrix";
  case kSuspendMbarrierWait:
    return "mbarrier.test_wait/try_wait";
  case kSuspendYield:
    return "a spin-wait";
  default:
    return "?";
  }
}

std::string resolveWarpCollective(uint32_t kind, uint32_t op, uint32_t group,
                                  ThreadContext *const lanes[kLanesPerWarp]) {
  switch (kind) {
  case kSuspendShuffle:
    shuffle(op, group, lanes);
    return "";
  case kSuspendVote:
    vote(op, group, lanes);
    return "";
  case kSuspendMatch:
    match(op, group, lanes);
    return "";
  case kSuspendReduce:
    reduce(op, group, lanes);
    return "";
  case kSuspendElect: {
    uint32_t leader = uint32_t(std::countr_zero(group));
    forEachLane(group, [&](uint32_t lane) {
      lanes[lane]->request.result[0] = leader;
      lanes[lane]->request.result[1] = lane == leader;
    });
    return "";
  }
  case kSuspendMma:
    return multiplyAccumulateMatrices(op, group, lanes);
  case kSuspendLdmatrix:
    loadMatrices(op, group, lanes);
    return "";
  case kSuspendMovmatrix:
    transposeMatrix(group, lanes);
    return "";
  case kSuspendStmatrix:
    storeMatrices(op, group, lanes);
    return "";
  case kSuspendActiveMask:
    forEachLane(group, [&](uint32_t lane) { lanes[lane]->request.result[0] = group; });
    return "";
  default: // kSuspendWarpSync: only the rendezvous
    return "";
  }
}

} // namespace cuport::cpu
