#include "tools/program_inspection.h"

#include "compiler/fatbin/fatbin.h"

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <iterator>
#include <span>

namespace cuport::tools {
namespace {

// Bounds-checked view of a struct inside the file; nullptr when it does not fit.
template <typename T> const T *at(std::span<const uint8_t> bytes, uint64_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T))
    return nullptr;
  return reinterpret_cast<const T *>(bytes.data() + offset);
}

std::string stringAt(std::span<const uint8_t> bytes, uint64_t tableOffset, uint64_t tableSize,
                     uint64_t index) {
  if (index >= tableSize || tableOffset > bytes.size() || bytes.size() - tableOffset < tableSize)
    return {};
  const char *begin = reinterpret_cast<const char *>(bytes.data() + tableOffset + index);
  size_t limit = tableSize - index;
  return std::string(begin, strnlen(begin, limit));
}

void readDynamicNeeded(std::span<const uint8_t> bytes, const Elf64_Ehdr &header,
                       ProgramInspection &out) {
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    const auto *section = at<Elf64_Shdr>(bytes, header.e_shoff + uint64_t(i) * header.e_shentsize);
    if (!section || section->sh_type != SHT_DYNAMIC)
      continue;
    const auto *strtab =
        at<Elf64_Shdr>(bytes, header.e_shoff + uint64_t(section->sh_link) * header.e_shentsize);
    if (!strtab)
      return;
    for (uint64_t offset = 0; offset + sizeof(Elf64_Dyn) <= section->sh_size;
         offset += sizeof(Elf64_Dyn)) {
      const auto *entry = at<Elf64_Dyn>(bytes, section->sh_offset + offset);
      if (!entry || entry->d_tag == DT_NULL)
        break;
      if (entry->d_tag == DT_NEEDED)
        out.neededLibraries.push_back(
            stringAt(bytes, strtab->sh_offset, strtab->sh_size, entry->d_un.d_val));
    }
  }
}

bool hasSection(std::span<const uint8_t> bytes, const Elf64_Ehdr &header, std::string_view name) {
  const auto *names =
      at<Elf64_Shdr>(bytes, header.e_shoff + uint64_t(header.e_shstrndx) * header.e_shentsize);
  if (!names)
    return false;
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    const auto *section = at<Elf64_Shdr>(bytes, header.e_shoff + uint64_t(i) * header.e_shentsize);
    if (section && stringAt(bytes, names->sh_offset, names->sh_size, section->sh_name) == name)
      return true;
  }
  return false;
}

bool containsText(std::span<const uint8_t> bytes, std::string_view text) {
  return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
}

} // namespace

bool inspectProgram(const std::string &path, ProgramInspection &out, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::vector<uint8_t> contents((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
  std::span<const uint8_t> bytes(contents);
  const auto *header = at<Elf64_Ehdr>(bytes, 0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 ||
      header->e_ident[EI_CLASS] != ELFCLASS64)
    return true; // not a 64-bit ELF program: nothing to check
  out.isElf = true;
  readDynamicNeeded(bytes, *header, out);
  for (const std::string &library : out.neededLibraries)
    if (library.starts_with("libcudart.so"))
      out.cudartNeeded = library;

  // Programs without device code of their own (an interpreter, a program whose kernels live in a
  // shared library) are fine; only a fatbin that is present but unreadable is a problem.
  fatbin::ParseError fatbinError;
  auto fatbins = hasSection(bytes, *header, ".nv_fatbin")
                     ? fatbin::parseElfSection(bytes, fatbinError)
                     : std::optional<std::vector<fatbin::Fatbin>>(std::vector<fatbin::Fatbin>{});
  if (!fatbins) {
    out.fatbinError = fatbinError.message;
  } else {
    out.hasFatbinSection = !fatbins->empty();
    for (const fatbin::Fatbin &fatbin : *fatbins)
      for (const fatbin::Entry &entry : fatbin.entries) {
        if (entry.kind == fatbin::EntryKind::Ptx) {
          ++out.ptxEntries;
          out.ptxArchs.push_back(entry.smArch);
        } else if (entry.kind == fatbin::EntryKind::Elf) {
          out.sassArchs.push_back(entry.smArch);
        }
      }
  }
  for (std::vector<uint32_t> *archs : {&out.sassArchs, &out.ptxArchs}) {
    std::sort(archs->begin(), archs->end());
    archs->erase(std::unique(archs->begin(), archs->end()), archs->end());
  }
  // nvcc's static runtime leaves its build identifiers in the binary.
  out.linksCudartStatically = out.cudartNeeded.empty() && containsText(bytes, "libcudart_static");
  return true;
}

} // namespace cuport::tools
