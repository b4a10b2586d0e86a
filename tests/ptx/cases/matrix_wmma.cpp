// wmma.load.{a,b,c}, wmma.mma and wmma.store.d (sm_70..sm_90): m16n16k16 / m32n8k16 / m8n32k16
// with f16 (f16 or f32 accumulators), bf16 and s8/u8 (wrapping and .satfinite), m16n16k8 tf32,
// m8n8k4 f64 (every rounding), m8n8k32 s4/u4 (wrapping and .satfinite) and m8n8k128 b1
// (.xor.popc, .and.popc), with every .row/.col layout of A, B, C and D the ISA allows, through
// .global, .shared and generic addresses, with the default and a padded stride.
//
// The ISA leaves the fragment layout unspecified: only the round trip is observable. Each warp
// loads its A, B and C from memory (laid out as the instruction's layout and stride say), runs
// the mma and stores D; the host reference computes D = A * B + C from the matrices it wrote,
// exactly, rounded once to D's type (the inputs are drawn so that every sum is exact in double:
// matrix_reference.h), except for the f64 rounding cases, whose full-precision inputs make the
// exact sum a 128-bit integer multiple of 2^-110 that the reference rounds by bracketing it
// between neighbouring doubles. Sub-byte elements lie in memory low-order bits of a byte first.
#include "tests/ptx/cases/matrix_reference.h"
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

namespace cuport::conformance {
namespace {

using namespace matrix;

// The .b1 forms' operation: D = C + popc(A row op B column).
enum class BitOp { None, Xor, And };

struct WmmaForm {
  unsigned m, n, k;
  Type d, a, b, c;
  bool satfinite = false;
  BitOp bitOp = BitOp::None;
  std::string rounding = "";  // the f64 form's .rn / .rz / .rm / .rp, or none
  bool fullPrecision = false; // f64 inputs whose products and sums need rounding
};

// Where the fragments are loaded from and stored to.
enum class Path { Global, Shared, Generic };

// The layouts of A, B, C in memory and of the stored D (true: .row).
struct Layouts {
  bool a, b, c, d;
};

std::string shapeName(const WmmaForm &form) {
  return "m" + std::to_string(form.m) + "n" + std::to_string(form.n) + "k" + std::to_string(form.k);
}

// The ISA's register counts: f16 multiplicands take eight .f16x2 registers.
unsigned fragmentRegisters(unsigned rows, unsigned cols, Type type, bool multiplicand) {
  if (type == Type::F16 && multiplicand)
    return 8;
  return registersOf(rows * cols / 32, type);
}

const char *wmmaRegisterType(Type type) {
  return type == Type::F64 ? "f64" : type == Type::F32 ? "f32" : "b32";
}

std::string mmaInstruction(const WmmaForm &form, const Layouts &layouts) {
  std::string name = form.bitOp == BitOp::None  ? "wmma.mma"
                     : form.bitOp == BitOp::Xor ? "wmma.mma.xor.popc"
                                                : "wmma.mma.and.popc";
  name += std::string(".sync.aligned.") + (layouts.a ? "row" : "col") + "." +
          (layouts.b ? "row" : "col") + "." + shapeName(form);
  if (!form.rounding.empty())
    name += "." + form.rounding;
  name += std::string(".") + typeName(form.d);
  if (form.a == Type::F16)
    name += std::string(".") + typeName(form.c);
  else
    name += std::string(".") + typeName(form.a) + "." + typeName(form.b) + "." + typeName(form.c);
  if (form.satfinite)
    name += ".satfinite";
  return name;
}

// A matrix stored in memory: `rows` x `cols` elements of `type`, row- or column-major with
// `stride` elements between the starts of rows (columns), at byte `offset` of its buffer.
struct Stored {
  unsigned rows, cols;
  Type type;
  bool rowMajor;
  unsigned stride;
  size_t offset;

