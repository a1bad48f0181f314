"""One frozen settings object, built from a mapping (the environment, optionally over a YAML file).

This is the only module that knows the variable names. Nothing else reads os.environ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.errors import ConfigError

CONFIG_FILE_VARIABLE = "ROSTERBOT_CONFIG"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    licenses: str  # sqlite:///path, a YAML file path, or an https:// license API URL
    database_url: str  # the store: sqlite:///path or postgresql://...
    licenses_token: str | None = None  # bearer for an https:// license API
    classlink_api_url: str | None = None
    classlink_partner_key: str | None = None
    classlink_timeout: float = 10.0
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str | None = None
    support_channel: str | None = None
    dialog_ttl_seconds: int = 86_400
    # one escalation per license (or channel) in this many seconds; 0 turns the window off
    escalation_window_seconds: int = 1800
    # the watch (bot.sweep): when `rosterbot run` sweeps ("off": never), the cron's time zone,
    # how many licenses a sweep diagnoses at once, and in how many processes (0: one a core)
    sweep_cron: str = "0 3 * * *"
    sweep_timezone: str = "UTC"
    sweep_concurrency: int = 8
    sweep_processes: int = 0
    # where work after the ack runs (bot.jobs): "local" threads, or the PostgreSQL "queue"
    jobs_mode: str = "local"
    job_timeout_seconds: float = 180.0
    job_attempts: int = 3  # runs of one job (its worker died or stopped) before giving up
    worker_concurrency: int = 8
    worker_heartbeat_seconds: float = 10.0  # a worker silent for 3 heartbeats is presumed dead
    worker_grace_seconds: float = 20.0  # on SIGTERM, running jobs may finish for this long
    knowledge_dir: Path | None = None  # an edited copy of knowledge/; None: the shipped one
    log_level: str = "INFO"  # one of LOG_LEVELS
    log_format: str = "text"  # one of LOG_FORMATS; "json": one object per line

    @classmethod
    def from_mapping(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from `environ`, over the YAML file named by ROSTERBOT_CONFIG if set."""
        values = {**_read_config_file(environ.get(CONFIG_FILE_VARIABLE)), **environ}
        data_dir = Path(values.get("ROSTERBOT_DATA_DIR") or "data")
        return cls(
            data_dir=data_dir,
            licenses=_license_source(values.get("ROSTERBOT_LICENSES"), data_dir),
            database_url=_database_url(values.get("DATABASE_URL"), data_dir),
            licenses_token=_optional(values, "ROSTERBOT_LICENSES_TOKEN"),
            classlink_api_url=_optional_url(values, "CLASSLINK_API_URL"),
            classlink_partner_key=_optional(values, "CLASSLINK_PARTNER_KEY"),
            classlink_timeout=_positive_float(values, "CLASSLINK_TIMEOUT", 10.0),
            slack_bot_token=_optional(values, "SLACK_BOT_TOKEN"),
            slack_app_token=_optional(values, "SLACK_APP_TOKEN"),
            slack_signing_secret=_optional(values, "SLACK_SIGNING_SECRET"),
            slack_api_url=_optional_url(values, "SLACK_API_URL"),
            support_channel=_optional(values, "ROSTERBOT_SUPPORT_CHANNEL"),
            dialog_ttl_seconds=int(_positive_float(values, "ROSTERBOT_DIALOG_TTL", 86_400)),
            escalation_window_seconds=int(
                _non_negative_float(values, "ROSTERBOT_ESCALATION_WINDOW", 1800)),
            **_sweep_settings(values),
            **_job_settings(values, _database_url(values.get("DATABASE_URL"), data_dir)),
            knowledge_dir=_optional_path(values, "ROSTERBOT_KNOWLEDGE_DIR"),
            log_level=_choice(values, "LOG_LEVEL", LOG_LEVELS, "INFO", upper=True),
            log_format=_choice(values, "LOG_FORMAT", LOG_FORMATS, "text"),
        )

    def require_classlink(self) -> tuple[str, str]:
        """The ClassLink base URL and partner key, or a ConfigError naming what is missing."""
        if not self.classlink_api_url:
            raise ConfigError("CLASSLINK_API_URL", "is not set (or use --sandbox)")
        if not self.classlink_partner_key:
            raise ConfigError("CLASSLINK_PARTNER_KEY", "is not set (or use --sandbox)")
        return self.classlink_api_url, self.classlink_partner_key

    def require(self, name: str) -> str:
        """A required string setting by attribute name, e.g. require("slack_bot_token")."""
        value = getattr(self, name)
        if not value:
            raise ConfigError(name.upper(), "is required and not set")
        return str(value)


