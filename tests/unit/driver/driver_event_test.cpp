// Events through the driver API: creation flags, records, queries, host waits and elapsed time
// with the error codes cuda.h documents.
#include "tests/unit/driver/host_gate.h"

#include "tests/unit/driver/driver_test_support.h"

#include <cuda.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

// NVIDIA's library exports the unsuffixed cuEventElapsedTime beside the _v2 one cuda.h selects.
#undef cuEventElapsedTime
extern "C" CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd);

namespace {

using cuport::driver_test::HostGate;

using DriverEvent = cuport::driver_test::DriverTest;

void sleepTwentyMilliseconds(void *) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

TEST_F(DriverEvent, CreateChecksFlags) {
  CUevent event = nullptr;
  EXPECT_EQ(cuEventCreate(nullptr, 0), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuEventCreate(&event, 0x10), CUDA_ERROR_INVALID_VALUE);
  // An interprocess event must disable timing.
  EXPECT_EQ(cuEventCreate(&event, CU_EVENT_INTERPROCESS), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuEventCreate(&event, CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(event), CUDA_SUCCESS);
  ASSERT_EQ(cuEventCreate(&event, CU_EVENT_BLOCKING_SYNC), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(event), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(event), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuEventQuery(event), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuEventRecord(event, nullptr), CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(DriverEvent, QueryAndSynchronizeFollowTheRecord) {
  CUevent event = nullptr;
  ASSERT_EQ(cuEventCreate(&event, 0), CUDA_SUCCESS);
  EXPECT_EQ(cuEventQuery(event), CUDA_SUCCESS); // never recorded: complete
  CUstream stream = nullptr;
  ASSERT_EQ(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  HostGate gate;
  ASSERT_EQ(gate.block(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuEventRecordWithFlags(event, stream, 0x4), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuEventRecordWithFlags(event, stream, 0), CUDA_SUCCESS);
  EXPECT_EQ(cuEventQuery(event), CUDA_ERROR_NOT_READY);
  gate.open();
  EXPECT_EQ(cuEventSynchronize(event), CUDA_SUCCESS);
  EXPECT_EQ(cuEventQuery(event), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamQuery(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(event), CUDA_SUCCESS);
}

TEST_F(DriverEvent, ElapsedTimeCoversTheWorkBetweenRecords) {
  CUevent start = nullptr, end = nullptr, untimed = nullptr;
  ASSERT_EQ(cuEventCreate(&start, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuEventCreate(&end, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuEventCreate(&untimed, CU_EVENT_DISABLE_TIMING), CUDA_SUCCESS);
  float milliseconds = -1;
  // Never recorded: CUDA_ERROR_INVALID_HANDLE.
  EXPECT_EQ(cuEventElapsedTime_v2(&milliseconds, start, end), CUDA_ERROR_INVALID_HANDLE);
  EXPECT_EQ(cuEventElapsedTime_v2(nullptr, start, end), CUDA_ERROR_INVALID_VALUE);
  ASSERT_EQ(cuEventRecord(start, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuLaunchHostFunc(nullptr, sleepTwentyMilliseconds, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuEventRecord(end, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuEventRecord(untimed, nullptr), CUDA_SUCCESS);
  ASSERT_EQ(cuEventSynchronize(end), CUDA_SUCCESS);
  ASSERT_EQ(cuEventSynchronize(untimed), CUDA_SUCCESS);
  ASSERT_EQ(cuEventElapsedTime_v2(&milliseconds, start, end), CUDA_SUCCESS);
  EXPECT_GE(milliseconds, 19.5f);
  float legacy = -1;
  ASSERT_EQ(cuEventElapsedTime(&legacy, start, end), CUDA_SUCCESS);
  EXPECT_EQ(legacy, milliseconds);
  // Either event created with CU_EVENT_DISABLE_TIMING: CUDA_ERROR_INVALID_HANDLE.
  EXPECT_EQ(cuEventElapsedTime_v2(&milliseconds, start, untimed), CUDA_ERROR_INVALID_HANDLE);
  for (CUevent event : {start, end, untimed})
    EXPECT_EQ(cuEventDestroy(event), CUDA_SUCCESS);
}

TEST_F(DriverEvent, ElapsedTimeOfAPendingRecordIsNotReady) {
  CUevent start = nullptr, end = nullptr;
  ASSERT_EQ(cuEventCreate(&start, 0), CUDA_SUCCESS);
  ASSERT_EQ(cuEventCreate(&end, 0), CUDA_SUCCESS);
  CUstream stream = nullptr;
  ASSERT_EQ(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), CUDA_SUCCESS);
  ASSERT_EQ(cuEventRecord(start, stream), CUDA_SUCCESS);
  HostGate gate;
  ASSERT_EQ(gate.block(stream), CUDA_SUCCESS);
  ASSERT_EQ(cuEventRecord(end, stream), CUDA_SUCCESS);
  float milliseconds = 0;
  EXPECT_EQ(cuEventElapsedTime_v2(&milliseconds, start, end), CUDA_ERROR_NOT_READY);
  gate.open();
  EXPECT_EQ(cuStreamSynchronize(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuEventElapsedTime_v2(&milliseconds, start, end), CUDA_SUCCESS);
  EXPECT_GE(milliseconds, 0.0f);
  EXPECT_EQ(cuStreamDestroy(stream), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(start), CUDA_SUCCESS);
  EXPECT_EQ(cuEventDestroy(end), CUDA_SUCCESS);
}

} // namespace
