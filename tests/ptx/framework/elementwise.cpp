#include "tests/ptx/elementwise.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace cuport::conformance {
namespace {

constexpr uint32_t kBlockSize = 256; // eight warps per block
constexpr uint64_t kSweepChunk = uint64_t(1) << 23;
constexpr int kReportedMismatches = 8;
constexpr size_t kMaxEdgeRows = size_t(1) << 16;

unsigned widthOf(const std::string &type) {
  if (type.size() < 2)
    return 0;
  std::string bits = type.substr(1);
  if (bits == "16")
    return 2;
  if (bits == "32")
    return 4;
  if (bits == "64")
    return 8;
  return 0;
}

uint64_t maskOf(unsigned bytes) {
  return bytes == 8 ? ~uint64_t(0) : (uint64_t(1) << (bytes * 8)) - 1;
}

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

// Offsets of each column (operand or result) in a buffer laid out column after column.
std::vector<uint64_t> columnOffsets(const std::vector<std::string> &types, uint64_t rows) {
  std::vector<uint64_t> offsets;
  uint64_t offset = 0;
  for (const std::string &type : types) {
    offsets.push_back(offset);
    offset += rows * widthOf(type);
  }
  offsets.push_back(offset);
  return offsets;
}

void put(Bytes &bytes, uint64_t offset, unsigned width, uint64_t value) {
  switch (width) {
  case 2:
    bytes.set<uint16_t>(offset, static_cast<uint16_t>(value));
    break;
  case 4:
    bytes.set<uint32_t>(offset, static_cast<uint32_t>(value));
    break;
  default:
    bytes.set<uint64_t>(offset, value);
  }
}

uint64_t get(const Bytes &bytes, uint64_t offset, unsigned width) {
  switch (width) {
  case 2:
    return bytes.at<uint16_t>(offset);
  case 4:
    return bytes.at<uint32_t>(offset);
  default:
    return bytes.at<uint64_t>(offset);
  }
}

std::string moduleFor(const ElementwiseOp &op, uint64_t rows) {
  std::vector<uint64_t> inOffsets = columnOffsets(op.operands, rows);
  std::vector<uint64_t> outOffsets = columnOffsets(op.results, rows);
  std::string ptx = header(op.sm, op.version);
  ptx += ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
         "  .reg .b64 %in_base, %out_base, %address, %offset;\n"
         "  .reg .b32 %thread, %threads, %block, %index;\n";
  for (size_t k = 0; k < op.operands.size(); ++k)
    ptx += "  .reg ." + op.operands[k] + " %a" + std::to_string(k) + ";\n";
  for (size_t k = 0; k < op.results.size(); ++k)
    ptx += "  .reg ." + op.results[k] + " %r" + std::to_string(k) + ";\n";
  ptx += "  " + op.declarations + "\n";
  ptx += "  ld.param.u64 %in_base, [in];\n"
         "  ld.param.u64 %out_base, [out];\n"
         "  cvta.to.global.u64 %in_base, %in_base;\n"
         "  cvta.to.global.u64 %out_base, %out_base;\n"
         "  mov.u32 %thread, %tid.x;\n"
         "  mov.u32 %threads, %ntid.x;\n"
         "  mov.u32 %block, %ctaid.x;\n"
         "  mad.lo.u32 %index, %block, %threads, %thread;\n";
  auto access = [&](const char *base, uint64_t columnOffset, const std::string &type) {
    return "  mul.wide.u32 %offset, %index, " + std::to_string(widthOf(type)) +
           ";\n  add.u64 %address, " + base + ", %offset;\n  add.u64 %address, %address, " +
           std::to_string(columnOffset) + ";\n";
  };
  for (size_t k = 0; k < op.operands.size(); ++k)
    ptx += access("%in_base", inOffsets[k], op.operands[k]) + "  ld.global." + op.operands[k] +
           " %a" + std::to_string(k) + ", [%address];\n";
  ptx += op.body + "\n";
  for (size_t k = 0; k < op.results.size(); ++k)
    ptx += access("%out_base", outOffsets[k], op.results[k]) + "  st.global." + op.results[k] +
           " [%address], %r" + std::to_string(k) + ";\n";
  ptx += "  ret;\n}\n";
  return ptx;
}

} // namespace

std::string elementwiseModule(const ElementwiseOp &op) {
  return moduleFor(op, kBlockSize);
}

