"""A Slack request as a job: the listener's translation (an Origin and the text or value), in
JSON, and the one RosterService method that serves it.

    request = Request.of("command", origin, text="check demo-emails")
    Request.from_json(request.to_json()) == request
    serve(service, request)        # service.command(origin, "check demo-emails")
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.service import Origin, RosterService

_ORIGIN_FIELDS = {f.name for f in dataclasses.fields(Origin)}


class Surfaces(Protocol):
    """What the listeners call: the service itself, or something that queues its work."""

    def command(self, origin: Origin, text: str) -> None: ...

    def action(self, origin: Origin, value: str) -> None: ...

    def mention(self, origin: Origin, text: str) -> None: ...

    def message(self, origin: Origin, text: str, *, direct: bool = False) -> None: ...

    def link_submitted(self, origin: Origin, metadata: str, license_id: str) -> None: ...

    def home_opened(self, user_id: str) -> None: ...

    def options(self, origin: Origin, block_id: str, query: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class Request:
    """One request to serve after the ack. `key` names it for good: a retried job keeps it."""

    kind: str  # command | action | mention | message | link | home
    origin: Origin
    args: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""

    @classmethod
    def of(cls, kind: str, origin: Origin, **args: Any) -> Request:
        if kind not in SERVERS:
            raise ValueError(f"unknown request kind {kind!r}")
        return cls(kind, origin, dict(args), uuid.uuid4().hex[:16])

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "origin": dataclasses.asdict(self.origin),
                "args": dict(self.args), "key": self.key}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Request:
        """The request again; ValueError when `data` is not one (an old or foreign job)."""
        kind, origin, args, key = (data.get(name) for name in ("kind", "origin", "args", "key"))
        if kind not in SERVERS or not isinstance(origin, Mapping) or \
                not isinstance(args, Mapping) or not isinstance(key, str) or not key:
            raise ValueError(f"not a rosterbot request: {json.dumps(data)[:200]}")
        known = {name: value for name, value in origin.items() if name in _ORIGIN_FIELDS}
        return cls(str(kind), Origin(**known), dict(args), key)

    @property
    def surface(self) -> str:
        return self.origin.surface

    def describe(self) -> str:
        """For logs: the kind and where it came from, never the text typed."""
        return f"{self.kind} from {self.origin.user_id or '?'} in {self.origin.channel_id or '-'}"


def serve(service: RosterService, request: Request) -> None:
    """Run the service method the request names."""
    SERVERS[request.kind](service, request.origin, request.args)


def _text(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name, "")
    return value if isinstance(value, str) else ""


Server = Callable[[RosterService, Origin, Mapping[str, Any]], None]
SERVERS: dict[str, Server] = {
    "command": lambda s, o, a: s.command(o, _text(a, "text")),
    "action": lambda s, o, a: s.action(o, _text(a, "value")),
    "mention": lambda s, o, a: s.mention(o, _text(a, "text")),
    "message": lambda s, o, a: s.message(o, _text(a, "text"), direct=bool(a.get("direct"))),
    "link": lambda s, o, a: s.link_submitted(o, _text(a, "metadata"), _text(a, "license_id")),
    "home": lambda s, o, a: s.home_opened(o.user_id),
}
