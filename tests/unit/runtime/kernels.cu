// Kernels for the runtime's end-to-end tests, compiled at test build time with
// `nvcc -fatbin` and registered by hand, the way nvcc's host stubs would.
#include <cooperative_groups.h>

__device__ int deviceCounter;
__constant__ float scale;

extern "C" __global__ void vector_add(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    c[i] = a[i] + b[i];
}

// Launched with a null pointer: the store faults.
extern "C" __global__ void store_through(int *pointer, int value) {
  *pointer = value;
}

extern "C" __global__ void scale_by_constant(float *x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    x[i] *= scale;
}

extern "C" __global__ void add_to_counter(int value) {
  deviceCounter += value;
}

// Every block counts itself in, the whole grid meets at grid.sync(), then every block records
// the count it sees: the grid size when the barrier works.
extern "C" __global__ void grid_barrier(int *counter, int *seen) {
  cooperative_groups::grid_group grid = cooperative_groups::this_grid();
  if (threadIdx.x == 0)
    atomicAdd(counter, 1);
  grid.sync();
  if (threadIdx.x == 0)
    seen[blockIdx.x] = atomicAdd(counter, 0);
}

// 256 bytes of static shared memory, at most 64 threads per block.
extern "C" __global__ void __launch_bounds__(64) bounded_shared(int *out) {
  __shared__ int values[64];
  extern __shared__ int dynamic[];
  values[threadIdx.x] = threadIdx.x;
  dynamic[0] = 0;
  __syncthreads();
  out[threadIdx.x] = values[63 - threadIdx.x];
}

// Block `failing` traps before the grid barrier that the other blocks wait in.
extern "C" __global__ void grid_barrier_trap(int failing) {
  cooperative_groups::grid_group grid = cooperative_groups::this_grid();
  if (blockIdx.x == failing && threadIdx.x == 0)
    __trap();
  grid.sync();
}
