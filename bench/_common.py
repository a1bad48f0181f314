"""Small helpers the benchmarks share: memory figures of this process and plain-text tables."""

from __future__ import annotations

import math
import resource
import sys
from collections.abc import Sequence
from pathlib import Path

MB = 2**20


def rss_now_mb() -> float:
    """This process's resident set size right now (Linux /proc), else its peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / MB
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    """The largest resident set size this process has had (ru_maxrss: KiB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def seconds(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.2f} s"


def megabytes(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.0f} MB"


def thousands(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def ratio(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = (str(c) for c in cells)
        parts = [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:],
                                                                           strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def repo_root() -> Path:
    """The checkout this benchmark belongs to (so it runs without the project installed)."""
    return Path(__file__).resolve().parents[1]