def _read_config_file(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    try:
        loaded: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(CONFIG_FILE_VARIABLE, f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(CONFIG_FILE_VARIABLE, f"{path} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ConfigError(CONFIG_FILE_VARIABLE, f"{path} is not valid YAML: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(CONFIG_FILE_VARIABLE, f"{path} must be a mapping of VARIABLE: value")
    return {str(k): "" if v is None else str(v) for k, v in loaded.items()}


def _optional(values: Mapping[str, str], name: str) -> str | None:
    value = values.get(name, "").strip()
    return value or None


def _optional_path(values: Mapping[str, str], name: str) -> Path | None:
    value = _optional(values, name)
    return Path(value).expanduser() if value is not None else None


def _choice(values: Mapping[str, str], name: str, choices: tuple[str, ...], default: str, *,
            upper: bool = False) -> str:
    raw = _optional(values, name)
    if raw is None:
        return default
    value = raw.upper() if upper else raw.lower()
    if value not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)}, got {raw!r}")
    return value


def _optional_url(values: Mapping[str, str], name: str) -> str | None:
    value = _optional(values, name)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _positive_float(values: Mapping[str, str], name: str, default: float) -> float:
    raw = _optional(values, name)
    if raw is None:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ConfigError(name, f"must be a number, got {raw!r}") from None
    if number <= 0:
        raise ConfigError(name, f"must be positive, got {raw!r}")
    return number


def _non_negative_float(values: Mapping[str, str], name: str, default: float) -> float:
    raw = _optional(values, name)
    if raw is None:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ConfigError(name, f"must be a number, got {raw!r}") from None
    if not number >= 0:  # also refuses nan
        raise ConfigError(name, f"must be 0 or more, got {raw!r}")
    return number


def _job_settings(values: Mapping[str, str], database_url: str) -> dict[str, Any]:
    """ROSTERBOT_JOBS (default: the queue with PostgreSQL, local threads with SQLite) and the
    limits of jobs and workers."""
    on_postgres = not database_url.startswith("sqlite")
    mode = (_optional(values, "ROSTERBOT_JOBS") or ("queue" if on_postgres else "local")).lower()
    if mode not in ("local", "queue"):
        raise ConfigError("ROSTERBOT_JOBS", f"must be local or queue, got {mode!r}")
    if mode == "queue" and not on_postgres:
        raise ConfigError("ROSTERBOT_JOBS", "queue needs DATABASE_URL=postgresql://...")
    return {
        "jobs_mode": mode,
        "job_timeout_seconds": _positive_float(values, "ROSTERBOT_JOB_TIMEOUT", 180.0),
        "job_attempts": _positive_int(values, "ROSTERBOT_JOB_ATTEMPTS", 3),
        "worker_concurrency": _positive_int(values, "ROSTERBOT_WORKER_CONCURRENCY", 8),
        "worker_heartbeat_seconds": _positive_float(values, "ROSTERBOT_WORKER_HEARTBEAT", 10.0),
        "worker_grace_seconds": _non_negative_float(values, "ROSTERBOT_WORKER_GRACE", 20.0),
    }


def _positive_int(values: Mapping[str, str], name: str, default: int) -> int:
    number = _positive_float(values, name, default)
    if number != int(number):
        raise ConfigError(name, f"must be a whole number, got {values.get(name)!r}")
    return int(number)


def _license_source(raw: str | None, data_dir: Path) -> str:
    value = (raw or "").strip()
    if not value:
        return f"sqlite:///{data_dir / 'licenses.sqlite3'}"
    if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
        return value
    if value.startswith(("https://", "http://")):
        parts = urlsplit(value)
        if not parts.netloc:
            raise ConfigError("ROSTERBOT_LICENSES", f"URL has no host: {value!r}")
        return value.rstrip("/")
    if value.endswith((".yml", ".yaml")):
        return value
    raise ConfigError(
        "ROSTERBOT_LICENSES",
        f"must be sqlite:///path, a .yml/.yaml file or an https:// URL, got {value!r}",
    )


def _database_url(raw: str | None, data_dir: Path) -> str:
    value = (raw or "").strip()
    if not value:
        return f"sqlite:///{data_dir / 'rosterbot.sqlite3'}"
    if value.startswith(("sqlite:///", "postgresql://", "postgresql+psycopg://", "postgres://")):
        return value
    raise ConfigError("DATABASE_URL", f"must be sqlite:///path or postgresql://..., got {value!r}")


def _sweep_settings(values: Mapping[str, str]) -> dict[str, Any]:
    """ROSTERBOT_SWEEP_CRON (default nightly at 03:00; "off"), ROSTERBOT_SWEEP_TIMEZONE
    (default UTC), ROSTERBOT_SWEEP_CONCURRENCY (default 8) and ROSTERBOT_SWEEP_PROCESSES
    (default 0: one a core, at most 4)."""
    from bot.sweep.cron import DEFAULT_CRON, cron_problem, timezone_problem

    cron = _optional(values, "ROSTERBOT_SWEEP_CRON") or DEFAULT_CRON
    if problem := cron_problem(cron):
        raise ConfigError("ROSTERBOT_SWEEP_CRON", problem)
    timezone = _optional(values, "ROSTERBOT_SWEEP_TIMEZONE") or "UTC"
    if problem := timezone_problem(timezone):
        raise ConfigError("ROSTERBOT_SWEEP_TIMEZONE", problem)
    counts = {}
    for name, default in (("ROSTERBOT_SWEEP_CONCURRENCY", 8), ("ROSTERBOT_SWEEP_PROCESSES", 0)):
        number = _non_negative_float(values, name, default)
        if number != int(number) or (number < 1 and name.endswith("CONCURRENCY")):
            raise ConfigError(name, f"must be a whole number (at least {int(default > 0)}), "
                              f"got {values.get(name)!r}")
        counts[name] = int(number)
    return {"sweep_cron": cron, "sweep_timezone": timezone,
            "sweep_concurrency": counts["ROSTERBOT_SWEEP_CONCURRENCY"],
            "sweep_processes": counts["ROSTERBOT_SWEEP_PROCESSES"]}