  size_t bytes() const { return size_t(rowMajor ? rows : cols) * stride * bitsOf(type) / 8; }
  // The bit offset of an element in its buffer (sub-byte elements share bytes).
  size_t bitAt(unsigned row, unsigned col) const {
    size_t index = rowMajor ? size_t(row) * stride + col : size_t(col) * stride + row;
    return offset * 8 + index * bitsOf(type);
  }
};

size_t alignUp(size_t value) {
  return (value + 255) / 256 * 256;
}

std::string fragmentOf(char name, unsigned count) {
  std::string list = "{";
  for (unsigned i = 0; i < count; ++i)
    list += std::string(i ? ", " : "") + "%" + name + std::to_string(i);
  return list + "}";
}

// The kernel: warp w's A, B, C lie at in + w * inBytes (+ offsets), its D goes to out + w *
// outBytes. For Path::Shared the block first copies `in` into the shared tile, bar.syncs, works
// on the tile and copies the tile's D regions back to `out`.
std::string wmmaKernel(const WmmaForm &form, const Layouts &layouts, Path path, bool padded,
                       const Stored &a, const Stored &b, const Stored &c, const Stored &d,
                       size_t inBytes, size_t outBytes, unsigned warps) {
  unsigned na = fragmentRegisters(form.m, form.k, form.a, true);
  unsigned nb = fragmentRegisters(form.k, form.n, form.b, true);
  unsigned nc = fragmentRegisters(form.m, form.n, form.c, false);
  unsigned nd = fragmentRegisters(form.m, form.n, form.d, false);
  std::string space = path == Path::Global ? ".global" : path == Path::Shared ? ".shared" : "";
  std::string shape = shapeName(form);
  size_t tileIn = inBytes * warps, tileOut = outBytes * warps;
  std::string body = header(80);
  if (path == Path::Shared)
    body += ".shared .align 256 .b8 tile[" + std::to_string(tileIn + tileOut) + "];\n";
  body += R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .pred %p<2>;
  .reg .b16 %rs<2>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<12>;
  .reg .)" +
          std::string(wmmaRegisterType(form.a)) + " %a<" + std::to_string(na) + ">;\n  .reg ." +
          wmmaRegisterType(form.b) + " %b<" + std::to_string(nb) + ">;\n  .reg ." +
          wmmaRegisterType(form.c) + " %c<" + std::to_string(nc) + ">;\n  .reg ." +
          wmmaRegisterType(form.d) + " %d<" + std::to_string(nd) + ">;\n" + R"(
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  mov.u32 %r0, %tid.x;
  shr.u32 %r1, %r0, 5;
)";
  if (path == Path::Global)
    body += "  cvta.to.global.u64 %rd1, %rd1;\n  cvta.to.global.u64 %rd2, %rd2;\n";
  if (path == Path::Shared) {
    // Copy in -> tile byte by byte, then address the tile with 32-bit shared addresses.
    body += "  cvta.to.global.u64 %rd1, %rd1;\n  cvta.to.global.u64 %rd2, %rd2;\n"
            "  mov.u32 %r2, %r0;\n"
            "COPY_IN:\n"
            "  setp.ge.u32 %p0, %r2, " +
            std::to_string(tileIn) +
            ";\n"
            "  @%p0 bra COPIED_IN;\n"
            "  cvt.u64.u32 %rd3, %r2;\n"
            "  add.s64 %rd4, %rd1, %rd3;\n"
            "  ld.global.u8 %rs0, [%rd4];\n"
            "  mov.u32 %r3, tile;\n"
            "  add.u32 %r3, %r3, %r2;\n"
            "  st.shared.u8 [%r3], %rs0;\n"
            "  add.u32 %r2, %r2, " +
            std::to_string(32 * warps) +
            ";\n"
            "  bra COPY_IN;\n"
            "COPIED_IN:\n"
            "  bar.sync 0;\n"
            "  mov.u32 %r4, tile;\n"
            "  mul.lo.u32 %r5, %r1, " +
            std::to_string(inBytes) +
            ";\n"
            "  add.u32 %r5, %r4, %r5;\n"
            "  add.u32 %r6, %r5, " +
            std::to_string(b.offset) +
            ";\n"
            "  add.u32 %r7, %r5, " +
            std::to_string(c.offset) +
            ";\n"
            "  mul.lo.u32 %r8, %r1, " +
            std::to_string(outBytes) +
            ";\n"
            "  add.u32 %r8, %r8, " +
            std::to_string(tileIn) +
            ";\n"
            "  add.u32 %r8, %r4, %r8;\n";
  } else {
    body += "  mul.wide.u32 %rd3, %r1, " + std::to_string(inBytes) +
            ";\n"
            "  add.s64 %rd5, %rd1, %rd3;\n"
            "  add.s64 %rd6, %rd5, " +
            std::to_string(b.offset) +
            ";\n"
            "  add.s64 %rd7, %rd5, " +
            std::to_string(c.offset) +
            ";\n"
            "  mul.wide.u32 %rd3, %r1, " +
            std::to_string(outBytes) +
            ";\n"
            "  add.s64 %rd8, %rd2, %rd3;\n";
  }
  bool shared = path == Path::Shared;
  std::string aAddress = shared ? "[%r5]" : "[%rd5]", bAddress = shared ? "[%r6]" : "[%rd6]";
  std::string cAddress = shared ? "[%r7]" : "[%rd7]", dAddress = shared ? "[%r8]" : "[%rd8]";
  auto stride = [&](const Stored &stored) {
    return padded ? ", " + std::to_string(stored.stride) : std::string();
  };
  auto order = [](bool row) { return row ? ".row." : ".col."; };
  body += "  wmma.load.a.sync.aligned" + std::string(order(layouts.a)) + shape + space + "." +
          typeName(form.a) + " " + fragmentOf('a', na) + ", " + aAddress + stride(a) + ";\n";
  body += "  wmma.load.b.sync.aligned" + std::string(order(layouts.b)) + shape + space + "." +
          typeName(form.b) + " " + fragmentOf('b', nb) + ", " + bAddress + stride(b) + ";\n";
  body += "  wmma.load.c.sync.aligned" + std::string(order(layouts.c)) + shape + space + "." +
          typeName(form.c) + " " + fragmentOf('c', nc) + ", " + cAddress + stride(c) + ";\n";
  body += "  " + mmaInstruction(form, layouts) + " " + fragmentOf('d', nd) + ", " +
          fragmentOf('a', na) + ", " + fragmentOf('b', nb) + ", " + fragmentOf('c', nc) + ";\n";
  body += "  wmma.store.d.sync.aligned" + std::string(order(layouts.d)) + shape + space + "." +
          typeName(form.d) + " " + dAddress + ", " + fragmentOf('d', nd) + stride(d) + ";\n";
  if (shared)
    body += "  bar.sync 0;\n"
            "  mov.u32 %r2, %r0;\n"
            "COPY_OUT:\n"
            "  setp.ge.u32 %p1, %r2, " +
            std::to_string(tileOut) +
            ";\n"
            "  @%p1 bra COPIED_OUT;\n"
            "  add.u32 %r3, %r2, " +
            std::to_string(tileIn) +
            ";\n"
            "  add.u32 %r3, %r4, %r3;\n"
            "  ld.shared.u8 %rs1, [%r3];\n"
            "  cvt.u64.u32 %rd3, %r2;\n"
            "  add.s64 %rd4, %rd2, %rd3;\n"
            "  st.global.u8 [%rd4], %rs1;\n"
            "  add.u32 %r2, %r2, " +
            std::to_string(32 * warps) +
            ";\n"
            "  bra COPY_OUT;\n"
            "COPIED_OUT:\n";
  return body + "  ret;\n}\n";
}

