#include "runtime/core/error_names.h"

namespace cuport::core {
namespace {

struct ErrorEntry {
  int value;
  const char *name;
  const char *message;
};

constexpr ErrorEntry errorTable[] = {
#define CUPORT_ERROR_ENTRY(value, name, message) {value, #name, message},
#include "runtime/core/error_table.inc"
#undef CUPORT_ERROR_ENTRY
};

const ErrorEntry *find(cudaError_t error) {
  for (const ErrorEntry &entry : errorTable)
    if (entry.value == static_cast<int>(error))
      return &entry;
  return nullptr;
}

} // namespace

const char *errorName(cudaError_t error) {
  const ErrorEntry *entry = find(error);
  return entry ? entry->name : nullptr;
}

const char *errorMessage(cudaError_t error) {
  const ErrorEntry *entry = find(error);
  return entry ? entry->message : nullptr;
}

} // namespace cuport::core
