"""`rosterbot sandbox`: serve the local ClassLink stand-in until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sandbox", help="run the local ClassLink stand-in")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--world", type=Path, help="a world YAML file (default: the sample world)")
    parser.add_argument("--export", type=Path, metavar="DIR",
                        help="write the sample world (world.yml, bundles, licenses.yml) and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sandbox.sample import export_sample, sample_world
    from sandbox.server import SandboxServer
    from sandbox.world import load_world

    if args.export:
        export_sample(args.export)
        print(f"sample world written to {args.export}")
        return 0
    world = load_world(args.world) if args.world else sample_world()
    server = SandboxServer(world, host=args.host, port=args.port)
    print(f"ClassLink sandbox on {server.url}")
    print(f"  CLASSLINK_API_URL={server.url}")
    print(f"  CLASSLINK_PARTNER_KEY={world.partner_key}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
