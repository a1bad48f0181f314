"""Run the diagnosis corpus through the real CLI and judge each case (shared by test and bench).

Main world: one `rosterbot sandbox --world main/world.yml` subprocess and one
`rosterbot diagnose --all --json` against it. Fault world: one sandbox per fault case (faults are
global to a sandbox), switched over HTTP (`POST /_sandbox/faults`), or a wrong partner key, or a
port where nothing listens; then `rosterbot diagnose <license> --json`. Fault runs go in parallel:
they spend most of their time waiting for retries.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NON_PASS = ("warn", "fail", "unknown")
CLI_TIMEOUT = 120.0
FAULT_WORKERS = 4


def load_build() -> ModuleType:
    """tests/corpus/build.py as a module (loaded by path: `build` is too common a name)."""
    name = "rosterbot_corpus_build"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def rosterbot_command() -> list[str]:
    """The installed `rosterbot` script of this interpreter's environment."""
    script = Path(sys.executable).with_name("rosterbot")
    if script.exists():
        return [str(script)]
    found = shutil.which("rosterbot")
    return [found] if found else [sys.executable, "-m", "bot"]


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL"))}
    env["ROSTERBOT_DATA_DIR"] = str(data_dir)
    env["CLASSLINK_TIMEOUT"] = "5"
    env["PYTHONUNBUFFERED"] = "1"
    return env


# --------------------------------------------------------------------------------------------
# Processes


class Sandbox:
    """`rosterbot sandbox --world W --port 0` as a subprocess; .url and .partner_key."""

    def __init__(self, world: Path, log: Path) -> None:
        self._log = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [*rosterbot_command(), "sandbox", "--world", str(world), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self._log, text=True, cwd=REPO,
            env=_base_env(log.parent),
        )
        watchdog = threading.Timer(30.0, self.proc.kill)
        watchdog.start()
        self.url = self.partner_key = ""
        try:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                text = line.strip()
                if text.startswith("CLASSLINK_API_URL="):
                    self.url = text.split("=", 1)[1]
                elif text.startswith("CLASSLINK_PARTNER_KEY="):
                    self.partner_key = text.split("=", 1)[1]
                if self.url and self.partner_key:
                    break
        finally:
            watchdog.cancel()
        if not (self.url and self.partner_key):
            self.stop()
            raise RuntimeError(f"sandbox for {world} did not start; see {log}")

    def add_faults(self, faults: Iterable[Mapping[str, Any]]) -> None:
        for fault in faults:
            response = httpx.post(f"{self.url}/_sandbox/faults", json=dict(fault), timeout=10)
            response.raise_for_status()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class CliRun:
    args: list[str]
    returncode: int
    payload: Any  # parsed JSON, or None
    stderr: str
    seconds: float


def run_diagnose(args: Sequence[str], *, url: str, partner_key: str, licenses: Path,
                 data_dir: Path) -> CliRun:
    env = _base_env(data_dir)
    env.update(CLASSLINK_API_URL=url, CLASSLINK_PARTNER_KEY=partner_key,
               ROSTERBOT_LICENSES=str(licenses))
    command = [*rosterbot_command(), "diagnose", *args, "--json"]
    started = time.monotonic()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO,
                              timeout=CLI_TIMEOUT)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, stdout = -9, ""
        partial = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        stderr = f"timed out after {CLI_TIMEOUT:.0f} s: {partial}"
    try:
        payload = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        payload = None
        stderr = f"stdout is not JSON: {stdout[:300]!r}\n{stderr}"
    return CliRun(list(args), returncode, payload, stderr, time.monotonic() - started)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Running the corpus


@dataclass
class Outcome:
    """What the CLI said for one case's license."""

    returncode: int
    diagnosis: dict[str, Any] | None
    error: str = ""
    seconds: float = 0.0


@dataclass
class Results:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    main_returncode: int = 0
    main_seconds: float = 0.0
    fault_seconds: float = 0.0


def run_corpus(folder: Path, cases: Sequence[Any]) -> Results:
    """Run every case (the corpus must already be written into folder)."""
    results = Results()
    main_cases = [c for c in cases if c.world == "main"]
    fault_cases = [c for c in cases if c.world == "faults"]
    # Persistent faults spend seconds in retry back-off: start those first, a few at a time,
    # so they overlap the CPU-bound main run without crowding 2 cores.
    fault_cases.sort(key=lambda c: not _waits(c))
    with ThreadPoolExecutor(max_workers=FAULT_WORKERS) as pool:
        futures = {c.name: pool.submit(_run_fault_case, folder, c) for c in fault_cases}
        started = time.monotonic()
        _run_main(folder, main_cases, results)
        results.main_seconds = time.monotonic() - started
        for name, future in futures.items():
            results.outcomes[name] = future.result()
    results.fault_seconds = max((o.seconds for n, o in results.outcomes.items()
                                 if n in futures), default=0.0)
    return results


def _waits(case: Any) -> bool:
    scenario = case.scenario
    return bool(scenario and (scenario.down or any(
        f.get("times", 1) is None and f.get("kind") != "truncated" for f in scenario.faults)))


