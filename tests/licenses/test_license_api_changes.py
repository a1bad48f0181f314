"""Changes through the JSON license API over real HTTP, against the loopback stand-in
(sandbox/license_api.py): PATCH with If-Match, ETags, and conflicting changes that are neither
lost nor overwritten."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from checks.errors import (
    ChangeNotApplicable,
    LicenseConflict,
    LicenseNotFound,
    LicenseReadOnly,
    LicenseSourceError,
)
from checks.licenses import HttpLicenseDirectory, open_directory
from checks.licenses.changes import LicenseChange, LicenseWriter, read_only_reason
from checks.models import License
from sandbox.license_api import LicenseApiServer

TOKEN = "api-token"
LIC = License("L-1", "Lincoln Physics", "Lincoln USD", 30,
              instructor_emails=("a@x.org", "sarah.wlison@x.org", "rpark@students.x.org"),
              application_ids=())
FIX = LicenseChange.replace("sarah.wlison@x.org", "sarah.wilson@x.org")


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def api() -> Iterator[LicenseApiServer]:
    with LicenseApiServer([LIC, License("L-2", "Other", "Other USD", 5)], token=TOKEN) as server:
        yield server


def client(api: LicenseApiServer, **options: object) -> HttpLicenseDirectory:
    return HttpLicenseDirectory(api.url, token=TOKEN, backoff=0.01, **options)  # type: ignore[arg-type]


def test_a_change_is_a_patch_with_if_match(api: LicenseApiServer) -> None:
    with client(api) as directory:
        assert isinstance(directory, LicenseWriter) and read_only_reason(directory) is None
        seen = directory.get_versioned("L-1")
        assert seen.license == LIC and seen.version == '"1"'
        done = directory.change("L-1", FIX, expected_version=seen.version)
    assert done.version == '"2"'
    assert done.license.instructor_emails == ("a@x.org", "sarah.wilson@x.org",
                                              "rpark@students.x.org")
    assert api.license("L-1") == done.license
    assert ("PATCH", "/licenses/L-1") in api.requests


def test_the_patch_on_the_wire(api: LicenseApiServer) -> None:
    """What a server sees: If-Match with the ETag read, a merge patch of the one field."""
    sent: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [sent.append]}) as http, \
            HttpLicenseDirectory(api.url, token=TOKEN, http=http) as directory:
        directory.change("L-1", LicenseChange.attach("MoYPlyQWmG0%3D"), expected_version='"1"')
    patch = next(r for r in sent if r.method == "PATCH")
    assert patch.headers["If-Match"] == '"1"'
    assert patch.headers["Content-Type"] == "application/merge-patch+json"
    assert patch.headers["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(patch.content) == {"application_ids": ["MoYPlyQWmG0%3D"]}


def test_a_conflicting_change_is_neither_lost_nor_overwritten(api: LicenseApiServer) -> None:
    """Two engineers read version 1. The first fixes a typo; the second, removing the student
    address from what they read, is refused (nothing written) and the first change stands.
    Read again, the second change is made too: both are on the license."""
    with client(api) as first, client(api) as second:
        a, b = first.get_versioned("L-1"), second.get_versioned("L-1")
        first.change("L-1", FIX, expected_version=a.version)
        with pytest.raises(LicenseConflict, match="changed since") as refused:
            second.change("L-1", LicenseChange.remove("rpark@students.x.org"),
                          expected_version=b.version)
        assert refused.value.current == '"2"'
        assert api.license("L-1").instructor_emails == (
            "a@x.org", "sarah.wilson@x.org", "rpark@students.x.org")
        again = second.get_versioned("L-1")
        second.change("L-1", LicenseChange.remove("rpark@students.x.org"),
                      expected_version=again.version)
    assert api.license("L-1").instructor_emails == ("a@x.org", "sarah.wilson@x.org")
    assert api.version("L-1") == 3


def test_a_change_slipped_in_between_read_and_write_wins(api: LicenseApiServer) -> None:
    """Someone edits the license after the client's read but before its PATCH lands: the
    server's If-Match check refuses the PATCH with 412, and the edit stands untouched."""
    edited = License(LIC.id, LIC.name, LIC.district, LIC.seats,
                     instructor_emails=(*LIC.instructor_emails, "new.teacher@x.org"))
    slipped: list[bool] = []

    def someone_else() -> None:
        if not slipped:
            slipped.append(True)
            api.put(edited)

    api.before_write = someone_else
    with client(api) as directory:
        with pytest.raises(LicenseConflict):
            directory.change("L-1", FIX, expected_version='"1"')
    assert api.license("L-1") == edited and api.version("L-1") == 2


