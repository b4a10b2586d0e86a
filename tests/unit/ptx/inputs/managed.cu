// __managed__ (unified memory) and a partially initialized __device__ array.
__managed__ int counter = 5;
__device__ float partialInit[3] = {1.0f, 2.0f};

__global__ void bump() {
  counter += 1;
  partialInit[2] = __int_as_float(counter);
}
