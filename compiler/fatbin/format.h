// The fatbinary layout, as established from what nvcc 13 / fatbinary write (see the unit tests,
// which check these offsets against real nvcc output). Offsets are in bytes, little-endian.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cuport::fatbin::format {

// __fatBinC_Wrapper_t from CUDA's fatbinary_section.h.
struct Wrapper {
  int32_t magic;
  int32_t version;
  const void *data;              // the container
  const void *filenameOrFatbins; // v1: offline file name; v2: null-terminated container array
};
inline constexpr int32_t kWrapperVersionPlain = 1;
inline constexpr int32_t kWrapperVersionPrelinked = 2;

// Container header: magic u32, version u16, header size u16, then the byte count of the entries
// that follow the header.
inline constexpr size_t kContainerMagicOffset = 0;
inline constexpr size_t kContainerVersionOffset = 4;
inline constexpr size_t kContainerHeaderSizeOffset = 6;
inline constexpr size_t kContainerEntriesSizeOffset = 8;
inline constexpr size_t kContainerHeaderMinSize = 16;
inline constexpr uint16_t kContainerVersion = 1;

// Entry header. nvcc writes 64 bytes for cubins and 80 or more for PTX (the tail holds the
// ptxas options and source name); only the first 64 bytes have fields we need.
inline constexpr size_t kEntryKindOffset = 0;              // u16: 1 PTX, 2 ELF
inline constexpr size_t kEntryHeaderSizeOffset = 4;        // u32
inline constexpr size_t kEntryPayloadSizeOffset = 8;       // u64, payload bytes incl. padding
inline constexpr size_t kEntryCompressedSizeOffset = 16;   // u32, exact compressed byte count
inline constexpr size_t kEntrySmArchOffset = 28;           // u32, e.g. 86
inline constexpr size_t kEntryFlagsOffset = 40;            // u64
inline constexpr size_t kEntryUncompressedSizeOffset = 56; // u64
inline constexpr size_t kEntryHeaderMinSize = 64;

inline constexpr uint16_t kEntryKindPtx = 1;
inline constexpr uint16_t kEntryKindElf = 2;

// Seen in nvcc 13 output: 0x1 64-bit, 0x2 debug (-G), 0x10 Linux host, and the codecs below.
// zlib is not written by nvcc 13 (older toolkits); its bit is taken from public reverse
// engineering and only tested on hand-made entries.
inline constexpr uint64_t kFlagCompressedZlib = 0x1000;
inline constexpr uint64_t kFlagCompressedLz4 = 0x2000;  // LZ4 raw block (compress-mode=speed)
inline constexpr uint64_t kFlagCompressedZstd = 0x8000; // zstd frame (the CUDA 13 default)

// A decompressed entry larger than this is taken as a corrupt header rather than allocated.
inline constexpr uint64_t kMaxUncompressedSize = uint64_t{1} << 30;

} // namespace cuport::fatbin::format
