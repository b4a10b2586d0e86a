#include "tools/commands.h"

#include <filesystem>

namespace cuport::tools {

std::string libraryDirectory() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error)
    return {};
  return (self.parent_path().parent_path() / "lib").string();
}

} // namespace cuport::tools
