"""Jobs through the real service, the Slack stand-in and the sandbox, without a queue: a job
whose worker died is run again and posts nothing twice; a job that fails, runs out of time or
was tried too often tells the asker once; a job handed back on shutdown says nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import build_service
from bot.errors import ConfigError
from bot.jobs.journal import JournaledMessenger, JournaledStore
from bot.jobs.requests import Request
from bot.jobs.runner import JobRunner, Outcome
from bot.jobs.submit import opens_a_modal
from bot.messenger import SlackMessenger, web_client
from bot.service import Origin
from bot.settings import Settings
from checks.diagnose import Diagnoser, Diagnosis
from tests.slack.slack_world import (
    INTERNAL,
    SECRET,
    STAFF,
    SUPPORT,
    SlackWorld,
    buttons,
    finished_step,
    slack_world,
    start_dialog,
    text_of,
    wait_until,
)


class WorkerDied(BaseException):
    """Stands for the worker process dying mid-job: nothing in the runner catches it."""


class GatedDiagnoser(Diagnoser):
    """The sandbox's diagnoser; each diagnosis first calls `gate` (which may block or raise)."""

    def __init__(self, inner: Diagnoser) -> None:
        super().__init__(licenses=inner.licenses, classlink=inner.classlink)
        self.gate: Callable[[], None] = lambda: None

    def diagnose(self, license_id: str, **kwargs: object) -> Diagnosis:
        self.gate()
        return super().diagnose(license_id)


@dataclass
class JobWorld:
    world: SlackWorld
    diagnoser: GatedDiagnoser
    runner: JobRunner

    def origin(self, **fields: str | None) -> Origin:
        base: dict[str, str | None] = {"channel_id": INTERNAL, "user_id": STAFF}
        return Origin(**{**base, **fields})  # type: ignore[arg-type]

    def posts(self, needle: str) -> list[dict[str, object]]:
        return [c.params for c in self.world.stub.calls("chat.postMessage")
                if needle in text_of(c.params)]

    def responses(self, name: str = "job") -> list[str]:
        return [text_of(r) for r in self.world.responses(name)]


@pytest.fixture
def jobs(tmp_path: Path) -> Iterator[JobWorld]:
    """A bot replica (local jobs) to set dialogs up, and beside it a journaled job runner over
    the same store, as a worker builds it."""
    with slack_world(tmp_path) as world:
        settings = Settings.from_mapping({
            "SLACK_BOT_TOKEN": world.stub.bot_token, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": world.stub.url, "ROSTERBOT_SUPPORT_CHANNEL": SUPPORT,
            "ROSTERBOT_DATA_DIR": str(tmp_path)})
        client = web_client(world.stub.bot_token, base_url=world.stub.url)
        store = JournaledStore(world.store)
        diagnoser = GatedDiagnoser(world.built.service.deps.diagnoser)
        service = build_service(settings, diagnoser=diagnoser, store=store, client=client,
                                messenger=JournaledMessenger(SlackMessenger(client)))
        runner = JobRunner(service, store, timeout_seconds=30, max_attempts=3)
        yield JobWorld(world, diagnoser, runner)


def test_a_request_survives_json() -> None:
    request = Request.of("message", Origin(channel_id="C1", user_id="U1", thread_ts="1.2"),
                         text="hello", direct=True)
    again = Request.from_json(request.to_json())
    assert again == request and again.key and len(again.key) == 16
    with pytest.raises(ValueError):
        Request.from_json({"kind": "format_disk", "origin": {}, "args": {}, "key": "k"})
    with pytest.raises(ValueError):
        Request.of("format_disk", request.origin)


def test_only_the_link_picker_is_served_in_the_ack_path() -> None:
    assert opens_a_modal("link") and opens_a_modal(" LINK ")
    assert not opens_a_modal("link demo-emails")
    assert not opens_a_modal("check demo-emails") and not opens_a_modal("")


def test_a_press_rerun_after_its_worker_died_posts_once_and_finishes_the_step(
        jobs: JobWorld) -> None:
    world = jobs.world
    thread, ts1, step1 = start_dialog(world, "demo-emails")
    press = Request.of("action", jobs.origin(message_ts=ts1, thread_ts=thread,
                                             surface="action"),
                       value=buttons(step1)["next_step"])

    def die() -> None:
        raise WorkerDied
    jobs.diagnoser.gate = die  # the step-2 check starts, and the worker dies in it
    world.built.service.deps.cache.forget("demo-emails")
    jobs.runner.service.deps.cache.forget("demo-emails")
    with pytest.raises(WorkerDied):
        jobs.runner.run(press)
    assert len(jobs.posts("Step 2 of 3")) == 1  # "checking…", posted before it died

    jobs.diagnoser.gate = lambda: None
    assert jobs.runner.run(press, attempt=1) is Outcome.DONE
    assert len(jobs.posts("Step 2 of 3")) == 1, "the rerun posted step 2 again"
    ts2, step2 = finished_step(world, INTERNAL, "Step 2 of 3")
    assert "john.smith@lincolnusd.org" in text_of(step2)
    assert not jobs.responses("act"), "nobody was told the message is out of date"
    # the dialog went on from step 2, as if the first attempt had never been
    world.press(buttons(step2)["next_step"], message_ts=ts2, thread_ts=thread)
    finished_step(world, INTERNAL, "Step 3 of 3")


