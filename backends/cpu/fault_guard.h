// Turns SIGSEGV, SIGBUS, SIGFPE and SIGILL raised by kernel code on a worker into a failed grid
// instead of a dead process; the same signals anywhere else go to the handler that was installed
// before ours (or the default action).
#pragma once

#include <cstddef>

namespace cuport::cpu {

// Installs the handlers once per process.
void installFaultHandlers();

// Per worker thread: the handlers run on this alternate stack, so a kernel's stack overflow can be
// reported too.
void *enableAlternateSignalStack();
void disableAlternateSignalStack(void *stack);

} // namespace cuport::cpu
