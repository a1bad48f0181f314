"""checks.sweep against the sandbox over real HTTP: one /applications read per sweep, bounded
concurrency, ClassLink's Retry-After honoured by the whole sweep, compact outcomes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.cli.runtime import SandboxRuntime, running_sandbox
from checks.diagnose import ClassLinkSource, DistrictSource
from checks.errors import ClassLinkRateLimited
from checks.models import Application, Roster, RosterUser, Status
from checks.sweep import OnceApplications, Sweep, Throttle

SAMPLE = ["demo-disabled", "demo-emails", "demo-few-students", "demo-healthy", "demo-unattached"]


@pytest.fixture
def sandbox() -> Iterator[SandboxRuntime]:
    with running_sandbox(max_attempts=1, timeout=5.0) as runtime:
        yield runtime


def sweep_of(runtime: SandboxRuntime, **options: object) -> Sweep:
    d = runtime.diagnoser
    return Sweep(licenses=d.licenses, classlink=d.classlink, **options)  # type: ignore[arg-type]


def applications_reads(runtime: SandboxRuntime) -> int:
    return sum(1 for r in runtime.server.requests if r.path == "/applications")


def test_every_license_is_diagnosed_with_one_applications_read(sandbox: SandboxRuntime) -> None:
    sweep = sweep_of(sandbox, concurrency=4)
    outcomes = sweep.run()
    assert [o.license_id for o in outcomes] == SAMPLE
    assert applications_reads(sandbox) == 1 and sweep.source.reads == 1
    by_id = {o.license_id: o for o in outcomes}
    healthy = by_id["demo-healthy"]
    assert healthy.status == "pass" and healthy.findings == {} and healthy.results is None
    assert healthy.counts["teachers"] == 12 and healthy.counts["instructors"] == 12
    emails = by_id["demo-emails"]
    assert emails.steps == {"connection": "pass", "emails": "fail", "sanity": "warn"}
    assert emails.findings["email_fix"] == 7 and emails.primary == "email_fix"
    assert emails.results is not None  # kept for wording: it does not pass
    assert by_id["demo-disabled"].primary == "application_disabled"
    assert by_id["demo-unattached"].primary in ("no_application_id", "unattached_match")
    assert by_id["demo-few-students"].primary == "few_students"


def test_the_same_results_as_diagnosing_one_at_a_time(sandbox: SandboxRuntime) -> None:
    one_by_one = {i: sandbox.diagnoser.diagnose(i) for i in SAMPLE}
    for outcome in sweep_of(sandbox, concurrency=5).run():
        alone = one_by_one[outcome.license_id]
        assert outcome.steps == {r.name: str(r.status) for r in alone.steps}
        if outcome.results is not None:
            assert [r.to_json() for r in outcome.results] == [r.to_json() for r in alone.steps]


def test_only_the_licenses_asked_for_in_directory_order(sandbox: SandboxRuntime) -> None:
    sweep = sweep_of(sandbox)
    ids = sweep.license_ids(["demo-healthy", "no-such-license", "demo-emails"])
    assert ids == ["demo-emails", "demo-healthy"]
    assert [o.license_id for o in sweep.run(ids)] == ids


def test_applications_failing_is_said_for_every_license_and_asked_once(
    sandbox: SandboxRuntime,
) -> None:
    sandbox.server.faults.add("server_error", times=None, path_contains="/applications")
    sweep = sweep_of(sandbox, concurrency=3)
    outcomes = sweep.run()
    assert len(outcomes) == 5 and sweep.source.reads == 1 and applications_reads(sandbox) == 1
    assert sweep.source.error is not None
    assert all(o.classlink_error and o.status == "unknown" for o in outcomes)
    assert {o.primary for o in outcomes} == {"classlink_unreachable"}


def test_a_rate_limited_read_pauses_the_whole_sweep_for_retry_after(
    sandbox: SandboxRuntime,
) -> None:
    """The client gives up at once (max_attempts=1); the sweep waits what ClassLink asked and
    reads again, and no other read starts meanwhile."""
    asked: list[float] = []
    clock = FakeMonotonic()

    def sleep(seconds: float) -> None:
        asked.append(seconds)
        clock.now += seconds

    sandbox.server.faults.add("rate_limit", times=1, path_contains="/users", retry_after=7)
    throttle = Throttle(sleep=sleep, clock=clock)
    outcomes = sweep_of(sandbox, concurrency=1, throttle=throttle).run()
    assert throttle.pauses == 1 and throttle.waited == 7 and asked == [7]
    assert {o.license_id: o.status for o in outcomes}["demo-healthy"] == "pass"
    assert not any(o.classlink_error for o in outcomes)


def test_a_retry_after_beyond_the_limit_fails_that_read_only(sandbox: SandboxRuntime) -> None:
    sandbox.server.faults.add("rate_limit", times=None, path_contains="/users", retry_after=600)
    throttle = Throttle(max_pause=120, sleep=lambda _s: None)
    outcomes = sweep_of(sandbox, throttle=throttle).run()
    limited = [o for o in outcomes if o.classlink_error]
    assert limited and all("rate-limiting" in o.classlink_error for o in limited)
    assert throttle.pauses == 0


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the Throttle and concurrency, without HTTP ---------------------------------------------------


class SlowSource:
    """A ClassLinkSource whose roster reads take a while and count how many run at once."""

    def __init__(self, apps: list[Application]) -> None:
        self.apps = apps
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self.application_reads = 0

    def applications(self) -> list[Application]:
        self.application_reads += 1
        return list(self.apps)

    def district(self, app: Application) -> DistrictSource:
        return _SlowDistrict(self)


class _SlowDistrict:
    def __init__(self, source: SlowSource) -> None:
        self.source = source

    def roster(self) -> Roster:
        with self.source.lock:
            self.source.running += 1
            self.source.most = max(self.source.most, self.source.running)
        time.sleep(0.05)
        with self.source.lock:
            self.source.running -= 1
        return Roster(users=(), classes=(), enrollments=(), orgs=())

    def teachers(self) -> list[RosterUser]:
        return []

    def users_by_email(self, email: str) -> list[RosterUser]:
        return []


def test_no_more_licenses_at_once_than_the_concurrency(sandbox: SandboxRuntime) -> None:
    apps = sandbox.diagnoser.classlink.applications()
    source = SlowSource(apps)
    classlink: ClassLinkSource = source
    sweep = Sweep(licenses=sandbox.diagnoser.licenses, classlink=classlink, concurrency=2)
    done: list[tuple[int, int]] = []
    sweep.run(progress=lambda n, total, _o: done.append((n, total)))
    assert source.most == 2 and source.application_reads == 1
    assert done == [(n, 5) for n in range(1, 6)]


def test_the_throttle_retries_a_bounded_number_of_times() -> None:
    calls: list[int] = []

    def limited() -> int:
        calls.append(1)
        raise ClassLinkRateLimited("429", retry_after=1.0)

    throttle = Throttle(attempts=3, sleep=lambda _s: None)
    with pytest.raises(ClassLinkRateLimited):
        throttle.call(limited)
    assert len(calls) == 3


def test_once_applications_caches_the_first_read() -> None:
    source = SlowSource([])
    once = OnceApplications(source)
    assert once.applications() == [] and once.applications() == []
    assert source.application_reads == 1 and once.reads == 1


def test_outcome_status_is_the_worst_step(sandbox: SandboxRuntime) -> None:
    outcomes = {o.license_id: o for o in sweep_of(sandbox).run()}
    assert outcomes["demo-disabled"].status == str(Status.FAIL)
    assert outcomes["demo-disabled"].broken and not outcomes["demo-healthy"].broken
