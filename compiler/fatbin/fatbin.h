// Reads NVIDIA fatbinaries: the wrapper that nvcc's host stubs pass to __cudaRegisterFatBinary
// (magic 0x466243B1), the container it points at (magic 0xBA55ED50) and the entries inside it
// (PTX text and ELF cubins), decompressing LZ4, zstd and zlib payloads. Never reads outside the
// bytes it is given; malformed input is an error message, not a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cuport::fatbin {

// Magic numbers, for callers that must tell a wrapper, a container, PTX text and a cubin apart.
inline constexpr uint32_t kWrapperMagic = 0x466243B1;
inline constexpr uint32_t kContainerMagic = 0xBA55ED50;

enum class EntryKind { Ptx, Elf, Unknown };

struct Entry {
  EntryKind kind = EntryKind::Unknown;
  uint32_t smArch = 0;     // 75 for sm_75 / compute_75
  std::string compression; // "", "lz4", "zstd" or "zlib"
  std::string payload;     // decompressed bytes; PTX text without trailing NULs
};

struct Fatbin {
  std::vector<Entry> entries;
};

struct ParseError {
  std::string message;
};

// A container starting at `bytes` (0xBA55ED50 ...). Entries it cannot decompress are errors.
std::optional<Fatbin> parseContainer(std::span<const uint8_t> bytes, ParseError &error);

// The wrapper nvcc passes to __cudaRegisterFatBinary. The container's own header gives its size;
// the caller vouches that the wrapper and the container are mapped.
std::optional<Fatbin> parseWrapper(const void *wrapper, ParseError &error);

// A container whose size is known only from its own header (cuModuleLoadData,
// cuModuleLoadFatBinary, a wrapper's `data`): the caller vouches that the header and the size it
// declares are mapped.
std::optional<Fatbin> parseContainerAt(const void *container, ParseError &error);

// Version 2 wrappers (-rdc builds, registered after __cudaRegisterLinkedBinary) point, in
// filename_or_fatbins, at a null-terminated array of the translation units' own containers; those
// hold the PTX, while `data` holds the device-linked cubin. One Fatbin per listed container, in
// order; an empty vector for a version 1 wrapper.
std::optional<std::vector<Fatbin>> parsePrelinkedContainers(const void *wrapper, ParseError &error);

// Every container in an ELF executable's or shared library's .nv_fatbin section (for `cuport run`
// and `cuport info` to inspect a program before running it). A file without that section is an
// error that says so.
std::optional<std::vector<Fatbin>> parseElfSection(std::span<const uint8_t> elfFile,
                                                   ParseError &error);

// The PTX entry best for a device of compute capability `smArch`: the newest PTX whose arch is
// not above it, else (PTX is forward compatible only) none. nullptr when there is none.
const Entry *selectPtx(const Fatbin &fatbin, uint32_t smArch);

} // namespace cuport::fatbin
