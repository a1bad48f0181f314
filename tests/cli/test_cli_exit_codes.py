"""Exit statuses and stderr of the console script, over real HTTP and real pipes.

0: the command ran, whatever it found. 2: bad input or configuration. 3: a remote system
(ClassLink, the license API, Slack) could not be asked. Every failure is one line on stderr,
`rosterbot: ...`, naming the cause; never a traceback. ClassLink is the sandbox (with its fault
switches) or a closed port on 127.0.0.1; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.errors import LicenseSourceUnavailable
from checks.licenses import HttpLicenseDirectory, write_yaml
from sandbox.sample import export_sample, sample_licenses, sample_world
from sandbox.server import SandboxServer
from tests.cli_helpers import assert_one_line, closed_port

ROSTERBOT = str(Path(sys.executable).with_name("rosterbot"))
REPO = Path(__file__).resolve().parents[2]
_OURS = ("CLASSLINK_", "ROSTERBOT_", "SLACK_", "DATABASE_URL", "COLUMNS", "LINES")


def rosterbot(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
              command: tuple[str, ...] = (ROSTERBOT,)) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120,
                          env={**base, **(env or {})}, cwd=cwd, stdin=subprocess.DEVNULL,
                          check=False)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(sample_world()) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_faults_left(sandbox: SandboxServer) -> Iterator[None]:
    sandbox.faults.clear()
    yield
    sandbox.faults.clear()


@pytest.fixture(scope="module")
def licenses_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("licenses") / "licenses.yml"
    write_yaml(sample_licenses(), path)
    return path


def classlink_env(url: str, key: str, licenses: Path) -> dict[str, str]:
    return {"CLASSLINK_API_URL": url, "CLASSLINK_PARTNER_KEY": key,
            "ROSTERBOT_LICENSES": str(licenses)}


# -- ClassLink could not be asked: exit 3, the diagnosis still printed -------------------------


def test_a_refused_partner_key_is_exit_3_and_named_as_our_configuration(
    sandbox: SandboxServer, licenses_file: Path
) -> None:
    run = rosterbot("diagnose", "demo-emails",
                    env=classlink_env(sandbox.url, "not-the-partner-key", licenses_file))
    line = assert_one_line(run, 3, "CLASSLINK_PARTNER_KEY", "demo-emails", sandbox.url)
    assert "refused the partner key" in line
    assert "disabled" not in line and "disabled" not in run.stdout  # not the district's doing
    assert "demo-emails" in run.stdout and "UNKNOWN" in run.stdout  # the diagnosis is printed
    assert "refused the partner key (CLASSLINK_PARTNER_KEY)" in run.stdout


def test_a_refused_partner_key_still_prints_the_json_diagnosis(
    sandbox: SandboxServer, licenses_file: Path
) -> None:
    run = rosterbot("diagnose", "demo-emails", "--json",
                    env=classlink_env(sandbox.url, "not-the-partner-key", licenses_file))
    assert_one_line(run, 3, "CLASSLINK_PARTNER_KEY")
    report = json.loads(run.stdout)
    assert {step["status"] for step in report["steps"]} == {"unknown"}


def test_diagnose_all_is_exit_3_when_any_license_could_not_be_checked(
    sandbox: SandboxServer, licenses_file: Path
) -> None:
    run = rosterbot("diagnose", "--all", "--json",
                    env=classlink_env(sandbox.url, "not-the-partner-key", licenses_file))
    assert_one_line(run, 3, "refused the partner key", "more")
    assert len(json.loads(run.stdout)["diagnoses"]) == len(sample_licenses())


def test_an_unreachable_classlink_is_exit_3(licenses_file: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = rosterbot("diagnose", "demo-emails", env={
        **classlink_env(url, "any-key", licenses_file), "CLASSLINK_TIMEOUT": "2"})
    assert_one_line(run, 3, "ClassLink", "did not answer", url)
    assert "demo-emails" in run.stdout  # the retries' log lines stay off stderr (one line)


@pytest.mark.parametrize(("kind", "said"), [
    ("truncated", "broken response"),
    ("rate_limit", "rate-limiting"),
])
def test_classlink_answering_garbage_or_rate_limiting_past_retries_is_exit_3(
    sandbox: SandboxServer, licenses_file: Path, kind: str, said: str
) -> None:
    sandbox.faults.add(kind, times=None, path_contains="/applications", retry_after=0)
    run = rosterbot("diagnose", "demo-emails", "--json",
                    env=classlink_env(sandbox.url, sandbox.partner_key, licenses_file))
    assert_one_line(run, 3, said)
    assert json.loads(run.stdout)["license"]["id"] == "demo-emails"


def test_a_healthy_classlink_is_exit_0_and_silent(
    sandbox: SandboxServer, licenses_file: Path
) -> None:
    run = rosterbot("diagnose", "demo-healthy",
                    env=classlink_env(sandbox.url, sandbox.partner_key, licenses_file))
    assert run.returncode == 0 and run.stderr == "", run.stderr


def test_lookup_is_exit_3_when_classlink_refuses(
    sandbox: SandboxServer, licenses_file: Path
) -> None:
    run = rosterbot("lookup", "jsmith@lincolnusd.org",
                    env=classlink_env(sandbox.url, "not-the-partner-key", licenses_file))
    assert_one_line(run, 3, "ClassLink could not be asked", "CLASSLINK_PARTNER_KEY")
    assert "jsmith@lincolnusd.org" in run.stdout


# -- the license API -----------------------------------------------------------------------------


def test_an_unreachable_license_api_is_exit_3(sandbox: SandboxServer) -> None:
    api = f"http://127.0.0.1:{closed_port()}"
    run = rosterbot("diagnose", "demo-emails", env={
        "CLASSLINK_API_URL": sandbox.url, "CLASSLINK_PARTNER_KEY": sandbox.partner_key,
        "ROSTERBOT_LICENSES": api})
    assert_one_line(run, 3, "license directory (ROSTERBOT_LICENSES) could not be asked", api)


def test_an_unreachable_license_api_is_told_apart_from_a_misconfigured_one() -> None:
    with HttpLicenseDirectory(f"http://127.0.0.1:{closed_port()}", backoff=0) as directory, \
            pytest.raises(LicenseSourceUnavailable):
        directory.get("demo-emails")


def test_a_misconfigured_license_source_is_exit_2(sandbox: SandboxServer) -> None:
    run = rosterbot("diagnose", "demo-emails", env={
        "CLASSLINK_API_URL": sandbox.url, "CLASSLINK_PARTNER_KEY": sandbox.partner_key,
        "ROSTERBOT_LICENSES": "http://licenses.example.org/api"})  # a token in clear text
    assert_one_line(run, 2, "ROSTERBOT_LICENSES")


# -- user mistakes: exit 2, one line ------------------------------------------------------------


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    export_sample(folder)
    return folder


def test_a_typo_in_a_world_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    world = tmp_path / "world.yml"
    world.write_text("partner_key: x\ndistricts:\n  - tenant_id: 1\n   tenant_name: y\n")
    assert_one_line(rosterbot("sandbox", "--world", str(world)), 2,
                    str(world), "line 4, column 4", "not valid YAML")


def test_a_missing_world_file_is_exit_2(tmp_path: Path) -> None:
    assert_one_line(rosterbot("sandbox", "--world", str(tmp_path / "nope.yml")), 2,
                    "nope.yml", "No such file")


def test_a_non_utf8_csv_in_a_bundle_names_the_csv(tmp_path: Path, world_dir: Path) -> None:
    copy = tmp_path / "world"
    shutil.copytree(world_dir, copy)
    users = next((copy / "bundles").iterdir()) / "users.csv"
    users.write_bytes(b"sourcedId,role,email\nu1,teacher,caf\xe9@x.org\n")
    assert_one_line(rosterbot("sandbox", "--world", str(copy / "world.yml"), "--port", "0"), 2,
                    str(users), "not UTF-8")


def test_a_port_in_use_is_one_line(sandbox: SandboxServer) -> None:
    port = sandbox.url.rsplit(":", 1)[1]
    assert_one_line(rosterbot("sandbox", "--port", port), 2,
                    f"cannot listen on 127.0.0.1:{port}", "in use")


def test_run_http_on_a_port_in_use_is_one_line(sandbox: SandboxServer, tmp_path: Path) -> None:
    port = sandbox.url.rsplit(":", 1)[1]
    run = rosterbot("run", "--http", "--sandbox", "--port", port, env={
        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
        "ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-1].startswith(f"rosterbot: cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize(("args", "needle"), [
    (("sandbox", "--port", "70000"), "--port"),
    (("sandbox", "--port", "abc"), "'abc'"),
    (("run", "--http", "--port", "-1"), "--port"),
    (("audit", "--limit", "0"), "--limit"),
    (("audit", "--since", "9" * 30 + "w"), "--since"),
    (("audit", "--since", "9" * 5000 + "d"), "--since"),
    (("diagnose", "--no-such-flag"), "--no-such-flag"),
    ((), "COMMAND"),
])
def test_bad_arguments_are_one_line(args: tuple[str, ...], needle: str, tmp_path: Path) -> None:
    run = rosterbot(*args, env={"DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}"})
    assert_one_line(run, 2, needle)


def test_a_deeply_nested_roster_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "license.csv").write_text("email\na@b.org\n")
    (tmp_path / "users.json").write_text("[" * 100_000)
    run = rosterbot("match", "--license", str(tmp_path / "license.csv"),
                    "--roster", str(tmp_path / "users.json"))
    assert_one_line(run, 2, "users.json")


def test_a_config_file_that_is_not_utf8_is_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(b"\xff\xfe")
    run = rosterbot("diagnose", "--sandbox", "--list", env={"ROSTERBOT_CONFIG": str(config)})
    assert_one_line(run, 2, "ROSTERBOT_CONFIG", "UTF-8")


# -- the knowledge base: staff edit it, a typo is one line naming the file and the place -------


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The packages and knowledge/ copied, so a test can break a knowledge file of its own."""
    copy = tmp_path / "repo"
    for name in ("bot", "checks", "sandbox", "knowledge"):
        shutil.copytree(REPO / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _break(copy: Path, text: str) -> Path:
    article = copy / "knowledge" / "articles" / "zz_typo.yml"
    article.write_text(text, encoding="utf-8")
    return article


def test_a_yaml_typo_in_an_article_stops_demo_with_one_line(repo_copy: Path) -> None:
    article = _break(repo_copy, "articles:\n  - id: typo\n    title: [unclosed\n")
    run = rosterbot("demo", "--script", cwd=repo_copy, command=(sys.executable, "-m", "bot"))
    assert_one_line(run, 2, str(article), "line 4, column 1", "not valid YAML")


def test_a_schema_error_in_an_article_stops_run_with_one_line(repo_copy: Path) -> None:
    article = _break(repo_copy, "articles:\n  - id: typo\n    title: Typo\n    questions: []\n"
                                "    answer: An answer.\n")
    run = rosterbot("run", "--http", "--sandbox", "--port", "0", cwd=repo_copy,
                    command=(sys.executable, "-m", "bot"), env={
                        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
                        "ROSTERBOT_DATA_DIR": str(repo_copy / "data")})
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    last = run.stderr.splitlines()[-1]  # `run` logs; the last line says why it stopped
    assert last.startswith("rosterbot: knowledge base: ")
    assert str(article) in last and "articles[0].questions" in last


def test_a_duplicate_key_in_a_knowledge_file_names_its_line(repo_copy: Path) -> None:
    strings = repo_copy / "knowledge" / "strings.yml"
    strings.write_text(strings.read_text(encoding="utf-8") + "strings: {}\n", encoding="utf-8")
    run = rosterbot("demo", "--script", cwd=repo_copy, command=(sys.executable, "-m", "bot"))
    assert_one_line(run, 2, str(strings), "duplicate key 'strings'", "line ")


# -- Slack -----------------------------------------------------------------------------------


def test_run_is_exit_2_when_slack_refuses_the_app_token(tmp_path: Path) -> None:
    """`run` failing to start is exit 2 whatever the cause (issue 10); see tests/ops."""
    from sandbox.slack_api import SlackApiStub

    with SlackApiStub() as stub:
        run = rosterbot("run", "--sandbox", env={
            "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_APP_TOKEN": "xapp-not-this-one",
            "SLACK_API_URL": stub.url + "/api/", "ROSTERBOT_DATA_DIR": str(tmp_path)})
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-1] == (
        "rosterbot: Slack refused to open a Socket Mode connection (invalid_auth); "
        "check SLACK_APP_TOKEN")


