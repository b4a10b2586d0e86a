#!/usr/bin/env python3
"""Checks a built API library: its SONAME is the one given (libcudart.so.N, libcuda.so.1), it exports
every name in its exports.txt (NVIDIA's library's exports) in the version node named after the
SONAME (or, with --unversioned, without a version, as NVIDIA's libcuda.so.1 does), and nothing else
(no C++, LLVM or cuport-internal symbol leaks)."""

import subprocess
import sys


def main():
    library, exports, soname = sys.argv[1:4]
    unversioned = "--unversioned" in sys.argv[4:]
    node = "Base" if unversioned else soname
    wanted = {line.strip() for line in open(exports) if line.strip() and not line.startswith("#")}

    headers = subprocess.run(["objdump", "-p", library], check=True, capture_output=True,
                             text=True).stdout
    sonames = [line.split()[1] for line in headers.splitlines() if line.strip().startswith("SONAME")]
    problems = []
    if sonames != [soname]:
        problems.append(f"SONAME is {sonames}, expected {soname}")

    table = subprocess.run(["objdump", "-T", library], check=True, capture_output=True,
                           text=True).stdout
    exported = {}
    for line in table.splitlines():
        fields = line.split()
        # "<address> <flags...> <section> <size> <version> <name>"; undefined ones are *UND*.
        if len(fields) < 4 or "*UND*" in fields or not fields[0][:1].isalnum():
            continue
        try:
            int(fields[0], 16)
        except ValueError:
            continue
        name, version = fields[-1], fields[-2]
        if name == soname and "*ABS*" in fields:
            continue  # the version node's own symbol
        exported[name] = version

    missing = sorted(wanted - exported.keys())
    extra = sorted(exported.keys() - wanted)
    wrong_node = sorted(n for n in wanted & exported.keys() if exported[n] != node)
    if missing:
        problems.append(f"{len(missing)} names not exported, e.g. {missing[:5]}")
    if extra:
        problems.append(f"{len(extra)} names exported that NVIDIA's library does not, e.g. {extra[:5]}")
    if wrong_node:
        problems.append(f"{len(wrong_node)} names outside version node {node}, e.g. {wrong_node[:5]}")
    for problem in problems:
        print(f"{library}: {problem}")
    if problems:
        return 1
    print(f"{library}: {len(wanted)} names exported in {node}, nothing else")
    return 0


if __name__ == "__main__":
    sys.exit(main())