void storeBits(Bytes &buffer, size_t bitOffset, uint64_t bits, Type type) {
  unsigned width = bitsOf(type);
  if (width < 8) { // a 4-bit or 1-bit element within its byte, low-order bits first
    size_t byte = bitOffset / 8;
    unsigned shift = bitOffset % 8, mask = ((1u << width) - 1) << shift;
    auto merged = uint8_t((buffer.at<uint8_t>(byte) & ~mask) | ((bits << shift) & mask));
    buffer.set<uint8_t>(byte, merged);
    return;
  }
  for (unsigned byte = 0; byte < width / 8; ++byte)
    buffer.set<uint8_t>(bitOffset / 8 + byte, uint8_t(bits >> (8 * byte)));
}

uint64_t loadBits(const Bytes &buffer, size_t bitOffset, Type type) {
  uint64_t bits = 0;
  for (unsigned byte = 0; byte < bitsOf(type) / 8; ++byte)
    bits |= uint64_t(buffer.at<uint8_t>(bitOffset / 8 + byte)) << (8 * byte);
  return bits;
}

// A full-precision f64 of magnitude in [2^-3, 2^4): 53 significant bits, so the products and
// sums of the rounding cases are not exact in double.
Drawn drawFullPrecision(std::mt19937_64 &random) {
  uint64_t significand = (uint64_t(1) << 52) | (random() & ((uint64_t(1) << 52) - 1));
  double value = std::ldexp(double(significand), int(random() % 7) - 3 - 52);
  if (random() % 2)
    value = -value;
  return {std::bit_cast<uint64_t>(value), value, 0};
}

