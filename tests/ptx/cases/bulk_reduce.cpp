// cp.reduce.async.bulk (sm_90, the non-tensor forms): every operation and element type the ISA
// allows, into global memory in a bulk group (with and without .L2::cache_hint) and into
// .shared::cluster memory completing on an mbarrier that 64 threads wait on. The reference
// reduces element by element after the ISA: the integer operations as atom's (inc wraps to 0 past
// the operand, dec to the operand below 0 or above it), .add.f32/.f64 rounded to nearest even,
// .add.noftz.f16/.bf16 rounded to nearest even without flushing subnormals (NaN results are the
// canonical 0x7fff), and .min/.max of halves returning the number when one operand is NaN and
// ordering -0.0 below +0.0.
#include "tests/ptx/cases/matrix_reference.h"
#include "tests/ptx/conformance.h"
#include "tests/ptx/invalid_ptx.h"

#include <cmath>
#include <cstring>

namespace cuport::conformance {
namespace {

using matrix::fromHalf;
using matrix::toHalf;

enum class Element { U32, S32, U64, S64, F32, F64, F16, BF16 };

struct Form {
  const char *op;
  const char *type; // the PTX type modifier (".b32" and ".u32" reduce alike)
  Element element;
  bool sharedToo; // also allowed into .shared::cluster
};

// The ISA's table (and ptxas -arch=sm_90): which operation takes which type.
const Form kForms[] = {
    {"and", "b32", Element::U32, true},          {"or", "b32", Element::U32, true},
    {"xor", "b32", Element::U32, true},          {"and", "b64", Element::U64, false},
    {"or", "b64", Element::U64, false},          {"xor", "b64", Element::U64, false},
    {"add", "u32", Element::U32, true},          {"add", "s32", Element::S32, true},
    {"add", "u64", Element::U64, true},          {"add", "f32", Element::F32, false},
    {"add", "f64", Element::F64, false},         {"add.noftz", "f16", Element::F16, false},
    {"add.noftz", "bf16", Element::BF16, false}, {"inc", "u32", Element::U32, true},
    {"dec", "u32", Element::U32, true},          {"min", "u32", Element::U32, true},
    {"min", "s32", Element::S32, true},          {"min", "u64", Element::U64, false},
    {"min", "s64", Element::S64, false},         {"min", "f16", Element::F16, false},
    {"min", "bf16", Element::BF16, false},       {"max", "u32", Element::U32, true},
    {"max", "s32", Element::S32, true},          {"max", "u64", Element::U64, false},
    {"max", "s64", Element::S64, false},         {"max", "f16", Element::F16, false},
    {"max", "bf16", Element::BF16, false},
};

constexpr uint32_t kBytes = 256; // 64 threads move one word each

size_t elementBytes(Element element) {
  switch (element) {
  case Element::U64:
  case Element::S64:
  case Element::F64:
    return 8;
  case Element::F16:
  case Element::BF16:
    return 2;
  default:
    return 4;
  }
}

double fromBfloat(uint16_t bits) {
  uint32_t wide = uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

// The nearest bf16 of a finite double (ties to even), or infinity past the largest finite one.
uint16_t toBfloat(double value) {
  uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double magnitude = std::fabs(value);
  if (magnitude == 0)
    return sign;
  int exponent = std::max(std::ilogb(magnitude), -126); // bf16 subnormals share f32's spacing
  double ulp = std::ldexp(1.0, exponent - 7);
  double rounded = std::nearbyint(magnitude / ulp) * ulp; // the default mode: to nearest even
  if (rounded >= std::ldexp(2.0 - std::ldexp(1.0, -8), 127))
    return sign | 0x7f80;
  float narrow = float(rounded); // exact: at most 8 significant bits
  uint32_t bits;
  std::memcpy(&bits, &narrow, 4);
  return sign | uint16_t(bits >> 16);
}

bool isHalfNaN(uint16_t bits, bool bfloat) {
  return bfloat ? (bits & 0x7fff) > 0x7f80 : (bits & 0x7fff) > 0x7c00;
}

uint16_t halfReference(const std::string &op, uint16_t old, uint16_t value, bool bfloat) {
  // fromHalf reads the all-ones exponent as a finite value: infinities are set apart here, NaNs
  // never reach the arithmetic below.
  auto decode = [&](uint16_t bits) {
    if (bfloat)
      return fromBfloat(bits);
    if ((bits & 0x7fff) == 0x7c00)
      return (bits & 0x8000) ? -double(INFINITY) : double(INFINITY);
    return fromHalf(bits);
  };
  double a = decode(old), b = decode(value);
  bool aNaN = isHalfNaN(old, bfloat), bNaN = isHalfNaN(value, bfloat);
  if (op == "add.noftz") {
    if (aNaN || bNaN)
      return 0x7fff;
    double sum = a + b; // exact for the finite inputs drawn here
    if (std::isnan(sum))
      return 0x7fff;
    if (std::isinf(sum))
      return std::signbit(sum) ? (bfloat ? 0xff80 : 0xfc00) : (bfloat ? 0x7f80 : 0x7c00);
    if (sum == 0) // x + (-x) is +0; -0 + -0 is -0
      return (old & value & 0x8000) ? 0x8000 : 0;
    return bfloat ? toBfloat(sum) : toHalf(sum);
  }
  bool isMin = op == "min";
  if (aNaN && bNaN)
    return 0x7fff;
  if (aNaN)
    return value;
  if (bNaN)
    return old;
  if (a == b) { // zeros of either sign: -0.0 is the smaller
    bool aNegative = old & 0x8000;
    return aNegative == isMin ? old : value;
  }
  return (a < b) == isMin ? old : value;
}

template <typename T> T integerReference(const std::string &op, T old, T value) {
  if (op == "and")
    return old & value;
  if (op == "or")
    return old | value;
  if (op == "xor")
    return old ^ value;
  if (op == "add")
    return T(std::make_unsigned_t<T>(old) + std::make_unsigned_t<T>(value));
  if (op == "inc")
    return old >= value ? T(0) : T(old + 1);
  if (op == "dec")
    return (old == 0 || old > value) ? value : T(old - 1);
  if (op == "min")
    return std::min(old, value);
  return std::max(old, value);
}

// The destination after the reduction, element by element.
Bytes reference(const Form &form, const Bytes &destination, const Bytes &source) {
  Bytes result = destination;
  size_t size = elementBytes(form.element);
  for (size_t at = 0; at < kBytes; at += size) {
    switch (form.element) {
    case Element::U32:
      result.set(at,
                 integerReference(form.op, destination.at<uint32_t>(at), source.at<uint32_t>(at)));
      break;
    case Element::S32:
      result.set(at,
                 integerReference(form.op, destination.at<int32_t>(at), source.at<int32_t>(at)));
      break;
    case Element::U64:
      result.set(at,
                 integerReference(form.op, destination.at<uint64_t>(at), source.at<uint64_t>(at)));
      break;
    case Element::S64:
      result.set(at,
                 integerReference(form.op, destination.at<int64_t>(at), source.at<int64_t>(at)));
      break;
    case Element::F32: // the double sum of two floats rounds once more correctly (53 >= 2*24+2)
      result.set(at, float(double(destination.at<float>(at)) + double(source.at<float>(at))));
      break;
    case Element::F64:
      result.set(at, destination.at<double>(at) + source.at<double>(at));
      break;
    case Element::F16:
    case Element::BF16:
      result.set(at, halfReference(form.op, destination.at<uint16_t>(at), source.at<uint16_t>(at),
                                   form.element == Element::BF16));
      break;
    }
  }
  return result;
}

// Inputs: edge values first (zeros, extremes, infinities and NaNs of halves, the operands at
// which inc and dec wrap), then random ones. Floating-point values stay finite and moderate for
// .add.f32/.f64 so that every sum is comparable bit for bit.
void fillOperands(const Form &form, Bytes &destination, Bytes &source, std::mt19937_64 &random) {
  destination = Bytes(kBytes);
  source = Bytes(kBytes);
  size_t size = elementBytes(form.element);
  size_t count = kBytes / size;
  for (size_t i = 0; i < count; ++i) {
    size_t at = i * size;
    switch (form.element) {
    case Element::U32:
    case Element::S32: {
      const auto &edges = edgeInts32();
      uint32_t a = i < edges.size() ? edges[i] : uint32_t(random());
      uint32_t b = edges[(i * 7 + 3) % edges.size()];
      if (i % 3 == 2)
        b = uint32_t(random());
      if (i % 5 == 4) // equal operands: inc and dec at their wrap points
        b = a;
      destination.set(at, a);
      source.set(at, b);
      break;
    }
    case Element::U64:
    case Element::S64: {
      const auto &edges = edgeInts64();
      uint64_t a = i < edges.size() ? edges[i] : random();
      uint64_t b = i % 2 ? edges[(i * 5 + 1) % edges.size()] : random();
      destination.set(at, a);
      source.set(at, b);
      break;
    }
    case Element::F32: {
      auto draw = [&] {
        return float(std::ldexp(double(random() % (1 << 24)), int(random() % 40) - 40)) *
               (random() % 2 ? -1.0f : 1.0f);
      };
      destination.set(at, draw());
      source.set(at, i == 0 ? -destination.at<float>(at) : draw());
      break;
    }
    case Element::F64: {
      auto draw = [&] {
        return std::ldexp(double(random() % (uint64_t(1) << 53)), int(random() % 80) - 80) *
               (random() % 2 ? -1.0 : 1.0);
      };
      destination.set(at, draw());
      source.set(at, i == 0 ? -destination.at<double>(at) : draw());
      break;
    }
    case Element::F16:
    case Element::BF16: {
      bool bfloat = form.element == Element::BF16;
      const auto &edges = bfloat ? edgeBfloats() : edgeHalves();
      auto finite = [&] {
        // bf16 exponents kept within f16's range of sums exact in double.
        uint16_t bits = uint16_t(random());
        if (bfloat)
          bits = uint16_t((bits & 0x807f) | ((100 + random() % 56) << 7));
        else if ((bits & 0x7c00) == 0x7c00)
          bits &= 0xbfff;
        return bits;
      };
      uint16_t a = i < edges.size() ? edges[i] : finite();
      uint16_t b = i % 3 == 0 ? edges[(i * 5 + 2) % edges.size()] : finite();
      destination.set(at, a);
      source.set(at, b);
      break;
    }
    }
  }
}

std::string formName(const Form &form) {
  return std::string(form.op) + "." + form.type;
}

std::string header64Threads(bool shared) {
  std::string text = R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<16>;
  .reg .b64 %rd<12>;
  .reg .pred %p<4>;
  .shared .align 16 .b8 source[256];
)";
  if (shared)
    text += "  .shared .align 16 .b8 target[256];\n  .shared .align 8 .b64 full;\n";
  return text + R"(  ld.param.u64 %rd1, [in];
  ld.param.u64 %rd2, [out];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  mov.u32 %r0, %tid.x;
  mov.u32 %r1, source;
  mul.wide.u32 %rd3, %r0, 4;
  add.s64 %rd4, %rd1, %rd3;
  ld.global.u32 %r2, [%rd4];
  ld.global.u32 %r3, [%rd4+256];
  shl.b32 %r4, %r0, 2;
  add.u32 %r5, %r1, %r4;
  st.shared.u32 [%r5], %r2;
  add.s64 %rd5, %rd2, %rd3;
  setp.ne.u32 %p1, %r0, 0;
)";
}

// Into global memory: the threads write the destination's initial words to out and the source to
// shared memory, fence both for the async proxy, and thread 0 reduces in one bulk group (the
// second half with a cache policy) and waits for it.
std::string globalKernel(const Form &form) {
  std::string instruction = "cp.reduce.async.bulk.global.shared::cta.bulk_group." + formName(form);
  std::string hinted =
      "cp.reduce.async.bulk.global.shared::cta.bulk_group.L2::cache_hint." + formName(form);
  return header(90) + header64Threads(false) + R"(  st.global.u32 [%rd5], %r3;
  fence.proxy.async;
  bar.sync 0;
  @%p1 bra $done;
  )" + instruction +
         R"( [%rd2], [%r1], 128;
  add.s64 %rd6, %rd2, 128;
  add.u32 %r6, %r1, 128;
  createpolicy.fractional.L2::evict_first.b64 %rd7, 1.0;
  mov.u32 %r7, 128;
  )" + hinted +
         R"( [%rd6], [%r6], %r7, %rd7;
  cp.async.bulk.commit_group;
  cp.async.bulk.wait_group 0;
