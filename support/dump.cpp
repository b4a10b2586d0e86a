#include "support/dump.h"

#include "support/log.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace cuport::dump {

std::optional<std::string> directory() {
  static const std::optional<std::string> dir = []() -> std::optional<std::string> {
    const char *path = std::getenv("CUPORT_DUMP_DIR");
    if (!path || !*path)
      return std::nullopt;
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) {
      CUPORT_WARN("CUPORT_DUMP_DIR %s: %s", path, error.message().c_str());
      return std::nullopt;
    }
    return std::string(path);
  }();
  return dir;
}

void write(std::string_view name, std::string_view contents) {
  auto dir = directory();
  if (!dir)
    return;
  std::filesystem::path path = std::filesystem::path(*dir) / std::string(name);
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out)
    CUPORT_WARN("could not write dump %s", path.c_str());
  else
    CUPORT_DEBUG("dumped %s", path.c_str());
}

} // namespace cuport::dump
