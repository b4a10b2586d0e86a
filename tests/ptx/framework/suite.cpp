// The case API of conformance.h: running a launch on the active driver, the exhaustive switch,
// reproducible random generators and the module header.
#include "tests/ptx/conformance.h"
#include "tests/ptx/framework/driver.h"
#include "tests/ptx/framework/kernel_dump.h"
#include "tests/ptx/reference_binding.h"

#include <cstdlib>
#include <stdexcept>

namespace cuport::conformance {

Driver &activeDriver() {
  static std::unique_ptr<Driver> driver = [] {
    const char *name = std::getenv("CUPORT_PTX_DRIVER");
    std::string choice = name && *name ? name : "cuport";
    std::unique_ptr<Driver> chosen;
    if (choice == "cuport")
      chosen = makeCuportDriver();
    else if (choice == "cuda")
      chosen = makeCudaDriver();
    else
      throw std::invalid_argument("CUPORT_PTX_DRIVER must be cuport or cuda, not " + choice);
    const char *dump = std::getenv("CUPORT_PTX_DUMP_KERNELS");
    return dump && *dump ? makeKernelDumpDriver(std::move(chosen), dump) : std::move(chosen);
  }();
  return *driver;
}

Outcome run(const Launch &launch) {
  return activeDriver().run(launch, {});
}

Outcome runBinding(const Launch &launch, const std::vector<std::string> &references) {
  return activeDriver().run(launch, references);
}

Bytes runOk(const Launch &launch) {
  std::vector<Bytes> images;
  return runOk(launch, images);
}

namespace {

// The output and images of `outcome`, failing the test unless it loaded and launched.
Bytes checkedOutput(const Launch &launch, Outcome outcome, std::vector<Bytes> &images) {
  if (!outcome.loaded)
    ADD_FAILURE() << "the module did not load (error " << outcome.error << "): " << outcome.message
                  << "\n"
                  << launch.ptx;
  else if (!outcome.launched)
    ADD_FAILURE() << "the launch failed (error " << outcome.error << "): " << outcome.message;
  if (outcome.out.size() != launch.outSize)
    outcome.out = Bytes(launch.outSize);
  images = std::move(outcome.images);
  images.resize(launch.objects.size());
  for (size_t i = 0; i < images.size(); ++i)
    if (images[i].size() != launch.objects[i].image.bytes())
      images[i] = Bytes(launch.objects[i].image.bytes());
  return outcome.out;
}

} // namespace

Bytes runOk(const Launch &launch, std::vector<Bytes> &images) {
  return checkedOutput(launch, run(launch), images);
}

Bytes runOkBinding(const Launch &launch, const std::vector<std::string> &references,
                   std::vector<Bytes> &images) {
  return checkedOutput(launch, runBinding(launch, references), images);
}

bool exhaustive() {
  const char *value = std::getenv("CUPORT_PTX_EXHAUSTIVE");
  return value && std::string(value) == "1";
}

std::mt19937_64 randomFor(const std::string &caseName) {
  // FNV-1a: stable across standard libraries, unlike std::hash.
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : caseName)
    hash = (hash ^ c) * 0x100000001b3ull;
  return std::mt19937_64(hash);
}

std::string header(unsigned smTarget, const std::string &version) {
  return ".version " + version + "\n.target sm_" + std::to_string(smTarget) +
         "\n.address_size 64\n";
}

} // namespace cuport::conformance
