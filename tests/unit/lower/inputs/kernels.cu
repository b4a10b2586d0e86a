// Inputs for test_lower: ordinary kernels as nvcc compiles them (PTX committed next to this file:
// nvcc -ptx -arch=sm_75 -O3 kernels.cu -o kernels.ptx).
#include <cstdio>

__device__ int deviceCounter = 7;
__device__ float deviceTable[4] = {1.5f, -2.0f, 0.25f, 8.0f};
__constant__ int constantWeights[3] = {3, 5, 7};

struct Pair {
  int first;
  float second;
  double third;
};

__global__ void saxpy(int n, float a, const float *__restrict__ x, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

__device__ __noinline__ int combine(int a, int b) { return a * b + 3; }
__device__ __noinline__ float scalePair(Pair p, float s) {
  return (p.first + p.second + static_cast<float>(p.third)) * s;
}

__global__ void callHelpers(int *out, float *fout, Pair p, int a) {
  int t = threadIdx.x;
  out[t] = combine(a, t) + constantWeights[t % 3] + deviceCounter;
  fout[t] = scalePair(p, deviceTable[t % 4]);
}

__global__ void __launch_bounds__(128) reduceShared(const float *in, float *out) {
  __shared__ float partial[128];
  __shared__ int flag;
  unsigned t = threadIdx.x;
  partial[t] = in[blockIdx.x * blockDim.x + t];
  if (t == 1)
    flag = in[0] > 0.0f;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s)
      partial[t] += partial[t + s];
    __syncthreads();
  }
  if (t == 0 && flag)
    out[blockIdx.x] = partial[0];
}

__global__ void dynamicShared(int *out) {
  extern __shared__ int dynamicArea[];
  dynamicArea[threadIdx.x] = threadIdx.x;
  __syncthreads();
  out[threadIdx.x] = dynamicArea[blockDim.x - 1 - threadIdx.x];
}

__global__ void atomics(int *counter, unsigned *wrap, float *sum, int *maxValue, int *swapped,
                        const int *values) {
  int v = values[threadIdx.x];
  atomicAdd(counter, v);
  atomicInc(wrap, 4u);
  atomicAdd(sum, 0.5f * v);
  atomicMax(maxValue, v);
  atomicCAS(swapped, 0, v);
}

__global__ void localArray(const int *indices, int *out) {
  int scratch[16];
  for (int i = 0; i < 16; ++i)
    scratch[i] = i * i + indices[i];
  out[threadIdx.x] = scratch[indices[threadIdx.x] & 15];
}

__global__ void conversions(const float *f, const double *d, int *i, unsigned *u, long long *l,
                            float *fo, double *dout) {
  int t = threadIdx.x;
  i[t] = __float2int_rn(f[t]);
  u[t] = static_cast<unsigned>(f[t]);
  l[t] = static_cast<long long>(d[t]);
  fo[t] = static_cast<float>(d[t]) + static_cast<float>(i[t]);
  dout[t] = static_cast<double>(f[t]) * 2.0;
}

__global__ void math(const float *x, float *out, const double *dx, double *dout) {
  int t = threadIdx.x;
  out[4 * t + 0] = sqrtf(x[t]);
  out[4 * t + 1] = fminf(x[t], 1.0f);
  out[4 * t + 2] = fabsf(x[t]) / 3.0f;
  out[4 * t + 3] = __expf(x[t]);
  dout[t] = sqrt(dx[t]) + fmax(dx[t], -1.0);
}

__global__ void vectors(const float4 *in, float4 *out, const int2 *pairs, int *sums) {
  int t = threadIdx.x;
  float4 v = in[t];
  out[t] = make_float4(v.w, v.z, v.y, v.x);
  int2 p = pairs[t];
  sums[t] = p.x + p.y;
}

__global__ void printer(int value) { printf("value %d\n", value); }

__global__ void guardedExit(int *out, int limit) {
  if (threadIdx.x >= limit)
    return;
  out[threadIdx.x] = threadIdx.x * 2;
}
