// Input for test_lower: device math library code (sinf argument reduction uses the carry chain).
// nvcc -ptx -arch=sm_75 -O3 mathlib.cu -o mathlib.ptx
#include <cuda_fp16.h>
__global__ void mathlib(const float *x, float *y, const double *dx, double *dy, __half *h) {
  int t = threadIdx.x;
  y[t] = sinf(x[t]) + expf(x[t]) + powf(x[t], 1.7f) + logf(x[t]) + tanhf(x[t]) + erff(x[t]);
  dy[t] = sin(dx[t]) / dx[t] + exp(dx[t]) + log(dx[t]) + pow(dx[t], 0.3);
  h[t] = __float2half(y[t]) ;
  y[t+1] = __half2float(h[t+1]) + __int_as_float(__clz(t) + __popc(t) + __brev(t) + __ffs(t));
}
