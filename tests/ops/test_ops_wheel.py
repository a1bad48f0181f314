"""The wheel installs and runs outside the checkout: knowledge/ and every template ship inside
it, ROSTERBOT_KNOWLEDGE_DIR points at an edited copy, and PostgreSQL is an extra.

The wheel is built offline from a copy of the sources (--no-build-isolation, with this venv's
setuptools) and installed with pip into a fresh venv in tmp_path. Its dependencies come from this
venv's site-packages through a .pth path file (no network); psycopg is made unimportable there,
as in an install without the postgres extra. The demo runs from a directory that is not the
checkout."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
PACKAGES = ("bot", "checks", "sandbox", "knowledge")
_OURS = ("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL", "LOG_", "PYTHON")

pytestmark = pytest.mark.slow


def run(*args: str | Path, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=180,
                          env={**base, **(env or {})}, cwd=cwd, stdin=subprocess.DEVNULL,
                          check=False)


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy2(REPO / name, source / name)
    for name in PACKAGES:
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "_knowledge"))
    dist = tmp_path / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--no-index", "-q", "-w", dist, source)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("rosterbot-*.whl")
    return wheel


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = run(sys.executable, "-m", "pip", "--python", python, "install", "-q",
                    "--no-deps", "--no-index", wheel)
    assert installed.returncode == 0, installed.stderr[-3000:]
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    (site / "zz_no_postgres_extra.pth").write_text(
        "import sys; sys.modules['psycopg'] = None\n")
    return venv


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(tmp)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = email.message_from_bytes(archive.read(
            next(n for n in names if n.endswith(".dist-info/METADATA"))))
    knowledge = {p.relative_to(REPO / "knowledge").as_posix()
                 for p in (REPO / "knowledge").rglob("*") if p.is_file()}
    assert {f"bot/_knowledge/{k}" for k in knowledge} <= names
    templates = {p.relative_to(REPO).as_posix() for p in (REPO / "bot/templates").rglob("*.j2")}
    assert templates <= names, sorted(templates - names)
    requires = metadata.get_all("Requires-Dist") or []
    assert [r for r in requires if r.startswith("psycopg")] == [
        'psycopg[binary]>=3.1; extra == "postgres"']
    assert any(r.startswith("prometheus-client") for r in requires)
    assert any(r.startswith("python-dotenv") for r in requires)
    return fresh_venv(tmp, wheel)


def test_the_installed_demo_runs_outside_the_checkout(venv: Path, tmp_path: Path) -> None:
    where = run(venv / "bin" / "python", "-c",
                "import bot, bot.knowledge as k; print(bot.__file__); "
                "print(k.default_knowledge_dir())", cwd=tmp_path)
    package, knowledge = where.stdout.split()
    assert package.startswith(str(venv)) and knowledge.startswith(str(venv)), where.stdout
    demo = run(venv / "bin" / "rosterbot", "demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "glad it works now" in demo.stdout
    assert demo.stderr == ""


def test_rosterbot_knowledge_dir_points_at_an_edited_copy(venv: Path, tmp_path: Path) -> None:
    edited = tmp_path / "our-knowledge"
    shipped = run(venv / "bin" / "python", "-c",
                  "import bot.knowledge as k; print(k.default_knowledge_dir())").stdout.strip()
    shutil.copytree(shipped, edited)
    strings = edited / "strings.yml"
    text = strings.read_text(encoding="utf-8")
    assert "glad it works now" in text
    strings.write_text(text.replace("Great, glad it works now!", "Splendid, all fixed!"),
                       encoding="utf-8")
    demo = run(venv / "bin" / "rosterbot", "demo", cwd=tmp_path,
               env={"ROSTERBOT_KNOWLEDGE_DIR": str(edited)})
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Splendid, all fixed!" in demo.stdout and "glad it works now" not in demo.stdout

    missing = run(venv / "bin" / "rosterbot", "demo", cwd=tmp_path,
                  env={"ROSTERBOT_KNOWLEDGE_DIR": str(tmp_path / "nowhere")})
    assert missing.returncode == 2
    assert missing.stderr.startswith("rosterbot: knowledge base: ")
    assert "nowhere" in missing.stderr and len(missing.stderr.splitlines()) == 1


def test_postgresql_needs_the_extra(venv: Path, tmp_path: Path) -> None:
    upgrade = run(venv / "bin" / "rosterbot", "db", "upgrade", cwd=tmp_path,
                  env={"DATABASE_URL": "postgresql://rosterbot@127.0.0.1:1/rosterbot"})
    assert upgrade.returncode == 2, upgrade.stderr
    (line,) = upgrade.stderr.splitlines()
    assert line.startswith("rosterbot: ") and "pip install 'rosterbot[postgres]'" in line
    sqlite = run(venv / "bin" / "rosterbot", "db", "upgrade", cwd=tmp_path,
                 env={"DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}"})
    assert sqlite.returncode == 0, sqlite.stderr
