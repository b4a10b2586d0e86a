// The occupancy model of the device, from what its backend advertises: a multiprocessor keeps up
// to max_resident_blocks_per_multiprocessor blocks resident at once (on the CPU backend a
// multiprocessor is one executor worker thread, running one block at a time), and a block is
// resident-capable when its threads and its static plus dynamic shared memory fit the per-block
// limits. There is no register file to share: registers never limit occupancy.
#pragma once

#include "runtime/core/kernel.h"

#include <cstddef>

#include <driver_types.h>

namespace cuport::core {

class Device;

// Blocks of `blockSize` threads with `dynamicSharedBytes` that one multiprocessor holds at once
// (0 when such a block cannot launch at all). cudaErrorInvalidValue for blockSize < 1.
cudaError_t maxActiveBlocksPerMultiprocessor(Device &device, Kernel &kernel, int blockSize,
                                             size_t dynamicSharedBytes, int &blocks);

// The most dynamic shared memory each of `numBlocks` blocks of `blockSize` threads may have for
// all of them to be resident on one multiprocessor (0 when they cannot be).
cudaError_t availableDynamicSharedPerBlock(Device &device, Kernel &kernel, int numBlocks,
                                           int blockSize, size_t &bytes);

} // namespace cuport::core
