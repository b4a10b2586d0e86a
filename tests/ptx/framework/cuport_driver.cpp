// The default driver: the PTX goes through cuport's parser and lowering, and the kernel IR runs on
// the CPU backend through its C ABI, as the runtime does for a program's fatbinary.
#include "tests/ptx/framework/driver.h"

#include "backends/cpu/cpu_backend.h"
#include "backends/texture_descriptor.h"
#include "compiler/lower/lower.h"
#include "compiler/ptx/parser.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include <cstring>
#include <iterator>
#include <memory>

namespace cuport::conformance {
namespace {

constexpr const char *kFileName = "case.ptx";

int errorFromStatus(cuport_status status) {
  switch (status) {
  case CUPORT_OK:
    return 0;
  case CUPORT_ERROR_INVALID_VALUE:
    return kErrorInvalidValue;
  case CUPORT_ERROR_OUT_OF_MEMORY:
    return kErrorOutOfMemory;
  case CUPORT_ERROR_INVALID_IR:
    return kErrorInvalidPtx;
  case CUPORT_ERROR_NOT_FOUND:
    return kErrorNotFound;
  case CUPORT_ERROR_LAUNCH_OUT_OF_RESOURCES:
    return kErrorLaunchOutOfResources;
  case CUPORT_ERROR_ILLEGAL_ADDRESS:
    return kErrorIllegalAddress;
  case CUPORT_ERROR_ASSERT:
    return kErrorAssert;
  case CUPORT_ERROR_LAUNCH_FAILED:
    return kErrorLaunchFailed;
  case CUPORT_ERROR_NOT_SUPPORTED:
    return kErrorNotSupported;
  case CUPORT_ERROR_MISALIGNED_ADDRESS:
    return kErrorMisalignedAddress;
  case CUPORT_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE:
    return kErrorCooperativeLaunchTooLarge;
  }
  return kErrorUnknown;
}

std::string joinDiagnostics(const std::vector<ptx::Diagnostic> &diagnostics, const char *stage) {
  if (diagnostics.empty())
    return std::string(stage) + " failed without a diagnostic";
  std::string text;
  for (const ptx::Diagnostic &diagnostic : diagnostics)
    text += (text.empty() ? "" : "\n") + diagnostic.format(kFileName);
  return text;
}

// Device memory of the backend, released when the launch is over.
class DeviceBuffer {
public:
  DeviceBuffer(const cuport_backend *backend, size_t bytes) : backend_(backend) {
    // Never zero bytes, so the kernel always gets a valid pointer.
    status_ = backend_->mem_alloc(backend_->self, bytes ? bytes : 1, &memory_);
  }
  ~DeviceBuffer() {
    if (memory_)
      backend_->mem_free(backend_->self, memory_);
  }
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  cuport_status status() const { return status_; }
  void *get() const { return memory_; }

private:
  const cuport_backend *backend_;
  void *memory_ = nullptr;
  cuport_status status_;
};

// The texture and surface objects of a launch as the runtime creates them
// (runtime/core/texture_object.cpp): a cuport_texture_descriptor in host memory, which the CPU
// backend shares with the device, over an image in device memory. The handle is its address.
class ImageObjects {
public:
  ImageObjects(const cuport_backend *backend, const std::vector<ImageObject> &objects)
      : objects_(objects) {
    descriptors_.resize(objects.size());
    levelTables_.resize(objects.size());
    for (size_t i = 0; i < objects.size(); ++i) {
      const Image &image = objects[i].image;
      size_t bytes =
          image.resource == Resource::Pitch2D ? size_t(image.pitch) * image.rows() : image.bytes();
      images_.push_back(std::make_unique<DeviceBuffer>(backend, bytes));
      if (images_.back()->status() != CUPORT_OK)
        return;
      describe(objects[i], reinterpret_cast<uint64_t>(images_.back()->get()), descriptors_[i]);
      describeLevels(objects[i], levelTables_[i], descriptors_[i]);
      copy(i, /*toDevice=*/true, const_cast<uint8_t *>(image.texels.data()));
      if (objects[i].view && !applyView(objects[i], levelTables_[i], descriptors_[i])) {
        unsupported_ = true;
        return;
      }
    }
    ready_ = true;
  }

  bool ready() const { return ready_; }
  // A view in a format this driver does not describe.
  bool unsupported() const { return unsupported_; }
  uint64_t handle(size_t i) const { return reinterpret_cast<uint64_t>(&descriptors_[i]); }
  const cuport_texture_descriptor &descriptor(size_t i) const { return descriptors_[i]; }

