// `cuport compile FILE.ptx --emit=llvm|asm`: shows what cuport's compiler makes of a PTX file, for
// debugging kernels and for compiler tests. Diagnostics go to stderr as "file:line:col: message".
#include "tools/commands.h"

#include "backends/cpu/cpu_backend.h"
#include "compiler/lower/lower.h"
#include "compiler/ptx/parser.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace cuport::tools {

int compileCommand(const std::vector<std::string> &args) {
  std::string input, output = "-", emit = "llvm";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].starts_with("--emit="))
      emit = args[i].substr(7);
    else if (args[i] == "-o" && i + 1 < args.size())
      output = args[++i];
    else if (input.empty() && !args[i].starts_with("-"))
      input = args[i];
    else {
      std::fprintf(stderr, "cuport compile: unexpected argument '%s'\n", args[i].c_str());
      return 2;
    }
  }
  if (input.empty() || (emit != "llvm" && emit != "asm")) {
    std::fprintf(stderr, "usage: cuport compile FILE.ptx [--emit=llvm|asm] [-o OUT]\n");
    return 2;
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cuport compile: cannot read %s\n", input.c_str());
    return 1;
  }
  std::stringstream text;
  text << file.rdbuf();

  ptx::ParseResult parsed = ptx::parseModule(text.str());
  for (const ptx::Diagnostic &diagnostic : parsed.diagnostics)
    std::fprintf(stderr, "%s\n", diagnostic.format(input).c_str());
  if (!parsed.module)
    return 1;
  llvm::LLVMContext context;
  lower::LowerResult lowered = lower::lowerModule(*parsed.module, context, input);
  for (const ptx::Diagnostic &diagnostic : lowered.diagnostics)
    std::fprintf(stderr, "%s\n", diagnostic.format(input).c_str());
  if (!lowered.lowered)
    return 1;

  std::string result;
  if (emit == "llvm") {
    llvm::raw_string_ostream stream(result);
    lowered.lowered->module->print(stream, nullptr);
  } else {
    std::string error;
    if (!cpu::compileToAssembly(*lowered.lowered->module, result, error)) {
      std::fprintf(stderr, "cuport compile: %s\n", error.c_str());
      return 1;
    }
  }
  if (output == "-") {
    std::fwrite(result.data(), 1, result.size(), stdout);
  } else {
    std::ofstream out(output, std::ios::binary);
    out << result;
    if (!out) {
      std::fprintf(stderr, "cuport compile: cannot write %s\n", output.c_str());
      return 1;
    }
  }
  return 0;
}

} // namespace cuport::tools
