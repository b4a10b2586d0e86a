// cuGetProcAddress: a driver function's address by base name, CUDA version and default-stream
// flavour, as libraries (and cudaGetDriverEntryPoint) look driver functions up. The version picks
// the ABI (cuMemAlloc at 3020 and later is cuMemAlloc_v2); the table comes from CUDA's
// cudaTypedefs.h at build time.
#include "runtime/driver/api.h"

#include "runtime/core/library_version.h"
#include "support/log.h"

#include <dlfcn.h>

#include <cstring>
#include <string>

// The CUDA 11.3 form, without the query result (cuda.h maps the name to cuGetProcAddress_v2).
#undef cuGetProcAddress
extern "C" CUresult cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion,
                                     cuuint64_t flags);

namespace {

struct ProcEntry {
  const char *name;
  int version; // the CUDA version that introduced this ABI
  const char *exportName;
};

constexpr ProcEntry kProcs[] = {
#define CUPORT_PROC_ENTRY(name, version, exportName) {name, version, exportName},
#include "proc_table.inc"
#undef CUPORT_PROC_ENTRY
};

// The per-thread default stream twins exist from CUDA 7.0 on.
constexpr int kPerThreadVersion = 7000;

// This library's own handle: lookups must find our exports, never another libcuda's.
void *ownHandle() {
  static void *handle = [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void *>(&ownHandle), &info) || !info.dli_fname)
      return static_cast<void *>(nullptr);
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  }();
  return handle;
}

CUresult lookUp(const char *entry, const char *symbol, void **pfn, int cudaVersion,
                cuuint64_t flags, CUdriverProcAddressQueryResult *symbolStatus) {
  using cuport::driver::finishCall;
  constexpr cuuint64_t kKnownFlags =
      CU_GET_PROC_ADDRESS_LEGACY_STREAM | CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM;
  if (!symbol || !pfn || (flags & ~kKnownFlags) || cudaVersion > cuport::core::kDriverApiVersion)
    return finishCall(entry, CUDA_ERROR_INVALID_VALUE, "symbol=%s version=%d flags=0x%llx",
                      symbol ? symbol : "(null)", cudaVersion,
                      static_cast<unsigned long long>(flags));
  *pfn = nullptr;
  const ProcEntry *chosen = nullptr;
  bool known = false;
  for (const ProcEntry &proc : kProcs) {
    if (std::strcmp(proc.name, symbol) != 0)
      continue;
    known = true;
    if (proc.version <= cudaVersion && (!chosen || proc.version > chosen->version))
      chosen = &proc;
  }
  CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SUCCESS;
  std::string found;
  if (!chosen) {
    status =
        known ? CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT : CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
  } else {
    void *handle = ownHandle();
    found = chosen->exportName;
    // Without the per-thread flag (CU_GET_PROC_ADDRESS_DEFAULT from code not compiled for the
    // per-thread default stream, or LEGACY_STREAM) the legacy-stream function is the answer.
    if ((flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) &&
        cudaVersion >= kPerThreadVersion && handle) {
      for (const char *suffix : {"_ptsz", "_ptds"}) {
        std::string twin = found + suffix;
        if (dlsym(handle, twin.c_str())) {
          found = twin;
          break;
        }
      }
    }
    *pfn = handle ? dlsym(handle, found.c_str()) : nullptr;
    if (!*pfn) {
      CUPORT_ERROR("%s(%s): cannot find this library's export %s", entry, symbol, found.c_str());
      status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    }
  }
  if (symbolStatus)
    *symbolStatus = status;
  return finishCall(entry, CUDA_SUCCESS, "symbol=%s version=%d flags=0x%llx -> %s", symbol,
                    cudaVersion, static_cast<unsigned long long>(flags),
                    *pfn ? found.c_str() : "not found");
}

} // namespace

extern "C" {

CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags,
                             CUdriverProcAddressQueryResult *symbolStatus) {
  return lookUp("cuGetProcAddress_v2", symbol, pfn, cudaVersion, flags, symbolStatus);
}

CUresult cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags) {
  return lookUp("cuGetProcAddress", symbol, pfn, cudaVersion, flags, nullptr);
}

} // extern "C"
