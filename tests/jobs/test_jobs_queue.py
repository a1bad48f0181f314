"""The work off the request path, deployed as in production: two bot replicas (the real Bolt app
over HTTP, signed requests) that only ack and queue, and two `rosterbot worker` processes, on
one PostgreSQL, against the Slack stand-in and the ClassLink sandbox. A worker killed while it
reads a slow ClassLink loses nothing and posts nothing twice; SIGTERM drains a worker mid-dialog
and the dialog goes on elsewhere."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from bot.app import create_app
from bot.http import serve_bolt
from bot.settings import Settings
from bot.store import open_store
from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser
from checks.licenses import SqliteLicenseDirectory
from sandbox import slack_requests as sr
from sandbox.sample import sample_licenses, sample_world
from sandbox.server import SandboxServer
from sandbox.slack_api import SlackApiStub
from tests.slack.slack_world import (
    INTERNAL,
    SECRET,
    STAFF,
    SUPPORT,
    SlackWorld,
    buttons,
    finished_step,
    new_slack_stub,
    picker_options,
    start_dialog,
    text_of,
    wait_until,
)

pytestmark = pytest.mark.postgres
HEARTBEAT = 0.4  # a killed worker's jobs are queued again after three silent heartbeats
STARTED = re.compile(r"Starting job rosterbot\.serve_request\[(\d+)\]")


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[str]
    log: Path

    def started_jobs(self) -> set[int]:
        return {int(n) for n in STARTED.findall(self.log.read_text(encoding="utf-8"))}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@dataclass
class Deployment:
    tmp: Path
    pg_url: str
    stub: SlackApiStub
    classlink: SandboxServer
    licenses: Path
    stack: ExitStack
    workers: list[Worker] = field(default_factory=list)

    def environ(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.pg_url, "SLACK_BOT_TOKEN": self.stub.bot_token,
            "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": self.stub.url,
            "ROSTERBOT_SUPPORT_CHANNEL": SUPPORT, "ROSTERBOT_DATA_DIR": str(self.tmp),
            "ROSTERBOT_LICENSES": f"sqlite:///{self.licenses}",
            "CLASSLINK_API_URL": self.classlink.url,
            "CLASSLINK_PARTNER_KEY": self.classlink.partner_key,
            "ROSTERBOT_WORKER_HEARTBEAT": str(HEARTBEAT), "ROSTERBOT_WORKER_GRACE": "1",
            "ROSTERBOT_WORKER_CONCURRENCY": "4",
        }

    def worker(self, name: str, *args: str, **settings: str) -> Worker:
        """`rosterbot worker` in a process of its own, once it serves."""
        log = self.tmp / f"{name}.log"
        with log.open("w", encoding="utf-8") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "worker", "--name", name, *args],
                env={**os.environ, **self.environ(), **settings}, cwd=self.tmp,
                stdout=subprocess.PIPE, stderr=stderr, text=True)
        worker = Worker(name, process, log)
        self.workers.append(worker)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving jobs" in line, log.read_text(encoding="utf-8")[-2000:]
        return worker

    def replica(self) -> SlackWorld:
        """A bot replica, as `rosterbot run --http` builds it: it acks and queues."""
        settings = Settings.from_mapping({k: v for k, v in self.environ().items()
                                          if not k.startswith("CLASSLINK")})
        assert settings.jobs_mode == "queue"
        store = open_store(self.pg_url)
        self.stack.callback(store.close)
        licenses = SqliteLicenseDirectory(self.licenses)
        self.stack.callback(licenses.close)
        client = ClassLinkClient(base_url=self.classlink.url,
                                 partner_key=self.classlink.partner_key)
        self.stack.callback(client.close)
        built = create_app(settings, diagnoser=Diagnoser(licenses=licenses, classlink=client),
                           store=store)
        self.stack.callback(built.close)
        server = serve_bolt(built.app)
        self.stack.callback(server.stop)
        http = self.stack.enter_context(httpx.Client(timeout=10))
        return SlackWorld(self.stub, server, built, store, http, self.classlink)

    def running_worker(self, job_id: int) -> Worker:
        wait_until(lambda: any(job_id in w.started_jobs() for w in self.workers))
        return next(w for w in self.workers if job_id in w.started_jobs())

    def jobs(self) -> list[tuple[int, str, int]]:
        """(id, status, attempts) of every job so far."""
        with psycopg.connect(self.pg_url) as conn:
            rows = conn.execute("SELECT id, status::text, attempts FROM procrastinate_jobs "
                                "ORDER BY id").fetchall()
        return [(int(i), str(s), int(a)) for i, s, a in rows]

    def newest_job(self) -> int:
        wait_until(lambda: bool(self.jobs()))
        return self.jobs()[-1][0]

    def all_done(self) -> bool:
        return all(status == "succeeded" for _, status, _ in self.jobs())


@pytest.fixture
def deployment(tmp_path: Path, pg_url: str) -> Iterator[Deployment]:
    with ExitStack() as stack:
        stub = new_slack_stub()
        stack.callback(stub.stop)
        classlink = SandboxServer(sample_world()).start()
        stack.callback(classlink.stop)
        licenses = SqliteLicenseDirectory(tmp_path / "licenses.sqlite3", seed=sample_licenses())
        licenses.list()  # seeded now, for the workers' own connections
        licenses.close()
        deployment = Deployment(tmp_path, pg_url, stub, classlink,
                                tmp_path / "licenses.sqlite3", stack)
        try:
            yield deployment
        finally:
            for worker in deployment.workers:
                worker.stop()


def posts(world: SlackWorld, needle: str, thread: str | None = None) -> int:
    return sum(1 for c in world.stub.calls("chat.postMessage")
               if needle in text_of(c.params)
               and (thread is None or c.params.get("thread_ts") in (thread, None)))


def test_two_replicas_and_two_workers_serve_a_whole_dialog(deployment: Deployment) -> None:
    port = free_port()
    deployment.worker("w1", "--health-port", str(port))
    deployment.worker("w2")
    a, b = deployment.replica(), deployment.replica()
    thread, ts1, step1 = start_dialog(a, "demo-emails")
    b.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    ts2, step2 = finished_step(b, INTERNAL, "Step 2 of 3")
    assert "john.smith@lincolnusd.org" in text_of(step2)
    a.send(sr.message("jsmith@lincolnusd.org", user_id=STAFF, channel_id=INTERNAL,
                      ts="1700009999.000100", thread_ts=thread))
    wait_until(lambda: any("jsmith@lincolnusd.org" in text_of(c.params)
                           and "Step" not in str(c.params.get("text"))
                           for c in a.stub.calls("chat.postMessage")))
    b.press(buttons(step2)["next_step"], message_ts=ts2, thread_ts=thread)
    ts3, step3 = finished_step(b, INTERNAL, "Step 3 of 3")
    _, teacher = next(o for o in picker_options(step3) if "john.smith" in o[0])
    a.press(teacher, action="rosterbot.pick_teacher", select=True, message_ts=ts3,
            thread_ts=thread)
    wait_until(lambda: any("John Smith" in text_of(c.params) and "class" in text_of(c.params)
                           for c in a.stub.calls("chat.postMessage")))
    b.press(buttons(step3)["fixed"], message_ts=ts3, thread_ts=thread)
    thanks = a.built.service.deps.kb.string("fixed_thanks")[:20]
    wait_until(lambda: posts(a, thanks) == 1)
    # one mention delivered to both replicas: one job, one answer
    for replica in (a, b):
        replica.send(sr.app_mention("how do I run the sanity check?", user_id=STAFF,
                                    channel_id=INTERNAL, ts="1700007000.000100",
                                    event_id="EvBoth"))
    wait_until(lambda: any(c.params.get("thread_ts") == "1700007000.000100"
                           for c in a.stub.calls("chat.postMessage")))
    wait_until(deployment.all_done)
    assert len(deployment.jobs()) == 7  # the replicas queued every request, once
    assert a.built.jobs is not None and a.built.jobs.ready()
    for name, count in (("Step 1 of 3", 1), ("Step 2 of 3", 1), ("Step 3 of 3", 1)):
        assert posts(a, name) == count, name
    # a worker serves its own readiness and job durations when asked (--health-port)
    base = f"http://127.0.0.1:{port}"
    assert httpx.get(base + "/readyz", timeout=5).status_code == 200
    metrics = httpx.get(base + "/metrics", timeout=5).text
    assert "rosterbot_job_seconds_count" in metrics


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_worker_killed_mid_diagnosis_loses_nothing_and_posts_once(
        deployment: Deployment) -> None:
    deployment.worker("w1")
    deployment.worker("w2")
    a = deployment.replica()
    deployment.classlink.faults.add("slow", times=None, delay=0.5)  # a far-away ClassLink
    read_before = len(deployment.classlink.requests)
    a.command("troubleshoot demo-healthy")
    job = deployment.newest_job()
    victim = deployment.running_worker(job)
    # "checking…" is out, and the worker reads ClassLink (which it does only after that)
    wait_until(lambda: len(deployment.classlink.requests) > read_before)
    assert posts(a, "Step 1 of 3") == 1
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(timeout=10)
    deployment.classlink.faults.clear()

    _, step1 = finished_step(a, INTERNAL, "Step 1 of 3")
    assert "demo-healthy" in text_of(step1)
    assert posts(a, "check started by") == 1 and posts(a, "Step 1 of 3") == 1
    wait_until(deployment.all_done)
    # two runs: the one killed, and the one the other worker took over
    assert deployment.jobs() == [(job, "succeeded", 2)]
    # the dialog goes on from the message the first attempt posted
    ts1 = next(str(c.reply["ts"]) for c in a.stub.calls("chat.postMessage")
               if "Step 1 of 3" in text_of(c.params))
    thread = str(step1.get("thread_ts"))
    a.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    finished_step(a, INTERNAL, "Step 2 of 3")
    assert posts(a, "Step 2 of 3") == 1


def test_sigterm_drains_a_worker_mid_dialog_and_the_dialog_goes_on_elsewhere(
        deployment: Deployment) -> None:
    for name in ("w1", "w2"):  # no grace: a running job is handed back at once
        deployment.worker(name, ROSTERBOT_WORKER_GRACE="0")
    a, b = deployment.replica(), deployment.replica()
    thread, ts1, step1 = start_dialog(a, "demo-emails")
    deployment.classlink.faults.add("slow", times=None, delay=0.5)
    b.press(buttons(step1)["check_again"], message_ts=ts1, thread_ts=thread)
    job = deployment.newest_job()
    draining = deployment.running_worker(job)
    wait_until(lambda: "Checking" in text_of(a.stub.message(INTERNAL, ts1) or {}))
    draining.process.send_signal(signal.SIGTERM)
    # it stops at the job's next Slack call, once the slow ClassLink read it is in is done
    assert draining.process.wait(timeout=20) == 0
    deployment.classlink.faults.clear()
    log = draining.log.read_text(encoding="utf-8")
    assert "taking no new jobs" in log and "handed_back" in log and "Traceback" not in log

    wait_until(lambda: "Checking" not in text_of(a.stub.message(INTERNAL, ts1) or {}), 20)
    wait_until(deployment.all_done)
    assert [attempts for i, _, attempts in deployment.jobs() if i == job] == [2]  # elsewhere
    _, step1 = finished_step(a, INTERNAL, "Step 1 of 3")
    a.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
    finished_step(b, INTERNAL, "Step 2 of 3")
    assert posts(a, "Step 1 of 3") == 1 and posts(a, "Step 2 of 3") == 1
    assert not a.responses("act"), "nobody was told a message is out of date"
