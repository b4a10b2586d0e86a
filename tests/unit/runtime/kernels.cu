// Kernels for the runtime's end-to-end tests, compiled at test build time with
// `nvcc -fatbin` and registered by hand, the way nvcc's host stubs would.
__device__ int deviceCounter;
__constant__ float scale;

extern "C" __global__ void vector_add(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    c[i] = a[i] + b[i];
}

// Launched with a null pointer: the store faults.
extern "C" __global__ void store_through(int *pointer, int value) { *pointer = value; }

extern "C" __global__ void scale_by_constant(float *x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    x[i] *= scale;
}

extern "C" __global__ void add_to_counter(int value) { deviceCounter += value; }
