"""Request and response values shared by the sandbox's routing and endpoints. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

import orjson

from sandbox.records import status_info


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str  # raw: still percent-encoded, as ClassLink matches application ids
    query: str  # raw query string
    headers: Mapping[str, str]  # names in lower case
    body: bytes = b""

    @property
    def authorization(self) -> str:
        return self.headers.get("authorization", "")

    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


def json_response(status: int, document: object, *headers: tuple[str, str]) -> Response:
    return Response(status, orjson.dumps(document), tuple(headers))


def error(status: int, minor: str, description: str, *headers: tuple[str, str]) -> Response:
    return json_response(status, status_info(minor, description), *headers)


MAX_LIMIT = 10_000


def paging(params: Mapping[str, str], *, default_limit: int = 100) -> tuple[int, int]:
    """(offset, limit) from query parameters; a limit above 10,000 is clamped."""
    offset = _whole(params, "offset", 0, minimum=0)
    limit = _whole(params, "limit", default_limit, minimum=1)
    return offset, min(limit, MAX_LIMIT)


def _whole(params: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {text!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value

