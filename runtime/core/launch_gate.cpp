#include "runtime/core/launch_gate.h"

namespace cuport::core {

LaunchGate::Ticket LaunchGate::enter(int priority) {
  std::unique_lock<std::mutex> lock(mutex);
  Ticket ticket{priority, arrivals++};
  waiting.insert(ticket);
  turn.wait(lock, [&] { return !busy && *waiting.begin() == ticket; });
  waiting.erase(ticket);
  busy = true;
  return ticket;
}

size_t LaunchGate::waitingCount() {
  std::lock_guard<std::mutex> lock(mutex);
  return waiting.size();
}

void LaunchGate::leave(const Ticket &) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    busy = false;
  }
  turn.notify_all();
}

} // namespace cuport::core
