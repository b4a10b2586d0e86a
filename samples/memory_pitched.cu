// Pitched memory: a 2D image in cudaMallocPitch rows, filled with cudaMemcpy2D, transformed by a
// kernel that walks the rows by pitch, bordered with cudaMemset2D and copied back with
// cudaMemcpy2DAsync; plus a cudaMalloc3D volume cleared with cudaMemset3D. Built with
// --default-stream per-thread: stream 0 is the thread's own default stream (the _ptds/_ptsz
// entry points).
#include "check.h"

#include <vector>

__global__ void brighten(unsigned char *image, size_t pitch, int width, int height) {
  int x = blockIdx.x * blockDim.x + threadIdx.x;
  int y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x < width && y < height) {
    unsigned char *row = image + y * pitch;
    row[x] = static_cast<unsigned char>(row[x] / 2 + 100);
  }
}

__global__ void sumVolume(const unsigned char *volume, size_t pitch, size_t slicePitch, int width,
                          int height, int depth, unsigned *total) {
  for (int z = 0; z < depth; ++z)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        *total += volume[z * slicePitch + y * pitch + x];
}

int main() {
  const int width = 300, height = 77;
  std::vector<unsigned char> host(width * height), result(width * height);
  for (int i = 0; i < width * height; ++i)
    host[i] = static_cast<unsigned char>(i * 7);

  unsigned char *image = nullptr;
  size_t pitch = 0;
  CHECK(cudaMallocPitch(reinterpret_cast<void **>(&image), &pitch, width, height));
  int alignment = 0;
  CHECK(cudaDeviceGetAttribute(&alignment, cudaDevAttrTexturePitchAlignment, 0));
  if (pitch < width || alignment <= 0 || pitch % alignment != 0) {
    std::printf("pitch %zu for width %d, alignment %d\nFAIL\n", pitch, width, alignment);
    return 1;
  }
  CHECK(cudaMemcpy2D(image, pitch, host.data(), width, width, height, cudaMemcpyHostToDevice));
  dim3 block(16, 16), grid((width + 15) / 16, (height + 15) / 16);
  brighten<<<grid, block>>>(image, pitch, width, height);
  CHECK(cudaGetLastError());
  // Blank the first and last two columns of every row.
  CHECK(cudaMemset2D(image, pitch, 0, 2, height));
  CHECK(cudaMemset2D(image + width - 2, pitch, 0, 2, height));
  CHECK(cudaMemcpy2DAsync(result.data(), width, image, pitch, width, height, cudaMemcpyDeviceToHost,
                          0));
  CHECK(cudaStreamSynchronize(0));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int expected = (x < 2 || x >= width - 2) ? 0 : host[y * width + x] / 2 + 100;
      if (result[y * width + x] != expected) {
        std::printf("pixel (%d,%d) = %d, expected %d\nFAIL\n", x, y, result[y * width + x],
                    expected);
        return 1;
      }
    }

  // A 3D volume: everything 1, then a cleared inner box; the kernel sums what is left.
  cudaExtent extent = make_cudaExtent(40, 9, 5);
  cudaPitchedPtr volume;
  CHECK(cudaMalloc3D(&volume, extent));
  CHECK(cudaMemset3D(volume, 1, extent));
  cudaPitchedPtr inner = volume;
  inner.ptr = static_cast<char *>(volume.ptr) + volume.pitch * volume.ysize + volume.pitch + 4;
  CHECK(cudaMemset3D(inner, 0, make_cudaExtent(10, 3, 2)));
  unsigned *total = nullptr;
  CHECK(cudaMalloc(&total, sizeof(unsigned)));
  CHECK(cudaMemset(total, 0, sizeof(unsigned)));
  sumVolume<<<1, 1>>>(static_cast<unsigned char *>(volume.ptr), volume.pitch,
                      volume.pitch * volume.ysize, 40, 9, 5, total);
  unsigned sum = 0;
  CHECK(cudaMemcpy(&sum, total, sizeof sum, cudaMemcpyDeviceToHost));
  unsigned expected = 40 * 9 * 5 - 10 * 3 * 2;
  if (sum != expected) {
    std::printf("volume sum %u, expected %u\nFAIL\n", sum, expected);
    return 1;
  }
  CHECK(cudaFree(total));
  CHECK(cudaFree(volume.ptr));
  CHECK(cudaFree(image));
  std::printf("%dx%d image with pitch %zu, volume sum %u\n", width, height, pitch, sum);
  std::printf("PASS\n");
  return 0;
}
