"""The sandbox's world: which districts have added the app, how they are reached, what they send.

A world is plain data. `load_world` reads one from a YAML world file (format in docs/sandbox.md);
`write_world` writes one back out with a CSV bundle per district.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

import yaml

from checks.models import Roster
from sandbox.bundle import load_bundle, write_bundle
from sandbox.errors import SandboxBundleError, SandboxWorldError
from sandbox.generate import generate_roster

AccessMode = Literal["proxy", "direct"]
ApiShape = Literal["1.1", "1.2"]
ACCESS_MODES: tuple[AccessMode, ...] = ("proxy", "direct")
API_SHAPES: tuple[ApiShape, ...] = ("1.1", "1.2")
C = TypeVar("C", bound=str)


@dataclass(frozen=True, slots=True)
class District:
    """One district (tenant) that added the app in ClassLink, and the roster it sends.

    access "proxy": data is read through the proxy with `bearer`.
    access "direct": `bearer` is "" in /applications; data is read with OAuth 1.0a using
    `client_id`/`client_secret` (direct OAuth also works for proxy districts, as in ClassLink).
    """

    tenant_id: str
    tenant_name: str
    application_id: str
    oneroster_application_id: str
    bearer: str
    enabled: bool
    tenant_status: str
    access: AccessMode
    client_id: str
    client_secret: str
    roster: Roster = field(repr=False)
    api_shape: ApiShape = "1.1"
    total_count_header: bool = True
    domains: tuple[str, ...] = ()  # email domains the district uses, newest first
    row_id: str = ""  # the "id" of its /applications row; "" = position in the world
    app_name: str = "Pivot Interactives"
    latency_ms: float | None = None  # simulated round trip of its data calls; None = the world's

    @property
    def active(self) -> bool:
        return self.tenant_status.strip().lower() == "active"

    @property
    def serves_data(self) -> bool:
        """Data calls answer 403 unless the app is enabled and the tenant active."""
        return self.enabled and self.active

    @property
    def host_slug(self) -> str:
        """The district's name as ClassLink uses it in rosterserver.com host names."""
        return re.sub(r"[^a-z0-9]", "", self.tenant_name.lower()) or f"tenant{self.tenant_id}"


@dataclass(frozen=True, slots=True)
class World:
    partner_key: str
    districts: tuple[District, ...]
    latency_ms: float = 0.0  # simulated round trip added to every request (milliseconds)

    def __post_init__(self) -> None:
        for label, values in (
            ("tenant_id", [d.tenant_id for d in self.districts]),
            ("oneroster_application_id", [d.oneroster_application_id for d in self.districts]),
            ("client_id", [d.client_id for d in self.districts]),
            ("bearer", [d.bearer for d in self.districts if d.bearer]),
        ):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"two districts share {label} {dupes[0]!r}")

    def by_tenant(self, tenant_id: str) -> District | None:
        return next((d for d in self.districts if d.tenant_id == tenant_id), None)

    def by_app_id(self, oneroster_application_id: str) -> District | None:
        return next(
            (d for d in self.districts if d.oneroster_application_id == oneroster_application_id),
            None,
        )

    def by_client_id(self, client_id: str) -> District | None:
        return next((d for d in self.districts if d.client_id == client_id), None)

    def with_bearer(self, tenant_id: str, bearer: str) -> World:
        """The same world with one district's bearer replaced."""
        districts = tuple(
            dataclasses.replace(d, bearer=bearer) if d.tenant_id == tenant_id else d
            for d in self.districts
        )
        return dataclasses.replace(self, districts=districts)


def derived_secret(kind: str, tenant_id: str, length: int = 32) -> str:
    """A deterministic credential for a tenant, so world files may leave them out."""
    digest = hashlib.sha256(f"rosterbot-sandbox:{kind}:{tenant_id}".encode()).hexdigest()
    return digest[:length]


