// cuport: run unmodified CUDA programs on the CPU, and look inside what cuport makes of them.
#include "tools/commands.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef CUPORT_VERSION
#error "CUPORT_VERSION must be defined by the build"
#endif

namespace {

void printUsage(FILE *out) {
  std::fprintf(out, "usage: cuport <command> [options]\n"
                    "\n"
                    "commands:\n"
                    "  run [--] PROGRAM [ARGS...]   run a CUDA program with cuport's runtime\n"
                    "  info                         describe the device, like deviceQuery\n"
                    "  compile FILE.ptx [--emit=llvm|asm] [-o OUT]\n"
                    "                               show what cuport compiles a PTX file to\n"
                    "  --version                    print cuport's version\n"
                    "  --help                       print this text\n");
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    printUsage(stderr);
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--version" || command == "version") {
    std::printf("cuport %s\n", CUPORT_VERSION);
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    printUsage(stdout);
    return 0;
  }
  if (command == "run")
    return cuport::tools::runCommand(args);
  if (command == "info")
    return cuport::tools::infoCommand(args);
  if (command == "compile")
    return cuport::tools::compileCommand(args);
  std::fprintf(stderr, "cuport: unknown command '%s'\n", command.c_str());
  printUsage(stderr);
  return 2;
}
