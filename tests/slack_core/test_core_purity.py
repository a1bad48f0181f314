"""The Slack core modules stay pure: no Slack SDK, HTTP, database, environment or clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = ["bot/dialog.py", "bot/intents.py", "bot/knowledge.py", "bot/rendering.py",
        "bot/blocks.py", "bot/policy.py", "bot/commands.py", "checks/rules/connection.py",
        "checks/rules/emails.py", "checks/rules/sanity.py", "checks/text.py",
        *sorted(str(p.relative_to(REPO)) for p in (REPO / "checks/matching").glob("*.py"))]
FORBIDDEN_MODULES = ("slack_bolt", "slack_sdk", "httpx", "sqlalchemy", "psycopg", "requests",
                     "socket", "urllib.request", "bot.store", "bot.service", "bot.app")
# The dialog must not even read a clock or render text: `now` is passed in, words live elsewhere.
DIALOG_FORBIDDEN = FORBIDDEN_MODULES + ("time", "datetime", "jinja2", "yaml", "bot.rendering",
                                        "bot.knowledge", "os")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def attribute_uses(path: Path) -> set[str]:
    return {node.attr for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("relative", CORE)
def test_core_modules_import_no_io_libraries(relative: str) -> None:
    path = REPO / relative
    forbidden = DIALOG_FORBIDDEN if relative == "bot/dialog.py" else FORBIDDEN_MODULES
    bad = {m for m in imported_modules(path)
           if any(m == f or m.startswith(f + ".") for f in forbidden)}
    assert not bad, f"{relative} imports {sorted(bad)}"
    assert "environ" not in attribute_uses(path), f"{relative} reads the environment"


def test_listeners_do_no_http_and_hold_no_dialog_logic() -> None:
    for path in (REPO / "bot/listeners").glob("*.py"):
        imported = imported_modules(path)
        assert not {m for m in imported if m.split(".")[0] in ("httpx", "requests")}, path.name
        assert not {"bot.dialog", "bot.store", "checks"} & imported, path.name


def test_block_kit_literals_live_only_in_blocks() -> None:
    listeners = [str(p.relative_to(REPO)) for p in (REPO / "bot/listeners").glob("*.py")]
    service = [str(p.relative_to(REPO)) for p in (REPO / "bot/service").glob("*.py")]
    for relative in ("bot/dialog.py", "bot/knowledge.py", "bot/rendering.py", *listeners,
                     *service):
        text = (REPO / relative).read_text()
        assert '"type": "section"' not in text and '"type": "actions"' not in text
    for template in (REPO / "bot/templates").rglob("*.j2"):
        assert '"type":' not in template.read_text(), template.name
