// suld.b and sust.b on surface objects: every geometry (1d, 2d, 3d, a1d, a2d), element type
// (.b8, .b16, .b32, .b64) and vector width, and the three out-of-range modes (.trap, .clamp,
// .zero), against surface_reference.h. Each access is as wide as the surface's elements.
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/surface_reference.h"
#include "tests/ptx/invalid_ptx.h"

#include <set>

namespace cuport::conformance {
namespace {

namespace ref = surface_reference;
using ref::Geometry;

struct Access {
  uint32_t typeBits; // 8, 16, 32 or 64
  uint32_t vector;   // 1, 2 or 4
  uint32_t bytes() const { return typeBits / 8 * vector; }
  std::string suffix() const {
    return (vector > 1 ? ".v" + std::to_string(vector) : std::string()) + ".b" +
           std::to_string(typeBits);
  }
};

// Every access the ISA defines: .v4.b64 would be 32 bytes, and PTX vectors cannot exceed 128 bits
// (SurfaceAccess.VectorsWiderThan128BitsRejected).
const std::vector<Access> &accesses() {
  static const std::vector<Access> list{{8, 1},  {8, 2},  {8, 4},  {16, 1}, {16, 2}, {16, 4},
                                        {32, 1}, {32, 2}, {32, 4}, {64, 1}, {64, 2}};
  return list;
}

// A surface of `bytes`-byte elements (8-bit channels below 4 bytes, else 32-bit ones).
Image surfaceImage(Geometry geometry, uint32_t bytes, std::mt19937_64 &random) {
  uint32_t width = geometry == Geometry::D1 ? 16 : geometry == Geometry::D3 ? 4 : 6;
  uint32_t height = geometry == Geometry::D2 || geometry == Geometry::D3 || geometry == Geometry::A2
                        ? (geometry == Geometry::D2 ? 4 : 3)
                        : 0;
  uint32_t depth = geometry == Geometry::D3 || ref::layered(geometry) ? 3 : 0;
  bool wide = bytes >= 4;
  Image image = randomImage(ChannelKind::Unsigned, wide ? bytes / 4 : bytes, wide ? 32 : 8, width,
                            height, depth, random);
  image.layered = ref::layered(geometry);
  return image;
}

// Coordinates {x bytes, y, z, layer}: inside the surface, or (when `outside`) possibly outside
// it in x, y or z by up to two elements; layers always inside.
Operands position(const Image &image, uint32_t bytes, bool outside, std::mt19937_64 &random) {
  int64_t margin = outside ? 2 : 0;
  auto pick = [&](int64_t count) {
    return uint32_t(int32_t(int64_t(random() % uint64_t(count + 2 * margin)) - margin));
  };
  uint32_t perRow = image.width * image.elementBytes() / bytes;
  Operands row{};
  row[0] = pick(perRow) * bytes;
  row[1] = pick(image.rows());
  row[2] = pick(image.slices());
  row[3] = uint32_t(random() % image.slices());
  return row;
}

std::optional<size_t> target(const Image &image, Geometry geometry, const Operands &row,
                             uint32_t bytes, bool clamp) {
  return ref::offset(image, geometry, int32_t(row[0]), int32_t(row[1]), int32_t(row[2]),
                     int32_t(row[3]), bytes, clamp);
}

// Moves the loaded registers into %r9..%r12, zero-extended (.b8 / .b16) or split (.b64).
std::string loadStatements(Geometry geometry, const Access &access, const std::string &mode) {
  std::string destination, moves;
  for (uint32_t i = 0; i < access.vector; ++i) {
    std::string n = std::to_string(i + 1);
    if (access.typeBits <= 16) {
      destination += (i ? ", %h" : "%h") + n;
      moves += "  cvt.u32.u16 %r" + std::to_string(9 + i) + ", %h" + n + ";\n";
    } else if (access.typeBits == 32) {
      destination += (i ? ", %r" : "%r") + std::to_string(9 + i);
    } else {
      destination += (i ? ", %rd" : "%rd") + std::to_string(20 + i);
      moves += "  mov.b64 {%r" + std::to_string(9 + 2 * i) + ", %r" + std::to_string(10 + 2 * i) +
               "}, %rd" + std::to_string(20 + i) + ";\n";
    }
  }
  return "  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n  mov.u32 %r12, 0;\n"
         "  suld.b." +
         std::string(ref::geometryName(geometry)) + access.suffix() + "." + mode + " {" +
         destination + "}, [%rd10, " + ref::coordinates(geometry) + "];\n" + moves;
}

// The stored registers come from %r5..%r8: truncated (.b8 / .b16) or paired (.b64).
std::string storeStatements(Geometry geometry, const Access &access, const std::string &mode) {
  std::string source, moves;
  for (uint32_t i = 0; i < access.vector; ++i) {
    std::string n = std::to_string(i + 1);
    if (access.typeBits <= 16) {
      source += (i ? ", %h" : "%h") + n;
      moves += "  cvt.u16.u32 %h" + n + ", %r" + std::to_string(5 + i) + ";\n";
    } else if (access.typeBits == 32) {
      source += (i ? ", %r" : "%r") + std::to_string(5 + i);
    } else {
      source += (i ? ", %rd" : "%rd") + std::to_string(20 + i);
      moves += "  mov.b64 %rd" + std::to_string(20 + i) + ", {%r" + std::to_string(5 + 2 * i) +
               ", %r" + std::to_string(6 + 2 * i) + "};\n";
    }
  }
  return moves + "  sust.b." + ref::geometryName(geometry) + access.suffix() + "." + mode +
         " [%rd10, " + ref::coordinates(geometry) + "], {" + source + "};\n" +
         "  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n  mov.u32 %r12, 0;\n";
}

// The bytes an access of `access` to register values %r5.. writes: each element's low bits.
Bytes storedBytes(const Access &access, const Operands &row) {
  Bytes data;
  for (uint32_t i = 0; i < access.vector; ++i) {
    if (access.typeBits == 8)
      data.push(uint8_t(row[4 + i]));
    else if (access.typeBits == 16)
      data.push(uint16_t(row[4 + i]));
    else if (access.typeBits == 32)
      data.push(row[4 + i]);
    else
      data.push(uint64_t(row[4 + 2 * i]) | uint64_t(row[5 + 2 * i]) << 32);
  }
  return data;
}

void checkLoad(Geometry geometry, const Access &access, const std::string &mode,
               std::mt19937_64 &random) {
  ImageObject object{true, surfaceImage(geometry, access.bytes(), random), Sampler{}};
  std::vector<Operands> rows;
  for (int i = 0; i < 48; ++i)
    rows.push_back(position(object.image, access.bytes(), mode != "trap", random));
  std::string statements = loadStatements(geometry, access, mode);
  Bytes out = runOk(imageLaunch(imageKernel(statements, 1, false), rows, {object}));
  for (size_t t = 0; t < rows.size(); ++t) {
    std::optional<size_t> at =
        target(object.image, geometry, rows[t], access.bytes(), mode == "clamp");
    Bytes expected(16);
    for (uint32_t i = 0; at && i < access.vector; ++i) {
      size_t element = *at + i * access.typeBits / 8;
      if (access.typeBits == 8)
        expected.set<uint32_t>(4 * i, object.image.texels.at<uint8_t>(element));
      else if (access.typeBits == 16)
        expected.set<uint32_t>(4 * i, object.image.texels.at<uint16_t>(element));
      else if (access.typeBits == 32)
        expected.set<uint32_t>(4 * i, object.image.texels.at<uint32_t>(element));
      else
        expected.set<uint64_t>(8 * i, object.image.texels.at<uint64_t>(element));
    }
    Results actual = resultAt(out, t);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(actual[i], expected.at<uint32_t>(4 * i))
          << statements << " at {" << int32_t(rows[t][0]) << ", " << int32_t(rows[t][1]) << ", "
          << int32_t(rows[t][2]) << ", layer " << rows[t][3] << "}, word " << i;
  }
}

void checkStore(Geometry geometry, const Access &access, const std::string &mode,
                std::mt19937_64 &random) {
  ImageObject object{true, surfaceImage(geometry, access.bytes(), random), Sampler{}};
  // Threads store to distinct places (after clamping), so the result does not depend on order.
  std::vector<Operands> rows;
  std::set<size_t> taken;
  Image expected = object.image;
  for (int attempt = 0; attempt < 200 && rows.size() < 32; ++attempt) {
    Operands row = position(object.image, access.bytes(), mode != "trap", random);
    for (int i = 4; i < 8; ++i)
      row[i] = uint32_t(random());
    std::optional<size_t> at = target(object.image, geometry, row, access.bytes(), mode == "clamp");
    if (at && !taken.insert(*at).second)
      continue;
    rows.push_back(row);
    if (at) {
      Bytes data = storedBytes(access, row);
      std::memcpy(expected.texels.data() + *at, data.data(), data.size());
    }
  }
  std::string statements = storeStatements(geometry, access, mode);
  std::vector<Bytes> images;
  runOk(imageLaunch(imageKernel(statements, 1, false), rows, {object}), images);
  for (size_t i = 0; i < expected.texels.size(); ++i)
    if (images[0].at<uint8_t>(i) != expected.texels.at<uint8_t>(i)) {
      ADD_FAILURE() << statements << ": surface byte " << i << " is "
                    << int(images[0].at<uint8_t>(i)) << ", expected "
                    << int(expected.texels.at<uint8_t>(i));
      break;
    }
}

constexpr Geometry kGeometries[] = {Geometry::D1, Geometry::D2, Geometry::D3, Geometry::A1,
                                    Geometry::A2};

PTX_CASE(SurfaceAccess, LoadEveryGeometryTypeAndMode) {
  std::mt19937_64 random = randomFor("SurfaceAccess.LoadEveryGeometryTypeAndMode");
  for (Geometry geometry : kGeometries)
    for (const Access &access : accesses())
      for (const char *mode : {"trap", "clamp", "zero"})
        checkLoad(geometry, access, mode, random);
}

PTX_CASE(SurfaceAccess, StoreEveryGeometryTypeAndMode) {
  std::mt19937_64 random = randomFor("SurfaceAccess.StoreEveryGeometryTypeAndMode");
  for (Geometry geometry : kGeometries)
    for (const Access &access : accesses())
      for (const char *mode : {"trap", "clamp", "zero"})
        checkStore(geometry, access, mode, random);
}

// Cache operators only steer caches: .ca / .cg / .cs / .cv loads and .wb / .cg / .cs / .wt
// stores access the surface as plain ones do.
PTX_CASE(SurfaceAccess, CacheOperators) {
  std::mt19937_64 random = randomFor("SurfaceAccess.CacheOperators");
  ImageObject object{true, surfaceImage(Geometry::D2, 4, random), Sampler{}};
  std::vector<Operands> rows;
  for (uint32_t t = 0; t < 24; ++t)
    rows.push_back(Operands{t % 6 * 4, t / 6, 0, 0, t * 7919u, 0, 0, 0});
  std::string body;
  for (const char *load : {"ca", "cg", "cs", "cv"})
    body += std::string("  suld.b.2d.") + load + ".b32.trap {%r9}, [%rd10, {%r1, %r2}];\n";
  for (const char *store : {"wb", "cg", "cs", "wt"})
    body += std::string("  sust.b.2d.") + store + ".b32.trap [%rd10, {%r1, %r2}], %r5;\n";
  body += "  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n  mov.u32 %r12, 0;\n";
  std::vector<Bytes> images;
  Bytes out = runOk(imageLaunch(imageKernel(body, 1, false), rows, {object}), images);
  for (uint32_t t = 0; t < 24; ++t) {
    EXPECT_EQ(resultAt(out, t)[0], object.image.texels.at<uint32_t>(t * 4));
    EXPECT_EQ(images[0].at<uint32_t>(t * 4), t * 7919u);
  }
}

// An access outside the surface under .trap ends the launch with an error.
PTX_CASE(SurfaceAccess, TrapOutOfRange) {
  std::mt19937_64 random = randomFor("SurfaceAccess.TrapOutOfRange");
  for (Geometry geometry : kGeometries)
    for (bool load : {true, false}) {
      Access access{32, 1};
      ImageObject object{true, surfaceImage(geometry, 4, random), Sampler{}};
      Operands row{};
      // Just past the end of the first row: one element beyond the surface's width.
      row[0] = object.image.width * 4;
      std::string statements = load ? loadStatements(geometry, access, "trap")
                                    : storeStatements(geometry, access, "trap");
      Outcome outcome = run(imageLaunch(imageKernel(statements, 1, false), {row}, {object}));
      EXPECT_TRUE(outcome.loaded) << outcome.message;
      EXPECT_FALSE(outcome.launched) << statements;
    }
}

// The access syntax lists .v4 with .b64, but PTX vectors cannot exceed 128 bits (PTX ISA
// "Vectors"; ptxas refuses suld / sust .v4.b64 for every target): the module does not load, and
// the diagnostic says why.
PTX_CASE(SurfaceAccess, VectorsWiderThan128BitsRejected) {
  std::mt19937_64 random = randomFor("SurfaceAccess.VectorsWiderThan128BitsRejected");
  for (bool load : {true, false}) {
    ImageObject object{true, surfaceImage(Geometry::D1, 16, random), Sampler{}};
    std::string statements =
        load ? "  suld.b.1d.v4.b64.trap {%rd20, %rd21, %rd22, %rd23}, [%rd10, {%r1}];\n"
             : "  sust.b.1d.v4.b64.trap [%rd10, {%r1}], {%rd20, %rd21, %rd22, %rd23};\n";
    statements += "  mov.u32 %r9, 0;\n  mov.u32 %r10, 0;\n  mov.u32 %r11, 0;\n  mov.u32 %r12, 0;\n";
    Launch launch = imageLaunch(imageKernel(statements, 1, false), {Operands{}}, {object});
    launch.ptx = invalidOnPurpose(launch.ptx);
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << statements;
    // cuport names the instruction; NVIDIA's JIT log says the vector exceeds 128 bits.
    EXPECT_TRUE(outcome.message.find(load ? "suld" : "sust") != std::string::npos ||
                outcome.message.find("128 bit") != std::string::npos)
        << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
