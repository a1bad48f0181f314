"""Ships the top-level knowledge/ directory inside the `bot` package as `bot/_knowledge`.

Everything else about the build is in pyproject.toml. knowledge/ stays at the top of the
repository, where support staff edit it; a built wheel carries a copy, which
`bot.knowledge.default_knowledge_dir` finds when there is no checkout around the package.
An editable install needs no copy: the package is the checkout's, and so is knowledge/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"
PACKAGED = Path("bot") / "_knowledge"


class BuildPyWithKnowledge(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        if not (KNOWLEDGE / "dialog.yml").is_file():
            raise SystemExit(f"cannot build rosterbot: {KNOWLEDGE} is missing or incomplete")
        target = Path(self.build_lib) / PACKAGED
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", ".*"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if getattr(self, "editable_mode", False) or not KNOWLEDGE.is_dir():
            return outputs
        root = Path(self.build_lib) / PACKAGED
        return outputs + [str(root / p.relative_to(KNOWLEDGE))
                          for p in sorted(KNOWLEDGE.rglob("*")) if p.is_file()]


setup(cmdclass={"build_py": BuildPyWithKnowledge})
