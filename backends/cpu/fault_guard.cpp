#include "backends/cpu/fault_guard.h"

#include "backends/cpu/worker.h"

#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <mutex>

namespace cuport::cpu {
namespace {

constexpr int kGuardedSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr size_t kAlternateStackBytes = 64 * 1024;
struct sigaction previous_actions[NSIG];

void chainToPrevious(int signal, siginfo_t *info, void *ucontext) {
  const struct sigaction &previous = previous_actions[signal];
  if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
    previous.sa_sigaction(signal, info, ucontext);
    return;
  }
  if (previous.sa_handler == SIG_IGN)
    return;
  if (previous.sa_handler == SIG_DFL) {
    // Restore the default action; the fault re-executes (or the re-raised signal is delivered
    // once this handler returns) and the process ends the way it would have without us.
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
    raise(signal);
    return;
  }
  previous.sa_handler(signal);
}

void onFault(int signal, siginfo_t *info, void *ucontext) {
  Worker *worker = Worker::current();
  if (worker && worker->in_kernel) {
    worker->fault_signal = signal;
    worker->fault_address = info ? info->si_addr : nullptr;
    worker->in_kernel = 0;
    worker->leaveKernel(); // the block loop reads the fault fields
  }
  chainToPrevious(signal, info, ucontext);
}

void onCancel(int signal, siginfo_t *info, void *ucontext) {
  Worker *worker = Worker::current();
  if (!worker) {
    chainToPrevious(signal, info, ucontext); // not ours: a thread of the program
    return;
  }
  if (worker->in_kernel && worker->cancel_requested && !worker->in_library_call) {
    worker->in_kernel = 0;
    worker->leaveKernel(); // the block loop sees cancel_requested
  }
  // A cancellation that arrives after the block ended has nothing left to stop.
}

} // namespace

void installFaultHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int signal : kGuardedSignals) {
      struct sigaction action {};
      action.sa_sigaction = onFault;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&action.sa_mask);
      sigaction(signal, &action, &previous_actions[signal]);
    }
    struct sigaction cancel {};
    cancel.sa_sigaction = onCancel;
    cancel.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&cancel.sa_mask);
    sigaction(kCancelSignal, &cancel, &previous_actions[kCancelSignal]);
  });
}

void *enableAlternateSignalStack() {
  void *memory = std::malloc(kAlternateStackBytes);
  if (!memory)
    return nullptr;
  stack_t stack{};
  stack.ss_sp = memory;
  stack.ss_size = kAlternateStackBytes;
  if (sigaltstack(&stack, nullptr) != 0) {
    std::free(memory);
    return nullptr;
  }
  return memory;
}

void disableAlternateSignalStack(void *memory) {
  if (!memory)
    return;
  stack_t stack{};
  stack.ss_flags = SS_DISABLE;
  sigaltstack(&stack, nullptr);
  std::free(memory);
}

} // namespace cuport::cpu
