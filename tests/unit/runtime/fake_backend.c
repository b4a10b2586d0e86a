/* A backend shared library for testing $CUPORT_BACKEND: host memory, no kernels. Built twice:
 * once with the ABI version cuport speaks, once (FAKE_BACKEND_ABI) with another. */
#include "backends/backend.h"

#include <stdlib.h>
#include <string.h>

#ifndef FAKE_BACKEND_ABI
#define FAKE_BACKEND_ABI CUPORT_BACKEND_ABI_VERSION
#endif

static cuport_status info(void *self, cuport_device_info *out) {
  (void)self;
  memset(out, 0, sizeof *out);
  strcpy(out->name, "fake test device");
  out->total_global_memory = 1u << 30;
  out->multiprocessor_count = 3;
  out->max_threads_per_block = 256;
  out->max_block_dim[0] = out->max_block_dim[1] = 256;
  out->max_block_dim[2] = 4;
  out->max_grid_dim[0] = out->max_grid_dim[1] = out->max_grid_dim[2] = 1000;
  out->warp_size = 32;
  out->max_shared_memory_per_block = 16384;
  out->total_constant_memory = 65536;
  out->compute_capability_major = 7;
  out->compute_capability_minor = 5;
  out->unified_addressing = 1;
  return CUPORT_OK;
}
static cuport_status mem_alloc(void *self, size_t bytes, void **out) {
  (void)self;
  *out = malloc(bytes);
  return *out ? CUPORT_OK : CUPORT_ERROR_OUT_OF_MEMORY;
}
static cuport_status mem_free(void *self, void *ptr) {
  (void)self;
  free(ptr);
  return CUPORT_OK;
}
static cuport_status copy(void *self, void *dst, const void *src, size_t bytes) {
  (void)self;
  memmove(dst, src, bytes);
  return CUPORT_OK;
}
static cuport_status fill(void *self, void *dst, int value, size_t bytes) {
  (void)self;
  memset(dst, value, bytes);
  return CUPORT_OK;
}
static cuport_status module_load(void *self, const void *bitcode, size_t size,
                                 cuport_backend_module **out, cuport_error_buffer error) {
  (void)self, (void)bitcode, (void)size, (void)out, (void)error;
  return CUPORT_ERROR_NOT_SUPPORTED;
}
static void module_unload(void *self, cuport_backend_module *module) {
  (void)self, (void)module;
}
static cuport_status module_get_global(void *self, cuport_backend_module *module, const char *name,
                                       void **address, size_t *size) {
  (void)self, (void)module, (void)name, (void)address, (void)size;
  return CUPORT_ERROR_NOT_FOUND;
}
static cuport_status module_get_kernel(void *self, cuport_backend_module *module, const char *name,
                                       cuport_backend_kernel **out) {
  (void)self, (void)module, (void)name, (void)out;
  return CUPORT_ERROR_NOT_FOUND;
}
static cuport_status kernel_get_attributes(void *self, cuport_backend_kernel *kernel,
                                           cuport_kernel_attributes *out) {
  (void)self, (void)kernel, (void)out;
  return CUPORT_ERROR_NOT_FOUND;
}
static cuport_status launch(void *self, cuport_backend_kernel *kernel,
                            const cuport_launch_config *config, cuport_error_buffer error) {
  (void)self, (void)kernel, (void)config, (void)error;
  return CUPORT_ERROR_NOT_SUPPORTED;
}
static void destroy(void *self) {
  (void)self;
}
static cuport_status set_device_heap_limit(void *self, size_t bytes) {
  (void)self, (void)bytes;
  return CUPORT_ERROR_NOT_SUPPORTED;
}
static cuport_status set_printf_fifo_size(void *self, size_t bytes) {
  (void)self, (void)bytes;
  return CUPORT_ERROR_NOT_SUPPORTED;
}
static void flush_printf(void *self) {
  (void)self;
}

__attribute__((visibility("default"))) const cuport_backend *cuport_backend_create(void) {
  static const cuport_backend backend = {
      FAKE_BACKEND_ABI,
      "fake",
      0,
      info,
      mem_alloc,
      mem_free,
      copy,
      fill,
      module_load,
      module_unload,
      module_get_global,
      module_get_kernel,
      kernel_get_attributes,
      launch,
      destroy,
      set_device_heap_limit,
      set_printf_fifo_size,
      flush_printf,
  };
  return &backend;
}