// The exact sum of the rounding cases in units of 2^-110 (every term's last significant bit is
// at 2^-110 or above; the sum stays below 2^13).
constexpr int kExactScale = 110;

__int128 scaledExactly(double value) {
  int exponent = 0;
  double fraction = std::frexp(value, &exponent); // value = fraction * 2^exponent
  auto significand = int64_t(std::ldexp(fraction, 53));
  return __int128(significand) << (exponent - 53 + kExactScale);
}

// `exact` * 2^-110 rounded to f64 as the ISA's rounding modifiers define it: of the two doubles
// that bracket it, the one toward zero (.rz), below (.rm), above (.rp) or nearest, ties to the
// even significand (.rn and no modifier).
double roundExact(__int128 exact, const std::string &rounding) {
  if (exact == 0)
    return rounding == "rm" ? -0.0 : 0.0;
  if (exact > -(__int128(1) << 53) && exact < (__int128(1) << 53)) // a double already
    return std::ldexp(double(exact), -kExactScale);
  double below = std::ldexp(double(exact), -kExactScale);
  while (scaledExactly(below) > exact)
    below = std::nextafter(below, -INFINITY);
  while (scaledExactly(std::nextafter(below, INFINITY)) <= exact)
    below = std::nextafter(below, INFINITY);
  double above = scaledExactly(below) == exact ? below : std::nextafter(below, INFINITY);
  if (rounding == "rz")
    return exact > 0 ? below : above;
  if (rounding == "rm")
    return below;
  if (rounding == "rp")
    return above;
  __int128 twice = 2 * exact, middle = scaledExactly(below) + scaledExactly(above);
  if (twice != middle)
    return twice < middle ? below : above;
  return (std::bit_cast<uint64_t>(below) & 1) == 0 ? below : above;
}