$done:
  ret;
}
)";
}

// Into .shared::cluster memory (the mapa rank-0 address of `target`): thread 0 arrives with
// expect_tx(256) and reduces; all 64 threads wait on the mbarrier, then store target[tid] to out.
std::string sharedKernel(const Form &form) {
  return header(90) + header64Threads(true) + R"(  mov.u32 %r8, target;
  add.u32 %r9, %r8, %r4;
  st.shared.u32 [%r9], %r3;
  mov.u32 %r10, full;
  @%p1 bra $initialized;
  mbarrier.init.shared::cta.b64 [%r10], 1;
$initialized:
  fence.proxy.async.shared::cta;
  bar.sync 0;
  @%p1 bra $wait;
  mapa.shared::cluster.u32 %r11, %r8, 0;
  mbarrier.arrive.expect_tx.shared::cta.b64 _, [%r10], 256;
  cp.reduce.async.bulk.shared::cluster.shared::cta.mbarrier::complete_tx::bytes.)" +
         formName(form) + R"( [%r11], [%r1], 256, [%r10];
$wait:
  mbarrier.try_wait.parity.shared::cta.b64 %p2, [%r10], 0;
  @!%p2 bra $wait;
  ld.shared.u32 %r12, [%r9];
  st.global.u32 [%rd5], %r12;
  ret;
}
)";
}

