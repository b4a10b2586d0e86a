// Warp-level primitives: shuffles, votes and a warp reduction.
__global__ void warpOps(const float *in, float *out, unsigned *ballots, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? in[i] : 0.0f;
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_down_sync(0xffffffff, v, offset);
  float up = __shfl_up_sync(0xffffffff, v, 1);
  float x = __shfl_xor_sync(0xffffffff, up, 3);
  float b = __shfl_sync(0xffffffff, x, 0);
  unsigned ballot = __ballot_sync(0xffffffff, v > 0.0f);
  int any = __any_sync(0xffffffff, b > 1.0f);
  if ((threadIdx.x & 31) == 0) {
    out[i / 32] = v + b;
    ballots[i / 32] = ballot + any + __activemask();
  }
}