# -- pipes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [(), ("--json",)], ids=["plain", "json"])
def test_a_reader_that_goes_away_ends_quietly(form: tuple[str, ...]) -> None:
    """`rosterbot diagnose ... | head -1`: no traceback, the conventional status 141."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: every write fails with EPIPE
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        run = subprocess.run([ROSTERBOT, "diagnose", "--sandbox", "--all", *form],
                             stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
                             env=base, stdin=subprocess.DEVNULL, check=False)
    finally:
        os.close(write_end)
    assert run.returncode == 141, run.stderr
    assert run.stderr == ""


def test_piped_output_is_never_cut_or_folded() -> None:
    run = rosterbot("lookup", "--sandbox", "sarah.wilson@lincolnusd.org",
                    env={"COLUMNS": "40"})  # rich would honour it; a pipe has no width
    assert run.returncode == 0, run.stderr
    assert "…" not in run.stdout
    row = next(line for line in run.stdout.splitlines() if "Lincoln Unified" in line
               and "teacher" in line)
    assert "Lincoln Unified School District" in row and "sarah.wilson@lincolnusd.org" in row
    report = rosterbot("diagnose", "--sandbox", "demo-emails", env={"COLUMNS": "40"})
    assert report.returncode == 0, report.stderr
    assert any("sarah.wlison@lincolnusd.org" in line and "one-letter typo" in line
               for line in report.stdout.splitlines()), report.stdout
