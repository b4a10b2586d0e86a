// The PTX conformance suite's case API. A case runs a small PTX kernel through a driver (cuport's
// compiler and CPU backend, or a real CUDA driver to confirm the expected values) and compares
// what it wrote with an independent host reference written from the PTX ISA text.
//
// Every kernel has the same signature, so the same case runs on every driver:
//   .visible .entry test(.param .u64 in, .param .u64 out)
// `in` and `out` are global pointers to the case's input and output buffers. A case that samples
// textures or accesses surfaces describes them in `Launch::objects`; their 64-bit handles follow as
// `.param .u64 object0, .param .u64 object1, ...`.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

namespace cuport::conformance {

struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
};

// A byte buffer written and read as packed little-endian values.
class Bytes {
public:
  Bytes() = default;
  explicit Bytes(size_t size) : data_(size) {}

  template <typename T> Bytes &push(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    size_t offset = data_.size();
    data_.resize(offset + sizeof(T));
    std::memcpy(data_.data() + offset, &value, sizeof(T));
    return *this;
  }
  // The value at byte offset `offset`.
  template <typename T> T at(size_t offset) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    return value;
  }
  template <typename T> void set(size_t offset, T value) {
    std::memcpy(data_.data() + offset, &value, sizeof(T));
  }
  size_t size() const { return data_.size(); }
  uint8_t *data() { return data_.data(); }
  const uint8_t *data() const { return data_.data(); }
  void resize(size_t size) { data_.resize(size); }

private:
  std::vector<uint8_t> data_;
};

// Channel kinds and address modes: the values of cudaChannelFormatKind and
// cudaTextureAddressMode.
enum class ChannelKind : uint32_t { Signed = 0, Unsigned = 1, Float = 2 };
enum class AddressMode : uint32_t { Wrap = 0, Clamp = 1, Mirror = 2, Border = 3 };

// What an object's image lives in: a CUDA array, linear memory (a 1D texture read by
// tex1Dfetch) or pitched linear memory (a 2D texture).
enum class Resource { Array, Linear, Pitch2D };

// The image behind a texture or surface object.
struct Image {
  Resource resource = Resource::Array;
  uint32_t channels = 1;     // 1, 2 or 4
  uint32_t channelBits = 32; // 8, 16 or 32; 16-bit float channels are halves
  ChannelKind kind = ChannelKind::Float;
  // A UNORM / SNORM format (8- or 16-bit Unsigned / Signed channels: the CUDA kinds
  // {Uns|S}ignedNormalized{8|16}X{1|2|4}): textures read it as normalized floats whatever the
  // sampler's read mode, and sust.p stores f32 values into it.
  bool normalizedFormat = false;
  // The extent as cudaMalloc3DArray takes it: height and depth 0 where the dimension is absent.
  // A layered array's depth is its layer count; a cubemap is square with depth 6 (6 * cubemaps
  // when also layered).
  uint32_t width = 1, height = 0, depth = 0;
  bool layered = false, cubemap = false;
  uint32_t pitch = 0; // Pitch2D: bytes from one row to the next (a multiple of 128)
  // The elements, packed without padding: element (x, y, z) starts at byte
  // ((z * rows + y) * width + x) * elementBytes(), the layer or face being z.
  Bytes texels;

  // A mipmapped array when nonzero (Resource::Array): `levels` images, level l halving level 0's
  // spatial extent (floor, at least 1; layers and cubemap faces stay), packed in `texels` one
  // after another, level 0 first.
  uint32_t levels = 0;

  uint32_t elementBytes() const { return channels * channelBits / 8; }
  uint32_t rows() const { return height ? height : 1; }
  uint32_t slices() const { return depth ? depth : 1; }
  // Every level's bytes.
  size_t bytes() const {
    size_t total = 0;
    for (uint32_t l = 0; l < (levels ? levels : 1); ++l)
      total += level(l).levelBytes();
    return total;
  }
  // Level l's extent as an image of its own (no levels, no texels).
  Image level(uint32_t l) const {
    Image image;
    image.resource = resource;
    image.channels = channels;
    image.channelBits = channelBits;
    image.kind = kind;
    image.normalizedFormat = normalizedFormat;
    image.layered = layered;
    image.cubemap = cubemap;
    image.pitch = pitch;
    auto shrink = [l](uint32_t size) { return size == 0 ? 0u : std::max(size >> l, 1u); };
    image.width = shrink(width);
    image.height = shrink(height);
    image.depth = layered || cubemap ? depth : shrink(depth);
    return image;
  }
  // Where level l starts in `texels`.
  size_t levelOffset(uint32_t l) const {
    size_t offset = 0;
    for (uint32_t i = 0; i < l; ++i)
      offset += level(i).levelBytes();
    return offset;
  }

private:
  size_t levelBytes() const { return size_t(elementBytes()) * width * rows() * slices(); }
};

