"""bench/load.py's figures: latencies, CPU time by process, the result of a setup, the report.

Pure apart from reading CPU counters (getrusage, /proc) in cpu_marks.
"""

from __future__ import annotations

import math
import os
import resource
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import table
from load_audit import Audit
from load_users import Plan, Tally

CLIENT = ("asyncio keep-alive HTTP/1.1 client (bench/load_client.py) in the main process, "
          "beside the Slack stand-in")


@dataclass(frozen=True, slots=True)
class Latency:
    count: int
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Latency:
        ordered = sorted(values)
        return cls(len(ordered), percentile(ordered, 0.50), percentile(ordered, 0.99),
                   ordered[-1] if ordered else math.nan)


@dataclass(frozen=True, slots=True)
class Result:
    setup: str
    users: int
    ramp_seconds: float
    seconds: float
    requests: int
    requests_per_second: float
    dialogs_completed: int
    dialogs_escalated: int
    dialogs_cut_off: int
    double_clicks: int
    ack_ms: Latency
    ack_ms_after_ramp: Latency  # requests sent once every user had arrived
    ack_ms_by_kind: dict[str, Latency]
    answer_seconds: Latency
    non_200: int
    statuses: dict[str, int]  # HTTP status (0: no answer) -> requests
    log_errors: int  # ERROR/CRITICAL records and tracebacks in the replicas' logs
    log_warnings: int
    stalled_dialogs: int
    audit: Audit
    cpu_seconds: dict[str, float]
    machine_busy: float  # share of all cores busy during the run (every core busy = 1.0)
    log_dir: str
    samples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.non_200 + self.log_errors + self.stalled_dialogs + self.audit.missing


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence (NaN when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


CpuMarks = tuple[float, float, float, float]


def cpu_marks() -> CpuMarks:
    """CPU seconds so far: this process, PostgreSQL's processes, the machine busy, the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (usage.ru_utime + usage.ru_stime, _postgres_ticks() / tick,
            (sum(fields) - idle) / tick, sum(fields) / tick)


def _postgres_ticks() -> int:
    """CPU ticks of every running postgres process, plus those of its ended children (a closed
    connection's backend is added to the postmaster's cutime/cstime when it exits)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="ascii")
        except OSError:  # the process ended meanwhile
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()  # fields[0] is the state, the 3rd field of stat
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total


def summarise(label: str, plan: Plan, tally: Tally, audit: Audit,
              replicas: Sequence[dict[str, Any]], classlink: dict[str, Any], *,
              before: CpuMarks, after: CpuMarks,
              log_dir: Path, workers: Sequence[dict[str, Any]] = ()) -> Result:
    acks = tally.acks
    kinds = sorted({ack.kind for ack in acks})
    levels = [node.get("log_levels", {}) for node in (*replicas, *workers)]
    cpu = {"load generator (event loop thread)": tally.driver_cpu_seconds,
           "main process (Slack stand-in + load generator)": after[0] - before[0],
           "ClassLink sandbox": float(classlink["cpu_seconds"])}
    cpu.update({f"replica {n}": float(r["cpu_seconds"]) for n, r in enumerate(replicas)})
    cpu.update({f"worker {n}": float(w["cpu_seconds"]) for n, w in enumerate(workers)})
    cpu["PostgreSQL (every connection)"] = after[1] - before[1]
    ours = sum(cpu.values()) - cpu["load generator (event loop thread)"]
    # The machine's counters tick at 100 Hz, getrusage is exact: a small negative rest is noise.
    cpu["anything else on the machine"] = max(0.0, after[2] - before[2] - ours)
    samples = [line for r in (*replicas, *workers) for line in r.get("log_samples", [])[:5]]
    samples += tally.stalled[:5] + list(audit.samples)
    elapsed = after[3] - before[3]
    return Result(
        setup=label, users=plan.users, ramp_seconds=plan.ramp_seconds,
        seconds=round(tally.window_seconds, 2),
        requests=len(acks),
        requests_per_second=len(acks) / tally.window_seconds if tally.window_seconds else 0.0,
        dialogs_completed=tally.dialogs_completed, dialogs_escalated=tally.dialogs_escalated,
        dialogs_cut_off=tally.dialogs_cut_off, double_clicks=tally.double_clicks,
        ack_ms=Latency.of([ack.ms for ack in acks]),
        ack_ms_after_ramp=Latency.of([ack.ms for ack in acks if ack.at >= plan.ramp_seconds]),
        ack_ms_by_kind={kind: Latency.of([a.ms for a in acks if a.kind == kind])
                        for kind in kinds},
        answer_seconds=Latency.of(tally.answer_seconds),
        non_200=sum(1 for ack in acks if ack.status != 200),
        statuses={str(status): n for status, n in sorted(Counter(a.status for a in acks).items())},
        log_errors=sum(lv.get("ERROR", 0) + lv.get("CRITICAL", 0) for lv in levels)
        + sum(int(r.get("tracebacks", 0)) for r in (*replicas, *workers)),
        log_warnings=sum(lv.get("WARNING", 0) for lv in levels),
        stalled_dialogs=len(tally.stalled), audit=audit,
        cpu_seconds={name: round(value, 2) for name, value in cpu.items()},
        machine_busy=(after[2] - before[2]) / elapsed if elapsed else math.nan,
        log_dir=str(log_dir), samples=samples,
    )