def test_simultaneous_changes_from_one_version_only_one_lands(api: LicenseApiServer) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def attach(index: int) -> None:
        with client(api) as directory:
            barrier.wait()
            try:
                directory.change("L-1", LicenseChange.attach(f"A{index}"), expected_version='"1"')
                outcomes.append("ok")
            except LicenseConflict:
                outcomes.append("conflict")
            except Exception as exc:  # noqa: BLE001 (shown in the assertion)
                outcomes.append(repr(exc))

    threads = [threading.Thread(target=attach, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert len(api.license("L-1").application_ids) == 1 and api.version("L-1") == 2


def test_a_lost_answer_is_retried_and_recognised(api: LicenseApiServer) -> None:
    """The PATCH landed but its answer was lost (503): the retry is refused with 412, and the
    client sees the license is exactly what its change makes, so it succeeded, once."""
    api.lose_next_answer()
    with client(api) as directory:
        done = directory.change("L-1", FIX, expected_version='"1"')
    assert done.version == '"2"' and api.license("L-1") == done.license
    assert [r for r in api.requests if r[0] == "PATCH"] == [("PATCH", "/licenses/L-1")] * 2


def test_a_passing_outage_is_retried(api: LicenseApiServer) -> None:
    with client(api) as directory:
        api.fail_next(1)
        assert directory.change("L-1", FIX, expected_version='"1"').version == '"2"'


def test_refusals(api: LicenseApiServer) -> None:
    with client(api) as directory:
        with pytest.raises(LicenseNotFound):
            directory.change("L-404", FIX, expected_version='"1"')
        with pytest.raises(ChangeNotApplicable, match="no instructor email"):
            directory.change("L-2", FIX, expected_version='"1"')
        with pytest.raises(LicenseConflict):
            directory.change("L-1", FIX, expected_version='"7"')
    with HttpLicenseDirectory(api.url, token="wrong") as directory, \
            pytest.raises(LicenseSourceError, match="refused the token"):
        directory.change("L-1", FIX, expected_version='"1"')
    assert api.license("L-1") == LIC


def test_a_server_that_takes_no_changes_says_so() -> None:
    with LicenseApiServer([LIC], read_only=True) as api, \
            HttpLicenseDirectory(api.url) as directory:
        with pytest.raises(LicenseReadOnly, match="HTTP 405"):
            directory.change("L-1", FIX, expected_version='"1"')
    with LicenseApiServer([LIC], etags=False) as api, \
            open_directory(api.url) as directory:  # type: ignore[attr-defined]
        assert isinstance(directory, HttpLicenseDirectory)
        with pytest.raises(LicenseReadOnly, match="no ETag"):
            directory.get_versioned("L-1")
        assert directory.get("L-1") == LIC  # reading still works


def test_the_stand_in_refuses_what_the_contract_refuses(api: LicenseApiServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url = f"{api.url}/licenses/L-1"
    merge = {**auth, "Content-Type": "application/merge-patch+json"}
    with httpx.Client() as http:
        assert http.patch(url, headers=merge, json={"application_ids": []}).status_code == 428
        assert http.patch(url, headers={**merge, "If-Match": '"1"'},
                          json={"seats": 9}).status_code == 422
        assert http.patch(url, headers={**auth, "If-Match": '"1"', "Content-Type": "text/plain"},
                          content=b"x").status_code == 415
        stale = http.patch(url, headers={**merge, "If-Match": '"0"'}, json={"application_ids": []})
        assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
        listed = http.get(f"{api.url}/licenses", headers=auth, params={"limit": 1}).json()
        assert listed["next_offset"] == 1