std::vector<uint64_t> runElementwise(const ElementwiseOp &op, const std::vector<uint64_t> &rows) {
  const size_t arity = op.operands.size();
  for (const std::string &type : op.operands)
    if (!widthOf(type))
      ADD_FAILURE() << "unsupported elementwise operand type " << type;
  const uint64_t count = arity ? rows.size() / arity : 0;
  if (count == 0)
    return {};
  // Whole blocks only; the padding repeats the first row.
  const uint64_t padded = (count + kBlockSize - 1) / kBlockSize * kBlockSize;
  std::vector<uint64_t> inOffsets = columnOffsets(op.operands, padded);
  std::vector<uint64_t> outOffsets = columnOffsets(op.results, padded);

  Launch launch;
  launch.ptx = moduleFor(op, padded);
  launch.block = {kBlockSize, 1, 1};
  launch.grid = {static_cast<uint32_t>(padded / kBlockSize), 1, 1};
  launch.in = Bytes(inOffsets.back());
  launch.outSize = outOffsets.back();
  for (size_t k = 0; k < arity; ++k) {
    unsigned width = widthOf(op.operands[k]);
    for (uint64_t row = 0; row < padded; ++row)
      put(launch.in, inOffsets[k] + row * width, width, rows[(row < count ? row : 0) * arity + k]);
  }
  Bytes out = runOk(launch);
  std::vector<uint64_t> results(count * op.results.size());
  for (size_t k = 0; k < op.results.size(); ++k) {
    unsigned width = widthOf(op.results[k]);
    for (uint64_t row = 0; row < count; ++row)
      results[row * op.results.size() + k] = get(out, outOffsets[k] + row * width, width);
  }
  return results;
}

namespace {

thread_local bool rowUnspecified = false;

} // namespace

void unspecifiedResult() {
  rowUnspecified = true;
}

namespace {

// Compares one launch's results; returns how many rows mismatched, reporting the first few.
uint64_t compare(const ElementwiseOp &op, const std::vector<uint64_t> &rows,
                 const std::vector<uint64_t> &results, const Reference &reference, int &reported) {
  const size_t arity = op.operands.size(), outputs = op.results.size();
  const uint64_t count = rows.size() / arity;
  if (results.size() != count * outputs)
    return count; // the launch failed and was reported
  uint64_t mismatches = 0;
  std::vector<uint64_t> expected(outputs);
  for (uint64_t row = 0; row < count; ++row) {
    std::fill(expected.begin(), expected.end(), 0);
    rowUnspecified = false;
    reference(&rows[row * arity], expected.data());
    if (rowUnspecified)
      continue;
    bool same = true;
    for (size_t k = 0; k < outputs; ++k) {
      expected[k] &= maskOf(widthOf(op.results[k]));
      same &= expected[k] == results[row * outputs + k];
    }
    if (same)
      continue;
    ++mismatches;
    if (reported++ >= kReportedMismatches)
      continue;
    std::string operands, want, got;
    for (size_t k = 0; k < arity; ++k)
      operands += (k ? ", " : "") + hex(rows[row * arity + k]);
    for (size_t k = 0; k < outputs; ++k) {
      want += (k ? ", " : "") + hex(expected[k]);
      got += (k ? ", " : "") + hex(results[row * outputs + k]);
    }
    ADD_FAILURE() << "operands (" << operands << "): expected (" << want << "), got (" << got
                  << ")\n  " << op.body;
  }
  return mismatches;
}

} // namespace

void checkElementwise(const ElementwiseOp &op, const std::vector<uint64_t> &rows,
                      const Reference &reference) {
  int reported = 0;
  uint64_t mismatches = compare(op, rows, runElementwise(op, rows), reference, reported);
  EXPECT_EQ(mismatches, 0u) << "rows differ from the reference, of "
                            << rows.size() / op.operands.size();
}

void checkSweep(const ElementwiseOp &op, uint64_t count, const Generator &generate,
                const Reference &reference) {
  const size_t arity = op.operands.size();
  int reported = 0;
  uint64_t mismatches = 0;
  std::vector<uint64_t> rows;
  for (uint64_t first = 0; first < count; first += kSweepChunk) {
    uint64_t chunk = std::min(kSweepChunk, count - first);
    rows.assign(chunk * arity, 0);
    for (uint64_t row = 0; row < chunk; ++row)
      generate(first + row, &rows[row * arity]);
    mismatches += compare(op, rows, runElementwise(op, rows), reference, reported);
    if (::testing::Test::HasFatalFailure() || reported > 1000)
      break;
  }
  EXPECT_EQ(mismatches, 0u) << "rows differ from the reference, of " << count;
}

std::vector<uint64_t> crossRows(const std::vector<std::vector<uint64_t>> &values) {
  std::vector<uint64_t> rows;
  size_t total = 1;
  for (const auto &column : values)
    total *= column.size();
  rows.reserve(total * values.size());
  for (size_t combination = 0; combination < total; ++combination) {
    size_t rest = combination;
    for (const auto &column : values) {
      rows.push_back(column[rest % column.size()]);
      rest /= column.size();
    }
  }
  return rows;
}

void appendRandomRows(std::vector<uint64_t> &rows, size_t count, const std::vector<uint64_t> &masks,
                      std::mt19937_64 &random) {
  for (size_t row = 0; row < count; ++row)
    for (uint64_t mask : masks)
      rows.push_back(random() & mask);
}

