// Elementwise cases: one operation applied to many operand tuples, one tuple per thread, in
// multi-warp blocks, checked against a host reference. Most instruction families are tested this
// way: edge operands, random samples and, under the `exhaustive` label, a sweep of all inputs.
#pragma once

#include "tests/ptx/conformance.h"

#include <functional>
#include <string>
#include <vector>

namespace cuport::conformance {

// The kernel: each thread loads operands %a0, %a1, ... runs `body`, and stores %r0, %r1, ...
// Operand and result types are PTX register types (b16/u16/s16, b32/u32/s32/f32, b64/u64/s64/f64).
struct ElementwiseOp {
  ElementwiseOp(std::vector<std::string> operandTypes, std::vector<std::string> resultTypes,
                std::string statements, std::string registers = "")
      : operands(std::move(operandTypes)), results(std::move(resultTypes)),
        body(std::move(statements)), declarations(std::move(registers)) {}

  std::vector<std::string> operands;
  std::vector<std::string> results;
  std::string body;         // PTX statements computing the results from the operands
  std::string declarations; // extra registers the body needs, e.g. ".reg .pred %p<2>;"
  unsigned sm = 75;
  std::string version = "8.0";
};

// Operand and result values travel as bit patterns, zero-extended to 64 bits; a row holds one
// value per operand (or result).
using Row = std::vector<uint64_t>;
using Reference = std::function<void(const uint64_t *operands, uint64_t *results)>;
using Generator = std::function<void(uint64_t index, uint64_t *operands)>;

// Called from a reference: the ISA leaves this row's results unspecified (division by zero, say),
// so they are not compared.
void unspecifiedResult();

// The PTX module of `op` (for tests that want to inspect or modify it).
std::string elementwiseModule(const ElementwiseOp &op);

// Runs `op` over `rows` (operands.size() values each, concatenated); returns the results,
// results.size() values per row. Fails the current test when the module does not load or launch.
std::vector<uint64_t> runElementwise(const ElementwiseOp &op, const std::vector<uint64_t> &rows);

// Runs `op` over `rows` and expects every result to match `reference`; reports the first
// mismatches.
void checkElementwise(const ElementwiseOp &op, const std::vector<uint64_t> &rows,
                      const Reference &reference);

// checkElementwise over `count` rows made by `generate`, in launches of bounded size: the
// exhaustive sweeps.
void checkSweep(const ElementwiseOp &op, uint64_t count, const Generator &generate,
                const Reference &reference);

// Every combination of the given per-operand values, as rows.
std::vector<uint64_t> crossRows(const std::vector<std::vector<uint64_t>> &values);
// `count` rows of random values, each operand masked to `masks[k]` bits of its width.
void appendRandomRows(std::vector<uint64_t> &rows, size_t count, const std::vector<uint64_t> &masks,
                      std::mt19937_64 &random);

// The edge tables widened to 64-bit rows values.
std::vector<uint64_t> widen(const std::vector<uint16_t> &values);
std::vector<uint64_t> widen(const std::vector<uint32_t> &values);
inline const std::vector<uint64_t> &widen(const std::vector<uint64_t> &values) {
  return values;
}

// 16-bit edge integers: the 32-bit table truncated.
std::vector<uint64_t> edgeInts16();

// Where an operand's values come from: its edge values (empty: the edge table of its width) and the
// bits its random samples may set (zero: every bit of its width).
struct Domain {
  std::vector<uint64_t> edges;
  uint64_t randomMask = 0;
};

// The standard check of an operation: every combination of edge operands (a shorter edge list for
// three or more operands), then kRandomSamples random rows. Under the `exhaustive` label unary
// operations of up to 32 bits and binary 16-bit ones see every input; wider ones a larger
// structured sweep and many more random rows. `domains` (by operand; missing or default: the
// width's defaults) narrows operands such as shift amounts.
void checkOperation(const ElementwiseOp &op, const Reference &reference,
                    const std::vector<Domain> &domains = {});

// The current test's name, Family.Variant, to seed randomFor.
std::string currentCaseName();

} // namespace cuport::conformance
