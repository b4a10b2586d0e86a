// Tells whether cuport loads each of a series of PTX modules: reads modules from stdin, separated
// by lines holding only "%%", parses and lowers each on its own, and prints one line per module:
// "INDEX<TAB>accepted" or "INDEX<TAB>rejected<TAB>first diagnostic". The ptxas legality check
// (ptxas_legality_test.py) compares these verdicts with ptxas's.
#include "compiler/lower/lower.h"
#include "compiler/ptx/parser.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace {

void judge(size_t index, const std::string &text) {
  cuport::ptx::ParseResult parsed = cuport::ptx::parseModule(text);
  if (!parsed.module) {
    std::printf("%zu\trejected\tparse: %s\n", index,
                parsed.diagnostics.empty() ? "?" : parsed.diagnostics[0].message.c_str());
    return;
  }
  llvm::LLVMContext context;
  cuport::lower::LowerResult lowered = cuport::lower::lowerModule(*parsed.module, context, "probe");
  if (lowered.lowered) {
    std::printf("%zu\taccepted\n", index);
    return;
  }
  std::string message = lowered.diagnostics.empty() ? "?" : lowered.diagnostics[0].message;
  for (char &c : message)
    if (c == '\n' || c == '\t')
      c = ' ';
  std::printf("%zu\trejected\t%s\n", index, message.c_str());
}

} // namespace

int main() {
  std::string module;
  std::string line;
  size_t index = 0;
  while (std::getline(std::cin, line)) {
    if (line == "%%") {
      judge(index++, module);
      module.clear();
    } else {
      module += line;
      module += '\n';
    }
  }
  if (!module.empty())
    judge(index, module);
  return 0;
}
