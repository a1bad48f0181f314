"""Restarts and replicas: dialogs survive a restart (SQLite), move between two replicas on one
PostgreSQL, events are handled once across replicas, and a database outage is survived."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.store import open_store
from sandbox import slack_requests as sr
from tests.slack.slack_world import (
    INTERNAL,
    SlackWorld,
    buttons,
    finished_step,
    new_slack_stub,
    slack_world,
    start_dialog,
    text_of,
    wait_until,
)
from tests.slack.tcp_proxy import TcpProxy


def test_a_restart_mid_dialog_continues_where_it_was(tmp_path: Path) -> None:
    stub = new_slack_stub()
    try:
        with slack_world(tmp_path, stub=stub) as before:
            thread, ts1, step1 = start_dialog(before, "demo-emails")
        with slack_world(tmp_path, stub=stub) as after:  # same SQLite file, new process state
            after.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
            _, step2 = finished_step(after, INTERNAL, "Step 2 of 3")
            assert "john.smith@lincolnusd.org" in text_of(step2)
    finally:
        stub.stop()


@pytest.mark.postgres
def test_a_dialog_started_on_one_replica_continues_on_the_other(
        tmp_path: Path, pg_url: str) -> None:
    stub = new_slack_stub()
    store_a, store_b = open_store(pg_url), open_store(pg_url)
    try:
        with slack_world(tmp_path / "a", stub=stub, store=store_a) as a, \
                slack_world(tmp_path / "b", stub=stub, store=store_b) as b:
            thread, ts1, step1 = start_dialog(a, "demo-emails")
            b.press(buttons(step1)["next_step"], message_ts=ts1, thread_ts=thread)
            ts2, step2 = finished_step(b, INTERNAL, "Step 2 of 3")
            a.send(sr.message("jsmith@lincolnusd.org", user_id="U_STAFF", channel_id=INTERNAL,
                              ts="1700005000.000100", thread_ts=thread))
            wait_until(lambda: any("jsmith@lincolnusd.org" in text_of(c.params)
                                   and "Step" not in str(c.params.get("text"))
                                   for c in stub.calls("chat.postMessage")))
    finally:
        store_a.close()
        store_b.close()
        stub.stop()


@pytest.mark.postgres
def test_the_same_event_delivered_to_both_replicas_is_handled_once(
        tmp_path: Path, pg_url: str) -> None:
    stub = new_slack_stub()
    store_a, store_b = open_store(pg_url), open_store(pg_url)
    try:
        with slack_world(tmp_path / "a", stub=stub, store=store_a) as a, \
                slack_world(tmp_path / "b", stub=stub, store=store_b) as b:
            for n in range(5):
                event = sr.app_mention("how do I run the sanity check?", user_id="U_STAFF",
                                       channel_id=INTERNAL, ts=f"17000060{n}0.000100",
                                       event_id=f"EvTwice{n}")
                barrier = threading.Barrier(2)

                def deliver(replica: SlackWorld, request: sr.SlackRequest = event,
                            together: threading.Barrier = barrier) -> None:
                    together.wait()
                    replica.send(request)

                threads = [threading.Thread(target=deliver, args=(r,)) for r in (a, b)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            wait_until(lambda: len(stub.calls("chat.postMessage")) >= 5)
            a.built.close()
            b.built.close()
            assert len(stub.calls("chat.postMessage")) == 5
    finally:
        store_a.close()
        store_b.close()
        stub.stop()


@pytest.mark.postgres
def test_a_database_outage_gets_an_apology_and_service_resumes(
        tmp_path: Path, pg_url: str) -> None:
    parts = urlsplit(pg_url)
    proxy = TcpProxy(("127.0.0.1", parts.port or 5432))
    proxied = urlunsplit(parts._replace(netloc=f"postgres@127.0.0.1:{proxy.port}"))
    store = open_store(proxied)
    try:
        with slack_world(tmp_path, store=store) as world:
            world.command("link demo-emails", name="before")
            world.stub.wait_for("response_url", 1)
            proxy.cut()
            world.command("check", name="down")
            wait_until(lambda: bool(world.responses("down")), timeout=20)
            apology = world.built.service.deps.kb.string("error_apology")[:25]
            assert apology in text_of(world.responses("down")[-1])
            proxy.restore()
            world.command("app", name="after")
            wait_until(lambda: any("Step 1" in text_of(r) or "Lincoln" in text_of(r)
                                   for r in world.responses("after")), timeout=20)
            assert store.linked_license(INTERNAL) == "demo-emails"  # nothing was lost
    finally:
        store.close()
        proxy.close()
