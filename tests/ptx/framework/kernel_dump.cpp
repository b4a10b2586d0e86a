#include "tests/ptx/framework/kernel_dump.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

namespace cuport::conformance {
namespace {

class KernelDumpDriver : public Driver {
public:
  KernelDumpDriver(std::unique_ptr<Driver> inner, std::string directory)
      : inner_(std::move(inner)), directory_(std::move(directory)) {}

  std::string describe() override { return inner_->describe(); }
  bool confirmsOnHardware() override { return inner_->confirmsOnHardware(); }

  Outcome run(const Launch &launch, const std::vector<std::string> &references) override {
    write(launch.ptx);
    return inner_->run(launch, references);
  }

private:
  // The running case's name; cases that launch the same module many times write it once.
  void write(const std::string &ptx) {
    const ::testing::TestInfo *test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = test ? std::string(test->test_suite_name()) + "." + test->name() : "setup";
    std::replace(name.begin(), name.end(), '/', '_');
    std::vector<std::string> &written = written_[name];
    if (std::find(written.begin(), written.end(), ptx) != written.end())
      return;
    std::string path = directory_ + "/" + name + "." + std::to_string(written.size()) + ".ptx";
    std::ofstream file(path);
    file << ptx;
    if (!file)
      throw std::runtime_error("cannot write " + path);
    written.push_back(ptx);
  }

  std::unique_ptr<Driver> inner_;
  std::string directory_;
  std::map<std::string, std::vector<std::string>> written_;
};

} // namespace

std::unique_ptr<Driver> makeKernelDumpDriver(std::unique_ptr<Driver> inner, std::string directory) {
  return std::make_unique<KernelDumpDriver>(std::move(inner), std::move(directory));
}

} // namespace cuport::conformance
