"""The sandbox's own control endpoints under /_sandbox (not part of ClassLink).

    POST   /_sandbox/faults                 {"kind","times","path_contains","retry_after","delay"}
    GET    /_sandbox/faults                 the pending faults
    DELETE /_sandbox/faults                 disarm them all
    POST   /_sandbox/rotate-bearer/{tenant_id}   new bearer for a proxy district
    GET    /_sandbox/requests               the recorded requests
    DELETE /_sandbox/requests               forget them
"""

from __future__ import annotations

from typing import Any

import orjson

from sandbox.app import SandboxApp
from sandbox.faults import FaultSwitches
from sandbox.recording import RequestLog
from sandbox.wire import Request, Response, error, json_response

PREFIX = "/_sandbox"
_FAULT_FIELDS = {"kind", "times", "path_contains", "retry_after", "delay"}


def control_endpoint(
    request: Request, *, app: SandboxApp, faults: FaultSwitches, requests: RequestLog
) -> Response:
    route = (request.method, request.path.rstrip("/"))
    match route:
        case ("POST", "/_sandbox/faults"):
            return _add_fault(request, faults)
        case ("GET", "/_sandbox/faults"):
            return json_response(200, {"faults": [f.to_json() for f in faults.pending()]})
        case ("DELETE", "/_sandbox/faults"):
            return json_response(200, {"cleared": faults.clear()})
        case ("GET", "/_sandbox/requests"):
            return json_response(200, {"requests": [r.to_json() for r in requests]})
        case ("DELETE", "/_sandbox/requests"):
            requests.clear()
            return json_response(200, {"cleared": True})
        case ("POST", path) if path.startswith("/_sandbox/rotate-bearer/"):
            return _rotate(app, path.rsplit("/", 1)[1])
    return error(404, "unknownobject", f"no sandbox control {request.method} {request.path}")


def _add_fault(request: Request, faults: FaultSwitches) -> Response:
    try:
        spec: Any = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError as exc:
        return error(400, "invaliddata", f"body is not JSON: {exc}")
    if not isinstance(spec, dict) or "kind" not in spec:
        return error(400, "invaliddata", 'body must be a JSON object with a "kind"')
    unknown = sorted(set(spec) - _FAULT_FIELDS)
    if unknown:
        return error(400, "invaliddata", f"unknown fault field(s): {', '.join(unknown)}")
    path_contains = spec.get("path_contains")
    if path_contains is not None and not isinstance(path_contains, str):
        return error(400, "invaliddata", "path_contains must be text or null")
    try:
        fault = faults.add(
            str(spec["kind"]),
            times=_optional_int(spec.get("times", 1)),
            path_contains=path_contains,
            retry_after=float(spec.get("retry_after", 1)),
            delay=float(spec.get("delay", 2.0)),
        )
    except (TypeError, ValueError) as exc:
        return error(400, "invaliddata", str(exc))
    return json_response(201, {"fault": fault.to_json()})


def _optional_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"times must be a whole number or null, got {value!r}")
    return value


def _rotate(app: SandboxApp, tenant_id: str) -> Response:
    try:
        bearer = app.rotate_bearer(tenant_id)
    except KeyError:
        return error(404, "unknownobject", f"no district with tenant id {tenant_id!r}")
    except ValueError as exc:
        return error(409, "invaliddata", str(exc))
    return json_response(200, {"tenant_id": tenant_id, "bearer": bearer})
