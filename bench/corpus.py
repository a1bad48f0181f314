"""Diagnosis corpus figures: faults identified, false alarms, and every misidentified case.

    .venv/bin/python bench/corpus.py [--seed N] [--keep DIR] [--json]

Builds the corpus of tests/corpus/build.py (realistic broken districts and healthy look-alikes,
expectations decided from the FAQ and the ClassLink notes, not from the checks), runs it through
the real CLI against `rosterbot sandbox` subprocesses (tests/corpus/harness.py), and prints:

- faults identified: broken cases whose diagnosis has every expected code, no other
  warn/fail/unknown code, the expected suggestion / tenant, and the expected exit status;
- false alarms: healthy cases with any of those differences;
- the misidentified cases, expected vs got (codes per step; `(status)` marks non-pass codes).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def _harness() -> ModuleType:
    name = "rosterbot_corpus_harness"
    spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "corpus" / "harness.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="corpus seed (default: the test's)")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    harness = _harness()
    build = harness.load_build()
    seed = build.SEED if args.seed is None else args.seed
    corpus = build.build(seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        folder = args.keep or Path(tmp)
        corpus.write(folder)
        results = harness.run_corpus(folder, corpus.cases)
    elapsed = time.monotonic() - started

    rows = []
    for case in corpus.cases:
        outcome = results.outcomes[case.name]
        problems = harness.judge(case, outcome, with_exit_code=True)
        rows.append({
            "case": case.name, "kind": case.kind, "fault": case.fault, "ok": not problems,
            "expected": {str(k): list(v) for k, v in case.expect.items()},
            "got": {str(k): v for k, v in harness.got_codes(outcome.diagnosis).items()},
            "exit_code": outcome.returncode, "expected_exit_code": case.exit_code,
            "problems": problems, "note": case.note,
        })
    broken = [r for r in rows if r["kind"] == "broken"]
    healthy = [r for r in rows if r["kind"] == "healthy"]
    identified = sum(r["ok"] for r in broken)
    false_alarms = sum(not r["ok"] for r in healthy)
    wrong = [r for r in rows if not r["ok"]]

    if args.json:
        print(json.dumps({
            "seed": seed, "seconds": round(elapsed, 2),
            "faults_identified": identified, "broken_cases": len(broken),
            "false_alarms": false_alarms, "healthy_cases": len(healthy),
            "misidentified": wrong,
        }, indent=2, ensure_ascii=False))
        return 0

    print(f"diagnosis corpus (seed {seed}): {len(rows)} cases, {elapsed:.1f} s "
          f"(main world {results.main_seconds:.1f} s, fault runs {results.fault_seconds:.1f} s)")
    print(f"faults identified: {identified} / {len(broken)} broken cases "
          f"({identified / max(1, len(broken)):.0%})")
    print(f"false alarms:      {false_alarms} / {len(healthy)} healthy cases")
    if wrong:
        print(f"\nmisidentified ({len(wrong)}):")
    for row in wrong:
        print(f"\n  {row['case']} [{row['kind']}] {row['fault']}")
        print(f"    expected: {harness.format_codes(row['expected'])}"
              + (f" (exit {row['expected_exit_code']})" if row["expected_exit_code"] else ""))
        print(f"    got:      {harness.format_codes(row['got'])} (exit {row['exit_code']})")
        for problem in row["problems"]:
            print(f"    - {problem}")
        if row["note"]:
            print(f"    note: {row['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
