// A dense switch: nvcc may emit a jump table (brx.idx) or a branch chain.
__global__ void classify(const int *in, int *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n)
    return;
  int r;
  switch (in[i]) {
  case 0: r = 10; break;
  case 1: r = in[i + 1] * 3; break;
  case 2: r = 7 - i; break;
  case 3: r = i * i; break;
  case 4: r = in[0] + 5; break;
  case 5: r = -1; break;
  case 6: r = i >> 2; break;
  case 7: r = in[n - 1]; break;
  case 8: r = 99; break;
  case 9: r = i | 0x40; break;
  default: r = 0;
  }
  out[i] = r;
}
