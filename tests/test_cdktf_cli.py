"""The pinned cdktf CLI (package.json) runs the app from cdktf.json and finds the three stacks.

It runs as from a plain shell after `make synth`: a PATH without pipenv and without the virtualenv.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT_NAMES, REPO_ROOT

CLI = REPO_ROOT / "node_modules" / ".bin" / "cdktf"


def _plain_shell_path() -> str:
    """PATH without any directory holding pipenv, and without the project's virtualenv."""
    venv_bin = (REPO_ROOT / ".venv" / "bin").resolve()
    kept = [
        entry
        for entry in os.environ["PATH"].split(os.pathsep)
        if entry and not (Path(entry) / "pipenv").exists() and Path(entry).resolve() != venv_bin
    ]
    return os.pathsep.join(kept)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    assert CLI.exists(), "the cdktf CLI is not installed: `make test` runs `npm ci` first"
    path = _plain_shell_path()
    assert shutil.which("pipenv", path=path) is None
    assert shutil.which("node", path=path), "node must stay on PATH: it runs the CLI"
    out = tmp_path_factory.mktemp("cli") / "cdktf.out"
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PIPENV_ACTIVE")}
    # The README's plain-shell command: CHECKPOINT_DISABLE=1 npx cdktf synth (the Makefile exports it).
    env |= {"PATH": path, "CHECKPOINT_DISABLE": "1", "CI": "1"}
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
    return run, out


@pytest.fixture(scope="module")
def cli_out(cli_run: tuple[subprocess.CompletedProcess[str], Path]) -> Path:
    return cli_run[1]


@pytest.mark.slow
def test_cli_prints_no_checkpoint_error(cli_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, _ = cli_run
    # Without CHECKPOINT_DISABLE an offline CLI logs "[ERROR] ... getaddrinfo ENOTFOUND checkpoint-api...".
    assert "checkpoint" not in (run.stdout + run.stderr).lower()


@pytest.mark.slow
def test_cli_synthesizes_every_stack(cli_out: Path) -> None:
    assert sorted(p.name for p in (cli_out / "stacks").iterdir()) == sorted(ENVIRONMENT_NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("environment", ENVIRONMENT_NAMES)
def test_cli_output_equals_library_output(environment: str, cli_out: Path, synth_dir: Path) -> None:
    cli_file = cli_out / "stacks" / environment / "cdk.tf.json"
    assert filecmp.cmp(cli_file, synth_dir / "stacks" / environment / "cdk.tf.json", shallow=False)
