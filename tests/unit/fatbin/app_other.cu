extern "C" __global__ void otherKernel(int *data) { data[threadIdx.x] *= 3; }

void launchOther(int *data) { otherKernel<<<1, 32>>>(data); }