void checkWmma(const WmmaForm &form, const Layouts &layouts, Path path, bool padded) {
  constexpr unsigned kWarps = 2;
  auto stored = [&](unsigned rows, unsigned cols, Type type, bool rowMajor, size_t offset) {
    unsigned leading = rowMajor ? cols : rows;
    // Padding of 16 elements, or of 128 bits for the sub-byte types (rows stay 16-byte aligned).
    unsigned padding = std::max(16u, 128 / bitsOf(type));
    return Stored{rows, cols, type, rowMajor, leading + (padded ? padding : 0), offset};
  };
  Stored a = stored(form.m, form.k, form.a, layouts.a, 0);
  Stored b = stored(form.k, form.n, form.b, layouts.b, alignUp(a.bytes()));
  Stored c = stored(form.m, form.n, form.c, layouts.c, b.offset + alignUp(b.bytes()));
  Stored d = stored(form.m, form.n, form.d, layouts.d, 0);
  size_t inBytes = c.offset + alignUp(c.bytes()), outBytes = alignUp(d.bytes());
  const std::string kernel =
      wmmaKernel(form, layouts, path, padded, a, b, c, d, inBytes, outBytes, kWarps);
  std::mt19937_64 random = randomFor(kernel);
  bool rounded = form.fullPrecision;
  for (int round = 0; round < 2; ++round) {
    Launch launch;
    launch.ptx = kernel;
    launch.block = {32 * kWarps, 1, 1};
    launch.in.resize(inBytes * kWarps);
    launch.outSize = outBytes * kWarps;
    std::vector<std::vector<uint64_t>> expected(kWarps);
    for (unsigned warp = 0; warp < kWarps; ++warp) {
      std::vector<Drawn> ma(form.m * form.k), mb(form.k * form.n), mc(form.m * form.n);
      for (unsigned row = 0; row < form.m; ++row)
        for (unsigned col = 0; col < form.k; ++col) {
          ma[row * form.k + col] = rounded ? drawFullPrecision(random) : draw(form.a, random);
          storeBits(launch.in, warp * inBytes * 8 + a.bitAt(row, col), ma[row * form.k + col].bits,
                    form.a);
        }
      for (unsigned row = 0; row < form.k; ++row)
        for (unsigned col = 0; col < form.n; ++col) {
          mb[row * form.n + col] = rounded ? drawFullPrecision(random) : draw(form.b, random);
          storeBits(launch.in, warp * inBytes * 8 + b.bitAt(row, col), mb[row * form.n + col].bits,
                    form.b);
        }
      for (unsigned row = 0; row < form.m; ++row)
        for (unsigned col = 0; col < form.n; ++col) {
          mc[row * form.n + col] = rounded ? drawFullPrecision(random) : draw(form.c, random);
          storeBits(launch.in, warp * inBytes * 8 + c.bitAt(row, col), mc[row * form.n + col].bits,
                    form.c);
        }
      for (unsigned row = 0; row < form.m; ++row)
        for (unsigned col = 0; col < form.n; ++col) {
          double real = mc[row * form.n + col].real;
          int64_t integer = mc[row * form.n + col].integer;
          __int128 exact = rounded ? scaledExactly(real) : 0;
          for (unsigned k = 0; k < form.k; ++k) {
            const Drawn &x = ma[row * form.k + k], &y = mb[k * form.n + col];
            real += x.real * y.real;
            if (rounded) // each factor is a multiple of 2^-55 below 2^4
              exact += (scaledExactly(x.real) >> 55) * (scaledExactly(y.real) >> 55);
            if (form.bitOp == BitOp::Xor)
              integer += x.integer ^ y.integer;
            else if (form.bitOp == BitOp::And)
              integer += x.integer & y.integer;
            else
              integer += x.integer * y.integer;
          }
          if (rounded)
            real = roundExact(exact, form.rounding);
          expected[warp].push_back(encodeResult(form.d, real, integer, form.satfinite));
        }
    }
    Bytes out = runOk(launch);
    if (out.size() != launch.outSize)
      return;
    for (unsigned warp = 0; warp < kWarps; ++warp)
      for (unsigned row = 0; row < form.m; ++row)
        for (unsigned col = 0; col < form.n; ++col)
          ASSERT_EQ(loadBits(out, warp * outBytes * 8 + d.bitAt(row, col), form.d),
                    expected[warp][row * form.n + col])
              << mmaInstruction(form, layouts) << " warp " << warp << " D[" << row << "][" << col
              << "]\n"
              << kernel;
  }
}