std::vector<uint64_t> widen(const std::vector<uint16_t> &values) {
  return {values.begin(), values.end()};
}

std::vector<uint64_t> widen(const std::vector<uint32_t> &values) {
  return {values.begin(), values.end()};
}

std::vector<uint64_t> edgeInts16() {
  std::set<uint64_t> values;
  for (uint32_t value : edgeInts32())
    values.insert(value & 0xffff);
  return {values.begin(), values.end()};
}

namespace {

// The edge values of an operand of `width` bytes; `reduced` keeps a short list for ops with many
// operands, so their cross product stays small.
std::vector<uint64_t> defaultEdges(unsigned width, bool reduced) {
  std::vector<uint64_t> values = width == 2   ? edgeInts16()
                                 : width == 4 ? widen(edgeInts32())
                                              : edgeInts64();
  if (!reduced)
    return values;
  const uint64_t mask = maskOf(width), sign = uint64_t(1) << (width * 8 - 1);
  std::set<uint64_t> few = {0,
                            1,
                            2,
                            3,
                            mask,
                            mask - 1,
                            sign,
                            sign - 1,
                            sign + 1,
                            0x7f,
                            0x80,
                            0xff,
                            0x100,
                            0xffff & mask,
                            0x12345678u & mask,
                            0x5555555555555555ull & mask,
                            0xaaaaaaaaaaaaaaaaull & mask};
  return {few.begin(), few.end()};
}

// The exhaustive label's structured values: every small magnitude of both signs and every power of
// two with its neighbours.
std::vector<uint64_t> structuredEdges(unsigned width) {
  const uint64_t mask = maskOf(width);
  std::set<uint64_t> values;
  for (uint64_t small = 0; small <= 300; ++small) {
    values.insert(small & mask);
    values.insert((0 - small) & mask);
  }
  for (unsigned bit = 0; bit < width * 8; ++bit)
    for (int delta = -3; delta <= 3; ++delta) {
      values.insert(((uint64_t(1) << bit) + delta) & mask);
      values.insert((0 - (uint64_t(1) << bit) + delta) & mask);
    }
  return {values.begin(), values.end()};
}

} // namespace

void checkOperation(const ElementwiseOp &op, const Reference &reference,
                    const std::vector<Domain> &domains) {
  const size_t arity = op.operands.size();
  std::vector<std::vector<uint64_t>> edges(arity);
  std::vector<uint64_t> masks(arity);
  unsigned totalBits = 0;
  bool narrowed = false;
  for (size_t k = 0; k < arity; ++k) {
    unsigned width = widthOf(op.operands[k]);
    totalBits += width * 8;
    const Domain *domain = k < domains.size() ? &domains[k] : nullptr;
    narrowed |= domain && (!domain->edges.empty() || domain->randomMask);
    edges[k] = domain && !domain->edges.empty() ? domain->edges : defaultEdges(width, arity > 2);
    masks[k] = domain && domain->randomMask ? domain->randomMask : maskOf(width);
  }
  std::mt19937_64 random = randomFor(currentCaseName());
  if (exhaustive() && totalBits <= 32 && !narrowed) {
    // Every input: operands are the consecutive bit fields of the index.
    checkSweep(
        op, uint64_t(1) << totalBits,
        [&](uint64_t index, uint64_t *operands) {
          for (size_t k = 0; k < arity; ++k) {
            unsigned bits = widthOf(op.operands[k]) * 8;
            operands[k] = index & maskOf(bits / 8);
            index >>= bits;
          }
        },
        reference);
    return;
  }
  size_t combinations = 1;
  for (const auto &column : edges)
    combinations *= column.size();
  std::vector<uint64_t> rows;
  if (combinations <= kMaxEdgeRows) {
    rows = crossRows(edges);
  } else {
    // Too many combinations (long carry chains): random picks among the edge values.
    for (size_t row = 0; row < kMaxEdgeRows; ++row)
      for (const auto &column : edges)
        rows.push_back(column[random() % column.size()]);
  }
  appendRandomRows(rows, kRandomSamples, masks, random);
  checkElementwise(op, rows, reference);
  if (!exhaustive())
    return;
  if (arity <= 2 && !narrowed) {
    std::vector<std::vector<uint64_t>> structured(arity);
    for (size_t k = 0; k < arity; ++k)
      structured[k] = structuredEdges(widthOf(op.operands[k]));
    checkElementwise(op, crossRows(structured), reference);
  }
  const uint64_t samples = uint64_t(1) << 24;
  checkSweep(
      op, samples,
      [&](uint64_t, uint64_t *operands) {
        for (size_t k = 0; k < arity; ++k)
          operands[k] = random() & masks[k];
      },
      reference);
}

std::string currentCaseName() {
  const ::testing::TestInfo *test = ::testing::UnitTest::GetInstance()->current_test_info();
  return test ? std::string(test->test_suite_name()) + "." + test->name() : "";
}

} // namespace cuport::conformance
