// Admits one kernel launch at a time to the backend, which runs grids one after another: when
// several streams have a launch waiting, the one from the highest-priority stream (the lowest
// priority number) goes next, the earliest first among equals. This is what stream priorities
// mean on this device.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <utility>

namespace cuport::core {

class LaunchGate {
public:
  // Runs `launch` once it is this caller's turn.
  template <typename Launch> auto run(int priority, Launch &&launch) {
    Ticket ticket = enter(priority);
    struct Leave {
      LaunchGate &gate;
      Ticket ticket;
      ~Leave() { gate.leave(ticket); }
    } leave{*this, ticket};
    return launch();
  }

  // How many launches are waiting for their turn (for tests).
  size_t waitingCount();

private:
  using Ticket = std::pair<int, uint64_t>; // (priority, arrival)
  Ticket enter(int priority);
  void leave(const Ticket &ticket);

  std::mutex mutex;
  std::condition_variable turn;
  std::set<Ticket> waiting;
  uint64_t arrivals = 0;
  bool busy = false;
};

} // namespace cuport::core
