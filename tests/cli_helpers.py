"""Assertions the command-line tests share (exit statuses and one-line errors)."""

from __future__ import annotations

import socket
import subprocess


def assert_one_line(run: subprocess.CompletedProcess[str], status: int, *needles: str) -> str:
    """The run exited with `status` and said why in exactly one `rosterbot: ...` line."""
    assert run.returncode == status, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rosterbot: "), run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
