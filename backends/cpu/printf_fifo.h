// Device printf: each vprintf call appends a record (its format and argument bytes) to a FIFO of
// cudaLimitPrintfFifoSize bytes; the host formats and prints the records at synchronization
// points, as CUDA does. Like CUDA's buffer it is circular: a record that does not fit pushes out
// the oldest ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace cuport::cpu {

class PrintfFifo {
public:
  // CUDA's default cudaLimitPrintfFifoSize.
  static constexpr size_t kDefaultCapacity = 1u << 20;
  // Arguments CUDA's printf takes after the format; later conversions are printed as they are.
  static constexpr unsigned kMaxArguments = 32;

  // vprintf(format, arguments): `arguments` is the packed argument buffer nvcc builds (every
  // argument at an offset aligned to its size: 4 bytes for int/char/short, 8 for long, long long,
  // double and pointers). Returns what CUDA's printf returns: the number of arguments parsed, or
  // -1 when `format` is null.
  int append(const char *format, const uint8_t *arguments);

  // Formats every record in the order it was appended and writes it to `out`; empties the FIFO.
  void flush(std::FILE *out);

  // The FIFO's size in bytes; records already queued that no longer fit are dropped oldest first.
  void setCapacity(size_t bytes);
  size_t capacity() const;

private:
  struct Record {
    std::string format;
    std::vector<uint8_t> arguments;
    std::vector<std::string> strings; // the %s arguments, copied when printf ran
    size_t bytes = 0;                 // what the record occupies in the FIFO
  };

  void makeRoom(size_t bytes);

  mutable std::mutex mutex_;
  size_t capacity_ = kDefaultCapacity;
  size_t used_ = 0;
  std::deque<Record> records_;
};

// The process's one printf FIFO (kernel code reaches it through the vprintf runtime symbol).
PrintfFifo &printfFifo();

// One record formatted with the host C library's printf, as CUDA's host side does: exposed for
// tests.
std::string formatPrintfRecord(const std::string &format, const std::vector<uint8_t> &arguments,
                               const std::vector<std::string> &strings);

} // namespace cuport::cpu
