"""``python main.py`` with a bad configuration prints exactly one line and exits 2: no traceback,
no jsii or Node text, whether the error comes from the config file or from a construct."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.quality.plain import plain, to_plain

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
FORBIDDEN = ("Traceback", "jsii", "node:", "    at ", "Error:", "RuntimeError")

#: Runs main() with the platform stack raising ConfigError while it is being built, after jsii
#: objects exist (the way a tier's construct validates its props inside the stack).
CONSTRUCT_FAILURE = """
import sys
import main  # first, as when main.py runs: constructs_lib quiets jsii before Node starts
from constructs import Construct
import constructs_lib.platform_stack as platform_stack
from constructs_lib.errors import ConfigError
from constructs_lib.stack import EnvironmentStack

def failing_init(self, scope, config):
    EnvironmentStack.__init__(self, scope, config)  # provider, backend: jsii objects exist
    Construct(self, "quality-gate-probe")
    raise ConfigError(f"{config.name}.cluster.version", "must be supported", "1.99", "use '1.35'")

platform_stack.PlatformStack.__init__ = failing_init
sys.exit(main.main([]))
"""


def run(arguments: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "EKS_PLATFORM_CONFIG"}
    environment.pop("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", None)  # what a user's shell has
    return subprocess.run(
        [str(PYTHON), *arguments],
        cwd=REPO_ROOT,
        # Nothing is synthesized on these paths; should that regress, output lands in tmp, not cdktf.out.
        env={**environment, "CDKTF_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _min_above_max(data: dict[str, Any]) -> None:
    data["environments"][0]["node_groups"][0].update(min_size=5, desired_size=5, max_size=3)


def _unknown_addon(data: dict[str, Any]) -> None:
    data["environments"][0]["addons"]["istio"] = True


BAD_FILES = {
    "min-above-max": (json.dumps(plain(_min_above_max)()), "`dev.node_groups[0].min_size`"),
    "unknown-addon": (json.dumps(plain(_unknown_addon)()), "`environments[0].addons.istio`"),
    "not-json": ('{"environments": [', "must be valid JSON or TOML"),
}


@pytest.fixture(scope="module", params=sorted(BAD_FILES))
def bad_file_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    text, expected = BAD_FILES[request.param]
    directory = tmp_path_factory.mktemp("bad-config")
    (directory / "bad.json").write_text(text, encoding="utf-8")
    return expected, run(["main.py", "--config", str(directory / "bad.json")], directory)


@pytest.fixture(scope="module")
def construct_failure_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return run(["-c", CONSTRUCT_FAILURE], tmp_path_factory.mktemp("construct-failure"))


def test_bad_file_exits_2(bad_file_run: tuple[str, Any]) -> None:
    assert bad_file_run[1].returncode == 2


def test_bad_file_prints_one_line(bad_file_run: tuple[str, Any]) -> None:
    assert len(bad_file_run[1].stderr.splitlines()) == 1, bad_file_run[1].stderr


def test_bad_file_line_names_the_field(bad_file_run: tuple[str, Any]) -> None:
    expected, completed = bad_file_run
    assert completed.stderr.startswith("config error: ") and expected in completed.stderr


def test_bad_file_prints_no_trace(bad_file_run: tuple[str, Any]) -> None:
    completed = bad_file_run[1]
    assert [word for word in FORBIDDEN if word in completed.stderr + completed.stdout] == []


def test_construct_error_exits_2(construct_failure_run: Any) -> None:
    assert construct_failure_run.returncode == 2, construct_failure_run.stderr


def test_construct_error_is_one_line(construct_failure_run: Any) -> None:
    assert construct_failure_run.stderr.splitlines() == [
        "config error: `dev.cluster.version`: must be supported (got '1.99'); fix: use '1.35'"
    ]


def test_construct_error_prints_no_trace(construct_failure_run: Any) -> None:
    assert [w for w in FORBIDDEN if w in construct_failure_run.stderr + construct_failure_run.stdout] == []


def test_plain_keeps_the_fixture_config_valid() -> None:
    from tests.fixtures import DEV

    assert to_plain(DEV)["name"] == "dev"
