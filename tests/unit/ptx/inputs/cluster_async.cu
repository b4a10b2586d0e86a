// sm_90 features: thread-block clusters, distributed shared memory, async copies.
#include <cooperative_groups.h>
#include <cuda_pipeline.h>
namespace cg = cooperative_groups;

__global__ void __cluster_dims__(2, 1, 1) clusterExchange(const int *in, int *out) {
  __shared__ int buffer[128];
  __shared__ alignas(16) float staged[128];
  cg::cluster_group cluster = cg::this_cluster();
  unsigned rank = cluster.block_rank();
  __pipeline_memcpy_async(&staged[threadIdx.x], &in[threadIdx.x], sizeof(float));
  __pipeline_commit();
  __pipeline_wait_prior(0);
  buffer[threadIdx.x] = in[blockIdx.x * blockDim.x + threadIdx.x] + (int)staged[threadIdx.x];
  cluster.sync();
  int *peer = cluster.map_shared_rank(buffer, (rank + 1) % 2);
  out[blockIdx.x * blockDim.x + threadIdx.x] = peer[threadIdx.x];
  cluster.sync();
}
