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

/* cuport.mma.sync: the variant is
   shape | a type << 4 | b type << 8 | c type << 12 | d type << 16 | satfinite << 20. */
enum cuport_mma_shape {
  CUPORT_MMA_M16N8K16 = 0,
  CUPORT_MMA_M16N8K8 = 1,
  CUPORT_MMA_M8N8K4 = 2,
  CUPORT_MMA_M16N8K32 = 3,
};
enum cuport_mma_type {
  CUPORT_MMA_F16 = 0,
  CUPORT_MMA_BF16 = 1,
  CUPORT_MMA_TF32 = 2,
  CUPORT_MMA_F32 = 3,
  CUPORT_MMA_F64 = 4,
  CUPORT_MMA_S8 = 5,
  CUPORT_MMA_U8 = 6,
  CUPORT_MMA_S32 = 7,
};
#define CUPORT_MMA_SATFINITE (1u << 20)
/* The per-lane fragment buffer of cuport.mma.sync: 64-bit slots, each register zero-extended
   (f64 as its bits), A from slot 0, B from 4, C from 6; the results go to D from slot 10. */
#define CUPORT_MMA_SLOT_A 0
#define CUPORT_MMA_SLOT_B 4
#define CUPORT_MMA_SLOT_C 6
#define CUPORT_MMA_SLOT_D 10
#define CUPORT_MMA_SLOTS 14

/* cuport.ldmatrix.sync: the variant is the number of matrices (1, 2, 4) | CUPORT_LDMATRIX_TRANS. */
#define CUPORT_LDMATRIX_TRANS (1u << 4)

#endif
