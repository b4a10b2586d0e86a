// Finding the .nv_fatbin section of a host ELF64 file (executable or shared library) and parsing
// the containers the linker concatenated into it.
#include "compiler/fatbin/byte_reader.h"
#include "compiler/fatbin/container.h"
#include "compiler/fatbin/hex_text.h"

#include <cstring>
#include <elf.h>
#include <string_view>

namespace cuport::fatbin {

namespace {

constexpr std::string_view kFatbinSectionName = ".nv_fatbin";

bool fail(ParseError &error, std::string message) {
  error.message = "ELF: " + std::move(message);
  return false;
}

// The name at `offset` in the section-name table, bounded by the table's end.
std::string_view sectionName(ByteReader strtab, uint64_t offset) {
  if (offset >= strtab.size())
    return {};
  auto rest = strtab.slice(offset, strtab.size() - offset);
  std::string_view text(reinterpret_cast<const char *>(rest.data()), rest.size());
  size_t end = text.find('\0');
  return end == std::string_view::npos ? std::string_view{} : text.substr(0, end);
}

// Locates the .nv_fatbin section's bytes.
bool findFatbinSection(ByteReader file, std::span<const uint8_t> &section, ParseError &error) {
  auto header = file.read<Elf64_Ehdr>(0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0)
    return fail(error, "not an ELF file (bad or missing magic)");
  if (header->e_ident[EI_CLASS] != ELFCLASS64)
    return fail(error, "only 64-bit ELF files are supported");
  if (header->e_ident[EI_DATA] != ELFDATA2LSB)
    return fail(error, "only little-endian ELF files are supported");
  if (header->e_shoff == 0)
    return fail(error, "the file has no section headers");
  if (header->e_shentsize < sizeof(Elf64_Shdr))
    return fail(error, "section header size " + std::to_string(header->e_shentsize) +
                           " is smaller than Elf64_Shdr");

  auto sectionHeader = [&](uint64_t index) {
    return file.read<Elf64_Shdr>(header->e_shoff + index * header->e_shentsize);
  };
  // Files with 0xff00 or more sections keep the real count and string-table index in section 0.
  uint64_t count = header->e_shnum;
  uint64_t namesIndex = header->e_shstrndx;
  if (count == 0 || namesIndex == SHN_XINDEX) {
    auto first = sectionHeader(0);
    if (!first)
      return fail(error, "section header 0 lies outside the file");
    if (count == 0)
      count = first->sh_size;
    if (namesIndex == SHN_XINDEX)
      namesIndex = first->sh_link;
  }
  // Bounding the table by the file size keeps the multiplication below from overflowing.
  if (header->e_shoff > file.size() || count > file.size() / header->e_shentsize ||
      !file.contains(header->e_shoff, count * header->e_shentsize))
    return fail(error, "the section header table (" + std::to_string(count) +
                           " entries) lies outside the file");
  if (namesIndex >= count)
    return fail(error,
                "section-name table index " + std::to_string(namesIndex) + " is out of range");
  auto names = sectionHeader(namesIndex);
  if (!file.contains(names->sh_offset, names->sh_size))
    return fail(error, "the section-name table lies outside the file");
  ByteReader strtab(file.slice(names->sh_offset, names->sh_size));

  for (uint64_t index = 0; index < count; ++index) {
    auto candidate = sectionHeader(index);
    if (sectionName(strtab, candidate->sh_name) != kFatbinSectionName)
      continue;
    if (candidate->sh_type == SHT_NOBITS)
      return fail(error, "the .nv_fatbin section has no contents in the file");
    if (!file.contains(candidate->sh_offset, candidate->sh_size))
      return fail(error, "the .nv_fatbin section lies outside the file");
    section = file.slice(candidate->sh_offset, candidate->sh_size);
    return true;
  }
  return fail(error, "no .nv_fatbin section (the file holds no CUDA device code)");
}

} // namespace

std::optional<std::vector<Fatbin>> parseElfSection(std::span<const uint8_t> elfFile,
                                                   ParseError &error) {
  std::span<const uint8_t> section;
  if (!findFatbinSection(ByteReader(elfFile), section, error))
    return std::nullopt;

  std::vector<Fatbin> fatbins;
  size_t offset = 0;
  while (true) {
    // The linker pads between containers (8-byte alignment) with zeros.
    while (offset < section.size() && section[offset] == 0)
      ++offset;
    if (offset == section.size())
      break;
    Fatbin fatbin;
    size_t consumed = 0;
    if (!parseContainerPrefix(section.subspan(offset), fatbin, consumed, error)) {
      error.message = ".nv_fatbin container " + std::to_string(fatbins.size() + 1) + " at " +
                      hexText(offset) + ": " + error.message;
      return std::nullopt;
    }
    fatbins.push_back(std::move(fatbin));
    offset += consumed;
  }
  return fatbins;
}

} // namespace cuport::fatbin
