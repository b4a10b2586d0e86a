#include "backends/cpu/const_windows.h"

#include <map>
#include <mutex>
#include <shared_mutex>

namespace cuport::cpu::const_windows {
namespace {

struct Registry {
  std::shared_mutex mutex;
  std::map<uint64_t, uint64_t> windows; // base -> size; variables never overlap
};

Registry &registry() {
  static Registry instance;
  return instance;
}

} // namespace

void add(const void *base, uint64_t size) {
  Registry &r = registry();
  std::unique_lock lock(r.mutex);
  r.windows[reinterpret_cast<uint64_t>(base)] = size;
}

void remove(const void *base) {
  Registry &r = registry();
  std::unique_lock lock(r.mutex);
  r.windows.erase(reinterpret_cast<uint64_t>(base));
}

bool contains(uint64_t address) {
  Registry &r = registry();
  std::shared_lock lock(r.mutex);
  auto after = r.windows.upper_bound(address);
  if (after == r.windows.begin())
    return false;
  auto window = std::prev(after);
  return address - window->first < window->second;
}

} // namespace cuport::cpu::const_windows