// How a texture object samples its image (cudaTextureDesc).
struct Sampler {
  AddressMode address[3] = {AddressMode::Clamp, AddressMode::Clamp, AddressMode::Clamp};
  bool linearFilter = false;
  bool normalizedRead = false; // cudaReadModeNormalizedFloat (8- and 16-bit integer channels)
  bool normalizedCoords = false;
  float border[4] = {0, 0, 0, 0};
  // Mipmapped images only (cudaTextureDesc's mipmap fields).
  bool mipmapLinearFilter = false;
  float levelBias = 0, minLevelClamp = 0, maxLevelClamp = 0;
};

// A resource view of a texture over an array or mipmapped array (cudaResourceViewDesc /
// CUDA_RESOURCE_VIEW_DESC): the format (a cudaResourceViewFormat value, equal to its
// CUresourceViewFormat; 0 keeps the image's), the extent (the image's, four times its width and
// height for block-compressed formats) and the levels and layers (faces of a cubemap array) kept.
struct ImageView {
  uint32_t format = 0;
  uint32_t width = 0, height = 0, depth = 0;
  uint32_t firstLevel = 0, lastLevel = 0, firstLayer = 0, lastLayer = 0;

  // cudaResViewFormatUnsignedBlockCompressed1 .. cudaResViewFormatUnsignedBlockCompressed7.
  bool blockCompressed() const { return format >= 0x19 && format <= 0x22; }
  // Whether texels read through the view are integers unless normalized (else floats): the
  // integer formats, UnsignedChar1 .. SignedInt4; block-compressed texels are normalized.
  bool integerFormat() const { return format >= 0x01 && format <= 0x12; }
};

// A texture object (an image and its sampler) or a surface object (an array image).
struct ImageObject {
  bool surface = false;
  Image image;
  Sampler sampler;                              // textures only
  std::optional<ImageView> view = std::nullopt; // textures over arrays only
};

// One launch of a case's kernel.
struct Launch {
  std::string ptx;            // the whole module: .version, .target, .address_size, the kernel
  std::string entry = "test"; // the kernel to launch
  Dim3 grid, block;
  uint32_t dynamicShared = 0;
  Bytes in;                         // copied to the device buffer `in` points at
  size_t outSize = 0;               // bytes of the device buffer `out` points at, zero-filled first
  std::vector<ImageObject> objects; // created before the launch, handles passed as parameters
};

// What came back: the output buffer, or why the module did not load or the launch failed.
struct Outcome {
  bool loaded = false;   // the module loaded (parsed, lowered, compiled)
  bool launched = false; // the launch and the synchronization after it succeeded
  int error = 0;         // the driver's error code when one failed (CUresult / cudaError_t value)
  std::string message;   // the driver's diagnostic
  Bytes out;
  std::vector<Bytes> images; // each object's image after the launch, packed as Image::texels
};

// Runs `launch` on the driver the suite was started with: cuport's CPU backend, or a real
// CUDA driver when CUPORT_PTX_DRIVER=cuda.
Outcome run(const Launch &launch);

// run() that fails the current test (with the driver's message) unless it loaded and launched.
Bytes runOk(const Launch &launch);
// runOk() that also returns the objects' images after the launch (what surface stores wrote).
Bytes runOk(const Launch &launch, std::vector<Bytes> &images);

// Whether the `exhaustive` label asked for every input instead of edge cases and samples
// (CUPORT_PTX_EXHAUSTIVE=1).
bool exhaustive();

// Random samples per operation in the normal run: large enough to find rounding bugs, small
// enough for CI.
inline constexpr size_t kRandomSamples = 1 << 14;

// A generator seeded from the test's name, so a failure reproduces.
std::mt19937_64 randomFor(const std::string &caseName);

// The PTX module header: ".version V\n.target sm_XX\n.address_size 64\n". PTX 8.0 (CUDA 12.0)
// allows every sm_75..sm_90 instruction the suite needs but the newest, so CUDA 12 drivers load it;
// cases of newer instructions pass the version they need.
std::string header(unsigned smTarget = 75, const std::string &version = "8.0");

// Edge values for 32-bit and 64-bit operands: zeros, ones, extremes, sign boundaries; for floats
// also denormals, infinities and NaNs (as bit patterns).
const std::vector<uint32_t> &edgeInts32();
const std::vector<uint64_t> &edgeInts64();
const std::vector<uint32_t> &edgeFloats32();
const std::vector<uint64_t> &edgeFloats64();
const std::vector<uint16_t> &edgeHalves();  // f16 bit patterns
const std::vector<uint16_t> &edgeBfloats(); // bf16 bit patterns

} // namespace cuport::conformance

// A case is a GoogleTest test named Family.Variant in the ptx_conformance binary, e.g.
// PTX_CASE(IntegerAdd, SatS32). docs/ptx-coverage.md names the cases that cover each instruction.
#define PTX_CASE(Family, Variant) TEST(Family, Variant)
