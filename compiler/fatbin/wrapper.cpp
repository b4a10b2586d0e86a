// Fatbins reached through pointers (the registration wrapper, cuModuleLoadData images): the size
// comes from the container's own header, and the caller vouches that those bytes are mapped.
#include "compiler/fatbin/container.h"
#include "compiler/fatbin/format.h"
#include "compiler/fatbin/hex_text.h"

#include <cstring>

namespace cuport::fatbin {

namespace {

// Guards against following a corrupt header's size into a huge span; real containers are MBs.
constexpr uint64_t kMaxContainerSize = uint64_t{1} << 34;
// Guards against walking an unterminated prelinked array forever.
constexpr size_t kMaxPrelinkedContainers = 1 << 16;

bool readWrapper(const void *pointer, format::Wrapper &wrapper, ParseError &error) {
  if (!pointer) {
    error.message = "fatbin wrapper: null pointer";
    return false;
  }
  std::memcpy(&wrapper, pointer, sizeof wrapper);
  if (static_cast<uint32_t>(wrapper.magic) != kWrapperMagic) {
    error.message = "fatbin wrapper: bad magic " + hexText(static_cast<uint32_t>(wrapper.magic)) +
                    " (expected " + hexText(kWrapperMagic) + ")";
    return false;
  }
  if (wrapper.version != format::kWrapperVersionPlain &&
      wrapper.version != format::kWrapperVersionPrelinked) {
    error.message = "fatbin wrapper: unsupported version " + std::to_string(wrapper.version) +
                    " (expected 1 or 2)";
    return false;
  }
  return true;
}

} // namespace

std::optional<Fatbin> parseContainerAt(const void *container, ParseError &error) {
  if (!container) {
    error.message = "fatbin container: null pointer";
    return std::nullopt;
  }
  // Read the fixed header first and check the magic before trusting any size in it.
  uint8_t header[format::kContainerHeaderMinSize];
  std::memcpy(header, container, sizeof header);
  uint32_t magic;
  uint16_t headerSize;
  uint64_t entriesSize;
  std::memcpy(&magic, header + format::kContainerMagicOffset, sizeof magic);
  std::memcpy(&headerSize, header + format::kContainerHeaderSizeOffset, sizeof headerSize);
  std::memcpy(&entriesSize, header + format::kContainerEntriesSizeOffset, sizeof entriesSize);
  if (magic != kContainerMagic) {
    error.message = "fatbin container: bad magic " + hexText(magic) + " (expected " +
                    hexText(kContainerMagic) + ")";
    return std::nullopt;
  }
  if (headerSize < format::kContainerHeaderMinSize || entriesSize > kMaxContainerSize) {
    error.message = "fatbin container: implausible header (header size " +
                    std::to_string(headerSize) + ", entries size " + std::to_string(entriesSize) +
                    ")";
    return std::nullopt;
  }
  auto bytes = std::span(static_cast<const uint8_t *>(container),
                         static_cast<size_t>(headerSize + entriesSize));
  return parseContainer(bytes, error);
}

std::optional<Fatbin> parseWrapper(const void *pointer, ParseError &error) {
  format::Wrapper wrapper;
  if (!readWrapper(pointer, wrapper, error))
    return std::nullopt;
  auto fatbin = parseContainerAt(wrapper.data, error);
  if (!fatbin)
    error.message = "fatbin wrapper: " + error.message;
  return fatbin;
}

std::optional<std::vector<Fatbin>> parsePrelinkedContainers(const void *pointer,
                                                            ParseError &error) {
  format::Wrapper wrapper;
  if (!readWrapper(pointer, wrapper, error))
    return std::nullopt;
  std::vector<Fatbin> fatbins;
  if (wrapper.version != format::kWrapperVersionPrelinked || !wrapper.filenameOrFatbins)
    return fatbins;
  auto containers = static_cast<const void *const *>(wrapper.filenameOrFatbins);
  for (size_t index = 0; containers[index]; ++index) {
    if (index == kMaxPrelinkedContainers) {
      error.message = "fatbin wrapper: prelinked container list is not null-terminated within " +
                      std::to_string(kMaxPrelinkedContainers) + " entries";
      return std::nullopt;
    }
    auto fatbin = parseContainerAt(containers[index], error);
    if (!fatbin) {
      error.message =
          "fatbin wrapper: prelinked container " + std::to_string(index + 1) + ": " + error.message;
      return std::nullopt;
    }
    fatbins.push_back(std::move(*fatbin));
  }
  return fatbins;
}

} // namespace cuport::fatbin
