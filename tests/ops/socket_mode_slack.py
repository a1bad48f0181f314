"""Slack's Socket Mode, for tests: the Web API stand-in answers apps.connections.open with the URL
of a small WebSocket server on 127.0.0.1, which says hello, delivers envelopes the test sends
and records the acks the app sends back (RFC 6455 framing, text frames, ping/pong, close)."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import socketserver
import struct
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from sandbox import slack_requests as sr
from sandbox.slack_api import SlackApiStub
from sandbox.slack_workspace import ApiReply, error_reply

APP_TOKEN = "xapp-1-A0TEST-1-socketmodetesttoken"
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class SocketModeApiStub(SlackApiStub):
    """The Web API stand-in, plus apps.connections.open (with the app-level token)."""

    def __init__(self, ws_url: str, *, app_token: str = APP_TOKEN, **options: Any) -> None:
        super().__init__(**options)
        self.ws_url = ws_url
        self.app_token = app_token
        self.connections_opened = 0

    def _handle(self, path: str, headers: Mapping[str, str], params: Any) -> ApiReply:
        if path.rstrip("/").endswith("/apps.connections.open"):
            if headers.get("authorization", "") != f"Bearer {self.app_token}":
                return error_reply("invalid_auth")
            self.connections_opened += 1
            return ApiReply({"ok": True, "url": self.ws_url})
        return super()._handle(path, headers, params)


class _Session:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, data: bytes) -> None:
        header = bytes([0x80 | opcode])
        if len(data) < 126:
            header += bytes([len(data)])
        elif len(data) < 65536:
            header += bytes([126]) + struct.pack(">H", len(data))
        else:
            header += bytes([127]) + struct.pack(">Q", len(data))
        with self.lock:
            self.sock.sendall(header + data)


class SocketModeServer:
    """The WebSocket end. `deliver(payload, type)` sends an envelope to the connected app;
    `acks` are the app's answers by envelope id."""

    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self.sessions: list[_Session] = []
        self.closed_sessions = 0
        self._changed = threading.Condition()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"ws://127.0.0.1:{self.port}/link/?ticket=test"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        for session in self.sessions:
            try:
                session.sock.close()
            except OSError:
                pass

    # -- the test's side -------------------------------------------------------------------------

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: any(s.open for s in self.sessions), timeout):
                raise AssertionError("the app did not connect over Socket Mode")

    def deliver(self, payload: Mapping[str, Any], kind: str = "slash_commands") -> str:
        envelope_id = uuid.uuid4().hex
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": dict(payload),
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                    "retry_reason": ""}
        session = next(s for s in reversed(self.sessions) if s.open)
        session.send(0x1, json.dumps(envelope).encode())
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(f"no ack for envelope {envelope_id}")
            return self.acks[envelope_id]

    def wait_closed(self, timeout: float = 10.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: not any(s.open for s in self.sessions),
                                          timeout):
                raise AssertionError("the app did not close its Socket Mode connection")

    # -- the server's side -----------------------------------------------------------------------

    def _serve(self, sock: socket.socket) -> None:
        reader = sock.makefile("rb")
        request = b""
        while not request.endswith(b"\r\n\r\n"):
            line = reader.readline()
            if not line:
                return
            request += line
        headers = {}
        for line in request.decode("latin-1").split("\r\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        session = _Session(sock)
        with self._changed:
            self.sessions.append(session)
            self._changed.notify_all()
        session.send(0x1, json.dumps({"type": "hello", "num_connections": 1,
                                      "connection_info": {"app_id": sr.DEFAULT_APP_ID}}).encode())
        try:
            while True:
                frame = _read_frame(reader)
                if frame is None:
                    break
                opcode, data = frame
                if opcode == 0x9:  # ping
                    session.send(0xA, data)
                elif opcode == 0x8:  # close
                    try:
                        session.send(0x8, data[:2])
                    except OSError:
                        pass
                    break
                elif opcode == 0x1:
                    message = json.loads(data)
                    if "envelope_id" in message:
                        with self._changed:
                            self.acks[message["envelope_id"]] = message
                            self._changed.notify_all()
        except OSError:
            pass
        finally:
            with self._changed:
                session.open = False
                self.closed_sessions += 1
                self._changed.notify_all()
            try:
                sock.close()
            except OSError:
                pass


def _read_frame(reader: Any) -> tuple[int, bytes] | None:
    head = reader.read(2)
    if len(head) < 2:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack(">H", reader.read(2))[0]
    elif length == 127:
        length = struct.unpack(">Q", reader.read(8))[0]
    mask = reader.read(4) if head[1] & 0x80 else b""
    data = bytearray(reader.read(length))
    if mask:
        for i in range(len(data)):
            data[i] ^= mask[i % 4]
    return opcode, bytes(data)


def slash_command_payload(text: str, *, response_url: str, **fields: Any) -> dict[str, Any]:
    """What Socket Mode delivers for a slash command: the HTTP form's fields as JSON."""
    request = sr.slash_command(text, response_url=response_url, **fields)
    return dict(parse_qsl(request.body))


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")
