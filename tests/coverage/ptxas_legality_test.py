#!/usr/bin/env python3
"""cuport refuses exactly what ptxas refuses: a differential legality check.

Generates single-instruction kernels over the instruction forms of the families cuport lowers
(types x modifiers x rounding x .ftz/.sat x state spaces, after the PTX ISA's instruction pages),
asks NVIDIA's ptxas for each target (sm_75, sm_80, sm_86, sm_89, sm_90) which of them it
assembles, and asks cuport (ptx_legality_probe: parse and lower) which of them it loads. Every form is judged in a
.version 9.0 module and in a module of the target's oldest PTX ISA version; the forms whose verdict
differs between the two (those newer than the target) are judged again at every version between.

Fails on every form cuport loads but ptxas rejects for the module's target and version (cuport
would give it a meaning the ISA does not define), and on every form ptxas assembles but cuport
rejects (a gap), unless DELIBERATE_GAPS names it. Exits 77 (a CTest skip) when ptxas is not
installed.
"""

import argparse
import collections
import concurrent.futures
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile

TARGETS = (75, 80, 86, 89, 90)
SKIP = 77
KERNEL_SIZE = 512

HEAD = ".version {version}\n.target sm_{sm}\n.address_size 64\n"
NEWEST = "9.0"
# The PTX ISA versions ptxas knows, oldest first, and the oldest one of each target.
VERSIONS = ("6.3", "6.4", "6.5", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8",
            "8.0", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "9.0")
OLDEST = {75: "6.3", 80: "7.0", 86: "7.1", 89: "7.8", 90: "7.8"}

# Forms ptxas assembles that cuport refuses on purpose, each with the reason: regular expressions
# matched against the whole instruction text.
DELIBERATE_GAPS = {
    # The ISA: the selector of m16n8k32 .f16 / .bf16 is 0 (lanes T0, T1) or 1 (T2, T3), any other
    # value is undefined; ptxas takes 2 and 3 with .f32 accumulators.
    r"mma\.sp(::ordered_metadata)?\.sync\.aligned\.m16n8k32\.row\.col\.f32\.f16\.f16\.f32 .*, [23]":
        "sparsity selector the ISA leaves undefined",
}
REGS = ("  .reg .pred %p<8>;\n  .reg .b16 %h<8>;\n  .reg .b32 %r<8>;\n  .reg .b64 %rd<8>;\n"
        "  .shared .align 16 .b8 sbuf[64];\n")

# Register bank of each operand type: bit-size registers take any type of their size.
SIZE = {"pred": 0, "b8": 8, "u8": 8, "s8": 8, "b16": 16, "u16": 16, "s16": 16, "f16": 16,
        "bf16": 16, "b32": 32, "u32": 32, "s32": 32, "f32": 32, "f16x2": 32, "bf16x2": 32,
        "u16x2": 32, "s16x2": 32, "tf32": 32, "b64": 64, "u64": 64, "s64": 64, "f64": 64,
        "b128": 128}
BANK = {0: "%p", 8: "%h", 16: "%h", 32: "%r", 64: "%rd"}


def reg(type_, index):
    return "%s%d" % (BANK[SIZE[type_]], index)


def wide(type_):
    return {"s16": "s32", "u16": "u32", "s32": "s64", "u32": "u64", "f16": "f32"}.get(type_, type_)


INT = ("s16", "u16", "s32", "u32", "s64", "u64")
BITS = ("b16", "b32", "b64")
FLOAT = ("f32", "f64")
HALF = ("f16", "f16x2", "bf16", "bf16x2")
PACKED_INT = ("u16x2", "s16x2")
SCALAR = ("b8", "u8", "s8") + INT + BITS + FLOAT + ("f16", "bf16")
ARITH = INT + FLOAT + HALF + PACKED_INT + BITS
CVT_TYPES = ("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f16", "bf16", "f32", "f64")
FROUND = ("", ".rn", ".rz", ".rm", ".rp")
IROUND = (".rni", ".rzi", ".rmi", ".rpi")
CMP = ("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ", "neu", "ltu", "leu",
       "gtu", "geu", "num", "nan")
SPACES = ("", ".global", ".shared", ".local", ".const", ".param")


