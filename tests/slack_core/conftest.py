"""Fixtures for the pure Slack core tests: the shipped knowledge base and a renderer over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, default_knowledge_dir, load_knowledge
from bot.rendering import Renderer


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def renderer(kb: KnowledgeBase) -> Renderer:
    return Renderer.create(kb)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge/ directory, for breaking it on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target
