#include "support/dump.h"

#include "support/log.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <unistd.h>

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
  // Several processes may dump the same module into one directory: write a private file and
  // rename it into place, so a reader never sees a half-written or truncated dump.
  std::filesystem::path partial = path;
  partial += ".partial." + std::to_string(getpid()) + "." +
             std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(partial, std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out) {
      CUPORT_WARN("could not write dump %s", partial.c_str());
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      return;
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    CUPORT_WARN("could not write dump %s: %s", path.c_str(), error.message().c_str());
    std::filesystem::remove(partial, error);
    return;
  }
  CUPORT_DEBUG("dumped %s", path.c_str());
}

} // namespace cuport::dump