  // Each image, packed as Image::texels.
  std::vector<Bytes> read() const {
    std::vector<Bytes> images;
    for (size_t i = 0; i < objects_.size(); ++i) {
      images.emplace_back(objects_[i].image.bytes());
      copy(i, /*toDevice=*/false, images.back().data());
    }
    return images;
  }

private:
  static void describe(const ImageObject &object, uint64_t data, cuport_texture_descriptor &d) {
    const Image &image = object.image;
    d.channels = image.channels;
    d.channel_bits = image.channelBits;
    d.channel_kind = uint32_t(image.kind);
    d.element_bytes = image.elementBytes();
    d.data = data;
    d.width = image.width;
    d.height = image.rows();
    d.depth = image.slices();
    d.layers = 1;
    d.layered = image.layered;
    d.cubemap = image.cubemap;
    if (image.layered || image.cubemap) {
      d.layers = d.depth; // layers (faces) are the slices of a one-slice-deep image
      d.depth = 1;
    }
    d.dimensions = image.height == 0 ? 1 : image.depth == 0 || d.layers > 1 ? 2 : 3;
    d.row_pitch =
        image.resource == Resource::Pitch2D ? image.pitch : uint64_t(image.width) * d.element_bytes;
    d.slice_pitch = d.row_pitch * d.height;
    const Sampler &sampler = object.sampler;
    for (int i = 0; i < 3; ++i)
      d.address_mode[i] = uint32_t(sampler.address[i]);
    bool integer = image.kind != ChannelKind::Float;
    d.linear_filter = sampler.linearFilter;
    d.normalized_read = (sampler.normalizedRead && integer) || image.normalizedFormat;
    d.normalized_format = image.normalizedFormat;
    d.normalized_coords = sampler.normalizedCoords;
    for (int i = 0; i < 4; ++i)
      d.border_color[i] = sampler.border[i];
    if (image.resource == Resource::Linear) // tex1Dfetch reads zero outside linear memory
      for (int i = 0; i < 4; ++i) {
        d.address_mode[i % 3] = CUPORT_ADDRESS_BORDER;
        d.border_color[i] = 0;
      }
    d.magic = object.surface ? CUPORT_SURFACE_MAGIC : CUPORT_TEXTURE_MAGIC;
  }

  // A mipmapped image's levels, packed one after another in its buffer as in Image::texels
  // (runtime/core/texture_object.cpp gives each level an array of its own: the same layout).
  static void describeLevels(const ImageObject &object, std::vector<cuport_texture_level> &table,
                             cuport_texture_descriptor &d) {
    const Image &image = object.image;
    if (image.levels == 0)
      return;
    for (uint32_t l = 0; l < image.levels; ++l) {
      Image level = image.level(l);
      cuport_texture_level entry{};
      entry.data = d.data + image.levelOffset(l);
      entry.width = level.width;
      entry.height = level.rows();
      entry.depth = d.layered || d.cubemap ? 1 : level.slices();
      entry.row_pitch = uint64_t(level.width) * d.element_bytes;
      entry.slice_pitch = entry.row_pitch * entry.height;
      table.push_back(entry);
    }
    d.levels = image.levels;
    d.level_table = reinterpret_cast<uint64_t>(table.data());
    const Sampler &sampler = object.sampler;
    d.mipmap_linear_filter = sampler.mipmapLinearFilter;
    d.level_bias = sampler.levelBias;
    d.min_level_clamp = sampler.minLevelClamp;
    d.max_level_clamp = sampler.maxLevelClamp;
  }

