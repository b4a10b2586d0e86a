// A non-inlined device function taking and returning structs by value.
struct Vec3 {
  float x, y, z;
};
struct Pair {
  double weight;
  int index;
  char tag[6];
};

__device__ __noinline__ Vec3 scaleAndShift(Vec3 v, Pair p, float s) {
  Vec3 r;
  r.x = v.x * s + (float)p.weight;
  r.y = v.y * s + (float)p.index;
  r.z = v.z * s + (float)p.tag[p.index % 6];
  return r;
}

__device__ __noinline__ int pickLane(int a, long long b) { return a ^ (int)(b >> 3); }

__global__ void transform(Vec3 *data, Pair p, float s, int *lanes) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  data[i] = scaleAndShift(data[i], p, s);
  lanes[i] = pickLane(i, (long long)data);
}