def load_world(path: Path | str) -> World:
    """Read a YAML world file; every problem raises SandboxWorldError naming file and field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SandboxWorldError(path, "", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SandboxWorldError(path, "", f"not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        raise SandboxWorldError(path, "", _yaml_problem(exc)) from exc
    top = _Fields(path, "", raw, allowed={"partner_key", "districts", "latency_ms"})
    partner_key = top.text("partner_key")
    items = top.get("districts")
    if not isinstance(items, list) or not items:
        raise SandboxWorldError(path, "districts", "must be a non-empty list")
    districts = tuple(
        _district(_Fields(path, f"districts[{i}]", item, allowed=_DISTRICT_KEYS), path.parent)
        for i, item in enumerate(items)
    )
    try:
        return World(partner_key=partner_key, districts=districts,
                     latency_ms=top.milliseconds("latency_ms") or 0.0)
    except ValueError as exc:
        raise SandboxWorldError(path, "districts", str(exc)) from exc


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML syntax error on one line: "not valid YAML at line 4, column 3: <problem>"."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context else problem
    return " ".join(f"not valid YAML{where}: {text}".split())


_DISTRICT_KEYS = frozenset({
    "tenant_id", "tenant_name", "application_id", "oneroster_application_id", "enabled",
    "tenant_status", "access", "bearer", "client_id", "client_secret", "api_shape",
    "total_count_header", "bundle", "generate", "domains", "row_id", "app_name", "latency_ms",
})
_GENERATE_KEYS = frozenset({
    "users", "teachers", "seed", "domain", "classes_per_teacher", "enrollments_per_student",
})


def _district(fields: _Fields, base: Path) -> District:
    tenant_id = fields.text("tenant_id")
    access = fields.choice("access", ACCESS_MODES, default="proxy")
    default_bearer = derived_secret("bearer", tenant_id) if access == "proxy" else ""
    bearer = fields.text("bearer", default=default_bearer, blank_ok=True)
    if access == "direct" and bearer:
        fields.fail("bearer", "must be empty for a district reached by direct OAuth")
    if access == "proxy" and not bearer:
        fields.fail("bearer", "must not be empty for a district reached through the proxy")
    return District(
        tenant_id=tenant_id,
        tenant_name=fields.text("tenant_name"),
        application_id=fields.text("application_id"),
        oneroster_application_id=fields.text("oneroster_application_id"),
        bearer=bearer,
        enabled=fields.flag("enabled", default=True),
        tenant_status=fields.text("tenant_status", default="Active"),
        access=access,
        client_id=fields.text("client_id", default=derived_secret("client_id", tenant_id, 20)),
        client_secret=fields.text(
            "client_secret", default=derived_secret("client_secret", tenant_id, 40)
        ),
        roster=_roster(fields, base),
        api_shape=fields.choice("api_shape", API_SHAPES, default="1.1"),
        total_count_header=fields.flag("total_count_header", default=True),
        domains=fields.texts("domains"),
        row_id=fields.text("row_id", default="", blank_ok=True),
        app_name=fields.text("app_name", default="Pivot Interactives"),
        latency_ms=fields.milliseconds("latency_ms"),
    )


def _roster(fields: _Fields, base: Path) -> Roster:
    """The district's roster: a CSV bundle folder, or a generated one for benchmarks."""
    has_bundle, has_generate = fields.has("bundle"), fields.has("generate")
    if has_bundle == has_generate:
        fields.fail("bundle", "give exactly one of `bundle` (a folder) or `generate`")
    if has_bundle:
        folder = base / fields.text("bundle")
        try:
            return load_bundle(folder)
        except SandboxBundleError as exc:
            fields.fail("bundle", str(exc))
    spec = _Fields(fields.path, fields.name("generate"), fields.get("generate"),
                   allowed=_GENERATE_KEYS)
    try:
        return generate_roster(
            users=spec.integer("users"), teachers=spec.integer("teachers"),
            seed=spec.integer("seed", default=0),
            domain=spec.text("domain", default="bigdistrict.org"),
            classes_per_teacher=spec.integer("classes_per_teacher", default=4),
            enrollments_per_student=spec.integer("enrollments_per_student", default=3),
        )
    except ValueError as exc:
        spec.fail("", str(exc))


