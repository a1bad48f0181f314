"""Builds the checks' collaborators from settings, or from the in-process sample world."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from checks.classlink import ClassLinkClient
from checks.diagnose import Diagnoser
from checks.licenses import LicenseDirectory, SqliteLicenseDirectory, open_directory

if TYPE_CHECKING:
    from sandbox.server import SandboxServer


@dataclass(frozen=True, slots=True)
class SandboxRuntime:
    """The running sample world: the ClassLink stand-in (with its fault switches) and a
    diagnoser reading it."""

    server: SandboxServer
    diagnoser: Diagnoser


@contextmanager
def running_sandbox(**client_options: Any) -> Iterator[SandboxRuntime]:
    """The sample world served on loopback, with its licenses in a throwaway SQLite directory.

    `client_options` go to the ClassLinkClient (e.g. a short timeout for fault tests)."""
    from sandbox.sample import sample_licenses, sample_world
    from sandbox.server import SandboxServer

    with tempfile.TemporaryDirectory(prefix="rosterbot-sandbox-") as tmp, \
            SandboxServer(sample_world()) as server:
        licenses = SqliteLicenseDirectory(Path(tmp) / "licenses.sqlite3", seed=sample_licenses())
        client = ClassLinkClient(base_url=server.url, partner_key=server.partner_key,
                                 **client_options)
        try:
            yield SandboxRuntime(server, Diagnoser(licenses=licenses, classlink=client))
        finally:
            client.close()
            licenses.close()


@contextmanager
def sandbox_diagnoser() -> Iterator[Diagnoser]:
    with running_sandbox() as runtime:
        yield runtime.diagnoser


@contextmanager
def configured_diagnoser(settings: Settings) -> Iterator[Diagnoser]:
    """ClassLink and the license directory named by the settings."""
    base_url, partner_key = settings.require_classlink()
    licenses: LicenseDirectory = open_directory(settings.licenses,
                                                  token=settings.licenses_token)
    client = ClassLinkClient(base_url=base_url, partner_key=partner_key,
                             timeout=settings.classlink_timeout)
    try:
        yield Diagnoser(licenses=licenses, classlink=client)
    finally:
        client.close()
        licenses.close()


@contextmanager
def diagnoser_for(settings: Settings, *, sandbox: bool) -> Iterator[Diagnoser]:
    context = sandbox_diagnoser() if sandbox else configured_diagnoser(settings)
    with context as diagnoser:
        yield diagnoser
