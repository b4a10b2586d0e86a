// Thrust's device algorithms as real code calls them: sort (keys, and keys with values), inclusive
// and exclusive scan, and reduce, on device_vectors. Each result is checked against the standard
// library on the host.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <vector>

#include <thrust/device_vector.h>
#include <thrust/functional.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/sort.h>

#include "check.h"

int main() {
  const int n = 20011;
  std::vector<uint32_t> keys(n);
  std::vector<int> values(n);
  for (int i = 0; i < n; ++i) {
    keys[i] = static_cast<uint32_t>(i) * 2654435761u;
    values[i] = static_cast<int>((i * 7919u) % 1999u) - 999;
  }

  thrust::device_vector<uint32_t> deviceKeys(keys.begin(), keys.end());
  thrust::sort(deviceKeys.begin(), deviceKeys.end());
  std::vector<uint32_t> sorted(keys);
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint32_t> gotKeys(n);
  thrust::copy(deviceKeys.begin(), deviceKeys.end(), gotKeys.begin());
  EXPECT(gotKeys == sorted);

  // Sort by key, descending, carrying the values along.
  thrust::device_vector<uint32_t> byKey(keys.begin(), keys.end());
  thrust::device_vector<int> carried(values.begin(), values.end());
  thrust::sort_by_key(byKey.begin(), byKey.end(), carried.begin(), thrust::greater<uint32_t>());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return keys[a] > keys[b]; });
  std::vector<int> gotCarried(n);
  thrust::copy(carried.begin(), carried.end(), gotCarried.begin());
  for (int i = 0; i < n; ++i)
    EXPECT(gotCarried[i] == values[order[i]]);

  thrust::device_vector<int> deviceValues(values.begin(), values.end());
  thrust::device_vector<int> scanned(n);
  thrust::inclusive_scan(deviceValues.begin(), deviceValues.end(), scanned.begin());
  std::vector<int> gotScan(n);
  thrust::copy(scanned.begin(), scanned.end(), gotScan.begin());
  int running = 0;
  for (int i = 0; i < n; ++i) {
    running += values[i];
    EXPECT(gotScan[i] == running);
  }
  thrust::exclusive_scan(deviceValues.begin(), deviceValues.end(), scanned.begin(), 5);
  thrust::copy(scanned.begin(), scanned.end(), gotScan.begin());
  running = 5;
  for (int i = 0; i < n; ++i) {
    EXPECT(gotScan[i] == running);
    running += values[i];
  }

  long long sum = thrust::reduce(deviceValues.begin(), deviceValues.end(), 0LL);
  int maximum =
      thrust::reduce(deviceValues.begin(), deviceValues.end(), -1000000, thrust::maximum<int>());
  EXPECT(sum == std::accumulate(values.begin(), values.end(), 0LL));
  EXPECT(maximum == *std::max_element(values.begin(), values.end()));
  std::printf("%d elements: sort, sort_by_key, scans and reductions match\n", n);
  std::printf("PASS\n");
  return EXIT_SUCCESS;
}