def test_a_press_that_someone_else_overtook_is_not_undone(jobs: JobWorld) -> None:
    """The dialog is put back only while the job's own save is the last one."""
    world = jobs.world
    thread, ts1, step1 = start_dialog(world, "demo-emails")
    press = Request.of("action", jobs.origin(message_ts=ts1, thread_ts=thread,
                                             surface="action"),
                       value=buttons(step1)["next_step"])

    def die() -> None:
        raise WorkerDied
    jobs.diagnoser.gate = die
    jobs.runner.service.deps.cache.forget("demo-emails")
    with pytest.raises(WorkerDied):
        jobs.runner.run(press)
    stored = world.store.find_dialog_by_thread(INTERNAL, thread)
    assert stored is not None
    world.store.save_dialog(stored.dialog_id, channel_id=stored.channel_id,
                            thread_ts=stored.thread_ts, user_id=stored.user_id,
                            license_id=stored.license_id, state=stored.state,
                            expected_version=stored.version)  # someone else saved since
    jobs.diagnoser.gate = lambda: None
    jobs.runner.run(press, attempt=1)
    after = world.store.load_dialog(stored.dialog_id)
    assert after is not None and after.state["step"] == stored.state["step"]  # not put back
    out_of_date = world.built.service.deps.kb.string("message_out_of_date")[:30]
    assert any(out_of_date in text_of(c.params) for c in world.stub.calls("chat.postEphemeral"))


def test_a_failing_job_says_so_once_however_often_it_runs(jobs: JobWorld) -> None:
    jobs.world.command("link demo-emails")
    jobs.world.stub.wait_for("response_url", 1)

    def broken() -> None:
        raise RuntimeError("boom")
    jobs.diagnoser.gate = broken
    check = Request.of("command", jobs.origin(response_url=jobs.world.stub.response_url("job")),
                       text="check")
    assert jobs.runner.run(check) is Outcome.FAILED
    assert jobs.runner.run(check, attempt=1) is Outcome.FAILED
    failed = jobs.world.built.service.deps.kb.string("job_failed")[:30]
    assert sum(failed in text for text in jobs.responses()) == 1
    assert "boom" not in "".join(jobs.responses())


def test_a_job_past_its_time_is_told_at_once_and_posts_nothing_late(jobs: JobWorld) -> None:
    jobs.world.command("link demo-emails")
    jobs.world.stub.wait_for("response_url", 1)
    release = threading.Event()
    jobs.diagnoser.gate = lambda: release.wait(10) and None
    jobs.runner.timeout_seconds = 0.2
    check = Request.of("command", jobs.origin(response_url=jobs.world.stub.response_url("job")),
                       text="check")
    outcome: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcome.append(jobs.runner.run(check)))
    worker.start()
    too_long = jobs.world.built.service.deps.kb.string("job_timed_out")[:30]
    wait_until(lambda: any(too_long in text for text in jobs.responses()))
    release.set()
    worker.join(10)
    assert outcome == [Outcome.TIMED_OUT]
    answered = jobs.responses()
    assert not any("Lincoln Unified" in text for text in answered), "a late answer was posted"


def test_a_job_tried_too_often_gives_up_and_says_so(jobs: JobWorld) -> None:
    check = Request.of("command", jobs.origin(response_url=jobs.world.stub.response_url("job")),
                       text="check demo-emails")
    assert jobs.runner.run(check, attempt=3) is Outcome.GAVE_UP
    failed = jobs.world.built.service.deps.kb.string("job_failed")[:30]
    assert any(failed in text for text in jobs.responses())


def test_a_job_handed_back_on_shutdown_stops_quietly(jobs: JobWorld) -> None:
    check = Request.of("command", jobs.origin(response_url=jobs.world.stub.response_url("job")),
                       text="check demo-emails")
    assert jobs.runner.run(check, should_abort=lambda: True) is Outcome.HANDED_BACK
    assert jobs.responses() == []


@pytest.mark.parametrize(("environ", "problem"), [
    ({"ROSTERBOT_JOBS": "queue"}, "postgresql"),
    ({"ROSTERBOT_JOBS": "celery"}, "local or queue"),
    ({"ROSTERBOT_JOB_ATTEMPTS": "2.5"}, "whole number"),
    ({"ROSTERBOT_WORKER_HEARTBEAT": "0"}, "positive"),
])
def test_job_settings_are_checked(environ: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        Settings.from_mapping(environ)


def test_the_queue_is_the_default_on_postgresql_only() -> None:
    assert Settings.from_mapping({}).jobs_mode == "local"
    on_pg = Settings.from_mapping({"DATABASE_URL": "postgresql://db/rosterbot"})
    assert on_pg.jobs_mode == "queue"
    assert Settings.from_mapping({"DATABASE_URL": "postgresql://db/rosterbot",
                                  "ROSTERBOT_JOBS": "local"}).jobs_mode == "local"
