// Asks the lowering which instructions it knows: for each instruction form read from stdin (one a
// line, e.g. "add.s32" or "mbarrier.init"), lowers a kernel holding that form alone, without
// operands, and prints "FORM<TAB>known|unknown<TAB>accepted|unsupported". "known" means some
// instruction family recognised the opcode; "unsupported" means the form was first diagnosed as an
// unsupported instruction (the families check modifiers before operands, so a form the lowering
// handles fails first on its missing operands).
//
// A form that starts with '%' is a special register ("%tid", "%envreg<32>": a `<N>` range stands
// for its first register): it is read by `mov` into a 64-bit, 32-bit or predicate register (a
// vector register through its .x component) and is known and accepted when one of them lowers
// without a diagnostic.
#include "compiler/lower/lower.h"
#include "compiler/ptx/parser.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

const char *kModuleHead = ".version 9.0\n.target sm_90\n.address_size 64\n"
                          ".visible .entry probe()\n{\n";

int probe(const std::string &form) {
  std::string opcode = form.substr(0, form.find('.'));
  std::string text = std::string(kModuleHead) + "  " + form + ";\n}\n";
  cuport::ptx::ParseResult parsed = cuport::ptx::parseModule(text);
  if (!parsed.module) {
    std::fprintf(stderr, "'%s' does not parse: %s\n", form.c_str(),
                 parsed.diagnostics.empty() ? "?" : parsed.diagnostics[0].message.c_str());
    return 1;
  }
  llvm::LLVMContext context;
  cuport::lower::LowerResult lowered = cuport::lower::lowerModule(*parsed.module, context, "probe");
  bool known = std::find(lowered.unknownOpcodes.begin(), lowered.unknownOpcodes.end(), opcode) ==
               lowered.unknownOpcodes.end();
  // The first diagnostic decides: a handled form fails first on its missing operands.
  bool unsupported =
      !lowered.diagnostics.empty() &&
      lowered.diagnostics[0].message.find("unsupported instruction") != std::string::npos;
  std::printf("%s\t%s\t%s\n", form.c_str(), known ? "known" : "unknown",
              unsupported ? "unsupported" : "accepted");
  return 0;
}

bool lowersCleanly(const std::string &body) {
  std::string text = std::string(kModuleHead) + body + "}\n";
  cuport::ptx::ParseResult parsed = cuport::ptx::parseModule(text);
  if (!parsed.module)
    return false;
  llvm::LLVMContext context;
  cuport::lower::LowerResult lowered = cuport::lower::lowerModule(*parsed.module, context, "probe");
  return lowered.diagnostics.empty();
}

int probeSpecialRegister(const std::string &form) {
  std::string name = form;
  if (size_t range = name.find('<'); range != std::string::npos)
    name = name.substr(0, range) + "0" + name.substr(name.find('>', range) + 1);
  bool accepted = false;
  for (const char *type : {"b64", "b32", "pred"})
    for (const char *component : {"", ".x"})
      accepted = accepted || lowersCleanly(std::string("  .reg .") + type + " %value;\n  mov." +
                                           type + " %value, " + name + component + ";\n");
  const char *answer = accepted ? "accepted" : "unsupported";
  std::printf("%s\t%s\t%s\n", form.c_str(), accepted ? "known" : "unknown", answer);
  return 0;
}

} // namespace

int main() {
  int status = 0;
  std::string line;
  while (std::getline(std::cin, line))
    if (!line.empty())
      status |= line[0] == '%' ? probeSpecialRegister(line) : probe(line);
  return status;
}
