"""Benchmark for checks.matching: quality on labelled generated districts, then speed.

    .venv/bin/python bench/match_quality.py            # held-out seeds, full speed section
    .venv/bin/python bench/match_quality.py --quick    # fewer seeds, 25k roster only
    .venv/bin/python bench/match_quality.py --seeds 1 2 3 --json

Quality: the matcher and a naive baseline (exact, else rapidfuzz `extractOne` with
`fuzz.ratio` on whole emails, cutoff 90) are scored on the same rows. Tuning used TUNING
seeds only. The first held-out set (101-110) was scored once, two weaknesses it exposed were
fixed (a written middle initial; padded Gmail addresses), so the default report is on a second
held-out set (201-210) that was scored only after those fixes.

Issue 8 (former domains, seats on the license) adds five districts per seed, drawn from their
own random source after the eight others (which are unchanged), and rows of "ambiguous" forms
that a seat on the license resolves (tie_seated). Its categories are reported in their own
table with fix precision per category; the metrics are given for all rows and for the eight
original districts alone. Issue 8's rules were tuned on TUNING seeds and scored on 201-210.

Issue 12 (alias-domain evidence) adds rows to the eight original districts after they are
drawn, from their own random source (match_data.alias_rows): another school's teachers on its
own domain, some with a short mailbox name a roster teacher also has (alias_foreign) and more
with names nobody has (foreign_block), and a lone full-name row on an old domain (alias_full).
The drawn doubled-@ rows (same draws as before) are labelled as the format fix they now are
(doubled_at). These categories get their own table too. `make_dataset(seed, alias=False)`
gives the licenses without the added rows.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from match_data import (  # noqa: E402
    ABSENT_CATEGORIES,
    ALIAS_CATEGORIES,
    FIX_CATEGORIES,
    ISSUE8_CATEGORIES,
    ISSUE8_FIX,
    District,
    Generator,
    LicenseBuilder,
    Row,
    Spec,
    make_dataset,
)
from rapidfuzz import fuzz, process  # noqa: E402

from checks.matching import Kind, MatchResult, RosterIndex, match_rows  # noqa: E402
from checks.models import RosterUser  # noqa: E402

TUNING = (1, 2, 3, 4, 5)
HELD_OUT = (201, 202, 203, 204, 205, 206, 207, 208, 209, 210)
FIRST_HELD_OUT = (101, 102, 103, 104, 105, 106, 107, 108, 109, 110)  # consumed, see above
BASELINE_CUTOFF = 90.0
ISSUE8_DISTRICTS = 5  # the last districts of each seed (match_data.issue8_districts)
TARGETS = {
    "exact_accuracy": (">=", 1.0), "fix_precision": (">=", 0.99), "fix_recall": (">=", 0.93),
    "wrong_confident_per_row": ("<=", 0.01), "false_alarms_absent": ("<=", 0.03),
}


@dataclass(frozen=True)
class Verdict:
    """What a matcher said about one row, reduced to what we score."""

    status: str
    suggestion: str | None
    duplicate: bool = False


Matcher = Callable[[Sequence[str], Sequence[RosterUser]], list[Verdict]]


def run_matcher(emails: Sequence[str], users: Sequence[RosterUser]) -> list[Verdict]:
    results: list[MatchResult] = match_rows(RosterIndex.build(users), emails)
    return [Verdict(str(r.status), r.suggestion, r.kind == Kind.DUPLICATE) for r in results]


def run_baseline(emails: Sequence[str], users: Sequence[RosterUser]) -> list[Verdict]:
    """Exact on active staff, else the best whole-email `fuzz.ratio` above the cutoff."""
    staff = sorted({u.email for u in users if u.is_staff and u.active and u.email})
    known = set(staff)
    out: list[Verdict] = []
    for email in emails:
        if email in known:
            out.append(Verdict("exact", email))
            continue
        best = process.extractOne(email, staff, scorer=fuzz.ratio, score_cutoff=BASELINE_CUTOFF)
        out.append(Verdict("fix", best[0]) if best else Verdict("not_found", None))
    return out


def row_correct(row: Row, got: Verdict) -> bool:
    if got.status != row.status:
        return False
    return row.status not in ("fix", "exact") or got.suggestion == row.suggestion


def score(rows: Sequence[Row], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    pairs = list(zip(rows, verdicts, strict=True))
    exact_rows = [(r, v) for r, v in pairs if r.status == "exact"]
    fix_rows = [(r, v) for r, v in pairs if r.status == "fix"]
    said_fix = [(r, v) for r, v in pairs if v.status == "fix"]
    absent = [(r, v) for r, v in pairs if r.category in ABSENT_CATEGORIES]
    wrong_confident = [
        (r, v) for r, v in pairs
        if v.status in ("fix", "exact") and not (r.status == v.status
                                                 and r.suggestion == v.suggestion)
    ]
    dup_rows = [(r, v) for r, v in pairs if r.duplicate]
    return {
        "rows": len(pairs),
        "exact_accuracy": _ratio(sum(row_correct(r, v) for r, v in exact_rows), len(exact_rows)),
        "fix_precision": _ratio(sum(r.status == "fix" and v.suggestion == r.suggestion
                                    for r, v in said_fix), len(said_fix)),
        "fix_recall": _ratio(sum(row_correct(r, v) for r, v in fix_rows), len(fix_rows)),
        "wrong_confident_per_row": _ratio(len(wrong_confident), len(pairs)),
        "false_alarms_absent": _ratio(sum(v.status in ("fix", "exact") for _, v in absent),
                                      len(absent)),
        "row_accuracy": _ratio(sum(row_correct(r, v) for r, v in pairs), len(pairs)),
        "duplicates_flagged": _ratio(sum(v.duplicate for _, v in dup_rows), len(dup_rows)),
    }


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def per_category(rows: Sequence[Row], verdicts: Sequence[Verdict]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, got in zip(rows, verdicts, strict=True):
        table[row.category][0] += row_correct(row, got)
        table[row.category][1] += 1
    return dict(sorted(table.items()))


def issue8_table(rows: Sequence[Row], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """Per issue-8 category: rows, rows right, fixes said, fixes right, precision, recall."""
    return category_table(rows, verdicts, ISSUE8_CATEGORIES)


def category_table(
    rows: Sequence[Row], verdicts: Sequence[Verdict], categories: frozenset[str]
) -> dict[str, Any]:
    """Per category: rows, rows right, fixes said, fixes right, precision, recall."""
    table: dict[str, dict[str, Any]] = {}
    for row, got in zip(rows, verdicts, strict=True):
        if row.category not in categories:
            continue
        c = table.setdefault(row.category, {"rows": 0, "right": 0, "said_fix": 0,
                                            "fix_right": 0, "want_fix": 0})
        c["rows"] += 1
        c["right"] += row_correct(row, got)
        c["want_fix"] += row.status == "fix"
        if got.status == "fix":
            c["said_fix"] += 1
            c["fix_right"] += row.status == "fix" and got.suggestion == row.suggestion
    for c in table.values():
        c["precision"] = _ratio(c["fix_right"], c["said_fix"])
        c["recall"] = _ratio(c["fix_right"], c["want_fix"]) if c["want_fix"] else None
    return dict(sorted(table.items()))


def quality(seeds: Sequence[int], *, show_misses: int = 0) -> dict[str, Any]:
    rows: list[Row] = []
    mine: list[Verdict] = []
    naive: list[Verdict] = []
    original: list[bool] = []
    left_out = 0
    for seed in seeds:
        datasets = make_dataset(seed)
        for number, district in enumerate(datasets):
            emails = [r.email for r in district.rows]
            rows += district.rows
            mine += run_matcher(emails, district.users)
            naive += run_baseline(emails, district.users)
            original += [number < len(datasets) - ISSUE8_DISTRICTS] * len(district.rows)
            left_out += district.left_out
            if show_misses:
                _print_misses(district, show_misses)
    old_rows = [r for r, keep in zip(rows, original, strict=True) if keep]
    old_mine = [v for v, keep in zip(mine, original, strict=True) if keep]
    return {
        "seeds": list(seeds),
        "matcher": score(rows, mine),
        "baseline": score(rows, naive),
        "matcher_original_districts": score(old_rows, old_mine),
        "left_out": left_out,
        "categories": {
            name: {"rows": n, "matcher": ok, "baseline": base_ok}
            for (name, (ok, n)), (_, (base_ok, _)) in zip(
                per_category(rows, mine).items(), per_category(rows, naive).items(), strict=True
            )
        },
        "issue8": issue8_table(rows, mine),
        "alias": category_table(rows, mine, ALIAS_CATEGORIES),
    }


def _print_misses(district: District, limit: int) -> None:
    results = match_rows(RosterIndex.build(district.users), [r.email for r in district.rows])
    shown = 0
    for row, result in zip(district.rows, results, strict=True):
        got = Verdict(str(result.status), result.suggestion)
        if not row_correct(row, got) and shown < limit:
            shown += 1
            print(f"  MISS {district.spec.name:9} {row.category:17} {row.email!r} want "
                  f"{row.status}/{row.suggestion} got {result.status}/{result.suggestion} "
                  f"[{result.kind}] {result.note[:150]}")


# -- speed -------------------------------------------------------------------------------------

def big_roster(size: int, seed: int = 7) -> tuple[list[RosterUser], list[str]]:
    """A roster of `size` users (about 10% staff) over four districts' domains, and 2,000
    license emails drawn like the labelled rows (exact, repairs, absent, traps)."""
    rng = random.Random(seed)
    specs = [
        Spec("lincoln", "lincolnusd.org", "flast", size // 40, size // 4 - size // 40,
             "students.lincolnusd.org", "id", alias="lincoln.k12.ca.us", username="local"),
        Spec("riverside", "rcschools.net", "first.last", size // 40, size // 4 - size // 40,
             "rcschools.net", "first.last.yy", username="ad"),
        Spec("maple", "mapleisd.org", "lastf", size // 40, size // 4 - size // 40, "", "same"),
        Spec("union", "hsd.org", "first.last", size // 40, size // 4 - size // 40,
             "students.hsd.org", "id", second_domain="esd.org", second_scheme="first.last"),
    ]
    users: list[RosterUser] = []
    emails: list[str] = []
    for spec in specs:
        gen = Generator(rng, spec)
        gen.build_roster()
        users += gen.users
        emails += [r.email for r in LicenseBuilder(gen).rows(500)]
    # One tenant with several schools' domains; exactly 2,000 license rows.
    return users, emails[:2000]


def speed(sizes: Sequence[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        users, emails = big_roster(size)
        gc.collect()
        started = time.perf_counter()
        index = RosterIndex.build(users)
        built = time.perf_counter()
        match_rows(index, emails)
        matched = time.perf_counter()
        del index
        gc.collect()
        tracemalloc.start()
        index = RosterIndex.build(users)
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out.append({
            "roster_users": len(users), "staff": sum(u.is_staff for u in users),
            "license_emails": len(emails), "build_s": round(built - started, 3),
            "match_s": round(matched - built, 3),
            "index_mb": round(retained / 2**20, 1), "build_peak_mb": round(peak / 2**20, 1),
            "index_bytes_per_user": round(retained / len(users)),
            "rss_mb": round(_rss_mb(), 1),
        })
        del index, users
        gc.collect()
    return out


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- report ------------------------------------------------------------------------------------

def print_report(report: dict[str, Any]) -> None:
    q = report["quality"]
    original = q["matcher_original_districts"]
    print(f"Quality on seeds {q['seeds']} ({q['matcher']['rows']} license rows; "
          f"{original['rows']} in the eight original districts)")
    print(f"{'metric':26} {'matcher':>9} {'original':>9} {'baseline':>9}   target")
    for name in ("exact_accuracy", "fix_precision", "fix_recall", "wrong_confident_per_row",
                 "false_alarms_absent", "row_accuracy", "duplicates_flagged"):
        op, goal = TARGETS.get(name, ("", None))
        target = f"{op} {goal}" if goal is not None else ""
        mark = ""
        if goal is not None:
            ok = q["matcher"][name] >= goal if op == ">=" else q["matcher"][name] <= goal
            mark = "ok" if ok else "MISSED"
        print(f"{name:26} {q['matcher'][name]:9.4f} {original[name]:9.4f} "
              f"{q['baseline'][name]:9.4f}   {target:8} {mark}")
    print("\nper category (rows right / rows):")
    for name, c in q["categories"].items():
        if name in ISSUE8_CATEGORIES:
            continue
        tag = "fix" if name in FIX_CATEGORIES else ("absent" if name in ABSENT_CATEGORIES else "")
        print(f"  {name:18} {tag:6} matcher {c['matcher']:5}/{c['rows']:<5} "
              f"baseline {c['baseline']:5}/{c['rows']:<5}")
    print("\nissue 8 categories (fix precision per category; recall for positives):")
    _print_table(q, "issue8", ISSUE8_FIX)
    print("\nalias-domain evidence and doubled @ (also in the table above):")
    _print_table(q, "alias", FIX_CATEGORIES)
    print(f"\nrows left out (an ambiguous form typed for a teacher already exactly on the "
          f"license, see match_data.LicenseBuilder._seat_ties): {q['left_out']}")
    if report.get("speed"):
        print("\nSpeed (one core; 2,000 license emails):")
        print(f"{'roster':>8} {'staff':>6} {'build s':>8} {'match s':>8} {'index MB':>9} "
              f"{'peak MB':>8} {'B/user':>7} {'RSS MB':>7}")
        for s in report["speed"]:
            print(f"{s['roster_users']:8} {s['staff']:6} {s['build_s']:8.3f} {s['match_s']:8.3f} "
                  f"{s['index_mb']:9.1f} {s['build_peak_mb']:8.1f} "
                  f"{s['index_bytes_per_user']:7} {s['rss_mb']:7.1f}")
    print(f"\nbench runtime {report['runtime_s']:.1f} s")


def _print_table(q: dict[str, Any], key: str, positives: frozenset[str]) -> None:
    print(f"  {'category':20} {'want':9} {'right':>11} {'said fix':>8} {'fix right':>9} "
          f"{'precision':>9} {'recall':>7} {'baseline':>9}")
    for name, c in q[key].items():
        want = "fix" if name in positives else "no fix"
        recall = "" if c["recall"] is None else f"{c['recall']:.3f}"
        base = q["categories"][name]["baseline"]
        print(f"  {name:20} {want:9} {c['right']:5}/{c['rows']:<5} {c['said_fix']:8} "
              f"{c['fix_right']:9} {c['precision']:9.3f} {recall:>7} {base:5}/{c['rows']:<5}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", help="dataset seeds (default: held-out)")
    parser.add_argument("--tune", action="store_true", help="use the tuning seeds")
    parser.add_argument("--quick", action="store_true", help="3 seeds, 25k-user speed run")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--misses", type=int, default=0, help="print up to N misses/district")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    seeds = args.seeds or (TUNING if args.tune else HELD_OUT)
    if args.quick and not args.seeds:
        seeds = seeds[:3]
    report: dict[str, Any] = {"quality": quality(seeds, show_misses=args.misses)}
    if not args.no_speed:
        report["speed"] = speed([25_000] if args.quick else [25_000, 50_000, 100_000])
    report["runtime_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
