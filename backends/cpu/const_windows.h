// Where the .const variables of every loaded module live: the window isspacep.const tests a
// generic address against (through the runtime symbol is_const_address). JIT modules add their
// .const variables when they place them and remove them when they are unloaded.
#pragma once

#include <cstdint>

namespace cuport::cpu::const_windows {

void add(const void *base, uint64_t size);
void remove(const void *base);
// Whether `address` lies in one of the registered variables.
bool contains(uint64_t address);

} // namespace cuport::cpu::const_windows
