// Device printf's FIFO and its host-side formatting.
#include "backends/cpu/printf_fifo.h"

#include <cstring>

namespace cuport::cpu {
namespace {

size_t roundUp8(size_t bytes) {
  return (bytes + 7) & ~size_t{7};
}

// Bytes of a record's header and format pointer in CUDA's FIFO.
constexpr size_t kRecordHeaderBytes = 16;

// One `%[flags][width][.precision][size]type` conversion of a format string.
struct Conversion {
  size_t begin = 0, end = 0; // the conversion's text, '%' included
  std::string flags;
  bool widthFromArgument = false, precisionFromArgument = false;
  std::string width, precision; // digits as written; precision without the '.'
  bool hasPrecision = false;
  std::string length; // "", "h", "hh", "l", "ll"
  char type = 0;      // 0 when the conversion is not one printf knows: it is printed as written
};

Conversion parseConversion(const std::string &format, size_t at) {
  Conversion c;
  c.begin = at;
  size_t i = at + 1;
  auto digits = [&](std::string &into) {
    while (i < format.size() && format[i] >= '0' && format[i] <= '9')
      into += format[i++];
  };
  while (i < format.size() && std::strchr("#0- +", format[i]))
    c.flags += format[i++];
  if (i < format.size() && format[i] == '*') {
    c.widthFromArgument = true;
    ++i;
  } else {
    digits(c.width);
  }
  if (i < format.size() && format[i] == '.') {
    c.hasPrecision = true;
    ++i;
    if (i < format.size() && format[i] == '*') {
      c.precisionFromArgument = true;
      ++i;
    } else {
      digits(c.precision);
    }
  }
  for (const char *size : {"hh", "h", "ll", "l"}) {
    size_t n = std::strlen(size);
    if (format.compare(i, n, size) == 0) {
      c.length = size;
      i += n;
      break;
    }
  }
  if (i < format.size() && std::strchr("cdiouxXpeEfFgGaAs%", format[i]))
    c.type = format[i++];
  c.end = i;
  return c;
}

bool isInteger(char type) {
  return std::strchr("cdiouxX", type) != nullptr;
}

// Bytes the conversion's value takes in the argument buffer (zero for %%).
size_t valueBytes(const Conversion &c) {
  if (c.type == '%')
    return 0;
  if (isInteger(c.type))
    return c.length == "l" || c.length == "ll" ? 8 : 4;
  return 8; // double, pointer, string
}

// Walks the arguments of a format the way vprintf lays them out: each at an offset aligned to its
// size. `visit(conversion, widthOffset, precisionOffset, valueOffset)` sees every conversion (the
// offsets are SIZE_MAX where absent); conversions past the argument limit, and unknown ones, have
// type 0 and take no argument.
template <typename Visit> size_t walkArguments(const std::string &format, Visit visit) {
  size_t offset = 0;
  unsigned arguments = 0;
  auto take = [&](size_t bytes) {
    offset = (offset + bytes - 1) / bytes * bytes;
    size_t at = offset;
    offset += bytes;
    ++arguments;
    return at;
  };
  for (size_t i = 0; i < format.size();) {
    if (format[i] != '%') {
      ++i;
      continue;
    }
    Conversion c = parseConversion(format, i);
    i = c.end;
    unsigned needed = (c.widthFromArgument ? 1 : 0) + (c.precisionFromArgument ? 1 : 0) +
                      (c.type && c.type != '%' ? 1 : 0);
    if (c.type == 0 || arguments + needed > PrintfFifo::kMaxArguments) {
      c.type = 0;
      visit(c, SIZE_MAX, SIZE_MAX, SIZE_MAX);
      continue;
    }
    size_t width = c.widthFromArgument ? take(4) : SIZE_MAX;
    size_t precision = c.precisionFromArgument ? take(4) : SIZE_MAX;
    size_t value = c.type == '%' ? SIZE_MAX : take(valueBytes(c));
    visit(c, width, precision, value);
  }
  return offset;
}

template <typename T> T argumentAt(const std::vector<uint8_t> &arguments, size_t offset) {
  T value{};
  if (offset + sizeof(T) <= arguments.size())
    std::memcpy(&value, arguments.data() + offset, sizeof(T));
  return value;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
template <typename T> void appendFormatted(std::string &out, const std::string &spec, T value) {
  int size = std::snprintf(nullptr, 0, spec.c_str(), value);
  if (size <= 0)
    return;
  size_t at = out.size();
  out.resize(at + size_t(size) + 1);
  std::snprintf(out.data() + at, size_t(size) + 1, spec.c_str(), value);
  out.resize(at + size_t(size));
}
#pragma GCC diagnostic pop

} // namespace

std::string formatPrintfRecord(const std::string &format, const std::vector<uint8_t> &arguments,
                               const std::vector<std::string> &strings) {
  std::string out;
  size_t copied = 0; // format text before this point is already in `out`
  size_t nextString = 0;
  walkArguments(format, [&](const Conversion &c, size_t width, size_t precision, size_t value) {
    out.append(format, copied, c.begin - copied);
    copied = c.end;
    if (c.type == 0) {
      out.append(format, c.begin, c.end - c.begin);
      return;
    }
    if (c.type == '%') {
      out += '%';
      return;
    }
    std::string spec = "%" + c.flags;
    spec += width != SIZE_MAX ? std::to_string(argumentAt<int32_t>(arguments, width)) : c.width;
    if (c.hasPrecision)
      spec +=
          "." + (precision != SIZE_MAX ? std::to_string(argumentAt<int32_t>(arguments, precision))
                                       : c.precision);
    if (isInteger(c.type)) {
      bool isSigned = c.type == 'd' || c.type == 'i';
      if (c.length == "l" || c.length == "ll") {
        spec += std::string("ll") + c.type;
        if (isSigned)
          appendFormatted(out, spec, static_cast<long long>(argumentAt<int64_t>(arguments, value)));
        else
          appendFormatted(out, spec,
                          static_cast<unsigned long long>(argumentAt<uint64_t>(arguments, value)));
        return;
      }
      // h and hh: the value arrives promoted to int; printf narrows it again.
      spec += c.length + c.type;
      if (isSigned || c.type == 'c')
        appendFormatted(out, spec, argumentAt<int32_t>(arguments, value));
      else
        appendFormatted(out, spec, argumentAt<uint32_t>(arguments, value));
      return;
    }
    spec += c.type;
    if (c.type == 's') {
      const std::string *text = nextString < strings.size() ? &strings[nextString++] : nullptr;
      appendFormatted(out, spec, text ? text->c_str() : "(null)");
    } else if (c.type == 'p') {
      appendFormatted(out, spec,
                      reinterpret_cast<void *>(uintptr_t(argumentAt<uint64_t>(arguments, value))));
    } else {
      appendFormatted(out, spec, argumentAt<double>(arguments, value));
    }
  });
  out.append(format, copied, std::string::npos);
  return out;
}

int PrintfFifo::append(const char *format, const uint8_t *arguments) {
  if (!format)
    return -1;
  Record record;
  record.format = format;
  int parsed = 0;
  size_t argumentBytes = walkArguments(
      record.format, [&](const Conversion &c, size_t width, size_t precision, size_t value) {
        parsed += (width != SIZE_MAX) + (precision != SIZE_MAX) + (value != SIZE_MAX);
        (void)c;
      });
  if (argumentBytes > 0 && arguments)
    record.arguments.assign(arguments, arguments + argumentBytes);
  else
    record.arguments.assign(argumentBytes, 0);
  // %s reads device memory now: the string may be gone by the time the host prints.
  walkArguments(record.format, [&](const Conversion &c, size_t, size_t, size_t value) {
    if (c.type != 's')
      return;
    const char *text =
        reinterpret_cast<const char *>(uintptr_t(argumentAt<uint64_t>(record.arguments, value)));
    record.strings.push_back(text ? std::string(text) : std::string("(null)"));
  });
  record.bytes = kRecordHeaderBytes + roundUp8(argumentBytes);
  for (const std::string &text : record.strings)
    record.bytes += roundUp8(text.size() + 1);

  std::lock_guard lock(mutex_);
  if (record.bytes > capacity_)
    return parsed; // larger than the whole FIFO: lost, as on a GPU
  makeRoom(record.bytes);
  used_ += record.bytes;
  records_.push_back(std::move(record));
  return parsed;
}

void PrintfFifo::makeRoom(size_t bytes) {
  while (!records_.empty() && used_ + bytes > capacity_) {
    used_ -= records_.front().bytes;
    records_.pop_front();
  }
}

void PrintfFifo::flush(std::FILE *out) {
  std::deque<Record> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(records_);
    used_ = 0;
  }
  if (pending.empty())
    return;
  for (const Record &record : pending) {
    std::string text = formatPrintfRecord(record.format, record.arguments, record.strings);
    std::fwrite(text.data(), 1, text.size(), out);
  }
  std::fflush(out);
}

void PrintfFifo::setCapacity(size_t bytes) {
  std::lock_guard lock(mutex_);
  capacity_ = bytes;
  makeRoom(0);
}

size_t PrintfFifo::capacity() const {
  std::lock_guard lock(mutex_);
  return capacity_;
}

PrintfFifo &printfFifo() {
  static PrintfFifo fifo;
  return fifo;
}

} // namespace cuport::cpu
