// Streams through the driver API: creation flags and priorities, handles, host functions and
// callbacks in stream order, queries and waits on events across streams.
#include "tests/unit/driver/host_gate.h"

#include "tests/unit/driver/driver_test_support.h"

#include <cuda.h>

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace {

using cuport::driver_test::HostGate;

using DriverStream = cuport::driver_test::DriverTest;

void appendTo(void *userData) {
  auto *log = static_cast<std::vector<int> *>(userData);
  log->push_back(int(log->size()));
}

TEST_F(DriverStream, NeedsACurrentContext) {
  ASSERT_EQ(cuCtxSetCurrent(nullptr), CUDA_SUCCESS);
  CUstream stream = nullptr;
  EXPECT_EQ(cuStreamCreate(&stream, 0), CUDA_ERROR_INVALID_CONTEXT);
  EXPECT_EQ(cuStreamSynchronize(nullptr), CUDA_ERROR_INVALID_CONTEXT);
  CUevent event = nullptr;
  EXPECT_EQ(cuEventCreate(&event, 0), CUDA_ERROR_INVALID_CONTEXT);
  ASSERT_EQ(cuCtxSetCurrent(primary), CUDA_SUCCESS);
}

TEST_F(DriverStream, CreateChecksFlagsAndDestroyChecksHandles) {
  CUstream stream = nullptr;
  EXPECT_EQ(cuStreamCreate(nullptr, 0), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuStreamCreate(&stream, 0x4), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  unsigned flags = 99;
  EXPECT_EQ(cuStreamGetFlags(stream, &flags), CUDA_SUCCESS);
  EXPECT_EQ(flags, unsigned{CU_STREAM_NON_BLOCKING});
  EXPECT_EQ(cuStreamGetFlags(stream, nullptr), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuStreamSynchronize(stream), CUDA_ERROR_INVALID_HANDLE);
  // The default streams are not created streams.
  EXPECT_EQ(cuStreamDestroy(CU_STREAM_LEGACY), CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(DriverStream, PrioritiesAreClampedIntoTheRange) {
  CUstream high = nullptr, low = nullptr, middle = nullptr;
  ASSERT_EQ(cuStreamCreateWithPriority(&high, 0, -100), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamCreateWithPriority(&low, 0, 100), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamCreateWithPriority(&middle, 0, -2), CUDA_SUCCESS);
  int priority = 1;
  EXPECT_EQ(cuStreamGetPriority(high, &priority), CUDA_SUCCESS);
  EXPECT_EQ(priority, -5);
  EXPECT_EQ(cuStreamGetPriority(low, &priority), CUDA_SUCCESS);
  EXPECT_EQ(priority, 0);
  EXPECT_EQ(cuStreamGetPriority(middle, &priority), CUDA_SUCCESS);
  EXPECT_EQ(priority, -2);
  for (CUstream stream : {high, low, middle})
    EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
}

TEST_F(DriverStream, IdsAreDistinctAndDefaultStreamsHaveThem) {
  CUstream first = nullptr, second = nullptr;
  ASSERT_EQ(cuStreamCreate(&first, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamCreate(&second, 0), CUDA_SUCCESS);
  unsigned long long a = 0, b = 0, legacy = 0, perThread = 0, zero = 0;
  EXPECT_EQ(cuStreamGetId(first, &a), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamGetId(second, &b), CUDA_SUCCESS);
  EXPECT_NE(a, b);
  EXPECT_EQ(cuStreamGetId(CU_STREAM_LEGACY, &legacy), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamGetId(nullptr, &zero), CUDA_SUCCESS);
  EXPECT_EQ(legacy, zero); // handle 0 is the legacy stream outside the _ptsz entry points
  EXPECT_EQ(cuStreamGetId(CU_STREAM_PER_THREAD, &perThread), CUDA_SUCCESS);
  EXPECT_NE(perThread, legacy);
  EXPECT_EQ(cuStreamDestroy(first), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamDestroy(second), CUDA_SUCCESS);
}

TEST_F(DriverStream, HostFunctionsRunInOrder) {
  std::vector<int> log;
  for (CUstream stream : {CUstream(nullptr), CU_STREAM_LEGACY, CU_STREAM_PER_THREAD}) {
    log.clear();
    for (int i = 0; i < 4; ++i)
      ASSERT_EQ(cuLaunchHostFunc(stream, appendTo, &log), CUDA_SUCCESS);
    ASSERT_EQ(cuStreamSynchronize(stream), CUDA_SUCCESS);
    EXPECT_EQ(log, (std::vector<int>{0, 1, 2, 3}));
  }
  EXPECT_EQ(cuLaunchHostFunc(nullptr, nullptr, nullptr), CUDA_ERROR_INVALID_VALUE);
}

struct CallbackRecord {
  CUstream stream = nullptr;
  CUresult status = CUDA_ERROR_UNKNOWN;
  int calls = 0;
};

void recordCallback(CUstream stream, CUresult status, void *userData) {
  auto *record = static_cast<CallbackRecord *>(userData);
  record->stream = stream;
  record->status = status;
  ++record->calls;
}

TEST_F(DriverStream, CallbacksGetTheirStreamAndStatus) {
  CUstream stream = nullptr;
  ASSERT_EQ(cuStreamCreate(&stream, 0), CUDA_SUCCESS);
  CallbackRecord record;
  EXPECT_EQ(cuStreamAddCallback(stream, recordCallback, &record, 1), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuStreamAddCallback(stream, nullptr, &record, 0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuStreamAddCallback(stream, recordCallback, &record, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamSynchronize(stream), CUDA_SUCCESS);
  EXPECT_EQ(record.calls, 1);
  EXPECT_EQ(record.stream, stream);
  EXPECT_EQ(record.status, CUDA_SUCCESS);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
}

TEST_F(DriverStream, QueryReportsPendingWork) {
  CUstream stream = nullptr;
  ASSERT_EQ(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamQuery(stream), CUDA_SUCCESS);
  HostGate gate;
  ASSERT_EQ(gate.block(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamQuery(stream), CUDA_ERROR_NOT_READY);
  gate.open();
  EXPECT_EQ(cuStreamSynchronize(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamQuery(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
}

TEST_F(DriverStream, WaitEventOrdersAnotherStream) {
  CUstream producer = nullptr, consumer = nullptr;
  ASSERT_EQ(cuStreamCreate(&producer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cuStreamCreate(&consumer, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  CUevent event = nullptr;
  ASSERT_EQ(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING), CUDA_SUCCESS);
  HostGate gate;
  std::vector<int> log;
  ASSERT_EQ(gate.block(producer), CUDA_SUCCESS);
  ASSERT_EQ(cuEventRecord(event, producer), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamWaitEvent(consumer, event, 0x8), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuStreamWaitEvent(consumer, event, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuLaunchHostFunc(consumer, appendTo, &log), CUDA_SUCCESS);
  // The consumer's host function waits for the producer's gate.
  EXPECT_EQ(cuStreamQuery(consumer), CUDA_ERROR_NOT_READY);
  EXPECT_TRUE(log.empty());
  gate.open();
  ASSERT_EQ(cuStreamSynchronize(consumer), CUDA_SUCCESS);
  EXPECT_EQ(log, std::vector<int>{0});
  EXPECT_EQ(cuStreamQuery(producer), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(event), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamWaitEvent(consumer, event, 0), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuStreamDestroy(producer), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamDestroy(consumer), CUDA_SUCCESS);
}

} // namespace