// Every layout of A and B; C is loaded in A's layout and D stored in the other one, so each
// of the four is .row and .col somewhere. The paths and strides rotate over the combinations.
void checkAllLayouts(const WmmaForm &form) {
  unsigned variant = 0;
  for (bool rowA : {true, false})
    for (bool rowB : {true, false}) {
      Layouts layouts{rowA, rowB, rowA, !rowA};
      for (Path path : {Path::Global, Path::Shared, Path::Generic}) {
        checkWmma(form, layouts, path, variant % 2 == 1);
        ++variant;
      }
    }
}

// The sub-byte shapes take A in rows and B in columns only; C and D take either layout.
void checkSubByteLayouts(const WmmaForm &form) {
  unsigned variant = 0;
  for (bool rowC : {true, false})
    for (bool rowD : {true, false})
      for (Path path : {Path::Global, Path::Shared, Path::Generic}) {
        checkWmma(form, {true, false, rowC, rowD}, path, variant % 2 == 1);
        ++variant;
      }
}

struct Shape {
  unsigned m, n, k;
};
constexpr Shape kHalfShapes[] = {{16, 16, 16}, {32, 8, 16}, {8, 32, 16}};

PTX_CASE(MatrixWmma, F16F32Accumulators) {
  for (Shape shape : kHalfShapes)
    checkAllLayouts({shape.m, shape.n, shape.k, Type::F32, Type::F16, Type::F16, Type::F32});
}
PTX_CASE(MatrixWmma, F16F16Accumulators) {
  for (Shape shape : kHalfShapes)
    checkAllLayouts({shape.m, shape.n, shape.k, Type::F16, Type::F16, Type::F16, Type::F16});
}
PTX_CASE(MatrixWmma, F16MixedAccumulators) {
  for (Shape shape : kHalfShapes) {
    checkWmma({shape.m, shape.n, shape.k, Type::F32, Type::F16, Type::F16, Type::F16},
              {true, false, true, false}, Path::Global, false);
    checkWmma({shape.m, shape.n, shape.k, Type::F16, Type::F16, Type::F16, Type::F32},
              {false, true, false, true}, Path::Shared, true);
  }
}
PTX_CASE(MatrixWmma, Bf16) {
  for (Shape shape : kHalfShapes)
    checkAllLayouts({shape.m, shape.n, shape.k, Type::F32, Type::BF16, Type::BF16, Type::F32});
}
PTX_CASE(MatrixWmma, Tf32) {
  checkAllLayouts({16, 16, 8, Type::F32, Type::TF32, Type::TF32, Type::F32});
}
PTX_CASE(MatrixWmma, F64) {
  checkAllLayouts({8, 8, 4, Type::F64, Type::F64, Type::F64, Type::F64, false, BitOp::None, "rn"});
}
// Full-precision inputs: D is the exact C + A * B rounded once, in each direction (no modifier
// rounds to nearest even, as .rn).
PTX_CASE(MatrixWmma, F64Roundings) {
  for (const char *rounding : {"", "rn", "rz", "rm", "rp"})
    checkAllLayouts(
        {8, 8, 4, Type::F64, Type::F64, Type::F64, Type::F64, false, BitOp::None, rounding, true});
}
// A and B of the same type: ptxas refuses s8 with u8.
PTX_CASE(MatrixWmma, Integer) {
  for (Shape shape : kHalfShapes)
    for (Type a : {Type::S8, Type::U8})
      for (bool satfinite : {false, true})
        checkWmma({shape.m, shape.n, shape.k, Type::S32, a, a, Type::S32, satfinite},
                  {a == Type::S8, satfinite, satfinite, !satfinite},
                  satfinite ? Path::Shared : Path::Global, (a == Type::U8) != satfinite);
}
PTX_CASE(MatrixWmma, IntegerAllLayouts) {
  checkAllLayouts({16, 16, 16, Type::S32, Type::S8, Type::S8, Type::S32, true});
}
// m8n8k32 with .s4 or .u4 A and B (the same type), wrapping and .satfinite.
PTX_CASE(MatrixWmma, SubByteNibbles) {
  for (Type type : {Type::S4, Type::U4})
    for (bool satfinite : {false, true})
      checkSubByteLayouts({8, 8, 32, Type::S32, type, type, Type::S32, satfinite});
}
// m8n8k128 .b1: D = C + popc(A row XOR / AND B column).
PTX_CASE(MatrixWmma, SingleBit) {
  for (BitOp op : {BitOp::Xor, BitOp::And})
    checkSubByteLayouts({8, 8, 128, Type::S32, Type::B1, Type::B1, Type::S32, false, op});
}