  // A resource view, as runtime/core/texture_view.cpp applies one to a valid view: its format
  // (block-compressed ones read each element as a 4x4 block of normalized texels), its first
  // level as level 0 and its first layer as layer 0. False for a format it does not know.
  static bool applyView(const ImageObject &object, std::vector<cuport_texture_level> &table,
                        cuport_texture_descriptor &d) {
    const ImageView &view = *object.view;
    if (view.blockCompressed()) {
      static constexpr uint32_t kBlocks[] = {
          CUPORT_BLOCK_BC1,         CUPORT_BLOCK_BC2, CUPORT_BLOCK_BC3,        CUPORT_BLOCK_BC4,
          CUPORT_BLOCK_BC4_SIGNED,  CUPORT_BLOCK_BC5, CUPORT_BLOCK_BC5_SIGNED, CUPORT_BLOCK_BC6H,
          CUPORT_BLOCK_BC6H_SIGNED, CUPORT_BLOCK_BC7};
      static constexpr uint32_t kChannels[] = {4, 4, 4, 1, 1, 2, 2, 3, 3, 4};
      uint32_t format = view.format - 0x19;
      if (format >= std::size(kBlocks))
        return false;
      d.block_format = kBlocks[format];
      d.channels = kChannels[format];
      bool halves =
          d.block_format == CUPORT_BLOCK_BC6H || d.block_format == CUPORT_BLOCK_BC6H_SIGNED;
      d.channel_bits = halves ? 16 : 8;
      d.channel_kind =
          halves ? CUPORT_CHANNEL_FLOAT
          : d.block_format == CUPORT_BLOCK_BC4_SIGNED || d.block_format == CUPORT_BLOCK_BC5_SIGNED
              ? CUPORT_CHANNEL_SIGNED
              : CUPORT_CHANNEL_UNSIGNED;
      d.normalized_read = 1;
      d.normalized_format = halves ? 0 : 1;
      uint64_t heightScale = d.dimensions > 1 ? 4 : 1;
      d.width *= 4;
      d.height *= heightScale;
      for (cuport_texture_level &level : table) {
        level.width *= 4;
        level.height *= heightScale;
      }
    } else if (view.format) {
      // Groups of three channel counts (1, 2, 4): unsigned / signed char, short and int, half,
      // float.
      static constexpr uint32_t kBits[] = {8, 8, 16, 16, 32, 32, 16, 32};
      static constexpr uint32_t kKinds[] = {CUPORT_CHANNEL_UNSIGNED, CUPORT_CHANNEL_SIGNED,
                                            CUPORT_CHANNEL_UNSIGNED, CUPORT_CHANNEL_SIGNED,
                                            CUPORT_CHANNEL_UNSIGNED, CUPORT_CHANNEL_SIGNED,
                                            CUPORT_CHANNEL_FLOAT,    CUPORT_CHANNEL_FLOAT};
      static constexpr uint32_t kChannels[] = {1, 2, 4};
      uint32_t format = view.format - 1;
      d.channels = kChannels[format % 3];
      d.channel_bits = kBits[format / 3];
      d.channel_kind = kKinds[format / 3];
      d.normalized_format = 0;
      d.normalized_read = object.sampler.normalizedRead && d.channel_kind != CUPORT_CHANNEL_FLOAT;
    }
    if (d.layered) {
      d.layers = view.lastLayer - view.firstLayer + 1;
      d.data += view.firstLayer * d.slice_pitch;
      for (cuport_texture_level &level : table)
        level.data += view.firstLayer * level.slice_pitch;
    }
    if (d.levels) {
      table.erase(table.begin() + view.lastLevel + 1, table.end());
      table.erase(table.begin(), table.begin() + view.firstLevel);
      const cuport_texture_level &first = table.front();
      d.data = first.data;
      d.width = first.width;
      d.height = first.height;
      d.depth = first.depth;
      d.row_pitch = first.row_pitch;
      d.slice_pitch = first.slice_pitch;
      d.levels = uint32_t(table.size());
      d.level_table = reinterpret_cast<uint64_t>(table.data());
    }
    return true;
  }

  // Copies object i's image between `packed` (Image::texels' layout) and device memory, row by
  // row: pitched images have padding after each row. Mipmapped images are packed on both sides.
  // The storage is the buffer's, whatever part of it a view samples.
  void copy(size_t i, bool toDevice, uint8_t *packed) const {
    const Image &image = objects_[i].image;
    const cuport_texture_descriptor &d = descriptors_[i];
    if (image.levels) {
      auto *device = static_cast<uint8_t *>(images_[i]->get());
      if (toDevice)
        std::memcpy(device, packed, image.bytes());
      else
        std::memcpy(packed, device, image.bytes());
      return;
    }
    size_t rowBytes = size_t(image.width) * image.elementBytes();
    auto *device = static_cast<uint8_t *>(images_[i]->get());
    for (size_t row = 0; row < size_t(image.rows()) * image.slices(); ++row) {
      uint8_t *host = packed + row * rowBytes;
      uint8_t *memory = device + row * d.row_pitch;
      if (toDevice)
        std::memcpy(memory, host, rowBytes);
      else
        std::memcpy(host, memory, rowBytes);
    }
  }

  const std::vector<ImageObject> &objects_;
  std::vector<std::unique_ptr<DeviceBuffer>> images_;
  std::vector<cuport_texture_descriptor> descriptors_;
  std::vector<std::vector<cuport_texture_level>> levelTables_;
  bool ready_ = false;
  bool unsupported_ = false;
};

class CuportDriver : public Driver {
public:
  CuportDriver() : backend_(cuport_cpu_backend_create()) {}
  // The backend stays for the whole process: its worker pool is meant to persist.

  std::string describe() override { return "cuport CPU backend"; }

