"""The pinned cdktf CLI (package.json) runs the app from cdktf.json and finds the three stacks."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT_NAMES, REPO_ROOT

CLI = REPO_ROOT / "node_modules" / ".bin" / "cdktf"


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert CLI.exists(), "the cdktf CLI is not installed: `make test` runs `npm ci` first"
    assert shutil.which("pipenv"), "pipenv is not on PATH: `make test` installs it and puts it on PATH"
    out = tmp_path_factory.mktemp("cli") / "cdktf.out"
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CI": "1"}
    run = subprocess.run(
        [str(CLI), "synth", "--output", str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return out


@pytest.mark.slow
def test_cli_synthesizes_every_stack(cli_out: Path) -> None:
    assert sorted(p.name for p in (cli_out / "stacks").iterdir()) == sorted(ENVIRONMENT_NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("environment", ENVIRONMENT_NAMES)
def test_cli_output_equals_library_output(environment: str, cli_out: Path, synth_dir: Path) -> None:
    cli_file = cli_out / "stacks" / environment / "cdk.tf.json"
    assert filecmp.cmp(cli_file, synth_dir / "stacks" / environment / "cdk.tf.json", shallow=False)
