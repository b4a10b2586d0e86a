// The kernel texture and surface cases share: thread t (of a 1D grid) loads eight b32 operands from
// in[32 t ...] into %r1..%r8 (and the same bits into %f1..%f8), runs the statements under test with
// the object handles in %rd10, %rd11, ..., and stores the four b32 results it leaves in
// %r9..%r12 (float results go through %f9..%f12, copied to them) to out[16 t ...].
#pragma once

#include "tests/ptx/conformance.h"

#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace cuport::conformance {

using Operands = std::array<uint32_t, 8>;
using Results = std::array<uint32_t, 4>;

inline uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

inline float bitsFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

// The module: `body` sees the operands, the handles and the destination registers above;
// `floatResults` copies %f9..%f12 into %r9..%r12 after it.
inline std::string imageKernel(const std::string &body, size_t objects, bool floatResults,
                               unsigned sm = 75, const std::string &version = "8.0") {
  std::string parameters = ".param .u64 in, .param .u64 out";
  std::string loads;
  for (size_t i = 0; i < objects; ++i) {
    parameters += ", .param .u64 object" + std::to_string(i);
    loads +=
        "  ld.param.u64 %rd" + std::to_string(10 + i) + ", [object" + std::to_string(i) + "];\n";
  }
  std::string copies;
  for (int i = 1; i <= 8; ++i)
    copies += "  mov.b32 %f" + std::to_string(i) + ", %r" + std::to_string(i) + ";\n";
  std::string results;
  if (floatResults)
    for (int i = 9; i <= 12; ++i)
      results += "  mov.b32 %r" + std::to_string(i) + ", %f" + std::to_string(i) + ";\n";
  return header(sm, version) + ".visible .entry test(" + parameters + R"()
{
  .reg .b32 %r<32>;
  .reg .f32 %f<32>;
  .reg .b64 %rd<32>;
  .reg .b16 %h<16>;
  .reg .pred %p<8>;
  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
)" + loads +
         R"(  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r20, %ctaid.x;
  mov.u32 %r21, %ntid.x;
  mov.u32 %r22, %tid.x;
  mad.lo.u32 %r0, %r20, %r21, %r22;
  mul.wide.u32 %rd3, %r0, 32;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.v4.b32 {%r1, %r2, %r3, %r4}, [%rd4];
  ld.global.v4.b32 {%r5, %r6, %r7, %r8}, [%rd4+16];
)" + copies +
         body + "\n" + results + R"(  mul.wide.u32 %rd5, %r0, 16;
  add.s64 %rd6, %rd2, %rd5;
  st.global.v4.b32 [%rd6], {%r9, %r10, %r11, %r12};
  ret;
}
)";
}

// A launch of imageKernel over `rows`, one thread each, in equal blocks of up to 128 threads.
inline Launch imageLaunch(const std::string &module, const std::vector<Operands> &rows,
                          std::vector<ImageObject> objects) {
  Launch launch;
  launch.ptx = module;
  uint32_t threads = uint32_t(rows.size());
  launch.block.x = threads < 128 ? threads : 128;
  while (threads % launch.block.x)
    --launch.block.x;
  launch.grid.x = threads / launch.block.x;
  for (const Operands &row : rows)
    for (uint32_t value : row)
      launch.in.push(value);
  launch.outSize = size_t(launch.grid.x) * launch.block.x * 16;
  launch.objects = std::move(objects);
  return launch;
}

inline Results resultAt(const Bytes &out, size_t row) {
  Results results;
  for (size_t i = 0; i < 4; ++i)
    results[i] = out.at<uint32_t>(row * 16 + i * 4);
  return results;
}

// An image of the given format and extent (see Image) with random elements: float channels hold
// multiples of 1/4 in [-64, 64), half channels a mix of ordinary values, subnormals and extremes,
// integer channels random bits.
inline Image randomImage(ChannelKind kind, uint32_t channels, uint32_t channelBits, uint32_t width,
                         uint32_t height, uint32_t depth, std::mt19937_64 &random) {
  Image image;
  image.kind = kind;
  image.channels = channels;
  image.channelBits = channelBits;
  image.width = width;
  image.height = height;
  image.depth = depth;
  static constexpr uint16_t kHalves[] = {0x0000, 0x8000, 0x0001, 0x83ff, 0x3c00, 0xbc00,
                                         0x7bff, 0xfbff, 0x3555, 0x4b80, 0xc900, 0x0400};
  size_t values = image.bytes() / (channelBits / 8);
  for (size_t i = 0; i < values; ++i) {
    uint64_t bits = random();
    if (kind == ChannelKind::Float && channelBits == 32)
      image.texels.push(float(int64_t(bits % 512) - 256) / 4);
    else if (kind == ChannelKind::Float)
      image.texels.push(i % 3 ? uint16_t(bits % 0x7800 | (bits >> 40 & 0x8000))
                              : kHalves[bits % std::size(kHalves)]);
    else if (channelBits == 8)
      image.texels.push(uint8_t(bits));
    else if (channelBits == 16)
      image.texels.push(uint16_t(bits));
    else
      image.texels.push(uint32_t(bits));
  }
  return image;
}

// Whether a float result matches the reference: filtered values may differ in the last bits of
// their terms (up to 64 in magnitude) with the order the hardware sums them in; a wrong texel or
// a weight one 1/256 step off is far off.
inline bool closeFloat(uint32_t actual, float expected) {
  float value = bitsFloat(actual);
  if (std::isnan(expected))
    return std::isnan(value);
  if (std::isinf(expected))
    return value == expected;
  return std::fabs(value - expected) <= 4e-5f + 1e-6f * std::fabs(expected);
}

} // namespace cuport::conformance
