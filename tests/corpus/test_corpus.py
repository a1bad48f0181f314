"""The diagnosis corpus, end to end: sandbox subprocess + `rosterbot diagnose --json`.

One test per case (license): every expected finding code is present in its step, no other
warn/fail/unknown code appears, email_fix suggestions and the tenant named by unattached_match /
application_foreign are the expected ones. Fault cases also check the exit status (3 when
ClassLink cannot be asked at all). The corpus is generated into a temporary folder from
tests/corpus/build.py (fixed seed); `python tests/corpus/build.py --out DIR` writes the same files
for reading, and bench/corpus.py prints the figures.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.corpus


def _harness() -> ModuleType:
    name = "rosterbot_corpus_harness"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("harness.py"))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


harness = _harness()
build = harness.load_build()
CORPUS = build.build()
CASES = CORPUS.cases
BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("corpus")
    CORPUS.write(folder)
    yield harness.run_corpus(folder, CASES)


def _explain(case: Any, outcome: Any, problems: list[str]) -> str:
    expected = harness.format_codes(case.expect)
    got = harness.format_codes(harness.got_codes(outcome.diagnosis))
    lines = [f"{case.name} ({case.kind}: {case.fault})",
             f"  engineer: {case.say}",
             f"  expected: {expected}",
             f"  got:      {got}",
             *(f"  - {p}" for p in problems)]
    if case.note:
        lines.append(f"  note: {case.note}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_case(corpus_run: Any, name: str) -> None:
    case = BY_NAME[name]
    outcome = corpus_run.outcomes[name]
    problems = harness.judge(case, outcome)
    assert not problems, _explain(case, outcome, problems)


@pytest.mark.parametrize(
    "name", [c.name for c in CASES if c.world == "faults" and c.exit_code is not None])
def test_fault_exit_code(corpus_run: Any, name: str) -> None:
    case = BY_NAME[name]
    outcome = corpus_run.outcomes[name]
    assert outcome.returncode == case.exit_code, (
        f"{name}: `rosterbot diagnose` exited {outcome.returncode}, expected {case.exit_code} "
        f"({case.fault}); {outcome.error}")


def test_main_world_exit_code(corpus_run: Any) -> None:
    assert corpus_run.main_returncode == 0, "`rosterbot diagnose --all` on the main world"


def test_corpus_shape() -> None:
    """At least 30 broken and 10 healthy cases, and every case says what it expects."""
    broken = [c for c in CASES if c.kind == "broken"]
    healthy = [c for c in CASES if c.kind == "healthy"]
    assert len(broken) >= 30 and len(healthy) >= 10
    for case in CASES:
        assert case.say and case.fault and set(case.expect) == {1, 2, 3}, case.name
