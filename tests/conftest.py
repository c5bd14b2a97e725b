"""Test-session setup: jsii quiet, fast provider loading on, reference stacks synthesized once."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import constructs_lib  # noqa: F401  (installs the fast provider loading before any provider import)

REPO_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT_NAMES = ("dev", "staging", "prod")


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference app (``stacks.environments``) synthesized once per test session."""
    from constructs_lib.platform_stack import build_app
    from stacks.environments import ENVIRONMENTS

    outdir = tmp_path_factory.mktemp("cdktf.out")
    build_app(ENVIRONMENTS, outdir=str(outdir)).synth()
    return outdir


@pytest.fixture(scope="session")
def stacks_json(synth_dir: Path) -> dict[str, dict[str, Any]]:
    """Environment name -> its synthesized ``cdk.tf.json`` as a dict."""
    return {name: json.loads((synth_dir / "stacks" / name / "cdk.tf.json").read_text()) for name in ENVIRONMENT_NAMES}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per test run (shared by xdist workers, see ``tests/wheel.py``)."""
    from tests.wheel import run_root, shared, wheel_build

    return shared(run_root(tmp_path_factory), "dist", wheel_build)


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh virtualenv with the wheel and its dependencies installed, once per test run."""
    from tests.wheel import run_root, shared, wheel_install

    return shared(run_root(tmp_path_factory), "wheel-venv", lambda folder: wheel_install(wheel, folder))