  Outcome run(const Launch &launch, const std::vector<std::string> &references) override {
    Outcome outcome;
    std::vector<char> bitcode;
    if (!compile(launch.ptx, bitcode, outcome))
      return outcome;

    char message[4096] = {};
    cuport_backend_module *module = nullptr;
    cuport_status status =
        backend_->module_load(backend_->self, bitcode.data(), bitcode.size(), &module,
                              cuport_error_buffer{message, sizeof message});
    if (status != CUPORT_OK)
      return fail(outcome, status, message);
    outcome.loaded = true;
    launchKernel(launch, references, module, outcome);
    backend_->module_unload(backend_->self, module);
    return outcome;
  }

private:
  static Outcome &fail(Outcome &outcome, cuport_status status, const std::string &message) {
    outcome.error = errorFromStatus(status);
    outcome.message = message;
    return outcome;
  }

  static bool compile(const std::string &ptxText, std::vector<char> &bitcode, Outcome &outcome) {
    ptx::ParseResult parsed = ptx::parseModule(ptxText);
    if (!parsed.module) {
      outcome.error = kErrorInvalidPtx;
      outcome.message = joinDiagnostics(parsed.diagnostics, "parsing");
      return false;
    }
    llvm::LLVMContext context;
    lower::LowerResult lowered = lower::lowerModule(*parsed.module, context, "case");
    if (!lowered.lowered) {
      outcome.error = kErrorInvalidPtx;
      outcome.message = joinDiagnostics(lowered.diagnostics, "lowering");
      return false;
    }
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream stream(buffer);
    llvm::WriteBitcodeToFile(*lowered.lowered->module, stream);
    bitcode.assign(buffer.begin(), buffer.end());
    return true;
  }

  void launchKernel(const Launch &launch, const std::vector<std::string> &references,
                    cuport_backend_module *module, Outcome &outcome) {
    char message[4096] = {};
    cuport_backend_kernel *kernel = nullptr;
    cuport_status status =
        backend_->module_get_kernel(backend_->self, module, launch.entry.c_str(), &kernel);
    if (status != CUPORT_OK) {
      fail(outcome, status, "no kernel named " + launch.entry);
      return;
    }
    DeviceBuffer in(backend_, launch.in.size());
    DeviceBuffer out(backend_, launch.outSize);
    ImageObjects objects(backend_, launch.objects);
    if (objects.unsupported()) {
      fail(outcome, CUPORT_ERROR_NOT_SUPPORTED, "a texture view in a format not described");
      return;
    }
    if (in.status() != CUPORT_OK || out.status() != CUPORT_OK || !objects.ready()) {
      fail(outcome, CUPORT_ERROR_OUT_OF_MEMORY, "cannot allocate the case's buffers");
      return;
    }
    if (launch.in.size())
      backend_->memcpy(backend_->self, in.get(), launch.in.data(), launch.in.size());
    backend_->memset(backend_->self, out.get(), 0, launch.outSize ? launch.outSize : 1);

    std::vector<uint64_t> params{reinterpret_cast<uint64_t>(in.get()),
                                 reinterpret_cast<uint64_t>(out.get())};
    for (size_t i = 0; i < launch.objects.size(); ++i) {
      std::string reference = i < references.size() ? references[i] : "";
      if (reference.empty()) {
        params.push_back(objects.handle(i));
        continue;
      }
      // A reference is the descriptor itself, in the module's globals: bind it by filling it.
      void *slot = nullptr;
      size_t size = 0;
      status = backend_->module_get_global(backend_->self, module, reference.c_str(), &slot, &size);
      if (status != CUPORT_OK || size != sizeof(cuport_texture_descriptor)) {
        fail(outcome, status != CUPORT_OK ? status : CUPORT_ERROR_INVALID_VALUE,
             "no texture or surface reference named " + reference);
        return;
      }
      backend_->memcpy(backend_->self, slot, &objects.descriptor(i), size);
    }
    cuport_launch_config config{};
    config.grid[0] = launch.grid.x;
    config.grid[1] = launch.grid.y;
    config.grid[2] = launch.grid.z;
    config.block[0] = launch.block.x;
    config.block[1] = launch.block.y;
    config.block[2] = launch.block.z;
    config.dynamic_shared_bytes = launch.dynamicShared;
    config.params = params.data();
    config.params_size = params.size() * sizeof(uint64_t);
    status = backend_->launch(backend_->self, kernel, &config,
                              cuport_error_buffer{message, sizeof message});
    if (status != CUPORT_OK) {
      fail(outcome, status, message);
      return;
    }
    outcome.launched = true;
    outcome.out.resize(launch.outSize);
    if (launch.outSize)
      backend_->memcpy(backend_->self, outcome.out.data(), out.get(), launch.outSize);
    outcome.images = objects.read();
  }

  const cuport_backend *backend_;
};

} // namespace

std::unique_ptr<Driver> makeCuportDriver() {
  return std::make_unique<CuportDriver>();
}

} // namespace cuport::conformance
