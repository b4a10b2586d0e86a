// Device code the fatbin tests compile with nvcc: two kernels, so the PTX has some substance.
extern "C" __global__ void saxpy(int n, float a, const float *x, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

extern "C" __global__ void scaleDoubles(double *values, double factor) {
  values[threadIdx.x] *= factor;
}
