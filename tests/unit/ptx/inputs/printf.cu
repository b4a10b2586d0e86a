// Device-side printf: vprintf call with a local argument buffer.
#include <cstdio>
__global__ void hello(int value, double d) {
  printf("thread %d block %d value %d d=%f\n", threadIdx.x, blockIdx.x, value, d);
  if (threadIdx.x == 0)
    printf("only thread zero\n");
}
