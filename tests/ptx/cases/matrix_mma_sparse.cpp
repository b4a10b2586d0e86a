// mma.sp and mma.sp::ordered_metadata (sm_80; .e4m3 / .e5m2 sm_89): m16n8k16 and m16n8k32 with
// .f16 (.f16 or .f32 accumulators) and .bf16, m16n8k8 and m16n8k16 with .tf32, m16n8k32 and
// m16n8k64 with .s8 / .u8, m16n8k64 and m16n8k128 with .s4 / .u4 ({.satfinite}), m16n8k64 with
// .e4m3 / .e5m2; every sparsity selector; metadata the ISA leaves undefined fails the launch.
//
// The host reference draws a dense A with the structure of the PTX ISA's "Sparse matrix storage"
// section (2:4 chunks, 1:2 for .tf32, 4:8 in pairs for .s4 / .u4), stores each lane's non-zero
// elements as the sparse A fragment sections place them, writes the chunks' indices into the
// metadata registers of the lanes the selector names (the other lanes get random bits, which must
// not matter) and computes D = A * B + C from the dense A.
#include "tests/ptx/cases/matrix_reference.h"
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

#include <algorithm>

namespace cuport::conformance {
namespace {

using namespace matrix;

struct SparseForm {
  unsigned k;
  Type d, a, b, c;
  bool ordered = false; // mma.sp::ordered_metadata
  bool satfinite = false;
  unsigned sm = 80;
};

const char *versionOf(const SparseForm &form) {
  return form.ordered ? "8.5" : form.sm == 89 ? "8.4" : "7.1";
}

std::string instructionOf(const SparseForm &form) {
  return std::string(form.ordered ? "mma.sp::ordered_metadata" : "mma.sp") +
         ".sync.aligned.m16n8k" + std::to_string(form.k) + ".row.col" +
         (form.satfinite ? ".satfinite" : "") + "." + typeName(form.d) + "." + typeName(form.a) +
         "." + typeName(form.b) + "." + typeName(form.c);
}

bool isTf32(Type type) {
  return type == Type::TF32;
}
bool isSubByte(Type type) {
  return type == Type::S4 || type == Type::U4;
}

// The chunk of a row that holds a fixed share of non-zero elements: four elements with two
// non-zero (.f16, .bf16, .s8, .u8, .e4m3, .e5m2), two with one (.tf32), eight with four in two
// pairs (.s4, .u4).
unsigned chunkWidth(Type a) {
  return isTf32(a) ? 2 : isSubByte(a) ? 8 : 4;
}

// How many lanes of a group of four hold the group's metadata ("Sparse matrix storage": one
// thread for m16n8k16 .f16 and m16n8k8 .tf32, a thread pair for m16n8k32 .f16, m16n8k16 .tf32,
// m16n8k32 .s8 and m16n8k64 .s4, all four for m16n8k64 .s8 / .e4m3 and m16n8k128 .s4).
unsigned metadataThreads(const SparseForm &form) {
  unsigned bits = bitsOf(form.a);
  unsigned smallK = bits == 32 ? 8 : bits == 16 ? 16 : bits == 8 ? 32 : 64;
  if (form.k == smallK)
    return bits >= 16 ? 1 : 2;
  return bits >= 16 ? 2 : 4;
}

// Register r of a lane's sparse A fragment: its row and the first dense column of the columns
// whose non-zero elements it holds (the ISA's sparse fragment sections).
struct Span {
  unsigned row, firstcol;
};

Span spanOf(const SparseForm &form, unsigned lane, unsigned r) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  unsigned bits = bitsOf(form.a);
  if (bits == 16) {
    // m16n8k16: a0, a1 row groupID, a2, a3 row groupID + 8, firstcol = threadID_in_group * 4;
    // m16n8k32 adds a4..a7 at firstcol + 16.
    return {r % 2 == 0 ? groupID : groupID + 8, threadID_in_group * 4 + (r >= 2 ? 16 : 0)};
  }
  if (bits == 32) {
    // m16n8k8: a0 row groupID, a1 row groupID + 8, firstcol = threadID_in_group * 2;
    // m16n8k16: a0, a2 row groupID, a1, a3 row groupID + 8, a2, a3 at firstcol + 8.
    return {r % 2 == 0 ? groupID : groupID + 8, threadID_in_group * 2 + (r >= 2 ? 8 : 0)};
  }
  if (bits == 8) {
    // m16n8k32: a0..a3 row groupID, a4..a7 row groupID + 8, firstcol = threadID_in_group * 8;
    // m16n8k64 adds a8..a15 at firstcol + 32.
    return {r % 2 == 0 ? groupID : groupID + 8, threadID_in_group * 8 + (r >= 2 ? 32 : 0)};
  }
  // .s4 / .u4 m16n8k64: a0..a7 row groupID, a8..a15 row groupID + 8, firstcol =
  // threadID_in_group * 16; m16n8k128 adds a16..a31 at firstcol + 64.
  return {r % 2 == 0 ? groupID : groupID + 8, threadID_in_group * 16 + (r >= 2 ? 64 : 0)};
}

// Which lane and bits hold the metadata of the chunk of row `row` starting at dense column `col`:
// the ISA's metadata figures. A metadata lane covers 256 bits of a row: for 16- and 32-bit types
// both rows of the group, row groupID in bits 15..0 and groupID + 8 in bits 31..16; for 8- and
// 4-bit types one row, groupID in the first lane of a pair, groupID + 8 in the second.
struct MetadataPlace {
  unsigned lane, shift;
};

MetadataPlace metadataPlace(const SparseForm &form, unsigned selector, unsigned row, unsigned col) {
  unsigned bits = bitsOf(form.a);
  unsigned first = 4 * (row % 8) + selector * metadataThreads(form);
  unsigned block = col * bits / 256,
           chunkInBlock = (col * bits % 256) / (chunkWidth(form.a) * bits);
  if (bits >= 16)
    return {first + block, 4 * chunkInBlock + (row >= 8 ? 16 : 0)};
  return {first + 2 * block + (row >= 8 ? 1 : 0), 4 * chunkInBlock};
}

// B's layout for the sparse shapes: the dense mma's layout of the same K, extended register by
// register (m16n8k32 .f16 b0..b3: row threadID_in_group * 2 + (i & 1) + 8 * (i >> 1); m16n8k64
// .s8 b0..b15: threadID_in_group * 4 + (i & 3) + 16 * (i >> 2); m16n8k128 .s4 b0..b31:
// threadID_in_group * 8 + (i & 7) + 32 * (i >> 3); m16n8k16 .tf32 b0..b3: threadID_in_group + 4 i);
// the column is groupID.
struct RowCol {
  unsigned row, col;
};

RowCol layoutB(const SparseForm &form, unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  unsigned perRegister = 32 / bitsOf(form.b);
  return {threadID_in_group * perRegister + i % perRegister + 4 * perRegister * (i / perRegister),
          groupID};
}

// C and D: c0, c1 row groupID, c2, c3 row groupID + 8, col threadID_in_group * 2 + (i & 1).
RowCol layoutC(unsigned lane, unsigned i) {
  unsigned groupID = lane >> 2, threadID_in_group = lane % 4;
  return {i < 2 ? groupID : groupID + 8, threadID_in_group * 2 + (i & 0x1)};
}

std::string fragmentList(char name, unsigned count) {
  std::string list = "{";
  for (unsigned i = 0; i < count; ++i)
    list += std::string(i ? ", " : "") + "%" + name + std::to_string(i);
  return list + "}";
}

// Each thread loads its A, B, C registers and its metadata (8-byte slots) from in[tid * slots],
// runs the mma.sp and stores its D registers to out[tid * nd] (8-byte slots).
std::string sparseKernel(const SparseForm &form, unsigned selector, unsigned na, unsigned nb,
                         unsigned nc, unsigned nd) {
  unsigned slots = na + nb + nc + 1;
  std::string body = header(form.sm, versionOf(form)) +
                     ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                     "  .reg .b32 %r<4>;\n  .reg .b32 %e;\n  .reg .b64 %rd<8>;\n"
                     "  .reg .b32 %a<" +
                     std::to_string(na) + ">;\n  .reg .b32 %b<" + std::to_string(nb) +
                     ">;\n  .reg ." + registerType(form.c) + " %c<" + std::to_string(nc) +
                     ">;\n  .reg ." + registerType(form.d) + " %d<" + std::to_string(nd) +
                     ">;\n"
                     "  ld.param.u64 %rd1, [in];\n  ld.param.u64 %rd2, [out];\n"
                     "  cvta.to.global.u64 %rd1, %rd1;\n  cvta.to.global.u64 %rd2, %rd2;\n"
                     "  mov.u32 %r0, %tid.x;\n  mul.wide.u32 %rd3, %r0, " +
                     std::to_string(8 * slots) + ";\n  add.s64 %rd4, %rd1, %rd3;\n" +
                     "  mul.wide.u32 %rd3, %r0, " + std::to_string(8 * nd) +
                     ";\n  add.s64 %rd5, %rd2, %rd3;\n";
  unsigned slot = 0;
  auto load = [&](const std::string &name, Type type) {
    body += "  ld.global." + std::string(registerType(type)) + " %" + name + ", [%rd4+" +
            std::to_string(8 * slot++) + "];\n";
  };
  for (unsigned i = 0; i < na; ++i)
    load("a" + std::to_string(i), Type::S32);
  for (unsigned i = 0; i < nb; ++i)
    load("b" + std::to_string(i), Type::S32);
  for (unsigned i = 0; i < nc; ++i)
    load("c" + std::to_string(i), form.c);
  load("e", Type::S32);
  body += "  " + instructionOf(form) + " " + fragmentList('d', nd) + ", " + fragmentList('a', na) +
          ", " + fragmentList('b', nb) + ", " + fragmentList('c', nc) + ", %e, " +
          std::to_string(selector) + ";\n";
  for (unsigned i = 0; i < nd; ++i)
    body += "  st.global." + std::string(registerType(form.d)) + " [%rd5+" + std::to_string(8 * i) +
            "], %d" + std::to_string(i) + ";\n";
  return body + "  ret;\n}\n";
}

// One warp's inputs and the D it must produce.
struct SparseWarp {
  std::vector<std::vector<uint64_t>> a, b, c; // per lane, per register
  std::vector<uint32_t> metadata;             // per lane
  std::vector<std::vector<uint64_t>> d;       // expected, per lane
};

SparseWarp drawWarp(const SparseForm &form, unsigned selector, std::mt19937_64 &random) {
  const unsigned m = 16, n = 8, k = form.k, chunk = chunkWidth(form.a);
  const unsigned stored = chunk / 2; // non-zero elements of a chunk
  std::vector<Drawn> dense(m * k, Drawn{0, 0, 0}), b(k * n), c(m * n);
  // positions[row][chunk]: the dense offsets within the chunk of its stored elements, in storage
  // order.
  std::vector<std::vector<std::vector<unsigned>>> positions(m);
  SparseWarp warp;
  warp.metadata.resize(32);
  for (uint32_t &word : warp.metadata)
    word = uint32_t(random()); // lanes the selector does not name: ignored
  std::vector<bool> named(32, false);
  for (unsigned row = 0; row < m; ++row)
    for (unsigned first = 0; first < k; first += chunk) {
      std::vector<unsigned> at;
      unsigned field;
      if (isTf32(form.a)) { // 1:2, index 0b0100 (element 0) or 0b1110 (element 1)
        unsigned element = random() % 2;
        at = {element};
        field = element ? 0b1110 : 0b0100;
      } else { // two distinct 2-bit indices, increasing for ::ordered_metadata
        unsigned low = random() % 4, high = (low + 1 + random() % 3) % 4;
        if (form.ordered && low > high)
          std::swap(low, high);
        field = low | high << 2;
        if (isSubByte(form.a)) // each index names a pair of elements
          at = {2 * low, 2 * low + 1, 2 * high, 2 * high + 1};
        else
          at = {low, high};
      }
      positions[row].push_back(at);
      for (unsigned offset : at)
        dense[row * k + first + offset] = draw(form.a, random);
      MetadataPlace place = metadataPlace(form, selector, row, first);
      if (!named[place.lane]) {
        named[place.lane] = true;
        warp.metadata[place.lane] = 0;
      }
      warp.metadata[place.lane] |= field << place.shift;
    }
  for (Drawn &x : b)
    x = draw(form.b, random);
  for (Drawn &x : c)
    x = draw(form.c, random);
  const unsigned na = k / 4 * bitsOf(form.a) / 32; // registers of A: k / 4 stored elements
  const unsigned perRegisterA = 32 / bitsOf(form.a);
  const unsigned nb = registersOf(k * n / 32, form.b), nc = registersOf(4, form.c);
  const unsigned nd = registersOf(4, form.d);
  for (unsigned lane = 0; lane < 32; ++lane) {
    std::vector<uint64_t> ra(na, 0), rb(nb, 0), rc(nc, 0), rd(nd, 0);
    for (unsigned r = 0; r < na; ++r) {
      Span span = spanOf(form, lane, r);
      for (unsigned o = 0; o < perRegisterA; ++o) {
        unsigned chunkStart = span.firstcol + (o / stored) * chunk;
        unsigned offset = positions[span.row][chunkStart / chunk][o % stored];
        packInto(ra, form.a, r * perRegisterA + o, dense[span.row * k + chunkStart + offset].bits);
      }
    }
    for (unsigned i = 0; i < k * n / 32; ++i) {
      RowCol at = layoutB(form, lane, i);
      packInto(rb, form.b, i, b[at.row * n + at.col].bits);
    }
    for (unsigned i = 0; i < 4; ++i) {
      RowCol at = layoutC(lane, i);
      packInto(rc, form.c, i, c[at.row * n + at.col].bits);
      double real = c[at.row * n + at.col].real;
      int64_t integer = c[at.row * n + at.col].integer;
      for (unsigned kk = 0; kk < k; ++kk) {
        real += dense[at.row * k + kk].real * b[kk * n + at.col].real;
        integer += dense[at.row * k + kk].integer * b[kk * n + at.col].integer;
      }
      packInto(rd, form.d, i, encodeResult(form.d, real, integer, form.satfinite));
    }
    warp.a.push_back(ra);
    warp.b.push_back(rb);
    warp.c.push_back(rc);
    warp.d.push_back(rd);
  }
  return warp;
}

void checkSparse(const SparseForm &form, unsigned selector, unsigned warps) {
  std::string instruction = instructionOf(form) + " selector " + std::to_string(selector);
  std::mt19937_64 random = randomFor(instruction + std::to_string(warps));
  for (int round = 0; round < 3; ++round) {
    std::vector<SparseWarp> drawn;
    for (unsigned w = 0; w < warps; ++w)
      drawn.push_back(drawWarp(form, selector, random));
    unsigned na = unsigned(drawn[0].a[0].size()), nb = unsigned(drawn[0].b[0].size());
    unsigned nc = unsigned(drawn[0].c[0].size()), nd = unsigned(drawn[0].d[0].size());
    Launch launch;
    launch.ptx = sparseKernel(form, selector, na, nb, nc, nd);
    launch.block = {32 * warps, 1, 1};
    launch.outSize = size_t(32 * warps) * nd * 8;
    for (const SparseWarp &warp : drawn)
      for (unsigned lane = 0; lane < 32; ++lane) {
        for (uint64_t r : warp.a[lane])
          launch.in.push(r);
        for (uint64_t r : warp.b[lane])
          launch.in.push(r);
        for (uint64_t r : warp.c[lane])
          launch.in.push(r);
        launch.in.push(uint64_t(warp.metadata[lane]));
      }
    Bytes out = runOk(launch);
    for (unsigned t = 0; t < 32 * warps; ++t)
      for (unsigned r = 0; r < nd; ++r)
        EXPECT_EQ(out.at<uint64_t>((t * nd + r) * 8) & 0xffffffffu, drawn[t / 32].d[t % 32][r])
            << instruction << " thread " << t << " register d" << r;
  }
}

// Every selector the shape allows, with and without ::ordered_metadata.
void checkSelectors(SparseForm form, unsigned warps) {
  for (bool ordered : {false, true}) {
    form.ordered = ordered;
    for (unsigned selector = 0; selector < 4 / metadataThreads(form); ++selector)
      checkSparse(form, selector, warps);
  }
}

constexpr unsigned kOneWarp = 1, kTwoWarps = 2;

PTX_CASE(MatrixMma, SparseF16) {
  for (unsigned k : {16u, 32u}) {
    checkSelectors({k, Type::F16, Type::F16, Type::F16, Type::F16}, kTwoWarps);
    checkSelectors({k, Type::F32, Type::F16, Type::F16, Type::F32}, kOneWarp);
  }
}
PTX_CASE(MatrixMma, SparseBf16) {
  for (unsigned k : {16u, 32u})
    checkSelectors({k, Type::F32, Type::BF16, Type::BF16, Type::F32}, kTwoWarps);
}
PTX_CASE(MatrixMma, SparseTf32) {
  for (unsigned k : {8u, 16u})
    checkSelectors({k, Type::F32, Type::TF32, Type::TF32, Type::F32}, kTwoWarps);
}
PTX_CASE(MatrixMma, SparseInteger) {
  for (unsigned k : {32u, 64u})
    for (Type a : {Type::S8, Type::U8})
      for (Type b : {Type::S8, Type::U8})
        for (bool satfinite : {false, true})
          checkSelectors({k, Type::S32, a, b, Type::S32, false, satfinite}, kOneWarp);
}
PTX_CASE(MatrixMma, SparseSubByteInteger) {
  for (unsigned k : {64u, 128u})
    for (Type a : {Type::S4, Type::U4})
      for (Type b : {Type::S4, Type::U4})
        for (bool satfinite : {false, true})
          checkSelectors({k, Type::S32, a, b, Type::S32, false, satfinite}, kOneWarp);
}
PTX_CASE(MatrixMma, SparseFp8) {
  for (Type a : {Type::E4M3, Type::E5M2})
    for (Type b : {Type::E4M3, Type::E5M2})
      checkSelectors({64, Type::F32, a, b, Type::F32, false, false, 89}, kOneWarp);
}

// Metadata the ISA leaves undefined fails the launch, with a diagnostic naming mma.sp: two equal
// indices; with ::ordered_metadata, indices that decrease; for .tf32 any index but 0b0100 and
// 0b1110.
PTX_CASE(MatrixMma, SparseUndefinedMetadataFails) {
  struct Bad {
    SparseForm form;
    uint32_t field;
  };
  for (const Bad &bad : {Bad{{16, Type::F16, Type::F16, Type::F16, Type::F16}, 0b0101},
                         Bad{{16, Type::F16, Type::F16, Type::F16, Type::F16, true}, 0b0001},
                         Bad{{32, Type::S32, Type::S8, Type::S8, Type::S32}, 0b1111},
                         Bad{{8, Type::F32, Type::TF32, Type::TF32, Type::F32}, 0b0001}}) {
    std::mt19937_64 random = randomFor("undefined" + instructionOf(bad.form));
    SparseWarp warp = drawWarp(bad.form, 0, random);
    // Lane 4 holds group 1's metadata (selector 0); its chunk at bits 3..0 gets the bad field.
    warp.metadata[4] = (warp.metadata[4] & ~0xfu) | bad.field;
    unsigned na = unsigned(warp.a[0].size()), nb = unsigned(warp.b[0].size());
    unsigned nc = unsigned(warp.c[0].size()), nd = unsigned(warp.d[0].size());
    Launch launch;
    launch.ptx = sparseKernel(bad.form, 0, na, nb, nc, nd);
    launch.block = {32, 1, 1};
    launch.outSize = 32 * nd * 8;
    for (unsigned lane = 0; lane < 32; ++lane) {
      for (const auto *registers : {&warp.a[lane], &warp.b[lane], &warp.c[lane]})
        for (uint64_t r : *registers)
          launch.in.push(r);
      launch.in.push(uint64_t(warp.metadata[lane]));
    }
    Outcome outcome = run(launch);
    EXPECT_TRUE(outcome.loaded) << outcome.message;
    EXPECT_FALSE(outcome.launched) << instructionOf(bad.form);
    EXPECT_NE(outcome.message.find("mma.sp"), std::string::npos) << outcome.message;
  }
}

// Forms ptxas refuses are refused at load: selectors past the shape's range, metadata as an
// immediate, C and D of different types, layouts other than .row.col, .satfinite on floating
// types, and sm_75 targets.
PTX_CASE(MatrixMma, SparseFormsRejected) {
  struct Rejected {
    unsigned sm;
    const char *instruction;
  };
  for (const Rejected &rejected : std::initializer_list<Rejected>{
           {80, "mma.sp.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%r0, %r1}, {%r0, %r1}, "
                "{%r2, %r3}, {%r0, %r1}, %r3, 4;"},
           {80, "mma.sp.sync.aligned.m16n8k32.row.col.f16.f16.f16.f16 {%r0, %r1}, {%r0, %r1, "
                "%r2, %r3}, {%r0, %r1, %r2, %r3}, {%r0, %r1}, %r3, 2;"},
           {80, "mma.sp.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32 {%r0, %r1, %r2, %r3}, {%r0, "
                "%r1, %r2, %r3}, {%r0, %r1, %r2, %r3}, {%r0, %r1, %r2, %r3}, %r3, 1;"},
           {80, "mma.sp.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%r0, %r1}, {%r0, %r1}, "
                "{%r2, %r3}, {%r0, %r1}, 5, 0;"},
           {80, "mma.sp.sync.aligned.m16n8k16.row.col.f32.f16.f16.f16 {%f0, %f1, %f2, %f3}, "
                "{%r0, %r1}, {%r2, %r3}, {%r0, %r1}, %r3, 0;"},
           {80, "mma.sp.sync.aligned.m16n8k16.col.row.f16.f16.f16.f16 {%r0, %r1}, {%r0, %r1}, "
                "{%r2, %r3}, {%r0, %r1}, %r3, 0;"},
           {80, "mma.sp.sync.aligned.m16n8k16.row.col.satfinite.f32.f16.f16.f32 {%f0, %f1, %f2, "
                "%f3}, {%r0, %r1}, {%r2, %r3}, {%f0, %f1, %f2, %f3}, %r3, 0;"},
           {75, "mma.sp.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%r0, %r1}, {%r0, %r1}, "
                "{%r2, %r3}, {%r0, %r1}, %r3, 0;"},
           {80, "mma.sp.sync.aligned.m16n8k64.row.col.f32.e4m3.e4m3.f32 {%f0, %f1, %f2, %f3}, "
                "{%r0, %r1, %r2, %r3}, {%r0, %r1, %r2, %r3}, {%f0, %f1, %f2, %f3}, %r3, 0;"}}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(rejected.sm, "8.5") +
                                  ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                                  "  .reg .b32 %r<4>;\n  .reg .f32 %f<4>;\n  " +
                                  std::string(rejected.instruction) + "\n  ret;\n}\n");
    launch.block = {32, 1, 1};
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << rejected.instruction;
    EXPECT_NE(outcome.message.find("mma"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