void checkForm(const Form &form, bool shared) {
  std::mt19937_64 random = randomFor("BulkReduce." + formName(form) + (shared ? ".shared" : ""));
  Bytes destination, source;
  fillOperands(form, destination, source, random);
  Launch launch;
  launch.ptx = shared ? sharedKernel(form) : globalKernel(form);
  launch.block = {64, 1, 1};
  launch.in = source;
  launch.in.resize(2 * kBytes);
  std::memcpy(launch.in.data() + kBytes, destination.data(), kBytes);
  launch.outSize = kBytes;
  Bytes out = runOk(launch);
  Bytes want = reference(form, destination, source);
  size_t size = elementBytes(form.element);
  for (size_t at = 0; at < kBytes; at += size) {
    uint64_t got = 0, expected = 0;
    std::memcpy(&got, out.data() + at, size);
    std::memcpy(&expected, want.data() + at, size);
    uint64_t a = 0, b = 0;
    std::memcpy(&a, destination.data() + at, size);
    std::memcpy(&b, source.data() + at, size);
    EXPECT_EQ(got, expected) << formName(form)
                             << (shared ? " into shared::cluster" : " into global") << ", element "
                             << at / size << ": 0x" << std::hex << a << " op 0x" << b;
  }
}

PTX_CASE(BulkReduce, EveryOperationIntoGlobal) {
  for (const Form &form : kForms)
    checkForm(form, false);
}