def product(*slots):
    return ("".join(parts) for parts in itertools.product(*slots))


def forms():
    """Yields (family, instruction text) for every generated form."""
    def ops(types, dst, srcs):
        return ", ".join([reg(dst, 0)] + [reg(t, i + 1) for i, t in enumerate(srcs)])

    for op in ("add", "sub"):
        for mods in product(FROUND, ("", ".ftz"), ("", ".sat")):
            for t in ARITH:
                yield op, "%s%s.%s %s" % (op, mods, t, ops(t, t, (t, t)))
        for t in ("s32", "u32"):
            yield op, "%s.cc.%s %s" % (op, t, ops(t, t, (t, t)))
            yield op, "%sc.%s %s" % (op, t, ops(t, t, (t, t)))
            yield op, "%sc.cc.%s %s" % (op, t, ops(t, t, (t, t)))
    for op, n in (("mul", 2), ("mad", 3)):
        for mode in ("", ".lo", ".hi", ".wide"):
            for mods in product(FROUND, ("", ".ftz"), ("", ".sat")):
                for t in ARITH:
                    d = wide(t) if mode == ".wide" else t
                    srcs = [t, t] + ([d] if n == 3 else [])
                    yield op, "%s%s%s.%s %s" % (op, mode, mods, t, ops(t, d, srcs))
    for t in ("s32", "u32", "s64", "u64"):
        for mode in (".lo", ".hi"):
            yield "mad", "mad%s.cc.%s %s" % (mode, t, ops(t, t, (t, t, t)))
            yield "mad", "madc%s.%s %s" % (mode, t, ops(t, t, (t, t, t)))
    for op, n in (("mul24", 2), ("mad24", 3)):
        for mods in product(("", ".lo", ".hi"), ("", ".sat")):
            for t in INT + ("b32",):
                yield op, "%s%s.%s %s" % (op, mods, t, ops(t, t, (t,) * n))
    for t in ARITH:
        yield "sad", "sad.%s %s" % (t, ops(t, t, (t, t, t)))
        yield "rem", "rem.%s %s" % (t, ops(t, t, (t, t)))
    for mods in product(("", ".approx", ".full") + FROUND[1:], ("", ".ftz")):
        for t in ARITH:
            yield "div", "div%s.%s %s" % (mods, t, ops(t, t, (t, t)))
    for op in ("abs", "neg"):
        for ftz in ("", ".ftz"):
            for t in ARITH:
                yield op, "%s%s.%s %s" % (op, ftz, t, ops(t, t, (t,)))
    for op in ("min", "max"):
        for mods in product(("", ".ftz"), ("", ".NaN"), ("", ".xorsign.abs"), ("", ".relu")):
            for t in ARITH:
                yield op, "%s%s.%s %s" % (op, mods, t, ops(t, t, (t, t)))
        for t in ("f32", "f16", "bf16"):
            yield op, "%s.%s %s, %s, %s, %s" % (op, t, reg(t, 0), reg(t, 1), reg(t, 2), reg(t, 3))
    for op in ("popc", "clz"):
        for t in ARITH:
            yield op, "%s.%s %s" % (op, t, ops(t, "u32", (t,)))
    for mods in product(("", ".shiftamt")):
        for t in ARITH:
            yield "bfind", "bfind%s.%s %s" % (mods, t, ops(t, "u32", (t,)))
    for t in ARITH:
        yield "brev", "brev.%s %s" % (t, ops(t, t, (t,)))
        yield "bfe", "bfe.%s %s" % (t, ops(t, t, (t, "u32", "u32")))
        yield "bfi", "bfi.%s %s" % (t, ops(t, t, (t, t, "u32", "u32")))
        yield "fns", "fns.%s %s" % (t, ops(t, "b32", ("b32", "s32", "s32")))
        for mode in (".clamp", ".wrap"):
            yield "szext", "szext%s.%s %s" % (mode, t, ops(t, t, (t, "u32")))
            yield "bmsk", "bmsk%s.%s %s" % (mode, t, ops(t, t, ("u32", "u32")))
    for op in ("dp4a", "dp2a.lo", "dp2a.hi"):
        for a, b in itertools.product(("u32", "s32", "u16", "f32"), repeat=2):
            yield op.split(".")[0], "%s.%s.%s %s" % (op, a, b, ops(a, "s32", (a, b, "s32")))
    for op, n in (("and", 2), ("or", 2), ("xor", 2), ("not", 1), ("cnot", 1)):
        for t in ("pred",) + ARITH:
            yield op, "%s.%s %s" % (op, t, ops(t, t, (t,) * n))
    for t in ARITH:
        yield "lop3", "lop3.%s %s, 0x96" % (t, ops(t, t, (t, t, t)))
    for mods in product((".l", ".r"), (".clamp", ".wrap", "")):
        for t in ARITH:
            yield "shf", "shf%s.%s %s" % (mods, t, ops(t, t, (t, t, "u32")))
    for op in ("shl", "shr"):
        for t in ARITH:
            yield op, "%s.%s %s" % (op, t, ops(t, t, (t, "u32")))
    for cmp in CMP:
        for ftz in ("", ".ftz"):
            for t in SCALAR + ("f16x2", "bf16x2"):
                yield "setp", "setp.%s%s.%s %s" % (cmp, ftz, t, ops(t, "pred", (t, t)))
                for d in ("u32", "s32", "f32", "b32", "f16", "u16"):
                    yield "set", "set.%s%s.%s.%s %s" % (cmp, ftz, d, t, ops(t, d, (t, t)))
        for bop in (".and", ".or", ".xor"):
            for t in ("s32", "b32", "f32"):
                yield "setp", "setp.%s%s.%s %s|%s, %s, %s, %s" % (
                    cmp, bop, t, reg("pred", 0), reg("pred", 1), reg(t, 1), reg(t, 2),
                    reg("pred", 3))
    for t in ("pred",) + ARITH:
        yield "selp", "selp.%s %s, %s" % (t, ops(t, t, (t, t)), reg("pred", 3))
        for c in ("s32", "f32", "u32", "b32", "s64"):
            for ftz in ("", ".ftz"):
                yield "slct", "slct%s.%s.%s %s" % (ftz, t, c, ops(t, t, (t, t, c)))
    for op in ("rcp", "sqrt", "rsqrt", "sin", "cos", "lg2", "ex2", "tanh"):
        for mods in product(("", ".approx", ".full") + FROUND[1:], ("", ".ftz")):
            for t in FLOAT + HALF:
                yield op, "%s%s.%s %s" % (op, mods, t, ops(t, t, (t,)))
    for mods in product(FROUND, ("", ".ftz"), ("", ".sat"), ("", ".oob"), ("", ".relu")):
        for t in FLOAT + HALF:
            yield "fma", "fma%s.%s %s" % (mods, t, ops(t, t, (t, t, t)))
    for op in ("finite", "infinite", "number", "notanumber", "normal", "subnormal"):
        for t in FLOAT + HALF + ("b32",):
            yield "testp", "testp.%s.%s %s" % (op, t, ops(t, "pred", (t,)))
    for t in FLOAT + HALF + ("b32",):
        yield "copysign", "copysign.%s %s" % (t, ops(t, t, (t, t)))
    for mode in ("", ".f4e", ".b4e", ".rc8", ".ecl", ".ecr", ".rc16", ".foo"):
        for t in ("b32", "b64", "u32"):
            yield "prmt", "prmt.%s%s %s" % (t, mode, ops(t, t, (t, t, t)))
    for t in ("pred",) + SCALAR + HALF + PACKED_INT + ("b128",):
        if SIZE[t] in BANK:
            yield "mov", "mov.%s %s" % (t, ops(t, t, (t,)))
    # cvt: every type pair x rounding x .ftz x .sat (plus .relu and .satfinite).
    for d, a in itertools.product(CVT_TYPES, repeat=2):
        for mods in product(("",) + FROUND[1:] + IROUND, ("", ".ftz"), ("", ".sat")):
            dst = "%h0" if d in ("u8", "s8") else reg(d, 0)
            src = "%h1" if a in ("u8", "s8") else reg(a, 1)
            yield "cvt", "cvt%s.%s.%s %s, %s" % (mods, d, a, dst, src)
    for d in ("f16", "bf16", "f16x2", "bf16x2", "tf32"):
        for mods in product(("", ".rn", ".rz", ".rna", ".rm"), ("", ".relu"), ("", ".satfinite")):
            srcs = (reg("f32", 1), reg("f32", 2)) if d.endswith("x2") else (reg("f32", 1),)
            yield "cvt", "cvt%s.%s.f32 %s, %s" % (mods, d, reg(d, 0), ", ".join(srcs))
    # ld / st: state spaces x cache operators x vectors x types, and the memory-model forms.
    caches_ld = ("", ".ca", ".cg", ".cs", ".lu", ".cv")
    caches_st = ("", ".wb", ".cg", ".cs", ".wt")
    for space, vec, t in itertools.product(SPACES, ("", ".v2", ".v4"), SCALAR):
        addr = "[sbuf]" if space == ".shared" else "[%rd7]"
        n = {"": 1, ".v2": 2, ".v4": 4}[vec]
        values = reg(t, 0) if n == 1 else "{%s}" % ", ".join(reg(t, i) for i in range(n))
        for cache in caches_ld:
            yield "ld", "ld%s%s%s.%s %s, %s" % (space, cache, vec, t, values, addr)
        if space not in (".const", ".param"):
            for cache in caches_st:
                yield "st", "st%s%s%s.%s %s, %s" % (space, cache, vec, t, addr, values)
    for space in ("", ".global", ".shared"):
        addr = "[sbuf]" if space == ".shared" else "[%rd7]"
        for sem, scope in itertools.product(("", ".volatile", ".relaxed", ".acquire", ".release",
                                             ".weak", ".mmio.relaxed"),
                                            ("", ".cta", ".cluster", ".gpu", ".sys")):
            for t in ("b32", "u64", "f32", "b16"):
                yield "ld", "ld%s%s%s.%s %s, %s" % (sem, scope, space, t, reg(t, 0), addr)
                yield "st", "st%s%s%s.%s %s, %s" % (sem, scope, space, t, addr, reg(t, 0))
    for space in ("", ".global", ".shared"):
        addr = "[sbuf]" if space == ".shared" else "[%rd7]"
        for op in (".and", ".or", ".xor", ".exch", ".add", ".inc", ".dec", ".min", ".max",
                   ".cas"):
            for sem, scope in itertools.product(("", ".relaxed", ".acquire", ".release",
                                                 ".acq_rel"), ("", ".cta", ".gpu", ".sys")):
                for t in ("b32", "b64", "u32", "s32", "u64", "s64", "f32", "f64", "f16",
                          "bf16", "f16x2", "bf16x2", "b16"):
                    extra = ", %s" % reg(t, 2) if op == ".cas" else ""
                    yield "atom", "atom%s%s%s%s.%s %s, %s, %s%s" % (
                        sem, scope, space, op, t, reg(t, 0), addr, reg(t, 1), extra)
                    if op != ".cas" and op != ".exch" and sem != ".acquire":
                        yield "red", "red%s%s%s%s.%s %s, %s" % (sem, scope, space, op, t, addr,
                                                               reg(t, 1))
    # Single forms of the warp, matrix, asynchronous-copy, barrier, cache and stack instructions,
    # chiefly for their target and PTX ISA version requirements.
    for text in (
            "redux.sync.add.u32 %r0, %r1, 0xffffffff", "redux.sync.min.s32 %r0, %r1, 0xffffffff",
            "redux.sync.and.b32 %r0, %r1, 0xffffffff", "elect.sync %r0|%p0, 0xffffffff",
            "activemask.b32 %r0", "nanosleep.u32 %r1", "match.any.sync.b32 %r0, %r1, 0xffffffff",
            "match.all.sync.b64 %r0|%p0, %rd1, 0xffffffff",
            "vote.sync.ballot.b32 %r0, %p1, 0xffffffff",
            "shfl.sync.bfly.b32 %r0|%p0, %r1, 1, 31, 0xffffffff", "bar.warp.sync 0xffffffff",
            "barrier.sync.aligned 0", "bar.red.popc.u32 %r0, 0, %p1",
            "ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%r0}, [sbuf]",
            "ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%r0, %r1, %r2, %r3}, [sbuf]",
            "stmatrix.sync.aligned.m8n8.x1.shared.b16 [sbuf], {%r0}",
            "movmatrix.sync.aligned.m8n8.trans.b16 %r0, %r1",
            "cp.async.ca.shared.global [sbuf], [%rd1], 4",
            "cp.async.cg.shared.global [sbuf], [%rd1], 16", "cp.async.commit_group",
            "cp.async.wait_group 0", "cp.async.wait_all", "mbarrier.init.shared.b64 [sbuf], %r1",
            "mbarrier.arrive.shared.b64 %rd0, [sbuf]",
            "mbarrier.try_wait.shared.b64 %p0, [sbuf], %rd1",
            "mbarrier.test_wait.shared.b64 %p0, [sbuf], %rd1",
            "mbarrier.arrive.expect_tx.shared.b64 %rd0, [sbuf], %r1",
            "createpolicy.fractional.L2::evict_last.b64 %rd0, 1.0",
            "discard.global.L2 [%rd1], 128", "applypriority.global.L2::evict_normal [%rd1], 128",
            "alloca.u64 %rd0, 16", "stacksave.u64 %rd0", "griddepcontrol.wait",
            "griddepcontrol.launch_dependents", "fence.proxy.async", "fence.acq_rel.gpu",
            "fence.sc.cta", "membar.gl", "mapa.shared::cluster.u32 %r0, %r1, %r2",
            "getctarank.shared::cluster.u32 %r0, %r1", "barrier.cluster.arrive",
            "barrier.cluster.wait", "prefetch.global.L2::evict_last [%rd1]",
            "prefetch.tensormap [%rd1]", "ld.global.L2::256B.b32 %r0, [%rd1]",
            "ld.global.L2::cache_hint.b32 %r0, [%rd1], %rd2",
            "ld.global.nc.L1::no_allocate.b32 %r0, [%rd1]", "isspacep.shared::cluster %p0, %rd1",
            "cvta.param.u64 %rd0, %rd1", "cvt.pack.sat.u8.s32.b32 %r0, %r1, %r2, %r3",
            "cvt.rn.f16x2.e4m3x2 %r0, %h1", "cvt.rn.satfinite.e4m3x2.f32 %h0, %r1, %r2"):
        yield text.split(".")[0].split(" ")[0], text