class _Fields:
    """Typed access to one mapping of a world file, failing with the file and field named."""

    def __init__(self, path: Path, prefix: str, raw: object, *, allowed: frozenset[str] | set[str]
                 ) -> None:
        self.path = path
        self.prefix = prefix
        if not isinstance(raw, dict):
            raise SandboxWorldError(path, prefix or "(top level)", "must be a mapping")
        unknown = sorted(str(k) for k in raw if k not in allowed)
        if unknown:
            raise SandboxWorldError(path, self.name(unknown[0]), "unknown field")
        self.raw: dict[str, Any] = raw

    def name(self, key: str) -> str:
        return ".".join(p for p in (self.prefix, key) if p)

    def fail(self, key: str, problem: str) -> NoReturn:
        raise SandboxWorldError(self.path, self.name(key), problem)

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def get(self, key: str) -> object:
        return self.raw.get(key)

    def text(self, key: str, *, default: str | None = None, blank_ok: bool = False) -> str:
        value = self.raw.get(key)
        if value is None:
            if default is None:
                self.fail(key, "is required")
            return default or ""
        # YAML reads unquoted ids as numbers; ids are strings on the wire.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"must be text, got {type(value).__name__}")
        text = str(value)
        if not text.strip() and not blank_ok:
            self.fail(key, "must not be blank")
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of text")
        return tuple(value)

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.raw.get(key, default)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {value!r}")
        return bool(value)

    def integer(self, key: str, *, default: int | None = None) -> int:
        value = self.raw.get(key, default)
        if value is None:
            self.fail(key, "is required")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number, got {value!r}")
        return int(value)

    def milliseconds(self, key: str) -> float | None:
        """A latency in milliseconds (a non-negative number), or None when absent."""
        value = self.raw.get(key)
        if value is None:
            return None
        problem = latency_problem(value)
        if problem or not isinstance(value, int | float):
            self.fail(key, problem)
        return float(value)

    def choice(self, key: str, options: tuple[C, ...], *, default: C) -> C:
        value = str(self.raw.get(key, default))  # str() also turns YAML's 1.2 into "1.2"
        for option in options:
            if value == option:
                return option
        self.fail(key, f"must be one of {', '.join(options)}, got {value!r}")


def latency_problem(value: object) -> str:
    """Why `value` is not a usable latency in milliseconds; "" when it is one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number of milliseconds, got {value!r}"
    if not math.isfinite(value) or value < 0:
        return f"must be a non-negative number of milliseconds, got {value!r}"
    return ""


def check_latencies(world: World, *, source: str = "world") -> None:
    """Raise SandboxWorldError naming the field if any latency of `world` is unusable."""
    fields = [("latency_ms", world.latency_ms)] + [
        (f"districts[{i}].latency_ms", d.latency_ms)
        for i, d in enumerate(world.districts) if d.latency_ms is not None
    ]
    for name, value in fields:
        problem = latency_problem(value)
        if problem:
            raise SandboxWorldError(Path(source), name, problem)


def write_world(world: World, folder: Path | str) -> Path:
    """Write `world.yml` and one CSV bundle per district into folder; returns the YAML path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for district in world.districts:
        bundle = f"bundles/{district.tenant_id}"
        write_bundle(district.roster, folder / bundle)
        entries.append(_district_entry(district, bundle))
    path = folder / "world.yml"
    top: dict[str, Any] = {"partner_key": world.partner_key}
    if world.latency_ms:
        top["latency_ms"] = world.latency_ms
    text = yaml.safe_dump(
        {**top, "districts": entries},
        sort_keys=False, allow_unicode=True,
    )
    path.write_text(text, encoding="utf-8")
    return path


def _district_entry(district: District, bundle: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        f.name: getattr(district, f.name) for f in dataclasses.fields(district)
        if f.name != "roster"
    }
    entry["domains"] = list(district.domains)
    if district.latency_ms is None:
        del entry["latency_ms"]
    entry["bundle"] = bundle
    return entry
