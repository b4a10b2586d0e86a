// Device printf: argument buffers laid out as nvcc lays them out, formatted as the host C library
// formats the same call, and the FIFO's size limit.
#include "backends/cpu/printf_fifo.h"

#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace cuport::cpu {
namespace {

// An argument buffer as nvcc builds it: each value at an offset aligned to its size.
class Arguments {
public:
  template <typename T> Arguments &add(T value) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    size_t offset = (bytes_.size() + sizeof(T) - 1) / sizeof(T) * sizeof(T);
    bytes_.resize(offset + sizeof(T));
    std::memcpy(bytes_.data() + offset, &value, sizeof(T));
    return *this;
  }
  Arguments &addString(const char *text) { return add(reinterpret_cast<uint64_t>(text)); }
  const uint8_t *data() const { return bytes_.empty() ? nullptr : bytes_.data(); }

private:
  std::vector<uint8_t> bytes_;
};

// The host C library's printf of the same call: the reference.
std::string hostFormat(const char *format, ...) __attribute__((format(printf, 1, 2)));
std::string hostFormat(const char *format, ...) {
  va_list args;
  va_start(args, format);
  char buffer[1024];
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

std::string flushed(PrintfFifo &fifo) {
  std::FILE *out = std::tmpfile();
  fifo.flush(out);
  std::string text;
  std::rewind(out);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, out)) > 0)
    text.append(buffer, n);
  std::fclose(out);
  return text;
}

TEST(DevicePrintf, FormatsEveryConversionLikeTheHostLibrary) {
  PrintfFifo fifo;
  const char *name = "block";
  int32_t i = -42;
  uint32_t u = 4000000000u;
  int64_t ll = -9000000000LL;
  uint64_t ull = 18000000000000000000ULL;
  double d = 3.14159265358979;
  float f = -0.1f;
  int32_t c = 'Z';
  int32_t h = -2; // a short arrives promoted to int
  void *pointer = reinterpret_cast<void *>(0x7f001234);

  const char *format = "%d %i %u %x %X %o %c %s %p|%f %e %E %g %G %a %A|%lld %llu %llx %ld "
                       "%lu|%hd %hhx|%5d|%-5d|%05d|%+d|% d|%#x|%#o\n";
  Arguments args;
  args.add(i).add(i).add(u).add(u).add(u).add(u).add(c).addString(name);
  args.add(reinterpret_cast<uint64_t>(pointer));
  args.add(d).add(d).add(d).add(d).add(d).add(d).add(d);
  args.add(ll).add(ull).add(ull).add(ll).add(ull);
  args.add(h).add(int32_t{0x1ff});
  args.add(i).add(i).add(i).add(int32_t{7}).add(int32_t{7}).add(u).add(u);
  EXPECT_EQ(fifo.append(format, args.data()), 30);
  std::string expected = hostFormat(
      "%d %i %u %x %X %o %c %s %p|%f %e %E %g %G %a %A|%lld %llu %llx %ld %lu|%hd %hhx|%5d|%-5d|"
      "%05d|%+d|% d|%#x|%#o\n",
      i, i, u, u, u, u, c, name, pointer, d, d, d, d, d, d, d, static_cast<long long>(ll),
      static_cast<unsigned long long>(ull), static_cast<unsigned long long>(ull),
      static_cast<long>(ll), static_cast<unsigned long>(ull), static_cast<short>(h),
      static_cast<unsigned char>(0x1ff), i, i, i, 7, 7, u, u);
  EXPECT_EQ(flushed(fifo), expected);

  Arguments tail;
  tail.add(static_cast<double>(f)).add(d).addString(name).addString(name).add(int32_t{6}).add(i);
  EXPECT_EQ(fifo.append("%.3f|%10.2e|%-8s|%.2s|%%|%*d\n", tail.data()), 6);
  EXPECT_EQ(flushed(fifo), hostFormat("%.3f|%10.2e|%-8s|%.2s|%%|%*d\n", static_cast<double>(f), d,
                                      name, name, 6, i));
}

TEST(DevicePrintf, ReturnsTheArgumentCount) {
  PrintfFifo fifo;
  EXPECT_EQ(fifo.append("plain\n", nullptr), 0);
  EXPECT_EQ(fifo.append(nullptr, nullptr), -1);
  Arguments args;
  args.add(int32_t{1}).add(2.5).add(int64_t{3});
  EXPECT_EQ(fifo.append("%d %f %lld %%\n", args.data()), 3);
  EXPECT_EQ(flushed(fifo), "plain\n1 2.500000 3 %\n");
  EXPECT_EQ(flushed(fifo), ""); // a flush empties the FIFO
}

TEST(DevicePrintf, StringsAreCopiedWhenPrintfRuns) {
  PrintfFifo fifo;
  char text[] = "before";
  Arguments args;
  args.addString(text).add(uint64_t{0});
  fifo.append("%s %s\n", args.data());
  std::strcpy(text, "after!");
  EXPECT_EQ(flushed(fifo), "before (null)\n");
}

TEST(DevicePrintf, ArgumentsBeyondThirtyTwoArePrintedAsWritten) {
  PrintfFifo fifo;
  std::string format;
  Arguments args;
  for (int i = 0; i < 34; ++i) {
    format += "%d,";
    args.add(int32_t{i});
  }
  EXPECT_EQ(fifo.append(format.c_str(), args.data()), 32);
  std::string expected;
  for (int i = 0; i < 32; ++i)
    expected += std::to_string(i) + ",";
  expected += "%d,%d,";
  EXPECT_EQ(flushed(fifo), expected);
}

TEST(DevicePrintf, UnknownConversionsArePrintedAsWritten) {
  PrintfFifo fifo;
  Arguments args;
  args.add(int32_t{5});
  EXPECT_EQ(fifo.append("%y %d %", args.data()), 1);
  EXPECT_EQ(flushed(fifo), "%y 5 %");
}

TEST(DevicePrintf, AFullFifoDropsTheOldestRecords) {
  PrintfFifo fifo;
  // Each record of one int costs a 16-byte header and 8 bytes of arguments.
  fifo.setCapacity(3 * 24);
  for (int32_t i = 0; i < 5; ++i) {
    Arguments args;
    args.add(i);
    EXPECT_EQ(fifo.append("%d\n", args.data()), 1);
  }
  EXPECT_EQ(flushed(fifo), "2\n3\n4\n");
  // A record larger than the whole FIFO is lost.
  fifo.setCapacity(8);
  fifo.append("x\n", nullptr);
  EXPECT_EQ(flushed(fifo), "");
  fifo.setCapacity(PrintfFifo::kDefaultCapacity);
  EXPECT_EQ(fifo.capacity(), PrintfFifo::kDefaultCapacity);
}

} // namespace
} // namespace cuport::cpu
