// The ptx_conformance entry point. --confirm-report=FILE (or CUPORT_PTX_CONFIRM_REPORT=FILE)
// appends one line per case that ran: its name, passed or failed, and the driver and device that
// ran it. scripts/ptx-confirm-on-gpu.sh gathers the passing ones into tests/ptx/confirmed.txt.
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

std::string confirmReportPath(int &argc, char **argv) {
  const std::string flag = "--confirm-report=";
  std::string path;
  if (const char *fromEnvironment = std::getenv("CUPORT_PTX_CONFIRM_REPORT"))
    path = fromEnvironment;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument.rfind(flag, 0) == 0)
      path = argument.substr(flag.size());
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  return path;
}

} // namespace
} // namespace cuport::conformance

int main(int argc, char **argv) {
  using namespace cuport::conformance;
  std::string reportPath = confirmReportPath(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (!reportPath.empty()) {
    std::cout << "ptx_conformance: running on " << activeDriver().describe() << std::endl;
    ::testing::UnitTest::GetInstance()->listeners().Append(new ConfirmReport(reportPath));
  }
  return RUN_ALL_TESTS();
}
