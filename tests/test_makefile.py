"""The Makefile: what each target installs, what it says first, and its environment.

Dry runs (`make -n -B`: print every recipe as if all were out of date, execute none) and scratch copies
of the Makefile, so nothing here installs anything or uses the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

MAKEFILE = REPO_ROOT / "Makefile"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def _make(*args: str, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(MAKEFILE), *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _dry_run(target: str) -> list[str]:
    run = _make("-n", "-B", target)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


@pytest.mark.parametrize("target", ["diff", "deploy"])
def test_diff_and_deploy_install_the_venv_and_cli_but_not_checkov(target: str) -> None:
    recipe = "\n".join(_dry_run(target))
    assert ".tools/pipenv/bin/pipenv sync --dev" in recipe
    assert "npm ci" in recipe
    assert f"npx cdktf {target} dev" in recipe
    assert "checkov" not in recipe


def test_test_target_installs_checkov() -> None:
    assert any("tools/checkov/requirements.txt" in line for line in _dry_run("test"))


def test_synth_installs_the_cli_for_a_later_plain_shell_npx() -> None:
    recipe = _dry_run("synth")
    assert "npm ci --no-audit --no-fund" in recipe
    assert recipe[-1] == ".venv/bin/python main.py"


def test_pipenv_is_bootstrapped_into_a_project_virtualenv_never_the_system_python() -> None:
    recipe = _dry_run("bootstrap")
    assert "python3 -m venv .tools/pipenv" in recipe
    assert ".tools/pipenv/bin/pip install --quiet --disable-pip-version-check pipenv==2026.10.3" in recipe
    assert not [line for line in recipe if "-m pip install" in line or "--user" in line]


# The commands that can take more than ~10 s, and the step announcement each must follow.
_LONG_STEPS = {
    ".tools/pipenv/bin/pip install": "==> pipenv",
    ".tools/pipenv/bin/pipenv sync": "==> pipenv sync",
    "npm ci": "==> npm ci",
    ".tools/checkov/bin/pip install": "==> checkov",
    ".venv/bin/mypy": "==> mypy --strict",
    ".venv/bin/pytest": "==> pytest",
}


def test_every_long_step_says_what_it_does_first() -> None:
    recipe = _dry_run("test")
    found = set()
    for index, line in enumerate(recipe):
        for command, announcement in _LONG_STEPS.items():
            if line.startswith(command):
                found.add(command)
                announcements = [earlier for earlier in recipe[max(0, index - 3) : index] if "==>" in earlier]
                assert announcements and announcement in announcements[-1], (command, recipe[max(0, index - 3) : index])
    assert found == set(_LONG_STEPS)


def test_recipes_run_with_cdktf_checkpoint_disabled() -> None:
    run = _make("-s", "--eval", "print-checkpoint: ; @echo \"[$$CHECKPOINT_DISABLE]\"", "print-checkpoint")
    assert run.stdout == "[1]\n", run.stderr


@pytest.fixture
def python_without_ensurepip(tmp_path: Path) -> dict[str, str]:
    """An environment in which ``python -c 'import ensurepip'`` fails, as on Debian without python3-venv."""
    shadow = tmp_path / "shadow" / "ensurepip"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n")
    return {"PYTHONPATH": str(shadow.parent)}


def test_bootstrap_without_ensurepip_fails_with_one_line_naming_the_package(
    tmp_path: Path, python_without_ensurepip: dict[str, str]
) -> None:
    run = _make("bootstrap", f"PYTHON={sys.executable}", cwd=tmp_path, env=python_without_ensurepip)
    assert run.returncode != 0
    assert run.stderr.splitlines()[0] == (
        f"error: {sys.executable} cannot create virtualenvs (no ensurepip); "
        "on Debian/Ubuntu: sudo apt-get install python3-venv"
    )
    assert not (tmp_path / ".tools").exists()


def test_bootstrap_without_the_interpreter_fails_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-python3"
    run = _make("bootstrap", f"PYTHON={missing}", cwd=tmp_path)
    assert run.returncode != 0
    assert run.stderr.splitlines()[0] == (
        f"error: {missing} not found; install Python 3.11 or run make with PYTHON=/path/to/python3.11"
    )


def test_checkov_on_a_python_older_than_3_11_5_fails_with_one_line(tmp_path: Path) -> None:
    debian = Path("/usr/bin/python3")
    version = subprocess.run([str(debian), "-c", "import sys; print(sys.version_info[:3] < (3, 11, 5))"],
                             capture_output=True, text=True, check=False).stdout if debian.exists() else ""
    if version.strip() != "True":
        pytest.skip("needs a /usr/bin/python3 older than 3.11.5 (Debian 12 ships 3.11.2)")
    shutil.copytree(REPO_ROOT / "tools" / "checkov", tmp_path / "tools" / "checkov")
    # Offline on purpose: were the check gone, pip would fail fast instead of downloading.
    run = _make(".tools/checkov/bin/checkov", f"PYTHON={debian}", cwd=tmp_path, env={"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""})
    assert run.returncode != 0
    assert run.stderr.splitlines()[0] == (
        f"error: checkov's pinned dependencies need Python >= 3.11.5 ({debian} is older, e.g. Debian 12's 3.11.2); "
        "run make with PYTHON=/path/to/a-newer-python3.11"
    )
    assert not (tmp_path / ".tools").exists()
