// Shared helpers for the PTX parser tests.
#pragma once

#include "compiler/ptx/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace cuport::ptx::test {

// Parses `text` and fails the calling test (returning an empty module) if it does not parse.
inline Module parseOk(std::string_view text) {
  ParseResult result = parseModule(text);
  if (!result.module) {
    std::string messages;
    for (const Diagnostic &d : result.diagnostics)
      messages += d.format("<test>") + "\n";
    ADD_FAILURE() << "parse failed:\n" << messages;
    return {};
  }
  EXPECT_TRUE(result.diagnostics.empty());
  return *result.module;
}

// Parses `text`, expects failure, and returns the first diagnostic formatted as "line:col: msg".
inline std::string parseError(std::string_view text) {
  ParseResult result = parseModule(text);
  EXPECT_FALSE(result.module.has_value());
  if (result.diagnostics.empty())
    return "<no diagnostic>";
  const Diagnostic &d = result.diagnostics.front();
  return std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": " + d.message;
}

// Wraps body statements in a kernel so that tests can focus on one construct.
inline std::string inKernel(std::string_view body) {
  return ".version 9.0\n.target sm_80\n.address_size 64\n.visible .entry k()\n{\n" +
         std::string(body) + "\n}\n";
}

// The statements of the only function of a module parsed from inKernel(body).
inline std::vector<Statement> kernelBody(std::string_view body) {
  Module module = parseOk(inKernel(body));
  if (module.functions.size() != 1) {
    ADD_FAILURE() << "expected one function";
    return {};
  }
  return module.functions[0].body;
}

} // namespace cuport::ptx::test
