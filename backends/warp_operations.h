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

/* cuport.mma.sync: the variant is shape | a type << 4 | b type << 8 | c type << 12 |
   d type << 16 | CUPORT_MMA_SATFINITE | CUPORT_MMA_WMMA | CUPORT_MMA_AND_POPC |
   rounding << CUPORT_MMA_ROUNDING_SHIFT | the m8n8k4 .f16 layout bits | the mma.sp bits and
   selector. The m16n16 /
   m32n8 / m8n32 shapes are wmma's; CUPORT_MMA_WMMA says the fragments are in cuport's wmma layout
   (docs/execution-model.md) instead of the ISA's mma layout. */
enum cuport_mma_shape {
  CUPORT_MMA_M16N8K16 = 0,
  CUPORT_MMA_M16N8K8 = 1,
  CUPORT_MMA_M8N8K4 = 2,
  CUPORT_MMA_M16N8K32 = 3,
  CUPORT_MMA_M16N8K4 = 4,
  CUPORT_MMA_M8N8K16 = 5,
  CUPORT_MMA_M8N8K32 = 6,
  CUPORT_MMA_M16N8K64 = 7,
  CUPORT_MMA_M8N8K128 = 8,
  CUPORT_MMA_M16N8K128 = 9,
  CUPORT_MMA_M16N8K256 = 10,
  CUPORT_MMA_M16N16K16 = 11,
  CUPORT_MMA_M32N8K16 = 12,
  CUPORT_MMA_M8N32K16 = 13,
  CUPORT_MMA_M16N16K8 = 14,
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
  CUPORT_MMA_E4M3 = 8,
  CUPORT_MMA_E5M2 = 9,
  CUPORT_MMA_S4 = 10,
  CUPORT_MMA_U4 = 11,
  CUPORT_MMA_B1 = 12,
};
#define CUPORT_MMA_SATFINITE (1u << 20)
#define CUPORT_MMA_WMMA (1u << 21)
/* .b1 forms: D = C + popc(A row AND B column) with this bit, popc(A row XOR B column) without. */
#define CUPORT_MMA_AND_POPC (1u << 22)
/* The rounding of f64 D elements (wmma.mma .rn / .rz / .rm / .rp; .rn when absent): two bits. */
#define CUPORT_MMA_ROUNDING_SHIFT 23
enum cuport_mma_rounding {
  CUPORT_MMA_RN = 0,
  CUPORT_MMA_RZ = 1,
  CUPORT_MMA_RM = 2,
  CUPORT_MMA_RP = 3,
};
/* m8n8k4 .f16 (four quad-pair products): A is .col (column-major) with this bit, .row without;
   B is .row with CUPORT_MMA_B_ROW_MAJOR, .col without. */
#define CUPORT_MMA_A_COLUMN_MAJOR (1u << 25)
#define CUPORT_MMA_B_ROW_MAJOR (1u << 26)
/* mma.sp: A holds the non-zero half of a 2:4 (1:2 for .tf32, pairwise 4:8 for .s4/.u4) sparse
   matrix, the metadata register is in slot CUPORT_MMA_SLOT_E and the sparsity selector in bits
   CUPORT_MMA_SELECTOR_SHIFT..+1; CUPORT_MMA_ORDERED_METADATA for mma.sp::ordered_metadata. */
#define CUPORT_MMA_SPARSE (1u << 27)
#define CUPORT_MMA_ORDERED_METADATA (1u << 28)
#define CUPORT_MMA_SELECTOR_SHIFT 29
/* The per-lane fragment buffer of cuport.mma.sync: 64-bit slots, each register zero-extended
   (f64 as its bits), A from slot 0, B from 8, C from 16; the results go to D from slot 24 (eight
   slots); mma.sp's metadata register is in slot 32. */
#define CUPORT_MMA_SLOT_A 0
#define CUPORT_MMA_SLOT_B 8
#define CUPORT_MMA_SLOT_C 16
#define CUPORT_MMA_SLOT_D 24
#define CUPORT_MMA_SLOT_E 32
#define CUPORT_MMA_SLOTS 33

/* cuport.ldmatrix.sync: the variant is the number of matrices (1, 2, 4) | CUPORT_LDMATRIX_TRANS. */
#define CUPORT_LDMATRIX_TRANS (1u << 4)

/* cuport.mbarrier.arrive: flags. */
#define CUPORT_MBARRIER_DROP (1u << 0) /* arrive_drop: also lowers the expected count */
#define CUPORT_MBARRIER_NO_COMPLETE                                                                \
  (1u << 1) /* .noComplete: the arrival must not end the phase                                     \
             */
/* cuport.mbarrier.wait: the variant. */
#define CUPORT_MBARRIER_WAIT_PARITY (1u << 0) /* the operand is a phase parity, not a state */
#define CUPORT_MBARRIER_WAIT_TRY (1u << 1)    /* try_wait (test_wait otherwise) */

/* cuport.bulk.copy: the variant says where the operands are (the backend checks that shared ones
   lie in the block's shared window); a prefetch only reads. */
#define CUPORT_BULK_DST_SHARED (1u << 0)
#define CUPORT_BULK_SRC_SHARED (1u << 1)
#define CUPORT_BULK_PREFETCH (1u << 2) /* cp.async.bulk.prefetch.L2: no destination */
/* cuport.bulk.reduce: CUPORT_BULK_DST_SHARED | operation << 8 | element type << 16. */
enum cuport_bulk_reduce_op {
  CUPORT_BULK_AND = 0,
  CUPORT_BULK_OR = 1,
  CUPORT_BULK_XOR = 2,
  CUPORT_BULK_ADD = 3,
  CUPORT_BULK_INC = 4,
  CUPORT_BULK_DEC = 5,
  CUPORT_BULK_MIN = 6,
  CUPORT_BULK_MAX = 7,
};
enum cuport_bulk_reduce_type {
  CUPORT_BULK_U32 = 0, /* .b32 and .u32 */
  CUPORT_BULK_S32 = 1,
  CUPORT_BULK_U64 = 2, /* .b64 and .u64 */
  CUPORT_BULK_S64 = 3,
  CUPORT_BULK_F32 = 4,
  CUPORT_BULK_F64 = 5,
  CUPORT_BULK_F16 = 6,
  CUPORT_BULK_BF16 = 7,
};
#define CUPORT_BULK_OP_SHIFT 8
#define CUPORT_BULK_TYPE_SHIFT 16

#endif