def _run_main(folder: Path, cases: Sequence[Any], results: Results) -> None:
    world = folder / "main"
    with Sandbox(world / "world.yml", folder / "main-sandbox.log") as sandbox:
        run = run_diagnose(["--all"], url=sandbox.url, partner_key=sandbox.partner_key,
                           licenses=world / "licenses.yml", data_dir=folder / "data-main")
    results.main_returncode = run.returncode
    by_id: dict[str, dict[str, Any]] = {}
    if isinstance(run.payload, dict):
        for diagnosis in run.payload.get("diagnoses", []):
            by_id[_license_id(diagnosis)] = diagnosis
    for case in cases:
        diagnosis = by_id.get(case.name)
        error = "" if diagnosis else (
            f"no diagnosis for this license in `diagnose --all` (exit {run.returncode}): "
            f"{run.stderr.strip()[-400:]}")
        results.outcomes[case.name] = Outcome(run.returncode, diagnosis, error, run.seconds)


def _run_fault_case(folder: Path, case: Any) -> Outcome:
    world = folder / "faults"
    data_dir = folder / f"data-{case.name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    scenario = case.scenario
    licenses = world / "licenses.yml"
    if scenario is not None and scenario.down:
        run = run_diagnose([case.name], url=f"http://127.0.0.1:{_free_port()}",
                           partner_key="corpus-partner-nobody-home", licenses=licenses,
                           data_dir=data_dir)
    else:
        with Sandbox(world / "world.yml", data_dir / "sandbox.log") as sandbox:
            if scenario is not None:
                sandbox.add_faults(scenario.faults)
            key = (scenario.partner_key if scenario and scenario.partner_key
                   else sandbox.partner_key)
            run = run_diagnose([case.name], url=sandbox.url, partner_key=key,
                               licenses=licenses, data_dir=data_dir)
    diagnosis = run.payload if isinstance(run.payload, dict) and "steps" in run.payload else None
    error = "" if diagnosis else (
        f"no JSON diagnosis (exit {run.returncode}): {run.stderr.strip()[-400:]}")
    return Outcome(run.returncode, diagnosis, error, run.seconds)


def _license_id(diagnosis: Mapping[str, Any]) -> str:
    lic = diagnosis.get("license")
    return str(lic.get("id") if isinstance(lic, Mapping) else lic)


# --------------------------------------------------------------------------------------------
# Judging


def step_findings(diagnosis: Mapping[str, Any] | None) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {1: [], 2: [], 3: []}
    for step in (diagnosis or {}).get("steps", []):
        found.setdefault(int(step.get("step", 0)), []).extend(step.get("findings", []))
    return found


def got_codes(diagnosis: Mapping[str, Any] | None) -> dict[int, list[str]]:
    """Distinct codes per step, in the order first seen; non-pass ones marked with their status."""
    shown: dict[int, list[str]] = {}
    for step, findings in step_findings(diagnosis).items():
        codes: list[str] = []
        for finding in findings:
            status = finding.get("status")
            text = finding.get("code", "?") + ("" if status == "pass" else f"({status})")
            if text not in codes:
                codes.append(text)
        shown[step] = codes
    return shown


def judge(case: Any, outcome: Outcome, *, with_exit_code: bool = False) -> list[str]:
    """Every way the CLI's answer differs from the case's expectation; [] when it agrees."""
    if outcome.diagnosis is None:
        return [outcome.error or "no diagnosis"]
    problems: list[str] = []
    findings = step_findings(outcome.diagnosis)
    for step, expected in case.expect.items():
        here = findings.get(int(step), [])
        codes = {f.get("code") for f in here}
        missing = [code for code in expected if code not in codes]
        extra = sorted({f"{f.get('code')}({f.get('status')})" for f in here
                        if f.get("status") in NON_PASS and f.get("code") not in expected})
        if missing:
            problems.append(f"step {step}: missing {', '.join(missing)}")
        if extra:
            problems.append(f"step {step}: unexpected {', '.join(extra)}")
    for license_email, suggestion in case.fixes.items():
        rows = [f for f in findings.get(2, []) if f.get("license_email") == license_email]
        if not rows:
            problems.append(f"step 2: no finding for {license_email!r}")
        elif not any(f.get("code") == "email_fix" and f.get("suggestion") == suggestion
                     for f in rows):
            said = ", ".join(f"{f.get('code')} -> {f.get('suggestion')!r}" for f in rows)
            problems.append(f"step 2: {license_email!r} should be email_fix -> {suggestion!r}, "
                            f"got {said}")
    for code, tenant_id in case.tenant.items():
        rows = [f for f in findings.get(1, []) if f.get("code") == code]
        if rows and not any(str(f.get("tenant_id")) == tenant_id for f in rows):
            said = ", ".join(f"{f.get('tenant_name')} ({f.get('tenant_id')})" for f in rows)
            problems.append(f"step 1: {code} should name tenant {tenant_id}, names {said}")
    if with_exit_code and case.exit_code is not None and outcome.returncode != case.exit_code:
        problems.append(f"exit code {outcome.returncode}, expected {case.exit_code}")
    return problems


def format_codes(codes: Mapping[Any, Sequence[str]]) -> str:
    return " | ".join(f"{step}: {', '.join(c) or '-'}" for step, c in codes.items())
