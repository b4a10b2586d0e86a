#include "runtime/core/call_configuration.h"

#include <vector>

namespace cuport::core {
namespace {

thread_local std::vector<CallConfiguration> stack;

} // namespace

void pushCallConfiguration(const CallConfiguration &configuration) {
  stack.push_back(configuration);
}

bool popCallConfiguration(CallConfiguration &configuration) {
  if (stack.empty())
    return false;
  configuration = stack.back();
  stack.pop_back();
  return true;
}

} // namespace cuport::core
