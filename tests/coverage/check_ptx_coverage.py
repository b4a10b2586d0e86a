#!/usr/bin/env python3
"""Checks docs/ptx-coverage.md against the code: the conformance cases it names exist, every case
family of the suite is named by a row, every supported row names a case, every opcode the lowering
knows has a supported or partial row, and no row marked unsupported is accepted by the lowering."""
import argparse
import pathlib
import re
import subprocess
import sys

HEADER = ["instruction", "status", "missing", "conformance cases"]
STATUSES = {"supported", "partial", "unsupported"}


def cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_table(path):
    """The rows of every table whose header is HEADER, as dicts with their line numbers."""
    rows, in_table = [], False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.startswith("|"):
            in_table = False
            continue
        row = cells(line)
        if [cell.lower() for cell in row] == HEADER:
            in_table = True
            continue
        if not in_table or set(line) <= set("|-: "):
            continue
        if len(row) != len(HEADER):
            raise SystemExit(f"{path}:{number}: expected {len(HEADER)} cells, got {len(row)}")
        rows.append({
            "line": number,
            "instruction": row[0].strip("`"),
            "status": row[1],
            "missing": row[2],
            "cases": re.findall(r"`([^`]+)`", row[3]),
        })
    return rows


def suite_cases(binary):
    """Family -> set of variants, from the GoogleTest listing."""
    listing = subprocess.run([binary, "--gtest_list_tests"], check=True, capture_output=True,
                             text=True).stdout
    families, family = {}, None
    for line in listing.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            # Value-parameterized suites are listed as Prefix/Family.
            family = line.split("#")[0].strip().rstrip(".").split("/")[-1]
            families.setdefault(family, set())
        elif family:
            families[family].add(line.split("#")[0].strip().split("/")[0])
    return families


def lowering_candidates(sources):
    """Every identifier-like string literal of the lowering: a superset of the opcodes it knows,
    and of the special registers (literals starting with '%')."""
    names = set()
    for path in sorted(pathlib.Path(sources).glob("*.cpp")):
        names.update(re.findall(r'"(%?[a-z][a-z0-9_]*)"', path.read_text()))
    return names


def probe(binary, forms):
    result = subprocess.run([binary], input="\n".join(forms) + "\n", check=True,
                            capture_output=True, text=True).stdout
    answers = {}
    for line in result.splitlines():
        form, known, accepted = line.split("\t")
        answers[form] = (known == "known", accepted == "accepted")
    return answers


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--table", required=True, type=pathlib.Path)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--lowering-sources", required=True)
    parser.add_argument("--conformance")
    args = parser.parse_args()

    rows = parse_table(args.table)
    errors = []

    def fail(row, message):
        errors.append(f"{args.table}:{row['line']}: {row['instruction']}: {message}")

    seen = {}
    for row in rows:
        if row["instruction"] in seen:
            fail(row, f"listed twice (first on line {seen[row['instruction']]})")
        seen.setdefault(row["instruction"], row["line"])
        if row["status"] not in STATUSES:
            fail(row, f"status '{row['status']}' is not one of {sorted(STATUSES)}")
        if row["status"] != "supported" and not row["missing"]:
            fail(row, f"a {row['status']} row says what is missing")
        if row["status"] == "supported" and not row["cases"]:
            fail(row, "a supported row names the conformance cases that cover it")

    if args.conformance:
        families = suite_cases(args.conformance)
        named = set()
        for row in rows:
            for case in row["cases"]:
                family, _, variant = case.partition(".")
                named.add(family)
                if family not in families:
                    fail(row, f"names case family {family}, which ptx_conformance does not have")
                elif variant and variant not in families[family]:
                    fail(row, f"names case {case}, which ptx_conformance does not have")
        for family in sorted(set(families) - named):
            errors.append(f"{args.table}: no row names the conformance family {family}")
    else:
        print("note: no ptx_conformance binary; case names were not checked")

    opcode_status = {}
    for row in rows:
        opcode = row["instruction"].split(".")[0]
        opcode_status.setdefault(opcode, set()).add(row["status"])
    candidates = lowering_candidates(args.lowering_sources) | set(opcode_status)
    forms = sorted(candidates | {row["instruction"] for row in rows})
    answers = probe(args.probe, forms)
    # Some families recognise an opcode only with its first modifier (cp.async): a form that some
    # family recognised makes its opcode known too.
    known_opcodes = {form.split(".")[0] for form, (known, _) in answers.items() if known}
    for opcode in sorted(known_opcodes):
        if not opcode_status.get(opcode, set()) & {"supported", "partial"}:
            errors.append(f"{args.table}: the lowering knows '{opcode}' but no row for it is "
                          "supported or partial")
    for row in rows:
        _, accepted = answers[row["instruction"]]
        opcode_known = row["instruction"].split(".")[0] in known_opcodes
        # A bare opcode without its modifiers is rejected even where the lowering handles it.
        bare = "." not in row["instruction"]
        if row["status"] == "unsupported" and (accepted or (bare and opcode_known)):
            fail(row, "marked unsupported, but the lowering accepts it")
        if row["status"] != "unsupported" and not opcode_known:
            fail(row, f"marked {row['status']}, but the lowering does not know the opcode")

    counts = {status: sum(row["status"] == status for row in rows) for status in sorted(STATUSES)}
    print(f"{len(rows)} instructions: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
