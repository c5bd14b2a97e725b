"""The package as a user gets it: one wheel and one virtualenv with it installed, per test run.

Building the wheel and installing it take ~10 s, so ``tests/test_packaging.py`` and
``tests/test_examples.py`` share them. Under pytest-xdist each worker has its own session, so the
fixtures in ``tests/conftest.py`` build both in the run's shared temporary directory, under a file
lock: the first worker builds, the others wait and reuse.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import venv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["clean_environment", "run_root", "shared", "wheel_build", "wheel_install"]

#: Set by pytest-xdist in each worker process.
_XDIST_WORKER = "PYTEST_XDIST_WORKER"


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary directory of this test run, shared by every xdist worker of it (and only them)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get(_XDIST_WORKER) else base


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared(root: Path, name: str, make: Callable[[Path], Path]) -> Path:
    """``make(folder)`` run once per test run, in ``root/name``; later callers get its result."""
    folder, done = root / name, root / f"{name}.done"
    with _locked(root / f"{name}.lock"):
        if not done.exists():
            folder.mkdir(exist_ok=True)
            done.write_text(str(make(folder)))
    return Path(done.read_text())


def wheel_build(dist: Path) -> Path:
    """Build the project's wheel into ``dist`` (no isolation: the build backend is installed)."""
    repo = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(repo)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = dist.glob("eks_platform_constructs-*.whl")
    return built


def wheel_install(wheel: Path, environment: Path) -> Path:
    """A fresh virtualenv at ``environment`` with ``wheel`` and its dependencies installed."""
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return environment


def clean_environment() -> dict[str, str]:
    """This process's environment without what points at the repository's own virtualenv and loader
    (NODE_OPTIONS: this test process put the repository's Node loader in it)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NODE_OPTIONS")}
