// The subcommands of the `cuport` tool. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace cuport::tools {

// Directory holding cuport's libcudart.so.* (next to the tool: <bin>/../lib).
std::string libraryDirectory();

int runCommand(const std::vector<std::string> &args);
int infoCommand(const std::vector<std::string> &args);
int compileCommand(const std::vector<std::string> &args);

} // namespace cuport::tools