MMA_BITS = {"f16": 16, "bf16": 16, "tf32": 32, "f32": 32, "f64": 64, "s8": 8, "s32": 32,
            "e4m3": 8, "s4": 4, "b1": 1}


def mma_fragment(rows, cols, type_, lanes=32):
    """A lane's registers of a rows x cols matrix spread over `lanes` lanes, as a vector."""
    elements = rows * cols // lanes
    count = max(1, elements if MMA_BITS[type_] == 64 else elements * MMA_BITS[type_] // 32)
    bank = "%rd" if MMA_BITS[type_] == 64 else "%r"
    return "{%s}" % ", ".join("%s%d" % (bank, i % 8) for i in range(count))


def mma_forms():
    """mma and mma.sp{::ordered_metadata}: shapes x layouts x C / D types x .satfinite x bit
    operations x sparsity selectors, each with the register counts of its fragments."""
    floats = ("f16", "f32")
    shapes = {"f16": ("m8n8k4", "m16n8k8", "m16n8k16", "m16n8k32"),
              "bf16": ("m16n8k8", "m16n8k16", "m16n8k32"),
              "tf32": ("m16n8k4", "m16n8k8", "m16n8k16"),
              "f64": ("m8n8k4", "m16n8k4", "m16n8k8", "m16n8k16"),
              "e4m3": ("m16n8k16", "m16n8k32", "m16n8k64"),
              "s8": ("m8n8k16", "m16n8k16", "m16n8k32", "m16n8k64"),
              "s4": ("m8n8k32", "m16n8k32", "m16n8k64", "m16n8k128"),
              "b1": ("m8n8k128", "m16n8k128", "m16n8k256")}
    accumulators = {"f16": floats, "bf16": floats, "tf32": floats, "e4m3": floats,
                    "f64": ("f64",), "s8": ("s32",), "s4": ("s32",), "b1": ("s32",)}
    for a, shape in ((a, shape) for a, names in shapes.items() for shape in names):
        m, n, k = (int(x) for x in re.match(r"m(\d+)n(\d+)k(\d+)", shape).groups())
        quad_pairs = shape == "m8n8k4" and a == "f16"  # each product over 8 lanes
        lanes = 8 if quad_pairs else 32
        for sparse in ("", ".sp", ".sp::ordered_metadata"):
            layouts = (".row.col", ".col.row", ".row.row", ".col.col") if a == "f16" else (
                ".row.col",)
            stored_k = k // 2 if sparse else k
            for layout, (d, c), sat, bit_op in itertools.product(
                    layouts, itertools.product(accumulators[a], repeat=2),
                    ("", ".satfinite") if a in ("s8", "s4", "f16") else ("",),
                    (".xor.popc", ".and.popc", "") if a == "b1" else ("",)):
                text = "mma%s.sync.aligned.%s%s%s.%s.%s.%s.%s%s %s, %s, %s, %s" % (
                    sparse, shape, layout, sat, d, a, a, c, bit_op, mma_fragment(m, n, d, lanes),
                    mma_fragment(m, stored_k, a, lanes), mma_fragment(k, n, a, lanes),
                    mma_fragment(m, n, c, lanes))
                if not sparse:
                    yield "mma", text
                    continue
                for selector in range(5):
                    yield "mma", "%s, %%r7, %d" % (text, selector)


def kernel(index, instruction):
    return ".visible .entry k%d()\n{\n%s  %s;\n}\n" % (index, REGS, instruction)


ERROR_LINE = re.compile(r"^ptxas [^,]*, line (\d+); error\s*: (.*)$")


def ptxas_rejections(ptxas, sm, version, instructions, workdir):
    """Maps the index of every instruction ptxas rejects for sm_XX in a module of the given PTX
    ISA version to its error. One ptxas call
    assembles them all, KERNEL_SIZE instructions to a kernel (code generation costs per kernel,
    not per instruction); its line-numbered errors name the instructions. Those left unnamed when
    ptxas gives up are assembled again without the named ones."""
    rejected = {}
    pending = list(range(len(instructions)))
    while pending:
        text = [HEAD.format(sm=sm, version=version)]
        line_of = {}
        line = text[0].count("\n") + 1
        for start in range(0, len(pending), KERNEL_SIZE):
            head = ".visible .entry k%d()\n{\n%s" % (start, REGS)
            text.append(head)
            line += head.count("\n")
            for index in pending[start:start + KERNEL_SIZE]:
                text.append("  %s;\n" % instructions[index])
                line_of[line] = index
                line += 1
            text.append("}\n")
            line += 1
        path = os.path.join(workdir, "sm_%d_%s.ptx" % (sm, version))
        with open(path, "w") as out:
            out.write("".join(text))
        run = subprocess.run([ptxas, "-arch=sm_%d" % sm, "-O0", path, "-o", os.devnull],
                             capture_output=True, text=True)
        if run.returncode == 0:
            break
        named = {}
        for message in (run.stdout + run.stderr).splitlines():
            match = ERROR_LINE.match(message)
            if match and int(match.group(1)) in line_of:
                named.setdefault(line_of[int(match.group(1))], match.group(2).strip())
        if not named:
            sys.exit("ptxas failed on sm_%d (.version %s) without naming an instruction:\n%s" %
                     (sm, version, run.stdout + run.stderr))
        rejected.update(named)
        pending = [index for index in pending if index not in named]
    return rejected


def cuport_rejections(probe, sm, version, instructions):
    modules = "".join(HEAD.format(sm=sm, version=version) + kernel(0, instruction) + "%%\n"
                      for instruction in instructions)
    run = subprocess.run([probe], input=modules, capture_output=True, text=True, check=True)
    rejected = {}
    for line in run.stdout.splitlines():
        fields = line.split("\t")
        if fields[1] == "rejected":
            rejected[int(fields[0])] = fields[2] if len(fields) > 2 else ""
    return rejected


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe", required=True, help="the ptx_legality_probe binary")
    parser.add_argument("--ptxas", default=None, help="ptxas (default: PATH, /usr/local/cuda)")
    parser.add_argument("--family", action="append", help="check only these families")
    parser.add_argument("--targets", default=",".join(str(sm) for sm in TARGETS))
    args = parser.parse_args()
    ptxas = args.ptxas or shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
    if not os.access(ptxas, os.X_OK):
        print("SKIP: ptxas is not installed (looked in PATH and /usr/local/cuda/bin); "
              "the legality check needs NVIDIA's assembler as its reference")
        return SKIP
    generated = [(family, text) for family, text in itertools.chain(forms(), mma_forms())
                 if not args.family or family in args.family]
    instructions = [text for _, text in generated]
    targets = [int(sm) for sm in args.targets.split(",")]
    # (sm, version) -> (indices judged, ptxas's rejections, cuport's rejections)
    verdicts = {}
    with tempfile.TemporaryDirectory(prefix="ptxas-legality-") as workdir, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        def judge(sm, version, indices):
            subset = [instructions[index] for index in indices]
            return (pool.submit(ptxas_rejections, ptxas, sm, version, subset, workdir),
                    pool.submit(cuport_rejections, args.probe, sm, version, subset))

        def collect(sm, version, indices, futures):
            by_ptxas, by_cuport = (future.result() for future in futures)
            verdicts[(sm, version)] = (
                indices, {indices[i]: why for i, why in by_ptxas.items()},
                {indices[i]: why for i, why in by_cuport.items()})

        everything = list(range(len(instructions)))
        pending = {(sm, version): judge(sm, version, everything)
                   for sm in targets for version in (NEWEST, OLDEST[sm])}
        for (sm, version), futures in pending.items():
            collect(sm, version, everything, futures)
        # Forms newer than the target's oldest version: every version between decides them.
        pending = {}
        for sm in targets:
            newer = sorted(set(verdicts[(sm, OLDEST[sm])][1]) - set(verdicts[(sm, NEWEST)][1]))
            between = VERSIONS[VERSIONS.index(OLDEST[sm]) + 1:VERSIONS.index(NEWEST)]
            for version in between if newer else ():
                pending[(sm, version)] = (newer, judge(sm, version, newer))
        for (sm, version), (indices, futures) in pending.items():
            collect(sm, version, indices, futures)
    wrong = []  # (where, instruction, ptxas's error)
    gaps = []  # (where, instruction, cuport's diagnostic)
    deliberate = []  # (where, instruction, why cuport refuses it)
    for (sm, version), (indices, ptxas_says, cuport_says) in sorted(verdicts.items()):
        where = "sm_%d" % sm if version == NEWEST else "sm_%d@%s" % (sm, version)
        for index in indices:
            instruction = instructions[index]
            if index in ptxas_says and index not in cuport_says:
                wrong.append((where, instruction, ptxas_says[index]))
            elif index in cuport_says and index not in ptxas_says:
                reason = next((why for pattern, why in DELIBERATE_GAPS.items()
                               if re.fullmatch(pattern, instruction)), None)
                if reason:
                    deliberate.append((where, instruction, reason))
                else:
                    gaps.append((where, instruction, cuport_says[index]))
    checks = sum(len(indices) for indices, _, _ in verdicts.values())
    print("%d forms, %d checks over targets and PTX ISA versions: %d accepted by cuport but "
          "rejected by ptxas, %d accepted by ptxas but rejected by cuport (%d of them on purpose)"
          % (len(instructions), checks, len(wrong), len(gaps) + len(deliberate), len(deliberate)))
    if deliberate:
        print("\nRefused on purpose (DELIBERATE_GAPS):")
        print_grouped(deliberate)
    if gaps:
        print("\nFAIL: cuport rejects forms ptxas assembles (cuport's diagnostic shown):")
        print_grouped(gaps)
    if wrong:
        print("\nFAIL: cuport loads forms ptxas rejects (ptxas's error shown):")
        print_grouped(wrong)
    return 1 if wrong or gaps else 0


def print_grouped(findings):
    """One line per instruction: the targets (sm_XX@version below .version 9.0) it concerns, then
    the first reason given."""
    targets = collections.defaultdict(list)
    reasons = {}
    for where, instruction, why in findings:
        targets[instruction].append(where)
        reasons.setdefault(instruction, why)
    for instruction, sms in targets.items():
        print("  %-48s %-24s %s" % (instruction, ",".join(sms), reasons[instruction]))

if __name__ == "__main__":
    sys.exit(main())
