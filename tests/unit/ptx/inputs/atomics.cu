// Atomic operations on global and shared memory.
__global__ void histogram(const unsigned char *data, unsigned *bins, int n, float *fsum,
                          unsigned long long *maxv, int *flag) {
  __shared__ unsigned localBins[256];
  for (int b = threadIdx.x; b < 256; b += blockDim.x)
    localBins[b] = 0;
  __syncthreads();
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    atomicAdd(&localBins[data[i]], 1u);
    atomicAdd(fsum, (float)data[i]);
    atomicMax(maxv, (unsigned long long)i);
    atomicCAS(flag, 0, i);
    atomicExch(flag + 1, i);
    atomicInc(bins + 256, 100u);
  }
  __syncthreads();
  for (int b = threadIdx.x; b < 256; b += blockDim.x)
    atomicAdd(&bins[b], localBins[b]);
}
