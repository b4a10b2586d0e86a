#!/usr/bin/env python3
"""The table of docs/runtime-api.md (or, given libcuda.so.1, of docs/driver-api.md): every name
the library exports with its status in cuport.

A status is `supported`, `partial` (the note says what is missing) or `unsupported` (the note says
why). What is implemented is read from the built library: a name the runtime does not define is a
generated weak stub (nm binding 'W'), one it implements is a strong definition ('T').

  runtime_api_table.py --library build/lib/libcudart.so.13 --update
      adds rows for new exports, drops rows of names no longer exported, marks a row whose
      function became implemented `supported` (review it: it may be `partial`) and one that
      became a stub `unsupported`; hand-written notes of unchanged rows are kept.
  runtime_api_table.py --library build/lib/libcudart.so.13 --check
      fails when the table does not list exactly the exports, or a status disagrees with the
      library (CTest runs this).
  runtime_api_table.py --library build/lib/libcuda.so.1 --exports runtime/driver/exports.txt \
      --table docs/driver-api.md --update
      the same for the driver API.
"""

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
STATUSES = ("supported", "partial", "unsupported")
BEGIN = "<!-- table begin: scripts/runtime_api_table.py --update rewrites what follows -->"
END = "<!-- table end -->"
HEADER = "| Function | Status | Notes |\n|---|---|---|\n"
ROW = re.compile(r"^\| `([^`]+)` \| (\w+) \| (.*) \|$")

# Why a function is not implemented, by family, for rows the script adds; edit the row's note
# when there is more to say.
DEFAULT_REASONS = [
    (r"GL|EGL|VDPAU|D3D|Graphics", "graphics interoperability: no graphics API on this device"),
    (r"Ipc", "interprocess sharing is not implemented"),
    (r"Graph|StreamBeginCapture|StreamEndCapture|StreamIsCapturing|StreamGetCaptureInfo"
     r"|StreamUpdateCaptureDependencies|ThreadExchangeStreamCaptureMode|UserObject",
     "graphs and stream capture are not implemented yet"),
    (r"MemPool|MallocAsync|FreeAsync|MallocFromPoolAsync|DeviceGetDefaultMemPool"
     r"|DeviceSetMemPool|DeviceGetMemPool", "stream-ordered memory pools are not implemented yet"),
    (r"Texture|Surface|Array|Mipmapped|ChannelDesc", "textures, surfaces and arrays are not "
     "implemented yet"),
    (r"Peer", "one device: there are no peers"),
    (r"ExternalMemory|ExternalSemaphore", "external memory and semaphores are not implemented"),
    (r"Profiler", "no profiler"),
]


def default_reason(name, exports=()):
    # The driver API's older ABIs of a function, which cuda.h maps to a _v2 (or later) export.
    if any(f"{name}_v{version}" in exports for version in (2, 3, 4)):
        return "an older ABI of the function; cuda.h maps the name to a newer `_vN` export"
    for pattern, reason in DEFAULT_REASONS:
        if re.search(pattern, name):
            return reason
    return "not implemented yet"


def read_exports(path):
    return sorted({line.strip() for line in open(path) if line.strip()
                   and not line.startswith("#")})


def library_bindings(library):
    """name -> 'T' (implemented) or 'W' (generated stub) for every defined dynamic symbol."""
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    bindings = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3:
            name = fields[2].split("@")[0]
            bindings[name] = fields[1]
    return bindings


def implemented(binding):
    return binding == "T"


def read_table(text):
    """(before, rows, after, problems); rows: list of (name, status, note)."""
    if BEGIN not in text or END not in text:
        return text, [], "", [f"the markers {BEGIN!r} and {END!r} are missing"]
    before, rest = text.split(BEGIN, 1)
    body, after = rest.split(END, 1)
    rows, problems = [], []
    for line in body.splitlines():
        line = line.rstrip()
        if not line or line.startswith("| Function") or line.startswith("|---"):
            continue
        match = ROW.match(line)
        if not match:
            problems.append(f"not a table row: {line}")
            continue
        rows.append((match.group(1), match.group(2), match.group(3).strip()))
    return before, rows, after, problems


def render(before, rows, after):
    lines = "".join(f"| `{name}` | {status} | {note} |\n" for name, status, note in rows)
    return f"{before}{BEGIN}\n{HEADER}{lines}{END}{after}"


def check(rows, exports, bindings):
    problems = []
    names = [name for name, _, _ in rows]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(f"listed more than once: {duplicates}")
    missing = sorted(set(exports) - set(names))
    extra = sorted(set(names) - set(exports))
    if missing:
        problems.append(f"{len(missing)} exports not in the table, e.g. {missing[:5]}")
    if extra:
        problems.append(f"{len(extra)} rows for names not exported, e.g. {extra[:5]}")
    for name, status, note in rows:
        if status not in STATUSES:
            problems.append(f"{name}: status {status!r} is none of {STATUSES}")
            continue
        if name not in bindings:
            if name in exports:
                problems.append(f"{name}: not defined in the library")
            continue
        if status == "unsupported" and implemented(bindings[name]):
            problems.append(f"{name}: marked unsupported, but the library implements it "
                            f"(binding {bindings[name]})")
        if status != "unsupported" and not implemented(bindings[name]):
            problems.append(f"{name}: marked {status}, but the library has only the generated "
                            f"stub (binding {bindings[name]})")
        if status in ("partial", "unsupported") and not note:
            problems.append(f"{name}: a {status} function needs a note saying what is missing")
    return problems


def update(rows, exports, bindings):
    known = {name: (status, note) for name, status, note in rows}
    updated = []
    for name in exports:
        is_implemented = implemented(bindings.get(name))
        status, note = known.get(name, (None, ""))
        if is_implemented and status not in ("supported", "partial"):
            status, note = "supported", ""
        elif not is_implemented and status != "unsupported":
            status, note = "unsupported", default_reason(name, exports)
        updated.append((name, status, note))
    return updated


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", required=True,
                        help="the built libcudart.so.13 or libcuda.so.1")
    parser.add_argument("--exports", default=ROOT / "runtime/cudart/exports.txt")
    parser.add_argument("--table", default=ROOT / "docs/runtime-api.md")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--update", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args()

    exports = read_exports(args.exports)
    bindings = library_bindings(args.library)
    text = pathlib.Path(args.table).read_text()
    before, rows, after, problems = read_table(text)
    if args.update:
        if BEGIN not in text:
            print("\n".join(problems))
            return 1
        rows = update(rows, exports, bindings)
        pathlib.Path(args.table).write_text(render(before, rows, after))
        counts = {status: sum(1 for _, s, _ in rows if s == status) for status in STATUSES}
        print(f"{args.table}: {len(rows)} functions, {counts}")
        return 0
    problems += check(rows, exports, bindings)
    for problem in problems:
        print(f"{args.table}: {problem}")
    if problems:
        return 1
    print(f"{args.table}: {len(rows)} functions, statuses agree with {args.library}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
