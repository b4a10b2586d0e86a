// The container (magic 0xBA55ED50) and the entries inside it.
#include "compiler/fatbin/container.h"

#include "compiler/fatbin/byte_reader.h"
#include "compiler/fatbin/decompress.h"
#include "compiler/fatbin/format.h"
#include "compiler/fatbin/hex_text.h"

namespace cuport::fatbin {

namespace {

bool fail(ParseError &error, std::string message) {
  error.message = std::move(message);
  return false;
}

// Which codec the flags name, or an error when they name more than one.
bool compressionOf(uint64_t flags, std::optional<Codec> &codec, std::string &problem) {
  int named = 0;
  if (flags & format::kFlagCompressedLz4) {
    codec = Codec::Lz4;
    ++named;
  }
  if (flags & format::kFlagCompressedZstd) {
    codec = Codec::Zstd;
    ++named;
  }
  if (flags & format::kFlagCompressedZlib) {
    codec = Codec::Zlib;
    ++named;
  }
  if (named > 1) {
    problem = "flags " + hexText(flags) + " name more than one compression";
    return false;
  }
  return true;
}

// Parses the entry at the start of `bytes` (the rest of the container) and sets `consumed` to its
// header plus payload size. `index` is 1-based, for messages.
bool parseEntry(ByteReader bytes, size_t index, Entry &entry, uint64_t &consumed,
                ParseError &error) {
  const std::string where = "fatbin entry " + std::to_string(index) + ": ";
  if (bytes.size() < format::kEntryHeaderMinSize)
    return fail(error, where + "its header needs " + std::to_string(format::kEntryHeaderMinSize) +
                           " bytes but only " + std::to_string(bytes.size()) +
                           " remain in the container");
  // The reads below cannot fail: the 64-byte minimum header is in range.
  uint16_t kind = *bytes.read<uint16_t>(format::kEntryKindOffset);
  uint32_t headerSize = *bytes.read<uint32_t>(format::kEntryHeaderSizeOffset);
  uint64_t payloadSize = *bytes.read<uint64_t>(format::kEntryPayloadSizeOffset);
  uint32_t compressedSize = *bytes.read<uint32_t>(format::kEntryCompressedSizeOffset);
  uint32_t smArch = *bytes.read<uint32_t>(format::kEntrySmArchOffset);
  uint64_t flags = *bytes.read<uint64_t>(format::kEntryFlagsOffset);
  uint64_t uncompressedSize = *bytes.read<uint64_t>(format::kEntryUncompressedSizeOffset);

  if (headerSize < format::kEntryHeaderMinSize || headerSize > bytes.size())
    return fail(error, where + "header size " + std::to_string(headerSize) + " is outside " +
                           std::to_string(format::kEntryHeaderMinSize) + ".." +
                           std::to_string(bytes.size()) + " (the bytes left in the container)");
  if (!bytes.contains(headerSize, payloadSize))
    return fail(error, where + "payload size " + std::to_string(payloadSize) +
                           " overruns the container (" + std::to_string(bytes.size() - headerSize) +
                           " bytes left)");

  entry = Entry{};
  entry.smArch = smArch;
  switch (kind) {
  case format::kEntryKindPtx:
    entry.kind = EntryKind::Ptx;
    break;
  case format::kEntryKindElf:
    entry.kind = EntryKind::Elf;
    break;
  default:
    entry.kind = EntryKind::Unknown;
    break;
  }

  std::optional<Codec> codec;
  std::string problem;
  if (!compressionOf(flags, codec, problem))
    return fail(error, where + problem);

  if (!codec) {
    auto payload = bytes.slice(headerSize, payloadSize);
    entry.payload.assign(payload.begin(), payload.end());
  } else {
    const std::string what = where + codecDisplayName(*codec) + " payload ";
    if (compressedSize == 0 || compressedSize > payloadSize)
      return fail(error, what + "size " + std::to_string(compressedSize) + " is outside 1.." +
                             std::to_string(payloadSize) + " (the entry's payload area)");
    if (uncompressedSize == 0 || uncompressedSize > format::kMaxUncompressedSize)
      return fail(error, what + "declares an uncompressed size of " +
                             std::to_string(uncompressedSize) + " bytes, outside 1.." +
                             std::to_string(format::kMaxUncompressedSize));
    std::string reason;
    auto output = decompress(*codec, bytes.slice(headerSize, compressedSize),
                             static_cast<size_t>(uncompressedSize), reason);
    if (!output)
      return fail(error, what + reason);
    entry.payload = std::move(*output);
    entry.compression = codecId(*codec);
  }
  // PTX is stored NUL-terminated and padded to 8 bytes; consumers want the text alone.
  if (entry.kind == EntryKind::Ptx) {
    while (!entry.payload.empty() && entry.payload.back() == '\0')
      entry.payload.pop_back();
  }
  consumed = headerSize + payloadSize;
  return true;
}

} // namespace

bool parseContainerPrefix(std::span<const uint8_t> span, Fatbin &fatbin, size_t &consumed,
                          ParseError &error) {
  ByteReader bytes(span);
  if (bytes.size() < format::kContainerHeaderMinSize)
    return fail(error, "fatbin container: " + std::to_string(bytes.size()) +
                           " bytes is too short for its " +
                           std::to_string(format::kContainerHeaderMinSize) + "-byte header");
  uint32_t magic = *bytes.read<uint32_t>(format::kContainerMagicOffset);
  if (magic != kContainerMagic)
    return fail(error, "fatbin container: bad magic " + hexText(magic) + " (expected " +
                           hexText(kContainerMagic) + ")");
  uint16_t version = *bytes.read<uint16_t>(format::kContainerVersionOffset);
  if (version != format::kContainerVersion)
    return fail(error, "fatbin container: unsupported version " + std::to_string(version) +
                           " (expected " + std::to_string(format::kContainerVersion) + ")");
  uint16_t headerSize = *bytes.read<uint16_t>(format::kContainerHeaderSizeOffset);
  uint64_t entriesSize = *bytes.read<uint64_t>(format::kContainerEntriesSizeOffset);
  if (headerSize < format::kContainerHeaderMinSize || headerSize > bytes.size())
    return fail(error, "fatbin container: header size " + std::to_string(headerSize) +
                           " is outside " + std::to_string(format::kContainerHeaderMinSize) + ".." +
                           std::to_string(bytes.size()));
  if (!bytes.contains(headerSize, entriesSize))
    return fail(error, "fatbin container: declares " + std::to_string(entriesSize) +
                           " bytes of entries but only " +
                           std::to_string(bytes.size() - headerSize) + " follow its header");

  ByteReader entries(bytes.slice(headerSize, entriesSize));
  fatbin = Fatbin{};
  uint64_t offset = 0;
  for (size_t index = 1; offset < entries.size(); ++index) {
    Entry entry;
    uint64_t entrySize = 0;
    if (!parseEntry(ByteReader(entries.slice(offset, entries.size() - offset)), index, entry,
                    entrySize, error))
      return false;
    fatbin.entries.push_back(std::move(entry));
    offset += entrySize;
  }
  consumed = static_cast<size_t>(headerSize + entriesSize);
  return true;
}

std::optional<Fatbin> parseContainer(std::span<const uint8_t> bytes, ParseError &error) {
  Fatbin fatbin;
  size_t consumed = 0;
  if (!parseContainerPrefix(bytes, fatbin, consumed, error))
    return std::nullopt;
  return fatbin;
}

} // namespace cuport::fatbin
