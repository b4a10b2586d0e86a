// tld4.{r,g,b,a}.2d: the four texels of the bilinear footprint, one component each,
// counter-clockwise from the lower left, over float images (.f32), normalized integer reads (.f32)
// and integer element reads (.s32 / .u32), under every address mode.
#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/texture_reference.h"

namespace cuport::conformance {
namespace {

namespace ref = texture_reference;

struct GatherFormat {
  ChannelKind kind;
  uint32_t channels, bits;
  bool normalizedRead;
  const char *type; // the destination type
};

void checkGather(const GatherFormat &format, const Sampler &sampler, std::mt19937_64 &random) {
  Image image = randomImage(format.kind, format.channels, format.bits, 8, 4, 0, random);
  Sampler withRead = sampler;
  withRead.normalizedRead = format.normalizedRead;
  ImageObject object{false, image, withRead};
  bool integerResults = std::string(format.type) != "f32";
  std::vector<Operands> rows;
  bool wide = sampler.address[0] == AddressMode::Wrap || sampler.address[0] == AddressMode::Mirror;
  for (int i = 0; i < 64; ++i) {
    Operands row{};
    for (int d = 0; d < 2; ++d) {
      int64_t size = d ? 4 : 8;
      int64_t span = wide ? 3 * size : size + 4;
      int64_t first = wide ? -size : -2;
      // 1/64 of a texel away from where the footprint moves (texel centres).
      double position =
          double(first + int64_t(random() % uint64_t(span))) + 0.5 + double(1 + random() % 62) / 64;
      row[d] = floatBits(float(sampler.normalizedCoords ? position / double(size) : position));
    }
    rows.push_back(row);
  }
  for (int component = 0; component < 4; ++component) {
    std::string statement =
        std::string("  tld4.") + "rgba"[component] + ".2d.v4." + format.type + ".f32 " +
        (integerResults ? "{%r9, %r10, %r11, %r12}" : "{%f9, %f10, %f11, %f12}") +
        ", [%rd10, {%f1, %f2}];";
    Launch launch = imageLaunch(imageKernel(statement, 1, !integerResults), rows, {object});
    Bytes out = runOk(launch);
    int failures = 0;
    for (size_t row = 0; row < rows.size(); ++row) {
      float x[2] = {bitsFloat(rows[row][0]), bitsFloat(rows[row][1])};
      ref::Texel expected = ref::gather(object, x, component);
      Results actual = resultAt(out, row);
      for (int k = 0; k < 4; ++k) {
        bool ok =
            integerResults ? actual[k] == expected.i[k] : closeFloat(actual[k], expected.f[k]);
        if (!ok && failures++ < 8)
          ADD_FAILURE() << statement << " at (" << x[0] << ", " << x[1] << "): texel " << k
                        << " is " << std::hex << actual[k] << ", expected "
                        << (integerResults ? expected.i[k] : floatBits(expected.f[k]));
      }
    }
  }
}

PTX_CASE(TextureGather, EveryComponentAndAddressMode) {
  std::mt19937_64 random = randomFor("TextureGather.EveryComponentAndAddressMode");
  static const GatherFormat kFormats[] = {
      {ChannelKind::Float, 4, 32, false, "f32"},   {ChannelKind::Unsigned, 4, 8, true, "f32"},
      {ChannelKind::Unsigned, 4, 8, false, "u32"}, {ChannelKind::Signed, 2, 16, false, "s32"},
      {ChannelKind::Float, 1, 16, false, "f32"},
  };
  for (const GatherFormat &format : kFormats)
    for (int mode = 0; mode < 6; ++mode) {
      Sampler sampler;
      static const AddressMode kModes[] = {AddressMode::Clamp, AddressMode::Border,
                                           AddressMode::Wrap,  AddressMode::Mirror,
                                           AddressMode::Clamp, AddressMode::Border};
      sampler.address[0] = sampler.address[1] = kModes[mode];
      sampler.normalizedCoords = mode >= 2;
      if (format.kind == ChannelKind::Float || format.normalizedRead) {
        sampler.border[0] = 0.25f;
        sampler.border[1] = -4.0f;
        sampler.border[2] = 1.5f;
        sampler.border[3] = 0.75f;
      }
      checkGather(format, sampler, random);
    }
}

} // namespace
} // namespace cuport::conformance
