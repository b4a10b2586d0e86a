// Calls through a device function pointer: nvcc emits a .callprototype and an indirect call.
typedef float (*UnaryOp)(float, int);

__device__ __noinline__ float twice(float x, int k) { return 2.0f * x + k; }
__device__ __noinline__ float square(float x, int k) { return x * x - k; }
__device__ UnaryOp ops[2] = {twice, square};

__global__ void applyOp(float *data, int which) {
  int i = threadIdx.x;
  data[i] = ops[which & 1](data[i], i);
}
