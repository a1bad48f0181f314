"""`rosterbot sandbox`: serve the local ClassLink stand-in until interrupted."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from bot.cli.output import EXIT_OK, UsageError, cannot_listen, console, port_number


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sandbox", help="run the local ClassLink stand-in")
    parser.add_argument("--port", type=port_number, default=8700,
                        help="port to listen on (0: any free port; default 8700)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--world", type=Path, help="a world YAML file (default: the sample world)")
    parser.add_argument("--latency-ms", type=_milliseconds, metavar="N",
                        help="simulated round trip added to every ClassLink request "
                             "(default: the world file's latency_ms, else 0)")
    parser.add_argument("--export", type=Path, metavar="DIR",
                        help="write the sample world (world.yml, bundles, licenses.yml) and exit")
    parser.set_defaults(handler=run)


def _milliseconds(text: str) -> float:
    from sandbox.world import latency_problem

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if latency_problem(value):
        raise argparse.ArgumentTypeError(
            f"a latency must be a non-negative number of milliseconds, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from sandbox.errors import SandboxError
    from sandbox.sample import export_sample, sample_world
    from sandbox.server import SandboxServer
    from sandbox.world import load_world

    out = console()
    if args.export:
        try:
            export_sample(args.export)
        except OSError as exc:
            raise UsageError(f"cannot write the sample world to {args.export}: "
                             f"{exc.strerror or exc}") from None
        out.print(f"sample world written to {args.export}", markup=False)
        return EXIT_OK
    try:
        world = load_world(args.world) if args.world else sample_world()
    except SandboxError as exc:
        raise UsageError(f"world file: {exc}") from None
    try:
        server = SandboxServer(world, host=args.host, port=args.port, latency_ms=args.latency_ms)
    except OSError as exc:  # the port is taken or privileged, or the host is not ours
        raise cannot_listen(args.host, args.port, exc) from None
    out.print(f"ClassLink sandbox on {server.url}", markup=False)
    out.print(f"  CLASSLINK_API_URL={server.url}", markup=False)
    out.print(f"  CLASSLINK_PARTNER_KEY={world.partner_key}", markup=False)
    out.file.flush()  # whoever reads the URL from a pipe needs it now
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return EXIT_OK
