/*
 * The backend interface: a versioned C ABI, so that a backend can live in its own shared library
 * built by a vendor with its own toolchain. The runtime owns all API semantics (streams, errors,
 * registration); a backend only compiles kernel-IR modules and runs grids on its device.
 *
 * Modules arrive as LLVM bitcode in cuport's kernel IR (see DESIGN.md, "The kernel IR"): bitcode
 * rather than an in-memory llvm::Module so that a backend may use a different LLVM than cuport.
 *
 * All calls return a cuport_status. On failure a backend fills `error` (when non-null) with a
 * NUL-terminated message; the runtime logs it.
 */
#ifndef CUPORT_BACKENDS_BACKEND_H
#define CUPORT_BACKENDS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUPORT_BACKEND_ABI_VERSION 3u

/* Outcomes a backend reports; the runtime maps them onto cudaError_t / CUresult. */
typedef enum cuport_status {
  CUPORT_OK = 0,
  CUPORT_ERROR_INVALID_VALUE = 1,
  CUPORT_ERROR_OUT_OF_MEMORY = 2,
  CUPORT_ERROR_INVALID_IR = 3, /* the module could not be compiled */
  CUPORT_ERROR_NOT_FOUND = 4,  /* no kernel or global of that name */
  CUPORT_ERROR_LAUNCH_OUT_OF_RESOURCES = 5,
  CUPORT_ERROR_ILLEGAL_ADDRESS = 6, /* a kernel touched memory it must not */
  CUPORT_ERROR_ASSERT = 7,          /* __assertfail inside a kernel */
  CUPORT_ERROR_LAUNCH_FAILED = 8,   /* trap, or any other fault inside a kernel */
  CUPORT_ERROR_NOT_SUPPORTED = 9,
  CUPORT_ERROR_MISALIGNED_ADDRESS = 10,
  CUPORT_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE = 11, /* more blocks than can be resident at once */
} cuport_status;

typedef struct cuport_error_buffer {
  char *message; /* may be null: then no message is written */
  size_t capacity;
} cuport_error_buffer;

/* What the device is, as far as cudaDeviceProp needs it. */
typedef struct cuport_device_info {
  char name[256];
  uint64_t total_global_memory;
  uint32_t multiprocessor_count;
  uint32_t max_threads_per_block;
  uint32_t max_block_dim[3];
  uint32_t max_grid_dim[3];
  uint32_t warp_size;
  uint64_t max_shared_memory_per_block; /* static + dynamic, bytes */
  uint64_t total_constant_memory;
  uint32_t clock_rate_khz;
  uint32_t compute_capability_major; /* the PTX target the backend wants the fatbin entry for */
  uint32_t compute_capability_minor;
  uint32_t unified_addressing;                     /* device pointers are host pointers */
  uint32_t max_resident_blocks_per_multiprocessor; /* blocks one multiprocessor runs at once */
} cuport_device_info;

typedef struct cuport_backend_module cuport_backend_module; /* opaque, owned by the backend */
typedef struct cuport_backend_kernel cuport_backend_kernel; /* opaque, owned by its module */

typedef struct cuport_launch_config {
  uint32_t grid[3];
  uint32_t block[3];
  uint32_t dynamic_shared_bytes;
  /* The kernel's parameter buffer laid out as PTX .param space: each parameter at its aligned
   * offset, exactly as the CUDA driver lays out kernel parameters. */
  const void *params;
  size_t params_size;
  uint32_t flags; /* CUPORT_LAUNCH_* */
} cuport_launch_config;

/* A cooperative grid: all its blocks are resident at once (else the launch fails with
 * CUPORT_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE), and the kernel finds a zeroed grid-barrier workspace
 * through %envreg1 (high 32 bits) and %envreg2 (low 32 bits), as cooperative_groups expects. */
#define CUPORT_LAUNCH_COOPERATIVE 1u
/* The launch named its cluster dimensions (cudaLaunchAttributeClusterDimension): kernels read
 * %is_explicit_cluster as true. Kernels declaring .explicitcluster or .reqnctapercluster read it as
 * true without this flag. */
#define CUPORT_LAUNCH_EXPLICIT_CLUSTER 2u

typedef struct cuport_kernel_attributes {
  uint32_t static_shared_bytes;
  uint32_t local_bytes_per_thread;
  uint32_t max_threads_per_block; /* the most this kernel can be launched with on this device */
  uint32_t num_regs;
} cuport_kernel_attributes;

typedef struct cuport_backend {
  uint32_t abi_version; /* CUPORT_BACKEND_ABI_VERSION */
  const char *name;     /* "cpu", "nvptx", ... */
  void *self;           /* passed back as the first argument of every call */

  cuport_status (*get_device_info)(void *self, cuport_device_info *out);

  /* Device memory. On a backend with unified addressing these are host pointers. */
  cuport_status (*mem_alloc)(void *self, size_t bytes, void **out);
  cuport_status (*mem_free)(void *self, void *ptr);
  cuport_status (*memcpy)(void *self, void *dst, const void *src, size_t bytes);
  cuport_status (*memset)(void *self, void *dst, int value, size_t bytes);

  /* Takes a kernel-IR module as bitcode. Globals (.global/.const) get their addresses here;
   * kernels may compile lazily, at their first launch or kernel lookup. */
  cuport_status (*module_load)(void *self, const void *bitcode, size_t size,
                               cuport_backend_module **out, cuport_error_buffer error);
  void (*module_unload)(void *self, cuport_backend_module *module);
  cuport_status (*module_get_global)(void *self, cuport_backend_module *module, const char *name,
                                     void **address, size_t *size);
  cuport_status (*module_get_kernel)(void *self, cuport_backend_module *module, const char *name,
                                     cuport_backend_kernel **out);
  cuport_status (*kernel_get_attributes)(void *self, cuport_backend_kernel *kernel,
                                         cuport_kernel_attributes *out);

  /* Runs one grid to completion, synchronously; the runtime orders launches on streams. A fault
   * inside the kernel is reported as a status, never as a crash of the caller. */
  cuport_status (*launch)(void *self, cuport_backend_kernel *kernel,
                          const cuport_launch_config *config, cuport_error_buffer error);

  void (*destroy)(void *self);

  /* Limits the memory that malloc() inside kernels may hold at once (cudaLimitMallocHeapSize);
   * beyond it, in-kernel malloc returns null. Fails when `bytes` is below what is in use. */
  cuport_status (*set_device_heap_limit)(void *self, size_t bytes);

  /* Device printf. Kernels append records to a FIFO of `bytes` (cudaLimitPrintfFifoSize); when it
   * is full the oldest records are dropped. flush_printf formats every queued record and writes
   * it to the host's stdout, in the order the records were appended; the runtime calls it at the
   * points where CUDA prints (synchronization, blocking copies, launches, reset). */
  cuport_status (*set_printf_fifo_size)(void *self, size_t bytes);
  void (*flush_printf)(void *self);
} cuport_backend;

/* The entry point a backend shared library exports. */
typedef const cuport_backend *(*cuport_backend_create_fn)(void);
#define CUPORT_BACKEND_CREATE_SYMBOL "cuport_backend_create"

#ifdef __cplusplus
}
#endif

#endif /* CUPORT_BACKENDS_BACKEND_H */
