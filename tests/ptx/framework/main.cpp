// The ptx_conformance entry point. --confirm-report=FILE (or CUPORT_PTX_CONFIRM_REPORT=FILE)
// appends one line per case that ran: its name, passed or failed, and the driver and device that
// ran it. scripts/ptx-confirm-on-gpu.sh gathers the passing ones into tests/ptx/confirmed.txt.
// --dump-kernels=DIR (or CUPORT_PTX_DUMP_KERNELS=DIR) also writes every module the cases launch
// into DIR (see framework/kernel_dump.h).
#include "tests/ptx/conformance.h"
#include "tests/ptx/framework/driver.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace cuport::conformance {
namespace {

class ConfirmReport : public ::testing::EmptyTestEventListener {
public:
  explicit ConfirmReport(std::string path) : path_(std::move(path)) {}

  void OnTestEnd(const ::testing::TestInfo &test) override {
    const ::testing::TestResult *result = test.result();
    if (result->Skipped())
      return;
    std::ofstream file(path_, std::ios::app);
    file << test.test_suite_name() << "." << test.name() << (exhaustive() ? " (exhaustive)" : "")
         << "\t" << (result->Passed() ? "passed" : "failed") << "\t" << activeDriver().describe()
         << "\n";
  }

private:
  std::string path_;
};

// The value of --NAME=VALUE (removed from argv), else of the environment variable.
std::string option(int &argc, char **argv, const std::string &name, const char *variable) {
  const std::string flag = "--" + name + "=";
  std::string value;
  if (const char *fromEnvironment = std::getenv(variable))
    value = fromEnvironment;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument.rfind(flag, 0) == 0)
      value = argument.substr(flag.size());
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  return value;
}

} // namespace
} // namespace cuport::conformance

int main(int argc, char **argv) {
  using namespace cuport::conformance;
  std::string reportPath = option(argc, argv, "confirm-report", "CUPORT_PTX_CONFIRM_REPORT");
  std::string dumpDirectory = option(argc, argv, "dump-kernels", "CUPORT_PTX_DUMP_KERNELS");
  if (!dumpDirectory.empty()) // read by activeDriver()
    setenv("CUPORT_PTX_DUMP_KERNELS", dumpDirectory.c_str(), 1);
  ::testing::InitGoogleTest(&argc, argv);
  if (!reportPath.empty()) {
    if (!activeDriver().confirmsOnHardware()) {
      std::cerr
          << "ptx_conformance: --confirm-report needs a GPU's CUDA driver; the cases would run "
             "on "
          << activeDriver().describe() << std::endl;
      return 1;
    }
    std::cout << "ptx_conformance: running on " << activeDriver().describe() << std::endl;
    ::testing::UnitTest::GetInstance()->listeners().Append(new ConfirmReport(reportPath));
  }
  return RUN_ALL_TESTS();
}
