// Host program linked by nvcc (-cudart shared) whose .nv_fatbin section the ELF tests scan. It is
// only built, never run. app_other.cu is a second translation unit, so the section holds more
// than one container.
extern "C" __global__ void appKernel(float *data) { data[threadIdx.x] += 1.0f; }

void launchOther(int *data);

int main() {
  appKernel<<<1, 32>>>(nullptr);
  launchOther(nullptr);
  return 0;
}
