// Leveled logging to stderr or $CUPORT_LOG_FILE, chosen by $CUPORT_LOG
// (error|warn|info|debug|trace; default warn). Thread-safe; one line per message.
#pragma once

#include <cstdarg>

namespace cuport::log {

enum class Level { Error = 0, Warn = 1, Info = 2, Debug = 3, Trace = 4 };

// The level in force, read from the environment once.
Level threshold();
inline bool enabled(Level level) {
  return static_cast<int>(level) <= static_cast<int>(threshold());
}

void write(Level level, const char *format, ...) __attribute__((format(printf, 2, 3)));
void vwrite(Level level, const char *format, va_list args);

} // namespace cuport::log

#define CUPORT_LOG_AT(level, ...)                                                                  \
  do {                                                                                             \
    if (::cuport::log::enabled(level))                                                             \
      ::cuport::log::write(level, __VA_ARGS__);                                                    \
  } while (0)
#define CUPORT_ERROR(...) CUPORT_LOG_AT(::cuport::log::Level::Error, __VA_ARGS__)
#define CUPORT_WARN(...) CUPORT_LOG_AT(::cuport::log::Level::Warn, __VA_ARGS__)
#define CUPORT_INFO(...) CUPORT_LOG_AT(::cuport::log::Level::Info, __VA_ARGS__)
#define CUPORT_DEBUG(...) CUPORT_LOG_AT(::cuport::log::Level::Debug, __VA_ARGS__)
#define CUPORT_TRACE(...) CUPORT_LOG_AT(::cuport::log::Level::Trace, __VA_ARGS__)