PTX_CASE(BulkReduce, IntegerOperationsIntoClusterShared) {
  for (const Form &form : kForms)
    if (form.sharedToo)
      checkForm(form, true);
}

// Forms outside the ISA's table are refused at load, naming the instruction.
PTX_CASE(BulkReduce, FormsOutsideTheTableAreRefused) {
  for (const char *instruction :
       {"cp.reduce.async.bulk.global.shared::cta.bulk_group.add.s64 [%rd1], [%r1], 16",
        "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f16 [%rd1], [%r1], 16",
        "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.noftz.f32 [%rd1], [%r1], 16",
        "cp.reduce.async.bulk.global.shared::cta.bulk_group.inc.s32 [%rd1], [%r1], 16",
        "cp.reduce.async.bulk.shared::cluster.shared::cta.mbarrier::complete_tx::bytes.add.f32 "
        "[%r1], [%r1], 16, [%r1]",
        "cp.reduce.async.bulk.shared::cluster.shared::cta.mbarrier::complete_tx::bytes.and.b64 "
        "[%r1], [%r1], 16, [%r1]"}) {
    Launch launch;
    launch.ptx = invalidOnPurpose(header(90) + R"(
.visible .entry test(.param .u64 in, .param .u64 out)
{
  .reg .b32 %r<4>;
  .reg .b64 %rd<4>;
  .shared .align 16 .b8 buffer[256];
  ld.param.u64 %rd1, [in];
  mov.u32 %r1, buffer;
  )" + std::string(instruction) +
                                  R"(;
  ret;
}
)");
    Outcome outcome = run(launch);
    EXPECT_FALSE(outcome.loaded) << instruction;
    EXPECT_NE(outcome.message.find("cp.reduce.async.bulk"), std::string::npos) << outcome.message;
  }
}

} // namespace
} // namespace cuport::conformance
