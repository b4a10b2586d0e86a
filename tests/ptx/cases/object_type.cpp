// istypep.{texref,surfref,samplerref} on 64-bit handles: a texture object's handle is a .texref,
// a surface object's a .surfref; objects carry their own sampler (unified texture mode), so no
// handle is a .samplerref; zero, a global address and arbitrary values are none of them.
#include "tests/ptx/cases/image_cases.h"

namespace cuport::conformance {
namespace {

PTX_CASE(ObjectType, TexturesSurfacesAndOtherValues) {
  ImageObject texture;
  texture.image.width = 4;
  texture.image.texels = Bytes(texture.image.bytes());
  ImageObject surface = texture;
  surface.surface = true;
  // Handles tested per thread: 0 the texture, 1 the surface, 2 zero, 3 the `in` pointer,
  // 4 and 5 arbitrary values (one odd).
  std::string body = R"(
  mov.u64 %rd20, %rd10;
  setp.eq.u32 %p1, %r1, 1;
  selp.b64 %rd20, %rd11, %rd20, %p1;
  setp.eq.u32 %p1, %r1, 2;
  selp.b64 %rd20, 0, %rd20, %p1;
  setp.eq.u32 %p1, %r1, 3;
  selp.b64 %rd20, %rd1, %rd20, %p1;
  setp.eq.u32 %p1, %r1, 4;
  selp.b64 %rd20, 0x123456789a0, %rd20, %p1;
  setp.eq.u32 %p1, %r1, 5;
  selp.b64 %rd20, 0xfffffffffffffff7, %rd20, %p1;
  istypep.texref %p2, %rd20;
  istypep.surfref %p3, %rd20;
  istypep.samplerref %p4, %rd20;
  selp.u32 %r9, 1, 0, %p2;
  selp.u32 %r10, 1, 0, %p3;
  selp.u32 %r11, 1, 0, %p4;
  mov.u32 %r12, 0;
)";
  std::vector<Operands> rows;
  for (uint32_t i = 0; i < 6; ++i)
    rows.push_back(Operands{i});
  Bytes out = runOk(imageLaunch(imageKernel(body, 2, false), rows, {texture, surface}));
  for (uint32_t i = 0; i < 6; ++i) {
    Results result = resultAt(out, i);
    EXPECT_EQ(result[0], i == 0 ? 1u : 0u) << "istypep.texref, handle " << i;
    EXPECT_EQ(result[1], i == 1 ? 1u : 0u) << "istypep.surfref, handle " << i;
    EXPECT_EQ(result[2], 0u) << "istypep.samplerref, handle " << i;
  }
}

} // namespace
} // namespace cuport::conformance
