#include "tests/unit/fatbin/test_support.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <zlib.h>

namespace cuport::fatbin::test {

std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot open " << path;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string readText(const std::string &path) {
  auto bytes = readFile(path);
  return {bytes.begin(), bytes.end()};
}

std::string inputPath(const std::string &name) {
#ifdef CUPORT_FATBIN_INPUTS
  return std::string(CUPORT_FATBIN_INPUTS) + "/" + name;
#else
  return name;
#endif
}

std::string minifyPtx(const std::string &ptx) {
  std::istringstream lines(ptx);
  std::string line, result;
  bool first = true;
  while (std::getline(lines, line)) {
    if (auto comment = line.find("//"); comment != std::string::npos)
      line.erase(comment);
    std::string collapsed;
    bool inRun = false;
    for (char c : line) {
      bool space = c == ' ' || c == '\t' || c == '\r';
      if (space) {
        if (!collapsed.empty() && !inRun)
          collapsed += c;
        inRun = true;
      } else {
        collapsed += c;
        inRun = false;
      }
    }
    if (inRun && !collapsed.empty())
      collapsed.pop_back();
    if (!first)
      result += '\n';
    result += collapsed;
    first = false;
  }
  // getline drops the final line break; PTX from nvcc ends with one.
  if (!ptx.empty() && ptx.back() == '\n')
    result += '\n';
  return result;
}

std::vector<uint8_t> buildContainer(const std::vector<SyntheticEntry> &entries) {
  std::vector<uint8_t> entryBytes;
  for (const SyntheticEntry &entry : entries) {
    size_t start = entryBytes.size();
    uint64_t padded = (entry.stored.size() + 7) / 8 * 8;
    entryBytes.resize(start + entry.headerSize + padded, 0);
    auto put = [&](size_t offset, auto value) {
      std::memcpy(entryBytes.data() + start + offset, &value, sizeof value);
    };
    put(0, entry.kind);
    put(2, uint16_t{0x0101});
    put(kEntryHeaderSizeOffset, entry.headerSize);
    put(kEntryPayloadSizeOffset, padded);
    bool compressed = entry.uncompressedSize != 0;
    put(kEntryCompressedSizeOffset,
        compressed ? static_cast<uint32_t>(entry.stored.size()) : uint32_t{0});
    put(kEntrySmArchOffset, entry.smArch);
    put(kEntryFlagsOffset, entry.flags);
    put(kEntryUncompressedSizeOffset, entry.uncompressedSize);
    std::memcpy(entryBytes.data() + start + entry.headerSize, entry.stored.data(),
                entry.stored.size());
  }
  std::vector<uint8_t> container(kContainerHeaderSize + entryBytes.size(), 0);
  uint32_t magic = 0xBA55ED50;
  uint16_t version = 1, headerSize = kContainerHeaderSize;
  uint64_t entriesSize = entryBytes.size();
  std::memcpy(container.data(), &magic, 4);
  std::memcpy(container.data() + 4, &version, 2);
  std::memcpy(container.data() + 6, &headerSize, 2);
  std::memcpy(container.data() + kContainerEntriesSizeOffset, &entriesSize, 8);
  if (!entryBytes.empty())
    std::memcpy(container.data() + kContainerHeaderSize, entryBytes.data(), entryBytes.size());
  return container;
}

std::string zlibCompress(const std::string &text) {
  uLongf size = compressBound(text.size());
  std::string out(size, '\0');
  int status = compress2(reinterpret_cast<Bytef *>(out.data()), &size,
                         reinterpret_cast<const Bytef *>(text.data()), text.size(), 9);
  EXPECT_EQ(status, Z_OK);
  out.resize(size);
  return out;
}

} // namespace cuport::fatbin::test