// A form is refused at load with a diagnostic naming wmma. `invalid`: ptxas refuses it too.
void expectRefused(const std::string &instruction, bool invalid) {
  Launch launch;
  launch.ptx = header(80) +
               ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
               "  .reg .b32 %r<8>;\n  .reg .f32 %f<8>;\n  .reg .f64 %fd<4>;\n"
               "  .reg .b64 %rd<1>;\n  " +
               instruction + "\n  ret;\n}\n";
  if (invalid)
    launch.ptx = invalidOnPurpose(launch.ptx);
  launch.block = {32, 1, 1};
  Outcome outcome = run(launch);
  EXPECT_FALSE(outcome.loaded) << instruction;
  EXPECT_NE(outcome.message.find("wmma"), std::string::npos) << outcome.message;
}

// Forms outside sm_70..sm_90's wmma are refused at load, naming the instruction: .b1 without
// its bit operation or with .satfinite, a bit operation elsewhere, the sub-byte shapes' A in
// columns or B in rows, s4 with u4 or s8 with u8, types of other shapes, a rounding the ISA does
// not have or on a form other than f64, .satfinite on a floating-point form, tf32 on an f16
// shape, a missing layout.
PTX_CASE(MatrixWmma, InvalidFormsRejected) {
  for (const char *instruction : {
           "wmma.mma.sync.aligned.row.col.m8n8k128.s32.b1.b1.s32 {%r0, %r1}, {%r2}, {%r3}, "
           "{%r0, %r1};",
           "wmma.mma.xor.popc.sync.aligned.row.col.m8n8k128.s32.b1.b1.s32.satfinite {%r0, %r1}, "
           "{%r2}, {%r3}, {%r0, %r1};",
           "wmma.mma.xor.popc.sync.aligned.row.col.m8n8k32.s32.s4.s4.s32 {%r0, %r1}, {%r2}, "
           "{%r3}, {%r0, %r1};",
           "wmma.load.a.sync.aligned.col.m8n8k32.s4 {%r0}, [%rd0];",
           "wmma.load.b.sync.aligned.row.m8n8k128.b1 {%r0}, [%rd0];",
           "wmma.load.a.sync.aligned.row.m8n8k32.s8 {%r0}, [%rd0];",
           "wmma.mma.sync.aligned.col.col.m8n8k32.s32.s4.s4.s32 {%r0, %r1}, {%r2}, {%r3}, "
           "{%r0, %r1};",
           "wmma.mma.sync.aligned.row.col.m8n8k32.s32.s4.u4.s32 {%r0, %r1}, {%r2}, {%r3}, "
           "{%r0, %r1};",
           "wmma.mma.sync.aligned.row.col.m8n8k4.rna.f64.f64.f64.f64 {%fd0, %fd1}, {%fd2}, "
           "{%fd3}, {%fd0, %fd1};",
           "wmma.mma.sync.aligned.row.col.m8n8k32.rz.s32.s4.s4.s32 {%r0, %r1}, {%r2}, {%r3}, "
           "{%r0, %r1};",
           "wmma.mma.sync.aligned.row.col.m16n16k16.f32.f32.satfinite {%f0, %f1, %f2, %f3, %f4, "
           "%f5, %f6, %f7}, {%r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7}, {%r0, %r1, %r2, %r3, %r4, "
           "%r5, %r6, %r7}, {%f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7};",
           "wmma.load.a.sync.aligned.row.m16n16k16.tf32 {%r0, %r1, %r2, %r3}, [%rd0];",
           "wmma.store.d.sync.aligned.m16n16k16.f32 [%rd0], {%f0, %f1, %f2, %f3, %f4, %f5, %f6, "
           "%f7};",
           "wmma.mma.sync.aligned.row.col.m16n16k16.s32.s8.u8.s32 {%r0, %r1, %r2, %r3, %r4, %r5, "
           "%r6, %r7}, {%r0, %r1}, {%r2, %r3}, {%r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7};",
       })
    expectRefused(instruction, true);
}

