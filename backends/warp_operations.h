/* The variant codes that the barrier and warp-collective intrinsics of docs/kernel-ir.md take
   (cuport.shfl.sync's mode, cuport.redux.sync's operation, ...): compiler/lower emits them,
   backends read them. */
#ifndef CUPORT_BACKENDS_WARP_OPERATIONS_H
#define CUPORT_BACKENDS_WARP_OPERATIONS_H

/* cuport.shfl.sync */
enum cuport_shuffle_mode {
  CUPORT_SHFL_UP = 0,
  CUPORT_SHFL_DOWN = 1,
  CUPORT_SHFL_BFLY = 2,
  CUPORT_SHFL_IDX = 3,
};

/* cuport.vote.sync */
enum cuport_vote_mode {
  CUPORT_VOTE_ALL = 0,
  CUPORT_VOTE_ANY = 1,
  CUPORT_VOTE_UNI = 2,
  CUPORT_VOTE_BALLOT = 3,
};

/* cuport.match.sync */
enum cuport_match_mode {
  CUPORT_MATCH_ANY = 0,
  CUPORT_MATCH_ALL = 1,
};

/* cuport.redux.sync */
enum cuport_redux_op {
  CUPORT_REDUX_ADD = 0,
  CUPORT_REDUX_MIN_U32 = 1,
  CUPORT_REDUX_MAX_U32 = 2,
  CUPORT_REDUX_MIN_S32 = 3,
  CUPORT_REDUX_MAX_S32 = 4,
  CUPORT_REDUX_AND = 5,
  CUPORT_REDUX_OR = 6,
  CUPORT_REDUX_XOR = 7,
};

/* cuport.bar.red */
enum cuport_barrier_reduction {
  CUPORT_BAR_RED_POPC = 0,
  CUPORT_BAR_RED_AND = 1,
  CUPORT_BAR_RED_OR = 2,
};

#endif
