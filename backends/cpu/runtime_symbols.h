// Functions that JIT-compiled kernel code calls into the executor, by the names the lowering
// passes emit. The JIT resolves exactly these (plus codegen's own libcalls); any other external a
// kernel calls is reported as an error when it compiles.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace cuport::cpu::runtime_symbols {

// [[noreturn]] void (ThreadContext *): `trap`; ends the grid with a launch failure.
inline constexpr std::string_view trap = "cuport_cpu_trap";
// [[noreturn]] void (ThreadContext *): `brkpt`; ends the grid with a launch failure.
inline constexpr std::string_view breakpoint = "cuport_cpu_brkpt";
// [[noreturn]] void (message, file, i32 line, function, char_size, ThreadContext *): the CUDA
// __assertfail arguments plus the thread's context.
inline constexpr std::string_view assert_fail = "cuport_cpu_assert_fail";
// void *(ThreadContext *, uint64_t size): storage for the thread's coroutine frame.
inline constexpr std::string_view coroutine_frame = "cuport_cpu_coroutine_frame";
// A coroutine kernel's run-time allocations (ThreadContext::dynamic_stack): void *(ThreadContext
// *, uint64_t size, uint64_t alignment) allocates (ending the grid when the thread's
// kDynamicStackBytes are exhausted), void *(ThreadContext *) is stacksave and void
// (ThreadContext *, void *) stackrestore.
inline constexpr std::string_view dynamic_alloca = "cuport_cpu_dynamic_alloca";
inline constexpr std::string_view dynamic_stack_save = "cuport_cpu_dynamic_stacksave";
inline constexpr std::string_view dynamic_stack_restore = "cuport_cpu_dynamic_stackrestore";
// i32 (uint64_t address): 1 when a generic address lies in a .const variable of a loaded module
// (isspacep.const), else 0.
inline constexpr std::string_view is_const_address = "cuport_cpu_is_const_address";
// uint64_t (): nanoseconds, for %globaltimer.
inline constexpr std::string_view global_timer = "cuport_cpu_global_timer";
// Texture and surface objects (cuport.tex, cuport.tld4, cuport.suld, cuport.sust, cuport.sured,
// cuport.txq, cuport.txq.level, cuport.istypep of docs/kernel-ir.md) with the thread's context
// appended, for traps.
inline constexpr std::string_view texture_sample = "cuport_cpu_tex";
inline constexpr std::string_view texture_gather = "cuport_cpu_tld4";
inline constexpr std::string_view surface_load = "cuport_cpu_suld";
inline constexpr std::string_view surface_store = "cuport_cpu_sust";
inline constexpr std::string_view surface_reduce = "cuport_cpu_sured";
inline constexpr std::string_view texture_query = "cuport_cpu_txq";
inline constexpr std::string_view texture_level_query = "cuport_cpu_txq_level";
inline constexpr std::string_view object_type_test = "cuport_cpu_istypep";
// uint64_t (texture, sampler, scratch, ThreadContext *): cuport.tex.sampler, independent mode's
// texture and sampler combined into a descriptor at `scratch`; returns its address.
inline constexpr std::string_view texture_bind_sampler = "cuport_cpu_tex_sampler";

// mbarrier objects (cuport.mbarrier.init, .inval, .arrive, .tx, .pending_count; mbarrier.h) with
// the thread's context appended: an object outside the block's shared memory, or an operation
// the ISA forbids, ends the grid with a launch failure.
inline constexpr std::string_view mbarrier_init = "cuport_cpu_mbarrier_init";
inline constexpr std::string_view mbarrier_inval = "cuport_cpu_mbarrier_inval";
inline constexpr std::string_view mbarrier_arrive = "cuport_cpu_mbarrier_arrive";
inline constexpr std::string_view mbarrier_transactions = "cuport_cpu_mbarrier_tx";
inline constexpr std::string_view mbarrier_pending_count = "cuport_cpu_mbarrier_pending_count";

// Bulk asynchronous copies (cuport.bulk.copy, cuport.bulk.reduce; bulk_copy.h) with the thread's
// context appended: a misaligned operand, a size that is not a multiple of 16, a shared operand
// outside the block's shared memory or a multicast to a CTA the cluster lacks ends the grid with a
// launch failure.
inline constexpr std::string_view bulk_copy = "cuport_cpu_bulk_copy";
inline constexpr std::string_view bulk_reduce = "cuport_cpu_bulk_reduce";

// Directed rounding (directed_rounding.h): float (op, a, b, c, mode), double (op, a, b, c,
// mode) and the conversion uint64_t (bits, from kind, to kind, mode).
inline constexpr std::string_view rounded_f32 = "cuport_cpu_rounded_f32";
inline constexpr std::string_view rounded_f64 = "cuport_cpu_rounded_f64";
inline constexpr std::string_view rounded_convert = "cuport_cpu_rounded_convert";

// Device-side functions that PTX declares as externs and the CPU backend provides directly.
inline constexpr std::string_view device_malloc = "malloc";
inline constexpr std::string_view device_free = "free";
// i32 vprintf(format, arguments): appends a record to the printf FIFO (printf_fifo.h).
inline constexpr std::string_view device_printf = "vprintf";

// Name and address of everything above, for the JIT's symbol table.
std::vector<std::pair<std::string_view, void *>> table();

bool isProvided(std::string_view name);

} // namespace cuport::cpu::runtime_symbols