// The forms newer than the module's target are refused: .and.popc and f64 came with sm_80, the
// sub-byte shapes with sm_75 (and load there with .xor.popc).
PTX_CASE(MatrixWmma, TargetRequirements) {
  struct Probe {
    unsigned target;
    const char *instruction;
    bool loads;
  };
  for (const Probe &probe : {
           Probe{75,
                 "wmma.mma.and.popc.sync.aligned.row.col.m8n8k128.s32.b1.b1.s32 {%r0, %r1}, "
                 "{%r2}, {%r3}, {%r0, %r1};",
                 false},
           Probe{75,
                 "wmma.mma.sync.aligned.row.col.m8n8k4.rz.f64.f64.f64.f64 {%fd0, %fd1}, {%fd2}, "
                 "{%fd3}, {%fd0, %fd1};",
                 false},
           Probe{70, "wmma.load.a.sync.aligned.row.m8n8k32.s4 {%r0}, [%rd0];", false},
           Probe{70, "wmma.load.a.sync.aligned.row.m16n16k16.s8 {%r0, %r1}, [%rd0];", false},
           Probe{75,
                 "wmma.mma.xor.popc.sync.aligned.row.col.m8n8k128.s32.b1.b1.s32 {%r0, %r1}, "
                 "{%r2}, {%r3}, {%r0, %r1};",
                 true},
           Probe{75, "wmma.load.b.sync.aligned.col.m8n8k32.u4 {%r0}, [%rd0];", true},
       }) {
    Launch launch;
    launch.ptx = header(probe.target) +
                 ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                 "  .reg .b32 %r<8>;\n  .reg .f64 %fd<4>;\n  .reg .b64 %rd<1>;\n"
                 "  ld.param.u64 %rd0, [in];\n  mov.b32 %r0, 0;\n  mov.b32 %r1, 0;\n"
                 "  mov.b32 %r2, 0;\n  mov.b32 %r3, 0;\n  " +
                 std::string(probe.instruction) + "\n  ret;\n}\n";
    if (!probe.loads) // ptxas refuses these too
      launch.ptx = invalidOnPurpose(launch.ptx);
    launch.block = {32, 1, 1};
    launch.in.resize(256);
    Outcome outcome = run(launch);
    EXPECT_EQ(outcome.loaded, probe.loads) << probe.instruction << "\n" << outcome.message;
    if (!probe.loads) {
      EXPECT_NE(outcome.message.find("wmma"), std::string::npos) << outcome.message;
    }
  }
}

// A fragment with the wrong number of registers is diagnosed.
PTX_CASE(MatrixWmma, FragmentSizeDiagnosed) {
  Launch launch;
  launch.ptx = invalidOnPurpose(
      header(80) + ".visible .entry test(.param .u64 in, .param .u64 out)\n{\n"
                   "  .reg .b32 %r<8>;\n  .reg .b64 %rd<1>;\n"
                   "  wmma.load.a.sync.aligned.row.m16n16k16.f16 {%r0, %r1, %r2, %r3}, [%rd0];\n"
                   "  ret;\n}\n");
  launch.block = {32, 1, 1};
  Outcome outcome = run(launch);
  EXPECT_FALSE(outcome.loaded);
  EXPECT_NE(outcome.message.find("wmma"), std::string::npos) << outcome.message;
}

} // namespace
} // namespace cuport::conformance
