"""The layers import only downwards (read from the source, not from what happens to be loaded).

- `checks` (rules, matcher, clients) imports nothing from `bot` or `sandbox`;
- within `bot`, only the CLI wiring (`bot/cli/`) imports `sandbox`, the local stand-ins;
- Slack listeners import no HTTP client: they ack, translate and call the service;
- no import circles inside `bot`, `checks` or `sandbox`, counting imports made inside functions
  or under TYPE_CHECKING (a circle hidden that way is still a circle).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "checks", "sandbox")
HTTP_CLIENTS = ("httpx", "requests", "urllib.request", "http.client", "aiohttp", "urllib3",
                "slack_sdk")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((REPO / package).rglob("*.py"))}


ALL = {name: path for package in PACKAGES for name, path in modules(package).items()}


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """(module, line) of every import in the file, wherever it is (relative ones resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in ALL else base), node.lineno


def offenders(package: str, forbidden: tuple[str, ...], *, skip: str | None = None) -> list[str]:
    found = []
    for name, path in modules(package).items():
        if skip and (name == skip or name.startswith(skip + ".")):
            continue
        for imported, line in imports(path):
            if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(REPO)}:{line} imports {imported}")
    return found


def test_checks_imports_nothing_from_bot_or_sandbox() -> None:
    assert offenders("checks", ("bot", "sandbox")) == []


def test_only_the_cli_wiring_imports_sandbox() -> None:
    assert offenders("bot", ("sandbox",), skip="bot.cli") == []


def test_listeners_import_no_http_clients() -> None:
    assert offenders("bot/listeners", HTTP_CLIENTS) == []


def import_graph() -> dict[str, set[str]]:
    return {name: {m for m, _ in imports(path) if m in ALL and m != name}
            for name, path in ALL.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a]) if b in component]
    return "; ".join(edges)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circles(package: str) -> None:
    graph = import_graph()
    mine = [c for c in circles(graph) if c[0].split(".")[0] == package]
    assert not mine, "import circles: " + " | ".join(describe(c, graph) for c in mine)


def test_the_circle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
