// CUarray and CUmipmappedArray are runtime/core's cudaArray_t and cudaMipmappedArray_t under the
// driver's opaque struct names: these convert between the two spellings of one pointer.
#pragma once

#include "runtime/driver/api.h"

#include "runtime/core/array.h"
#include "runtime/core/mipmapped_array.h"

namespace cuport::driver {

inline cudaArray_t arrayOf(CUarray handle) {
  return reinterpret_cast<cudaArray_t>(handle);
}
inline CUarray arrayHandle(cudaArray_const_t array) {
  return reinterpret_cast<CUarray>(const_cast<cudaArray_t>(array));
}

inline cudaMipmappedArray_t mipmappedArrayOf(CUmipmappedArray handle) {
  return reinterpret_cast<cudaMipmappedArray_t>(handle);
}
inline CUmipmappedArray mipmappedArrayHandle(cudaMipmappedArray_const_t array) {
  return reinterpret_cast<CUmipmappedArray>(const_cast<cudaMipmappedArray_t>(array));
}

} // namespace cuport::driver