# -- report ---------------------------------------------------------------------------------------


def format_report(results: Sequence[Result], plan: Plan, connections: int) -> str:
    headers = ["setup", "req/s", "dialogs", "ack p50 ms", "ack p99 ms", "ack max ms",
               "answer p50 s", "answer p99 s", "errors", "duplicates"]
    rows = [[r.setup, f"{r.requests_per_second:.1f}", str(r.dialogs_completed),
             f"{r.ack_ms.p50:.1f}", f"{r.ack_ms.p99:.1f}", f"{r.ack_ms.max:.1f}",
             f"{r.answer_seconds.p50:.2f}", f"{r.answer_seconds.p99:.2f}", str(r.errors),
             str(r.audit.duplicates)] for r in results]
    lines = [f"load: {plan.users} users, {plan.seconds:g} s per setup, a mention to every "
             f"replica every {plan.mention_interval:g} s, users arriving over "
             f"{plan.ramp_seconds:g} s, think time up to {plan.think_seconds:g} s",
             f"load client: {CLIENT}, {connections} connections per replica", "",
             table(headers, rows), ""]
    for result in results:
        lines += _details(result)
    return "\n".join(lines)


def _details(r: Result) -> list[str]:
    a = r.audit
    kinds = ", ".join(f"{kind} {lat.count} p50 {lat.p50:.1f} p99 {lat.p99:.1f} max {lat.max:.1f}"
                      for kind, lat in r.ack_ms_by_kind.items())
    cpu = ", ".join(f"{name} {value:.1f}" for name, value in r.cpu_seconds.items())
    lines = [
        f"{r.setup}: {r.requests} requests in {r.seconds:.1f} s; {r.dialogs_completed} dialogs "
        f"completed ({r.dialogs_escalated} escalated), {r.dialogs_cut_off} cut off by the time "
        "limit",
        f"  ack ms by kind: {kinds}",
        f"  ack ms after the {r.ramp_seconds:g} s ramp: p50 {r.ack_ms_after_ramp.p50:.1f} "
        f"p99 {r.ack_ms_after_ramp.p99:.1f} max {r.ack_ms_after_ramp.max:.1f}; "
        f"{r.double_clicks} closing buttons double-clicked onto every replica",
        f"  errors: {r.non_200} non-200 (statuses {r.statuses}), {r.log_errors} log errors "
        f"({r.log_warnings} warnings), "
        f"{r.stalled_dialogs} dialogs not finished, {a.private_replies} private apologies or "
        f"refusals, {a.missing_summaries} escalations without a summary, "
        f"{a.unanswered_mentions} mentions unanswered",
        f"  duplicates: {a.duplicate_dialog_posts} dialog posts, {a.extra_dialogs} extra dialogs, "
        f"{a.duplicate_summaries} escalation summaries, {a.duplicate_mention_replies} mention "
        "replies",
        f"  CPU seconds: {cpu}; machine busy {r.machine_busy:.0%} of 2 cores",
        f"  logs: {r.log_dir}",
    ]
    lines += [f"  | {sample}" for sample in r.samples[:12]]
    return lines + [""]
