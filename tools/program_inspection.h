// What `cuport run` needs to know about a program before it runs it: which CUDA runtime it links
// and whether its fatbinaries carry PTX that cuport can compile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuport::tools {

struct ProgramInspection {
  bool isElf = false;
  std::vector<std::string> neededLibraries; // DT_NEEDED entries
  std::string cudartNeeded;                 // "libcudart.so.13" when it links cudart dynamically
  bool hasFatbinSection = false;            // .nv_fatbin
  bool linksCudartStatically = false;       // nvcc's default -cudart static
  uint32_t ptxEntries = 0;
  std::vector<uint32_t> sassArchs; // sm_XX of ELF (SASS) entries, sorted, no repeats
  std::vector<uint32_t> ptxArchs;  // compute_XX of PTX entries, sorted, no repeats
  std::string fatbinError;         // set when the .nv_fatbin section could not be read
};

// Reads the file at `path`. Returns false (with `error`) only when the file cannot be read at all;
// a file that is not ELF (a script, say) is a valid answer with isElf = false.
bool inspectProgram(const std::string &path, ProgramInspection &out, std::string &error);

} // namespace cuport::tools
