// The kernels of the driver_api sample, compiled with `nvcc -ptx` at build time and loaded by the
// program with cuModuleLoadData (extern "C": the PTX names are the C names).
extern "C" __global__ void saxpy(int n, float a, const float *__restrict__ x,
                                 float *__restrict__ y) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
    y[i] = fmaf(a, x[i], y[i]);
}

// Each block sums its slice of `values` in dynamic shared memory and adds it to *total.
extern "C" __global__ void block_sum(const unsigned *values, int n, unsigned long long *total) {
  extern __shared__ unsigned partial[];
  unsigned sum = 0;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
    sum += values[i];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    atomicAdd(total, static_cast<unsigned long long>(partial[0]));
}

// A global the host reads and writes through cuModuleGetGlobal.
__device__ int launches = 0;

extern "C" __global__ void count_launch() {
  if (blockIdx.x == 0 && threadIdx.x == 0)
    ++launches;
}
