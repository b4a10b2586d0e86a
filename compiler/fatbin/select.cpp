// Choosing the PTX entry a device of a given compute capability can run.
#include "compiler/fatbin/fatbin.h"

namespace cuport::fatbin {

const Entry *selectPtx(const Fatbin &fatbin, uint32_t smArch) {
  // PTX for compute_X runs on any sm_Y with Y >= X; the newest such PTX uses the most features.
  // On ties the first entry wins, which keeps the choice stable.
  const Entry *best = nullptr;
  for (const Entry &entry : fatbin.entries) {
    if (entry.kind != EntryKind::Ptx || entry.smArch > smArch)
      continue;
    if (!best || entry.smArch > best->smArch)
      best = &entry;
  }
  return best;
}

} // namespace cuport::fatbin
