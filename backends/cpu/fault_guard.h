// Turns SIGSEGV, SIGBUS, SIGFPE and SIGILL raised by kernel code on a worker into a failed grid
// instead of a dead process; the same signals anywhere else go to the handler that was installed
// before ours (or the default action).
#pragma once

#include <csignal>
#include <cstddef>

namespace cuport::cpu {

// Sent by the executor to a worker whose block must stop: in a cooperative grid that has failed,
// the other blocks may spin in a grid barrier forever. The worker leaves kernel code as on a fault
// (when it has Worker::cancel_requested set); elsewhere in a worker thread the signal is ignored.
inline constexpr int kCancelSignal = SIGURG;

// Installs the handlers (faults and kCancelSignal) once per process.
void installFaultHandlers();

// Per worker thread: the handlers run on this alternate stack, so a kernel's stack overflow can be
// reported too.
void *enableAlternateSignalStack();
void disableAlternateSignalStack(void *stack);

} // namespace cuport::cpu
