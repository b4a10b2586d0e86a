#!/usr/bin/env python3
"""Every kernel of the PTX conformance suite is one NVIDIA's ptxas assembles.

Runs ptx_conformance with --dump-kernels (every distinct module each case launches, written as
<Family>.<Variant>.<n>.ptx) and assembles each with ptxas -arch=<the module's .target>. Fails on a
module ptxas rejects, unless its first line is the marker of tests/ptx/invalid_ptx.h (a case that
checks that cuport refuses invalid PTX), and on a module so marked that ptxas assembles. Exits 77
(a CTest skip) when ptxas is not installed.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
INVALID_ON_PURPOSE = "// invalid PTX on purpose"
TARGET = re.compile(r"^\s*\.target\s+(sm_\w+)", re.MULTILINE)


def assemble(ptxas, path):
    """(whether ptxas assembled the module, its first error line)."""
    with open(path) as module:
        text = module.read()
    target = TARGET.search(text)
    if not target:
        return False, "the module names no .target sm_XX"
    run = subprocess.run([ptxas, "-arch=" + target.group(1), "-O0", path, "-o", os.devnull],
                         capture_output=True, text=True)
    errors = [line for line in (run.stdout + run.stderr).splitlines() if "error" in line]
    return run.returncode == 0, errors[0] if errors else (run.stdout + run.stderr).strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conformance", required=True, help="the ptx_conformance binary")
    parser.add_argument("--ptxas", default=None, help="ptxas (default: PATH, /usr/local/cuda)")
    parser.add_argument("--filter", default="*", help="a --gtest_filter for the cases")
    args = parser.parse_args()
    ptxas = args.ptxas or shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
    if not os.access(ptxas, os.X_OK):
        print("SKIP: ptxas is not installed (looked in PATH and /usr/local/cuda/bin)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="conformance-kernels-") as directory:
        run = subprocess.run([args.conformance, "--dump-kernels=" + directory,
                              "--gtest_filter=" + args.filter, "--gtest_brief=1"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            # The kernels are judged anyway; the cases' own results are ctest's other tests.
            print("note: ptx_conformance failed while dumping its kernels:\n" +
                  run.stdout[-2000:] + run.stderr[-2000:])
        paths = sorted(os.path.join(directory, name) for name in os.listdir(directory))
        if not paths:
            print("FAIL: ptx_conformance wrote no kernels")
            return 1
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            verdicts = list(pool.map(lambda path: assemble(ptxas, path), paths))
        rejected, accepted_on_purpose = [], []
        for path, (assembled, error) in zip(paths, verdicts):
            with open(path) as module:
                on_purpose = module.readline().startswith(INVALID_ON_PURPOSE)
            name = os.path.basename(path)
            if not assembled and not on_purpose:
                rejected.append((name, error))
            elif assembled and on_purpose:
                accepted_on_purpose.append(name)
    print("%d kernels: %d valid ones ptxas rejects, %d invalid-on-purpose ones it assembles" %
          (len(paths), len(rejected), len(accepted_on_purpose)))
    for name, error in rejected:
        print("  rejected: %-56s %s" % (name, error))
    for name in accepted_on_purpose:
        print("  assembled although marked invalid on purpose: %s" % name)
    return 1 if rejected or accepted_on_purpose else 0


if __name__ == "__main__":
    sys.exit(main())
