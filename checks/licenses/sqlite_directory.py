"""The embedded license directory: a SQLite file, created and seeded on first use.

Tables: `licenses` (one row each, with a `version` that grows by one on every write),
`license_emails` (instructor emails as typed, in order, plus their `fold_email` key, indexed)
and `license_app_ids` (Application IDs in order). Schema 2 added `version`; a schema-1 file is
upgraded in place when opened (its licenses start at version 1).
One connection is shared behind a lock, so a Slack app's worker threads can use one directory;
every query is a few milliseconds, so serialising them costs nothing noticeable.
"""

from __future__ import annotations

import builtins
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from checks.errors import LicenseConflict, LicenseNotFound, LicenseSourceError
from checks.licenses.changes import LicenseChange, VersionedLicense
from checks.licenses.records import (
    LicenseFieldError,
    check_unique_ids,
    license_from_mapping,
    validate_license,
)
from checks.licenses.yaml_directory import read_licenses_yaml
from checks.models import License
from checks.text import fold_email

Seed = Path | builtins.list[License] | None

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS licenses (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    district TEXT NOT NULL,
    seats INTEGER NOT NULL CHECK (seats >= 0),
    expires TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS license_emails (
    license_id TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    email TEXT NOT NULL,
    email_norm TEXT NOT NULL,
    PRIMARY KEY (license_id, position)
);
CREATE INDEX IF NOT EXISTS license_emails_by_norm ON license_emails (email_norm);
CREATE TABLE IF NOT EXISTS license_app_ids (
    license_id TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    application_id TEXT NOT NULL,
    PRIMARY KEY (license_id, position)
);
"""

# Which licenses a read selects, as the tail of "WHERE <license id column> ...".
# These are constants; values always travel as parameters.
_EVERY = ""
_BY_ID = "= ?"
_BY_EMAIL = "IN (SELECT license_id FROM license_emails WHERE email_norm = ?)"


class SqliteLicenseDirectory:
    """Licenses in a SQLite file (or ":memory:"); readable and writable."""

    def __init__(self, path: Path | str, *, seed: Seed = None) -> None:
        self.path = Path(path)
        self._seed = _checked_seed(seed)
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._closed = False

    def get(self, license_id: str) -> License:
        found = self._select(_BY_ID, license_id)
        if not found:
            raise LicenseNotFound(license_id)
        return found[0]

    def find_by_email(self, email: str) -> builtins.list[License]:
        key = fold_email(email)
        return self._select(_BY_EMAIL, key) if key else []

    def list(self) -> builtins.list[License]:
        return self._select(_EVERY)

    @property
    def read_only_reason(self) -> str | None:
        return None

    def get_versioned(self, license_id: str) -> VersionedLicense:
        with self._using() as connection, _transaction(connection, immediate=False):
            rows = _select_rows(connection, _BY_ID, (license_id,))
            version = _version(connection, license_id)
        if not rows or version is None:
            raise LicenseNotFound(license_id)
        return VersionedLicense(self._license(rows[0]), str(version))

    def change(self, license_id: str, change: LicenseChange, *,
               expected_version: str) -> VersionedLicense:
        """Make `change` in one transaction, only if the license is still at
        `expected_version`; LicenseConflict (nothing written) when it is not."""
        change.check()
        with self._using() as connection, _transaction(connection):
            rows = _select_rows(connection, _BY_ID, (license_id,))
            version = _version(connection, license_id)
            if not rows or version is None:
                raise LicenseNotFound(license_id)
            if str(version) != expected_version:
                raise LicenseConflict(
                    f"license {license_id} changed since this change was computed (version "
                    f"{expected_version}, now {version}); nothing was written",
                    license_id=license_id, expected=expected_version, current=str(version))
            after = change.apply(self._license(rows[0]))
            validate_license(after)
            _replace_children(connection, after)
            connection.execute("UPDATE licenses SET version = ? WHERE id = ?",
                               (version + 1, license_id))
        return VersionedLicense(after, str(version + 1))

    def upsert(self, license: License) -> None:
        """Insert `license`, or replace the one with the same id (emails and app ids too); its
        version grows by one, so a change computed against the old one is refused."""
        validate_license(license)
        with self._using() as connection, _transaction(connection):
            version = _version(connection, license.id) or 0
            connection.execute("DELETE FROM licenses WHERE id = ?", (license.id,))
            _insert(connection, license, version=version + 1)

    def reseed(self, seed: Seed = None) -> int:
        """Replace every license with `seed` (default: the constructor's seed); return the count."""
        licenses = self._seed if seed is None else _checked_seed(seed)
        if licenses is None:
            raise ValueError("reseed needs a seed: a YAML path or a list of licenses")
        loaded = _load_seed(licenses)
        with self._using() as connection, _transaction(connection):
            _replace_all(connection, loaded)
        return len(loaded)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> SqliteLicenseDirectory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _select(self, match: str, *params: str) -> builtins.list[License]:
        with self._using() as connection:
            rows = _select_rows(connection, match, params)
        return [self._license(row) for row in rows]

    def _license(self, row: dict[str, object]) -> License:
        try:
            return license_from_mapping(row)
        except LicenseFieldError as exc:
            raise LicenseSourceError(f"{self.path}: a stored license is malformed: {exc}") from None

    @contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        """The shared connection, held under the lock; SQLite errors become LicenseSourceError."""
        with self._lock:
            try:
                yield self._open()
            except sqlite3.Error as exc:
                raise LicenseSourceError(f"{self.path}: license database error: {exc}") from None

    def _open(self) -> sqlite3.Connection:
        if self._closed:
            raise LicenseSourceError(f"{self.path}: license directory is closed")
        if self._connection is None:
            self._connection = self._create_connection()
        return self._connection

    def _create_connection(self) -> sqlite3.Connection:
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LicenseSourceError(
                    f"{self.path}: cannot create the folder: {exc.strerror}"
                ) from None
        connection = sqlite3.connect(
            self.path, timeout=5.0, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            _prepare(connection, str(self.path))
            if self._seed is not None:
                _seed_if_empty(connection, self._seed)
        except BaseException:
            connection.close()
            raise
        return connection


def _checked_seed(seed: Seed) -> Seed:
    """Validate a list seed now, so a bad one fails where it is passed, not at first use."""
    if isinstance(seed, builtins.list):
        check_unique_ids(seed)
        for license in seed:
            validate_license(license)
        return builtins.list(seed)
    if seed is not None and not isinstance(seed, Path):
        raise TypeError(f"seed must be a Path, a list of licenses or None, got {seed!r}")
    return seed


def _load_seed(seed: Path | builtins.list[License]) -> builtins.list[License]:
    return read_licenses_yaml(seed) if isinstance(seed, Path) else seed


@contextmanager
def _transaction(connection: sqlite3.Connection, *, immediate: bool = True) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so two processes seeding one empty file
    # cannot both see it empty, and two changes to one license cannot both pass the version
    # check. A plain BEGIN gives a read a consistent view of a license and its rows.
    connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _prepare(connection: sqlite3.Connection, where: str) -> None:
    """Create the tables if missing; refuse a file written by a newer schema."""
    with _transaction(connection):
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LicenseSourceError(
                f"{where}: license database schema {version} is newer than this rosterbot "
                f"understands ({SCHEMA_VERSION})"
            )
        # executescript would commit the open transaction, so run the statements one by one.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(licenses)")}
        if "version" not in columns:  # schema 1: every license starts at version 1
            connection.execute(
                "ALTER TABLE licenses ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _seed_if_empty(connection: sqlite3.Connection, seed: Path | builtins.list[License]) -> None:
    with _transaction(connection):
        if connection.execute("SELECT 1 FROM licenses LIMIT 1").fetchone() is None:
            for license in _load_seed(seed):
                _insert(connection, license)


def _replace_all(connection: sqlite3.Connection, licenses: Sequence[License]) -> None:
    # a license that comes back keeps counting its versions: a change computed before the
    # reseed must not pass for one computed after it
    versions = dict(connection.execute("SELECT id, version FROM licenses").fetchall())
    for table in ("license_emails", "license_app_ids", "licenses"):
        connection.execute(f"DELETE FROM {table}")  # table names are the constants above
    for license in licenses:
        _insert(connection, license, version=versions.get(license.id, 0) + 1)


def _version(connection: sqlite3.Connection, license_id: str) -> int | None:
    row = connection.execute("SELECT version FROM licenses WHERE id = ?",
                             (license_id,)).fetchone()
    return None if row is None else int(row[0])


def _insert(connection: sqlite3.Connection, license: License, *, version: int = 1) -> None:
    connection.execute(
        "INSERT INTO licenses (id, name, district, seats, expires, version) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            license.id,
            license.name,
            license.district,
            license.seats,
            license.expires.isoformat() if license.expires else None,
            version,
        ),
    )
    _insert_children(connection, license)


def _replace_children(connection: sqlite3.Connection, license: License) -> None:
    """The license's emails and Application IDs, rewritten in order."""
    for table in ("license_emails", "license_app_ids"):
        connection.execute(f"DELETE FROM {table} WHERE license_id = ?", (license.id,))
    _insert_children(connection, license)


def _insert_children(connection: sqlite3.Connection, license: License) -> None:
    connection.executemany(
        "INSERT INTO license_emails (license_id, position, email, email_norm) "
        "VALUES (?, ?, ?, ?)",
        [
            (license.id, position, email, fold_email(email))
            for position, email in enumerate(license.instructor_emails)
        ],
    )
    connection.executemany(
        "INSERT INTO license_app_ids (license_id, position, application_id) VALUES (?, ?, ?)",
        [(license.id, position, app) for position, app in enumerate(license.application_ids)],
    )


def _select_rows(
    connection: sqlite3.Connection, match: str, params: Sequence[str]
) -> builtins.list[dict[str, object]]:
    """License rows as record mappings, in id order; `match` is one of the constants above."""
    license_filter = f"WHERE id {match}" if match else ""
    child_filter = f"WHERE license_id {match}" if match else ""
    children: dict[str, dict[str, builtins.list[str]]] = {}
    for field, column, table in (
        ("instructor_emails", "email", "license_emails"),
        ("application_ids", "application_id", "license_app_ids"),
    ):
        values = children[field] = defaultdict(builtins.list)
        for license_id, value in connection.execute(
            f"SELECT license_id, {column} FROM {table} {child_filter} "
            "ORDER BY license_id, position",
            params,
        ):
            values[license_id].append(value)
    return [
        {
            "id": license_id,
            "name": name,
            "district": district,
            "seats": seats,
            "expires": expires,
            "instructor_emails": children["instructor_emails"].get(license_id, []),
            "application_ids": children["application_ids"].get(license_id, []),
        }
        for license_id, name, district, seats, expires in connection.execute(
            f"SELECT id, name, district, seats, expires FROM licenses {license_filter} "
            "ORDER BY id",
            params,
        )
    ]
