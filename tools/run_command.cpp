// `cuport run -- PROGRAM [ARGS]`: checks that the program can use cuport's runtime, then executes
// it with cuport's libcudart first on the library path.
#include "tools/commands.h"
#include "tools/program_inspection.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace cuport::tools {
namespace {

std::string archList(const std::vector<uint32_t> &archs, const char *prefix) {
  std::string list;
  for (uint32_t arch : archs)
    list += (list.empty() ? "" : ", ") + std::string(prefix) + std::to_string(arch);
  return list;
}

// Says why the program cannot run on cuport, or nothing when it can.
bool explainIncompatibility(const std::string &program, const ProgramInspection &inspection,
                            const std::string &libraryDir) {
  if (!inspection.isElf)
    return false;
  if (inspection.linksCudartStatically) {
    std::fprintf(stderr,
                 "cuport: %s links the CUDA runtime statically (nvcc's default), so cuport cannot "
                 "stand in for it.\n"
                 "cuport: rebuild it with `nvcc -cudart shared ...` and run it again.\n",
                 program.c_str());
    return true;
  }
  if (!inspection.cudartNeeded.empty() &&
      !std::filesystem::exists(std::filesystem::path(libraryDir) / inspection.cudartNeeded)) {
    std::fprintf(stderr, "cuport: %s needs %s, which cuport does not provide (it has %s).\n",
                 program.c_str(), inspection.cudartNeeded.c_str(),
                 "libcudart.so.12 and libcudart.so.13");
    return true;
  }
  if (!inspection.fatbinError.empty()) {
    std::fprintf(stderr, "cuport: %s: cannot read its fatbinary: %s\n", program.c_str(),
                 inspection.fatbinError.c_str());
    return true;
  }
  if (inspection.hasFatbinSection && inspection.ptxEntries == 0) {
    uint32_t arch = inspection.sassArchs.empty() ? 75 : inspection.sassArchs.front();
    std::fprintf(stderr,
                 "cuport: %s carries only SASS (%s) and no PTX, which is what cuport compiles.\n"
                 "cuport: rebuild it with PTX, e.g. `nvcc -gencode arch=compute_%u,code=compute_%u "
                 "...` (or add code=[sm_%u,compute_%u] to keep the SASS too).\n",
                 program.c_str(), archList(inspection.sassArchs, "sm_").c_str(), arch, arch, arch,
                 arch);
    return true;
  }
  return false;
}

} // namespace

int runCommand(const std::vector<std::string> &args) {
  size_t first = 0;
  if (first < args.size() && args[first] == "--")
    ++first;
  if (first >= args.size()) {
    std::fprintf(stderr, "usage: cuport run [--] PROGRAM [ARGS...]\n");
    return 2;
  }
  const std::string &program = args[first];
  std::string libraryDir = libraryDirectory();
  if (libraryDir.empty() || !std::filesystem::exists(libraryDir + "/libcudart.so.13")) {
    std::fprintf(stderr, "cuport: cannot find cuport's libcudart.so.13 next to the tool (in %s)\n",
                 libraryDir.c_str());
    return 2;
  }

  // A program found on PATH is inspected where execvp will find it.
  std::string resolved = program;
  if (program.find('/') == std::string::npos)
    if (const char *path = std::getenv("PATH"))
      for (std::string_view rest = path; !rest.empty();) {
        size_t colon = rest.find(':');
        std::string candidate = std::string(rest.substr(0, colon)) + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0) {
          resolved = candidate;
          break;
        }
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      }

  ProgramInspection inspection;
  std::string error;
  if (!inspectProgram(resolved, inspection, error)) {
    std::fprintf(stderr, "cuport: %s\n", error.c_str());
    return 127;
  }
  if (explainIncompatibility(program, inspection, libraryDir))
    return 2;

  std::string libraryPath = libraryDir;
  if (const char *existing = std::getenv("LD_LIBRARY_PATH"); existing && *existing)
    libraryPath += std::string(":") + existing;
  setenv("LD_LIBRARY_PATH", libraryPath.c_str(), 1);

  std::vector<char *> argv;
  for (size_t i = first; i < args.size(); ++i)
    argv.push_back(const_cast<char *>(args[i].c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  std::fprintf(stderr, "cuport: cannot execute %s: %s\n", program.c_str(), std::strerror(errno));
  return 127;
}

} // namespace cuport::tools
