#include "support/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace cuport::log {
namespace {

struct Sink {
  Level level = Level::Warn;
  FILE *stream = stderr;
  std::mutex mutex;

  Sink() {
    if (const char *name = std::getenv("CUPORT_LOG")) {
      static constexpr const char *names[] = {"error", "warn", "info", "debug", "trace"};
      for (int i = 0; i < 5; ++i)
        if (std::strcmp(name, names[i]) == 0)
          level = static_cast<Level>(i);
    }
    if (const char *path = std::getenv("CUPORT_LOG_FILE"))
      if (FILE *file = std::fopen(path, "a"))
        stream = file;
  }
};

Sink &sink() {
  static Sink *instance = new Sink(); // never destroyed: logging may run during exit
  return *instance;
}

} // namespace

Level threshold() {
  return sink().level;
}

void vwrite(Level level, const char *format, va_list args) {
  static constexpr const char *tags[] = {"error", "warn", "info", "debug", "trace"};
  char message[2048];
  std::vsnprintf(message, sizeof message, format, args);
  Sink &out = sink();
  std::lock_guard<std::mutex> lock(out.mutex);
  std::fprintf(out.stream, "cuport %s: %s\n", tags[static_cast<int>(level)], message);
  std::fflush(out.stream);
}

void write(Level level, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vwrite(level, format, args);
  va_end(args);
}

} // namespace cuport::log
